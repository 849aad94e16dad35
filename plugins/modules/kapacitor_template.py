#!/usr/bin/python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: kapacitor_template
short_description: Manage a Kapacitor TICKscript template
version_added: 0.2.0
description:
  - Creates, updates or deletes one TICKscript template through Kapacitor's
    C(/kapacitor/v1/templates) API. Tasks made from it (M(tick.kapacitor.kapacitor_task) with
    O(tick.kapacitor.kapacitor_task#module:template_id)) give values to the vars it declares.
  - When the template changes, Kapacitor moves every task made from it to the new script and
    restarts the enabled ones; RV(reloaded_tasks) lists those.
author:
  - tick.kapacitor developers (@tick-kapacitor)
extends_documentation_fragment:
  - tick.kapacitor.connection
  - tick.kapacitor.endpoint.attributes
options:
  id:
    description:
      - The template's id. Letters of any script, digits C(0-9), C(-), C(.) and C(_), as
        Kapacitor checks it (C(^[-._\p{L}0-9]+$)); anything else fails before any request.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the template.
      - V(absent) deletes it when it exists. Kapacitor would delete a template that tasks are
        made from and leave them without it, so the module fails naming them, before anything
        is written, unless O(force=true).
    type: str
    choices: [present, absent]
    default: present
  script:
    description:
      - The TICKscript, inline (use C(lookup('file', ...)) for a file); required with
        O(state=present). Its C(var) declarations are the vars tasks can set; a var declared
        with a value has that as default.
      - Compared as Kapacitor stores it after turning CRLF line ends into LF, removing trailing
        whitespace from every line and blank lines at the start and the end; any other
        difference is a change.
      - A script Kapacitor cannot compile fails in one line with Kapacitor's message and its
        line and character; the template is left as it was.
    type: str
  type:
    description:
      - V(stream) or V(batch). Kapacitor derives the type of a new template from its script;
        when the script says otherwise, the module fails before anything is written.
      - Left out, the module sends the type the script shows, because Kapacitor keeps a
        template's old type on an update unless it is sent a new one.
    type: str
    choices: [stream, batch]
  force:
    description:
      - With O(state=absent), delete the template even when tasks are made from it; they keep
        running their current script, but can no longer be updated from a template.
    type: bool
    default: false
notes:
  - When Kapacitor cannot restart a task on the template's new script, it puts the task back on
    the old one and keeps the new template; the module then fails naming the task and its error.
  - In check mode RV(template.vars) are those of the current template.
seealso:
  - module: tick.kapacitor.kapacitor_task
  - module: tick.kapacitor.kapacitor_info
  - name: Kapacitor template API
    description: The HTTP API this module uses.
    link: https://docs.influxdata.com/kapacitor/v1/working/api/#manage-templates
'''

EXAMPLES = r'''
- name: A threshold template
  tick.kapacitor.kapacitor_template:
    kapacitor_url: http://kapacitor.example.com:9092
    id: threshold
    script: |
      // Measurement to watch
      var measurement string
      // Field to average
      var field = 'usage_user'
      var crit = 90.0
      var period = 1m

      stream
          |from()
              .measurement(measurement)
          |window().period(period).every(period)
          |mean(field)
          |alert()
              .crit(lambda: "mean" > crit)
              .topic('ops')

- name: A task made from it
  tick.kapacitor.kapacitor_task:
    kapacitor_url: http://kapacitor.example.com:9092
    id: cpu_threshold
    template_id: threshold
    dbrps: [telegraf.autogen]
    vars:
      measurement: cpu
      crit: 95.0

- name: Remove the task, then the template
  tick.kapacitor.kapacitor_task:
    kapacitor_url: http://kapacitor.example.com:9092
    id: cpu_threshold
    state: absent

- name: Remove the template
  tick.kapacitor.kapacitor_template:
    kapacitor_url: http://kapacitor.example.com:9092
    id: threshold
    state: absent
'''

RETURN = r'''
template:
  description: The template after the run (in check mode, as it would be); empty after O(state=absent).
  returned: success
  type: dict
  contains:
    id:
      description: The template's id.
      type: str
    type:
      description: V(stream) or V(batch).
      type: str
    script:
      description: The script as stored.
      type: str
    vars:
      description:
        - The vars the script declares, as Kapacitor reports them, in the form
          O(tick.kapacitor.kapacitor_task#module:vars) takes, with their defaults as value
          (durations as V(5m)) and the comment above the declaration as description.
      type: dict
  sample:
    id: threshold
    type: stream
    script: "var crit = 90.0\n\nstream\n    |from()\n    |alert().crit(lambda: \"usage_user\" > crit)\n"
    vars: {crit: {type: float, value: 90}}
tasks:
  description: Ids of the tasks made from the template, sorted (before a deletion, those it had).
  returned: success
  type: list
  elements: str
  sample: [cpu_threshold]
reloaded_tasks:
  description:
    - Ids of the enabled tasks Kapacitor restarted on the changed template (in check mode, that
      it would restart); empty when the template did not change.
  returned: with O(state=present)
  type: list
  elements: str
  sample: [cpu_threshold]
# BEGIN GENERATED shared returns (tools/generate.py)
kapacitor_version:
  description: Version of the Kapacitor server, from its C(X-Kapacitor-Version) header.
  returned: when Kapacitor answered
  type: str
  sample: 1.8.3
# END GENERATED shared returns
'''

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_runner import run_as_module
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_tickscript import TEMPLATE_TASK


def main():
    run_as_module(TEMPLATE_TASK)


if __name__ == '__main__':
    main()
