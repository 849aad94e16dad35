# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json

import pytest

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_client import KapacitorError
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_engine import (
    SectionRun, diff_view, plan_element, public_view)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_secrets import scrub
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import SLACK, TELEGRAM
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_spec import Option, Section, SpecError

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


class FakeKapacitor:
    """Answers like Kapacitor's config API for one section, and records every request."""

    def __init__(self, section, elements, version='1.8.3'):
        self.section = section
        self.elements = copy.deepcopy(elements)  # {element name: api options}
        self.version = version
        self.requests = []
        self.reject = None
        # What GET /kapacitor/v1/service-tests/<section> reports (Slack's, v1.8.3)
        self.test_options = {'workspace': '', 'channel': '', 'message': 'test slack message',
                             'level': 'CRITICAL', 'username': '', 'icon-emoji': ''}

    def get(self, path, expect=None):
        self.requests.append(('GET', path))
        if '/service-tests/' in path:
            return {'options': copy.deepcopy(self.test_options)}
        element = path.rsplit('/', 1)[1]
        if element not in self.elements:
            raise KapacitorError('404', status=404, version=self.version,
                                 kapacitor_message='unknown section/element: %s/%s' % (self.section, element))
        return {'options': copy.deepcopy(self.elements[element])}

    def post(self, path, body):
        self.requests.append(('POST', path, json.loads(json.dumps(body))))
        if self.reject:
            raise KapacitorError('400', status=400, kapacitor_message=self.reject, version=self.version)
        if 'set' in body:
            element = path.rsplit('/', 1)[1]
            for key, value in body['set'].items():
                if key in ('url', 'token', 'password'):
                    value = bool(value)
                if key == 'idle-timeout':
                    value = {'1m': '1m0s'}.get(value, value)
                self.elements[element][key] = value
        elif 'add' in body:
            options = dict(body['add'])
            for key in ('url', 'token'):
                options[key] = bool(options.get(key))
            self.elements[options['workspace']] = options
        elif 'remove' in body:
            for name in body['remove']:
                self.elements.pop(name, None)

    def service_test(self, service, options):
        """Like KapacitorClient.service_test: a POST whose answer carries success and message."""
        answer = self.post('/kapacitor/v1/service-tests/%s' % service, options) or {}
        return {'success': bool(answer.get('success')), 'message': answer.get('message') or ''}

    def writes(self):
        return [r for r in self.requests if r[0] != 'GET']


def run(section, fake, check_mode=False, **params):
    params.setdefault('state', 'present')
    params.setdefault('update_secrets', 'on_create')
    if section.is_list:
        params.setdefault(section.element_key, section.element_default)
    return SectionRun(section, fake, params, check_mode=check_mode).run()


def test_unchanged_element_is_one_get_and_no_write():
    fake = FakeKapacitor('slack', {'': dict(SLACK_DEFAULT, channel='#alerts')})
    result = run(SLACK, fake, channel='#alerts', username='kapacitor')
    assert result['changed'] is False
    assert fake.requests == [('GET', '/kapacitor/v1/config/slack/')]


def test_change_is_get_one_set_with_only_the_difference_then_read_back():
    fake = FakeKapacitor('slack', {'': dict(SLACK_DEFAULT)})
    result = run(SLACK, fake, channel='#alerts', username='kapacitor', enabled=True,
                 url='https://hooks.slack.example/T0/B0/xyz')
    assert result['changed'] is True
    assert result['changed_options'] == ['channel', 'enabled', 'url']
    assert fake.requests == [
        ('GET', '/kapacitor/v1/config/slack/'),
        ('POST', '/kapacitor/v1/config/slack/', {'set': {
            'channel': '#alerts', 'enabled': True, 'url': 'https://hooks.slack.example/T0/B0/xyz'}}),
        ('GET', '/kapacitor/v1/config/slack/'),
    ]
    assert result['config']['url'] is True
    assert 'hooks.slack' not in json.dumps(result)


def test_check_mode_reads_and_never_writes_but_predicts():
    fake = FakeKapacitor('slack', {'': dict(SLACK_DEFAULT)})
    result = run(SLACK, fake, check_mode=True, channel='#x', url='https://secret.example/hook')
    assert result['changed'] is True
    assert fake.writes() == []
    assert result['config']['channel'] == '#x'
    assert result['diff']['before']['url'] == '<unset>'
    assert result['diff']['after']['url'] == '<set>'
    assert 'secret.example' not in json.dumps(result)


