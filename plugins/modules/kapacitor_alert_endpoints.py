#!/usr/bin/python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: kapacitor_alert_endpoints
short_description: Converge every alert endpoint of a Kapacitor host in one run
version_added: 0.1.0
description:
  - Takes the whole desired set of a host's alert endpoints in one argument and converges it
    with one read of Kapacitor's configuration, one write per endpoint that differs, and one
    read back. Made for fleet provisioning, where one task per endpoint costs Ansible's
    per-task overhead many times over.
  - Each section takes exactly the options, types, choices and secrets of its dedicated module
    (M(tick.kapacitor.kapacitor_slack), M(tick.kapacitor.kapacitor_smtp), ...). Every value is
    validated before anything is written; a bad value in one section fails the run with no
    section changed.
  - Check mode and diff mode work per endpoint; RV(endpoints) says what changed where.
  - One set of variables can converge a fleet of mixed Kapacitor versions; O(unsupported) says
    what happens to endpoints that a host's Kapacitor is too old for.
author:
  - tick.kapacitor developers (@tick-kapacitor)
extends_documentation_fragment:
  - tick.kapacitor.connection
  - tick.kapacitor.endpoint.update_secrets
  - tick.kapacitor.alert_endpoints
  - tick.kapacitor.endpoint.attributes
