#!/usr/bin/python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: kapacitor_flux_task
short_description: Manage a Kapacitor Flux task
version_added: 0.2.0
description:
  - Creates, updates or deletes one Flux task through Kapacitor's C(/kapacitor/v1/api/v2/tasks)
    API (Kapacitor 1.6.0 and later), with its script, schedule, status and description.
  - "Kapacitor has this API only when C(kapacitor.conf) says C([fluxtask] enabled = true).
    Without it the module fails with C(Kapacitor's Flux task API is off on this server: set
    [fluxtask] enabled = true in kapacitor.conf). On a Kapacitor older than 1.6.0 it fails
    naming the server's version."
  - The task is known by O(name). Kapacitor does not keep names unique, nor in its URLs (each
    task has an id Kapacitor makes up), so the module looks the task up by name
    (C(GET /kapacitor/v1/api/v2/tasks?name=<name>), an exact match). When Kapacitor holds two
    or more tasks of that name the module fails naming their ids, before anything is written,
    since it cannot tell which one is meant.
  - Kapacitor reads a task's name, schedule and offset only from the C(option task = {...})
    statement of its Flux text. The module writes that statement itself, from O(name),
    O(every) or O(cron), and O(offset), and puts it after the imports of O(script) (Flux wants
    imports first). It sends Kapacitor the whole text, the O(status) and the O(description),
    and compares what Kapacitor holds with them, so a second run with the same parameters
    reports no change.
author:
  - tick.kapacitor developers (@tick-kapacitor)
extends_documentation_fragment:
  - tick.kapacitor.connection
  - tick.kapacitor.endpoint.attributes
options:
  name:
    description:
      - The task's name, by which the module finds it. Any text but the empty string; it is
        written into the Flux text as a string literal, with the escapes Flux needs.
    type: str
    required: true
  state:
    description:
      - V(present) creates the task or makes it what the other options say.
      - V(absent) deletes the task.
    type: str
    choices: [present, absent]
    default: present
  script:
    description:
      - The task's Flux script, B(without) the C(option task = {...}) statement (a script that
        has one fails before any request; give the schedule with O(every) or O(cron) and
        O(offset) instead). Required with O(state=present).
      - The script may refer to C(task.every), C(task.name) and the other task options, as in
        the EXAMPLES.
      - Compared as Kapacitor holds it, ignoring line endings (CRLF or LF), trailing spaces and
        blank lines at the start and end; the script is sent so normalised.
      - "Kapacitor only parses the script when it is written. A script that does not parse fails
        the task with Kapacitor's message, one line, pointing at the script's own line, for
        example C(script: Kapacitor cannot compile it: line 3 char 1: expected RPAREN, got EOF),
        and nothing is changed. Other mistakes (an unknown function, a missing bucket) show only
        when the task runs, in RV(flux_task.last_run_status) and RV(flux_task.last_run_error)."
    type: str
  every:
    description:
      - How often the task runs, as a Flux duration such as V(1m), V(1h30m) or V(1d), that is whole
        numbers with the units C(y), C(mo), C(w), C(d), C(h), C(m), C(s), C(ms), C(us) or
        C(ns), no sign and no fraction. At least a second, in whole seconds, as Kapacitor
        requires; anything else fails before any request.
      - Exactly one of O(every) and O(cron) is required with O(state=present).
    type: str
  cron:
    description:
      - When the task runs, as a cron expression with five fields (or six, the first being
        seconds), such as V(*/5 * * * *), in UTC.
      - "Kapacitor checks it when the task is written; one it cannot parse fails the task with
        C(cron: Kapacitor refuses ...), and nothing is changed."
    type: str
  offset:
    description:
      - How long each run waits after its scheduled time, for example V(30s) or V(1m), in whole
        numbers with the units C(h), C(m), C(s), C(ms), C(us) or C(ns), optionally negative, in
        whole seconds. Kapacitor also reads it as a Go duration, so the Flux units C(d) and
        C(w) are refused here.
      - Kapacitor shows it normalised (V(90s) as V(1m30s)) in RV(flux_task.offset).
    type: str
  status:
    description:
      - V(active) tasks run on their schedule; V(inactive) tasks are kept but do not run.
    type: str
    choices: [active, inactive]
    default: active
  description:
    description:
      - A description of the task. Left out, the task keeps the one it has (a new task gets
        none); the empty string removes it.
    type: str
