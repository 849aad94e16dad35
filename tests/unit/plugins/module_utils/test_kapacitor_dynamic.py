# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import json

import pytest

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_dynamic import (
    coerce, desired_values, dynamic_section, infer_kind)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_engine import plan_element, public_view
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_spec import SpecError

SMTP_CURRENT = {'enabled': False, 'host': 'localhost', 'port': 25, 'password': False, 'to': None,
                'idle-timeout': '30s', 'from': ''}
KAFKA_CURRENT = {'id': 'default', 'enabled': False, 'brokers': None, 'timeout': '0s',
                 'SASLAuth': {'SASLUsername': 'u', 'SASLPassword': 'CANARY-in-clear'}}


@pytest.mark.parametrize('current, kind', [
    (True, 'bool'), (25, 'int'), ([], 'list'), ({}, 'dict'), ('30s', 'duration'),
    ('1m0s', 'duration'), ('1h0m0s', 'duration'), ('localhost', 'str'), ('0', 'str'), ('', 'str'),
])
def test_kinds_are_inferred_from_current_values(current, kind):
    assert infer_kind(current) == kind


def test_known_sections_use_declared_kinds_and_secrets():
    section = dynamic_section('smtp', SMTP_CURRENT, redacted=['password'])
    assert section.options['idle-timeout'].kind == 'duration'
    assert section.options['to'].kind == 'list'
    assert section.options['password'].secret and section.options['password'].redacted
    assert section.options['from'].name == 'from'


def test_values_are_checked_against_kinds():
    section = dynamic_section('smtp', SMTP_CURRENT, redacted=['password'])
    assert coerce(section.options['port'], '587') == 587
    assert coerce(section.options['port'], 587.0) == 587
    with pytest.raises(SpecError, match='^port: 1.5 is not a whole number$'):
        coerce(section.options['port'], 1.5)
    with pytest.raises(SpecError, match="^idle-timeout: '10 seconds' is not a duration"):
        coerce(section.options['idle-timeout'], '10 seconds')
    with pytest.raises(SpecError, match='^to: '):
        coerce(section.options['to'], 'ops@example.com')
    assert coerce(section.options['enabled'], 'yes') is True


def test_durations_compare_by_value_in_free_form_options():
    section = dynamic_section('smtp', SMTP_CURRENT, redacted=['password'], desired={'idle-timeout': '30000ms'})
    desired = desired_values(section, {'options': {'idle-timeout': '30000ms'}})
    assert plan_element(section, desired, SMTP_CURRENT, 'on_create').changes == {}


def test_nested_sasl_object_is_never_shown():
    section = dynamic_section('kafka', KAFKA_CURRENT)
    view = public_view(section, KAFKA_CURRENT)
    assert view['SASLAuth'] is True
    assert 'CANARY' not in json.dumps(view)
    assert 'id' not in view


def test_secret_options_are_secrets_even_when_kapacitor_shows_them():
    section = dynamic_section('teams', {'enabled': False, 'channel-url': 'https://CANARY'},
                              secret_names={'channel-url'})
    assert public_view(section, {'channel-url': 'https://CANARY'}) == {'channel-url': True}
    # teams channel-url is declared secret by this collection even under plain options
    section = dynamic_section('teams', {'enabled': False, 'channel-url': 'https://CANARY'})
    assert section.options['channel-url'].secret


def test_unknown_sections_infer_everything():
    section = dynamic_section('scraper', None, desired={'name': 'x', 'urls': ['a'], 'enabled': True})
    assert section.element_key == 'name'
    assert 'name' not in section.options
    assert section.options['urls'].kind == 'list'
    assert section.options['enabled'].kind == 'bool'


SASL_CURRENT = {
    'id': 'default', 'enabled': False, 'brokers': None, 'timeout': '0s',
    'SASLAuth': {'SASLUsername': 'alice', 'SASLPassword': 'CANARY-old', 'SASLMechanism': 'PLAIN',
                 'SASLVersion': 1, 'SASLExtensions': {'ext': 'CANARY-ext'}, 'SASLOAUTHExpiryMargin': 10 ** 10,
                 'SASLOAUTHScopes': None, 'SASLOAUTHClientSecret': ''},
}


