# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import KAFKA, SLACK, TELEGRAM
from ansible_collections.tick.kapacitor.plugins.module_utils import kapacitor_spec
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
    # Kapacitor takes Telegram's parse mode in any case; Ansible's choices cannot (see below).
    assert 'choices' not in TELEGRAM.argument_spec()['parse_mode']
    assert KAFKA.argument_spec()['sasl_mechanism']['choices'][:2] == ['', 'PLAIN']
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


# -- Go's time.ParseDuration, exactly -------------------------------------------------------

MAX_NS = (1 << 63) - 1


EDGE_ACCEPTED = [
    ('9223372036854775807ns', MAX_NS),
    ('-9223372036854775808ns', -(1 << 63)),
    ('2562047h47m16.854775807s', MAX_NS),
    ('-2562047h47m16.854775808s', -(1 << 63)),
    ('5.s', 5 * SECOND),
    ('.5s', SECOND // 2),
    ('-0', 0),
    ('+0', 0),
    ('-0s', 0),
    ('1.000000000000000000000000001s', SECOND),   # fraction digits past uint64 stop counting
    ('0.3333333333333333333333h', 1200 * SECOND),  # float64 fraction arithmetic, as in Go
    ('1h1m1s1ms1us1ns', 3661001001001),
    # Go adds in uint64: 1<<63 + 1<<63 wraps to 0 (a quirk kept so that we accept what Go accepts)
    ('9223372036854775808ns9223372036854775808ns', 0),
]
EDGE_REJECTED = [
    '', '.', '+', '-', '1', '00', '-.s', '1s ', ' 1s', '1 s', '1S', '1e3s', '1_0s', '1.5.s',
    '9223372036854775808ns', '2562047h47m16.854775808s', '-9223372036854775809ns',
    '2562048h', '99999999999999999999ns', '1h\n', u'1\u00b5', u'5\uff53', '0x10s',
]


def test_parse_duration_at_go_limits():
    """Exactly Go's range and syntax: both ends accepted, one past either end and odd forms not."""
    assert [parse_duration(text) for text, _ns in EDGE_ACCEPTED] == [ns for _text, ns in EDGE_ACCEPTED]
    for text in EDGE_REJECTED:
        with pytest.raises(ValueError):
            parse_duration(text)
    assert format_duration(MAX_NS) == '2562047h47m16.854775807s'
    assert format_duration(-(1 << 63)) == '-2562047h47m16.854775808s'


@pytest.mark.parametrize('value', ['-5s', '-1ns', '-2562047h47m16.854775808s'])
def test_negative_durations_are_rejected_naming_the_option(value):
    opt = Option('duration').bind('timeout')
    with pytest.raises(SpecError) as err:
        opt.validate(value)
    assert str(err.value) == "timeout: %r is negative; Kapacitor needs a duration of zero or more" % value
    assert Option('duration', negative=True).bind('offset').validate(value) == value


GO_HELPER = r'''
package main

import (
    "bufio"
    "encoding/json"
    "fmt"
    "os"
    "time"
)

func main() {
    in := bufio.NewScanner(os.Stdin)
    in.Buffer(make([]byte, 1<<20), 1<<20)
    for in.Scan() {
        var s string
        if err := json.Unmarshal(in.Bytes(), &s); err != nil {
            panic(err)
        }
        d, err := time.ParseDuration(s)
        if err != nil {
            fmt.Println("error")
        } else {
            fmt.Println(int64(d))
        }
    }
}
'''


@pytest.fixture(scope='module')
def go_parse_duration(tmp_path_factory):
    """time.ParseDuration itself, in a Go process fed one JSON string per line."""
    import json
    import shutil
    import subprocess
    go = shutil.which('go')
    if go is None:
        pytest.skip('no Go toolchain: the cross-check against time.ParseDuration did not run')
    work = tmp_path_factory.mktemp('goduration')
    (work / 'main.go').write_text(GO_HELPER)
    binary = str(work / 'parseduration')
    env = dict(os.environ, GO111MODULE='off', GOFLAGS='', CGO_ENABLED='0')
    subprocess.run([go, 'build', '-o', binary, str(work / 'main.go')], check=True, cwd=str(work), env=env,
                   timeout=300)
    proc = subprocess.Popen([binary], stdin=subprocess.PIPE, stdout=subprocess.PIPE, universal_newlines=True)

    def ask(text):
        proc.stdin.write(json.dumps(text) + '\n')
        proc.stdin.flush()
        answer = proc.stdout.readline().strip()
        return None if answer == 'error' else int(answer)
    yield ask
    proc.stdin.close()
    proc.wait(timeout=10)


def _ours(text):
    try:
        return parse_duration(text)
    except ValueError:
        return None


DURATION_ALPHABET = u'0123456789.+-nsuµμmh \u00b5x'
duration_like = st.one_of(
    st.text(alphabet=DURATION_ALPHABET, max_size=12),
    st.lists(st.tuples(st.integers(0, 10 ** 20), st.one_of(st.just(''), st.from_regex(r'\.[0-9]{0,25}', fullmatch=True)),
                       st.sampled_from(['ns', 'us', u'\u00b5s', u'\u03bcs', 'ms', 's', 'm', 'h', '', 'd'])),
             min_size=1, max_size=4).map(lambda parts: ''.join('%d%s%s' % p for p in parts)),
    st.tuples(st.sampled_from(['', '-', '+']), st.integers((1 << 63) - 3000, (1 << 63) + 3000),
              st.sampled_from(['ns', 'us', 'ms', 's'])).map(lambda p: '%s%d%s' % p),
)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=duration_like)
def test_parse_duration_matches_go_time_parseduration(go_parse_duration, text):
    """Cross-check against Go itself (needs `go`; skipped, not passed, without it)."""
    assert _ours(text) == go_parse_duration(text)


