# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The record of Kapacitor's service tests (tools/kapacitor-1.8.3-service-tests.json), from which
tools/generate.py writes each module's note on its test options, is what kapacitord answers;
and the test options whose default the sections declare as taken from the configuration
(Section.test_config_defaults) are exactly those that follow it.

Each test starts its own unconfigured kapacitord (the stack's main one carries what other tests
configured), on a free port."""

import json
import os
import socket
import sys
from urllib.parse import quote

import pytest

from conftest import REPO, http_json
from collection import SECTIONS  # noqa: E402  (tests/stack/collection.py, on sys.path by conftest)

sys.path.insert(0, os.path.join(REPO, 'tools'))
import generate  # noqa: E402  (tools/generate.py)


def free_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


@pytest.fixture
def fresh_kapacitor(stack):
    url = stack.start_kapacitord('service-tests', free_port())
    yield url
    stack.stop_kapacitord('service-tests')


def recorded():
    with open(generate.SERVICE_TESTS) as handle:
        return json.load(handle)


def test_the_record_is_what_an_unconfigured_kapacitord_answers(fresh_kapacitor):
    live = generate.fetch_service_tests(fresh_kapacitor)
    assert generate.service_tests_drift(recorded(), live) == []
    assert live['services'], 'kapacitord listed no service tests'


def test_the_drift_check_sees_a_changed_default_and_a_missing_key(fresh_kapacitor):
    """The check above can fail: a record that differs in one default, or lacks one key."""
    live = generate.fetch_service_tests(fresh_kapacitor)
    stale = recorded()
    smtp = next(service for service in stale['services'] if service['name'] == 'smtp')
    smtp['options']['subject'] = 'another subject'
    talk = next(service for service in stale['services'] if service['name'] == 'talk')
    del talk['options']['text']
    assert generate.service_tests_drift(stale, live) == [
        "service smtp: subject defaults to 'test subject', recorded 'another subject'",
        "service talk: options ['title', 'text'], recorded ['title']",
    ]


def distinctive(option, recorded_default):
    """A value Kapacitor accepts for ``option`` that no test default has."""
    if option.choices:
        return next(choice for choice in option.choices if choice and choice != recorded_default)
    text = 'cfg-%s@example.com' % option.name.replace('_', '-')  # an e-mail address: SMTP's to checks it
    return {'str': text, 'bool': not recorded_default, 'int': 7, 'duration': '7s', 'list': [text],
            'dict': {'cfg': text}}[option.kind]


def candidates(section, options):
    """{test option: section Option}: every test option named like an option of the section,
    and every one the section declares as taken from the configuration."""
    found = {}
    for key in options:
        if key == section.test_element_option:
            continue
        option = section.by_api_name.get(key) or section.options.get(key)
        if key in section.test_config_defaults:
            option = section.options[section.test_config_defaults[key]]
        if option is not None and not option.parent:
            found[key] = option
    return found


def sections_with_candidates():
    tests = generate.load_service_tests()
    return [pytest.param(name, id=name) for name, section in sorted(SECTIONS.items())
            if candidates(section, tests[name])]


@pytest.mark.parametrize('name', sections_with_candidates())
def test_defaults_follow_the_configuration_exactly_where_the_section_says(fresh_kapacitor, name):
    section = SECTIONS[name]
    defaults = generate.load_service_tests()[name]
    found = candidates(section, defaults)
    for key, option in found.items():
        assert option.name in section.options, key
    values = dict((key, distinctive(option, defaults[key])) for key, option in found.items())
    # The default element; httppost has none: kapacitor.conf's "example" (tests/stack/stack.py).
    element = 'example' if section.is_list and section.element_default is None else section.element_default or ''
    path = '%s/kapacitor/v1/config/%s/%s' % (fresh_kapacitor, name, quote(element, safe=''))
    http_json(path, 'POST', {'set': dict((option.api_name, values[key]) for key, option in found.items())})
    shown = http_json('%s/kapacitor/v1/service-tests/%s' % (fresh_kapacitor, name))['options']
    follows = sorted(key for key in found if shown[key] == values[key])
    assert follows == sorted(key for key in found if key in section.test_config_defaults)
    for key in found:
        if key not in section.test_config_defaults:
            assert shown[key] == defaults[key], key
