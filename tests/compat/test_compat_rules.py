# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The alert-rule modules on every older Kapacitor, in one playbook per step over the fleet.

  kapacitor_template  a stream template: check mode writes nothing, apply, re-run ok
  kapacitor_task      a task from the template and one with its own script: check mode writes
                      nothing, apply (enabled and executing), re-run ok with one GET each; a
                      point written to Kapacitor makes the inline task raise a real alert
  kapacitor_topic     reads the topic that alert went to, with its event; absent deletes it
  kapacitor_user      these servers run without [auth]: one line saying the user API is off,
                      and nothing written
  kapacitor_flux_task 1.5 has no Flux tasks: one line naming 1.6.0; 1.6 and 1.7 run here without
                      [fluxtask]: one line saying the API is off; nothing written
  everything absent, and absent again reports ok
"""

import time
import urllib.request

import pytest

from conftest import OLDER, http_json, methods, outcome, run_steps

RUNS = {}
TOPIC = 'compat-rules'
TEMPLATE_SCRIPT = '''var crit = 80.0
stream
    |from()
        .measurement('compat_cpu')
    |alert()
        .id('compat-template')
        .crit(lambda: "usage" > crit)
'''
INLINE_SCRIPT = '''stream
    |from()
        .measurement('compat_cpu')
    |alert()
        .id('compat-inline')
        .message('compat inline alert')
        .crit(lambda: "usage" > 90.0)
        .topic('%s')
''' % TOPIC


def rule_tasks(state='present'):
    def make(server):
        connection = {'kapacitor_url': server.proxy}
        template = dict(connection, id='compat-template', state=state)
        from_template = dict(connection, id='compat-from-template', state=state)
        inline = dict(connection, id='compat-inline', state=state)
        if state == 'present':
            template['script'] = TEMPLATE_SCRIPT
            from_template.update(template_id='compat-template', dbrps=['compat.autogen'],
                                 vars={'crit': 85.0})
            inline.update(script=INLINE_SCRIPT, dbrps=['compat.autogen'])
        tasks = [{'name': 'template', 'tick.kapacitor.kapacitor_template': template, 'ignore_errors': True},
                 {'name': 'from-template', 'tick.kapacitor.kapacitor_task': from_template, 'ignore_errors': True},
                 {'name': 'inline', 'tick.kapacitor.kapacitor_task': inline, 'ignore_errors': True}]
        if state == 'absent':
            tasks.reverse()  # tasks before the template they use
            tasks.append({'name': 'topic', 'ignore_errors': True, 'tick.kapacitor.kapacitor_topic': dict(
                connection, topic=TOPIC, state='absent')})
        return tasks
    return make


def topic_tasks(server):
    return [{'name': 'topic', 'ignore_errors': True, 'tick.kapacitor.kapacitor_topic': {
        'kapacitor_url': server.proxy, 'topic': TOPIC}}]


def user_tasks(server):
    return [{'name': 'user', 'ignore_errors': True, 'tick.kapacitor.kapacitor_user': {
        'kapacitor_url': server.proxy, 'name': 'compat', 'password': 'CANARY-compat-user-pw',
        'permissions': ['api']}}]


def write_point(servers):
    """A point over the inline task's threshold, on every version; waits for its alert."""
    for version in OLDER:
        api = servers[version].url + '/kapacitor/v1'
        request = urllib.request.Request(api + '/write?db=compat&rp=autogen', data=b'compat_cpu usage=95',
                                         method='POST')
        with urllib.request.urlopen(request, timeout=15):
            pass
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                events = http_json(api + '/alerts/topics/%s/events' % TOPIC)['events']
            except OSError:
                events = []
            if events:
                break
            time.sleep(0.3)


def flux_tasks(server):
    return [{'name': 'flux', 'ignore_errors': True, 'tick.kapacitor.kapacitor_flux_task': {
        'kapacitor_url': server.proxy, 'name': 'compat', 'every': '1m',
        'script': 'import "array"\narray.from(rows: [{x: 1}])'}}]


@pytest.fixture
def rules_run(version, servers, ansible):
    if 'rules' not in RUNS:
        RUNS['rules'] = run_steps(ansible, servers, OLDER, [
            ('reset', rule_tasks('absent'), []),
            ('check', rule_tasks(), ['--check', '--diff']),
            ('apply', rule_tasks(), []),
            ('rerun', rule_tasks(), []),
            lambda: write_point(servers),
            ('topic', topic_tasks, []),
            ('user', user_tasks, ['-vvv']),
            ('flux', flux_tasks, []),
            ('absent', rule_tasks('absent'), []),
            ('absent-again', rule_tasks('absent'), []),
        ], 'rules')
    return RUNS['rules'][version]


