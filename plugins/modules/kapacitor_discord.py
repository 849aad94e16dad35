#!/usr/bin/python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: kapacitor_discord
short_description: Manage Kapacitor's Discord alert endpoint (one workspace)
version_added: 0.1.0
description:
  - Configures one workspace of Kapacitor's C(discord) section through Kapacitor's
    config-override HTTP API, without editing C(kapacitor.conf) or restarting Kapacitor.
  - Reads the workspace once, compares only the options you give, and writes only the
    difference. A second run with the same options reports no change.
  - Can send a test alert through the workspace, like Chronograf's "Send Test Alert".
  - Needs Kapacitor 1.5.6 or later.
author:
  - tick.kapacitor developers (@tick-kapacitor)
extends_documentation_fragment:
  - tick.kapacitor.connection
  - tick.kapacitor.endpoint
  - tick.kapacitor.endpoint.attributes
options:
  workspace:
    description:
      - The Discord workspace (the element of Kapacitor's C(discord) list) to manage. A
        workspace is one channel webhook; alerts choose it by name.
      - The empty string is the unnamed default workspace that every Kapacitor has unless
        C(kapacitor.conf) names its workspaces.
      - A workspace that does not exist is added. Kapacitor starts added workspaces from empty
        values (for example O(default=false)), so give every option you need.
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
      - Webhook URL of the Discord channel, as shown by the channel's integration settings.
      - Secret; see O(update_secrets). Kapacitor returns this URL in clear, so unlike
        redacted secrets it is compared exactly and a new URL is applied without
        O(update_secrets=always); it is still never shown.
    type: str
  timestamp:
    description:
      - Add the alert's time to the message embed.
    type: bool
  username:
    description:
      - Name the alerts are posted as, instead of the webhook's own name.
    type: str
  avatar_url:
    description:
      - URL of the image shown as the poster's avatar.
    type: str
  embed_title:
    description:
      - Title of the message embed.
    type: str
  global:
    description:
      - Send every alert of every task to Discord. Only valid on the default workspace.
      - In Kapacitor 1.8.3 it also makes every alert of every task state-changes-only, for
        all its handlers, whatever O(state_changes_only) says (Kapacitor reads this option in
        place of that one).
    type: bool
  state_changes_only:
    description:
      - Meant to send, with O(global), only alerts whose level changed.
      - B(Has no effect in Kapacitor 1.8.3), which reads O(global) in its place. Kapacitor still
        refuses V(true) unless O(default) and O(global) are true too.
    type: bool
  ssl_ca:
    description:
      - Path on the Kapacitor host of a CA file to verify Discord's certificate.
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
      - Do not verify Discord's TLS certificate.
    type: bool
notes:
  - The test alert posts with the workspace's own O(username) and O(avatar_url) and the title
    C(Kapacitor Alert), unless O(test_options) give C(username), C(avatar-url) or
    C(embed-title). (Kapacitor's own test, without this module's empty C(username) and
    C(avatar-url), would post as C(Kapacitor) with InfluxData's logo.)
  # BEGIN GENERATED test options (tools/generate.py)
  - The keys of O(test_options) for the C(discord) test of Kapacitor 1.8.3 (as C(GET /kapacitor/v1/service-tests/discord)
    shows them) are C(workspace) (string, set by this module to O(workspace)); C(message) (string, default
    V(test discord message)); C(level) (string, default V(INFO)); C(username) (string, this module sends
    V("") unless you give it, so that Kapacitor uses the O(username) of the workspace under test); C(avatar-url)
    (string, this module sends V("") unless you give it, so that Kapacitor uses the O(avatar_url) of the
    workspace under test); C(embed-title) (string, default V(Kapacitor Alert)); C(time-val) (string, default
    V(1970-01-01T00:00:01Z)). With O(test_alert=true) other keys are refused before anything is written,
    and so are values whose type differs from a default that is not null.
  # END GENERATED test options
seealso:
  - name: Kapacitor Discord event handler
    description: Kapacitor's documentation of the Discord handler and its options.
    link: https://docs.influxdata.com/kapacitor/v1/reference/event_handlers/discord/
  - module: tick.kapacitor.kapacitor_slack
'''

EXAMPLES = r'''
- name: Send alerts to a Discord channel through the default workspace
  tick.kapacitor.kapacitor_discord:
    kapacitor_url: http://kapacitor.example.com:9092
    enabled: true
    url: "{{ vault_discord_webhook_url }}"
    username: kapacitor
    embed_title: Kapacitor alert
    timestamp: true
    test_alert: true

- name: A second workspace beside the default one
  tick.kapacitor.kapacitor_discord:
    kapacitor_url: http://kapacitor.example.com:9092
    workspace: ops
    enabled: true
    url: "{{ vault_discord_ops_webhook_url }}"
    username: ops-alerts
    timestamp: true

- name: Remove the ops workspace again
  tick.kapacitor.kapacitor_discord:
    kapacitor_url: http://kapacitor.example.com:9092
    workspace: ops
    state: absent
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
    timestamp: true
    username: kapacitor
    avatar_url: ""
    embed_title: Kapacitor alert
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
    - enabled
    - url
    - username
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
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import DISCORD


def main():
    run_section_module(DISCORD)


if __name__ == '__main__':
    main()
