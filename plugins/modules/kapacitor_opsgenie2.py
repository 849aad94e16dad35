#!/usr/bin/python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: kapacitor_opsgenie2
short_description: Manage Kapacitor's OpsGenie (v2 API) alert endpoint
version_added: 0.1.0
description:
  - Configures Kapacitor's C(opsgenie2) section, the endpoint of the C(opsgenie2) handler
    (C(.opsGenie2()) in TICKscripts) on OpsGenie's v2 Alert API, through Kapacitor's
    config-override HTTP API, without editing C(kapacitor.conf) or restarting Kapacitor.
  - Reads the section once, compares only the options you give, and writes only the
    difference. A second run with the same options reports no change.
  - Can send a test alert to OpsGenie, like Chronograf's "Send Test Alert".
author:
  - tick.kapacitor developers (@tick-kapacitor)
extends_documentation_fragment:
  - tick.kapacitor.connection
  - tick.kapacitor.endpoint
  - tick.kapacitor.endpoint.attributes
options:
  enabled:
    description:
      - Turn the OpsGenie endpoint on. Kapacitor then requires O(api_key).
    type: bool
  api_key:
    description:
      - API key of an OpsGenie API integration, sent in the C(Authorization) header as C(GenieKey <api_key>).
      - Secret; see O(update_secrets).
    type: str
  teams:
    description:
      - Default teams to notify; each becomes a C(team) responder of the OpsGenie alert.
        TICKscripts can override them per alert.
      - V([]) clears the list.
    type: list
    elements: str
  recipients:
    description:
      - Default users to notify (OpsGenie usernames, usually e-mail addresses); each becomes a
        C(user) responder of the OpsGenie alert. TICKscripts can override them per alert.
      - V([]) clears the list.
    type: list
    elements: str
  url:
    description:
      - OpsGenie Alert API URL. Kapacitor's default is V(https://api.opsgenie.com/v2/alerts);
        accounts in OpsGenie's EU region use V(https://api.eu.opsgenie.com/v2/alerts).
        Must not be empty.
    type: str
  recovery_action:
    description:
      - What a recovery (an alert going back to OK) does to the OpsGenie alert. V(notes) adds
        a note, V(close) closes it. TICKscripts can override it per alert.
    type: str
    choices: [notes, close]
  global:
    description:
      - Send every alert of every task to OpsGenie.
    type: bool
  details:
    description:
      - Use the alert's details (the C(.details()) template of the TICKscript) as the
        description of the OpsGenie alert, instead of the JSON of the alert data.
    type: bool
notes:
  # BEGIN GENERATED test options (tools/generate.py)
  - The keys of O(test_options) for the C(opsgenie2) test of Kapacitor 1.8.3 (as C(GET /kapacitor/v1/service-tests/opsgenie2)
    shows them) are C(teams) (list of strings, default the configured O(teams)); C(recipients) (list of
    strings, default the configured O(recipients)); C(recovery_action) (string, default the configured O(recovery_action));
    C(message-type) (string, default V(CRITICAL)); C(message) (string, default V(test opsgenie message));
    C(entity-id) (string, default V(testEntityID)). With O(test_alert=true) other keys are refused before
    anything is written, and so are values whose type differs from a default that is not null.
  # END GENERATED test options
seealso:
  - name: Kapacitor OpsGenie v2 event handler
    description: Kapacitor's documentation of the opsgenie2 handler and its options.
    link: https://docs.influxdata.com/kapacitor/v1/reference/event_handlers/opsgenie/v2/
  - module: tick.kapacitor.kapacitor_opsgenie
    description: The retired v1 endpoint, for migrations.
'''

EXAMPLES = r'''
- name: Send alerts to OpsGenie
  tick.kapacitor.kapacitor_opsgenie2:
    kapacitor_url: http://kapacitor.example.com:9092
    enabled: true
    api_key: "{{ vault_opsgenie_api_key }}"
    teams: [ops, dba]
    recipients: [oncall@example.com]
    recovery_action: close
    test_alert: true
    test_options:
      message: Kapacitor can reach OpsGenie

- name: An account in OpsGenie's EU region
  tick.kapacitor.kapacitor_opsgenie2:
    kapacitor_url: http://kapacitor.example.com:9092
    url: https://api.eu.opsgenie.com/v2/alerts

- name: Go back to the settings of kapacitor.conf
  tick.kapacitor.kapacitor_opsgenie2:
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
    api_key: true
    teams: [ops, dba]
    recipients: [oncall@example.com]
    url: https://api.opsgenie.com/v2/alerts
    recovery_action: close
    global: false
    details: false
# BEGIN GENERATED shared returns (tools/generate.py)
changed_options:
  description: Names of the options that were (or in check mode would be) written.
  returned: success
  type: list
  elements: str
  sample:
    - api_key
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
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import OPSGENIE2


def main():
    run_section_module(OPSGENIE2)


if __name__ == '__main__':
    main()
