#!/usr/bin/python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: kapacitor_sensu
short_description: Manage Kapacitor's Sensu alert endpoint
version_added: 0.1.0
description:
  - Configures Kapacitor's C(sensu) section through Kapacitor's config-override HTTP API,
    without editing C(kapacitor.conf) or restarting Kapacitor.
  - Kapacitor sends each alert as a check result (JSON with C(name), C(source), C(output),
    C(status) and C(handlers)) to the TCP socket of a Sensu client, which answers C(ok).
  - Reads the section once, compares only the options you give, and writes only the
    difference. A second run with the same options reports no change.
  - Can send a test alert through Sensu, like Chronograf's "Send Test Alert".
author:
  - tick.kapacitor developers (@tick-kapacitor)
extends_documentation_fragment:
  - tick.kapacitor.connection
  - tick.kapacitor.endpoint
  - tick.kapacitor.endpoint.attributes
options:
  enabled:
    description:
      - Turn the Sensu endpoint on. Kapacitor then requires O(addr).
    type: bool
  addr:
    description:
      - C(host:port) of the Sensu client socket that receives check results, such as
        V(sensu-client.example.com:3030).
    type: str
  source:
    description:
      - Default proxy client (JIT client) name the check results are reported for.
      - Kapacitor's default is V(Kapacitor). Alert handlers may override it, also with a
        template such as V({{ index .Tags "host" }}).
    type: str
  handlers:
    description:
      - Default Sensu handlers of the check results, used when an alert names none.
      - The empty list clears them.
    type: list
    elements: str
notes:
  # BEGIN GENERATED test options (tools/generate.py)
  - The keys of O(test_options) for the C(sensu) test of Kapacitor 1.8.3 (as C(GET /kapacitor/v1/service-tests/sensu)
    shows them) are C(name) (string, default V(testName)); C(source) (string, this module sends V("") unless
    you give it, so that Kapacitor uses the configured O(source)); C(output) (string, default V(testOutput));
    C(handlers) (list, default V([])); C(metadata) (dictionary, default V({})); C(level) (string, default
    V(CRITICAL)). With O(test_alert=true) other keys are refused before anything is written, and so are
    values whose type differs from a default that is not null.
  # END GENERATED test options
seealso:
  - name: Kapacitor Sensu event handler
    description: Kapacitor's documentation of the Sensu handler and its options.
    link: https://docs.influxdata.com/kapacitor/v1/reference/event_handlers/sensu/
  - module: tick.kapacitor.kapacitor_slack
'''

EXAMPLES = r'''
- name: Send alerts to the local Sensu client
  tick.kapacitor.kapacitor_sensu:
    kapacitor_url: http://kapacitor.example.com:9092
    enabled: true
    addr: sensu-client.example.com:3030
    source: kapacitor-prod
    handlers: [default, pagerduty]
    test_alert: true
    test_options:
      name: kapacitor_test
      output: Kapacitor can reach Sensu
      source: ""           # use the configured source
      level: WARNING

- name: Go back to the settings of kapacitor.conf
  tick.kapacitor.kapacitor_sensu:
    kapacitor_url: http://kapacitor.example.com:9092
    state: absent
'''

RETURN = r'''
config:
  description:
    - The section's effective options after the run (in check mode, as they would be),
      under this module's option names.
  returned: success
  type: dict
  sample:
    enabled: true
    addr: sensu-client.example.com:3030
    source: kapacitor-prod
    handlers: [default, pagerduty]
# BEGIN GENERATED shared returns (tools/generate.py)
changed_options:
  description: Names of the options that were (or in check mode would be) written.
  returned: success
  type: list
  elements: str
  sample:
    - addr
    - enabled
test_alert:
  description: Kapacitor's answer to the test alert, when O(test_alert=true).
  returned: when O(test_alert=true) and O(state=present)
  type: dict
  contains:
    success:
      description: Whether Kapacitor sent the check result and the Sensu client answered C(ok).
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
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import SENSU


def main():
    run_section_module(SENSU)


if __name__ == '__main__':
    main()
