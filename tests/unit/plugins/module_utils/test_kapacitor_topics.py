# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.tick.kapacitor.plugins.module_utils import kapacitor_topics
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_runner import Context, TaskFailed, run_task
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_topics import TOPIC_TASK, list_topics
from ansible_collections.tick.kapacitor.tests.unit.plugins.module_utils.fake_kapacitor import FakeKapacitor
from ansible_collections.tick.kapacitor.tests.unit.plugins.module_utils.fake_users import add_topic

TOPIC = '/kapacitor/v1/alerts/topics/ops'
EVENTS = {'cpu:host=a': ('CRITICAL', 'cpu is CRITICAL'), 'disk:host=a': ('WARNING', 'disk is WARNING'),
          'mem:host=b': ('OK', 'mem is OK'), 'cpu:host=b': ('CRITICAL', 'cpu b is CRITICAL')}
HANDLER = {'kind': 'log', 'options': {'path': '/tmp/a.log'}, 'match': ''}


@pytest.fixture
def fake(monkeypatch):
    fake = FakeKapacitor(handlers={('ops', 'to-log'): HANDLER, ('ops', 'a-first'): HANDLER,
                                   ('other', 'x'): HANDLER})
    add_topic(fake, 'ops', EVENTS, collected=7)
    monkeypatch.setattr(kapacitor_topics.KapacitorClient, 'from_params', classmethod(lambda cls, params: fake))
    return fake


def run(check_mode=False, diff=True, **args):
    args = dict(args, kapacitor_url='http://kapacitor.test:9092')
    validated = ArgumentSpecValidator(TOPIC_TASK.argument_spec).validate(args)
    assert validated.error_messages == []
    return run_task(TOPIC_TASK, Context(validated.validated_parameters, raw_params=args, check_mode=check_mode,
                                        diff=diff))


def test_present_reads_the_topic_its_events_and_handlers_and_writes_nothing(fake):
    result = run(topic='ops')
    assert result['changed'] is False and result['exists'] is True
    assert result['topic'] == {'id': 'ops', 'level': 'CRITICAL', 'collected': 7}
    # most severe first, then by id
    assert [(e['id'], e['level']) for e in result['events']] == [
        ('cpu:host=a', 'CRITICAL'), ('cpu:host=b', 'CRITICAL'), ('disk:host=a', 'WARNING'), ('mem:host=b', 'OK')]
    assert result['events'][0] == {'id': 'cpu:host=a', 'level': 'CRITICAL', 'message': 'cpu is CRITICAL',
                                   'time': '2024-05-01T10:00:00Z', 'duration': '0s'}
    assert result['handlers'] == ['a-first', 'to-log']
    assert result['kapacitor_version'] == '1.8.3'
    assert fake.writes() == []


@pytest.mark.parametrize('min_level, ids', [
    ('OK', ['cpu:host=a', 'cpu:host=b', 'disk:host=a', 'mem:host=b']),
    ('WARNING', ['cpu:host=a', 'cpu:host=b', 'disk:host=a']),
    ('CRITICAL', ['cpu:host=a', 'cpu:host=b']),
])
def test_min_level_filters_events_as_kapacitor_does(fake, min_level, ids):
    result = run(topic='ops', min_level=min_level)
    assert [e['id'] for e in result['events']] == ids
    assert ('GET', TOPIC + '/events?min-level=' + min_level) in fake.requests


def test_min_level_must_be_a_level():
    validated = ArgumentSpecValidator(TOPIC_TASK.argument_spec).validate({'topic': 'ops', 'min_level': 'warn'})
    assert 'min_level' in ' '.join(validated.error_messages)


def test_missing_topic_is_not_an_error_and_shows_its_stored_handlers(fake):
    result = run(topic='other')
    assert result == {'changed': False, 'exists': False, 'topic': {}, 'events': [], 'handlers': ['x'],
                      'kapacitor_version': '1.8.3'}
    assert fake.writes() == []


def test_absent_deletes_the_topic_and_leaves_its_handlers(fake):
    result = run(topic='ops', state='absent')
    assert result['changed'] is True
    assert fake.writes() == [('DELETE', TOPIC)]
    assert result['diff'] == {'before': {'id': 'ops', 'level': 'CRITICAL', 'collected': 7}, 'after': {}}
    again = run(topic='ops', state='absent')
    assert again['changed'] is False
    assert fake.writes() == [('DELETE', TOPIC)]
    assert run(topic='ops')['handlers'] == ['a-first', 'to-log']


def test_absent_in_check_mode_writes_nothing(fake):
    result = run(topic='ops', state='absent', check_mode=True)
    assert result['changed'] is True
    assert fake.writes() == []
    assert run(topic='ops')['exists'] is True


def test_topic_names_with_colons_are_quoted(fake):
    add_topic(fake, 'team:ops', {'e': ('INFO', 'x')})
    result = run(topic='team:ops')
    assert result['exists'] is True and result['topic']['level'] == 'INFO'
    assert fake.requests[0] == ('GET', '/kapacitor/v1/alerts/topics/team%3Aops')


@pytest.mark.parametrize('topic', ['a b', 'ops/x', 'ops\n', ''])
def test_bad_topic_fails_in_one_line_before_any_request(fake, topic):
    with pytest.raises(TaskFailed) as err:
        run(topic=topic)
    assert err.value.msg.startswith('topic: ') and '\n' not in err.value.msg
    assert fake.requests == []


def test_delete_failure_is_one_line(fake):
    fake.reject(500, 'failed to delete topic "ops": boom', method='DELETE', match='/topics/ops')
    with pytest.raises(TaskFailed) as err:
        run(topic='ops', state='absent')
    assert err.value.msg == ("topic 'ops': Kapacitor failed deleting it (HTTP 500): "
                             'failed to delete topic "ops": boom')


def test_list_topics_with_min_level(fake):
    add_topic(fake, 'quiet', {'e': ('OK', 'fine')})
    assert [t['id'] for t in list_topics(fake)] == ['ops', 'quiet']
    assert list_topics(fake, 'WARNING') == [{'id': 'ops', 'level': 'CRITICAL', 'collected': 7}]
