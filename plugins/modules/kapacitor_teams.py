#!/usr/bin/python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: kapacitor_teams
short_description: Manage Kapacitor's Microsoft Teams alert endpoint
version_added: 0.1.0
description:
  - Configures Kapacitor's C(teams) section through Kapacitor's config-override HTTP API,
    without editing C(kapacitor.conf) or restarting Kapacitor.
  - Reads the section once, compares only the options you give, and writes only the
    difference. A second run with the same options reports no change.
  - Can send a test alert to the Teams channel, like Chronograf's "Send Test Alert".
  - Needs Kapacitor 1.5.6 or later.
author:
  - tick.kapacitor developers (@tick-kapacitor)
extends_documentation_fragment:
  - tick.kapacitor.connection
  - tick.kapacitor.endpoint
  - tick.kapacitor.endpoint.attributes
options:
  enabled:
    description:
      - Turn the Teams endpoint on. Kapacitor then requires O(channel_url).
    type: bool
  channel_url:
    description:
      - Incoming webhook URL of the Teams channel that receives the alerts.
      - Secret; see O(update_secrets). Kapacitor returns this URL in clear, so unlike
        redacted secrets it is compared exactly and a new URL is applied without
        O(update_secrets=always); it is still never shown.
    type: str
  global:
    description:
      - Send every alert of every task to Teams.
    type: bool
  state_changes_only:
    description:
      - With O(global), send only alerts whose level changed.
    type: bool
notes:
  - Kapacitor's service test always posts to the configured O(channel_url), whatever
    C(channel_url) is given in O(test_options).
  # BEGIN GENERATED test options (tools/generate.py)
  - The keys of O(test_options) for the C(teams) test of Kapacitor 1.8.3 (as C(GET /kapacitor/v1/service-tests/teams)
    shows them) are C(channel_url) (string, default the configured O(channel_url)); C(alert_topic) (string,
    default V(test kapacitor alert topic)); C(alert_id) (string, default V(foo/bar/bat)); C(message) (string,
    default V(test teams message)); C(level) (string, default V(CRITICAL)). With O(test_alert=true) other
    keys are refused before anything is written, and so are values whose type differs from a default that
    is not null.
  # END GENERATED test options
seealso:
  - name: Kapacitor Microsoft Teams event handler
    description: Kapacitor's documentation of the Teams handler and its options.
    link: https://docs.influxdata.com/kapacitor/v1/reference/event_handlers/microsoftteams/
  - module: tick.kapacitor.kapacitor_slack
'''

EXAMPLES = r'''
- name: Send alerts to a Teams channel
  tick.kapacitor.kapacitor_teams:
    kapacitor_url: http://kapacitor.example.com:9092
    enabled: true
    channel_url: "{{ vault_teams_webhook_url }}"
    test_alert: true
    test_options:
      message: Kapacitor can reach this channel

- name: Send every alert of every task to Teams, on level changes only
  tick.kapacitor.kapacitor_teams:
    kapacitor_url: http://kapacitor.example.com:9092
    global: true
    state_changes_only: true

- name: Go back to the settings of kapacitor.conf
  tick.kapacitor.kapacitor_teams:
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
    channel_url: true
    global: false
    state_changes_only: false
# BEGIN GENERATED shared returns (tools/generate.py)
changed_options:
  description: Names of the options that were (or in check mode would be) written.
  returned: success
  type: list
  elements: str
  sample:
    - channel_url
    - enabled
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
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import TEAMS


def main():
    run_section_module(TEAMS)


if __name__ == '__main__':
    main()
