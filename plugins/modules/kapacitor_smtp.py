#!/usr/bin/python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: kapacitor_smtp
short_description: Manage Kapacitor's SMTP (email) alert endpoint
version_added: 0.1.0
description:
  - Configures Kapacitor's C(smtp) section, the mail server Kapacitor sends alert emails
    through, using Kapacitor's config-override HTTP API, without editing C(kapacitor.conf)
    or restarting Kapacitor.
  - Reads the section once, compares only the options you give, and writes only the
    difference. A second run with the same options reports no change.
  - Can send a test email, like Chronograf's "Send Test Alert".
author:
  - tick.kapacitor developers (@tick-kapacitor)
extends_documentation_fragment:
  - tick.kapacitor.connection
  - tick.kapacitor.endpoint
  - tick.kapacitor.endpoint.attributes
options:
  enabled:
    description:
      - Turn the SMTP endpoint on. Kapacitor then requires O(from).
    type: bool
  host:
    description:
      - Host name or address of the SMTP server. Kapacitor's default is V(localhost).
    type: str
  port:
    description:
      - Port of the SMTP server, a whole number from V(1) to V(65535). Kapacitor's default is V(25).
      - Kapacitor uses STARTTLS when the server offers it; it does not speak implicit TLS
        (SMTPS), so use the submission port (V(587)) rather than V(465).
    type: int
  username:
    description:
      - User to authenticate with. Kapacitor authenticates only when the server offers
        authentication (C(AUTH)); otherwise it sends without.
    type: str
  password:
    description:
      - Password of O(username).
      - Secret; see O(update_secrets).
    type: str
  no_verify:
    description:
      - Do not verify the SMTP server's TLS certificate.
    type: bool
  global:
    description:
      - Send every alert of every task by email (to O(to)).
    type: bool
  state_changes_only:
    description:
      - With O(global), send only alerts whose level changed.
    type: bool
  from:
    description:
      - Sender address of the alert emails, such as V(kapacitor@example.com). Required when
        O(enabled=true).
    type: str
  to:
    description:
      - Default recipients, used when an alert names none. Each must be an email address.
      - The empty list clears them.
    type: list
    elements: str
  to_templates:
    description:
      - Templates that compute further recipients from the alert's data, such as
        V({{ index .Tags "owner" }}@example.com). Needs Kapacitor 1.6.3 or later.
      - Kapacitor (up to 1.8.3 at least) stores this option but does not use it; recipient
        templates take effect when given to the alert itself (the C(toTemplates) property of
        the TICKscript C(email) node, the C(to-field) option of an C(smtp) topic handler).
      - The empty list clears them.
    type: list
    elements: str
  idle_timeout:
    description:
      - How long Kapacitor keeps an unused connection to the SMTP server open, as a Go
        duration such as V(30s) or V(1m). Kapacitor's default is V(30s). Negative durations are
        rejected.
    type: str
notes:
  - Kapacitor's test only queues the email; delivery errors appear in Kapacitor's log only.
    A successful RV(test_alert) therefore does not prove that the mail was delivered.
  # BEGIN GENERATED test options (tools/generate.py)
  - The keys of O(test_options) for the C(smtp) test of Kapacitor 1.8.3 (as C(GET /kapacitor/v1/service-tests/smtp)
    shows them) are C(to) (list of strings, default the configured O(to)); C(subject) (string, default V(test
    subject)); C(body) (string, default V(test body)). With O(test_alert=true) other keys are refused before
    anything is written, and so are values whose type differs from a default that is not null.
  # END GENERATED test options
seealso:
  - name: Kapacitor email (SMTP) event handler
    description: Kapacitor's documentation of the email handler and its options.
    link: https://docs.influxdata.com/kapacitor/v1/reference/event_handlers/email/
  - module: tick.kapacitor.kapacitor_slack
'''

EXAMPLES = r'''
- name: Send alert emails through the company's mail relay
  tick.kapacitor.kapacitor_smtp:
    kapacitor_url: http://kapacitor.example.com:9092
    enabled: true
    host: smtp.example.com
    port: 587
    username: kapacitor
    password: "{{ vault_smtp_password }}"
    from: kapacitor@example.com
    to: [oncall@example.com]
    idle_timeout: 1m
    test_alert: true
    test_options:
      subject: Kapacitor test email
      body: Kapacitor can send email.

- name: Replace the SMTP password (secrets are only sent when asked to)
  tick.kapacitor.kapacitor_smtp:
    kapacitor_url: http://kapacitor.example.com:9092
    password: "{{ vault_new_smtp_password }}"
    update_secrets: always

- name: Go back to the settings of kapacitor.conf
  tick.kapacitor.kapacitor_smtp:
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
    host: smtp.example.com
    port: 587
    username: kapacitor
    password: true
    no_verify: false
    global: false
    state_changes_only: false
    from: kapacitor@example.com
    to: [oncall@example.com]
    to_templates: null
    idle_timeout: 1m0s
# BEGIN GENERATED shared returns (tools/generate.py)
changed_options:
  description: Names of the options that were (or in check mode would be) written.
  returned: success
  type: list
  elements: str
  sample:
    - enabled
    - host
    - password
test_alert:
  description: Kapacitor's answer to the test alert, when O(test_alert=true).
  returned: when O(test_alert=true) and O(state=present)
  type: dict
  contains:
    success:
      description: Whether Kapacitor queued the email (not whether it was delivered).
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
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import SMTP


def main():
    run_section_module(SMTP)


if __name__ == '__main__':
    main()
