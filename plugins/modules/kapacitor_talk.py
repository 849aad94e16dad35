#!/usr/bin/python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: kapacitor_talk
short_description: Manage Kapacitor's Talk alert endpoint
version_added: 0.1.0
description:
  - Configures Kapacitor's C(talk) section (alerts posted to an incoming webhook of the Talk
    team-messaging service) through Kapacitor's config-override HTTP API, without editing
    C(kapacitor.conf) or restarting Kapacitor.
  - Reads the section once, compares only the options you give, and writes only the
    difference. A second run with the same options reports no change.
  - Can send a test alert through the webhook, like Chronograf's "Send Test Alert".
author:
  - tick.kapacitor developers (@tick-kapacitor)
extends_documentation_fragment:
  - tick.kapacitor.connection
  - tick.kapacitor.endpoint
  - tick.kapacitor.endpoint.attributes
options:
  enabled:
    description:
      - Turn the Talk endpoint on. Kapacitor then requires O(url).
    type: bool
  url:
    description:
      - URL of a Talk incoming webhook (the "Incoming Webhook" integration of a Talk team).
        It carries the webhook's token, so Kapacitor never shows it.
      - Secret; see O(update_secrets).
    type: str
  author_name:
    description:
      - Name the alerts are posted as.
    type: str
notes:
  # BEGIN GENERATED test options (tools/generate.py)
  - The keys of O(test_options) for the C(talk) test of Kapacitor 1.8.3 (as C(GET /kapacitor/v1/service-tests/talk)
    shows them) are C(title) (string, default V(testTitle)); C(text) (string, default V(test talk text)).
    With O(test_alert=true) other keys are refused before anything is written, and so are values whose type
    differs from a default that is not null.
  # END GENERATED test options
seealso:
  - name: Kapacitor Talk event handler
    description: Kapacitor's documentation of the Talk handler and its options.
    link: https://docs.influxdata.com/kapacitor/v1/reference/event_handlers/talk/
'''

EXAMPLES = r'''
- name: Send alerts to a Talk channel
  tick.kapacitor.kapacitor_talk:
    kapacitor_url: http://kapacitor.example.com:9092
    enabled: true
    url: "{{ vault_talk_webhook_url }}"
    author_name: Kapacitor
    test_alert: true
    test_options:
      title: Kapacitor
      text: Kapacitor can reach this channel

- name: Replace the webhook (secrets are only sent when asked to)
  tick.kapacitor.kapacitor_talk:
    kapacitor_url: http://kapacitor.example.com:9092
    url: "{{ vault_new_talk_webhook_url }}"
    update_secrets: always

- name: Go back to the settings of kapacitor.conf
  tick.kapacitor.kapacitor_talk:
    kapacitor_url: http://kapacitor.example.com:9092
    state: absent
'''

RETURN = r'''
config:
  description:
    - The section's effective options after the run (in check mode, as they would be),
      under this module's option names.
    - Secrets are V(true) when set and V(false) when unset.
  returned: success
  type: dict
  sample:
    enabled: true
    url: true
    author_name: Kapacitor
# BEGIN GENERATED shared returns (tools/generate.py)
changed_options:
  description: Names of the options that were (or in check mode would be) written.
  returned: success
  type: list
  elements: str
  sample:
    - author_name
    - enabled
    - url
test_alert:
  description: Kapacitor's answer to the test alert, when O(test_alert=true).
  returned: when O(test_alert=true) and O(state=present)
  type: dict
  contains:
    success:
      description: Whether Kapacitor sent the alert and the service answered that it took it.
      type: bool
      returned: always
    message:
      description: Kapacitor's error message, empty on success.
      type: str
      returned: always
  sample:
    success: true
    message: ''
kapacitor_version:
  description: Version of the Kapacitor server, from its C(X-Kapacitor-Version) header.
  returned: when Kapacitor answered
  type: str
  sample: 1.8.3
# END GENERATED shared returns
'''

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_engine import run_section_module
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import TALK


def main():
    run_section_module(TALK)


if __name__ == '__main__':
    main()
