#!/usr/bin/python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: kapacitor_info
short_description: Read Kapacitor's alert endpoints, rules, topics and users
version_added: 0.1.0
description:
  - Returns the Kapacitor version and what it supports of the sections and options this
    collection manages (RV(supported)), the effective options of Kapacitor's alert sections
    (Slack, Telegram, SMTP, ...), its TICKscript tasks and templates, its alert topics with their
    handlers, and its users.
  - Also exports the alert sections in the shape M(tick.kapacitor.kapacitor_alert_endpoints)
    and the role C(tick.kapacitor.alert_endpoints) take back as they are (RV(endpoints)), and
    lists the secrets it cannot export (RV(secrets_required)), which go back separately. This is
    how a Kapacitor that was configured by hand (through its API, Chronograf or
    C(kapacitor.conf)) comes under management, or is copied to another Kapacitor. See the
    examples.
  - Only reads; never changes anything, in check mode or not.
  - Secrets are never returned. RV(sections) reports them as set or unset, including the ones
    Kapacitor itself returns in clear (Kafka SASL credentials, the Microsoft Teams channel URL,
    Discord webhook URLs); RV(endpoints) leaves them out.
author:
  - tick.kapacitor developers (@tick-kapacitor)
extends_documentation_fragment:
  - tick.kapacitor.connection
options:
  sections:
    description:
      - Alert sections to report. Default is every alert section.
      - Use V([]) to report none (for example to read only O(topics)).
    type: list
    elements: str
    # BEGIN GENERATED choices (tools/generate.py)
    choices:
      - alerta
      - bigpanda
      - discord
      - hipchat
      - httppost
      - kafka
      - mqtt
      - opsgenie
      - opsgenie2
      - pagerduty
      - pagerduty2
      - pushover
      - sensu
      - servicenow
      - slack
      - smtp
      - snmptrap
      - talk
      - teams
      - telegram
      - victorops
      - zenoss
    # END GENERATED choices
  topics:
    description:
      - Alert topics whose state and handlers to report.
      - Default is every topic Kapacitor knows, when O(gather) has V(topics).
    type: list
    elements: str
  gather:
    description:
      - What to report besides the alert sections. V(tasks) and V(templates) in the shape
        M(tick.kapacitor.kapacitor_task), M(tick.kapacitor.kapacitor_template) and the role
        C(tick.kapacitor.alert_rules) take back (RV(tasks), RV(templates)); V(flux_tasks), the
        Flux tasks like M(tick.kapacitor.kapacitor_flux_task) shows them (RV(flux_tasks));
        V(topics), every topic with its handlers (RV(topics)); V(users), Kapacitor's users
        without their passwords (RV(users)).
      - Use V([]) to read the alert sections only (one request fewer per kind).
    type: list
    elements: str
    choices: [tasks, templates, flux_tasks, topics, users]
    default: [tasks, templates, flux_tasks, topics, users]
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
    details: The module only reads, so it does the same in check mode.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
  action_group:
    description: Use C(group/tick.kapacitor.kapacitor) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - tick.kapacitor.kapacitor
