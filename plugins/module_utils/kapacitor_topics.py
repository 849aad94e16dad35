# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Kapacitor's alert topics (``/kapacitor/v1/alerts/topics``): read one with its events and
handlers, or delete it.

A topic cannot be created: Kapacitor makes one when an alert or a handler first names it
(alert/topics.go Collect, RegisterHandler). Deleting it is kapacitor_resources' lifecycle;
reading it writes nothing.

What a delete removes (services/alert/service.go DeleteTopic, alert/topics.go DeleteTopic): the
topic's events, its level and its count of collected alerts, in memory and in Kapacitor's store,
and the handlers attached to it in memory. The handlers' specs stay stored and listed, but are no
longer attached: the next alert makes a new, empty topic without them, so they get nothing until
Kapacitor restarts or the handler is written again.
"""

from urllib.parse import urlencode

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_client import (
    API_PREFIX, CONNECTION_ARGUMENT_SPEC, KapacitorClient, KapacitorError)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_resources import STATE_OPTION, Resource, ResourceRun
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_runner import TaskSpec
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_topic_handlers import (
    list_handlers, topic_path, validate_ids)

TOPICS_PATH = API_PREFIX + '/alerts/topics'
# Kapacitor's alert levels, least severe first (alert/types.go).
LEVELS = ('OK', 'INFO', 'WARNING', 'CRITICAL')


def _query(min_level):
    return '?' + urlencode({'min-level': min_level}) if min_level else ''


def public_topic(topic):
    """A topic as results show it: id, level (of its most severe event) and how many alerts it
    collected."""
    if topic is None:
        return {}
    return {'id': topic.get('id'), 'level': topic.get('level'), 'collected': topic.get('collected')}


def public_event(event):
    state = event.get('state') if isinstance(event.get('state'), dict) else {}
    return {'id': event.get('id'), 'level': state.get('level'), 'message': state.get('message'),
            'time': state.get('time'), 'duration': state.get('duration')}


def list_topics(client, min_level=None):
    """Every topic (``public_topic`` each), sorted by id; with ``min_level`` only those whose
    level is at least that."""
    answer = client.get(TOPICS_PATH + _query(min_level), expect={'topics': (list, type(None))})
    return [public_topic(topic) for topic in answer['topics'] or [] if isinstance(topic, dict)]


def list_events(client, topic, min_level=None):
    """The topic's events (``public_event`` each), most severe first, then by id; ``[]`` when the
    topic does not exist."""
    try:
        answer = client.get(topic_path(topic) + '/events' + _query(min_level),
                            expect={'events': (list, type(None))})
    except KapacitorError as exc:
        # services/alert/service.go EventStates: a missing topic is an error (HTTP 500).
        if 'unknown topic' in (exc.kapacitor_message or ''):
            return []
        raise
    events = [public_event(event) for event in answer['events'] or [] if isinstance(event, dict)]
    severity = dict((level, index) for index, level in enumerate(LEVELS))
    return sorted(events, key=lambda event: (-severity.get(event['level'], -1), event['id'] or ''))


class Topic(Resource):
    """One alert topic; only state=absent goes through the lifecycle (a delete)."""

    noun = 'topic'
    shape = {'id': str, 'level': str, 'collected': int}
    creatable = False

    def __init__(self, client, params):
        super(Topic, self).__init__(client, params)
        self.topic = params.get('topic')

    def describe(self):
        return 'topic %r' % (self.topic,)

    def path(self):
        return topic_path(self.topic)

    def collection_path(self):
        return TOPICS_PATH

    def validate(self):
        validate_ids(self.topic)

    def missing(self, exc):
        return exc.status == 404 and (exc.kapacitor_message or '').startswith('unknown topic')

    def desired(self):
        return None

    def comparable(self, obj):
        return public_topic(obj)

    def public(self, obj):
        return public_topic(obj)


def read_topic(topic, min_level=None):
    """The result of state=present: whether the topic exists, the topic, its events and the ids
    of its handlers. Writes nothing."""
    topic.validate()
    current = ResourceRun(topic).read()
    handlers = list_handlers(topic.client, topic.topic)
    return {
        'changed': False,
        'exists': current is not None,
        'topic': public_topic(current),
        'events': list_events(topic.client, topic.topic, min_level) if current is not None else [],
        'handlers': [handler['id'] for handler in handlers],
    }


def _run(ctx):
    topic = Topic(KapacitorClient.from_params(ctx.params), ctx.params)
    if topic.state == 'absent':
        result = ResourceRun(topic, check_mode=ctx.check_mode).run()
    else:
        result = read_topic(topic, ctx.params.get('min_level'))
    result['kapacitor_version'] = topic.client.version
    return result


TOPIC_TASK = TaskSpec(
    dict(CONNECTION_ARGUMENT_SPEC,
         topic=dict(type='str', required=True),
         state=STATE_OPTION,
         min_level=dict(type='str', choices=list(LEVELS))),
    _run)
