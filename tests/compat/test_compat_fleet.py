# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The role tick.kapacitor.alert_endpoints on a mixed fleet: one host per Kapacitor version
(1.5.9, 1.6.5, 1.7.6, 1.8.3), one set of variables for all of them.

  default (alert_endpoints_unsupported: fail)  a host whose Kapacitor lacks a section or option
      the variables use fails naming each, before any write; the others converge
  alert_endpoints_unsupported: skip            every host converges, reporting what it left out
  the same again                               ok everywhere, one GET per host
"""

import json

import pytest

from conftest import FLEET, host, http_json, methods, raw_config, vt

ENDPOINTS = {
    'telegram': {'enabled': True, 'url': '{receiver}/compat-fleet/telegram/bot', 'chat_id': '7'},
    'slack': [{'workspace': 'fleet', 'enabled': True, 'url': '{receiver}/compat-fleet/slack', 'channel': '#fleet',
               'username': 'kapacitor'}],
    'zenoss': {'collector': 'fleet'},                                     # 1.6.0
    'bigpanda': {'auto_attributes': 'tags'},                              # 1.6.3
    'smtp': {'to_templates': ['ops@example.com'], 'idle_timeout': '45s'},  # 1.6.3
    'kafka': [{'id': 'default', 'batch_size': 7, 'sasl_oauth_client_id': 'fleet'}],  # 1.7.6
}
SECRETS = {'telegram': {'token': 'compat-fleet-telegram-token'},
           'slack': {'fleet': {'token': 'compat-fleet-slack-token'}}}      # slack token: 1.6.0
ABSENT = {'telegram': {'state': 'absent'}, 'slack': [{'workspace': 'fleet', 'state': 'absent'}],
          'zenoss': {'state': 'absent'}, 'bigpanda': {'state': 'absent'}, 'smtp': {'state': 'absent'},
          'kafka': [{'id': 'default', 'state': 'absent'}]}

# What each version cannot take, keyed like the bulk module's results, with the version that
# has it (kapacitor-api.md 2.1).
LACKS = {
    'slack/fleet': ('token', '1.6.0'),
    'zenoss': ('zenoss', '1.6.0'),
    'bigpanda': ('auto_attributes', '1.6.3'),
    'smtp': ('to_templates', '1.6.3'),
    'kafka/default': ('sasl_oauth_client_id', '1.7.6'),
}


def lacks(version):
    return dict((label, what) for label, what in LACKS.items() if vt(version) < vt(what[1]))


def fill(value, receiver):
    return json.loads(json.dumps(value).replace('{receiver}', receiver))


RUN = {}


@pytest.fixture
def fleet(servers, ansible, stack_vars):
    if RUN:
        return RUN
    hosts = dict((host(v), {'kapacitor_url': servers[v].proxy}) for v in FLEET)
    variables = {'alert_endpoints_endpoints': fill(ENDPOINTS, stack_vars['receiver_url']),
                 'alert_endpoints_secrets': SECRETS}
    role_play = [{'name': 'fleet', 'hosts': 'all', 'gather_facts': False, 'vars': variables,
                  'roles': [{'role': 'tick.kapacitor.alert_endpoints'}]}]

    def reset():
        tasks = [{'name': 'reset', 'tick.kapacitor.kapacitor_alert_endpoints': {
            'kapacitor_url': '{{ kapacitor_url }}', 'endpoints': ABSENT, 'unsupported': 'skip'}}]
        proc, _results = ansible.run(tasks, hosts=hosts, name='fleet-reset')
        assert proc.returncode == 0, proc.stdout[-3000:]

    def run(label, args=()):
        before = {}
        for v in FLEET:
            servers[v].forget()
            before[v] = raw_config(servers[v].url)
        proc, results = ansible.run(role_play, hosts=hosts, args=list(args), name='fleet-' + label)
        found = {}
        for v in FLEET:
            tasks = [entry for name, entry in results.get(host(v), {}).items()
                     if name.endswith(": Converge Kapacitor's alert endpoints")]
            assert len(tasks) == 1, (v, sorted(results.get(host(v), {})), proc.stdout[-3000:])
            found[v] = dict(tasks[0], recorded=servers[v].recorded(), before=before[v], after=raw_config(servers[v].url))
        RUN[label] = found

    reset()
    run('default')
    run('skip', ['-e', 'alert_endpoints_unsupported=skip'])
    run('again', ['-e', 'alert_endpoints_unsupported=skip'])
    RUN['config'] = dict((v, http_json(servers[v].api + '/config')['sections']) for v in FLEET)
    reset()
    return RUN


@pytest.mark.parametrize('version', FLEET)
def test_by_default_a_host_fails_naming_what_its_version_lacks(fleet, version):
    found = fleet['default'][version]
    missing = lacks(version)
    if not missing:
        assert found['status'] == 'ok', found['result'].get('msg')
        assert found['result']['changed'] is True
        assert found['result']['skipped_endpoints'] == {}
        return
    assert found['status'] == 'failed'
    message = found['result']['msg']
    assert '\n' not in message
    assert version in message
    for label, (name, since) in missing.items():
        assert label in message and name in message and since in message, (label, message)
    assert set(methods(found['recorded'])) == {'GET'}, 'a failing host was written to'
    assert found['after'] == found['before']


@pytest.mark.parametrize('version', FLEET)
def test_with_skip_every_host_converges_and_reports_what_it_skipped(fleet, version):
    found = fleet['skip'][version]
    assert found['status'] == 'ok', found['result'].get('msg')
    result = found['result']
    missing = lacks(version)
    # the hosts that failed before change now; the others converged in the default run
    assert result['changed'] is bool(missing)
    assert sorted(result['skipped_endpoints']) == sorted(missing)
    for label, (name, since) in missing.items():
        assert name in result['skipped_endpoints'][label] and since in result['skipped_endpoints'][label]
    assert sorted(result['endpoints']) == sorted(
        set(['telegram', 'slack/fleet', 'zenoss', 'bigpanda', 'smtp', 'kafka/default']) - set(missing))
    sections = fleet['config'][version]
    telegram = sections['telegram']['elements'][0]['options']
    assert (telegram['chat-id'], telegram['token']) == ('7', True)
    if 'zenoss' not in missing:
        assert sections['zenoss']['elements'][0]['options']['collector'] == 'fleet'
    if 'kafka/default' not in missing:
        kafka = [e['options'] for e in sections['kafka']['elements'] if e['options']['id'] == 'default'][0]
        assert (kafka['batch-size'], kafka['SASLAuth']['SASLOAUTHClientID']) == (7, 'fleet')


@pytest.mark.parametrize('version', FLEET)
def test_a_second_run_is_ok_everywhere_with_one_get(fleet, version):
    found = fleet['again'][version]
    assert found['status'] == 'ok', found['result'].get('msg')
    assert found['result']['changed'] is False
    assert methods(found['recorded']) == {'GET': 1}
    assert found['after'] == found['before']
