#!/usr/bin/python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: kapacitor_topic_handler
short_description: Manage a handler of a Kapacitor alert topic
version_added: 0.1.0
description:
  - Creates, updates or deletes one handler of a Kapacitor alert topic through Kapacitor's
    C(/kapacitor/v1/alerts/topics/<topic>/handlers) API. Alerts that TICKscripts publish to
    the topic, with the C(.topic) property of their alert node, then go to the handler.
  - Handlers run a program (V(exec)), append to a log file (V(log)), write to a TCP socket
    (V(tcp)), post to an HTTP URL (V(post)), or send through one of Kapacitor's alert
    services (V(slack), V(telegram), V(pagerduty2), ...), whose endpoint you configure with
    this collection's other modules.
  - Kapacitor returns a handler exactly as it was stored, so the module compares the whole
    handler (O(kind), O(options), O(match)) and writes it only when it differs. A second run
    with the same parameters reports no change.
author:
  - tick.kapacitor developers (@tick-kapacitor)
extends_documentation_fragment:
  - tick.kapacitor.connection
  - tick.kapacitor.endpoint.attributes
options:
  topic:
    description:
      - Alert topic the handler belongs to. Kapacitor creates the topic with its first handler
        or its first alert.
      - Letters, digits C(0-9), C(-), C(:), C(.) and C(_), as Kapacitor checks it
        (C(^[-:._\p{L}0-9]+$)). Letters of any script count (V(été), V(警报)); digits
        other than C(0-9), combining accents (an C(e) followed by U+0301) and anything else (a
        space, a trailing newline) fail before any request.
    type: str
    required: true
  id:
    description:
      - Id of the handler within its topic. Letters of any script, digits C(0-9), C(-), C(.)
        and C(_), as Kapacitor checks it (C(^[-._\p{L}0-9]+$)); anything else (a C(:), a space,
        a trailing newline) fails before any request.
    type: str
    required: true
  kind:
    description:
      - What the handler does with an alert. Required with O(state=present).
      - V(exec) runs a program with the alert as JSON on its standard input.
      - V(log) appends the alert as a JSON line to a file on Kapacitor's host.
      - V(tcp) writes the alert as a JSON line to a TCP socket.
      - V(post) sends the alert as JSON in an HTTP POST request.
      - V(aggregate) collects alerts over an interval and publishes one summary alert to
        another topic; V(publish) republishes alerts to other topics.
      # BEGIN GENERATED service kinds (tools/generate.py)
      - V(alerta), V(bigpanda), V(discord), V(hipchat), V(kafka), V(mqtt), V(opsgenie), V(opsgenie2), V(pagerduty),
        V(pagerduty2), V(pushover), V(sensu), V(servicenow), V(slack), V(smtp), V(snmptrap), V(talk), V(teams),
        V(telegram), V(victorops) and V(zenoss) send through the Kapacitor service of the same name, which must
        be enabled (for example with M(tick.kapacitor.kapacitor_slack)).
      - V(discord) and V(teams) need Kapacitor 1.5.6 or later, V(servicenow) needs Kapacitor 1.5.7 or later,
        V(bigpanda) needs Kapacitor 1.5.8 or later and V(zenoss) needs Kapacitor 1.6.0 or later, like their
        services. On an older Kapacitor the module fails naming the version, before anything is written.
      # END GENERATED service kinds
      - Any other value fails before anything is sent.
    type: str
  options:
    description:
      - Options of the handler, which depend on O(kind). The handler is stored with exactly
        these options; options you leave out are not kept from an earlier run.
      - Every kind's options are checked before anything is sent, in check mode too, against the
        options Kapacitor v1.8.3 reads for that kind (its C(HandlerConfig) structs). An unknown
        name fails naming the kind's options, and so do a missing required option and a value of
        the wrong type. Kapacitor itself would refuse them (HTTP 500) only when the handler is
        written.
      - Older Kapacitor versions read fewer options for a few kinds (1.5 has no C(attributes) for
        V(alerta) and V(bigpanda), no C(host) for V(bigpanda), no C(to-field) for V(smtp), no
        C(partitionAlgorithm) or C(disablePartitionById) for V(kafka)). Such a Kapacitor refuses
        them itself when the handler is written, storing nothing, and the task fails with its
        message.
      - Names are the collection's snake_case ones, as the endpoint modules spell them
        (V(icon_emoji), V(chat_id), V(partition_algorithm)), or Kapacitor's own (C(icon-emoji),
        C(chat-id), C(partitionAlgorithm)); they are sent under Kapacitor's. A handler written
        with Kapacitor's names, for example by C(kapacitor define-topic-handler), is the same
        handler and is not rewritten (Kapacitor, and this module, match them ignoring case).
      - Durations (C(timeout), C(interval)) are Go durations such as V(10s) or V(1m30s), or
        integer nanoseconds, as Kapacitor stores them and its CLI's handler files carry them
        (V(10000000000) is V(10s)). A bare number under a millisecond (V(10)) is refused as a
        forgotten unit.
      - A number given for a text option, such as a Telegram C(chat_id) V(-1001234567890) or a
        header value V(3), is sent as its text, which Kapacitor requires. Quote numbers with
        leading zeros, since YAML reads an unquoted V(0123) as the octal number 83.
      - Many text options are Go templates that Kapacitor fills in for each alert
        (C({{ .ID }}), C({{ .Message }}), C({{ index .Tags "host" }})). Ansible would template
        them first and fail (C(Syntax error in template), C(unexpected '.')). Mark such values
        C(!unsafe), as in the EXAMPLES, or wrap them in C({% raw %}...{% endraw %}).
      - "V(aggregate): C(interval) (required, longer than zero), C(topic) (where the summary
        alert goes), C(id) (the summary alert's id) and C(message) (a template, by default
        C(Received {{ .Count }} events in the last {{.Interval}}.))."
      - "V(alerta): C(resource), C(event), C(environment), C(group), C(value) (templates),
        C(origin), C(service) and C(correlate) (lists), C(attributes) (mapping), C(token),
        C(token_prefix) and C(timeout) (a duration, sent to Alerta as the alert's timeout;
        V(24h) when omitted, whatever the alerta endpoint's C(timeout) is)."
      - "V(bigpanda): C(app_key), C(url), C(host), C(primary_property), C(secondary_property)
        and C(attributes) (mapping)."
      - "V(discord): C(workspace), C(username), C(avatar_url) and C(embed_title)."
      - "V(exec): C(prog) (required, the program; an absolute path unless it is on
        Kapacitor's C(PATH)) and C(args) (list of arguments)."
      - "V(hipchat): C(room) and C(token)."
      - "V(kafka): C(cluster) (required), C(topic) (required), C(template) (a template of the
        message), C(disable_partition_by_id) and C(partition_algorithm) (V(crc32), the default,
        V(murmur2), V(murmur3) or V(fnv-1a)). The cluster must be the id of an enabled cluster
        (M(tick.kapacitor.kapacitor_kafka)): Kapacitor refuses a handler naming an unknown or
        disabled one (C(unknown cluster)), also in a file-configured C(kapacitor.conf), and a
        handler whose cluster is disabled later stays but can no longer be replaced until the
        cluster is enabled again. Check mode does not know the clusters: it cannot predict this."
      - "V(log): C(path) (required, absolute path of the file on Kapacitor's host) and
        C(mode) (file mode as a quoted octal string such as V('0644'), default V('0600');
        it must be writable by its owner)."
      - "V(mqtt): C(broker_name), C(topic) (a template), C(qos) (V(0), V(1) or V(2), or
        Kapacitor's names V(at-most-once), V(at-least-once) and V(exactly-one)) and C(retained)."
      - "V(opsgenie): C(teams_list) and C(recipients_list) (lists). V(opsgenie2): the same and
        C(recovery_action)."
      - "V(pagerduty): C(service_key). V(pagerduty2): C(routing_key) and C(links) (list of
        mappings with C(href) and C(text), templates)."
      - "V(post): C(url) (where to post; a template) or C(endpoint) (an C([[httppost]])
        endpoint of C(kapacitor.conf), used when it exists), C(headers) (mapping of header
        names to values), C(capture_response) (log the response body when the request fails),
        C(timeout) (a duration; V(0s) means none) and C(skip_ssl_verification)."
      - "V(publish): C(topics), the topics each alert is published to again, as if its
        TICKscript had sent it there too; their own handlers then get it."
      - "V(pushover): C(device), C(title), C(url), C(url_title), C(sound) and C(user_key)."
      - "V(sensu): C(source) (a template), C(handlers) (list) and C(metadata) (mapping)."
      - "V(servicenow): C(url), C(username), C(password), C(source), C(node), C(type),
        C(resource), C(metric_name), C(message_key) and C(additional_info) (mapping). Kapacitor
        reads the two last but one only as C(metricname) and C(messagekey) (its docs' names are
        refused): that is what is sent."
      - "V(slack): C(workspace), C(channel), C(username) and C(icon_emoji)."
      - "V(smtp): C(to) (list of addresses) and C(to_field) (list of templates)."
      - "V(snmptrap): C(trap_oid) and C(data_list) (list of mappings with C(oid), C(type) and
        C(value), a template)."
      - "V(talk): no options. Kapacitor v1.8.3 stores a talk handler's options without
        checking them and never reads them (the Talk endpoint's settings are used), so the
        module refuses any, and removes those another client stored."
      - "V(tcp): C(address) (required, V(host:port))."
      - "V(teams): C(channel_url)."
      - "V(telegram): C(chat_id), C(parse_mode), C(disable_web_page_preview) and
        C(disable_notification)."
      - "V(victorops): C(routing_key)."
      - "V(zenoss): C(action), C(method), C(type), C(tid) (integer), C(summary), C(device),
        C(component), C(event_class_key), C(event_class), C(collector), C(message) and
        C(custom_field) (mapping). Kapacitor reads C(event_class_key) and C(event_class) only as
        C(eventclasskey) and C(eventclass) (its docs' C(evclasskey) and C(evclass) are refused,
        and accepted here for them)."
      - "What is treated as secret, never shown (see RV(handler)) nor written into messages,
        in any form (as given, Go-quoted, JSON-escaped, URL-encoded):"
      - "Values of options whose names contain C(token), C(password), C(passwd), C(secret),
        C(credential), C(api-key), C(app-key), C(routing-key), C(service-key), C(user-key) or
        C(community) (ignoring case, C(-) and C(_)), also inside nested mappings and lists. Among
        handler options: the C(token) of V(alerta) (and its C(token_prefix)) and V(hipchat), the
        C(app_key) of V(bigpanda), the C(service_key) of V(pagerduty), the C(routing_key) of
        V(pagerduty2) and V(victorops), the C(user_key) of V(pushover) and the C(password) of
        V(servicenow)."
      - "The C(channel_url) of V(teams) handlers, as a whole: it is the only handler option
        holding a webhook URL. The webhook URLs of Slack, Discord and Talk are endpoint
        settings (M(tick.kapacitor.kapacitor_slack), ...), not handler options."
      - "Every value of C(headers) (V(post): C(Authorization), API keys)."
      - "In other URL options (the C(url) of V(post), V(bigpanda), V(pushover) and
        V(servicenow) handlers, the C(avatar_url) of V(discord)), the password of the
        userinfo, every query value and the fragment: such URLs are shown with those parts
        masked, for example V(https://hooks.example.com/x?token=********)."
      - "V(kafka) handler options hold no secrets; Kafka's credentials are configured with
        M(tick.kapacitor.kapacitor_kafka)."
    type: dict
  match:
    description:
      - Lambda expression that selects which alerts the handler gets, for example
        "level() >= WARNING" or "changed() == TRUE".
      - Empty or omitted, the handler gets every alert of the topic.
    type: str
  state:
    description:
      - V(present) creates the handler or replaces it with the given O(kind), O(options) and
        O(match).
      - V(absent) deletes the handler. The topic itself is never deleted.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Deleting a topic (C(DELETE /kapacitor/v1/alerts/topics/<topic>)) does not delete its
    handlers; Kapacitor keeps their specs and runs them again after a restart. Delete the
    handlers with O(state=absent); this module never deletes topics.
  - Programs of V(exec) handlers and files of V(log) handlers are on the host where
    Kapacitor runs, which is not necessarily the host this module runs on.
  - Handlers of service kinds (V(slack), V(kafka), ...) only send when the service is enabled
    in Kapacitor's configuration.
  - Handlers this module writes are ordinary Kapacitor handlers, under Kapacitor's own option
    names, so C(kapacitor show-topic-handler <topic> <id>) shows them, and a handler written by
    C(kapacitor define-topic-handler) with the same options is reported unchanged.
  - The C(url) of V(post) handlers is shown in output with its password, query values and
    fragment masked; its path is shown. Keep credentials in C(headers), which are masked, in
    the URL's query, or in an C([[httppost]]) endpoint.
  - Ansible writes every module's arguments to the managed node's system log, and it cannot
    know which values of the free-form O(options) are secrets. Set C(no_log=true) on the task
    (or C(no_target_syslog)) if that log must not contain them; the module's own output masks
    them either way.
seealso:
  - name: Kapacitor alert handlers
    description: Kapacitor's documentation of handler kinds and their options.
    link: https://docs.influxdata.com/kapacitor/v1/reference/event_handlers/
  - name: Kapacitor topic handler API
    description: The HTTP API this module uses.
    link: https://docs.influxdata.com/kapacitor/v1/working/api/#manage-alerts
  - module: tick.kapacitor.kapacitor_info
  - module: tick.kapacitor.kapacitor_service_test
'''

EXAMPLES = r'''
- name: Run a program for every alert of the ops topic
  tick.kapacitor.kapacitor_topic_handler:
    kapacitor_url: http://kapacitor.example.com:9092
    topic: ops
    id: page-oncall
    kind: exec
    options:
      prog: /usr/local/bin/page-oncall
      args: [--team, ops]

- name: Keep a log of warnings and worse
  tick.kapacitor.kapacitor_topic_handler:
    kapacitor_url: http://kapacitor.example.com:9092
    topic: ops
    id: alert-log
    kind: log
    options:
      path: /var/log/kapacitor/ops-alerts.log
      mode: "0640"
    match: level() >= WARNING

- name: Forward alerts to a log collector over TCP
  tick.kapacitor.kapacitor_topic_handler:
    kapacitor_url: http://kapacitor.example.com:9092
    topic: ops
    id: logstash
    kind: tcp
    options:
      address: logstash.example.com:5140

- name: Post alerts to a web service, to a URL made from each alert
  tick.kapacitor.kapacitor_topic_handler:
    kapacitor_url: http://kapacitor.example.com:9092
    topic: ops
    id: webhook
    kind: post
    options:
      # A Go template, filled in by Kapacitor: !unsafe keeps Ansible from templating it.
      url: !unsafe https://alerts.example.com/kapacitor/{{ .TaskName }}
      headers:
        Authorization: "Bearer {{ vault_alerts_token }}"
        X-Api-Version: 2  # sent as the text "2"
      timeout: 10s
      capture_response: true

- name: "Send state changes to the #ops Slack channel"
  tick.kapacitor.kapacitor_topic_handler:
    kapacitor_url: http://kapacitor.example.com:9092
    topic: ops
    id: slack
    kind: slack
    options:
      channel: "#ops"
      icon_emoji: ":rotating_light:"
    match: changed() == TRUE

- name: Send critical alerts to a Telegram group
  tick.kapacitor.kapacitor_topic_handler:
    kapacitor_url: http://kapacitor.example.com:9092
    topic: ops
    id: telegram-critical
    kind: telegram
    options:
      chat_id: -1001234567890
      parse_mode: Markdown
      disable_web_page_preview: true
    match: level() == CRITICAL

- name: Sum up the ops topic's alerts every 5 minutes in the ops-summary topic
  tick.kapacitor.kapacitor_topic_handler:
    kapacitor_url: http://kapacitor.example.com:9092
    topic: ops
    id: summary
    kind: aggregate
    options:
      interval: 5m
      topic: ops-summary
      id: ops-summary
      message: !unsafe "{{ .Count }} ops alerts in the last {{ .Interval }}"

- name: Publish the ops topic's alerts to the audit topic too
  tick.kapacitor.kapacitor_topic_handler:
    kapacitor_url: http://kapacitor.example.com:9092
    topic: ops
    id: to-audit
    kind: publish
    options:
      topics: [audit]

- name: Remove a handler
  tick.kapacitor.kapacitor_topic_handler:
    kapacitor_url: http://kapacitor.example.com:9092
    topic: ops
    id: webhook
    state: absent
'''

RETURN = r'''
handler:
  description:
    - The handler after the run (in check mode, as it would be); empty after O(state=absent).
    - Options are as Kapacitor stores them, under its names (C(capture-response)), durations
      in nanoseconds and file modes as decimal numbers (V('0644') is V(420)).
    - Secrets are V(true) when set and V(false) when empty. In diffs they are C(<set>),
      C(<unset>) or C(<updated>).
  returned: success
  type: dict
  contains:
    topic:
      description: The topic.
      type: str
      returned: with O(state=present)
    id:
      description: The handler's id.
      type: str
      returned: with O(state=present)
    kind:
      description: The handler's kind.
      type: str
      returned: with O(state=present)
    options:
      description: The handler's options.
      type: dict
      returned: with O(state=present)
    match:
      description: The match expression, empty when the handler gets every alert.
      type: str
      returned: with O(state=present)
  sample:
    topic: ops
    id: webhook
    kind: post
    options:
      url: https://alerts.example.com/kapacitor
      headers:
        Authorization: true
      timeout: 10000000000
      capture-response: true
    match: ""
# BEGIN GENERATED shared returns (tools/generate.py)
kapacitor_version:
  description: Version of the Kapacitor server, from its C(X-Kapacitor-Version) header.
  returned: when Kapacitor answered
  type: str
  sample: 1.8.3
# END GENERATED shared returns
'''

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_runner import run_as_module
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_topic_handlers import HANDLER_TASK


def main():
    run_as_module(HANDLER_TASK)


if __name__ == '__main__':
    main()
