# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Properties of the engine's plan, over every declared section (hypothesis)."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_engine import (
    diff_view, plan_element, predicted_options, public_view)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_secrets import is_set
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import SECTIONS
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_spec import format_duration

SECRET = 'CANARY-'
text = st.text(alphabet='abcXYZ019#:/.-_ ', max_size=12)
durations = st.integers(min_value=0, max_value=10 ** 13).map(format_duration)


def value_of(opt, secret_marker):
    if opt.secret:
        if opt.kind == 'dict':
            return st.fixed_dictionaries({'username': text, 'password': st.just(SECRET + secret_marker)})
        return st.one_of(st.just(''), st.just(SECRET + secret_marker))
    if opt.choices:
        return st.sampled_from(list(opt.choices))
    return {
        'str': text,
        'bool': st.booleans(),
        'int': st.integers(min_value=0, max_value=100000),
        'duration': durations,
        'list': st.lists(text, max_size=3),
        'dict': st.dictionaries(text, text, max_size=2),
    }[opt.kind]


@st.composite
def section_case(draw):
    section = draw(st.sampled_from(sorted(SECTIONS.values(), key=lambda s: s.name)))
    current = {}
    for name, opt in section.options.items():
        value = draw(value_of(opt, 'old-' + name))
        if opt.redacted:
            value = is_set(value)  # Kapacitor shows redacted options as booleans
        opt.write(current, value)
    names = draw(st.lists(st.sampled_from(sorted(section.options)), unique=True))
    desired = dict((name, draw(value_of(section.options[name], 'new-' + name))) for name in names)
    mode = draw(st.sampled_from(['on_create', 'always']))
    return section, current, desired, mode


def kapacitor_view(section, options):
    """What Kapacitor would return after storing options: redacted ones become booleans."""
    shown = dict(options)
    for opt in section.options.values():
        if opt.redacted:
            opt.write(shown, is_set(opt.read(options)))
    return shown


@settings(max_examples=300, deadline=None)
@given(section_case())
def test_applying_the_plan_yields_the_desired_options(case):
    section, current, desired, mode = case
    plan = plan_element(section, desired, current, mode)
    after = kapacitor_view(section, predicted_options(section, current, plan.changes))
    for name, value in desired.items():
        opt = section.options[name]
        if opt.redacted:
            assert is_set(opt.read(after)) == is_set(value)
        else:
            assert opt.normalize(opt.read(after)) == opt.normalize(value)


@settings(max_examples=300, deadline=None)
@given(section_case())
def test_planning_again_yields_nothing(case):
    section, current, desired, _mode = case
    plan = plan_element(section, desired, current, 'on_create')
    after = kapacitor_view(section, predicted_options(section, current, plan.changes))
    assert plan_element(section, desired, after, 'on_create').changes == {}


@settings(max_examples=300, deadline=None)
@given(section_case())
def test_secrets_never_enter_a_diff_or_the_returned_config(case):
    section, current, desired, mode = case
    plan = plan_element(section, desired, current, mode)
    predicted = predicted_options(section, current, plan.changes)  # raw: holds the secrets
    shown = json.dumps([diff_view(section, current), diff_view(section, predicted, plan.sent_secrets),
                        public_view(section, predicted), sorted(plan.changes)])
    assert SECRET not in shown
