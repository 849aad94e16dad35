#!/usr/bin/python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: kapacitor_bigpanda
short_description: Manage Kapacitor's BigPanda alert endpoint
version_added: 0.1.0
description:
  - Configures Kapacitor's C(bigpanda) section through Kapacitor's config-override HTTP API,
    without editing C(kapacitor.conf) or restarting Kapacitor.
  - Reads the section once, compares only the options you give, and writes only the
    difference. A second run with the same options reports no change.
  - Can send a test alert to BigPanda, like Chronograf's "Send Test Alert". The test uses the
    configured O(app_key) unless O(test_options) give another C(app_key).
  - Needs Kapacitor 1.5.8 or later.
author:
  - tick.kapacitor developers (@tick-kapacitor)
extends_documentation_fragment:
  - tick.kapacitor.connection
  - tick.kapacitor.endpoint
  - tick.kapacitor.endpoint.attributes
options:
  enabled:
    description:
      - Turn the BigPanda endpoint on. Kapacitor then requires O(app_key), O(token) and O(url).
    type: bool
  global:
    description:
      - Send every alert of every task to BigPanda.
    type: bool
  app_key:
    description:
      - Application key of the BigPanda integration, sent in every alert's payload.
      - Secret; see O(update_secrets). Kapacitor returns the key in clear, so unlike redacted
        secrets it is compared exactly and a new key is applied without
        O(update_secrets=always); it is still never shown.
    type: str
  token:
    description:
      - Organization token of BigPanda, sent as a bearer token.
      - Secret; see O(update_secrets).
    type: str
  state_changes_only:
    description:
      - With O(global), send only alerts whose level changed.
    type: bool
  insecure_skip_verify:
    description:
      - Do not verify BigPanda's TLS certificate.
    type: bool
  url:
    description:
      - URL of BigPanda's alerts API. Kapacitor's default is
        V(https://api.bigpanda.io/data/v2/alerts).
    type: str
  auto_attributes:
    description:
      - Which data of an alert Kapacitor copies into the payload as additional attributes, as
        a comma-separated list of V(tags) and V(fields). Kapacitor's default is
        V(tags,fields); an empty string copies neither.
      - Needs Kapacitor 1.6.3 or later.
    type: str
notes:
  # BEGIN GENERATED test options (tools/generate.py)
  - 'The keys of O(test_options) for the C(bigpanda) test of Kapacitor 1.8.3 (as C(GET /kapacitor/v1/service-tests/bigpanda)
    shows them) are C(app_key) (string, this module sends V("") unless you give it, so that Kapacitor uses
    the configured O(app_key)); C(message) (string, default V(test bigpanda message)); C(level) (string,
    default V(CRITICAL)); C(event_data) (dictionary, default V({"Name": "testBigPanda", "TaskName": "",
    "Category": "", "Group": "", "Tags": {}, "Fields": {}, "Recoverable": false, "Result": {"series": null}}));
    C(timestamp) (string, default the time of the test); C(host) (string, default V(serverA)); C(primary_property)
    (string, default V("")); C(secondary_property) (string, default V("")). With O(test_alert=true) other
    keys are refused before anything is written, and so are values whose type differs from a default that
    is not null.'
  # END GENERATED test options
seealso:
  - name: Kapacitor BigPanda event handler
    description: Kapacitor's documentation of the BigPanda handler and its options.
    link: https://docs.influxdata.com/kapacitor/v1/reference/event_handlers/bigpanda/
  - module: tick.kapacitor.kapacitor_servicenow
'''

EXAMPLES = r'''
- name: Send alerts to BigPanda
  tick.kapacitor.kapacitor_bigpanda:
    kapacitor_url: http://kapacitor.example.com:9092
    enabled: true
    app_key: "{{ vault_bigpanda_app_key }}"
    token: "{{ vault_bigpanda_token }}"
    auto_attributes: tags
    test_alert: true
    test_options:
      message: Kapacitor can reach BigPanda

- name: Replace the token (redacted secrets are only sent when asked to)
  tick.kapacitor.kapacitor_bigpanda:
    kapacitor_url: http://kapacitor.example.com:9092
    token: "{{ vault_new_bigpanda_token }}"
    update_secrets: always

- name: Go back to the settings of kapacitor.conf
  tick.kapacitor.kapacitor_bigpanda:
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
    global: false
    app_key: true
    token: true
    state_changes_only: false
    insecure_skip_verify: false
    url: https://api.bigpanda.io/data/v2/alerts
    auto_attributes: tags
# BEGIN GENERATED shared returns (tools/generate.py)
changed_options:
  description: Names of the options that were (or in check mode would be) written.
  returned: success
  type: list
  elements: str
  sample:
    - app_key
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
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import BIGPANDA


def main():
    run_section_module(BIGPANDA)


if __name__ == '__main__':
    main()
