#!/usr/bin/python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: kapacitor_snmptrap
short_description: Manage Kapacitor's SNMP trap alert endpoint
version_added: 0.1.0
description:
  - Configures Kapacitor's C(snmptrap) section through Kapacitor's config-override HTTP API,
    without editing C(kapacitor.conf) or restarting Kapacitor.
  - Kapacitor sends alerts as SNMP v2c traps (C(SNMPv2-Trap-PDU)) over UDP to O(addr).
  - Reads the section once, compares only the options you give, and writes only the
    difference. A second run with the same options reports no change.
  - Can send a test trap, like Chronograf's "Send Test Alert".
author:
  - tick.kapacitor developers (@tick-kapacitor)
extends_documentation_fragment:
  - tick.kapacitor.connection
  - tick.kapacitor.endpoint
  - tick.kapacitor.endpoint.attributes
options:
  enabled:
    description:
      - Turn the SNMP trap endpoint on. Kapacitor then requires O(addr).
    type: bool
  addr:
    description:
      - C(host:port) of the trap receiver (UDP), such as V(snmp.example.com:162).
      - Kapacitor's default is V(localhost:162).
    type: str
  community:
    description:
      - SNMP v2c community string sent with every trap.
      - Kapacitor's default is V(kapacitor), so Kapacitor reports it as set even before you
        set it; with the default O(update_secrets=on_create) a community given here is then
        B(not sent) unless O(update_secrets=always).
      - Secret; see O(update_secrets).
    type: str
  retries:
    description:
      - How often the SNMP client retries a request, V(0) or more (Kapacitor passes it on as an
        unsigned number, where a negative count would mean endless retries).
      - Kapacitor's default is V(1).
    type: int
notes:
  - The test trap (O(test_alert=true)) has the trap OID V(1.1.1.1) and one string varbind
    V(1.1.1.1.2) = V(test snmptrap message) unless O(test_options) gives C(trap-oid) and
    C(data-list), a list of C({oid, type, value}) where C(type) is V(s) (string), V(i)
    (integer), V(c) (counter), V(t) (time ticks) or V(n) (null).
  - Traps are UDP datagrams without acknowledgement, so a successful test only means that
    Kapacitor sent the trap.
  # BEGIN GENERATED test options (tools/generate.py)
  - 'The keys of O(test_options) for the C(snmptrap) test of Kapacitor 1.8.3 (as C(GET /kapacitor/v1/service-tests/snmptrap)
    shows them) are C(trap-oid) (string, default V(1.1.1.1)); C(data-list) (list, default V([{"oid": "1.1.1.1.2",
    "type": "s", "value": "test snmptrap message"}])). With O(test_alert=true) other keys are refused before
    anything is written, and so are values whose type differs from a default that is not null.'
  # END GENERATED test options
seealso:
  - name: Kapacitor SNMP trap event handler
    description: Kapacitor's documentation of the SNMP trap handler and its options.
    link: https://docs.influxdata.com/kapacitor/v1/reference/event_handlers/snmptrap/
  - module: tick.kapacitor.kapacitor_telegram
'''

EXAMPLES = r'''
- name: Send alerts as SNMP traps
  tick.kapacitor.kapacitor_snmptrap:
    kapacitor_url: http://kapacitor.example.com:9092
    enabled: true
    addr: snmp.example.com:162
    community: "{{ vault_snmp_community }}"
    # Kapacitor's default community "kapacitor" counts as set: send ours anyway.
    update_secrets: always
    test_alert: true
    test_options:
      trap-oid: 1.3.6.1.4.1.99999.1
      data-list:
        - oid: 1.3.6.1.4.1.99999.1.1
          type: s
          value: Kapacitor can reach the trap receiver

- name: Go back to the settings of kapacitor.conf
  tick.kapacitor.kapacitor_snmptrap:
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
    addr: snmp.example.com:162
    community: true
    retries: 1
# BEGIN GENERATED shared returns (tools/generate.py)
changed_options:
  description: Names of the options that were (or in check mode would be) written.
  returned: success
  type: list
  elements: str
  sample:
    - addr
    - community
    - enabled
test_alert:
  description: Kapacitor's answer to the test alert, when O(test_alert=true).
  returned: when O(test_alert=true) and O(state=present)
  type: dict
  contains:
    success:
      description: Whether Kapacitor sent the trap.
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
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import SNMPTRAP


def main():
    run_section_module(SNMPTRAP)


if __name__ == '__main__':
    main()
