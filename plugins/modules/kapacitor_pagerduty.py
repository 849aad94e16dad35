#!/usr/bin/python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: kapacitor_pagerduty
short_description: Manage Kapacitor's PagerDuty v1 alert endpoint (retired API)
version_added: 0.1.0
description:
  - B(PagerDuty retired the v1 Events API that this endpoint uses; do not rely on it to
    deliver alerts.) Use M(tick.kapacitor.kapacitor_pagerduty2) and Kapacitor's
    C(pagerDuty2) handler instead. This module warns on every use.
  - Configures Kapacitor's C(pagerduty) section through Kapacitor's config-override HTTP API,
    without editing C(kapacitor.conf) or restarting Kapacitor, for installations that still
    have TICKscripts using the C(pagerDuty) handler, or that point O(url) at their own
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
      - Turn the PagerDuty v1 endpoint on.
    type: bool
  url:
    description:
      - URL of the v1 Events API. Kapacitor's default is
        V(https://events.pagerduty.com/generic/2010-04-15/create_event.json).
        Must not be empty.
    type: str
  service_key:
    description:
      - Integration key (service key) of a PagerDuty service, sent as C(service_key) in the
        body of every event. TICKscripts can override it per alert.
      - Secret; see O(update_secrets).
    type: str
  global:
    description:
      - Send every alert of every task to PagerDuty.
    type: bool
notes:
  - B(Retired service.) PagerDuty retired the v1 Events API that Kapacitor's default O(url)
    points at, so alerts sent through this endpoint cannot be relied upon. Every run of this
    module emits a warning saying so. Migrate to M(tick.kapacitor.kapacitor_pagerduty2) and the
    C(pagerduty2) handler (C(.pagerDuty2()) in TICKscripts), with an Events API v2 integration
    key as its routing key.
  # BEGIN GENERATED test options (tools/generate.py)
  - The keys of O(test_options) for the C(pagerduty) test of Kapacitor 1.8.3 (as C(GET /kapacitor/v1/service-tests/pagerduty)
    shows them) are C(incident-key) (string, default V(testIncidentKey)); C(description) (string, default
    V(test pagerduty message)); C(details) (string, default V("")); C(level) (string, default V(CRITICAL)).
    With O(test_alert=true) other keys are refused before anything is written, and so are values whose type
    differs from a default that is not null.
  # END GENERATED test options
seealso:
  - module: tick.kapacitor.kapacitor_pagerduty2
    description: The same endpoint on PagerDuty's current Events API (v2).
  - name: Kapacitor PagerDuty event handler
    description: Kapacitor's documentation of the PagerDuty handlers (v1 and v2).
    link: https://docs.influxdata.com/kapacitor/v1/reference/event_handlers/pagerduty/v1/
'''

EXAMPLES = r'''
- name: Keep an old PagerDuty v1 configuration in place while TICKscripts are migrated
  tick.kapacitor.kapacitor_pagerduty:
    kapacitor_url: http://kapacitor.example.com:9092
    enabled: true
    service_key: "{{ vault_pagerduty_service_key }}"

- name: Turn the retired endpoint off
  tick.kapacitor.kapacitor_pagerduty:
    kapacitor_url: http://kapacitor.example.com:9092
    enabled: false

- name: Go back to the settings of kapacitor.conf
  tick.kapacitor.kapacitor_pagerduty:
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
    url: https://events.pagerduty.com/generic/2010-04-15/create_event.json
    service_key: true
    global: false
# BEGIN GENERATED shared returns (tools/generate.py)
changed_options:
  description: Names of the options that were (or in check mode would be) written.
  returned: success
  type: list
  elements: str
  sample:
    - enabled
    - service_key
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
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import PAGERDUTY


def main():
    run_section_module(PAGERDUTY)


if __name__ == '__main__':
    main()