def test_missing_workspace_is_added_with_all_given_options_and_key():
    fake = FakeKapacitor('slack', {'': dict(SLACK_DEFAULT)})
    result = run(SLACK, fake, workspace='ops', channel='#ops', enabled=False)
    assert result['changed'] is True
    post = fake.writes()[0]
    assert post == ('POST', '/kapacitor/v1/config/slack',
                    {'add': {'workspace': 'ops', 'channel': '#ops', 'enabled': False}})
    assert result['diff']['before'] == {}


def test_existing_workspace_is_never_added_again():
    fake = FakeKapacitor('slack', {'': dict(SLACK_DEFAULT), 'ops': dict(SLACK_DEFAULT, workspace='ops')})
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
    plan = plan_element(SMTPISH, {'hook': 'https://hooks.example/abc'}, SMTPISH_CURRENT)
    assert plan.changes == {}
    plan = plan_element(SMTPISH, {'hook': 'https://hooks.example/new'}, SMTPISH_CURRENT)
    assert plan.changes == {'hook': 'https://hooks.example/new'}
    view = public_view(SMTPISH, SMTPISH_CURRENT)
    assert view['hook'] is True
    assert diff_view(SMTPISH, SMTPISH_CURRENT)['hook'] == '<set>'


def test_durations_lists_and_ints_are_compared_normalised():
    desired = {'idle_timeout': '30s', 'to': [], 'port': 25}
    assert plan_element(SMTPISH, desired, SMTPISH_CURRENT).changes == {}
    desired = {'idle_timeout': '1m', 'to': ['a@example.com'], 'port': 587}
    assert plan_element(SMTPISH, desired, SMTPISH_CURRENT).changes == desired
    current = dict(SMTPISH_CURRENT, **{'idle-timeout': '1m0s'})
    assert plan_element(SMTPISH, {'idle_timeout': '60s'}, current).changes == {}


def test_update_secrets_always_shows_updated_in_diff_and_never_the_value():
    fake = FakeKapacitor('slack', {'': dict(SLACK_DEFAULT, url=True)})
    result = run(SLACK, fake, check_mode=True, url='https://hooks/xyz', update_secrets='always')
    assert result['changed'] is True
    assert result['diff']['after']['url'] == '<updated>'
    assert 'hooks/xyz' not in json.dumps(result)


def test_rejection_names_the_option_in_one_line():
    fake = FakeKapacitor('slack', {'': dict(SLACK_DEFAULT)})
    fake.reject = ('failed to override configuration slack/: cannot set option channel: '
                   'wrong kind float64, expected value of kind string')
    with pytest.raises(KapacitorError) as err:
        run(SLACK, fake, channel='#x')
    assert err.value.message.startswith("slack workspace '': Kapacitor rejected option channel: ")
    fake.reject = 'failed to override configuration slack/: failed validation: must specify url'
    with pytest.raises(KapacitorError) as err:
        run(SLACK, fake, enabled=True, icon_emoji=':x:')
    assert 'Kapacitor rejected options enabled, icon_emoji: ' in err.value.message
    assert 'must specify url' in err.value.message


def test_unknown_section_names_server_version_and_first_version():
    class NoSection(FakeKapacitor):
        def get(self, path, expect=None):
            raise KapacitorError('404', status=404, version='1.5.9', kapacitor_message='unknown section: zenoss')
    zenoss = Section('zenoss', {'url': Option('str')}, since='1.6.0')
    with pytest.raises(KapacitorError) as err:
        run(zenoss, NoSection('zenoss', {}), url='https://z')
    assert err.value.message == "Kapacitor 1.5.9 has no 'zenoss' section (it first appears in Kapacitor 1.6.0)"


