# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


class ModuleDocFragment:
    # Options and notes shared by every alert-endpoint module.
    DOCUMENTATION = r'''
options:
  state:
    description:
      - V(present) sets the given options through Kapacitor's config-override API. Only the
        options you give are compared and written; the others keep their current values.
      - V(absent) removes this collection's (and anyone's) API overrides of the section or
        element. A section or element defined in C(kapacitor.conf) reverts to the file's
        values; an element that was added through the API is deleted.
    type: str
    choices: [present, absent]
    default: present
  update_secrets:
    description:
      - Kapacitor never returns secret options (tokens, passwords, some webhook URLs); it
        only says whether they are set. They therefore cannot be compared.
      - V(on_create) sends a secret only when Kapacitor reports it unset (or when you set it
        to the empty string to clear it). Runs stay idempotent, but B(changing a secret that
        is already set needs) O(update_secrets=always).
      - V(always) sends every given secret on every run and therefore always reports a change
        when a secret is given.
    type: str
    choices: [on_create, always]
    default: on_create
  test_alert:
    description:
      - After applying the configuration, ask Kapacitor to send a test alert through this
        endpoint, like the "Send Test Alert" button of Chronograf.
      - When Kapacitor reports that the test failed, the task fails with Kapacitor's message.
      - What a passed test proves depends on the service; RV(test_alert.success) of each module
        says. Most services count an answer of the remote service that accepts the alert, but
        Kapacitor's SMTP and Kafka tests only queue the message (delivery errors reach only
        Kapacitor's log), and its HTTP POST test counts any HTTP answer, even an error status,
        and never sends basic authentication.
      - Not sent in check mode, nor with O(state=absent).
    type: bool
    default: false
  test_options:
    description:
      - Options of Kapacitor's service test, merged over the test's defaults. Each service
        takes its own keys; the notes of each module list them with their types and defaults
        (for example C(subject) and C(body) for SMTP, C(title) and C(text) for Talk).
      - Kapacitor lists them as C(GET /kapacitor/v1/service-tests/<service>).
      - With O(test_alert=true) the keys and value types are checked against what that
        C(GET) reports before anything is written (Kapacitor itself drops unknown keys
        silently and fails a wrong type only after the configuration was written).
      - Values whose keys name secrets (C(url) of webhook services, keys containing
        C(token), C(password), C(secret) or C(key), every value of C(headers)) are never shown.
    type: dict
notes:
  - Secrets are never returned, logged or shown in diffs; in RV(config) they appear as V(true)
    when set and V(false) when unset, in diffs as C(<set>), C(<unset>) or C(<updated>).
  - Duration options take Go duration strings such as V(10s), V(1m30s) or V(500ms); values
    that Go cannot parse are rejected before anything is sent (Kapacitor would silently
    ignore them). Durations are compared by value, so V(1m) equals V(1m0s).
  - Kapacitor does not report which values are API overrides. With O(state=absent) in check
    mode the module therefore reports the removal it would send as a change.
  - Requires config overrides enabled on the server (C([config-override] enabled = true), the
    default).
  - After a write the module reads the element back and compares it with what it asked for.
    Another run or admin writing the same element at the same moment can undo part of a write
    that Kapacitor acknowledged; the missing options are then written once more, and if they
    still do not stick the task fails naming them. A task that succeeds has its values on the
    server.
  - When the answer to a write is lost (a dropped connection, a proxy's error), the module
    reads the element again and reports C(changed) if the values are there; otherwise it fails
    saying that the write may have been applied, and reports C(changed=true).
  - Redirects are never followed, so credentials only ever go to O(kapacitor_url)'s host.
  - Works with Kapacitor 1.5.9 and later (tested on 1.5.9, 1.6.5, 1.7.6 and 1.8.3). A section or
    option that says "Needs Kapacitor X or later" fails the task on an older server before
    anything is written, in check mode too, naming it, the version that has it and the server's
    version (from its C(X-Kapacitor-Version) header; a server that reports no version is left to
    refuse the write itself). The collection's C(docs/kapacitor-versions.md) lists what differs.
'''

    # update_secrets alone, for the bulk module: tools/generate.py copies it from DOCUMENTATION.
    # BEGIN GENERATED update_secrets (tools/generate.py)
    UPDATE_SECRETS = r'''
options:
  update_secrets:
    description:
      - Kapacitor never returns secret options (tokens, passwords, some webhook URLs); it
        only says whether they are set. They therefore cannot be compared.
      - V(on_create) sends a secret only when Kapacitor reports it unset (or when you set it
        to the empty string to clear it). Runs stay idempotent, but B(changing a secret that
        is already set needs) O(update_secrets=always).
      - V(always) sends every given secret on every run and therefore always reports a change
        when a secret is given.
    type: str
    choices: [on_create, always]
    default: on_create
'''
    # END GENERATED update_secrets

    # Return values shared by the endpoint modules. ansible-core 2.19 has no RETURN fragments
    # (2.20 does), so tools/generate.py copies these into each module's RETURN.
    RETURN = r'''
changed_options:
  description: Names of the options that were (or in check mode would be) written.
  returned: success
  type: list
  elements: str
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
    message: ""
kapacitor_version:
  description: Version of the Kapacitor server, from its C(X-Kapacitor-Version) header.
  returned: when Kapacitor answered
  type: str
  sample: 1.8.3
'''

    ATTRIBUTES = r'''
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
  action_group:
    description: Use C(group/tick.kapacitor.kapacitor) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - tick.kapacitor.kapacitor
'''
