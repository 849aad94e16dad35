#!/usr/bin/python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: kapacitor_telegram
short_description: Manage Kapacitor's Telegram alert endpoint
version_added: 0.1.0
description:
  - Configures Kapacitor's C(telegram) section through Kapacitor's config-override HTTP API,
    without editing C(kapacitor.conf) or restarting Kapacitor.
  - Reads the section once, compares only the options you give, and writes only the
    difference. A second run with the same options reports no change.
  - Can send a test alert through Telegram, like Chronograf's "Send Test Alert".
author:
  - tick.kapacitor developers (@tick-kapacitor)
extends_documentation_fragment:
  - tick.kapacitor.connection
  - tick.kapacitor.endpoint
  - tick.kapacitor.endpoint.attributes
options:
  enabled:
    description:
      - Turn the Telegram endpoint on. Kapacitor then requires O(url) and O(token).
    type: bool
  url:
    description:
      - Base URL of the Telegram Bot API; the bot token and the method are appended to it.
      - Kapacitor's default is V(https://api.telegram.org/bot).
    type: str
  token:
    description:
      - Token of the Telegram bot, as given by BotFather.
      - Secret; see O(update_secrets).
    type: str
  chat_id:
    description:
      - Default chat to send alerts to. Numeric ids are strings too, for example V('-1001234567');
        an unquoted number is accepted and sent as its text.
      - As for every string option of this collection, a boolean, list or dictionary is rejected
        rather than turned into text.
    type: str
  parse_mode:
    description:
      - How Telegram formats the message text. V(Markdown) or V(HTML); the empty string sends
        plain text.
      - Kapacitor takes the value in any case (it lower-cases it before checking it) and passes
        it on to Telegram as written, so this module does too, and compares it ignoring case;
        V(html) on a server that has V(HTML) is no change. Any other value is refused before
        anything is sent (Kapacitor would store it, then fail every alert that does not set a
        parse mode of its own).
    type: str
  disable_web_page_preview:
    description:
      - Do not show link previews in alert messages.
    type: bool
  disable_notification:
    description:
      - Send alerts silently (no sound on the recipients' devices).
    type: bool
  global:
    description:
      - Send every alert of every task to Telegram.
    type: bool
  state_changes_only:
    description:
      - With O(global), send only alerts whose level changed.
    type: bool
notes:
  # BEGIN GENERATED test options (tools/generate.py)
  - The keys of O(test_options) for the C(telegram) test of Kapacitor 1.8.3 (as C(GET /kapacitor/v1/service-tests/telegram)
    shows them) are C(chat-id) (string, default the configured O(chat_id)); C(parse-mode) (string, default
    the configured O(parse_mode)); C(message) (string, default V(test telegram message)); C(disable-web-page-preview)
    (boolean, default the configured O(disable_web_page_preview)); C(disable-notification) (boolean, default
    the configured O(disable_notification)). With O(test_alert=true) other keys are refused before anything
    is written, and so are values whose type differs from a default that is not null.
  # END GENERATED test options
seealso:
  - name: Kapacitor Telegram event handler
    description: Kapacitor's documentation of the Telegram handler and its options.
    link: https://docs.influxdata.com/kapacitor/v1/reference/event_handlers/telegram/
  - module: tick.kapacitor.kapacitor_slack
'''

EXAMPLES = r'''
- name: Send alerts to a Telegram chat
  tick.kapacitor.kapacitor_telegram:
    kapacitor_url: http://kapacitor.example.com:9092
    enabled: true
    token: "{{ vault_telegram_bot_token }}"
    chat_id: "-1001234567"
    parse_mode: Markdown
    test_alert: true
    test_options:
      message: Kapacitor can reach this chat

- name: Replace the bot token (secrets are only sent when asked to)
  tick.kapacitor.kapacitor_telegram:
    kapacitor_url: http://kapacitor.example.com:9092
    token: "{{ vault_new_telegram_bot_token }}"
    update_secrets: always

- name: Go back to the settings of kapacitor.conf
  tick.kapacitor.kapacitor_telegram:
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
    url: https://api.telegram.org/bot
    token: true
    chat_id: "-1001234567"
    parse_mode: Markdown
    disable_web_page_preview: false
    disable_notification: false
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
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import TELEGRAM


def main():
    run_section_module(TELEGRAM)


if __name__ == '__main__':
    main()