# -- names, raw types ------------------------------------------------------------------------

def test_element_names_must_match_as_a_whole():
    """Python's "$" matches before a trailing newline: "ops\n" must not pass as "ops"."""
    for name in ['ops\n', 'ops\r', ' ops', 'ops ', 'op s', '', '\nops', 'ops\r\n', 'o\tps', 'ops\n\n']:
        for section in (SLACK, Section('kafka', {}, element_key='id', element_default=None)):
            if name == '' and section.element_default == '':
                continue
            with pytest.raises(SpecError) as err:
                section.validate_element(name)
            assert '\n' not in str(err.value)


def test_raw_types_reject_what_ansible_would_turn_into_text():
    cases = [
        (SLACK, {'url': False}, 'url: got a boolean (false); give a string (quote it in YAML)'),
        (SLACK, {'channel': ['#a']}, 'channel: got a list; give a string'),
        (SLACK, {'token': {'a': 'b'}}, 'token: got a dictionary; give a string'),
        (SLACK, {'workspace': True}, 'workspace: got a boolean (true); give a string (quote it in YAML)'),
        (SLACK, {'enabled': 'sometimes'}, "enabled: got 'sometimes'; give true or false"),
    ]
    for section, raw, message in cases:
        with pytest.raises(SpecError) as err:
            section.check_raw_types(raw)
        assert str(err.value) == message
    # Numbers given for strings become their text (an unquoted Telegram chat_id).
    TELEGRAM.check_raw_types({'chat_id': -100123, 'enabled': 'yes', 'token': '1:x'})
    SLACK.check_raw_types({'enabled': 1, 'global': 'off', 'channel': None})


def test_hand_written_edge_cases_agree_with_go(go_parse_duration):
    """The edge cases above are Go's answers, not ours (needs `go`; skipped, not passed, without it)."""
    accepted = [text for text, _ns in EDGE_ACCEPTED]
    for text in accepted + EDGE_REJECTED:
        assert _ours(text) == go_parse_duration(text), text


# -- choices Kapacitor compares in any case ------------------------------------------------------

@pytest.mark.parametrize('section, name, given, canonical', [
    (TELEGRAM, 'parse_mode', 'markdown', 'Markdown'),
    (TELEGRAM, 'parse_mode', 'MARKDOWN', 'Markdown'),
    (TELEGRAM, 'parse_mode', 'html', 'HTML'),
    (TELEGRAM, 'parse_mode', 'hTmL', 'HTML'),
    (TELEGRAM, 'parse_mode', '', ''),
    (TELEGRAM, 'parse_mode', u'MAR\u212aDOWN', 'Markdown'),  # Go's ToLower folds the Kelvin sign to k
    (KAFKA, 'sasl_oauth_service', 'AzureAD', 'azuread'),
    (KAFKA, 'sasl_oauth_service', 'AUTH0', 'auth0'),
    (KAFKA, 'sasl_oauth_service', 'Custom', 'custom'),
])
def test_case_insensitive_choices_take_any_case_as_given_and_compare_folded(section, name, given, canonical):
    """Telegram's parse mode (services/telegram/service.go) and Kafka's OAuth service
    (services/kafka/sasl.go) go through strings.ToLower before Kapacitor checks them."""
    opt = section.options[name]
    assert section.desired_options({name: given}) == {name: given}  # sent as given, as Kapacitor keeps it
    assert opt.normalize(given) == opt.normalize(canonical)
    assert opt.normalize('') != opt.normalize(canonical) or canonical == ''