def test_absent_removes_api_element_and_is_idempotent():
    fake = FakeKapacitor('slack', {'': dict(SLACK_DEFAULT), 'ops': dict(SLACK_DEFAULT, workspace='ops')})
    result = run(SLACK, fake, workspace='ops', state='absent')
    assert result['changed'] is True
    assert fake.writes() == [('POST', '/kapacitor/v1/config/slack', {'remove': ['ops']})]
    fake.requests = []
    result = run(SLACK, fake, workspace='ops', state='absent')
    assert result['changed'] is False
    assert fake.writes() == []


def test_absent_on_single_section_removes_the_override_by_empty_name():
    fake = FakeKapacitor('telegram', {'': {'enabled': True, 'token': True, 'chat-id': '1'}})
    fake.post = lambda path, body: fake.requests.append(('POST', path, body))
    result = run(TELEGRAM, fake, state='absent')
    assert fake.writes() == [('POST', '/kapacitor/v1/config/telegram', {'remove': ['']})]
    assert result['changed'] is False, 'nothing visibly changed, so nothing is reported'


def test_scrub_masks_echoed_secrets():
    text = 'parse "http://a b/xyz": invalid character'
    assert scrub(text, ['http://a b/xyz', None, '']) == 'parse ********: invalid character'


def test_lost_race_to_add_becomes_a_set_on_the_element_that_now_exists():
    fake = FakeKapacitor('slack', {'': dict(SLACK_DEFAULT)})
    real_post = fake.post

    def racing_post(path, body):
        if 'add' in body:
            # another run added it first; Kapacitor drops the connection on a second add
            fake.elements['ops'] = dict(SLACK_DEFAULT, workspace='ops', channel='#theirs')
            fake.requests.append(('POST', path, body))
            raise KapacitorError('closed the connection without answering')
        return real_post(path, body)
    fake.post = racing_post
    result = run(SLACK, fake, workspace='ops', channel='#ours')
    assert result['changed'] is True
    assert fake.writes()[-1] == ('POST', '/kapacitor/v1/config/slack/ops', {'set': {'channel': '#ours'}})
    assert fake.elements['ops']['channel'] == '#ours'
    assert result['config']['channel'] == '#ours'


def test_lost_race_with_the_same_values_writes_nothing_more_and_reports_the_change():
    """The element did not exist when the run started and exists now as asked: that is a
    change of the host during the task, whichever run's add landed."""
    fake = FakeKapacitor('slack', {'': dict(SLACK_DEFAULT)})

    def racing_post(path, body):
        fake.elements['ops'] = dict(SLACK_DEFAULT, workspace='ops', channel='#same')
        fake.requests.append(('POST', path, body))
        raise KapacitorError('closed the connection without answering')
    fake.post = racing_post
    result = run(SLACK, fake, workspace='ops', channel='#same')
    assert result['changed'] is True
    assert len(fake.writes()) == 1


def test_failed_test_alert_never_quotes_a_stored_webhook_url():
    """Kapacitor keeps some webhook URLs in clear and quotes them in test errors."""
    section = Section('teams', {'enabled': Option('bool'),
                                'channel_url': Option('str', secret=True, redacted=False)})
    fake = FakeKapacitor('teams', {'': {'enabled': True, 'channel-url': 'http://127.0.0.1:1/CANARY-hook'}})
    real_post = fake.post
    fake.post = lambda path, body: (
        {'success': False, 'message': 'Post "http://127.0.0.1:1/CANARY-hook": connection refused'}
        if 'service-tests' in path else real_post(path, body))
    run_ = SectionRun(section, fake, {'state': 'present', 'enabled': True}, check_mode=False)
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


def lost_answer(message='GET-less drop'):
    exc = KapacitorError('POST http://k/kapacitor/v1/config/slack/: Kapacitor closed the connection without answering')
    exc.maybe_applied = True
    return exc


def test_a_write_whose_answer_is_lost_but_landed_is_reported_changed():
    fake = FakeKapacitor('slack', {'': dict(SLACK_DEFAULT)})
    real_post = fake.post

    def applied_then_dropped(path, body):
        real_post(path, body)
        raise lost_answer()
    fake.post = applied_then_dropped
    result = run(SLACK, fake, channel='#landed')
    assert result['changed'] is True
    assert result['config']['channel'] == '#landed'
    assert [r[0] for r in fake.requests] == ['GET', 'POST', 'GET', 'GET']


