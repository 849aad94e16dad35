# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The engine (SectionRun, plan_element) against the shared fake Kapacitor."""

import json

import pytest

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_client import KapacitorError
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_engine import (
    SectionRun, diff_view, plan_element, public_view)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_secrets import scrub
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import KAFKA, SLACK, TELEGRAM
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_spec import Option, Section, SpecError
from ansible_collections.tick.kapacitor.tests.unit.plugins.module_utils.fake_kapacitor import FakeKapacitor

SLACK_PATH = '/kapacitor/v1/config/slack/'
# Slack's default workspace as Kapacitor 1.8.3 shows it without overrides (the fake starts there).
SLACK_DEFAULT = {
    'enabled': False, 'default': True, 'workspace': '', 'url': False, 'token': False,
    'channel': '', 'username': 'kapacitor', 'icon-emoji': '', 'global': False,
    'state-changes-only': False, 'ssl-ca': '', 'ssl-cert': '', 'ssl-key': '',
    'insecure-skip-verify': False,
}
SMTPISH = Section('smtp', {
    'host': Option('str'), 'port': Option('int'), 'password': Option('str', secret=True),
    'to': Option('list'), 'idle_timeout': Option('duration'),
    'hook': Option('str', secret=True, redacted=False),
})
SMTPISH_CURRENT = {'host': 'localhost', 'port': 25, 'password': False, 'to': None,
                   'idle-timeout': '30s', 'hook': 'https://hooks.example/abc'}


def run(section, fake, check_mode=False, update_secrets='on_create', **params):
    params.setdefault('state', 'present')
    if section.is_list:
        params.setdefault(section.element_key, section.element_default)
    return SectionRun(section, fake, params, update_secrets=update_secrets, check_mode=check_mode).run()


def test_the_fake_starts_where_kapacitor_1_8_3_does():
    assert FakeKapacitor().get(SLACK_PATH)['options'] == SLACK_DEFAULT


def test_unchanged_element_is_one_get_and_no_write():
    fake = FakeKapacitor()
    fake.set_options('slack', '', channel='#alerts')
    result = run(SLACK, fake, channel='#alerts', username='kapacitor')
    assert result['changed'] is False
    assert fake.requests == [('GET', SLACK_PATH)]


def test_change_is_get_one_set_with_only_the_difference_then_read_back():
    fake = FakeKapacitor()
    result = run(SLACK, fake, channel='#alerts', username='kapacitor', enabled=True,
                 url='https://hooks.slack.example/T0/B0/xyz')
    assert result['changed'] is True
    assert result['changed_options'] == ['channel', 'enabled', 'url']
    assert fake.requests == [
        ('GET', SLACK_PATH),
        ('POST', SLACK_PATH, {'set': {
            'channel': '#alerts', 'enabled': True, 'url': 'https://hooks.slack.example/T0/B0/xyz'}}),
        ('GET', SLACK_PATH),
    ]
    assert result['config']['url'] is True
    assert fake.stored('slack')['url'] == 'https://hooks.slack.example/T0/B0/xyz'
    assert 'hooks.slack' not in json.dumps(result)


def test_check_mode_reads_and_never_writes_but_predicts():
    fake = FakeKapacitor()
    result = run(SLACK, fake, check_mode=True, channel='#x', url='https://secret.example/hook')
    assert result['changed'] is True
    assert fake.writes() == []
    assert fake.stored('slack')['channel'] == ''
    assert result['config']['channel'] == '#x'
    assert result['diff']['before']['url'] == '<unset>'
    assert result['diff']['after']['url'] == '<set>'
    assert 'secret.example' not in json.dumps(result)


def test_missing_workspace_is_added_with_all_given_options_and_key():
    fake = FakeKapacitor()
    result = run(SLACK, fake, workspace='ops', channel='#ops', enabled=False)
    assert result['changed'] is True
    post = fake.writes()[0]
    assert post == ('POST', '/kapacitor/v1/config/slack',
                    {'add': {'workspace': 'ops', 'channel': '#ops', 'enabled': False}})
    assert result['diff']['before'] == {}
    assert fake.stored('slack', 'ops')['channel'] == '#ops'


