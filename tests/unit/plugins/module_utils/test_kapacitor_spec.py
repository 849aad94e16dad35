# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import SLACK, TELEGRAM
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_spec import (
    Option, Section, SpecError, format_duration, parse_duration)

SECOND = 10 ** 9


@pytest.mark.parametrize('text, nanoseconds', [
    ('0', 0),
    ('0s', 0),
    ('10s', 10 * SECOND),
    ('1m', 60 * SECOND),
    ('1m0s', 60 * SECOND),
    ('90s', 90 * SECOND),
    ('1h30m', 5400 * SECOND),
    ('1.5h', 5400 * SECOND),
    ('500ms', SECOND // 2),
    ('250us', 250000),
    (u'250\u00b5s', 250000),
    ('7ns', 7),
    ('-2s', -2 * SECOND),
    ('+2s', 2 * SECOND),
    ('.5s', SECOND // 2),
    ('1h2m3.004s', 3723 * SECOND + 4 * 10 ** 6),
])
def test_parse_duration_accepts_what_go_accepts(text, nanoseconds):
    assert parse_duration(text) == nanoseconds


@pytest.mark.parametrize('text', ['', '10', '10 seconds', 'garbage', '1d', 's', '1.5', '5m s', '--1s', '.s'])
def test_parse_duration_rejects_what_go_rejects(text):
    with pytest.raises(ValueError):
        parse_duration(text)


@pytest.mark.parametrize('nanoseconds, text', [
    (0, '0s'),
    (10 * SECOND, '10s'),
    (60 * SECOND, '1m0s'),
    (90 * SECOND, '1m30s'),
    (3600 * SECOND, '1h0m0s'),
    (SECOND // 2, '500ms'),
    (1500 * 10 ** 6, '1.5s'),
    (7, '7ns'),
])
def test_format_duration_matches_go(nanoseconds, text):
    assert format_duration(nanoseconds) == text


def test_duration_option_rejects_unparsable_value_naming_the_option():
    section = Section('x', {'idle_timeout': Option('duration')})
    with pytest.raises(SpecError) as err:
        section.desired_options({'idle_timeout': '10 seconds'})
    assert str(err.value).startswith("idle_timeout: '10 seconds' is not a duration")
    assert '\n' not in str(err.value)


def test_int_option_rejects_non_integers():
    opt = Option('int').bind('port')
    assert opt.validate(25) == 25
    for bad in (1.5, True, '25'):
        with pytest.raises(SpecError, match='^port: '):
            opt.validate(bad)


def test_normalize_treats_null_and_empty_list_alike():
    opt = Option('list').bind('to')
    assert opt.normalize(None) == opt.normalize([]) == []
    dur = Option('duration').bind('idle_timeout')
    assert dur.normalize('1m') == dur.normalize('1m0s') == dur.normalize('60s')


def test_api_names_and_argument_spec_are_derived():
    assert SLACK.options['icon_emoji'].api_name == 'icon-emoji'
    assert SLACK.options['global'].api_name == 'global'
    assert TELEGRAM.options['chat_id'].api_name == 'chat-id'
    spec = SLACK.argument_spec()
    assert spec['url'] == {'type': 'str', 'no_log': True}
    assert spec['token']['no_log'] is True
    assert spec['ssl_key'] == {'type': 'str', 'no_log': False}
    assert spec['workspace'] == {'type': 'str', 'default': ''}
    assert 'workspace' not in SLACK.options
    assert TELEGRAM.argument_spec()['parse_mode']['choices'] == ['Markdown', 'HTML', '']
    renamed = Section('opsgenie', {'recovery_url': Option('str', api_name='recovery_url')})
    assert renamed.by_api_name['recovery_url'].name == 'recovery_url'


@pytest.mark.parametrize('name', ['ops', 'team-a', 'a_b', 'x+y', 'A1'])
def test_element_names_kapacitor_can_address(name):
    assert SLACK.validate_element(name) == name


@pytest.mark.parametrize('name', ['my.ws', 'a b', 'a/b', 'a:b', u'\u00e9t\u00e9'])
def test_element_names_kapacitor_cannot_address_are_rejected(name):
    with pytest.raises(SpecError, match='^workspace: '):
        SLACK.validate_element(name)


def test_default_element_is_the_empty_name():
    assert SLACK.validate_element('') == ''
    keyed = Section('kafka', {}, element_key='id', element_default=None)
    with pytest.raises(SpecError):
        keyed.validate_element('')