options:
  secrets:
    description:
      - Secret options of endpoints that O(endpoints) lists, kept apart from them (for example in
        a vault) and merged into them by section and element name before anything is validated.
      - Keyed by section. A single section takes a dictionary of its secret options (C(telegram)
        takes C(token)); a list section takes a dictionary of element names, each with a dictionary
        of that element's secret options (C(slack) takes C(ops) with C(url) for the workspace
        C(ops), and V("") for the default Slack or Discord workspace). The examples of
        M(tick.kapacitor.kapacitor_info) show it.
      - This is the shape of RV(tick.kapacitor.kapacitor_info#module:secrets_required). What
        M(tick.kapacitor.kapacitor_info) exports as RV(tick.kapacitor.kapacitor_info#module:endpoints)
        goes back in O(endpoints) as it is, and the secrets it cannot export go here.
      - Only secret options are taken, each with a value; a null (a secret left unfilled in a copy of
        RV(tick.kapacitor.kapacitor_info#module:secrets_required)) fails the task, and so does an
        option given both here and in O(endpoints), or an endpoint O(endpoints) does not list.
      - Values are checked like the same options in O(endpoints) and never shown.
    type: dict
  prune:
    description:
      - Also remove the API overrides of every alert section and element that O(endpoints) does
        not list. Elements added through the API are deleted; sections and elements defined in
        C(kapacitor.conf) revert to the file.
      - Kapacitor does not report which values are overrides, so pruning sends one removal per
        unlisted section on every run; a section is reported changed only when its effective
        configuration changed.
    type: bool
    default: false
  unsupported:
    description:
      - What to do with endpoints that this host's Kapacitor cannot take, because its version
        lacks their section (C(zenoss) before 1.6.0) or an option they give (the options whose
        docs say "Needs Kapacitor X or later", such as Slack's
        O(tick.kapacitor.kapacitor_alert_endpoints#module:endpoints.slack[].token) before
        1.6.0). Judged after the first read, before anything is written.
      - V(fail) fails the run before anything is written, in check mode too, naming every such
        endpoint, what it needs and the server's version.
      - V(skip) leaves each such endpoint out whole (it is neither written, tested nor pruned),
        converges the others, lists it in
        RV(tick.kapacitor.kapacitor_alert_endpoints#module:skipped_endpoints) and warns about it. One set
        of variables then converges a fleet of mixed Kapacitor versions; on a host that has
        everything, V(skip) and V(fail) do the same.
      - The version is the one Kapacitor reports in its C(X-Kapacitor-Version) header. A server
        that reports none is not judged by version (nothing is guessed). Only a single section
        missing from its configuration then counts as unsupported, and Kapacitor itself refuses
        an option it lacks when it is written.
    type: str
    choices: [fail, skip]
    default: fail
  test_changed:
    description:
      - After converging, send Kapacitor's test alert through every endpoint that changed.
        A failed test fails the task with Kapacitor's messages. Not sent in check mode.
    type: bool
    default: false
notes:
  - Secrets are never returned, logged or shown in diffs; in RV(config) they appear as V(true)
    when set and V(false) when unset.
  - Durations are Go duration strings (V(10s), V(1m30s)) and are validated before anything is
    sent.
  - O(unsupported) defaults to V(fail) so that a host never ends up with fewer endpoints than its
    variables list without the run failing; V(skip) is the choice for fleets of mixed versions.
    The collection's C(docs/kapacitor-versions.md) lists what each Kapacitor version lacks.
seealso:
  - module: tick.kapacitor.kapacitor_info
    description: Exports a Kapacitor's endpoints in the shape O(endpoints) and O(secrets) take.
  - module: tick.kapacitor.kapacitor_slack
  - module: tick.kapacitor.kapacitor_config
'''

EXAMPLES = r'''
- name: Every alert endpoint of this Kapacitor in one task
  tick.kapacitor.kapacitor_alert_endpoints:
    kapacitor_url: http://kapacitor.example.com:9092
    endpoints:
      slack:
        - workspace: ""
          enabled: true
          url: "{{ vault_slack_webhook_url }}"
          channel: "#alerts"
        - workspace: ops
          enabled: true
          url: "{{ vault_ops_webhook_url }}"
          channel: "#ops"
      telegram:
        enabled: true
        token: "{{ vault_telegram_token }}"
        chat_id: "-1001234567"
      smtp:
        enabled: true
        host: smtp.example.com
        port: 587
        from: kapacitor@example.com
        to: [oncall@example.com]
        idle_timeout: 1m
    test_changed: true

- name: A fleet of mixed versions - endpoints a host's Kapacitor is too old for are left out
  tick.kapacitor.kapacitor_alert_endpoints:
    kapacitor_url: http://kapacitor.example.com:9092
    endpoints:
      slack:
        - workspace: app
          url: https://slack.com/api/chat.postMessage
          token: "{{ vault_slack_app_token }}"  # Kapacitor 1.6.0 or later
          channel: "#alerts"
      zenoss:  # Kapacitor 1.6.0 or later
        url: https://zenoss.example.com/zport/dmd/evconsole_router
        collector: kapacitor
    unsupported: skip
  register: converged

- name: Show what was left out, and why
  ansible.builtin.debug:
    var: converged.skipped_endpoints

- name: Exactly these endpoints, nothing else configured through the API
  tick.kapacitor.kapacitor_alert_endpoints:
    kapacitor_url: http://kapacitor.example.com:9092
    endpoints:
      pagerduty2:
        enabled: true
        routing_key: "{{ vault_pagerduty_routing_key }}"
    prune: true
'''

RETURN = r'''
endpoints:
  description:
    - What happened to each endpoint, keyed by C(section) or C(section/element).
  returned: success
  type: dict
  sample:
    slack/ops:
      changed: true
      changed_options: [channel]
      state: present
    telegram:
      changed: false
      changed_options: []
      state: present
config:
  description:
    - Effective options of each listed endpoint after the run (in check mode, as they would
      be), keyed like RV(endpoints). Secrets are V(true) when set and V(false) when unset.
  returned: success
  type: dict
  sample:
    telegram:
      enabled: true
      token: true
      chat_id: "-1001234567"
skipped_endpoints:
  description:
    - The endpoints left out with O(unsupported=skip) because this Kapacitor is too old for them,
      keyed like RV(endpoints), each with the reason. Empty when nothing was left out.
  returned: success
  type: dict
  sample:
    slack/app: token needs Kapacitor 1.6.0 or later; this server is Kapacitor 1.5.9
    zenoss: Kapacitor 1.5.9 has no 'zenoss' section (it first appears in Kapacitor 1.6.0)
test_alerts:
  description: Kapacitor's answer to each test alert, when O(test_changed=true).
  returned: when O(test_changed=true) and not in check mode
  type: dict
  sample:
    slack/ops:
      success: true
      message: ""
# BEGIN GENERATED shared returns (tools/generate.py)
kapacitor_version:
  description: Version of the Kapacitor server, from its C(X-Kapacitor-Version) header.
  returned: when Kapacitor answered
  type: str
  sample: 1.8.3
# END GENERATED shared returns
'''

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_bulk import BULK_TASK
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_runner import run_as_module


def main():
    run_as_module(BULK_TASK)


if __name__ == '__main__':
    main()
