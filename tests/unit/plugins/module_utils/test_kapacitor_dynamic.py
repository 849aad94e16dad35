# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

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
    assert plan_element(section, desired, SMTP_CURRENT).changes == {}


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
