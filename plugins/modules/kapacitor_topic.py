#!/usr/bin/python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: kapacitor_topic
short_description: Read or delete a Kapacitor alert topic
version_added: 0.2.0
description:
  - Reads one of Kapacitor's alert topics, with its events and handlers, or deletes it,
    through Kapacitor's C(/kapacitor/v1/alerts/topics) API.
  - "This module never creates a topic: Kapacitor makes one when a TICKscript's alert node first
    sends an alert to it (its C(.topic) property) or when a handler is first added to it
    (M(tick.kapacitor.kapacitor_topic_handler)). With O(state=present) it only reads, and a
    topic that does not exist is RV(exists=false), not an error."
author:
  - tick.kapacitor developers (@tick-kapacitor)
extends_documentation_fragment:
  - tick.kapacitor.connection
  - tick.kapacitor.endpoint.attributes
options:
  topic:
    description:
      - The topic's id. Letters of any script, digits C(0-9), C(-), C(:), C(.) and C(_), as
        Kapacitor checks topic ids (C(^[-:._\p{L}0-9]+$)); anything else fails before any
        request.
    type: str
    required: true
  state:
    description:
      - V(present) reads the topic and changes nothing.
      - V(absent) deletes the topic when it exists (see the notes for what goes with it).
    type: str
    choices: [present, absent]
    default: present
  min_level:
    description:
      - With O(state=present), return only the events of this level or a more severe one, as
        Kapacitor's C(min-level) filter does (V(OK) < V(INFO) < V(WARNING) < V(CRITICAL)).
      - Left out, every event is returned.
    type: str
    choices: [OK, INFO, WARNING, CRITICAL]
notes:
  - "Deleting a topic removes its events, its level and its count of collected alerts, from
    memory and from Kapacitor's store. It does not delete the topic's handlers: they stay
    stored and listed (RV(handlers)), but Kapacitor detaches them, so when the next alert
    re-creates the topic they get nothing from it until Kapacitor restarts or the handler is
    written again (M(tick.kapacitor.kapacitor_topic_handler) with other settings, or deleted and
    created again). Delete the handlers first if they should go too."
  - An alert that keeps firing re-creates a deleted topic right away.
seealso:
  - module: tick.kapacitor.kapacitor_topic_handler
  - module: tick.kapacitor.kapacitor_info
  - name: Kapacitor topic API
    description: The HTTP API this module uses.
    link: https://docs.influxdata.com/kapacitor/v1/working/api/#manage-alerts
'''

EXAMPLES = r'''
- name: Read the ops topic's warning and critical events
  tick.kapacitor.kapacitor_topic:
    kapacitor_url: http://kapacitor.example.com:9092
    topic: ops
    min_level: WARNING
  register: ops

- name: Show what is firing
  ansible.builtin.debug:
    msg: "{{ item.id }} is {{ item.level }}: {{ item.message }}"
  loop: "{{ ops.events }}"

- name: Delete a topic no longer used, with its events
  tick.kapacitor.kapacitor_topic:
    kapacitor_url: http://kapacitor.example.com:9092
    topic: old-team
    state: absent
'''

RETURN = r'''
exists:
  description: Whether the topic exists (with O(state=present)).
  returned: with O(state=present)
  type: bool
  sample: true
topic:
  description: The topic; empty when it does not exist, and after O(state=absent).
  returned: success
  type: dict
  contains:
    id:
      description: The topic's id.
      type: str
      returned: when the topic exists
    level:
      description: The level of its most severe event (V(OK) without events).
      type: str
      returned: when the topic exists
    collected:
      description: How many alerts the topic collected since Kapacitor started or the topic was made.
      type: int
      returned: when the topic exists
  sample:
    id: ops
    level: CRITICAL
    collected: 12
events:
  description:
    - The topic's events (one per alert id) of at least O(min_level), most severe first, then by
      id; empty when the topic does not exist.
  returned: with O(state=present)
  type: list
  elements: dict
  contains:
    id:
      description: The alert's id.
      type: str
    level:
      description: Its level.
      type: str
    message:
      description: Its message.
      type: str
    time:
      description: When it was last raised (RFC 3339).
      type: str
    duration:
      description: How long it has been at a level other than OK, as a Go duration.
      type: str
  sample:
    - id: "cpu:host=web1"
      level: CRITICAL
      message: "cpu:host=web1 is CRITICAL"
      time: "2024-05-01T10:00:00Z"
      duration: 5m0s
handlers:
  description:
    - Ids of the handlers Kapacitor holds for the topic, sorted. A deleted topic's handlers are
      still listed (see the notes).
  returned: with O(state=present)
  type: list
  elements: str
  sample: [page-oncall, slack]
# BEGIN GENERATED shared returns (tools/generate.py)
kapacitor_version:
  description: Version of the Kapacitor server, from its C(X-Kapacitor-Version) header.
  returned: when Kapacitor answered
  type: str
  sample: 1.8.3
# END GENERATED shared returns
'''

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_runner import run_as_module
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_topics import TOPIC_TASK


def main():
    run_as_module(TOPIC_TASK)


if __name__ == '__main__':
    main()