def test_existing_workspace_is_never_added_again():
    fake = FakeKapacitor()
    fake.add_element('slack', {'workspace': 'ops'})
    run(SLACK, fake, workspace='ops', channel='#new')
    (method, path, body), = fake.writes()
    assert path == '/kapacitor/v1/config/slack/ops'
    assert body == {'set': {'channel': '#new'}}
    assert 'workspace' not in body['set']


def test_redacted_secret_on_create_only_sent_when_unset():
    current = dict(SLACK_DEFAULT, url=True)
    plan = plan_element(SLACK, {'url': 'https://new'}, current, 'on_create')
    assert plan.changes == {}
    plan = plan_element(SLACK, {'url': 'https://new'}, current, 'always')
    assert plan.changes == {'url': 'https://new'}
    assert plan.sent_secrets == ['url']
    plan = plan_element(SLACK, {'url': 'https://new'}, dict(SLACK_DEFAULT), 'on_create')
    assert plan.changes == {'url': 'https://new'}
    plan = plan_element(SLACK, {'url': ''}, current, 'on_create')
    assert plan.changes == {'url': ''}, 'clearing a set secret is a change'
    plan = plan_element(SLACK, {'url': ''}, dict(SLACK_DEFAULT), 'always')
    assert plan.changes == {}, 'an unset secret asked to stay unset is no change'


def test_readable_secret_is_compared_exactly_but_masked():
    plan = plan_element(SMTPISH, {'hook': 'https://hooks.example/abc'}, SMTPISH_CURRENT, 'on_create')
    assert plan.changes == {}
    plan = plan_element(SMTPISH, {'hook': 'https://hooks.example/new'}, SMTPISH_CURRENT, 'on_create')
    assert plan.changes == {'hook': 'https://hooks.example/new'}
    view = public_view(SMTPISH, SMTPISH_CURRENT)
    assert view['hook'] is True
    assert diff_view(SMTPISH, SMTPISH_CURRENT)['hook'] == '<set>'


def test_durations_lists_and_ints_are_compared_normalised():
    desired = {'idle_timeout': '30s', 'to': [], 'port': 25}
    assert plan_element(SMTPISH, desired, SMTPISH_CURRENT, 'on_create').changes == {}
    desired = {'idle_timeout': '1m', 'to': ['a@example.com'], 'port': 587}
    assert plan_element(SMTPISH, desired, SMTPISH_CURRENT, 'on_create').changes == desired
    current = dict(SMTPISH_CURRENT, **{'idle-timeout': '1m0s'})
    assert plan_element(SMTPISH, {'idle_timeout': '60s'}, current, 'on_create').changes == {}


def test_choices_kapacitor_folds_are_compared_in_any_case():
    """A second run naming Telegram's parse mode or Kafka's OAuth service in another case
    than the stored one reports ok and writes nothing."""
    fake = FakeKapacitor()
    fake.set_options('telegram', '', **{'parse-mode': 'Markdown'})
    fake.requests = []
    result = run(TELEGRAM, fake, parse_mode='markdown')
    assert result['changed'] is False
    assert fake.writes() == []
    result = run(TELEGRAM, fake, parse_mode='hTmL')
    assert result['changed'] is True
    assert fake.stored('telegram')['parse-mode'] == 'hTmL'  # written as given, as Kapacitor keeps it
    fake.requests = []
    assert run(TELEGRAM, fake, parse_mode='HTML')['changed'] is False
    assert fake.writes() == []

    assert run(KAFKA, fake, id='default', sasl_oauth_service='AzureAD')['changed'] is True
    assert fake.stored('kafka', 'default')['SASLAuth']['SASLOAUTHService'] == 'AzureAD'
    fake.requests = []
    result = run(KAFKA, fake, id='default', sasl_oauth_service='azuread')
    assert result['changed'] is False
    assert fake.writes() == []


def test_a_choice_kapacitor_would_refuse_fails_before_any_request():
    fake = FakeKapacitor()
    with pytest.raises(SpecError) as err:
        run(TELEGRAM, fake, parse_mode='MarkdownV2')
    assert str(err.value).startswith("parse_mode: 'MarkdownV2' is not one of ")
    assert fake.requests == []


