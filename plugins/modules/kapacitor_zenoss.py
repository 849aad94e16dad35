#!/usr/bin/python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: kapacitor_zenoss
short_description: Manage Kapacitor's Zenoss alert endpoint
version_added: 0.1.0
description:
  - Configures Kapacitor's C(zenoss) section through Kapacitor's config-override HTTP API,
    without editing C(kapacitor.conf) or restarting Kapacitor.
  - Kapacitor sends each alert as a JSON-RPC call (router O(action), O(method), O(type),
    O(tid)) to the Zenoss events router, with the alert level translated by O(severity_map).
  - Reads the section once, compares only the options you give, and writes only the
    difference. A second run with the same options reports no change.
  - Can send a test alert through Zenoss, like Chronograf's "Send Test Alert".
  - Needs Kapacitor 1.6.0 or later.
author:
  - tick.kapacitor developers (@tick-kapacitor)
extends_documentation_fragment:
  - tick.kapacitor.connection
  - tick.kapacitor.endpoint
  - tick.kapacitor.endpoint.attributes
options:
  enabled:
    description:
      - Turn the Zenoss endpoint on. Kapacitor then requires O(url).
    type: bool
  url:
    description:
      - URL of the Zenoss events router, such as
        V(https://zenoss.example.com/zport/dmd/evconsole_router).
      - Kapacitor requires an absolute URL even while the endpoint is disabled.
      - Kapacitor's default is the placeholder V(https://tenant.zenoss.io:8080/zport/dmd/evconsole_router).
    type: str
  username:
    description:
      - User for HTTP basic authentication at Zenoss. Kapacitor sends credentials only when
        both O(username) and O(password) are set.
    type: str
  password:
    description:
      - Password of O(username).
      - Secret; see O(update_secrets).
    type: str
  action:
    description:
      - Name of the Zenoss router the events are sent to (the JSON-RPC C(action)).
      - Kapacitor's default is V(EventsRouter).
    type: str
  method:
    description:
      - Router method that creates the event (the JSON-RPC C(method)).
      - Kapacitor's default is V(add_event).
    type: str
  type:
    description:
      - Type of the JSON-RPC request.
      - Kapacitor's default is V(rpc).
    type: str
  tid:
    description:
      - Transaction id of the JSON-RPC request, within Go's C(int64) range.
      - Kapacitor's default is V(1).
    type: int
  collector:
    description:
      - Collector name given to the events.
      - Kapacitor's default is V(Kapacitor).
    type: str
  severity_map:
    description:
      - Zenoss severity sent for each Kapacitor alert level.
      - Needs exactly the keys V(ok), V(info), V(warning) and V(critical); a map missing a level
        is rejected before anything is sent.
      - Values are Zenoss severity names (V(Clear), V(Debug), V(Info), V(Warning), V(Error),
        V(Critical)) or numbers (V(0) to V(5)); Kapacitor sends them to Zenoss unchanged, so
        V(5) and V('5') are different values.
      - Kapacitor's default maps V(ok) to V(Clear), V(info) to V(Info), V(warning) to V(Warning)
        and V(critical) to V(Critical).
    type: dict
  global:
    description:
      - Send every alert of every task to Zenoss.
    type: bool
  state_changes_only:
    description:
      - With O(global), send only alerts whose level changed.
    type: bool
notes:
  - Kapacitor 1.5 has no C(zenoss) section; there the module fails saying so, before anything is
    written.
  - The test alert (O(test_alert=true)) takes the router fields from the configuration; its
    message arrives as the event's C(summary). O(test_options) accepts C(level) (V(OK), V(INFO),
    V(WARNING), V(CRITICAL)), C(message), C(alert_id), C(summary), C(device), C(component),
    C(eventclasskey), C(eventclass), C(collector), C(custom_fields) and the router fields.
  # BEGIN GENERATED test options (tools/generate.py)
  - The keys of O(test_options) for the C(zenoss) test of Kapacitor 1.8.3 (as C(GET /kapacitor/v1/service-tests/zenoss)
    shows them) are C(alert_id) (string, default V(1001)); C(level) (string, default V(CRITICAL)); C(message)
    (string, default V(test zenoss message)); C(action) (string, default the configured O(action)); C(method)
    (string, default the configured O(method)); C(type) (string, default the configured O(type)); C(tid)
    (number, default the configured O(tid)); C(summary) (string, default V("")); C(device) (string, default
    V("")); C(component) (string, default V("")); C(eventclasskey) (string, default V("")); C(eventclass)
    (string, default V("")); C(collector) (string, default the configured O(collector)); C(custom_fields)
    (dictionary, default V({})). With O(test_alert=true) other keys are refused before anything is written,
    and so are values whose type differs from a default that is not null.
  # END GENERATED test options
seealso:
  - name: Kapacitor Zenoss event handler
    description: Kapacitor's documentation of the Zenoss handler and its options.
    link: https://docs.influxdata.com/kapacitor/v1/reference/event_handlers/zenoss/
  - module: tick.kapacitor.kapacitor_telegram
'''

EXAMPLES = r'''
- name: Send alerts to Zenoss
  tick.kapacitor.kapacitor_zenoss:
    kapacitor_url: http://kapacitor.example.com:9092
    enabled: true
    url: https://zenoss.example.com/zport/dmd/evconsole_router
    username: kapacitor
    password: "{{ vault_zenoss_password }}"
    collector: kapacitor-prod
    severity_map:
      ok: Clear
      info: Info
      warning: Warning
      critical: Critical
    test_alert: true
    test_options:
      level: WARNING
      message: Kapacitor can reach Zenoss

- name: Numeric Zenoss severities
  tick.kapacitor.kapacitor_zenoss:
    kapacitor_url: http://kapacitor.example.com:9092
    severity_map:
      ok: 0
      info: 2
      warning: 3
      critical: 5

- name: Replace the password (secrets are only sent when asked to)
  tick.kapacitor.kapacitor_zenoss:
    kapacitor_url: http://kapacitor.example.com:9092
    password: "{{ vault_new_zenoss_password }}"
    update_secrets: always

- name: Go back to the settings of kapacitor.conf
  tick.kapacitor.kapacitor_zenoss:
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
    url: https://zenoss.example.com/zport/dmd/evconsole_router
    username: kapacitor
    password: true
    action: EventsRouter
    method: add_event
    type: rpc
    tid: 1
    collector: kapacitor-prod
    severity_map:
      ok: Clear
      info: Info
      warning: Warning
      critical: Critical
    global: false
    state_changes_only: false
# BEGIN GENERATED shared returns (tools/generate.py)
changed_options:
  description: Names of the options that were (or in check mode would be) written.
  returned: success
  type: list
  elements: str
  sample:
    - enabled
    - password
    - url
test_alert:
  description: Kapacitor's answer to the test alert, when O(test_alert=true).
  returned: when O(test_alert=true) and O(state=present)
  type: dict
  contains:
    success:
      description: Whether Kapacitor sent the alert and Zenoss answered 200.
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
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import ZENOSS


def main():
    run_section_module(ZENOSS)


if __name__ == '__main__':
    main()