@pytest.mark.parametrize('section, name, bad', [
    (TELEGRAM, 'parse_mode', 'Text'),
    (TELEGRAM, 'parse_mode', 'MarkdownV2'),
    (TELEGRAM, 'parse_mode', ' html'),
    (TELEGRAM, 'parse_mode', 'html\n'),
    (KAFKA, 'sasl_oauth_service', 'azure'),
    (KAFKA, 'sasl_oauth_service', 'Okta'),
])
def test_case_insensitive_choices_still_refuse_other_values_in_one_line(section, name, bad):
    with pytest.raises(SpecError) as err:
        section.desired_options({name: bad})
    text = str(err.value)
    assert text.startswith('%s: %r is not one of ' % (name, bad)), text
    assert 'in any case' in text and '\n' not in text
    for value in section.options[name].choices:
        assert (repr(value) if value == '' else value) in text


def test_case_sensitive_choices_stay_with_ansible():
    """Kapacitor compares SASL mechanisms exactly: Ansible's own (case-sensitive) check applies."""
    opt = KAFKA.options['sasl_mechanism']
    assert not getattr(opt, 'ignore_case', False)
    assert opt.argument_spec()['choices'] == ['', 'PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'GSSAPI', 'OAUTHBEARER']
    assert opt.normalize('plain') != opt.normalize('PLAIN')


GO_LOWER_HELPER = r"""
package main

import (
    "bufio"
    "encoding/json"
    "fmt"
    "os"
    "strings"
)

func main() {
    in := bufio.NewScanner(os.Stdin)
    in.Buffer(make([]byte, 1<<20), 1<<20)
    for in.Scan() {
        var s string
        if err := json.Unmarshal(in.Bytes(), &s); err != nil {
            panic(err)
        }
        out, _ := json.Marshal(strings.ToLower(s))
        fmt.Println(string(out))
    }
}
"""


@pytest.fixture(scope='module')
def go_to_lower(tmp_path_factory):
    """strings.ToLower itself, in a Go process fed one JSON string per line."""
    import json
    import shutil
    import subprocess
    go = shutil.which('go')
    if go is None:
        pytest.skip('no Go toolchain: the cross-check against strings.ToLower did not run')
    work = tmp_path_factory.mktemp('golower')
    (work / 'main.go').write_text(GO_LOWER_HELPER)
    binary = str(work / 'tolower')
    env = dict(os.environ, GO111MODULE='off', GOFLAGS='', CGO_ENABLED='0')
    subprocess.run([go, 'build', '-o', binary, str(work / 'main.go')], check=True, cwd=str(work), env=env,
                   timeout=300)
    proc = subprocess.Popen([binary], stdin=subprocess.PIPE, stdout=subprocess.PIPE, universal_newlines=True,
                            encoding='utf-8')

    def ask(text):
        proc.stdin.write(json.dumps(text) + '\n')
        proc.stdin.flush()
        return json.loads(proc.stdout.readline())
    yield ask
    proc.stdin.close()
    proc.wait(timeout=10)


# Letters of the choices in both cases, and the runs whose case mapping differs between Go and
# Python or leads to ASCII: Kelvin sign, dotted capital I, dotless i, long s, final sigma, sharp s.
FOLD_ALPHABET = u'markdownhtlMARKDOWNHTLazureidcstomAZUREIDCSTOMh0\u212a\u0130\u0131\u017f\u03a3\u03c2\u1e9e\u00df \t'
fold_like = st.one_of(
    st.text(alphabet=FOLD_ALPHABET, max_size=10),
    st.sampled_from(['Markdown', 'HTML', 'custom', 'auth0', 'azuread']).flatmap(
        lambda word: st.lists(st.booleans(), min_size=len(word), max_size=len(word)).map(
            lambda flips: ''.join(c.upper() if f else c for c, f in zip(word, flips)))),
    st.text(st.characters(blacklist_categories=('Cs',)), max_size=8),
)


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=fold_like)
def test_case_folding_accepts_exactly_what_go_tolower_accepts(go_to_lower, text):
    """Cross-check against Go itself (needs `go`; skipped, not passed, without it)."""
    go_lower = go_to_lower(text)
    for section, name in ((TELEGRAM, 'parse_mode'), (KAFKA, 'sasl_oauth_service')):
        opt = section.options[name]
        kapacitor_accepts = go_lower in [value.lower() for value in opt.choices]
        try:
            opt.validate(text)
            ours = True
        except SpecError:
            ours = False
        assert ours == kapacitor_accepts, (name, text)
    if not any(unicodedata.category(c) == 'Cn' for c in text):  # unassigned in Python's Unicode
        assert kapacitor_spec.go_lower(text) == go_lower