def test_a_duration_written_reads_back_as_kapacitor_prints_it_and_converges():
    from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import SMTP
    fake = FakeKapacitor()
    assert run(SMTP, fake, idle_timeout='60s')['changed'] is True
    assert fake.stored('smtp')['idle-timeout'] == '1m0s'
    fake.requests = []
    assert run(SMTP, fake, idle_timeout='1m')['changed'] is False
    assert fake.writes() == []


def test_update_secrets_always_shows_updated_in_diff_and_never_the_value():
    fake = FakeKapacitor()
    fake.set_options('slack', '', url='https://hooks/old')
    result = run(SLACK, fake, check_mode=True, url='https://hooks/xyz', update_secrets='always')
    assert result['changed'] is True
    assert result['diff']['after']['url'] == '<updated>'
    assert 'hooks/xyz' not in json.dumps(result)


def test_the_explicit_update_secrets_wins_over_one_in_the_params():
    """SectionRun takes update_secrets as an argument; the params dict is not read for it."""
    fake = FakeKapacitor()
    fake.set_options('slack', '', url='https://hooks/old')
    params = {'state': 'present', 'workspace': '', 'url': 'https://hooks/new', 'update_secrets': 'always'}
    result = SectionRun(SLACK, fake, dict(params), update_secrets='on_create').run()
    assert result['changed'] is False
    assert fake.writes() == []
    assert fake.stored('slack')['url'] == 'https://hooks/old'
    params['update_secrets'] = 'on_create'
    result = SectionRun(SLACK, fake, dict(params), update_secrets='always').run()
    assert result['changed'] is True
    assert fake.writes() == [('POST', SLACK_PATH, {'set': {'url': 'https://hooks/new'}})]
    assert fake.stored('slack')['url'] == 'https://hooks/new'


def test_rejection_names_the_option_in_one_line():
    fake = FakeKapacitor()
    # Kapacitor's own refusal of a number for a string option (the type Ansible would have fixed)
    with pytest.raises(KapacitorError) as err:
        run(SLACK, fake, channel=5)
    assert err.value.message.startswith("slack workspace '': Kapacitor rejected option channel: ")
    assert err.value.message.endswith('cannot set option channel: wrong kind float64, expected value of kind string: false')
    # Slack's validation: enabling needs a URL; the run names every option it sent
    with pytest.raises(KapacitorError) as err:
        run(SLACK, fake, enabled=True, icon_emoji=':x:')
    assert 'Kapacitor rejected options enabled, icon_emoji: ' in err.value.message
    assert 'must specify url' in err.value.message
    stored = fake.stored('slack')
    assert (stored['channel'], stored['enabled'], stored['icon-emoji']) == ('', False, ''), 'nothing was stored'


def test_unknown_section_names_server_version_and_first_version():
    zenoss = Section('zenoss', {'url': Option('str')}, since='1.6.0')
    fake = FakeKapacitor(version='1.5.9', without=['zenoss'])
    with pytest.raises(KapacitorError) as err:
        run(zenoss, fake, url='https://z')
    assert err.value.message == "Kapacitor 1.5.9 has no 'zenoss' section (it first appears in Kapacitor 1.6.0)"


def test_absent_removes_api_element_and_is_idempotent():
    fake = FakeKapacitor()
    fake.add_element('slack', {'workspace': 'ops'})
    result = run(SLACK, fake, workspace='ops', state='absent')
    assert result['changed'] is True
    assert fake.writes() == [('POST', '/kapacitor/v1/config/slack', {'remove': ['ops']})]
    assert fake.stored('slack', 'ops') is None
    fake.requests = []
    result = run(SLACK, fake, workspace='ops', state='absent')
    assert result['changed'] is False
    assert fake.writes() == []