def test_a_write_whose_answer_is_lost_and_that_did_not_land_fails_saying_so():
    fake = FakeKapacitor('slack', {'': dict(SLACK_DEFAULT)})

    def dropped(path, body):
        fake.requests.append(('POST', path, body))
        raise lost_answer()
    fake.post = dropped
    with pytest.raises(KapacitorError) as err:
        run(SLACK, fake, channel='#lost')
    assert 'the write may have been applied; run again' in err.value.message
    assert '\n' not in err.value.message
    assert err.value.changed is True, 'a write that may have landed is never reported as unchanged'


def test_a_value_another_writer_undid_is_written_again_from_the_fresh_state():
    fake = FakeKapacitor('slack', {'': dict(SLACK_DEFAULT)})
    real_post = fake.post
    undone = []

    def concurrent_writer_undoes_once(path, body):
        real_post(path, body)
        if not undone:  # another admin's set lands right after ours
            undone.append(True)
            fake.elements['']['channel'] = '#theirs'
    fake.post = concurrent_writer_undoes_once
    result = run(SLACK, fake, channel='#ours', username='bot')
    assert result['changed'] is True
    assert fake.elements['']['channel'] == '#ours'
    assert [r[0] for r in fake.requests] == ['GET', 'POST', 'GET', 'POST', 'GET']
    assert fake.requests[3][2] == {'set': {'channel': '#ours'}}, 'only what did not stick is resent'


def test_a_value_that_never_sticks_fails_naming_it():
    fake = FakeKapacitor('slack', {'': dict(SLACK_DEFAULT)})
    real_post = fake.post

    def always_undone(path, body):
        real_post(path, body)
        fake.elements['']['channel'] = '#theirs'
    fake.post = always_undone
    with pytest.raises(KapacitorError) as err:
        run(SLACK, fake, channel='#ours', username='bot')
    assert err.value.message.startswith("slack workspace '': channel did not stick")
    assert err.value.changed is True
    assert len(fake.writes()) == 2, 'one retry, no more'


def test_nested_object_undone_by_a_concurrent_set_is_resent_whole():
    """A set of Kafka's SASLAuth replaces it whole: a concurrent set of another field wipes ours."""
    from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import KAFKA
    sasl = {'SASLUsername': '', 'SASLMechanism': '', 'SASLGSSAPIRealm': ''}
    fake = FakeKapacitor('kafka', {'default': {'id': 'default', 'SASLAuth': dict(sasl)}})
    undone = []

    def post(path, body):
        fake.requests.append(('POST', path, json.loads(json.dumps(body))))
        fake.elements['default']['SASLAuth'] = dict(body['set']['SASLAuth'])
        if not undone:
            undone.append(True)  # the other run's whole object, made from the old state, lands last
            fake.elements['default']['SASLAuth'] = dict(sasl, SASLGSSAPIRealm='THEIRS')
    fake.post = post
    result = run(KAFKA, fake, id='default', sasl_username='ours')
    assert result['changed'] is True
    assert fake.elements['default']['SASLAuth'] == dict(sasl, SASLGSSAPIRealm='THEIRS', SASLUsername='ours')


def test_unknown_or_mistyped_test_options_fail_before_any_write():
    fake = FakeKapacitor('slack', {'': dict(SLACK_DEFAULT)})
    params = dict(state='present', update_secrets='on_create', workspace='', channel='#x',
                  test_alert=True, test_options={'chanel': '#typo'})
    run_ = SectionRun(SLACK, fake, params)
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
    fake = FakeKapacitor('slack', {'': dict(SLACK_DEFAULT), 'ops': dict(SLACK_DEFAULT, workspace='ops')})
    # What Kapacitor 1.8.3 answers to a set of slack/ once workspace "ops" was added (HTTP 400).
    text = 'failed to override configuration slack/: failed validation: id must not be empty'

    def refuse(path, body):
        fake.requests.append(('POST', path, body))
        raise KapacitorError('400', status=400, kapacitor_message=text)
    fake.post = refuse
    with pytest.raises(KapacitorError) as err:
        run(SLACK, fake, channel='#x')
    assert 'default workspace' in err.value.message and 'upstream bug' in err.value.message
    assert err.value.message.endswith('Kapacitor said: ' + text)