notes:
  - Options are reported under the option names of this collection's modules (C(chat_id),
    not C(chat-id)); options this collection does not know are left out.
  - The export is of the effective configuration, C(kapacitor.conf) and API overrides together,
    Kapacitor's defaults included (every option of every element). Applied to another Kapacitor,
    the values that differ there become API overrides on it, which take precedence over its
    C(kapacitor.conf) until removed (O(tick.kapacitor.kapacitor_alert_endpoints#module:endpoints.slack[].state=absent)
    or O(tick.kapacitor.kapacitor_alert_endpoints#module:prune=true)).
  - Secrets Kapacitor redacts cannot be read back, so RV(secrets_required) lists every secret that
    is set, whatever its value; Kapacitor's SNMP trap community is set on every Kapacitor (its
    default is C(public)). With O(tick.kapacitor.kapacitor_alert_endpoints#module:update_secrets=on_create),
    the default, a secret already set on the Kapacitor being converged is left as it is.
  - HTTP POST endpoints are exported too, but Kapacitor uses only the ones defined in its
    C(kapacitor.conf); converging another Kapacitor needs the same endpoints defined in its file.
  - Ansible templates strings it reads from variable files. The export holds Go templates where
    Kapacitor has them (HTTP POST C(alert_template), for example C({{.Message}})); passed on as a
    registered variable (as in the examples) they are safe, but saved to a variables file they
    must be marked C(!unsafe).
seealso:
  - module: tick.kapacitor.kapacitor_alert_endpoints
    description: Takes RV(endpoints) and the filled-in RV(secrets_required) back.
  - module: tick.kapacitor.kapacitor_topic_handler
  - module: tick.kapacitor.kapacitor_service_test
  - module: tick.kapacitor.kapacitor_task
  - module: tick.kapacitor.kapacitor_template
  - module: tick.kapacitor.kapacitor_flux_task
  - module: tick.kapacitor.kapacitor_topic
  - module: tick.kapacitor.kapacitor_user
'''

EXAMPLES = r'''
- name: Read every alert endpoint
  tick.kapacitor.kapacitor_info:
    kapacitor_url: http://kapacitor.example.com:9092
  register: kapacitor

- name: Show whether Slack is enabled and where Telegram sends to
  ansible.builtin.debug:
    msg:
      - "Slack (default workspace) enabled: {{ kapacitor.sections.slack[''].enabled }}"
      - "Telegram chat: {{ kapacitor.sections.telegram.chat_id }}"

- name: Say which alert sections and options this Kapacitor is too old for
  ansible.builtin.debug:
    msg:
      - "Kapacitor {{ kapacitor.kapacitor_version }} lacks the sections {{ kapacitor.supported.missing_sections }}"
      - "and the options {{ kapacitor.supported.missing_options }}"

- name: Read the handlers of two topics, and no section
  tick.kapacitor.kapacitor_info:
    kapacitor_url: http://kapacitor.example.com:9092
    sections: []
    topics: [ops, db]
  register: handlers

- name: List the handler ids of the ops topic
  ansible.builtin.debug:
    msg: "{{ handlers.topics.ops.handlers | map(attribute='id') }}"

# Bring a Kapacitor that was configured by hand under management (or copy it to another one):
# export its endpoints, then converge a Kapacitor to the export plus the secrets.
- name: Export the alert endpoints of a Kapacitor configured by hand
  tick.kapacitor.kapacitor_info:
    kapacitor_url: http://kapacitor.example.com:9092
  register: exported

- name: Show which secrets it could not export, where they go
  ansible.builtin.debug:
    var: exported.secrets_required

- name: Converge a Kapacitor (here the same one, which reports ok) to the export and the secrets
  ansible.builtin.include_role:
    name: tick.kapacitor.alert_endpoints
  vars:
    alert_endpoints_kapacitor_url: http://kapacitor.example.com:9092
    alert_endpoints_endpoints: "{{ exported.endpoints }}"
    # secrets_required with its nulls filled in from the vault: a secret left null fails the
    # task, naming it (for example secrets.slack.ops.url), before anything is written
    alert_endpoints_secrets: "{{ exported.secrets_required | combine(kapacitor_secrets, recursive=True) }}"
    kapacitor_secrets:
      snmptrap:
        community: "{{ vault_snmptrap_community }}"
      telegram:
        token: "{{ vault_telegram_token }}"

# The alert rules go back the same way, through the role tick.kapacitor.alert_rules.
- name: Export the TICKscript tasks and templates of a Kapacitor
  tick.kapacitor.kapacitor_info:
    kapacitor_url: http://kapacitor.example.com:9092
    sections: []
    gather: [tasks, templates]
  register: rules

- name: Converge a Kapacitor (here the same one, which reports ok) to those rules
  ansible.builtin.include_role:
    name: tick.kapacitor.alert_rules
  vars:
    alert_rules_kapacitor_url: http://kapacitor.example.com:9092
    alert_rules_templates: "{{ rules.templates }}"
    alert_rules_tasks: "{{ rules.tasks }}"

- name: The same with the module, for Slack only; a list section's secrets go by element name
  tick.kapacitor.kapacitor_alert_endpoints:
    kapacitor_url: http://kapacitor.example.com:9092
    endpoints:
      slack: "{{ exported.endpoints.slack }}"
    secrets:
      slack:
        "":  # the default workspace
          url: "{{ vault_slack_webhook_url }}"
'''

RETURN = r'''
sections:
  description:
    - Effective options (configuration file with API overrides applied) of each requested
      section Kapacitor has, under this collection's option names. To feed them back to
      M(tick.kapacitor.kapacitor_alert_endpoints) or the alert_endpoints role, use RV(endpoints).
    - For sections with one element (C(telegram), C(smtp), ...) the options themselves; for
      list sections (C(slack), C(discord), C(kafka), C(mqtt), C(httppost)) a mapping of
      element names (the empty name is the default Slack or Discord workspace) to options.
    - Secrets are V(true) when set and V(false) when empty.
  returned: success
  type: dict
  sample:
    telegram:
      enabled: true
      url: https://api.telegram.org/bot
      token: true
      chat_id: "-1001234567"
      parse_mode: Markdown
      disable_web_page_preview: false
      disable_notification: false
      global: false
      state_changes_only: false
    slack:
      "":
        enabled: true
        default: true
        url: true
        token: false
        channel: "#alerts"
        username: kapacitor
endpoints:
  description:
    - The requested sections Kapacitor has, in the shape
      O(tick.kapacitor.kapacitor_alert_endpoints#module:endpoints) and the alert_endpoints role's
      C(alert_endpoints_endpoints) take; pass it on as it is.
    - Single sections (C(telegram), C(smtp), ...) are a dictionary of options; list sections
      (C(slack), C(discord), C(kafka), C(mqtt), C(httppost)) a list of elements sorted by name,
      each with its name under the element key (C(workspace), C(id), C(name), C(endpoint)). The
      default Slack or Discord workspace has the name V("") and comes first.
    - Every option with its effective value, Kapacitor's defaults included, under this
      collection's option names; secrets are left out (see RV(secrets_required)). Durations are
      Go duration strings. An empty list Kapacitor shows as null is V([]).
  returned: success
  type: dict
  sample:
    telegram:
      enabled: true
      url: https://api.telegram.org/bot
      chat_id: "-1001234567"
      parse_mode: Markdown
      disable_web_page_preview: false
      disable_notification: false
      global: false
      state_changes_only: false
    slack:
      - workspace: ""
        enabled: true
        default: true
        channel: "#alerts"
        username: kapacitor
      - workspace: ops
        enabled: true
        default: false
        channel: "#ops"
        username: kapacitor
secrets_required:
  description:
    - The secrets that are set in the requested sections, which RV(endpoints) leaves out, each a
      null to fill in. Secrets that are unset are not listed.
    - This is the shape O(tick.kapacitor.kapacitor_alert_endpoints#module:secrets) and the
      alert_endpoints role's C(alert_endpoints_secrets) take. Single sections are a dictionary of
      option names; list sections a dictionary of element names (V("") for the default Slack or
      Discord workspace), each a dictionary of option names.
    - Fill it in with C(combine), as in C(secrets_required | combine(my_secrets, recursive=True)).
      A secret left null then fails the task, naming it, before anything is written.
  returned: success
  type: dict
  sample:
    telegram:
      token: null
    slack:
      "":
        url: null
      ops:
        url: null
    snmptrap:
      community: null
supported:
  description:
    - What this Kapacitor's version supports of the alert sections and options this collection
      manages, from the first Kapacitor version of each (the modules' "Needs Kapacitor X or later";
      the collection's C(docs/kapacitor-versions.md)). Covers every section, whatever O(sections)
      asks for.
    - A module given a section or option this version lacks fails before anything is written;
      M(tick.kapacitor.kapacitor_alert_endpoints) can skip such endpoints instead.
  returned: when Kapacitor reports its version (C(X-Kapacitor-Version)); nothing is guessed otherwise
  type: dict
  contains:
    sections:
      description: The sections this version has, by name.
      type: list
      elements: str
      returned: always
    missing_sections:
      description: The sections this version lacks, each with the first Kapacitor version that has it.
      type: dict
      returned: always
    missing_options:
      description:
        - For each section this version has, the options it lacks, each with the first Kapacitor
          version that has it. Sections that lack none are not listed.
      type: dict
      returned: always
  sample:
    sections: [alerta, bigpanda, discord, hipchat, httppost, kafka, mqtt, opsgenie, opsgenie2, pagerduty,
               pagerduty2, pushover, sensu, servicenow, slack, smtp, snmptrap, talk, teams, telegram, victorops]
    missing_sections:
      zenoss: 1.6.0
    missing_options:
      bigpanda:
        auto_attributes: 1.6.3
      slack:
        token: 1.6.0
      smtp:
        to_templates: 1.6.3
missing_sections:
  description:
    - Requested sections Kapacitor did not report, because this version does not have them
      or because a list section has no element.
  returned: success
  type: list
  elements: str
  sample: [zenoss]
tasks:
  description:
    - Every TICKscript task, like RV(tick.kapacitor.kapacitor_task#module:task), sorted by id.
    - Each entry without C(executing) and C(error) is what M(tick.kapacitor.kapacitor_task) takes;
      the role C(tick.kapacitor.alert_rules) takes the entries as they are in its
      C(alert_rules_tasks), which puts another Kapacitor under the same rules (see the examples).
    - V(null) when the credentials may not read tasks (HTTP 403).
  returned: when O(gather) has V(tasks)
  type: list
  elements: dict
  sample:
    - id: cpu
      template_id: null
      type: stream
      dbrps:
        - db: telegraf
          rp: autogen
      script: |
        var crit = 90.0
        stream
            |from()
                .measurement('cpu')
            |alert()
                .crit(lambda: "usage_user" > crit)
      vars:
        crit:
          type: float
          value: 90.0
      status: enabled
      executing: true
      error: ""
templates:
  description:
    - Every TICKscript template, like RV(tick.kapacitor.kapacitor_template#module:template), sorted by id.
    - V(null) when the credentials may not read templates (HTTP 403).
  returned: when O(gather) has V(templates)
  type: list
  elements: dict
flux_tasks:
  description:
    - Every Flux task, like RV(tick.kapacitor.kapacitor_flux_task#module:flux_task), sorted by name.
    - V(null) when the server has no Flux task API (before Kapacitor 1.6, or C([fluxtask]) off)
      or the credentials may not read it (HTTP 403).
  returned: when O(gather) has V(flux_tasks)
  type: list
  elements: dict
users:
  description:
    - Kapacitor's users (never their passwords), sorted by name, like
      RV(tick.kapacitor.kapacitor_user#module:user).
    - V(null) when the server has no user API (Kapacitor's C([auth]) is off) or the credentials
      may not read users (HTTP 403).
  returned: when O(gather) has V(users)
  type: list
  elements: dict
  sample:
    - name: chronograf
      type: normal
      permissions: [api]
topics:
  description:
    - For each requested topic (O(topics)), or every topic Kapacitor knows (O(gather) with
      V(topics)), its state and its handlers.
    - V(null) when the credentials may not read topics (HTTP 403).
  returned: when O(topics) is given or O(gather) has V(topics)
  type: dict
  sample:
    ops:
      exists: true
      level: CRITICAL
      handlers:
        - topic: ops
          id: webhook
          kind: post
          options:
            url: https://alerts.example.com/kapacitor
            headers:
              Authorization: true
          match: ""
  contains:
    exists:
      description:
        - Whether Kapacitor knows the topic. A topic exists once it has a handler or got an
          alert; Kapacitor keeps handlers of deleted topics, so they can be listed anyway.
      type: bool
      returned: always
    level:
      description: The topic's current alert level (V(OK), V(INFO), V(WARNING), V(CRITICAL)), when it exists.
      type: str
      returned: always
    handlers:
      description:
        - The topic's handlers, sorted by id, like RV(tick.kapacitor.kapacitor_topic_handler#module:handler).
        - Secrets in options are V(true) when set and V(false) when empty.
      type: list
      elements: dict
      returned: always
# BEGIN GENERATED shared returns (tools/generate.py)
kapacitor_version:
  description: Version of the Kapacitor server, from its C(X-Kapacitor-Version) header.
  returned: when Kapacitor answered
  type: str
  sample: 1.8.3
# END GENERATED shared returns
'''

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_probes import INFO_TASK
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_runner import run_as_module


def main():
    run_as_module(INFO_TASK)


if __name__ == '__main__':
    main()
