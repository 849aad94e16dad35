#!/usr/bin/python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: kapacitor_info
short_description: Read Kapacitor's alert endpoints and topic handlers
version_added: 0.1.0
description:
  - Returns the Kapacitor version, the effective options of Kapacitor's alert sections
    (Slack, Telegram, SMTP, ...), and optionally the handlers of alert topics.
  - Only reads; never changes anything, in check mode or not.
  - Secrets are reported only as set or unset, including the ones Kapacitor itself returns
    in clear (Kafka SASL credentials, the Microsoft Teams channel URL, Discord webhook URLs).
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
      - Alert topics whose handlers to report.
    type: list
    elements: str
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
seealso:
  - module: tick.kapacitor.kapacitor_topic_handler
  - module: tick.kapacitor.kapacitor_service_test
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

- name: Read the handlers of two topics, and no section
  tick.kapacitor.kapacitor_info:
    sections: []
    topics: [ops, db]
  register: handlers

- name: List the handler ids of the ops topic
  ansible.builtin.debug:
    msg: "{{ handlers.topics.ops.handlers | map(attribute='id') }}"
'''

RETURN = r'''
sections:
  description:
    - Effective options (configuration file with API overrides applied) of each requested
      section Kapacitor has, under this collection's option names.
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
missing_sections:
  description:
    - Requested sections Kapacitor did not report, because this version does not have them
      or because a list section has no element.
  returned: success
  type: list
  elements: str
  sample: [zenoss]
topics:
  description:
    - For each requested topic, its state and its handlers.
  returned: when O(topics) is given
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
