#!/usr/bin/python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: kapacitor_pushover
short_description: Manage Kapacitor's Pushover alert endpoint
version_added: 0.1.0
description:
  - Configures Kapacitor's C(pushover) section through Kapacitor's config-override HTTP API,
    without editing C(kapacitor.conf) or restarting Kapacitor.
  - Reads the section once, compares only the options you give, and writes only the
    difference. A second run with the same options reports no change.
  - Can send a test notification through Pushover, like Chronograf's "Send Test Alert".
author:
  - tick.kapacitor developers (@tick-kapacitor)
extends_documentation_fragment:
  - tick.kapacitor.connection
  - tick.kapacitor.endpoint
  - tick.kapacitor.endpoint.attributes
options:
  enabled:
    description:
      - Turn the Pushover endpoint on. Kapacitor then requires O(token), O(user_key) and O(url).
    type: bool
  token:
    description:
      - API token of the Pushover application the notifications are sent from.
      - Secret; see O(update_secrets).
    type: str
  user_key:
    description:
      - Key of the Pushover user or delivery group that receives the notifications.
      - Secret; see O(update_secrets).
    type: str
  url:
    description:
      - URL of Pushover's messages API. Kapacitor's default is
        V(https://api.pushover.net/1/messages.json).
    type: str
notes:
  - Kapacitor's service-test listing (C(GET /kapacitor/v1/service-tests/pushover)) shows the
    configured user key in clear to anyone who may read Kapacitor's API; this module never
    reads it.
  # BEGIN GENERATED test options (tools/generate.py)
  - The keys of O(test_options) for the C(pushover) test of Kapacitor 1.8.3 (as C(GET /kapacitor/v1/service-tests/pushover)
    shows them) are C(user-key) (string, default the configured O(user_key)); C(message) (string, default
    V(test pushover message)); C(device) (string, default V("")); C(title) (string, default V("")); C(url)
    (string, default V("")); C(url-title) (string, default V("")); C(sound) (string, default V("")); C(level)
    (string, default V(CRITICAL)). With O(test_alert=true) other keys are refused before anything is written,
    and so are values whose type differs from a default that is not null.
  # END GENERATED test options
seealso:
  - name: Kapacitor Pushover event handler
    description: Kapacitor's documentation of the Pushover handler and its options.
    link: https://docs.influxdata.com/kapacitor/v1/reference/event_handlers/pushover/
'''

EXAMPLES = r'''
- name: Send alerts through Pushover
  tick.kapacitor.kapacitor_pushover:
    kapacitor_url: http://kapacitor.example.com:9092
    enabled: true
    token: "{{ vault_pushover_app_token }}"
    user_key: "{{ vault_pushover_user_key }}"
    test_alert: true
    test_options:
      message: Kapacitor can reach Pushover
      title: Kapacitor

- name: Send to another user (secrets are only sent when asked to)
  tick.kapacitor.kapacitor_pushover:
    kapacitor_url: http://kapacitor.example.com:9092
    user_key: "{{ vault_pushover_oncall_group_key }}"
    update_secrets: always

- name: Go back to the settings of kapacitor.conf
  tick.kapacitor.kapacitor_pushover:
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
    token: true
    user_key: true
    url: https://api.pushover.net/1/messages.json
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
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import PUSHOVER


def main():
    run_section_module(PUSHOVER)


if __name__ == '__main__':
    main()
