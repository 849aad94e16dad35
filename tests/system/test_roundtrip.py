# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Round trip of what is already configured, between two real kapacitord processes.

Server A is configured by hand through Kapacitor's API (raw POSTs: single sections, list
sections with added named elements, secrets Kapacitor redacts and secrets it shows in clear).
kapacitor_info exports A; the export goes as it is, plus the secrets, to the alert_endpoints
role against a fresh server B. Then:

* A and B hold the same alert configuration, compared through the API (redacted secrets as
  set, the ones Kapacitor returns in clear by value);
* the role run with the same input against A reports ok and writes nothing (a recording proxy
  in front of A sees only GETs, and A's configuration is byte-identical);
* a second run against B reports ok;
* a secret left out of the filled-in secrets_required fails the role before any write;
* the export of a fresh Kapacitor (every section at Kapacitor's defaults) passes
  kapacitor_alert_endpoints in check mode with nothing to change;
* no secret shows in the export, the results or the -vvv output.
"""

import json
import os
import socket
import subprocess
import sys
import time

import pytest

from collection import SECTIONS
from conftest import REPO, Ansible, http_json, raw_config

CANARY = 'CANARY-roundtrip-5e1c'


def free_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def canary(name):
    return '%s-%s' % (CANARY, name)


def configure_by_hand(url, receiver):
    """What an admin did to A before adopting the collection: raw POSTs, no module involved."""
    api = url + '/kapacitor/v1/config/'
    for path, body in [
        ('telegram/', {'set': {'enabled': True, 'token': canary('telegram-token'), 'chat-id': '-100777',
                               'parse-mode': 'HTML', 'disable-notification': True}}),
        ('slack/', {'set': {'channel': '#general', 'url': receiver + '/slack/' + canary('slack-default')}}),
        ('slack', {'add': {'workspace': 'ops', 'enabled': True, 'channel': '#ops', 'username': 'ops-bot',
                           'url': receiver + '/slack/' + canary('slack-ops')}}),
        ('discord', {'add': {'workspace': 'alerts', 'enabled': True, 'username': 'disco',
                             'url': receiver + '/discord/' + canary('discord-alerts')}}),
        ('smtp/', {'set': {'enabled': True, 'host': '127.0.0.1', 'port': 2525, 'username': 'kapacitor',
                           'password': canary('smtp-password'), 'from': 'kapacitor@example.com',
                           'to': ['oncall@example.com'], 'idle-timeout': '1m30s'}}),
        ('teams/', {'set': {'enabled': True, 'channel-url': receiver + '/teams/' + canary('teams-channel')}}),
        ('pagerduty2/', {'set': {'enabled': True, 'routing-key': canary('pagerduty2-routing-key')}}),
        ('alerta/', {'set': {'environment': 'production', 'origin': 'kapacitor', 'token': canary('alerta-token')}}),
        ('zenoss/', {'set': {'tid': 7, 'severity-map': {
            'ok': 'Clear', 'info': 'Info', 'warning': 'Warning', 'critical': 'Error'}}}),
        ('kafka', {'add': {'id': 'events', 'brokers': ['127.0.0.1:9'], 'batch-size': 50, 'timeout': '5s',
                           'SASLAuth': {'SASLUsername': 'kafka-user', 'SASLMechanism': 'PLAIN',
                                        'SASLPassword': canary('kafka-sasl-password')}}}),
        # Two MQTT brokers need exactly one default (Kapacitor's own rule).
        ('mqtt', {'add': {'name': 'edge', 'default': True, 'username': 'edge', 'client-id': 'kapacitor-edge',
                          'url': 'tcp://%s.invalid:1883' % canary('mqtt-url'),
                          'password': canary('mqtt-password')}}),
        # httppost endpoints work only when defined in kapacitor.conf ("alerts" is, on A and B).
        ('httppost/alerts', {'set': {'headers': {'Authorization': 'Bearer ' + canary('httppost-header')},
                                     'alert-template': '{"text": "{{.Message}}"}'}}),
    ]:
        http_json(api + path, method='POST', body=body)


def vault(receiver):
    """The secrets, as the user keeps them (a vault), in the shape of secrets_required."""
    return {
        'alerta': {'token': canary('alerta-token')},
        'discord': {'alerts': {'url': receiver + '/discord/' + canary('discord-alerts')}},
        'httppost': {'alerts': {'headers': {'Authorization': 'Bearer ' + canary('httppost-header')}}},
        'kafka': {'events': {'sasl_password': canary('kafka-sasl-password')}},
        'mqtt': {'edge': {'url': 'tcp://%s.invalid:1883' % canary('mqtt-url'), 'password': canary('mqtt-password')}},
        'pagerduty2': {'routing_key': canary('pagerduty2-routing-key')},
        'slack': {'': {'url': receiver + '/slack/' + canary('slack-default')},
                  'ops': {'url': receiver + '/slack/' + canary('slack-ops')}},
        'smtp': {'password': canary('smtp-password')},
        # Kapacitor's default community ("public") is set on a fresh Kapacitor too.
        'snmptrap': {'community': 'public'},
        'teams': {'channel_url': receiver + '/teams/' + canary('teams-channel')},
        'telegram': {'token': canary('telegram-token')},
    }


# Every secret set on A, as kapacitor_info reports it must be supplied.
SECRETS_REQUIRED = {
    'alerta': {'token': None},
    'discord': {'alerts': {'url': None}},
    'httppost': {'alerts': {'headers': None}},
    'kafka': {'events': {'sasl_password': None}},
    'mqtt': {'edge': {'password': None, 'url': None}},
    'pagerduty2': {'routing_key': None},
    'slack': {'': {'url': None}, 'ops': {'url': None}},
    'smtp': {'password': None},
    'snmptrap': {'community': None},
    'teams': {'channel_url': None},
    'telegram': {'token': None},
}

# What the role writes to the fresh B: everything A has beyond Kapacitor's defaults.
WRITTEN_TO_B = ['alerta', 'discord/alerts', 'httppost/alerts', 'kafka/events', 'mqtt/edge', 'pagerduty2',
                'slack/', 'slack/ops', 'smtp', 'teams', 'telegram', 'zenoss']


def role_task(name, url, secrets):
    return {'name': name, 'ansible.builtin.include_role': {'name': 'tick.kapacitor.alert_endpoints'},
            'vars': {'alert_endpoints_kapacitor_url': url,
                     'alert_endpoints_endpoints': '{{ export.endpoints }}',
                     'alert_endpoints_secrets': secrets}}


def keep(register, name):
    """Copy the role's registered result under a name of its own."""
    return {'name': 'keep the result as %s' % name, 'ansible.builtin.set_fact': {name: '{{ %s }}' % register}}


def alert_config(url):
    """{section: {element name: (options, redacted)}} of every alert section, from the API."""
    sections = http_json(url + '/kapacitor/v1/config')['sections']
    found = {}
    for name, section in SECTIONS.items():
        elements = {}
        for element in (sections.get(name) or {}).get('elements') or []:
            options = element['options']
            key = options.get(section.element_api_key, '') if section.is_list else ''
            elements[key] = (options, sorted(element.get('redacted') or []))
        found[name] = elements
    return found


def differing_keys(a, b, prefix=''):
    """The keys whose values differ, nested objects (Kafka's SASLAuth) key by key.

    An empty list or map reads back as null when Kapacitor never had one and as []/{} once it
    was sent one (an element added with every exported option): the same empty value to
    Kapacitor (Go's nil and empty slices and maps), so they compare equal here.
    """
    def empty(value):
        return value is None or value == [] or value == {}
    for key in sorted(set(a) | set(b)):
        if key == 'SASLAuth' and isinstance(a.get(key), dict) and isinstance(b.get(key), dict):
            yield from differing_keys(a[key], b[key], prefix + key + '.')
        elif a.get(key) != b.get(key) and not (empty(a.get(key)) and empty(b.get(key))):
            yield prefix + key


@pytest.fixture(scope='module')
def roundtrip(stack, stack_vars, tmp_path_factory):
    """Runs the whole scenario once; the tests below look at its parts."""
    work = str(tmp_path_factory.mktemp('roundtrip'))
    ansible = Ansible(work)
    receiver = stack_vars['receiver_url']
    url_a = stack.start_kapacitord('roundtrip-a', free_port())
    url_b = stack.start_kapacitord('roundtrip-b', free_port())
    proxy_port = free_port()
    proxy = subprocess.Popen([sys.executable, os.path.join(REPO, 'tests', 'stack', 'recording_proxy.py'),
                              '--listen', str(proxy_port), '--upstream', url_a])
    proxy_url = 'http://127.0.0.1:%d' % proxy_port
    try:
        for _attempt in range(100):
            try:
                http_json(proxy_url + '/_proxy/recorded')
                break
            except OSError:
                time.sleep(0.1)
        found = {'url_a': url_a, 'url_b': url_b}
        results = os.path.join(work, 'results.json')
        save = {'name': 'save the results', 'ansible.builtin.copy': {
            'content': '{{ {"fresh": fresh, "fresh_check": fresh_check} | to_json }}', 'dest': results}}

        # 1. A fresh Kapacitor's export (every section at its defaults) goes back in check mode.
        fresh = ansible.playbook([
            {'name': 'export a fresh Kapacitor', 'register': 'fresh',
             'tick.kapacitor.kapacitor_info': {'kapacitor_url': url_b}},
            {'name': 'the export in check mode', 'register': 'fresh_check', 'check_mode': True,
             'tick.kapacitor.kapacitor_alert_endpoints': {'kapacitor_url': url_b, 'endpoints': '{{ fresh.endpoints }}'}},
            save], name='fresh')
        assert fresh.returncode == 0, fresh.output
        with open(results) as handle:
            found.update(json.load(handle))
        found['b_fresh'] = raw_config(url_b)

        # 2. A configured by hand; exported; the export to B (first with a secret missing), to A
        #    through the recording proxy, and to B once more.
        configure_by_hand(url_a, receiver)
        found['a_before'] = raw_config(url_a)
        secrets = os.path.join(work, 'vault.json')
        with open(secrets, 'w') as handle:
            given = vault(receiver)
            json.dump({'vault': given, 'vault_missing_one': dict(given, slack={'': given['slack']['']})}, handle)
        filled = '{{ export.secrets_required | combine(vault, recursive=True) }}'
        save = {'name': 'save the results', 'ansible.builtin.copy': {
            'content': '{{ {"export": export, "missing": missing, "to_b": to_b, "to_a": to_a, '
                       '"to_b_again": to_b_again} | to_json }}',
            'dest': results}}
        proc = ansible.playbook([
            {'name': 'export A', 'register': 'export', 'tick.kapacitor.kapacitor_info': {'kapacitor_url': url_a}},
            {'name': 'a secret left out', 'block': [
                role_task('the export to B, one secret missing', url_b,
                          '{{ export.secrets_required | combine(vault_missing_one, recursive=True) }}'),
                {'ansible.builtin.set_fact': {'missing': {'failed': False}}}],
             'rescue': [{'ansible.builtin.set_fact': {'missing': '{{ ansible_failed_result }}'}}]},
            role_task('the export to B', url_b, filled), keep('alert_endpoints_result', 'to_b'),
            role_task('the export to A, through the recording proxy', proxy_url, filled),
            keep('alert_endpoints_result', 'to_a'),
            role_task('the export to B again', url_b, filled), keep('alert_endpoints_result', 'to_b_again'),
            save], args=['-vvv', '-e', '@' + secrets], name='roundtrip')
        found['output'] = proc.output
        assert proc.returncode == 0, proc.output
        with open(results) as handle:
            found.update(json.load(handle))
        found['a_after'] = raw_config(url_a)
        found['through_proxy'] = http_json(proxy_url + '/_proxy/recorded')['requests']
        found['config_a'] = alert_config(url_a)
        found['config_b'] = alert_config(url_b)
        yield found
    finally:
        proxy.terminate()
        proxy.wait()
        stack.stop_kapacitord('roundtrip-a')
        stack.stop_kapacitord('roundtrip-b')


def test_a_fresh_kapacitors_export_passes_the_bulk_module_in_check_mode(roundtrip):
    fresh, check = roundtrip['fresh'], roundtrip['fresh_check']
    assert fresh['kapacitor_version'] == '1.8.3'
    assert sorted(fresh['endpoints']) == sorted(SECTIONS), 'every section of Kapacitor 1.8.3'
    assert fresh['secrets_required'] == {'snmptrap': {'community': None}}, "only Kapacitor's default community"
    assert check.get('failed') is not True, check
    assert check['changed'] is False, check
    assert [label for label, outcome in check['endpoints'].items() if outcome['changed']] == []
    assert len(check['endpoints']) >= len(SECTIONS)


def test_the_export_has_no_secret_and_lists_every_secret_set(roundtrip):
    export = roundtrip['export']
    assert CANARY not in json.dumps(export)
    assert export['secrets_required'] == SECRETS_REQUIRED
    endpoints = export['endpoints']
    assert [e['workspace'] for e in endpoints['slack']] == ['', 'ops'], 'the default workspace first'
    ops = endpoints['slack'][1]
    assert (ops['channel'], ops['username'], ops['enabled']) == ('#ops', 'ops-bot', True)
    assert 'url' not in ops and 'token' not in ops
    events = dict((e['id'], e) for e in endpoints['kafka'])['events']
    assert (events['sasl_username'], events['sasl_mechanism'], events['timeout']) == ('kafka-user', 'PLAIN', '5s')
    assert events['sasl_oauth_token_expiry_margin'] == '0s', 'a Go duration string, not nanoseconds'
    assert 'sasl_password' not in events and 'sasl_version' not in events
    alerts = dict((e['endpoint'], e) for e in endpoints['httppost'])['alerts']
    assert alerts['alert_template'] == '{"text": "{{.Message}}"}'
    assert 'headers' not in alerts and 'basic_auth' not in alerts
    assert endpoints['telegram']['parse_mode'] == 'HTML' and 'token' not in endpoints['telegram']
    assert endpoints['zenoss']['severity_map']['critical'] == 'Error'
    # the old return value stays
    assert export['sections']['telegram']['token'] is True
    assert export['sections']['slack']['ops']['url'] is True


def test_a_secret_left_out_fails_the_role_before_any_write(roundtrip):
    missing = roundtrip['missing']
    assert missing.get('failed') is True, missing
    assert missing['msg'] == 'secrets.slack.ops.url: no value given', missing['msg']
    assert missing.get('changed') is False


def test_the_role_writes_the_export_to_the_fresh_server(roundtrip):
    to_b = roundtrip['to_b']
    assert to_b['changed'] is True
    assert sorted(label for label, outcome in to_b['endpoints'].items() if outcome['changed']) == WRITTEN_TO_B
    assert roundtrip['b_fresh'][0] == 200


def test_both_servers_hold_the_same_alert_configuration(roundtrip):
    config_a, config_b = roundtrip['config_a'], roundtrip['config_b']
    different = []
    for name in sorted(SECTIONS):
        if sorted(config_a[name]) != sorted(config_b[name]):
            different.append('%s: elements %s on A, %s on B' % (name, sorted(config_a[name]), sorted(config_b[name])))
            continue
        for element, (options_a, redacted_a) in sorted(config_a[name].items()):
            options_b, redacted_b = config_b[name][element]
            assert redacted_a == redacted_b, (name, element)
            for key in differing_keys(options_a, options_b):
                # never the values: some are secrets Kapacitor shows in clear
                different.append('%s/%s: %s' % (name, element, key))
    assert different == []
    # Redacted secrets compare as set (true), the ones Kapacitor shows in clear by value.
    assert config_b['telegram'][''][0]['token'] is True
    assert config_b['slack']['ops'][0]['url'] is True
    assert config_b['mqtt']['edge'][0]['password'] is True
    assert canary('teams-channel') in config_b['teams'][''][0]['channel-url']
    assert canary('discord-alerts') in config_b['discord']['alerts'][0]['url']
    assert config_b['kafka']['events'][0]['SASLAuth']['SASLPassword'] == canary('kafka-sasl-password')
    assert config_b['httppost']['alerts'][0]['headers'] == {'Authorization': 'Bearer ' + canary('httppost-header')}
    assert config_b['httppost']['alerts'][0]['alert-template'] == '{"text": "{{.Message}}"}'


def test_the_same_input_against_the_first_server_is_ok_and_writes_nothing(roundtrip):
    to_a = roundtrip['to_a']
    assert to_a['changed'] is False, to_a
    assert [label for label, outcome in to_a['endpoints'].items() if outcome['changed']] == []
    requests = [(request['method'], request['path']) for request in roundtrip['through_proxy']]
    assert ('GET', '/kapacitor/v1/config') in requests, 'the role ran through the proxy'
    assert [request for request in requests if request[0] != 'GET'] == [], requests
    assert roundtrip['a_after'] == roundtrip['a_before']


def test_a_second_run_against_the_second_server_is_ok(roundtrip):
    again = roundtrip['to_b_again']
    assert again['changed'] is False
    assert [label for label, outcome in again['endpoints'].items() if outcome['changed']] == []


def test_no_secret_is_shown(roundtrip):
    assert CANARY not in roundtrip['output']
    for name in ('missing', 'to_b', 'to_a', 'to_b_again'):
        assert CANARY not in json.dumps(roundtrip[name]), name
