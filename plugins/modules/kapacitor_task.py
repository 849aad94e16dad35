#!/usr/bin/python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: kapacitor_task
short_description: Manage a Kapacitor TICKscript task
version_added: 0.2.0
description:
  - Creates, updates, enables, disables or deletes one TICKscript task through Kapacitor's
    C(/kapacitor/v1/tasks) API, from a script (O(script)) or from a template
    (O(template_id), see M(tick.kapacitor.kapacitor_template)).
  - The task is compared with what Kapacitor holds (its script as stored, its template, vars,
    database and retention policy pairs and status) and written only when it differs; a second
    run with the same parameters reports no change.
  - When the definition of an B(enabled) task changes, the module disables and enables it
    again after the update, as Kapacitor's own C(kapacitor define) does, so that the new
    definition runs; Kapacitor's update API alone leaves the old one running.
author:
  - tick.kapacitor developers (@tick-kapacitor)
extends_documentation_fragment:
  - tick.kapacitor.connection
  - tick.kapacitor.endpoint.attributes
options:
  id:
    description:
      - The task's id. Letters of any script, digits C(0-9), C(-), C(.) and C(_), as Kapacitor
        checks it (C(^[-._\p{L}0-9]+$)); anything else fails before any request.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the task; V(absent) deletes it when it exists.
    type: str
    choices: [present, absent]
    default: present
  script:
    description:
      - The TICKscript, inline; use C(lookup('file', ...)) or C(lookup('template', ...)) for a
        file.
      - Kapacitor stores the script as sent and shows it reformatted; the module reads it as
        stored and compares it after turning CRLF line ends into LF, removing trailing
        whitespace from every line and blank lines at the start and the end. Any other
        difference (indentation, a comment, a blank line between statements) is a change.
      - Required to create a task unless O(template_id) is given; mutually exclusive with
        O(template_id). Giving a script for a task made from a template deletes the task and
        creates it again from the script (Kapacitor cannot take a task off its template).
      - Left out together with O(template_id), the task must exist and only O(status),
        O(dbrps) and O(vars) (when given) are managed.
      - "A script Kapacitor cannot compile fails in one line, C(script: Kapacitor cannot compile
        it: ...) with Kapacitor's message and its line and character, and the task is left as
        it was."
    type: str
  template_id:
    description:
      - Make the task from this template; Kapacitor copies the template's script and type and
        re-points the task whenever the template changes.
      - The template must exist (checked before anything is written).
      - Mutually exclusive with O(script).
    type: str
  type:
    description:
      - >-
        V(stream) or V(batch). Kapacitor derives the type from the script (whether its
        pipelines start from C(stream) or from C(batch)) and ignores the one it is sent, so
        this is a check: when the script or the template says otherwise, the task fails in one
        line before anything is written; for a script the module cannot read, after Kapacitor
        answered (the task is then written with Kapacitor's type).
      - Left out, Kapacitor's type is taken.
    type: str
    choices: [stream, batch]
  dbrps:
    description:
      - >-
        The database and retention policy pairs the task reads, each
        V(database.retention_policy) (split at the first dot; either part may be in double
        quotes, as in Kapacitor's CLI: V("my.db".autogen)) or a mapping with C(db) and C(rp)
        (for names with dots or quotes).
      - Compared as a set. Left out, the task's pairs are not compared (for example when the
        script declares them with C(dbrp "db"."rp"), which Kapacitor then takes; giving both
        fails).
      - Kapacitor needs at least one pair, from here or from the script.
    type: list
    elements: raw
  vars:
    description:
      - Values for the vars the script or template declares, by name.
      - >-
        A plain value is sent with the type it has in YAML (V(true) a C(bool), V(80) an
        C(int), V(80.0) a C(float), text a C(string), a list of strings a C(list)). For another
        type or a description, give a mapping C({type, value, description}) with type one of
        V(string), V(int), V(float), V(bool), V(duration) (V(5m), V(1h30m), V(500ms), or
        nanoseconds), V(regex), V(lambda) (the expression without C(lambda:)), V(star) (no
        value) or V(list) (items: strings, or mappings of type V(string), V(regex),
        V(lambda), V(bool) or V(star); Kapacitor cannot take numbers in a list).
      - "Checked before any request; a value Kapacitor refuses for the type the script
        declares fails as C(vars.<name>: ...)."
      - Compared by type and value (V(80) and V(80.0) are equal for a float, V(90s) and
        V(1m30s) for a duration); a description only when given.
      - Left out with O(script) or O(template_id), the task has no vars. Removing every var
        deletes the task and creates it again (Kapacitor's update cannot clear vars), keeping
        its status.
    type: dict
  status:
    description:
      - V(enabled) runs the task, V(disabled) stops it.
      - The default, V(enabled), differs from Kapacitor's own, which creates tasks disabled.
    type: str
    choices: [enabled, disabled]
    default: enabled
notes:
  - A batch task queries InfluxDB. Kapacitor defines and enables a batch task without a
    reachable InfluxDB, then usually stops it once its first query fails; RV(task.executing)
    becomes V(false) and RV(task.error) says why. A race in Kapacitor (1.5 to 1.8) sometimes
    leaves such a task V(true) in RV(task.executing) for good, with an empty RV(task.error)
    and nothing queried, so configure InfluxDB before relying on a batch task.
  - >-
    Errors are one line naming the option, for example C(dbrps[0]: 'telegraf' is not
    "database.retention_policy" ...), C(template_id: Kapacitor has no template 'x') or
    C(vars.crit: Kapacitor refuses it ...: invalid type supplied for crit, got string exp float).
seealso:
  - module: tick.kapacitor.kapacitor_template
  - module: tick.kapacitor.kapacitor_topic_handler
  - module: tick.kapacitor.kapacitor_info
  - name: Kapacitor task API
    description: The HTTP API this module uses.
    link: https://docs.influxdata.com/kapacitor/v1/working/api/#manage-tasks
'''

EXAMPLES = r'''
- name: A CPU alert, published to the ops topic
  tick.kapacitor.kapacitor_task:
    kapacitor_url: http://kapacitor.example.com:9092
    id: cpu_alert
    dbrps: [telegraf.autogen]
    vars:
      crit: 90.0
      period: {type: duration, value: 5m, description: Averaging window}
    script: |
      var crit = 80.0
      var period = 1m

      stream
          |from()
              .measurement('cpu')
          |window().period(period).every(period)
          |mean('usage_user')
          |alert()
              .crit(lambda: "mean" > crit)
              .topic('ops')

- name: Stop it for maintenance
  tick.kapacitor.kapacitor_task:
    kapacitor_url: http://kapacitor.example.com:9092
    id: cpu_alert
    status: disabled

- name: Remove it
  tick.kapacitor.kapacitor_task:
    kapacitor_url: http://kapacitor.example.com:9092
    id: cpu_alert
    state: absent
'''

RETURN = r'''
task:
  description:
    - The task as Kapacitor holds it after the run (in check mode, as it would be); empty
      after O(state=absent).
    - Its C(id), C(template_id) or C(script), C(type), C(dbrps), C(vars) and C(status) fed
      back to the module report no change.
  returned: success
  type: dict
  contains:
    id:
      description: The task's id.
      type: str
    template_id:
      description: The template the task is made from; V(null) for a task made from a script.
      type: str
    type:
      description: V(stream) or V(batch), as Kapacitor derived it.
      type: str
    dbrps:
      description: Its database and retention policy pairs, sorted.
      type: list
      elements: dict
    script:
      description: The script as stored (for a templated task, the template's).
      type: str
    vars:
      description: Its vars in the form O(vars) takes (durations as V(5m)), a description only when set.
      type: dict
    status:
      description: V(enabled) or V(disabled).
      type: str
    executing:
      description: Whether Kapacitor runs it now (V(null) in check mode).
      type: bool
    error:
      description: The last error of the task, or why Kapacitor cannot run it; empty when none.
      type: str
  sample:
    id: cpu_alert
    template_id: null
    type: stream
    dbrps: [{db: telegraf, rp: autogen}]
    script: "stream\n    |from()\n        .measurement('cpu')\n    |alert().crit(lambda: \"usage_user\" > 90)\n"
    vars: {crit: {type: float, value: 90}}
    status: enabled
    executing: true
    error: ""
# BEGIN GENERATED shared returns (tools/generate.py)
kapacitor_version:
  description: Version of the Kapacitor server, from its C(X-Kapacitor-Version) header.
  returned: when Kapacitor answered
  type: str
  sample: 1.8.3
# END GENERATED shared returns
'''

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_runner import run_as_module
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_tickscript import TASK_TASK


def main():
    run_as_module(TASK_TASK)


if __name__ == '__main__':
    main()