notes:
  - Every write sends the whole text, O(status) and (when given) O(description), never
    Kapacitor's separate C(name), C(every), C(cron) and C(offset) fields, which would make
    Kapacitor rewrite the text.
  - A task written by another client is the same task when its text, status and description
    are what the module would write. A text that differs only in the layout of its
    C(option task) statement counts as a change, and is rewritten in the module's layout.
  - Runs execute inside Kapacitor. Where they read from and write to is up to the script
    (C(from()) reads Kapacitor's configured InfluxDB; C(http.post()) posts anywhere).
    Kapacitor keeps the history of runs only when C([fluxtask] task-run-influxdb) names an
    InfluxDB; the task itself shows how its last run went (RV(flux_task.last_run_status)) either
    way.
  - The script is returned, and shown in diffs, as Kapacitor holds it. Set C(no_log=true) on a
    task whose script holds a secret (a token in an C(http.post()) header, say).
  - After a write the module reads the task back by name. When another client changed it in
    between, it is written once more; if that does not stick, the task fails. When the answer
    to a write is lost, or Kapacitor fails with HTTP 500 after it may have stored something,
    the module reads the task again before reporting; Kapacitor answers a script it cannot parse
    with HTTP 500 on an update, and the module then reports the parse error and C(changed=false).
seealso:
  - name: Kapacitor Flux tasks
    description: Kapacitor's documentation of Flux tasks and their options.
    link: https://docs.influxdata.com/kapacitor/v1/working/flux/
  - name: Flux task options
    description: What C(option task) holds (name, every, cron, offset).
    link: https://docs.influxdata.com/influxdb/v2/process-data/task-options/
  - module: tick.kapacitor.kapacitor_info
'''

EXAMPLES = r'''
- name: Downsample CPU usage every 5 minutes, a minute after each window closes
  tick.kapacitor.kapacitor_flux_task:
    kapacitor_url: http://kapacitor.example.com:9092
    name: cpu-downsample
    description: 5-minute means of cpu usage_idle
    every: 5m
    offset: 1m
    script: |
      from(bucket: "telegraf/autogen")
        |> range(start: -task.every)
        |> filter(fn: (r) => r._measurement == "cpu" and r._field == "usage_idle")
        |> aggregateWindow(every: 5m, fn: mean)
        |> to(bucket: "telegraf/downsampled")

- name: Post a heartbeat to a monitoring service every weekday at 09:00 UTC, kept paused for now
  tick.kapacitor.kapacitor_flux_task:
    kapacitor_url: http://kapacitor.example.com:9092
    name: heartbeat
    cron: "0 9 * * 1-5"
    status: inactive
    script: |
      import "array"
      import "http"

      array.from(rows: [{sent: true}])
        |> map(fn: (r) => ({r with status: http.post(url: "https://monitoring.example.com/heartbeat", data: bytes(v: "kapacitor"))}))

- name: Remove the tasks again
  tick.kapacitor.kapacitor_flux_task:
    kapacitor_url: http://kapacitor.example.com:9092
    name: "{{ item }}"
    state: absent
  loop: [cpu-downsample, heartbeat]
'''

RETURN = r'''
flux_task:
  description:
    - The task after the run (in check mode, as it would be, with the values as given and
      C(id) null for a new task); empty after O(state=absent).
  returned: success
  type: dict
  contains:
    id:
      description: The id Kapacitor gave the task (16 hexadecimal digits).
      type: str
      returned: with O(state=present)
    name:
      description: The task's name.
      type: str
      returned: with O(state=present)
    script:
      description: The task's Flux text without its C(option task) statement.
      type: str
      returned: with O(state=present)
    every:
      description: How often the task runs, as written.
      type: str
      returned: when the task runs every so often
    cron:
      description: When the task runs, as a cron expression.
      type: str
      returned: when the task runs on a cron schedule
    offset:
      description: The offset as Kapacitor shows it (V(1m30s)), empty when none.
      type: str
      returned: with O(state=present)
    status:
      description: V(active) or V(inactive).
      type: str
      returned: with O(state=present)
    description:
      description: The task's description, empty when none.
      type: str
      returned: with O(state=present)
    last_run_status:
      description:
        - How the last run went (V(success), V(failed), V(canceled)), empty when none is known.
        - Not in diffs, since it changes by itself.
      type: str
      returned: with O(state=present)
    last_run_error:
      description: The error of the last run, empty when none. Not in diffs.
      type: str
      returned: with O(state=present)
  sample:
    id: 0a1b2c3d4e5f6071
    name: cpu-downsample
    script: |-
      from(bucket: "telegraf/autogen")
        |> range(start: -task.every)
    every: 5m
    offset: 1m
    status: active
    description: 5-minute means of cpu usage_idle
    last_run_status: ""
    last_run_error: ""
# BEGIN GENERATED shared returns (tools/generate.py)
kapacitor_version:
  description: Version of the Kapacitor server, from its C(X-Kapacitor-Version) header.
  returned: when Kapacitor answered
  type: str
  sample: 1.8.3
# END GENERATED shared returns
'''

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_flux_tasks import FLUX_TASK_TASK
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_runner import run_as_module


def main():
    run_as_module(FLUX_TASK_TASK)


if __name__ == '__main__':
    main()
