#!/usr/bin/python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: kapacitor_pagerduty2
short_description: Manage Kapacitor's PagerDuty (Events API v2) alert endpoint
version_added: 0.1.0
description:
  - Configures Kapacitor's C(pagerduty2) section, the endpoint of the C(pagerduty2) handler
    (C(.pagerDuty2()) in TICKscripts) on PagerDuty's Events API v2, through Kapacitor's
    config-override HTTP API, without editing C(kapacitor.conf) or restarting Kapacitor.
  - Reads the section once, compares only the options you give, and writes only the
    difference. A second run with the same options reports no change.
  - Can send a test alert to PagerDuty, like Chronograf's "Send Test Alert".
author:
  - tick.kapacitor developers (@tick-kapacitor)
extends_documentation_fragment:
  - tick.kapacitor.connection
  - tick.kapacitor.endpoint
  - tick.kapacitor.endpoint.attributes
options:
  enabled:
    description:
      - Turn the PagerDuty endpoint on. Kapacitor does not require O(routing_key) then, but
        PagerDuty rejects events without one.
    type: bool
  url:
    description:
      - URL of the Events API v2. Kapacitor's default is
        V(https://events.pagerduty.com/v2/enqueue). Must not be empty.
    type: str
  routing_key:
    description:
      - Integration key of an Events API v2 integration of a PagerDuty service, sent as
        C(routing_key) in the body of every event. TICKscripts can override it per alert.
      - Secret; see O(update_secrets).
    type: str
  global:
    description:
      - Send every alert of every task to PagerDuty.
    type: bool
notes:
  # BEGIN GENERATED test options (tools/generate.py)
  - 'The keys of O(test_options) for the C(pagerduty2) test of Kapacitor 1.8.3 (as C(GET /kapacitor/v1/service-tests/pagerduty2)
    shows them) are C(alert_id) (string, default V(testAlertID)); C(description) (string, default V(test
    pagerduty2 message)); C(level) (string, default V(CRITICAL)); C(event_data) (dictionary, default V({"Name":
    "testPagerDuty2", "TaskName": "", "Category": "", "Group": "", "Tags": {}, "Fields": {}, "Recoverable":
    false, "Result": {"series": null}})); C(timestamp) (string, default V(2014-11-12T11:45:26.371Z)); C(links)
    (list, default V([{"href": "https://example.com/a", "text": "a"}, {"href": "https://example.com/b",
    "text": "b"}])). With O(test_alert=true) other keys are refused before anything is written, and so are
    values whose type differs from a default that is not null.'
  # END GENERATED test options
seealso:
  - name: Kapacitor PagerDuty v2 event handler
    description: Kapacitor's documentation of the pagerduty2 handler and its options.
    link: https://docs.influxdata.com/kapacitor/v1/reference/event_handlers/pagerduty/v2/
  - module: tick.kapacitor.kapacitor_pagerduty
    description: The retired v1 endpoint, for migrations.
'''

EXAMPLES = r'''
- name: Send alerts to PagerDuty
  tick.kapacitor.kapacitor_pagerduty2:
    kapacitor_url: http://kapacitor.example.com:9092
    enabled: true
    routing_key: "{{ vault_pagerduty_integration_key }}"
    test_alert: true
    test_options:
      description: Kapacitor can reach PagerDuty
      level: INFO

- name: Move to another PagerDuty service (secrets are only sent when asked to)
  tick.kapacitor.kapacitor_pagerduty2:
    kapacitor_url: http://kapacitor.example.com:9092
    routing_key: "{{ vault_other_integration_key }}"
    update_secrets: always

- name: Go back to the settings of kapacitor.conf
  tick.kapacitor.kapacitor_pagerduty2:
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
    url: https://events.pagerduty.com/v2/enqueue
    routing_key: true
    global: false
# BEGIN GENERATED shared returns (tools/generate.py)
changed_options:
  description: Names of the options that were (or in check mode would be) written.
  returned: success
  type: list
  elements: str
  sample:
    - enabled
    - routing_key
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
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import PAGERDUTY2


def main():
    run_section_module(PAGERDUTY2)


if __name__ == '__main__':
    main()