def test_a_partial_nested_object_is_merged_over_the_current_one_and_compared_by_field():
    from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_engine import (
        api_payload, predicted_options)
    given = {'SASLAuth': {'saslpassword': 'CANARY-new'}}  # Kapacitor matches field names in any case
    section = dynamic_section('kafka', SASL_CURRENT, desired=given)
    desired = desired_values(section, {'options': given})
    plan = plan_element(section, desired, SASL_CURRENT, 'on_create')
    assert list(plan.changes) == ['SASLAuth.SASLPassword']
    payload = api_payload(section, plan.changes, SASL_CURRENT)
    expected = dict(SASL_CURRENT['SASLAuth'], SASLPassword='CANARY-new', SASLOAUTHExpiryMargin='10s')
    assert payload == {'SASLAuth': expected}  # whole, the other fields kept, the duration as text
    after = predicted_options(section, SASL_CURRENT, plan.changes)
    rerun = dynamic_section('kafka', after, desired=given)
    assert plan_element(rerun, desired_values(rerun, {'options': given}), after, 'on_create').changes == {}


def test_nested_fields_are_checked_against_their_declared_kinds():
    for field, value, message in (
            ('SASLVersion', 2 ** 63, 'SASLAuth.SASLVersion: 9223372036854775808 is out of range (Kapacitor stores it as a Go int'),
            ('SASLVersion', 2, 'SASLAuth.SASLVersion: 2 is out of range (Kafka has SASL handshake versions 0 and 1'),
            ('SASLOAUTHExpiryMargin', '-1s', "SASLAuth.SASLOAUTHExpiryMargin: '-1s' is negative"),
            ('SASLPassword', False, 'SASLAuth.SASLPassword: the value given is not a string')):
        given = {'SASLAuth': {field: value}}
        section = dynamic_section('kafka', SASL_CURRENT, desired=given)
        with pytest.raises(SpecError) as err:
            desired_values(section, {'options': given})
        assert str(err.value).startswith(message), str(err.value)


def test_secrets_under_options_are_known_before_any_request_and_treated_as_secret():
    from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_dynamic import option_secret_values
    given = {'SASLAuth': {'SASLUsername': 'alice', 'saslpassword': 'CANARY-1', 'SASLExtensions': {'a': 'CANARY-2'},
                          'SASLAccessToken': 'CANARY-3'},
             'routing-key': 'CANARY-4', 'ssl-key': '/etc/kapacitor/key.pem', 'brokers': ['b:9092']}
    assert sorted(option_secret_values('kafka', given)) == ['CANARY-1', 'CANARY-2', 'CANARY-3', 'CANARY-4']
    assert sorted(option_secret_values('influxdb', {'password': 'CANARY-5', 'http-shared-secret': 'CANARY-6',
                                                    'username': 'u', 'ssl-key': '/k'})) == ['CANARY-5', 'CANARY-6']
    assert option_secret_values('smtp', {'password': 12345}) == ['12345']
    assert option_secret_values('slack', {'url': 'CANARY-7'}, redacted=['url']) == ['CANARY-7']
    section = dynamic_section('kafka', SASL_CURRENT, desired=given)
    for name in ('SASLAuth.SASLPassword', 'SASLAuth.SASLExtensions', 'SASLAuth.SASLAccessToken', 'routing-key'):
        assert section.options[name].secret, name
    assert not section.options['ssl-key'].secret and not section.options['SASLAuth.SASLUsername'].secret
    view = public_view(section, SASL_CURRENT)
    assert 'CANARY' not in json.dumps(view)
    assert view['SASLAuth'] is True and view['SASLAuth.SASLUsername'] == 'alice'


def test_kapacitor_config_section_and_element_names_are_matched_whole():
    section = dynamic_section('influxdb', {'enabled': True})
    for bad in ('default\n', 'default\r', ' default', 'de fault'):
        with pytest.raises(SpecError):
            section.validate_element(bad)
