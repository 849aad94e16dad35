# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Range and type matrices generated from the section specs (SECTIONS), never hand-listed:
every int option at and just past both ends of its range, every duration option at Go's limits
and negative, every string option given a boolean, list or dictionary, every list option given
a string or dictionary, every bool option given a non-boolean, every element name with a
newline; for the dedicated modules (Section/Option) and for kapacitor_config (dynamic sections).
"""

import pytest

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_dynamic import (
    LIST_SECTION_KEYS, coerce, desired_values, dynamic_section)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import SECTIONS
from ansible_collections.tick.kapacitor.plugins.module_utils import kapacitor_spec
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_spec import SpecError

GO_MAX_DURATIONS = ['9223372036854775807ns', '2562047h47m16.854775807s']
PAST_GO_DURATIONS = ['9223372036854775808ns', '2562047h47m16.854775808s', '2562048h']
NEGATIVE_DURATIONS = ['-1ns', '-5s', '-9223372036854775808ns']
BAD_NAMES = ['ops\n', 'ops\r', ' ops', 'ops ', 'op s', 'ops\r\n', 'o.ps', 'o/ps']


def options_of(kind):
    return [pytest.param(section, name, id='%s.%s' % (section.name, name))
            for section in sorted(SECTIONS.values(), key=lambda s: s.name)
            for name, opt in sorted(section.options.items()) if opt.kind == kind]


def list_sections():
    return [pytest.param(section, id=section.name) for section in sorted(SECTIONS.values(), key=lambda s: s.name)
            if section.is_list]


def one_line_naming(exc, name):
    text = str(exc.value)
    assert text.startswith(name + ': '), text
    assert '\n' not in text and '\r' not in text and 'Traceback' not in text
    return text


def go_range(opt):
    # getattr: so that each test fails on its own against code without ranges (not at import)
    return getattr(kapacitor_spec, 'GO_INT_RANGES', {})[getattr(opt, 'go_type', 'int')]


def test_the_matrix_covers_every_kind():
    kinds = set(opt.kind for section in SECTIONS.values() for opt in section.options.values())
    assert kinds == {'str', 'bool', 'int', 'duration', 'list', 'dict'}
    assert len(options_of('int')) >= 5 and len(options_of('duration')) >= 5
    for section in SECTIONS.values():
        for opt in section.options.values():
            if opt.kind == 'int':
                assert go_range(opt), opt.name  # every int option declares its Go type


# -- integers -----------------------------------------------------------------------------

@pytest.mark.parametrize('section, name', options_of('int'))
def test_int_options_accept_both_ends_of_their_range(section, name):
    opt = section.options[name]
    low, high = opt.int_range()
    assert go_range(opt)[0] <= low <= high <= go_range(opt)[1]
    for value in (low, high):
        assert section.desired_options({name: value}) == {name: value}


@pytest.mark.parametrize('section, name', options_of('int'))
def test_int_options_reject_just_past_both_ends(section, name):
    opt = section.options[name]
    low, high = opt.int_range()
    for value in (low - 1, high + 1, go_range(opt)[0] - 1, go_range(opt)[1] + 1, 99999999999999999999):
        with pytest.raises(SpecError) as err:
            section.desired_options({name: value})
        text = one_line_naming(err, name)
        assert ' is out of range (' in text and str(value) in text


@pytest.mark.parametrize('section, name', options_of('int'))
def test_int_options_past_the_go_type_name_it(section, name):
    opt = section.options[name]
    low, high = go_range(opt)
    with pytest.raises(SpecError) as err:
        section.desired_options({name: high + 1})
    assert str(err.value) == '%s: %d is out of range (Kapacitor stores it as a Go %s: %d to %d)' % (
        name, high + 1, opt.go_type, low, high)


@pytest.mark.parametrize('section, name', options_of('int'))
def test_int_options_reject_booleans_and_fractions_as_given(section, name):
    for value in (True, False, 1.5, float('nan'), float('inf'), [1], {'a': 1}):
        with pytest.raises(SpecError) as err:
            section.check_raw_types({name: value})
        assert one_line_naming(err, name).endswith('give a whole number')
    section.check_raw_types({name: 1.0})
    section.check_raw_types({name: '1'})


# -- durations ----------------------------------------------------------------------------

@pytest.mark.parametrize('section, name', options_of('duration'))
def test_duration_options_accept_go_limits_and_reject_one_past(section, name):
    for value in GO_MAX_DURATIONS + ['0', '0s', '1m30s']:
        assert section.desired_options({name: value}) == {name: value}
    for value in PAST_GO_DURATIONS:
        with pytest.raises(SpecError) as err:
            section.desired_options({name: value})
        assert 'is out of range (a Go duration: ' in one_line_naming(err, name)


@pytest.mark.parametrize('section, name', options_of('duration'))
def test_duration_options_reject_negatives(section, name):
    for value in NEGATIVE_DURATIONS:
        with pytest.raises(SpecError) as err:
            section.desired_options({name: value})
        assert str(err.value) == '%s: %r is negative; Kapacitor needs a duration of zero or more' % (name, value)


# -- strings, lists, booleans: the types Ansible would silently convert ---------------------

@pytest.mark.parametrize('section, name', options_of('str'))
def test_string_options_reject_booleans_lists_and_dicts(section, name):
    for value, shown in ((False, 'a boolean (false)'), (True, 'a boolean (true)'), (['x'], 'a list'),
                         ({'x': 'y'}, 'a dictionary')):
        with pytest.raises(SpecError) as err:
            section.check_raw_types({name: value})
        assert one_line_naming(err, name).startswith('%s: got %s; give a string' % (name, shown))
    section.check_raw_types({name: 'text'})
    section.check_raw_types({name: -100123})  # numbers become their text (documented)


@pytest.mark.parametrize('section, name', options_of('list'))
def test_list_options_reject_strings_dicts_and_odd_items(section, name):
    for value in ('a,b', {'a': 'b'}, True, 5):
        with pytest.raises(SpecError) as err:
            section.check_raw_types({name: value})
        assert one_line_naming(err, name).endswith('give a list of strings')
    for item in (True, None, ['x'], {'x': 'y'}):
        with pytest.raises(SpecError) as err:
            section.check_raw_types({name: ['fine', item]})
        assert one_line_naming(err, name).startswith('%s: item 2 is ' % name)
    section.check_raw_types({name: ['a', 'b', 3]})


@pytest.mark.parametrize('section, name', options_of('bool'))
def test_bool_options_accept_only_what_ansible_calls_a_boolean(section, name):
    for value in ('sometimes', 2, ['yes'], {'a': 1}, 0.5):
        with pytest.raises(SpecError) as err:
            section.check_raw_types({name: value})
        assert one_line_naming(err, name).endswith('give true or false')
    for value in (True, False, 'yes', 'no', 'on', 'off', 1, 0, 'true', 'False'):
        section.check_raw_types({name: value})


@pytest.mark.parametrize('section, name', options_of('dict'))
def test_dict_options_reject_lists_and_booleans(section, name):
    for value in (['x'], True, 5):
        with pytest.raises(SpecError) as err:
            section.check_raw_types({name: value})
        assert one_line_naming(err, name).endswith('give a dictionary')


def test_extra_arguments_are_checked_too():
    for section in SECTIONS.values():
        for name, spec in section.extra_argument_spec.items():
            if spec.get('type', 'str') == 'str':
                with pytest.raises(SpecError) as err:
                    section.check_raw_types({name: True})
                one_line_naming(err, name)


# -- choices: Ansible's (exact) or Kapacitor's own (in any case) ---------------------------

def options_with_choices(ignore_case):
    return [pytest.param(section, name, id='%s.%s' % (section.name, name))
            for section in sorted(SECTIONS.values(), key=lambda s: s.name)
            for name, opt in sorted(section.options.items())
            if opt.choices is not None and bool(getattr(opt, 'ignore_case', False)) == ignore_case]


def case_variants(value):
    return sorted(set([value, value.lower(), value.upper(), value.swapcase(), value.title()]))


def test_both_kinds_of_choices_are_in_the_matrix():
    assert len(options_with_choices(True)) >= 2 and len(options_with_choices(False)) >= 2


@pytest.mark.parametrize('section, name', options_with_choices(True))
def test_case_insensitive_choices_accept_every_case_and_compare_equal(section, name):
    opt = section.options[name]
    assert 'choices' not in opt.argument_spec()  # Ansible's check would refuse other cases
    for value in opt.choices:
        for variant in case_variants(value):
            assert section.desired_options({name: variant}) == {name: variant}
            assert opt.normalize(variant) == opt.normalize(value)
    folded = [opt.normalize(value) for value in opt.choices]
    assert len(set(folded)) == len(folded)  # distinct choices stay distinct


@pytest.mark.parametrize('section, name', options_with_choices(True))
def test_case_insensitive_choices_refuse_near_misses(section, name):
    opt = section.options[name]
    for value in opt.choices:
        for bad in (value + 'x', ' ' + value, value + '\n', value + '\r\n', 'x'):
            if bad.lower() in [choice.lower() for choice in opt.choices]:
                continue
            with pytest.raises(SpecError) as err:
                section.desired_options({name: bad})
            assert 'in any case' in one_line_naming(err, name)


@pytest.mark.parametrize('section, name', options_with_choices(False))
def test_exact_choices_are_left_to_ansible(section, name):
    opt = section.options[name]
    assert opt.argument_spec()['choices'] == list(opt.choices)


# -- element names ------------------------------------------------------------------------

@pytest.mark.parametrize('section', list_sections())
def test_element_names_with_newlines_or_spaces_are_rejected(section):
    for bad in BAD_NAMES:
        with pytest.raises(SpecError) as err:
            section.validate_element(bad)
        one_line_naming(err, section.element_key)
    with pytest.raises(SpecError):
        section.check_raw_types({section.element_key: ['ops']})


@pytest.mark.parametrize('name', sorted(LIST_SECTION_KEYS))
def test_kapacitor_config_element_names_are_matched_whole(name):
    section = dynamic_section(name, {})
    for bad in BAD_NAMES:
        with pytest.raises(SpecError):
            section.validate_element(bad)
    assert section.validate_element('ops') == 'ops'


# -- kapacitor_config: the declared kind's range, or int64 when inferred ---------------------

def dynamic_int_options():
    for section in sorted(SECTIONS.values(), key=lambda s: s.name):
        for name, opt in sorted(section.options.items()):
            if opt.kind == 'int':
                yield pytest.param(section, opt, id='%s.%s' % (section.name, opt.api_name))


def dynamic_option(section, opt, value):
    """The option as kapacitor_config builds it for a value given under options."""
    if opt.parent:
        dyn = dynamic_section(section.name, {opt.parent: {opt.api_name: 0}}, desired={opt.parent: {opt.api_name: value}})
        return dyn, {opt.parent: {opt.api_name: value}}, '%s.%s' % (opt.parent, opt.api_name)
    dyn = dynamic_section(section.name, {opt.api_name: 0}, desired={opt.api_name: value})
    return dyn, {opt.api_name: value}, opt.api_name


@pytest.mark.parametrize('section, opt', list(dynamic_int_options()))
def test_kapacitor_config_int_options_follow_the_declared_range(section, opt):
    low, high = opt.int_range()
    for value in (low, high, float(min(max(low, -2 ** 52), 2 ** 52))):
        dyn, options, name = dynamic_option(section, opt, value)
        assert desired_values(dyn, {'options': options})[name] == int(value)
    for value in (low - 1, high + 1, 2 ** 63, float(2 ** 63), 1e300, float('nan'), float('inf'), float('-inf'), 1.5, True):
        dyn, options, name = dynamic_option(section, opt, value)
        with pytest.raises(SpecError) as err:
            desired_values(dyn, {'options': options})
        one_line_naming(err, name)


@pytest.mark.parametrize('value', [2 ** 63, -(2 ** 63) - 1, float('nan'), float('inf'), 1e19, '9223372036854775808'])
def test_kapacitor_config_inferred_ints_are_int64(value):
    section = dynamic_section('influxdb', {'udp-buffer': 1000}, desired={'udp-buffer': value})
    with pytest.raises(SpecError) as err:
        coerce(section.options['udp-buffer'], value)
    one_line_naming(err, 'udp-buffer')
    assert coerce(section.options['udp-buffer'], 2 ** 63 - 1) == 2 ** 63 - 1
    assert coerce(section.options['udp-buffer'], 3.0) == 3


@pytest.mark.parametrize('value', [float('nan'), float('inf'), [1.0, float('nan')], {'a': float('-inf')}])
def test_kapacitor_config_rejects_nan_and_infinity_anywhere(value):
    section = dynamic_section('scraper', {}, desired={'whatever': value})
    with pytest.raises(SpecError) as err:
        desired_values(section, {'options': {'whatever': value}})
    assert 'JSON has no NaN or infinity' in one_line_naming(err, 'whatever')


def dynamic_duration_options():
    for section in sorted(SECTIONS.values(), key=lambda s: s.name):
        for name, opt in sorted(section.options.items()):
            if opt.kind == 'duration':
                yield pytest.param(section, opt, id='%s.%s' % (section.name, opt.api_name))


@pytest.mark.parametrize('section, opt', list(dynamic_duration_options()))
def test_kapacitor_config_duration_options_follow_go_and_the_declaration(section, opt):
    for value in GO_MAX_DURATIONS:
        dyn, options, name = dynamic_option(section, opt, value)
        assert desired_values(dyn, {'options': options})[name] == value
    for value in PAST_GO_DURATIONS + NEGATIVE_DURATIONS:
        dyn, options, name = dynamic_option(section, opt, value)
        with pytest.raises(SpecError) as err:
            desired_values(dyn, {'options': options})
        one_line_naming(err, name)
