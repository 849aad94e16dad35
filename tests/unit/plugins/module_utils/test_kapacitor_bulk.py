# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The bulk run (kapacitor_alert_endpoints) as a task: validated by its argument spec, run by
run_task with the shared fake Kapacitor in place of the client."""

import json
import os

import pytest
import yaml

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.tick.kapacitor.plugins.module_utils import kapacitor_bulk
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_bulk import BULK_TASK, element_label
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_runner import Context, TaskFailed, run_task
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import SECTIONS
from ansible_collections.tick.kapacitor.tests.unit.plugins.module_utils.fake_kapacitor import FakeKapacitor

COLLECTION = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', '..'))
CONFIG = '/kapacitor/v1/config'
CANARY = 'CANARY-bulk-7f3a'


def load_samples():
    with open(os.path.join(COLLECTION, 'tests', 'samples.yml')) as handle:
        return yaml.safe_load(handle)['sections']


SAMPLES = load_samples()


@pytest.fixture
def fake(monkeypatch):
    """The shared fake, handed to run_bulk in place of KapacitorClient.from_params."""
    server = FakeKapacitor()

    class Client:
        @staticmethod
        def from_params(params):
            return server
    monkeypatch.setattr(kapacitor_bulk, 'KapacitorClient', Client)
    return server


def bulk(endpoints, check_mode=False, diff=True, **args):
    """Run the task as either front end would: validate the arguments, then run_task."""
    args = dict(args, endpoints=endpoints, kapacitor_url='http://kapacitor.test:9092')
    validated = ArgumentSpecValidator(BULK_TASK.argument_spec).validate(args)
    assert validated.error_messages == []
    return run_task(BULK_TASK, Context(validated.validated_parameters, raw_params=args,
                                       check_mode=check_mode, diff=diff))


def failed_bulk(endpoints, **kwargs):
    with pytest.raises(TaskFailed) as failed:
        bulk(endpoints, **kwargs)
    return failed.value


def posts(fake):
    return [(path, body) for method, path, body in fake.writes()]


# -- requests ---------------------------------------------------------------------------------

def test_unchanged_endpoints_are_one_get_and_no_write(fake):
    fake.set_options('telegram', '', {'chat-id': '42'})
    fake.set_options('slack', '', channel='#ops')
    result = bulk({'telegram': {'chat_id': '42'}, 'slack': [{'workspace': '', 'channel': '#ops'}]})
    assert result['changed'] is False
    assert fake.requests == [('GET', CONFIG)]
    assert result['endpoints'] == {
        'slack/': {'changed': False, 'changed_options': [], 'state': 'present'},
        'telegram': {'changed': False, 'changed_options': [], 'state': 'present'}}
    assert result['config']['telegram']['chat_id'] == '42'
    assert result['kapacitor_version'] == '1.8.3'


CHANGES = {
    'pagerduty2': {'url': 'https://events.pagerduty.com/v2/enqueue'},  # Kapacitor's default: unchanged
    'slack': [{'workspace': '', 'channel': '#ops'}, {'workspace': 'ops', 'channel': '#team'}],
    'telegram': {'chat_id': '42', 'disable_notification': True},
}


def test_each_differing_element_is_one_post_and_the_config_is_read_back_once(fake):
    result = bulk(CHANGES)
    assert result['changed'] is True
    assert fake.requests == [
        ('GET', CONFIG),
        ('POST', CONFIG + '/slack/', {'set': {'channel': '#ops'}}),
        ('POST', CONFIG + '/slack', {'add': {'workspace': 'ops', 'channel': '#team'}}),
        ('POST', CONFIG + '/telegram/', {'set': {'chat-id': '42', 'disable-notification': True}}),
        ('GET', CONFIG),
    ]
    assert result['endpoints'] == {
        'pagerduty2': {'changed': False, 'changed_options': [], 'state': 'present'},
        'slack/': {'changed': True, 'changed_options': ['channel'], 'state': 'present'},
        'slack/ops': {'changed': True, 'changed_options': ['channel'], 'state': 'present'},
        'telegram': {'changed': True, 'changed_options': ['chat_id', 'disable_notification'], 'state': 'present'}}
    # config is what Kapacitor reports after the writes: an added workspace starts from Go's zero values
    assert result['config']['slack/ops']['username'] == '' and result['config']['slack/ops']['default'] is False
    assert fake.stored('slack', 'ops')['channel'] == '#team'
    assert fake.stored('telegram')['chat-id'] == '42'


def test_check_mode_writes_nothing_but_reports_the_same_changes(fake):
    predicted = bulk(CHANGES, check_mode=True)
    assert fake.requests == [('GET', CONFIG)]
    assert fake.stored('slack', 'ops') is None and fake.stored('telegram')['chat-id'] == ''
    applied = bulk(CHANGES)
    assert predicted['changed'] is applied['changed'] is True
    assert predicted['endpoints'] == applied['endpoints']
    assert predicted['diff'] == applied['diff']
    for label, outcome in applied['endpoints'].items():
        for name in outcome['changed_options']:
            assert predicted['config'][label][name] == applied['config'][label][name], (label, name)


def test_the_diff_has_one_entry_per_changed_endpoint_with_secrets_masked(fake):
    fake.set_options('slack', '', url='https://hooks.example/old')
    result = bulk({'slack': [{'workspace': '', 'url': 'https://hooks.example/' + CANARY, 'channel': '#a'}],
                   'pagerduty2': {'routing_key': CANARY, 'global': False},
                   'telegram': {'chat_id': ''}}, update_secrets='always')
    assert [(d['before_header'], d['after_header']) for d in result['diff']] == [
        ('pagerduty2', 'pagerduty2'), ('slack/', 'slack/')], 'telegram did not change'
    pagerduty2, slack = result['diff']
    assert (pagerduty2['before']['routing_key'], pagerduty2['after']['routing_key']) == ('<unset>', '<set>')
    assert (slack['before']['url'], slack['after']['url']) == ('<set>', '<updated>')
    assert (slack['before']['channel'], slack['after']['channel']) == ('', '#a')
    assert pagerduty2['before']['global'] is False and pagerduty2['after']['global'] is False
    assert CANARY not in json.dumps(result)
    assert 'diff' not in bulk({'telegram': {'chat_id': '1'}}, diff=False)


# -- state, prune, duplicates -------------------------------------------------------------------

def test_absent_removes_a_list_element_and_resets_a_single_section(fake):
    fake.add_element('slack', {'workspace': 'ops', 'channel': '#ops'})
    fake.set_options('telegram', '', {'chat-id': '42'})
    given = {'slack': [{'workspace': 'ops', 'state': 'absent'}], 'telegram': {'state': 'absent'}}
    result = bulk(given)
    assert posts(fake) == [(CONFIG + '/slack', {'remove': ['ops']}), (CONFIG + '/telegram', {'remove': ['']})]
    assert result['changed'] is True
    assert result['endpoints']['slack/ops'] == {'changed': True, 'changed_options': [], 'state': 'absent'}
    assert result['endpoints']['telegram'] == {'changed': True, 'changed_options': [], 'state': 'absent'}
    assert fake.stored('slack', 'ops') is None
    assert fake.stored('telegram')['chat-id'] == '', "the single section is back to kapacitor.conf's values"
    assert result['config']['slack/ops'] == {} and result['config']['telegram']['chat_id'] == ''
    fake.requests = []
    again = bulk(given)
    assert again['changed'] is False
    assert [e['changed'] for e in again['endpoints'].values()] == [False, False]
    assert posts(fake) == [(CONFIG + '/telegram', {'remove': ['']})], (
        'a missing element needs nothing; a single section always exists and may have an override')


def test_prune_removes_the_overrides_of_unlisted_sections_and_reports_only_what_changed(fake):
    fake.add_element('slack', {'workspace': 'ops', 'channel': '#ops'})
    fake.add_element('slack', {'workspace': 'dev', 'channel': '#dev'})
    fake.set_options('telegram', '', {'chat-id': '42'})
    listed = {'slack': [{'workspace': 'dev', 'channel': '#main'}]}
    result = bulk(listed, prune=True)
    removed = dict(posts(fake)[1:])
    assert posts(fake)[0] == (CONFIG + '/slack/dev', {'set': {'channel': '#main'}})
    assert removed[CONFIG + '/slack'] == {'remove': ['', 'ops']}, 'the listed workspace stays'
    assert removed[CONFIG + '/telegram'] == {'remove': ['']}
    assert removed[CONFIG + '/httppost'] == {'remove': ['alerts', 'example']}
    assert set(path.rsplit('/', 1)[1] for path in removed) == set(SECTIONS), 'every alert section, not influxdb'
    assert [r for r in fake.requests if r[0] == 'GET'] == [('GET', CONFIG)] * 2
    pruned = sorted(label for label, outcome in result['endpoints'].items() if outcome['state'] == 'pruned')
    assert pruned == ['slack/ops', 'telegram'], 'only the removals that changed the effective config'
    assert result['endpoints']['telegram'] == {'changed': True, 'changed_options': [], 'state': 'pruned'}
    assert result['changed'] is True
    assert fake.stored('slack', 'ops') is None and fake.stored('telegram')['chat-id'] == ''
    assert fake.stored('slack', 'dev')['channel'] == '#main'
    assert [d['before_header'] for d in result['diff']] == ['slack/dev', 'slack/ops', 'telegram']
    assert result['diff'][1]['after'] == {} and result['diff'][2]['after']['chat_id'] == ''
    again = bulk(listed, prune=True)
    assert again['changed'] is False
    assert [label for label, outcome in again['endpoints'].items() if outcome['state'] == 'pruned'] == []


def test_prune_in_check_mode_writes_nothing(fake):
    fake.set_options('telegram', '', {'chat-id': '42'})
    result = bulk({'slack': [{'workspace': '', 'channel': ''}]}, prune=True, check_mode=True)
    assert fake.requests == [('GET', CONFIG)]
    assert result['changed'] is True
    assert result['endpoints']['telegram']['state'] == 'pruned'
    assert fake.stored('telegram')['chat-id'] == '42'


def test_an_element_listed_twice_is_refused_before_any_request(fake):
    failed = failed_bulk({'slack': [{'workspace': 'ops', 'channel': '#a'}, {'workspace': 'ops', 'channel': '#b'}]})
    assert failed.msg == "endpoints.slack[1]: workspace 'ops' is listed twice"
    assert failed.result['changed'] is False
    assert fake.requests == []


def test_a_bad_endpoint_fails_validation_before_any_request(fake):
    failed = failed_bulk({'telegram': {'chat_id': '42'}, 'smtp': {'idle_timeout': 'soon'}})
    assert failed.msg.startswith('endpoints.smtp: idle_timeout: ')
    assert fake.requests == []


def test_a_non_string_secret_is_rejected_before_any_request(fake):
    failed = failed_bulk({'telegram': {'token': False}})
    assert failed.msg.startswith('endpoints.telegram: token: got a boolean')
    assert fake.requests == []


def test_a_rejected_endpoint_after_others_were_written_fails_with_changed_and_names_both(fake):
    failed = failed_bulk({'pagerduty2': {'url': 'https://pd.example/v2'},
                          'slack': [{'workspace': '', 'channel': '#ops'}],
                          'telegram': {'enabled': True}})  # written last (sections go in name order); no token
    assert failed.msg.startswith('endpoints written before the failure: pagerduty2, slack/; failed: telegram: ')
    assert 'must specify token' in failed.msg
    assert failed.result['changed'] is True
    assert failed.result['endpoints']['slack/']['changed'] is True
    assert fake.stored('slack')['channel'] == '#ops', 'what was reported as written is on the server'
    assert fake.stored('telegram')['enabled'] is False


def test_an_option_a_concurrent_writer_undid_is_written_again(fake):
    fake.inject('POST', after=lambda f: f.set_options('telegram', '', {'chat-id': 'theirs'}))
    result = bulk({'telegram': {'chat_id': 'ours'}})
    assert result['changed'] is True
    assert fake.stored('telegram')['chat-id'] == 'ours'
    assert result['config']['telegram']['chat_id'] == 'ours'
    assert [r[0] for r in fake.requests] == ['GET', 'POST', 'GET', 'POST', 'GET']


# -- test alerts and secrets --------------------------------------------------------------------

TESTED = {
    'slack': [{'workspace': '', 'enabled': True, 'url': 'https://hooks.slack.example/' + CANARY}],
    'telegram': {'chat_id': '42'},                                   # changed, not enabled
    'pagerduty2': {'url': 'https://events.pagerduty.com/v2/enqueue'},  # unchanged
}
SLACK_TEST = '/kapacitor/v1/service-tests/slack'


def test_test_changed_tests_only_the_changed_and_enabled_endpoints(fake):
    result = bulk(TESTED, test_changed=True)
    assert result['test_alerts'] == {
        'slack/': {'success': True, 'message': ''},
        'telegram': {'success': True, 'skipped': True, 'message': 'not enabled: no test sent'}}
    tests = [r for r in fake.requests if '/service-tests/' in r[1]]
    assert tests == [('POST', SLACK_TEST, {'channel': '', 'workspace': ''})], 'after the writes, once'
    assert fake.requests.index(tests[0]) == len(fake.requests) - 1


def test_a_failed_test_alert_fails_the_task_with_its_message_and_the_changes(fake):
    fake.test_answers['slack'] = {'success': False, 'message': 'Post "https://hooks.slack.example/%s": '
                                                               'dial tcp: connection refused' % CANARY}
    failed = failed_bulk(TESTED, test_changed=True)
    assert failed.msg == 'test alerts failed: slack/: Post ********: dial tcp: connection refused'
    assert failed.result['changed'] is True
    assert failed.result['test_alerts']['slack/']['success'] is False
    assert fake.stored('slack')['enabled'] is True, 'the configuration was written before the test'
    assert CANARY not in json.dumps(failed.result) + failed.msg


def test_no_test_alert_is_sent_in_check_mode(fake):
    fake.test_answers['slack'] = {'success': False, 'message': 'would fail'}
    result = bulk(TESTED, test_changed=True, check_mode=True)
    assert fake.requests == [('GET', CONFIG)]
    assert 'test_alerts' not in result
    assert result['changed'] is True


def test_update_secrets_always_resends_the_given_secrets(fake):
    fake.set_options('slack', '', url='https://hooks.example/old')
    given = {'slack': [{'workspace': '', 'url': 'https://hooks.example/new'}]}
    assert bulk(given)['changed'] is False
    assert fake.writes() == []
    result = bulk(given, update_secrets='always')
    assert result['changed'] is True
    assert posts(fake) == [(CONFIG + '/slack/', {'set': {'url': 'https://hooks.example/new'}})]
    assert result['diff'][0]['after']['url'] == '<updated>'
    assert fake.stored('slack')['url'] == 'https://hooks.example/new'


def test_secrets_never_appear_in_the_result(fake):
    given = {
        'slack': [{'workspace': '', 'url': 'https://hooks.slack.example/' + CANARY + '-url', 'enabled': True,
                   'test_options': {'channel': '#t'}}],
        'telegram': {'token': CANARY + '-token', 'chat_id': '1'},
        'pagerduty2': {'routing_key': CANARY + '-rk'},
        'httppost': [{'endpoint': 'alerts', 'headers': {'Authorization': 'Bearer ' + CANARY + '-hdr'},
                      'basic_auth': {'username': 'u', 'password': CANARY + '-pw'}}],
        'kafka': [{'id': 'default', 'sasl_password': CANARY + '-sasl'}],
    }
    for check_mode in (True, False):
        result = bulk(given, check_mode=check_mode, test_changed=True)
        assert CANARY not in json.dumps(result), 'check mode' if check_mode else 'applied'
    assert fake.stored('kafka', 'default')['SASLAuth']['SASLPassword'] == CANARY + '-sasl', 'but they were written'
    assert fake.stored('httppost', 'alerts')['basic-auth'] == {'username': 'u', 'password': CANARY + '-pw'}
    result = bulk(given, update_secrets='always')
    assert CANARY not in json.dumps(result)


# -- every section, from tests/samples.yml ------------------------------------------------------

def test_every_section_has_a_sample_and_every_sample_a_section():
    assert sorted(SAMPLES) == sorted(SECTIONS)
    for name, sample in SAMPLES.items():
        section = SECTIONS[name]
        assert section.is_list == ('element' in sample), name
        assert sample['change']['option'] in section.options, name
        first, second = sample['change']['values']
        assert first != second, name


@pytest.mark.parametrize('name', sorted(SAMPLES))
def test_each_sections_sample_change_converges_through_the_bulk_run(fake, name):
    section = SECTIONS[name]
    sample = SAMPLES[name]
    option, values = sample['change']['option'], sample['change']['values']
    element = sample.get('element', '')
    label = element_label(section, element)

    def endpoints(value):
        given = {option: value}
        if section.is_list:
            given[section.element_key] = element
            return {name: [given]}
        return {name: given}
    for value in values:
        fake.requests = []
        result = bulk(endpoints(value))
        assert result['changed'] is True, value
        assert result['endpoints'][label] == {'changed': True, 'changed_options': [option], 'state': 'present'}
        shown = True if section.options[option].secret else value
        assert result['config'][label][option] == shown
        assert [r[0] for r in fake.requests] == ['GET', 'POST', 'GET']
    fake.requests = []
    again = bulk(endpoints(values[-1]))
    assert again['changed'] is False
    assert again['endpoints'][label]['changed'] is False
    assert fake.requests == [('GET', CONFIG)]


# -- secrets: the secret options of listed endpoints, kept apart ----------------------------------

def test_secrets_are_merged_into_the_listed_endpoints_by_section_and_element(fake):
    endpoints = {'telegram': {'enabled': True, 'chat_id': '42'},
                 'slack': [{'workspace': '', 'channel': '#all'}, {'workspace': 'ops', 'channel': '#ops'}],
                 'kafka': [{'id': 'events', 'sasl_username': 'user'}]}
    secrets = {'telegram': {'token': CANARY + '-token'},
               'slack': {'': {'url': 'https://hooks.example/' + CANARY + '-default'},
                         'ops': {'url': 'https://hooks.example/' + CANARY + '-ops'}},
               'kafka': {'events': {'sasl_password': CANARY + '-sasl'}}}
    result = bulk(endpoints, secrets=secrets)
    assert result['changed'] is True
    assert fake.stored('telegram')['token'] == CANARY + '-token'
    assert fake.stored('slack')['url'] == 'https://hooks.example/' + CANARY + '-default'
    assert fake.stored('slack', 'ops')['url'] == 'https://hooks.example/' + CANARY + '-ops'
    assert fake.stored('kafka', 'events')['SASLAuth'] == dict(
        fake.stored('kafka', 'events')['SASLAuth'], SASLUsername='user', SASLPassword=CANARY + '-sasl')
    assert result['config']['telegram']['token'] is True
    assert CANARY not in json.dumps(result)
    fake.requests = []
    again = bulk(endpoints, secrets=secrets)
    assert again['changed'] is False
    assert fake.requests == [('GET', CONFIG)]


def test_a_secret_in_secrets_is_compared_like_one_in_endpoints(fake):
    fake.set_options('teams', '', {'channel-url': 'https://teams.example/old'})  # shown in clear
    result = bulk({'teams': {'enabled': False}}, secrets={'teams': {'channel_url': 'https://teams.example/new'}})
    assert result['endpoints']['teams']['changed_options'] == ['channel_url']
    assert fake.stored('teams')['channel-url'] == 'https://teams.example/new'


def test_dict_secrets_are_checked_like_their_options(fake):
    result = bulk({'httppost': [{'endpoint': 'alerts'}]},
                  secrets={'httppost': {'alerts': {'headers': {'Authorization': 'Bearer ' + CANARY},
                                                   'basic_auth': {'username': 'u', 'password': CANARY}}}})
    assert result['changed'] is True
    assert fake.stored('httppost', 'alerts')['headers'] == {'Authorization': 'Bearer ' + CANARY}
    assert fake.stored('httppost', 'alerts')['basic-auth'] == {'username': 'u', 'password': CANARY}
    assert CANARY not in json.dumps(result)


BAD_SECRETS = {
    'a null left in a filled-in secrets_required': (
        {'slack': [{'workspace': 'ops'}]}, {'slack': {'ops': {'url': None}}},
        'secrets.slack.ops.url: no value given'),
    'a null element': (
        {'slack': [{'workspace': 'ops'}]}, {'slack': {'ops': None}},
        "secrets.slack.ops: got null; give a dictionary of the workspace's secret options"),
    'given in both places': (
        {'telegram': {'token': CANARY}}, {'telegram': {'token': CANARY}},
        'endpoints.telegram: token is given both here and in secrets; give it once'),
    'an element endpoints does not list': (
        {'slack': [{'workspace': 'ops'}]}, {'slack': {'opps': {'url': CANARY}}},
        'secrets.slack.opps: endpoints does not list this endpoint (secrets only fill in the endpoints '
        'that endpoints lists)'),
    'the default workspace, not listed': (
        {'slack': [{'workspace': 'ops'}]}, {'slack': {'': {'url': CANARY}}},
        'secrets.slack."": endpoints does not list this endpoint (secrets only fill in the endpoints '
        'that endpoints lists)'),
    'a section endpoints does not list': (
        {'slack': [{'workspace': 'ops'}]}, {'telegram': {'token': CANARY}},
        'secrets.telegram: endpoints does not list this endpoint (secrets only fill in the endpoints '
        'that endpoints lists)'),
    'an option that is not a secret': (
        {'telegram': {}}, {'telegram': {'chat_id': '42'}},
        "secrets.telegram: 'chat_id' is not a secret option of telegram (its secrets: token); give it in endpoints"),
    'an unknown section': (
        {'telegram': {}}, {'telegrma': {'token': CANARY}}, "secrets: 'telegrma' is not an alert section"),
    'a boolean for a string': (
        {'telegram': {}}, {'telegram': {'token': False}},
        'secrets.telegram.token: got a boolean (false); give a string (quote it in YAML)'),
    'a string for a dictionary': (
        {'httppost': [{'endpoint': 'alerts'}]}, {'httppost': {'alerts': {'headers': CANARY}}},
        'secrets.httppost.alerts.headers: got a string; give a dictionary'),
    'a header that is not a string': (
        {'httppost': [{'endpoint': 'alerts'}]}, {'httppost': {'alerts': {'headers': {'X-Count': 3}}}},
        "secrets.httppost.alerts.headers: the value of 'X-Count' must be a string"),
    'a list section given a list': (
        {'slack': [{'workspace': 'ops'}]}, {'slack': [{'workspace': 'ops', 'url': CANARY}]},
        'secrets.slack: got a list; give a dictionary'),
}


@pytest.mark.parametrize('case', sorted(BAD_SECRETS))
def test_bad_secrets_fail_before_any_request_naming_the_place_and_never_the_value(fake, case):
    endpoints, secrets, message = BAD_SECRETS[case]
    failed = failed_bulk(endpoints, secrets=secrets)
    assert failed.msg.startswith(message), failed.msg
    assert CANARY not in failed.msg
    assert failed.result['changed'] is False
    assert fake.requests == []


def test_a_number_for_a_string_secret_becomes_its_text(fake):
    bulk({'pagerduty2': {'enabled': False}}, secrets={'pagerduty2': {'routing_key': 1234}})
    assert fake.stored('pagerduty2')['routing-key'] == '1234'


def test_the_secrets_option_is_no_log():
    assert BULK_TASK.argument_spec['secrets'] == {'type': 'dict', 'no_log': True}


# -- retired services warn only when they are used --------------------------------------------

@pytest.mark.parametrize('given, warns', [
    ({'enabled': False}, False),
    ({'enabled': True, 'service_key': CANARY}, True),
    ({'url': 'https://events.pagerduty.com/generic/2010-04-15/create_event.json'}, True),
    ({'state': 'absent'}, False),
])
def test_a_retired_section_listed_disabled_does_not_warn(fake, given, warns):
    args = {'endpoints': {'pagerduty': given}, 'kapacitor_url': 'http://kapacitor.test:9092'}
    validated = ArgumentSpecValidator(BULK_TASK.argument_spec).validate(args)
    ctx = Context(validated.validated_parameters, raw_params=args)
    run_task(BULK_TASK, ctx)
    assert bool([w for w in ctx.warnings if 'PagerDuty retired' in w]) is warns, ctx.warnings