def test_absent_on_single_section_removes_the_override_by_empty_name():
    fake = FakeKapacitor()
    result = run(TELEGRAM, fake, state='absent')
    assert fake.writes() == [('POST', '/kapacitor/v1/config/telegram', {'remove': ['']})]
    assert result['changed'] is False, 'no override: nothing visibly changed, so nothing is reported'
    fake.set_options('telegram', '', {'chat-id': '42'})
    fake.requests = []
    result = run(TELEGRAM, fake, state='absent')
    assert fake.writes() == [('POST', '/kapacitor/v1/config/telegram', {'remove': ['']})]
    assert result['changed'] is True
    assert result['diff']['before']['chat_id'] == '42' and result['diff']['after']['chat_id'] == ''
    assert fake.stored('telegram')['chat-id'] == '', "back to kapacitor.conf's value"


def test_scrub_masks_echoed_secrets():
    text = 'parse "http://a b/xyz": invalid character'
    assert scrub(text, ['http://a b/xyz', None, '']) == 'parse ********: invalid character'


def test_lost_race_to_add_becomes_a_set_on_the_element_that_now_exists():
    fake = FakeKapacitor()
    # another run adds it first; Kapacitor drops the connection on the second add
    fake.inject('POST', match='/config/slack', before=lambda f: f.add_element(
        'slack', {'workspace': 'ops', 'channel': '#theirs'}))
    result = run(SLACK, fake, workspace='ops', channel='#ours')
    assert result['changed'] is True
    assert fake.writes() == [
        ('POST', '/kapacitor/v1/config/slack', {'add': {'workspace': 'ops', 'channel': '#ours'}}),
        ('POST', '/kapacitor/v1/config/slack/ops', {'set': {'channel': '#ours'}}),
    ]
    assert fake.stored('slack', 'ops')['channel'] == '#ours'
    assert result['config']['channel'] == '#ours'


def test_lost_race_with_the_same_values_writes_nothing_more_and_reports_the_change():
    """The element did not exist when the run started and exists now as asked: that is a
    change of the host during the task, whichever run's add landed."""
    fake = FakeKapacitor()
    fake.inject('POST', before=lambda f: f.add_element('slack', {'workspace': 'ops', 'channel': '#same'}))
    result = run(SLACK, fake, workspace='ops', channel='#same')
    assert result['changed'] is True
    assert len(fake.writes()) == 1


def test_failed_test_alert_never_quotes_a_stored_webhook_url():
    """Kapacitor keeps some webhook URLs in clear and quotes them in test errors."""
    section = Section('teams', {'enabled': Option('bool'),
                                'channel_url': Option('str', secret=True, redacted=False)})
    fake = FakeKapacitor()
    fake.set_options('teams', '', {'enabled': True, 'channel-url': 'http://127.0.0.1:1/CANARY-hook'})
    fake.test_answers['teams'] = {'success': False,
                                  'message': 'Post "http://127.0.0.1:1/CANARY-hook": connection refused'}
    run_ = SectionRun(section, fake, {'state': 'present', 'enabled': True}, update_secrets='on_create')
    run_.run()
    assert run_.test() == {'success': False, 'message': 'Post ********: connection refused'}


def test_scrub_masks_the_longest_secret_first():
    assert scrub('token abc123xyz', ['abc', 'abc123xyz']) == 'token ********'


def test_test_messages_keep_only_the_host_of_quoted_urls():
    """Go quotes request URLs whole; handlers put redacted secrets in their paths."""
    from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_secrets import scrub_test_message
    message = 'Post "http://127.0.0.1:1/alert/api-key-CANARY/team?auth=x": dial tcp 127.0.0.1:1: refused'
    assert scrub_test_message(message, []) == 'Post "http://127.0.0.1:1/...": dial tcp 127.0.0.1:1: refused'
    assert scrub_test_message('Post "https://user:pw@host/p": x', []) == 'Post "https://host/...": x'
    assert scrub_test_message('service is not enabled', []) == 'service is not enabled'


def test_a_write_whose_answer_is_lost_but_landed_is_reported_changed():
    fake = FakeKapacitor()
    fake.lose_answer('POST')
    result = run(SLACK, fake, channel='#landed')
    assert result['changed'] is True
    assert result['config']['channel'] == '#landed'
    assert [r[0] for r in fake.requests] == ['GET', 'POST', 'GET', 'GET']