def api_get(server, path):
    return http_json(server.api + path)


@pytest.mark.parametrize('version', OLDER)
def test_check_mode_writes_nothing(rules_run, version):
    for name in ('template', 'from-template', 'inline'):
        assert outcome(rules_run, 'check', name)['changed'] is True
    assert set(methods(rules_run['check']['recorded'])) == {'GET'}


@pytest.mark.parametrize('version', OLDER)
def test_apply_defines_enabled_executing_tasks(rules_run, version):
    template = outcome(rules_run, 'apply', 'template')
    assert template['changed'] is True and template['kapacitor_version'] == version
    for name in ('from-template', 'inline'):
        task = outcome(rules_run, 'apply', name)
        assert task['changed'] is True
        assert task['task']['status'] == 'enabled'
        assert task['task']['executing'] is True, task['task']
        assert task['task']['dbrps'] == [{'db': 'compat', 'rp': 'autogen'}]
    from_template = outcome(rules_run, 'apply', 'from-template')['task']
    assert from_template['template_id'] == 'compat-template'
    assert from_template['vars']['crit']['value'] == 85.0


@pytest.mark.parametrize('version', OLDER)
def test_rerun_is_ok_and_only_reads(rules_run, version):
    for name in ('template', 'from-template', 'inline'):
        assert outcome(rules_run, 'rerun', name)['changed'] is False
    recorded = rules_run['rerun']['recorded']
    assert set(methods(recorded)) == {'GET'}
    # The template: itself and the tasks made from it; the task from it: itself and the template;
    # the inline task: itself. Kapacitor 1.5 cannot list template ids (HTTP 400 'unsupported
    # field'): it lists the ids, then reads the two tasks one by one.
    expected = 5 + (3 if version.startswith('1.5.') else 0)
    assert len(recorded) == expected, [r['path'] for r in recorded]


@pytest.mark.parametrize('version', OLDER)
def test_the_alert_reaches_the_topic_the_module_reads(rules_run, version):
    found = outcome(rules_run, 'topic', 'topic')
    assert found['changed'] is False
    assert found['exists'] is True
    assert [e['id'] for e in found['events']] == ['compat-inline']
    assert found['events'][0]['level'] == 'CRITICAL'
    assert found['events'][0]['message'] == 'compat inline alert'


@pytest.mark.parametrize('version', OLDER)
def test_users_need_the_auth_service(rules_run, version):
    failed = outcome(rules_run, 'user', 'user', failed=True)
    assert failed['msg'] == "Kapacitor's user API is off on this server: set [auth] enabled = true in kapacitor.conf"
    assert set(methods(rules_run['user']['recorded'])) == {'GET'}
    assert 'CANARY' not in rules_run['user']['output']


@pytest.mark.parametrize('version', OLDER)
def test_absent_removes_everything_and_again_is_ok(rules_run, servers, version):
    for name in ('template', 'from-template', 'inline', 'topic'):
        assert outcome(rules_run, 'absent', name)['changed'] is True, name
        assert outcome(rules_run, 'absent-again', name)['changed'] is False, name
    assert set(methods(rules_run['absent-again']['recorded'])) == {'GET'}
    server = servers[version]
    assert [t['id'] for t in api_get(server, '/tasks')['tasks'] if t['id'].startswith('compat-')] == []
    assert [t['id'] for t in api_get(server, '/templates')['templates'] if t['id'].startswith('compat-')] == []
    assert TOPIC not in [t['id'] for t in api_get(server, '/alerts/topics')['topics']]


@pytest.mark.parametrize('version', OLDER)
def test_flux_tasks_need_1_6_and_the_service(rules_run, version):
    failed = outcome(rules_run, 'flux', 'flux', failed=True)
    if version.startswith('1.5.'):
        assert failed['msg'] == 'Flux tasks need Kapacitor 1.6.0 or later; this server is Kapacitor %s' % version
    else:
        assert failed['msg'] == ("Kapacitor's Flux task API is off on this server: set [fluxtask] enabled = "
                                 "true in kapacitor.conf")
    assert set(methods(rules_run['flux']['recorded'])) == {'GET'}
