# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""kapacitor_info's export (endpoints, secrets_required) against the shared fake Kapacitor, and
the export fed back to kapacitor_alert_endpoints (the bulk run) with the secrets."""

import copy
import json

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.tick.kapacitor.plugins.module_utils import kapacitor_bulk, kapacitor_probes
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_bulk import BULK_TASK
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_probes import INFO_TASK, export_element
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_runner import Context, run_task
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import SECTIONS
from ansible_collections.tick.kapacitor.tests.unit.plugins.module_utils.fake_kapacitor import FakeKapacitor
# kapacitor_info also reads tasks, templates, topics and users: their fake routes.
from ansible_collections.tick.kapacitor.tests.unit.plugins.module_utils import (  # noqa: F401  pylint: disable=unused-import
    fake_flux_tasks, fake_tickscript, fake_users)

CONFIG = '/kapacitor/v1/config'
CANARY = 'CANARY-probes-2d9b'


def serve(monkeypatch, server):
    class Client:
        @staticmethod
        def from_params(params):
            return server
    monkeypatch.setattr(kapacitor_probes, 'KapacitorClient', Client)
    monkeypatch.setattr(kapacitor_bulk, 'KapacitorClient', Client)
    return server


@pytest.fixture
def fake(monkeypatch):
    return serve(monkeypatch, FakeKapacitor())


def run(spec, check_mode=False, **args):
    args = dict(args, kapacitor_url='http://kapacitor.test:9092')
    validated = ArgumentSpecValidator(spec.argument_spec).validate(args)
    assert validated.error_messages == []
    return run_task(spec, Context(validated.validated_parameters, raw_params=args, check_mode=check_mode))


def info(**args):
    return run(INFO_TASK, **args)


def configure_by_hand(fake):
    """Options and secrets set through the API, as an admin would (Kapacitor's dash names)."""
    fake.set_options('telegram', '', {'enabled': True, 'token': CANARY + '-telegram', 'chat-id': '-1001'})
    fake.set_options('slack', '', channel='#all', url='https://hooks.example/' + CANARY + '-default')
    fake.add_element('slack', {'workspace': 'ops', 'channel': '#ops', 'url': 'https://hooks.example/' + CANARY})
    fake.add_element('kafka', {'id': 'events', 'brokers': ['k1:9092'], 'timeout': '5s',
                               'SASLAuth': {'SASLUsername': 'user', 'SASLPassword': CANARY + '-sasl',
                                            'SASLMechanism': 'PLAIN', 'SASLOAUTHExpiryMargin': '1m'}})
    fake.set_options('teams', '', {'channel-url': 'https://teams.example/' + CANARY})
    fake.set_options('httppost', 'alerts', {'headers': {'Authorization': CANARY}, 'alert-template': '{{.Message}}'})


def test_every_section_is_exported_in_the_shape_the_bulk_module_takes(fake):
    result = info()
    assert sorted(result['endpoints']) == sorted(SECTIONS)
    for name, section in SECTIONS.items():
        exported = result['endpoints'][name]
        if section.is_list:
            assert isinstance(exported, list) and exported, name
            names = [element[section.element_key] for element in exported]
            assert names == sorted(names), name
            assert names == sorted(result['sections'][name]), name
        else:
            assert isinstance(exported, dict), name
        for element in exported if section.is_list else [exported]:
            for key in element:
                assert key in section.options or key == section.element_key, (name, key)
                assert key == section.element_key or not section.options[key].secret, (name, key)


def test_a_fresh_kapacitors_export_goes_back_with_no_change_and_no_write(fake):
    exported = info()['endpoints']
    fake.requests = []
    for check_mode in (True, False):
        result = run(BULK_TASK, check_mode=check_mode, endpoints=exported)
        assert result['changed'] is False
        assert [label for label, outcome in result['endpoints'].items() if outcome['changed']] == []
    assert fake.requests == [('GET', CONFIG)] * 2
    assert info()['secrets_required'] == {'snmptrap': {'community': None}}, "Kapacitor's default community"


def test_secrets_are_left_out_and_listed_by_place(fake):
    configure_by_hand(fake)
    result = info()
    assert CANARY not in json.dumps(result)
    assert result['secrets_required'] == {
        'httppost': {'alerts': {'headers': None}},
        'kafka': {'events': {'sasl_password': None}},
        'slack': {'': {'url': None}, 'ops': {'url': None}},
        'snmptrap': {'community': None},
        'teams': {'channel_url': None},
        'telegram': {'token': None},
    }
    endpoints = result['endpoints']
    assert endpoints['telegram']['chat_id'] == '-1001' and 'token' not in endpoints['telegram']
    assert [element['workspace'] for element in endpoints['slack']] == ['', 'ops']
    assert endpoints['slack'][1] == dict(endpoints['slack'][1], workspace='ops', channel='#ops')
    assert 'url' not in endpoints['slack'][1]
    events = endpoints['kafka'][1]
    assert (events['id'], events['sasl_username'], events['timeout']) == ('events', 'user', '5s')
    assert events['sasl_oauth_token_expiry_margin'] == '1m0s', 'nanoseconds become a Go duration string'
    assert 'sasl_password' not in events
    alerts = endpoints['httppost'][0]
    assert alerts['endpoint'] == 'alerts' and alerts['alert_template'] == '{{.Message}}'
    assert 'headers' not in alerts and 'basic_auth' not in alerts
    # the old view stays as it was
    assert result['sections']['telegram']['token'] is True
    assert result['sections']['kafka']['events']['sasl_password'] is True


def test_null_lists_become_empty_and_other_nulls_are_left_out():
    kafka = SECTIONS['kafka']
    values, secrets = export_element(kafka, {'brokers': None, 'enabled': False, 'SASLAuth': {
        'SASLVersion': None, 'SASLOAUTHScopes': None, 'SASLExtensions': None, 'SASLOAUTHExpiryMargin': 0}})
    assert values == {'brokers': [], 'enabled': False, 'sasl_oauth_scopes': [], 'sasl_oauth_token_expiry_margin': '0s'}
    assert secrets == []
    values, secrets = export_element(SECTIONS['zenoss'], {'severity-map': None, 'tid': None, 'password': True})
    assert values == {} and secrets == ['password']


def test_options_this_collection_does_not_know_are_left_out():
    values, _secrets = export_element(SECTIONS['telegram'], {'chat-id': '1', 'new-in-1.9': 'x'})
    assert values == {'chat_id': '1'}


def test_the_export_only_covers_the_requested_sections(fake):
    result = info(sections=['telegram', 'slack'])
    assert sorted(result['endpoints']) == ['slack', 'telegram']
    assert info(sections=[])['endpoints'] == {} and info(sections=[])['secrets_required'] == {}


def test_a_section_kapacitor_does_not_have_is_missing_not_exported(monkeypatch):
    serve(monkeypatch, FakeKapacitor(version='1.5.5', without=('zenoss',)))
    result = info(sections=['telegram', 'zenoss'])
    assert result['missing_sections'] == ['zenoss']
    assert sorted(result['endpoints']) == ['telegram']


def emptied(value):
    """``value`` with every empty list or map as None: Kapacitor shows a list it never had as null
    and one it was sent empty as [] (Go's nil and empty slices), which are the same to it."""
    if isinstance(value, dict):
        return dict((key, emptied(item)) for key, item in value.items()) or None
    if isinstance(value, list):
        return [emptied(item) for item in value] or None
    return value


def test_the_export_and_the_secrets_reproduce_a_server_on_a_fresh_one(monkeypatch):
    source = serve(monkeypatch, FakeKapacitor())
    configure_by_hand(source)
    exported = info()
    secrets = copy.deepcopy(exported['secrets_required'])
    secrets['telegram']['token'] = CANARY + '-telegram'
    secrets['slack'][''] = {'url': 'https://hooks.example/' + CANARY + '-default'}
    secrets['slack']['ops']['url'] = 'https://hooks.example/' + CANARY
    secrets['kafka']['events']['sasl_password'] = CANARY + '-sasl'
    secrets['teams']['channel_url'] = 'https://teams.example/' + CANARY
    secrets['httppost']['alerts']['headers'] = {'Authorization': CANARY}
    secrets['snmptrap']['community'] = 'public'
    target = serve(monkeypatch, FakeKapacitor())
    result = run(BULK_TASK, endpoints=exported['endpoints'], secrets=secrets)
    assert result['changed'] is True
    assert CANARY not in json.dumps(result)
    for name, section in SECTIONS.items():
        for element in (sorted(exported['sections'][name]) if section.is_list else ['']):
            assert emptied(target.stored(name, element)) == emptied(source.stored(name, element)), (name, element)
    target.requests = []
    serve(monkeypatch, source)
    assert run(BULK_TASK, endpoints=exported['endpoints'], secrets=secrets)['changed'] is False
    assert source.writes() == []


# -- tasks, templates, Flux tasks, topics and users ------------------------------------------

RULE = "stream\n    |from()\n        .measurement('cpu')\n    |alert()\n        .crit(lambda: \"usage\" > crit)\n"


def define_rules(fake):
    from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_resources import ResourceRun
    from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_tickscript import Task, Template
    ResourceRun(Template(fake, {'id': 'cpu-tpl', 'script': 'var crit = 80.0\n' + RULE})).run()
    ResourceRun(Task(fake, {'id': 'cpu', 'template_id': 'cpu-tpl', 'dbrps': ['telegraf.autogen'],
                            'vars': {'crit': 90.0}})).run()
    fake_users.add_user(fake, 'chronograf', CANARY + '-user-password', permissions=['api'])


def test_info_gathers_rules_topics_and_users_by_default(fake):
    define_rules(fake)
    found = info(sections=[])
    assert [task['id'] for task in found['tasks']] == ['cpu']
    assert found['tasks'][0]['template_id'] == 'cpu-tpl' and found['tasks'][0]['vars']['crit']['value'] == 90.0
    assert [template['id'] for template in found['templates']] == ['cpu-tpl']
    assert found['flux_tasks'] == []
    assert found['users'] == [{'name': 'chronograf', 'type': 'normal', 'permissions': ['api']}]
    assert isinstance(found['topics'], dict)
    assert CANARY not in json.dumps(found), 'no password, in any form'


def test_what_info_returns_goes_back_to_the_modules_unchanged(fake):
    from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_resources import ResourceRun
    from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_tickscript import Task, Template
    define_rules(fake)
    found = info(sections=[])
    fake.requests[:] = []
    for entry in found['templates']:
        assert ResourceRun(Template(fake, dict(entry, vars=None))).run()['changed'] is False
    for entry in found['tasks']:
        params = dict((key, value) for key, value in entry.items() if key not in ('executing', 'error'))
        assert ResourceRun(Task(fake, params)).run()['changed'] is False
    assert fake.writes() == []


def test_gather_nothing_reads_only_the_sections(fake):
    define_rules(fake)
    fake.requests[:] = []
    found = info(sections=['slack'], gather=[])
    for key in ('tasks', 'templates', 'flux_tasks', 'topics', 'users'):
        assert key not in found
    assert not [r for r in fake.requests if '/config' not in r[1] and not r[1].endswith('/ping')]


def test_what_the_server_will_not_show_is_null(fake):
    define_rules(fake)
    fake.user_api = False                       # no [auth]
    fake.reject(403, 'forbidden', method='GET', match='/kapacitor/v1/tasks')
    found = info(sections=[])
    assert found['users'] is None
    assert found['tasks'] is None
    assert [template['id'] for template in found['templates']] == ['cpu-tpl']
