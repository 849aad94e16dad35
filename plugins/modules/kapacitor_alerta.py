#!/usr/bin/python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: kapacitor_alerta
short_description: Manage Kapacitor's Alerta alert endpoint
version_added: 0.1.0
description:
  - Configures Kapacitor's C(alerta) section through Kapacitor's config-override HTTP API,
    without editing C(kapacitor.conf) or restarting Kapacitor.
  - Reads the section once, compares only the options you give, and writes only the
    difference. A second run with the same options reports no change.
  - Can send a test alert to Alerta, like Chronograf's "Send Test Alert".
author:
  - tick.kapacitor developers (@tick-kapacitor)
extends_documentation_fragment:
  - tick.kapacitor.connection
  - tick.kapacitor.endpoint
  - tick.kapacitor.endpoint.attributes
options:
  enabled:
    description:
      - Turn the Alerta endpoint on. Kapacitor then requires O(url).
    type: bool
  url:
    description:
      - Base URL of the Alerta API, for example V(https://alerta.example.com/api).
        Kapacitor posts alerts to C(<url>/alert).
    type: str
  insecure_skip_verify:
    description:
      - Do not verify the TLS certificate of the Alerta server.
    type: bool
  token:
    description:
      - Alerta API key, sent in the C(Authorization) header as C(<token_prefix> <token>).
        TICKscripts can override it per alert.
      - Secret; see O(update_secrets).
    type: str
  token_prefix:
    description:
      - Scheme in front of the token in the C(Authorization) header. Kapacitor uses
        V(Bearer) when it is empty; Alerta servers older than 5.0 need V(Key).
    type: str
  environment:
    description:
      - Default Alerta environment of alerts, such as V(Production). TICKscripts can
        override it per alert.
    type: str
  origin:
    description:
      - Default origin of alerts (which program raised them), such as V(kapacitor).
    type: str
  timeout:
    description:
      - Meant as the time after which Alerta expires an alert, as a Go duration such as V(24h).
      - B(Kapacitor 1.8.3 stores this value but never uses it.) Alerts carry the timeout of the
        TICKscript's C(alerta) node (C(.timeout())) or of the C(alerta) topic handler's
        C(timeout) option, 24 hours unless they set one; the test alert carries the C(timeout)
        test option (V(24h0m0s)). Kapacitor sends it to Alerta in whole seconds.
      - The module still manages it, for configurations that set it. Negative durations are
        rejected.
    type: str
notes:
  # BEGIN GENERATED test options (tools/generate.py)
  - 'The keys of O(test_options) for the C(alerta) test of Kapacitor 1.8.3 (as C(GET /kapacitor/v1/service-tests/alerta)
    shows them) are C(resource) (string, default V(testResource)); C(event) (string, default V(testEvent));
    C(environment) (string, default the configured O(environment)); C(severity) (string, default V(critical));
    C(group) (string, default V(testGroup)); C(value) (string, default V(testValue)); C(message) (string,
    default V(test alerta message)); C(origin) (string, default the configured O(origin)); C(service) (list,
    default V(["testServiceA", "testServiceB"])); C(correlate) (list, default V(["testServiceX", "testServiceY"]));
    C(attributes) (dictionary, default V({"testAttributeA": "A", "testAttributeB": true, "testAttributeC":
    9001})); C(timeout) (string, default V(24h0m0s)). With O(test_alert=true) other keys are refused before
    anything is written, and so are values whose type differs from a default that is not null.'
  # END GENERATED test options
seealso:
  - name: Kapacitor Alerta event handler
    description: Kapacitor's documentation of the Alerta handler and its options.
    link: https://docs.influxdata.com/kapacitor/v1/reference/event_handlers/alerta/
'''

EXAMPLES = r'''
- name: Send alerts to Alerta
  tick.kapacitor.kapacitor_alerta:
    kapacitor_url: http://kapacitor.example.com:9092
    enabled: true
    url: https://alerta.example.com/api
    token: "{{ vault_alerta_api_key }}"
    environment: Production
    origin: kapacitor
    test_alert: true
    test_options:
      resource: kapacitor
      event: AnsibleTest
      message: Kapacitor can reach Alerta

- name: An Alerta server older than 5.0 wants the API key as "Key <token>"
  tick.kapacitor.kapacitor_alerta:
    kapacitor_url: http://kapacitor.example.com:9092
    token_prefix: Key

- name: Go back to the settings of kapacitor.conf
  tick.kapacitor.kapacitor_alerta:
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
    url: https://alerta.example.com/api
    insecure_skip_verify: false
    token: true
    token_prefix: ""
    environment: Production
    origin: kapacitor
    timeout: 24h0m0s
# BEGIN GENERATED shared returns (tools/generate.py)
changed_options:
  description: Names of the options that were (or in check mode would be) written.
  returned: success
  type: list
  elements: str
  sample:
    - enabled
    - token
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
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import ALERTA


def main():
    run_section_module(ALERTA)


if __name__ == '__main__':
    main()
