#!/usr/bin/python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: kapacitor_servicenow
short_description: Manage Kapacitor's ServiceNow alert endpoint
version_added: 0.1.0
description:
  - Configures Kapacitor's C(servicenow) section through Kapacitor's config-override HTTP API,
    without editing C(kapacitor.conf) or restarting Kapacitor.
  - Reads the section once, compares only the options you give, and writes only the
    difference. A second run with the same options reports no change.
  - Can send a test event to ServiceNow, like Chronograf's "Send Test Alert".
  - Needs Kapacitor 1.5.7 or later.
author:
  - tick.kapacitor developers (@tick-kapacitor)
extends_documentation_fragment:
  - tick.kapacitor.connection
  - tick.kapacitor.endpoint
  - tick.kapacitor.endpoint.attributes
options:
  enabled:
    description:
      - Turn the ServiceNow endpoint on. Kapacitor then requires O(url).
    type: bool
  url:
    description:
      - URL of the ServiceNow event management web service, such as
        V(https://instance.service-now.com/api/global/em/jsonv2).
    type: str
  source:
    description:
      - Event source reported to ServiceNow when an alert names none.
    type: str
  username:
    description:
      - User that Kapacitor authenticates as (HTTP basic authentication, used when both
        O(username) and O(password) are set).
    type: str
  password:
    description:
      - Password of O(username).
      - Secret; see O(update_secrets).
    type: str
  global:
    description:
      - Send every alert of every task to ServiceNow.
    type: bool
  state_changes_only:
    description:
      - With O(global), send only alerts whose level changed.
    type: bool
notes:
  # BEGIN GENERATED test options (tools/generate.py)
  - The keys of O(test_options) for the C(servicenow) test of Kapacitor 1.8.3 (as C(GET /kapacitor/v1/service-tests/servicenow)
    shows them) are C(alert_id) (string, default V(1001)); C(message) (string, default V(test servicenow
    message)); C(level) (string, default V(CRITICAL)); C(source) (string, this module sends V("") unless
    you give it, so that Kapacitor uses the configured O(source)); C(node) (string, default V("")); C(type)
    (string, default V("")); C(resource) (string, default V("")); C(metric_name) (string, default V(""));
    C(message_key) (string, default V("")); C(additional_info) (dictionary, default V({})). With O(test_alert=true)
    other keys are refused before anything is written, and so are values whose type differs from a default
    that is not null.
  # END GENERATED test options
seealso:
  - name: Kapacitor ServiceNow event handler
    description: Kapacitor's documentation of the ServiceNow handler and its options.
    link: https://docs.influxdata.com/kapacitor/v1/reference/event_handlers/servicenow/
  - module: tick.kapacitor.kapacitor_bigpanda
'''

EXAMPLES = r'''
- name: Send alerts to ServiceNow event management
  tick.kapacitor.kapacitor_servicenow:
    kapacitor_url: http://kapacitor.example.com:9092
    enabled: true
    url: https://example.service-now.com/api/global/em/jsonv2
    source: kapacitor
    username: kapacitor
    password: "{{ vault_servicenow_password }}"
    test_alert: true
    test_options:
      source: ""
      message: Kapacitor can reach ServiceNow

- name: Change the password (secrets are only sent when asked to)
  tick.kapacitor.kapacitor_servicenow:
    kapacitor_url: http://kapacitor.example.com:9092
    password: "{{ vault_new_servicenow_password }}"
    update_secrets: always

- name: Go back to the settings of kapacitor.conf
  tick.kapacitor.kapacitor_servicenow:
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
    url: https://example.service-now.com/api/global/em/jsonv2
    source: kapacitor
    username: kapacitor
    password: true
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
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import SERVICENOW


def main():
    run_section_module(SERVICENOW)


if __name__ == '__main__':
    main()
