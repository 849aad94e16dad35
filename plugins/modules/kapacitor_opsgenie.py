#!/usr/bin/python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: kapacitor_opsgenie
short_description: Manage Kapacitor's OpsGenie v1 alert endpoint (retired API)
version_added: 0.1.0
description:
  - B(OpsGenie retired the v1 Alert API that this endpoint uses; do not rely on it to deliver
    alerts.) Use M(tick.kapacitor.kapacitor_opsgenie2) and Kapacitor's C(opsgenie2) handler
    instead. This module warns on every use.
  - Configures Kapacitor's C(opsgenie) section through Kapacitor's config-override HTTP API,
    without editing C(kapacitor.conf) or restarting Kapacitor, for installations that still
    have TICKscripts using the C(opsGenie) handler, or that point O(url) at their own
    v1-compatible receiver.
  - Reads the section once, compares only the options you give, and writes only the
    difference. A second run with the same options reports no change.
  - Can send a test alert, like Chronograf's "Send Test Alert".
author:
  - tick.kapacitor developers (@tick-kapacitor)
extends_documentation_fragment:
  - tick.kapacitor.connection
  - tick.kapacitor.endpoint
  - tick.kapacitor.endpoint.attributes
options:
  enabled:
    description:
      - Turn the OpsGenie v1 endpoint on. Kapacitor then requires O(api_key).
    type: bool
  api_key:
    description:
      - OpsGenie API key, sent as C(apiKey) in the body of every request.
      - Secret; see O(update_secrets).
    type: str
  teams:
    description:
      - Default teams to notify. TICKscripts can override them per alert.
      - V([]) clears the list.
    type: list
    elements: str
  recipients:
    description:
      - Default recipients (users, groups, escalations or schedules) to notify.
        TICKscripts can override them per alert.
      - V([]) clears the list.
    type: list
    elements: str
  url:
    description:
      - URL alerts are posted to (Kapacitor adds a trailing C(/)). Kapacitor's default is
        V(https://api.opsgenie.com/v1/json/alert). Must not be empty.
    type: str
  recovery_url:
    description:
      - URL recoveries (alerts going back to OK) are posted to (Kapacitor adds a trailing
        C(/)), which decides what a recovery does in OpsGenie. Kapacitor's default is
        V(https://api.opsgenie.com/v1/json/alert/note), which adds a note; use
        V(https://api.opsgenie.com/v1/json/alert/close) to close the alert. Must not be empty.
    type: str
  global:
    description:
      - Send every alert of every task to OpsGenie.
    type: bool
notes:
  - B(Retired service.) OpsGenie retired the v1 Alert API that Kapacitor's default O(url)
    points at, so alerts sent through this endpoint cannot be relied upon. Every run of this
    module emits a warning saying so. Migrate to M(tick.kapacitor.kapacitor_opsgenie2) and the C(opsgenie2) handler
    (C(.opsGenie2()) in TICKscripts).
  # BEGIN GENERATED test options (tools/generate.py)
  - The keys of O(test_options) for the C(opsgenie) test of Kapacitor 1.8.3 (as C(GET /kapacitor/v1/service-tests/opsgenie)
    shows them) are C(teams) (list of strings, default the configured O(teams)); C(recipients) (list of
    strings, default the configured O(recipients)); C(message-type) (string, default V(CRITICAL)); C(message)
    (string, default V(test opsgenie message)); C(entity-id) (string, default V(testEntityID)). With O(test_alert=true)
    other keys are refused before anything is written, and so are values whose type differs from a default
    that is not null.
  # END GENERATED test options
seealso:
  - module: tick.kapacitor.kapacitor_opsgenie2
    description: The same endpoint on OpsGenie's current (v2) Alert API.
  - name: Kapacitor OpsGenie event handler
    description: Kapacitor's documentation of the OpsGenie handlers (v1 and v2).
    link: https://docs.influxdata.com/kapacitor/v1/reference/event_handlers/opsgenie/v1/
'''

EXAMPLES = r'''
- name: Keep an old OpsGenie v1 configuration in place while TICKscripts are migrated
  tick.kapacitor.kapacitor_opsgenie:
    kapacitor_url: http://kapacitor.example.com:9092
    enabled: true
    api_key: "{{ vault_opsgenie_api_key }}"
    teams: [ops]
    recipients: [oncall@example.com]

- name: Turn the retired endpoint off
  tick.kapacitor.kapacitor_opsgenie:
    kapacitor_url: http://kapacitor.example.com:9092
    enabled: false

- name: Go back to the settings of kapacitor.conf
  tick.kapacitor.kapacitor_opsgenie:
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
    teams: [ops]
    recipients: [oncall@example.com]
    url: https://api.opsgenie.com/v1/json/alert
    recovery_url: https://api.opsgenie.com/v1/json/alert/note
    global: false
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
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import OPSGENIE


def main():
    run_section_module(OPSGENIE)


if __name__ == '__main__':
    main()
