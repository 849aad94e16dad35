#!/usr/bin/python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: kapacitor_slack
short_description: Manage Kapacitor's Slack alert endpoint (one workspace)
version_added: 0.1.0
description:
  - Configures one Slack workspace of Kapacitor's C(slack) section through Kapacitor's
    config-override HTTP API, without editing C(kapacitor.conf) or restarting Kapacitor.
  - Reads the workspace once, compares only the options you give, and writes only the
    difference. A second run with the same options reports no change.
  - Can send a test alert through the workspace, like Chronograf's "Send Test Alert".
author:
  - tick.kapacitor developers (@tick-kapacitor)
extends_documentation_fragment:
  - tick.kapacitor.connection
  - tick.kapacitor.endpoint
  - tick.kapacitor.endpoint.attributes
options:
  workspace:
    description:
      - The Slack workspace (the element of Kapacitor's C(slack) list) to manage.
      - The empty string is the unnamed default workspace that every Kapacitor has unless
        C(kapacitor.conf) names its workspaces.
      - A workspace that does not exist is added. Kapacitor starts added workspaces from empty
        values (for example no O(username) and O(default=false)), so give every option you need.
      - Letters, digits, V(_), V(-) and V(+) only; Kapacitor cannot edit other names.
      - Kapacitor refuses to override the default (unnamed) workspace once any named workspace
        was added through its API (its check C(id must not be empty) rejects an unnamed
        workspace next to named ones; an upstream bug). The module then fails and explains
        why. Set the default workspace in C(kapacitor.conf) instead, or manage a named
        workspace with O(default=true).
    type: str
    default: ''
  enabled:
    description:
      - Turn the workspace on. Kapacitor then requires O(url) to be set.
    type: bool
  default:
    description:
      - Make this the default workspace, used by alerts that name no workspace.
    type: bool
  url:
    description:
      - Slack incoming webhook URL, or V(https://slack.com/api/chat.postMessage) with O(token)
        for a Slack app.
      - Secret; see O(update_secrets).
    type: str
  token:
    description:
      - OAuth bot token of a Slack app, used with O(url=https://slack.com/api/chat.postMessage).
      - Secret; see O(update_secrets). Needs Kapacitor 1.6.0 or later.
    type: str
  channel:
    description:
      - Default channel, such as V(#alerts) or V(@user).
    type: str
  username:
    description:
      - Name the alerts are posted as.
    type: str
  icon_emoji:
    description:
      - Emoji shown as the poster's icon, such as V(:chart_with_upwards_trend:).
    type: str
  global:
    description:
      - Send every alert of every task to Slack. Only valid on the default workspace.
    type: bool
  state_changes_only:
    description:
      - With O(global), send only alerts whose level changed.
    type: bool
  ssl_ca:
    description:
      - Path on the Kapacitor host of a CA file to verify Slack's certificate.
    type: str
  ssl_cert:
    description:
      - Path on the Kapacitor host of a client certificate.
    type: str
  ssl_key:
    description:
      - Path on the Kapacitor host of the client certificate's key.
    type: str
  insecure_skip_verify:
    description:
      - Do not verify Slack's TLS certificate.
    type: bool
notes:
  # BEGIN GENERATED test options (tools/generate.py)
  - The keys of O(test_options) for the C(slack) test of Kapacitor 1.8.3 (as C(GET /kapacitor/v1/service-tests/slack)
    shows them) are C(workspace) (string, set by this module to O(workspace)); C(channel) (string, this
    module sends V("") unless you give it, so that Kapacitor uses the O(channel) of the workspace under
    test); C(message) (string, default V(test slack message)); C(level) (string, default V(CRITICAL)); C(username)
    (string, default V("")); C(icon-emoji) (string, default V("")). With O(test_alert=true) other keys are
    refused before anything is written, and so are values whose type differs from a default that is not
    null.
  # END GENERATED test options
seealso:
  - name: Kapacitor Slack event handler
    description: Kapacitor's documentation of the Slack handler and its options.
    link: https://docs.influxdata.com/kapacitor/v1/reference/event_handlers/slack/
  - module: tick.kapacitor.kapacitor_telegram
'''

EXAMPLES = r'''
- name: Send alerts to Slack through an incoming webhook
  tick.kapacitor.kapacitor_slack:
    kapacitor_url: http://kapacitor.example.com:9092
    enabled: true
    url: "{{ vault_slack_webhook_url }}"
    channel: "#alerts"
    username: kapacitor
    test_alert: true

- name: A second workspace beside the default one
  tick.kapacitor.kapacitor_slack:
    kapacitor_url: http://kapacitor.example.com:9092
    workspace: ops
    enabled: true
    url: "{{ vault_ops_webhook_url }}"
    channel: "#ops"
    username: kapacitor

- name: Rotate the webhook of the ops workspace (secrets are only sent when asked to)
  tick.kapacitor.kapacitor_slack:
    kapacitor_url: http://kapacitor.example.com:9092
    workspace: ops
    url: "{{ vault_new_ops_webhook_url }}"
    update_secrets: always

- name: Remove the ops workspace again
  tick.kapacitor.kapacitor_slack:
    kapacitor_url: http://kapacitor.example.com:9092
    workspace: ops
    state: absent

- name: Connection settings once for every module of the collection
  module_defaults:
    group/tick.kapacitor.kapacitor:
      kapacitor_url: https://kapacitor.example.com:9092
      kapacitor_username: ansible
      kapacitor_password: "{{ vault_kapacitor_password }}"
  block:
    - name: Post alerts as "monitoring"
      tick.kapacitor.kapacitor_slack:
        username: monitoring
'''

RETURN = r'''
config:
  description:
    - The workspace's effective options after the run (in check mode, as they would be),
      under this module's option names.
    - Secrets are V(true) when set and V(false) when unset.
  returned: success
  type: dict
  sample:
    enabled: true
    default: true
    url: true
    token: false
    channel: "#alerts"
    username: kapacitor
    icon_emoji: ""
    global: false
    state_changes_only: false
    ssl_ca: ""
    ssl_cert: ""
    ssl_key: ""
    insecure_skip_verify: false
# BEGIN GENERATED shared returns (tools/generate.py)
changed_options:
  description: Names of the options that were (or in check mode would be) written.
  returned: success
  type: list
  elements: str
  sample:
    - channel
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
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import SLACK


def main():
    run_section_module(SLACK)


if __name__ == '__main__':
    main()
