# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The modules that are not one alert section, on every older Kapacitor.

  kapacitor_config           a discovery element (list section) and an SMTP option (single
                             section): check mode writes nothing, apply, re-run ok with one GET,
                             absent reverts
  kapacitor_info             the server's version and exactly the sections it has; the same in
                             check mode; its export goes back through kapacitor_alert_endpoints
                             unchanged (one GET)
  kapacitor_service_test     a test alert that arrives at the receiver, twice; none in check mode
  kapacitor_topic_handler    a post handler: check mode, apply, re-run ok with one GET; a real
                             alert of a stream task reaches the receiver through it; absent
  kapacitor_alert_endpoints  three endpoints: check mode, apply with test alerts that arrive,
                             re-run ok with one GET, absent
"""

import collections
import time
import urllib.request

import pytest

from collection import SECTIONS
from conftest import OLDER, http_json, methods, outcome, run_steps, vt
from test_compat_sections import SECTION_SINCE

RUNS = {}


def run_once(key, make):
    """make() once per session: it runs the step for every older version at once."""
    if key not in RUNS:
        RUNS[key] = make()
    return RUNS[key]


def received(stack_vars, path):
    return http_json(stack_vars['receiver_url'] + '/_recorded?path=' + path)['requests']


def wait_received(stack_vars, path, count=1, timeout=30):
    deadline = time.time() + timeout
    while True:
        found = received(stack_vars, path)
        if len(found) >= count or time.time() > deadline:
            return found
        time.sleep(0.3)


def marker(version):
    """A header value naming the version (not the version itself: header values are secrets,
    and Ansible would mask every occurrence of the version string in the output)."""
    return 'compat-%s' % version.replace('.', '-')


# -- kapacitor_config ------------------------------------------------------------------------

def config_tasks(state='present'):
    def make(server):
        discovery = {'section': 'static-discovery', 'element': 'compat', 'kapacitor_url': server.proxy}
        smtp = {'section': 'smtp', 'kapacitor_url': server.proxy}
        if state == 'absent':
            discovery['state'] = smtp['state'] = 'absent'
        else:
            discovery['options'] = {'enabled': True, 'targets': ['127.0.0.1:9100']}
            smtp['options'] = {'idle-timeout': '1m'}
        return [{'name': 'discovery', 'tick.kapacitor.kapacitor_config': discovery, 'ignore_errors': True},
                {'name': 'smtp', 'tick.kapacitor.kapacitor_config': smtp, 'ignore_errors': True}]
    return make


@pytest.fixture
def config_run(version, servers, ansible):
    return run_once('config', lambda: run_steps(ansible, servers, OLDER, [
        ('reset', config_tasks('absent'), []),
        ('check', config_tasks(), ['--check', '--diff']),
        ('apply', config_tasks(), []),
        ('rerun', config_tasks(), []),
        ('absent', config_tasks('absent'), []),
    ], 'config'))[version]


@pytest.mark.parametrize('version', OLDER)
def test_config_check_apply_rerun_absent(config_run, servers, version):
    for name in ('discovery', 'smtp'):
        assert outcome(config_run, 'check', name)['changed'] is True
        assert outcome(config_run, 'apply', name)['changed'] is True
        assert outcome(config_run, 'apply', name)['kapacitor_version'] == version
        assert outcome(config_run, 'rerun', name)['changed'] is False
        assert outcome(config_run, 'absent', name)['changed'] is True
    assert set(methods(config_run['check']['recorded'])) == {'GET'}
    assert config_run['check']['after'] == config_run['check']['before']
    assert outcome(config_run, 'apply', 'discovery')['config']['targets'] == ['127.0.0.1:9100']
    assert outcome(config_run, 'apply', 'smtp')['config']['idle-timeout'] == '1m0s'
    assert methods(config_run['rerun']['recorded']) == {'GET': 2}  # one per task
    assert config_run['absent']['after'] == config_run['reset']['after']
    found = servers[version].config('static-discovery')  # None: a list section without elements
    assert 'compat' not in [e['options']['id'] for e in (found or {'elements': []})['elements']]


# -- kapacitor_info --------------------------------------------------------------------------

def info_task(server):
    return [{'name': 'info', 'tick.kapacitor.kapacitor_info': {'kapacitor_url': server.proxy}, 'ignore_errors': True}]


@pytest.fixture
def info_run(version, servers, ansible):
    def make():
        out = run_steps(ansible, servers, OLDER, [('info', info_task, []), ('check', info_task, ['--check'])], 'info')

        def back(server):
            exported = outcome(out[server.version], 'info', 'info')['endpoints']
            return [{'name': 'back', 'ignore_errors': True, 'tick.kapacitor.kapacitor_alert_endpoints': {
                'kapacitor_url': server.proxy, 'endpoints': exported}}]
        again = run_steps(ansible, servers, OLDER, [('back', back, [])], 'info-back')
        for v in OLDER:
            out[v].update(again[v])
        return out
    return run_once('info', make)[version]


@pytest.mark.parametrize('version', OLDER)
def test_info_reports_the_version_and_its_sections(info_run, version):
    found = outcome(info_run, 'info', 'info')
    has = sorted(n for n in SECTIONS if vt(version) >= vt(SECTION_SINCE.get(n, '1.5.0')))
    assert found['kapacitor_version'] == version
    assert found['changed'] is False
    assert sorted(found['sections']) == has
    assert sorted(found['endpoints']) == has
    assert found['missing_sections'] == sorted(set(SECTIONS) - set(has))
    assert set(methods(info_run['info']['recorded'])) == {'GET'}
    checked = outcome(info_run, 'check', 'info')
    assert checked['sections'] == found['sections'] and checked['kapacitor_version'] == version
    assert set(methods(info_run['check']['recorded'])) == {'GET'}


@pytest.mark.parametrize('version', OLDER)
def test_info_export_goes_back_unchanged(info_run, version):
    back = outcome(info_run, 'back', 'back')
    assert back['changed'] is False
    assert methods(info_run['back']['recorded']) == {'GET': 1}
    assert info_run['back']['after'] == info_run['back']['before']


# -- kapacitor_service_test ------------------------------------------------------------------

@pytest.fixture
def service_test_run(version, servers, ansible, stack_vars):
    def tasks(server):
        return [{'name': 'test', 'ignore_errors': True, 'tick.kapacitor.kapacitor_service_test': {
            'kapacitor_url': server.proxy, 'service': 'httppost',
            'options': {'url': '%s/compat-%s/service-test' % (stack_vars['receiver_url'], server.version),
                        'headers': {'X-Compat': marker(server.version)}}}}]

    def make():
        http_json(stack_vars['receiver_url'] + '/_recorded', 'DELETE')
        out = run_steps(ansible, servers, OLDER, [('first', tasks, []), ('again', tasks, [])], 'service-test')
        for v in OLDER:
            out[v]['arrived'] = wait_received(stack_vars, '/compat-%s/service-test' % v, count=2)
        checked = run_steps(ansible, servers, OLDER, [('check', tasks, ['--check'])], 'service-test-check')
        time.sleep(1)
        for v in OLDER:
            out[v].update(checked[v])
            out[v]['arrived_after_check'] = received(stack_vars, '/compat-%s/service-test' % v)
        return out
    return run_once('service_test', make)[version]


@pytest.mark.parametrize('version', OLDER)
def test_service_test_arrives_and_check_mode_sends_none(service_test_run, version):
    for label in ('first', 'again'):
        found = outcome(service_test_run, label, 'test')
        assert (found['success'], found['changed'], found['kapacitor_version']) == (True, False, version)
        assert [r['method'] for r in service_test_run[label]['recorded']] == ['POST']
    arrived = service_test_run['arrived']
    assert [(r['method'], r['headers'].get('X-Compat')) for r in arrived] == [('POST', marker(version))] * 2
    checked = outcome(service_test_run, 'check', 'test', skipped=True)
    assert checked['msg'] == 'service test not sent in check mode' and 'success' not in checked
    assert set(methods(service_test_run['check']['recorded'])) <= {'GET'}  # (its version: GET /ping)
    assert len(service_test_run['arrived_after_check']) == 2


# -- kapacitor_topic_handler -----------------------------------------------------------------

def handler_topic(version):
    return 'compat-%s' % version.replace('.', '-')


@pytest.fixture
def handler_run(version, servers, ansible, stack_vars):
    def tasks(**extra):
        def make(server):
            handler = {'kapacitor_url': server.proxy, 'topic': handler_topic(server.version), 'id': 'compat-post',
                       'kind': 'post', 'match': 'level() >= WARNING',
                       'options': {'url': '%s/compat-%s/topic-handler' % (stack_vars['receiver_url'], server.version),
                                   'headers': {'X-Compat': marker(server.version)}}}
            return [{'name': 'handler', 'ignore_errors': True,
                     'tick.kapacitor.kapacitor_topic_handler': dict(handler, **extra)}]
        return make

    def make():
        out = run_steps(ansible, servers, OLDER, [
            ('reset', tasks(state='absent'), []),
            ('check', tasks(), ['--check', '--diff']),
            ('apply', tasks(), []),
            ('rerun', tasks(), []),
        ], 'handler')
        for v in OLDER:
            api = '%s/alerts/topics/%s' % (servers[v].api, handler_topic(v))
            out[v]['stored'] = http_json(api + '/handlers/compat-post')
            out[v]['arrived'] = raise_alert(servers[v], stack_vars, handler_topic(v), '/compat-%s/topic-handler' % v)
        absent = run_steps(ansible, servers, OLDER, [('absent', tasks(state='absent'), [])], 'handler-absent')
        for v in OLDER:
            out[v].update(absent[v])
            out[v]['handlers_after'] = http_json('%s/alerts/topics/%s/handlers' % (servers[v].api, handler_topic(v)))['handlers']
        return out
    return run_once('handler', make)[version]


def raise_alert(server, stack_vars, topic, path):
    """A stream task that alerts on the topic, and a point over its threshold: what the
    receiver got at path."""
    task_id = 'compat_' + topic.replace('-', '_')
    http_json(server.api + '/tasks', 'POST', {
        'id': task_id, 'type': 'stream', 'dbrps': [{'db': 'telegraf', 'rp': 'autogen'}], 'status': 'enabled',
        'script': "stream\n  |from()\n    .measurement('cpu')\n  |alert()\n    .id('%s')\n"
                  "    .crit(lambda: \"value\" > 90)\n    .topic('%s')\n" % (task_id, topic)})
    try:
        request = urllib.request.Request(server.api + '/write?db=telegraf&rp=autogen',
                                         data=b'cpu,host=compat value=95', method='POST')
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 204
        return wait_received(stack_vars, path)
    finally:
        http_json(server.api + '/tasks/' + task_id, 'DELETE')


@pytest.mark.parametrize('version', OLDER)
def test_topic_handler_delivers_a_real_alert(handler_run, version):
    assert outcome(handler_run, 'check', 'handler')['changed'] is True
    assert set(methods(handler_run['check']['recorded'])) == {'GET'}
    assert handler_run['check']['after'] == handler_run['check']['before']
    applied = outcome(handler_run, 'apply', 'handler')
    assert applied['changed'] is True and applied['kapacitor_version'] == version
    assert outcome(handler_run, 'rerun', 'handler')['changed'] is False
    assert methods(handler_run['rerun']['recorded']) == {'GET': 1}
    stored = handler_run['stored']
    assert (stored['kind'], stored['match']) == ('post', 'level() >= WARNING')
    assert stored['options']['headers'] == {'X-Compat': marker(version)}
    arrived = handler_run['arrived']
    assert [(r['method'], r['headers'].get('X-Compat')) for r in arrived] == [('POST', marker(version))]
    assert arrived[0]['json']['level'] == 'CRITICAL'
    assert outcome(handler_run, 'absent', 'handler')['changed'] is True
    assert handler_run['handlers_after'] == []


# -- kapacitor_alert_endpoints ---------------------------------------------------------------

def bulk_endpoints(server, stack_vars):
    base = '%s/compat-%s/bulk' % (stack_vars['receiver_url'], server.version)
    return {
        'slack': [{'workspace': 'compat-bulk', 'enabled': True, 'url': base + '/slack', 'channel': '#bulk',
                   'username': 'kapacitor'}],
        'telegram': {'enabled': True, 'url': base + '/telegram/bot', 'token': 'compat-bulk-token', 'chat_id': '42'},
        'sensu': {'enabled': True, 'addr': stack_vars['receiver_tcp_addr'], 'source': marker(server.version)},
    }


BULK_ABSENT = {'slack': [{'workspace': 'compat-bulk', 'state': 'absent'}], 'telegram': {'state': 'absent'},
               'sensu': {'state': 'absent'}}


@pytest.fixture
def bulk_run(version, servers, ansible, stack_vars):
    def tasks(absent=False, **extra):
        def make(server):
            given = BULK_ABSENT if absent else bulk_endpoints(server, stack_vars)
            return [{'name': 'bulk', 'ignore_errors': True, 'tick.kapacitor.kapacitor_alert_endpoints': dict(
                {'kapacitor_url': server.proxy, 'endpoints': given}, **extra)}]
        return make

    def make():
        out = run_steps(ansible, servers, OLDER, [
            ('reset', tasks(absent=True), []),
            ('check', tasks(), ['--check']),
            lambda: http_json(stack_vars['receiver_url'] + '/_recorded', 'DELETE'),
            ('apply', tasks(test_changed=True), []),
            ('rerun', tasks(), []),
            ('absent', tasks(absent=True), []),
        ], 'bulk')
        tcp = http_json(stack_vars['receiver_url'] + '/_recorded?kind=tcp')['requests']
        for v in OLDER:
            out[v]['arrived'] = collections.OrderedDict(
                (kind, received(stack_vars, '/compat-%s/bulk/%s' % (v, kind))) for kind in ('slack', 'telegram'))
            out[v]['arrived']['sensu'] = [r for r in tcp if r['json'].get('source') == marker(v)]
        return out
    return run_once('bulk', make)[version]


@pytest.mark.parametrize('version', OLDER)
def test_alert_endpoints_check_apply_test_rerun_absent(bulk_run, version):
    checked = outcome(bulk_run, 'check', 'bulk')
    assert checked['changed'] is True
    assert set(methods(bulk_run['check']['recorded'])) == {'GET'}
    assert bulk_run['check']['after'] == bulk_run['check']['before']
    applied = outcome(bulk_run, 'apply', 'bulk')
    assert applied['changed'] is True and applied['kapacitor_version'] == version
    assert sorted(applied['test_alerts']) == ['sensu', 'slack/compat-bulk', 'telegram'], applied['test_alerts']
    assert all(test['success'] for test in applied['test_alerts'].values()), applied['test_alerts']
    arrived = bulk_run['arrived']
    assert len(arrived['slack']) == 1 and 'test slack message' in arrived['slack'][0]['body']
    assert len(arrived['telegram']) == 1 and 'test telegram message' in arrived['telegram'][0]['body']
    assert arrived['telegram'][0]['path'].startswith('/compat-%s/bulk/telegram/botcompat-bulk-token/' % version)
    assert len(arrived['sensu']) == 1
    assert outcome(bulk_run, 'rerun', 'bulk')['changed'] is False
    assert methods(bulk_run['rerun']['recorded']) == {'GET': 1}
    assert outcome(bulk_run, 'absent', 'bulk')['changed'] is True
    assert bulk_run['absent']['after'] == bulk_run['reset']['after']
