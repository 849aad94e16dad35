# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The bulk run (kapacitor_alert_endpoints) against a fake Kapacitor config API."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json

import pytest

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_bulk import BulkRun
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_client import KapacitorError
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_runner import Context
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_spec import SpecError

TELEGRAM = {'enabled': False, 'url': 'https://api.telegram.org/bot', 'token': False, 'chat-id': '',
            'parse-mode': '', 'disable-web-page-preview': False, 'disable-notification': False,
            'global': False, 'state-changes-only': False}
PAGERDUTY2 = {'enabled': False, 'url': 'https://events.pagerduty.com/v2/enqueue', 'routing-key': False,
              'global': False}
SLACK = {'workspace': '', 'enabled': False, 'default': True, 'url': False, 'token': False, 'channel': '',
         'username': 'kapacitor', 'icon-emoji': '', 'global': False, 'state-changes-only': False,
         'ssl-ca': '', 'ssl-cert': '', 'ssl-key': '', 'insecure-skip-verify': False}


class FakeConfig:
    """Kapacitor's whole-config GET and per-section POSTs, with a validation rule per section."""

    def __init__(self):
        self.sections = {'telegram': {'': dict(TELEGRAM)}, 'pagerduty2': {'': dict(PAGERDUTY2)},
                         'slack': {'': dict(SLACK)}}
        self.requests = []
        self.version = '1.8.3'

    def get(self, path, expect=None):
        self.requests.append(('GET', path))
        if path == '/kapacitor/v1/config':
            return {'sections': dict((name, {'elements': [{'options': copy.deepcopy(o), 'redacted': []}
                                                          for o in elements.values()]})
                                     for name, elements in self.sections.items())}
        section, element = path.split('/config/')[1].split('/')
        if element not in self.sections.get(section, {}):
            raise KapacitorError('404', status=404, kapacitor_message='unknown section/element')
        return {'options': copy.deepcopy(self.sections[section][element])}

    def post(self, path, body, expect=None):
        self.requests.append(('POST', path, json.loads(json.dumps(body))))
        section, _sep, element = path.split('/config/')[1].partition('/')
        if 'add' in body:
            options = dict(SLACK, **body['add'])
            self.sections[section][options['workspace']] = options
            return None
        change = dict(self.sections[section][element], **body['set'])
        if section == 'telegram' and change.get('enabled') and not change.get('token'):
            raise KapacitorError('400', status=400, kapacitor_message=(
                'failed to override configuration telegram/: failed validation: must specify token'))
        for key in ('token', 'routing-key', 'url'):
            if key in body['set'] and section != 'telegram' or key == 'token' and key in body['set']:
                change[key] = bool(body['set'][key])
        self.sections[section][element] = change
        return None

    def writes(self):
        return [r for r in self.requests if r[0] != 'GET']


def endpoints(**given):
    """Every section key the argument spec would fill in, None unless given."""
    from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import SECTIONS
    out = dict((name, None) for name in SECTIONS)
    out.update(given)
    return out


def element(**options):
    base = {'state': 'present', 'test_options': None}
    base.update(options)
    return base


def bulk_run(fake, given, raw=None, check_mode=False):
    params = {'endpoints': given, 'prune': False, 'update_secrets': 'on_create', 'test_changed': False}
    bulk = BulkRun(Context(params, check_mode=check_mode, diff=True), fake)
    bulk.plan(raw)
    return bulk


def test_a_rejected_endpoint_after_others_were_written_fails_with_changed_and_names_both():
    fake = FakeConfig()
    given = endpoints(
        pagerduty2=element(url='https://pd.example/v2'),
        slack=[element(workspace='', channel='#ops')],
        telegram=element(enabled=True))  # written last (sections go in name order); no token
    bulk = bulk_run(fake, given)
    with pytest.raises(KapacitorError) as err:
        bulk.converge()
    message = err.value.message
    assert message.startswith('endpoints written before the failure: pagerduty2, slack/; failed: telegram: ')
    assert 'must specify token' in message
    assert bulk.result['changed'] is True
    assert bulk.result['endpoints']['slack/']['changed'] is True
    assert fake.sections['slack']['']['channel'] == '#ops', 'what was reported as written is on the server'


def test_a_bad_endpoint_fails_validation_before_any_request():
    fake = FakeConfig()
    given = endpoints(telegram=element(chat_id='42'), smtp=element(idle_timeout='soon'))
    with pytest.raises(SpecError, match='^endpoints.smtp: idle_timeout: '):
        bulk_run(fake, given)
    assert fake.requests == []


def test_a_non_string_secret_is_rejected_before_any_request():
    fake = FakeConfig()
    given = endpoints(telegram=element(token='False'))
    raw = {'telegram': {'token': False}}
    with pytest.raises(SpecError, match='^endpoints.telegram: token: '):
        bulk_run(fake, given, raw)
    assert fake.requests == []


def test_an_option_a_concurrent_writer_undid_is_written_again():
    fake = FakeConfig()
    real_post = fake.post
    undone = []

    def post(path, body, expect=None):
        real_post(path, body)
        if not undone:
            undone.append(True)
            fake.sections['telegram']['']['chat-id'] = 'theirs'
    fake.post = post
    bulk = bulk_run(fake, endpoints(telegram=element(chat_id='ours')))
    result = bulk.converge()
    assert result['changed'] is True
    assert fake.sections['telegram']['']['chat-id'] == 'ours'
    assert result['config']['telegram']['chat_id'] == 'ours'


def test_unchanged_endpoints_are_one_get_and_no_write():
    fake = FakeConfig()
    bulk = bulk_run(fake, endpoints(telegram=element(chat_id=''), slack=[element(workspace='', channel='')]))
    result = bulk.converge()
    assert result['changed'] is False
    assert fake.requests == [('GET', '/kapacitor/v1/config')]
