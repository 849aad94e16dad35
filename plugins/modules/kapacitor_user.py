#!/usr/bin/python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: kapacitor_user
short_description: Manage a Kapacitor user
version_added: 0.2.0
description:
  - Creates, updates or deletes one of Kapacitor's own users through its
    C(/kapacitor/v1/users) API, with its type, permissions and password.
  - "Kapacitor has this API only when its C([auth]) table says C(enabled = true). Without it the
    module fails with C(Kapacitor's user API is off on this server: set [auth] enabled = true in
    kapacitor.conf). With C([http] auth-enabled = true) as well, Kapacitor asks every client to
    log in, and only an admin user may manage users (set O(kapacitor_username) and
    O(kapacitor_password) to one)."
  - Kapacitor never shows a password. The module compares the type and the permissions, and
    handles the password as O(update_secrets) says.
author:
  - tick.kapacitor developers (@tick-kapacitor)
extends_documentation_fragment:
  - tick.kapacitor.connection
  - tick.kapacitor.endpoint.attributes
options:
  name:
    description:
      - The user's name. Letters of any script, digits C(0-9), C(-), C(.), C(_) and C(@), as
        Kapacitor checks it (C(^[-._\p{L}0-9@]+$)); anything else fails before any request.
    type: str
    required: true
  state:
    description:
      - V(present) creates the user or changes its type and permissions (and its password, see
        O(update_secrets)).
      - V(absent) deletes the user.
    type: str
    choices: [present, absent]
    default: present
  type:
    description:
      - V(normal) users may do what their O(permissions) allow.
      - V(admin) users may do everything, including managing users. Kapacitor keeps no
        permissions for an admin (it drops them when a user becomes one), so O(permissions)
        other than V(none) with V(admin) fail before any request.
      - An existing user is changed to this type, so leaving O(type) out makes an admin a normal
        user.
    type: str
    choices: [normal, admin]
    default: normal
  permissions:
    description:
      - What a V(normal) user may do. These are all the permissions Kapacitor has; there are no
        finer ones, such as a read-only permission for tasks.
      - V(api) is every API path (tasks, templates, topics, ...) except C(/config) and C(/write);
        V(config_api) is C(/config) (configuration overrides); V(write_points) is C(/write)
        (writing data points); V(all) is the three together; V(none) is nothing.
      - "Compared as Kapacitor stores them, so a re-run reports no change: it drops V(none) and
        shows V(api), V(config_api) and V(write_points) together as V(all) (RV(user.permissions))."
      - Left out, the user keeps the permissions it has (a new user gets none). V([]) or
        V([none]) removes them all.
    type: list
    elements: str
    choices: [none, api, config_api, write_points, all]
  password:
    description:
      - The user's password. Required when the user does not exist yet. Never shown in output,
        diffs or messages.
      - What happens to an existing user's password depends on O(update_secrets).
    type: str
  update_secrets:
    description:
      - Kapacitor never returns a password, so it cannot be compared by reading the user.
      - V(on_create) sends O(password) only when the user is created. An existing user keeps
        its password whatever O(password) says, and runs stay idempotent.
      - V(always) makes the user's password O(password). When Kapacitor asks clients to log in
        (C([http] auth-enabled = true)), the module checks the password by logging in as the
        user (C(GET /kapacitor/v1/ping)) and changes it only when Kapacitor refuses it, so a
        re-run reports no change. When Kapacitor lets anyone in, a login cannot tell, so the
        password is sent on every run and the task always reports a change.
    type: str
    choices: [on_create, always]
    default: on_create
notes:
  - Kapacitor goes on accepting a user's old password after a change, until the new one is used
    once (its authentication cache). With O(update_secrets=always) the module logs in with the
    new password right after changing it, which checks it and retires the old one.
  - Kapacitor also makes users of its own, one per InfluxDB subscription (names starting with
    C(_sub:)); they cannot be managed with this module.
seealso:
  - name: Kapacitor authentication and authorization
    description: Kapacitor's users, permissions and C([auth]) settings.
    link: https://docs.influxdata.com/kapacitor/v1/administration/auth/
  - module: tick.kapacitor.kapacitor_info
'''

EXAMPLES = r'''
- name: A user for Chronograf that manages tasks and alerts but not the configuration
  tick.kapacitor.kapacitor_user:
    kapacitor_url: http://kapacitor.example.com:9092
    name: chronograf
    password: "{{ vault_chronograf_password }}"
    permissions: [api]

- name: A user for Telegraf that only writes points
  tick.kapacitor.kapacitor_user:
    kapacitor_url: http://kapacitor.example.com:9092
    name: telegraf
    password: "{{ vault_telegraf_password }}"
    permissions: [write_points]

- name: Rotate the Telegraf user's password (changed only when the old one is still set)
  tick.kapacitor.kapacitor_user:
    kapacitor_url: http://kapacitor.example.com:9092
    name: telegraf
    password: "{{ vault_telegraf_new_password }}"
    permissions: [write_points]
    update_secrets: always

- name: An admin, managed by logging in as another admin
  tick.kapacitor.kapacitor_user:
    kapacitor_url: http://kapacitor.example.com:9092
    kapacitor_username: admin
    kapacitor_password: "{{ vault_kapacitor_admin_password }}"
    name: ops-admin
    type: admin
    password: "{{ vault_ops_admin_password }}"

- name: Remove the users again
  tick.kapacitor.kapacitor_user:
    kapacitor_url: http://kapacitor.example.com:9092
    name: "{{ item }}"
    state: absent
  loop: [chronograf, telegraf, ops-admin]
'''

RETURN = r'''
user:
  description:
    - The user after the run (in check mode, as it would be); empty after O(state=absent).
    - Never holds the password. In diffs the password is C(<set>), or C(<updated>) when the run
      changes (or in check mode would change) it.
  returned: success
  type: dict
  contains:
    name:
      description: The user's name.
      type: str
      returned: with O(state=present)
    type:
      description: V(normal) or V(admin).
      type: str
      returned: with O(state=present)
    permissions:
      description:
        - The permissions as Kapacitor shows them (V(all) for V(api), V(config_api) and
          V(write_points) together; never V(none)).
        - Kapacitor ignores them for an admin.
      type: list
      elements: str
      returned: with O(state=present)
  sample:
    name: chronograf
    type: normal
    permissions: [api]
# BEGIN GENERATED shared returns (tools/generate.py)
kapacitor_version:
  description: Version of the Kapacitor server, from its C(X-Kapacitor-Version) header.
  returned: when Kapacitor answered
  type: str
  sample: 1.8.3
# END GENERATED shared returns
'''

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_runner import run_as_module
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_users import USER_TASK


def main():
    run_as_module(USER_TASK)


if __name__ == '__main__':
    main()
