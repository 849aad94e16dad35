#!/usr/bin/python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: kapacitor_victorops
short_description: Manage Kapacitor's VictorOps (Splunk On-Call) alert endpoint
version_added: 0.1.0
description:
  - Configures Kapacitor's C(victorops) section through Kapacitor's config-override HTTP API,
    without editing C(kapacitor.conf) or restarting Kapacitor. VictorOps is now called Splunk
    On-Call; its REST endpoint integration still works the same way.
  - Reads the section once, compares only the options you give, and writes only the
    difference. A second run with the same options reports no change.
  - Can send a test alert to VictorOps, like Chronograf's "Send Test Alert".
author:
  - tick.kapacitor developers (@tick-kapacitor)
extends_documentation_fragment:
  - tick.kapacitor.connection
  - tick.kapacitor.endpoint
  - tick.kapacitor.endpoint.attributes
options:
  enabled:
    description:
      - Turn the VictorOps endpoint on.
    type: bool
  api_key:
    description:
      - API key of the VictorOps REST endpoint integration. Kapacitor posts each alert to
        C(<url>/<api_key>/<routing_key>).
      - Secret; see O(update_secrets).
    type: str
  routing_key:
    description:
      - Default routing key, which selects the VictorOps team (escalation policy) alerts go to.
        TICKscripts can override it per alert.
      - Not a secret; Kapacitor shows it in clear, and so does this module.
    type: str
  url:
    description:
      - URL of the VictorOps REST endpoint integration, without the API key and routing key.
        Kapacitor's default is V(https://alert.victorops.com/integrations/generic/20131114/alert).
        Must not be empty.
    type: str
  global:
    description:
      - Send every alert of every task to VictorOps.
    type: bool
  json_data:
    description:
      - Send the alert data in the C(data) field as a JSON object instead of a string holding
        JSON.
    type: bool
notes:
  # BEGIN GENERATED test options (tools/generate.py)
  - The keys of O(test_options) for the C(victorops) test of Kapacitor 1.8.3 (as C(GET /kapacitor/v1/service-tests/victorops)
    shows them) are C(routingKey) (string, default the configured O(routing_key)); C(messageType) (string,
    default V(CRITICAL)); C(message) (string, default V(test victorops message)); C(entityID) (string, default
    V(testEntityID)). With O(test_alert=true) other keys are refused before anything is written, and so
    are values whose type differs from a default that is not null.
  # END GENERATED test options
seealso:
  - name: Kapacitor VictorOps event handler
    description: Kapacitor's documentation of the VictorOps handler and its options.
    link: https://docs.influxdata.com/kapacitor/v1/reference/event_handlers/victorops/
'''

EXAMPLES = r'''
- name: Send alerts to VictorOps
  tick.kapacitor.kapacitor_victorops:
    kapacitor_url: http://kapacitor.example.com:9092
    enabled: true
    api_key: "{{ vault_victorops_api_key }}"
    routing_key: ops
    json_data: true
    test_alert: true
    test_options:
      message: Kapacitor can reach VictorOps

- name: Send the test alert to another team
  tick.kapacitor.kapacitor_victorops:
    kapacitor_url: http://kapacitor.example.com:9092
    test_alert: true
    test_options:
      routingKey: dba

- name: Go back to the settings of kapacitor.conf
  tick.kapacitor.kapacitor_victorops:
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
    routing_key: ops
    url: https://alert.victorops.com/integrations/generic/20131114/alert
    global: false
    json_data: true
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
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import VICTOROPS


def main():
    run_section_module(VICTOROPS)


if __name__ == '__main__':
    main()
