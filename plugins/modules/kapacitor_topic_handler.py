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
      - Letters, digits C(0-9), C(-), C(:), C(.) and C(_), as Kapacitor checks it; anything else
        (a space, a trailing newline) fails before any request.
    type: str
    required: true
  id:
    description:
      - Id of the handler within its topic. Letters, digits C(0-9), C(-), C(.) and C(_), as
        Kapacitor checks it; anything else (a space, a trailing newline) fails before any request.
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
      # END GENERATED service kinds
      - Any other value fails before anything is sent.
    type: str
  options:
    description:
      - Options of the handler, which depend on O(kind). The handler is stored with exactly
        these options; options you leave out are not kept from an earlier run.
      - For V(exec), V(log), V(tcp), V(post) and V(aggregate) the options are checked before
        anything is sent, and snake_case names (V(capture_response)) are accepted for
        Kapacitor's dash names (C(capture-response)).
      - "V(exec): C(prog) (required, the program; an absolute path unless it is on
        Kapacitor's C(PATH)) and C(args) (list of arguments)."
      - "V(log): C(path) (required, absolute path of the file on Kapacitor's host) and
        C(mode) (file mode as a quoted octal string such as V('0644'), default V('0600');
        it must be writable by its owner)."
      - "V(tcp): C(address) (required, V(host:port))."
      - "V(post): C(url) (where to post; a Go template is allowed) or C(endpoint) (an
        C([[httppost]]) endpoint of C(kapacitor.conf), used when it exists), C(headers)
        (mapping of header names to values), C(capture_response) (log the response body
        when the request fails), C(timeout) (a duration such as V(10s); V(0s) means none) and
        C(skip_ssl_verification)."
      - "V(aggregate): C(interval) (required, a duration such as V(1m)), C(topic) (where the
        summary goes), C(id) and C(message)."
      - Other kinds take Kapacitor's option names unchanged, for example C(channel) for
        V(slack), C(chat-id) for V(telegram), C(routing-key) for V(pagerduty2), C(cluster)
        and C(topic) for V(kafka). The C(timeout) of V(alerta) is a duration such as V(10s).
        Kapacitor itself checks them and names the wrong one.
      - "What is treated as secret, never shown (see RV(handler)) nor written into messages,
        in any form (as given, Go-quoted, JSON-escaped, URL-encoded):"
      - "Values of options whose names contain C(token), C(password), C(passwd), C(secret),
        C(credential), C(api-key), C(app-key), C(routing-key), C(service-key), C(user-key) or
        C(community) (ignoring case, C(-) and C(_)), of any kind, also inside nested mappings
        and lists."
      - "The URL options of V(slack), V(teams), V(discord) and V(talk) handlers (C(url),
        C(workspace-url)..., not C(avatar-url)): webhook URLs are credentials as a whole."
      - "Every value of C(headers) (V(post): C(Authorization), API keys) and of Kafka's
        C(sasl-extensions) and C(sasl-oauth-parameters) mappings."
      - "In other URL options (the C(url) of V(post) and V(alerta) handlers, ...), the password
        of the userinfo, every query value and the fragment: such URLs are shown with those
        parts masked, for example V(https://hooks.example.com/x?token=********)."
      - "V(kafka) handler options (C(cluster), C(topic), C(template), C(disablePartitionById),
        C(partitionAlgorithm)) hold no secrets; Kafka's credentials are configured with
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
    topic: ops
    id: alert-log
    kind: log
    options:
      path: /var/log/kapacitor/ops-alerts.log
      mode: "0640"
    match: level() >= WARNING

- name: Forward alerts to a log collector over TCP
  tick.kapacitor.kapacitor_topic_handler:
    topic: ops
    id: logstash
    kind: tcp
    options:
      address: logstash.example.com:5140

- name: Post alerts to a web service
  tick.kapacitor.kapacitor_topic_handler:
    topic: ops
    id: webhook
    kind: post
    options:
      url: https://alerts.example.com/kapacitor
      headers:
        Authorization: "Bearer {{ vault_alerts_token }}"
      timeout: 10s
      capture_response: true

- name: Send state changes to the #ops Slack channel
  tick.kapacitor.kapacitor_topic_handler:
    topic: ops
    id: slack
    kind: slack
    options:
      channel: "#ops"
    match: changed() == TRUE

- name: Remove a handler
  tick.kapacitor.kapacitor_topic_handler:
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