def test_a_write_whose_answer_is_lost_and_that_did_not_land_fails_saying_so():
    fake = FakeKapacitor()
    fake.drop('POST')
    with pytest.raises(KapacitorError) as err:
        run(SLACK, fake, channel='#lost')
    assert 'the write may have been applied; run again' in err.value.message
    assert '\n' not in err.value.message
    assert err.value.changed is True, 'a write that may have landed is never reported as unchanged'
    assert fake.stored('slack')['channel'] == ''


def test_a_value_another_writer_undid_is_written_again_from_the_fresh_state():
    fake = FakeKapacitor()
    # another admin's set lands right after ours, once
    fake.inject('POST', after=lambda f: f.set_options('slack', '', channel='#theirs'))
    result = run(SLACK, fake, channel='#ours', username='bot')
    assert result['changed'] is True
    assert fake.stored('slack')['channel'] == '#ours'
    assert fake.stored('slack')['username'] == 'bot'
    assert [r[0] for r in fake.requests] == ['GET', 'POST', 'GET', 'POST', 'GET']
    assert fake.requests[3][2] == {'set': {'channel': '#ours'}}, 'only what did not stick is resent'


def test_a_value_that_never_sticks_fails_naming_it():
    fake = FakeKapacitor()
    fake.inject('POST', after=lambda f: f.set_options('slack', '', channel='#theirs'), times=None)
    with pytest.raises(KapacitorError) as err:
        run(SLACK, fake, channel='#ours', username='bot')
    assert err.value.message.startswith("slack workspace '': channel did not stick")
    assert err.value.changed is True
    assert len(fake.writes()) == 2, 'one retry, no more'


def test_nested_object_undone_by_a_concurrent_set_is_resent_whole():
    """A set of Kafka's SASLAuth replaces it whole: a concurrent set of another field wipes ours.

    The object is sent back with its durations as text: Kapacitor accepts a number, then fails
    every later read of its configuration (the fake does the same)."""
    fake = FakeKapacitor()
    # the other run's set of SASLAuth, made from the old state, lands right after ours
    fake.inject('POST', after=lambda f: f.set_options('kafka', 'default', SASLAuth={'SASLGSSAPIRealm': 'THEIRS'}))
    result = run(KAFKA, fake, id='default', sasl_username='ours')
    assert result['changed'] is True
    sasl = fake.stored('kafka', 'default')['SASLAuth']
    assert (sasl['SASLUsername'], sasl['SASLGSSAPIRealm']) == ('ours', 'THEIRS')
    assert sasl['SASLOAUTHExpiryMargin'] == 10 * 10 ** 9, 'the other fields kept'
    sent = [body['set']['SASLAuth'] for _method, _path, body in fake.writes()]
    assert [s['SASLOAUTHExpiryMargin'] for s in sent] == ['10s', '10s']
    assert len(sent[0]) == len(sasl), 'the whole object, every time'


def test_unknown_or_mistyped_test_options_fail_before_any_write():
    fake = FakeKapacitor()
    params = dict(state='present', workspace='', channel='#x', test_alert=True, test_options={'chanel': '#typo'})
    run_ = SectionRun(SLACK, fake, params, update_secrets='on_create')
    with pytest.raises(SpecError) as err:
        run_.check_test_options()
    assert str(err.value).startswith("test_options: 'chanel' is not an option of Kapacitor's slack test; it takes ")
    run_.params['test_options'] = {'channel': ['#a', '#b']}
    with pytest.raises(SpecError) as err:
        run_.check_test_options()
    assert str(err.value) == "test_options.channel: got a list; Kapacitor's slack test takes a string here"
    assert fake.writes() == []
    run_.params['test_options'] = {'channel': '#ok', 'level': 'WARNING'}
    run_.check_test_options()


def test_default_workspace_refused_next_to_named_ones_is_explained():
    fake = FakeKapacitor()
    fake.add_element('slack', {'workspace': 'ops'})
    # Kapacitor 1.8.3 answers a set of slack/ once workspace "ops" was added with HTTP 400:
    text = 'failed to override configuration slack/: failed validation: id must not be empty'
    with pytest.raises(KapacitorError) as err:
        run(SLACK, fake, channel='#x')
    assert 'default workspace' in err.value.message and 'upstream bug' in err.value.message
    assert err.value.message.endswith('Kapacitor said: ' + text)
