#!/usr/bin/python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: kapacitor_hipchat
short_description: Manage Kapacitor's HipChat alert endpoint
version_added: 0.1.0
description:
  - Configures Kapacitor's C(hipchat) section through Kapacitor's config-override HTTP API,
    without editing C(kapacitor.conf) or restarting Kapacitor.
  - Reads the section once, compares only the options you give, and writes only the
    difference. A second run with the same options reports no change.
  - Can send a test alert to a HipChat room, like Chronograf's "Send Test Alert".
author:
  - tick.kapacitor developers (@tick-kapacitor)
extends_documentation_fragment:
  - tick.kapacitor.connection
  - tick.kapacitor.endpoint
  - tick.kapacitor.endpoint.attributes
options:
  enabled:
    description:
      - Turn the HipChat endpoint on. Kapacitor then requires a URL (O(url) or O(subdomain)).
    type: bool
  url:
    description:
      - Room API URL of the HipChat server, for example
        V(https://mycompany.hipchat.com/v2/room). Kapacitor posts each alert to
        C(<url>/<room>/notification).
      - Mutually exclusive with O(subdomain).
    type: str
  subdomain:
    description:
      - The HipChat subdomain, as Chronograf's HipChat form asks for it, for example V(mycompany) for
        C(https://mycompany.hipchat.com).
      - Not a Kapacitor option. The module sets O(url) to
        C(https://<subdomain>.hipchat.com/v2/room), and compares and returns it as O(url).
      - Letters, digits and V(-) only. Mutually exclusive with O(url).
    type: str
  token:
    description:
      - HipChat API token (a room notification token or a user token with the
        C(send_notification) scope). TICKscripts can override it per alert.
      - Secret; see O(update_secrets).
    type: str
  room:
    description:
      - Default room (name or id) to post alerts to. TICKscripts can override it per alert.
    type: str
  global:
    description:
      - Send every alert of every task to HipChat.
    type: bool
  state_changes_only:
    description:
      - With O(global), send only alerts whose level changed.
    type: bool
notes:
  - Atlassian has discontinued HipChat (HipChat Cloud in 2019, then its self-hosted
    editions); this module remains for existing self-hosted servers and for parity with
    Chronograf's alert endpoints.
  # BEGIN GENERATED test options (tools/generate.py)
  - The keys of O(test_options) for the C(hipchat) test of Kapacitor 1.8.3 (as C(GET /kapacitor/v1/service-tests/hipchat)
    shows them) are C(room) (string, default the configured O(room)); C(message) (string, default V(test
    hipchat message)); C(level) (string, default V(CRITICAL)). With O(test_alert=true) other keys are refused
    before anything is written, and so are values whose type differs from a default that is not null.
  # END GENERATED test options
seealso:
  - name: Kapacitor HipChat event handler
    description: Kapacitor's documentation of the HipChat handler and its options.
    link: https://docs.influxdata.com/kapacitor/v1/reference/event_handlers/hipchat/
  - module: tick.kapacitor.kapacitor_slack
'''

EXAMPLES = r'''
- name: Send alerts to a HipChat room, giving the subdomain like Chronograf does
  tick.kapacitor.kapacitor_hipchat:
    kapacitor_url: http://kapacitor.example.com:9092
    enabled: true
    subdomain: mycompany
    token: "{{ vault_hipchat_token }}"
    room: ops-alerts
    test_alert: true
    test_options:
      message: Kapacitor can reach this room

- name: A self-hosted HipChat server needs the full room API URL
  tick.kapacitor.kapacitor_hipchat:
    kapacitor_url: http://kapacitor.example.com:9092
    enabled: true
    url: https://hipchat.example.com/v2/room
    room: "4242"

- name: Go back to the settings of kapacitor.conf
  tick.kapacitor.kapacitor_hipchat:
    kapacitor_url: http://kapacitor.example.com:9092
    state: absent
'''

RETURN = r'''
config:
  description:
    - The section's effective options after the run (in check mode, as they would be),
      under this module's option names. A given O(subdomain) shows up as O(url).
    - Secrets are V(true) when set and V(false) when unset.
  returned: success
  type: dict
  sample:
    enabled: true
    url: https://mycompany.hipchat.com/v2/room
    token: true
    room: ops-alerts
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
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import HIPCHAT


def main():
    run_section_module(HIPCHAT)


if __name__ == '__main__':
    main()
