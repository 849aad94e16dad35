# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every form in which a secret comes back is masked: as Go and Python really write them."""

import html
import json
import os
import re
import shutil
import subprocess
from urllib.parse import quote, quote_plus

import pytest

from ansible_collections.tick.kapacitor.plugins.module_utils import kapacitor_secrets as secrets
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_secrets import (
    scrub, scrub_test_message, secret_values)

MASK = '********'

# Nasty canaries: each holds a unique alphanumeric core ("CNRY...") that every escaping keeps.
CANARIES = [
    'CNRYa\nen"q\\b\t<&>\u00e9\u2028/?%+ sp',
    's\u00e9 CNRYb\u00a0\x7f\x01\u200b\U0001F600\'x',
    'p@ss:w/rd;,=$&+~*()!CNRYc',
    'CNRYd\u2029\r\x08\x0c',
]

# What Go 1.26 (strconv, encoding/json, net/url) writes for them, generated once with the helper
# below and kept here so that the test does not need Go.
GO = {
    CANARIES[0]: {
        'quote': '"CNRYa\\nen\\"q\\\\b\\t<&>\u00e9\\u2028/?%+ sp"',
        'quote_ascii': '"CNRYa\\nen\\"q\\\\b\\t<&>\\u00e9\\u2028/?%+ sp"',
        'json': '"CNRYa\\nen\\"q\\\\b\\t\\u003c\\u0026\\u003e\u00e9\\u2028/?%+ sp"',
        'query': 'CNRYa%0Aen%22q%5Cb%09%3C%26%3E%C3%A9%E2%80%A8%2F%3F%25%2B+sp',
        'path': 'CNRYa%0Aen%22q%5Cb%09%3C&%3E%C3%A9%E2%80%A8%2F%3F%25+%20sp',
        'url_string': ('https://u:CNRYa%0Aen%22q%5Cb%09%3C&%3E%C3%A9%E2%80%A8%2F%3F%25+%20sp@h.example'
                       '/p/CNRYa%0Aen%22q%5Cb%09%3C&%3E%C3%A9%E2%80%A8/%3F%25+%20sp'),
    },
    CANARIES[1]: {
        'quote': '"s\u00e9 CNRYb\\u00a0\\x7f\\x01\\u200b\U0001F600\'x"',
        'quote_ascii': '"s\\u00e9 CNRYb\\u00a0\\x7f\\x01\\u200b\\U0001f600\'x"',
        'json': '"s\u00e9 CNRYb\u00a0\x7f\\u0001\u200b\U0001F600\'x"',
        'query': 's%C3%A9+CNRYb%C2%A0%7F%01%E2%80%8B%F0%9F%98%80%27x',
        'path': 's%C3%A9%20CNRYb%C2%A0%7F%01%E2%80%8B%F0%9F%98%80%27x',
        'url_string': ('https://u:s%C3%A9%20CNRYb%C2%A0%7F%01%E2%80%8B%F0%9F%98%80%27x@h.example'
                       '/p/s%C3%A9%20CNRYb%C2%A0%7F%01%E2%80%8B%F0%9F%98%80%27x'),
    },
    CANARIES[2]: {
        'quote': '"p@ss:w/rd;,=$&+~*()!CNRYc"',
        'quote_ascii': '"p@ss:w/rd;,=$&+~*()!CNRYc"',
        'json': '"p@ss:w/rd;,=$\\u0026+~*()!CNRYc"',
        'query': 'p%40ss%3Aw%2Frd%3B%2C%3D%24%26%2B~%2A%28%29%21CNRYc',
        'path': 'p@ss:w%2Frd%3B%2C=$&+~%2A%28%29%21CNRYc',
        'url_string': ('https://u:p%40ss%3Aw%2Frd;,=$&+~%2A%28%29%21CNRYc@h.example'
                       '/p/p@ss:w/rd;,=$&+~%2A%28%29%21CNRYc'),
    },
    CANARIES[3]: {
        'quote': '"CNRYd\\u2029\\r\\b\\f"',
        'quote_ascii': '"CNRYd\\u2029\\r\\b\\f"',
        'json': '"CNRYd\\u2029\\r\\b\\f"',
        'query': 'CNRYd%E2%80%A9%0D%08%0C',
        'path': 'CNRYd%E2%80%A9%0D%08%0C',
        'url_string': 'https://u:CNRYd%E2%80%A9%0D%08%0C@h.example/p/CNRYd%E2%80%A9%0D%08%0C',
    },
}

GO_HELPER = r'''
package main

import (
    "bufio"
    "encoding/json"
    "fmt"
    "net/url"
    "os"
    "strconv"
)

func main() {
    in := bufio.NewScanner(os.Stdin)
    out := json.NewEncoder(os.Stdout)
    out.SetEscapeHTML(false)
    for in.Scan() {
        var s string
        if err := json.Unmarshal(in.Bytes(), &s); err != nil {
            panic(err)
        }
        j, _ := json.Marshal(s)
        u := &url.URL{Scheme: "https", Host: "h.example", Path: "/p/" + s, User: url.UserPassword("u", s)}
        out.Encode(map[string]string{
            "quote": strconv.Quote(s), "quote_ascii": strconv.QuoteToASCII(s), "json": string(j),
            "query": url.QueryEscape(s), "path": url.PathEscape(s), "url_string": u.String(),
            "printf_q": fmt.Sprintf("%q", s), "printf_plus_q": fmt.Sprintf("%+q", s),
            "url_error": (&url.Error{Op: "Post", URL: "https://h.example/p/" + s, Err: fmt.Errorf("x")}).Error(),
        })
    }
}
'''


def python_forms(value):
    """What Python writes for a value: json (both ways), repr (alone and in a container),
    percent-encoding (quote with safe '' and '/', quote_plus, lower-case hex), HTML escaping."""
    forms = [json.dumps(value), json.dumps(value, ensure_ascii=False), repr(value), repr([value]),
             '%r' % ({'k': value},), html.escape(value),
             quote(value, safe=''), quote(value, safe='/'), quote_plus(value), quote_plus(value, safe='/')]
    return forms + [re.sub('%[0-9A-F]{2}', lambda m: m.group(0).lower(), f) for f in forms[-4:]]  # lower-case hex


def core(value):
    return value[value.index('CNRY'):value.index('CNRY') + 5]


def assert_scrubbed(text, value):
    out = scrub(text, [value])
    assert core(value) not in out, out
    return out


@pytest.mark.parametrize('value', CANARIES, ids=['newline-quote-html', 'unicode-controls', 'url-punctuation', 'u2029-bf'])
@pytest.mark.parametrize('form', ['quote', 'quote_ascii', 'json', 'query', 'path', 'url_string'])
def test_every_go_form_is_masked(value, form):
    text = 'invalid url %s: net/url: invalid control character in URL' % GO[value][form]
    out = assert_scrubbed(text, value)
    assert MASK in out


@pytest.mark.parametrize('value', CANARIES)
def test_every_python_form_is_masked(value):
    for form in python_forms(value):
        assert_scrubbed('options: %s is not a string' % form, value)


def test_go_json_without_short_b_and_f_escapes_is_masked():
    # Go before 1.22 wrote \b and \f as \u0008 and \u000c.
    assert_scrubbed('{"error": "CNRYd\\u2029\\r\\u0008\\u000c"}', CANARIES[3])


def test_the_go_table_is_what_go_writes(tmp_path):
    """When Go is installed, build the helper and compare (else the table alone is the proof)."""
    go = shutil.which('go')
    if not go:
        pytest.skip('go is not on PATH')
    (tmp_path / 'main.go').write_text(GO_HELPER)
    (tmp_path / 'go.mod').write_text('module helper\n\ngo 1.21\n')
    env = dict(os.environ, GOFLAGS='-mod=mod', GOCACHE=os.environ.get('GOCACHE') or str(tmp_path / 'cache'))
    built = subprocess.run([go, 'build', '-o', str(tmp_path / 'helper'), '.'], cwd=str(tmp_path), env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300, check=False)
    if built.returncode != 0:
        pytest.skip('cannot build the Go helper: %s' % built.stdout[-300:])
    answer = subprocess.run([str(tmp_path / 'helper')], input='\n'.join(json.dumps(c) for c in CANARIES) + '\n',
                            stdout=subprocess.PIPE, universal_newlines=True, timeout=60, check=True)
    for value, line in zip(CANARIES, answer.stdout.splitlines()):
        forms = json.loads(line)
        for name, expected in GO[value].items():
            assert forms[name] == expected, (name, value)
        for name, form in forms.items():
            assert_scrubbed('failed: %s' % form, value)


def test_secret_forms_cover_go_and_python():
    for value in CANARIES:
        forms = secrets.secret_forms(value)
        assert forms == sorted(forms, key=len, reverse=True)
        for name in ('quote', 'quote_ascii', 'json'):
            assert GO[value][name] in forms and GO[value][name][1:-1] in forms
        for name in ('query', 'path'):
            assert GO[value][name] in forms
        assert json.dumps(value) in forms and json.dumps(value, ensure_ascii=False) in forms
        assert repr(value) in forms


def test_secret_values_in_every_shape():
    text = 'a=CNRY-one b=CNRY-two c=12345678 user=admin d=CNRY-three e=CNRY-four'
    out = scrub(text, [None, 'CNRY-one', 12345678, True, ['CNRY-two', {'x': 'CNRY-three'}],
                       {'username': 'admin', 'password': 'CNRY-four'}])
    assert out == 'a=%s b=%s c=%s user=admin d=%s e=%s' % ((MASK,) * 5)


def test_longest_first_masks_a_secret_containing_another_whole():
    assert scrub('x ab-CNRY-cd y', ['CNRY', 'ab-CNRY-cd']) == 'x %s y' % MASK
    # and the quoted form whole, not its inner part leaving quotes around a partial mask
    assert scrub('url "CNRYz\\n" bad', ['CNRYz\n']) == 'url %s bad' % MASK


@pytest.mark.parametrize('message, kept', [
    ('failed to understand Slack response. code: 404 content: Cannot POST /services/T0/B0/CNRYsecret',
     'failed to understand Slack response. code: 404 content: <response content hidden>'),
    ('failed to understand Teams response. code: 400 content: {"path": "/webhook/CNRYsecret"}\nmore',
     'failed to understand Teams response. code: 400 content: <response content hidden>'),
    ("failed to understand Telegram response (err: invalid character 'C' looking for beginning of value). "
     "code: 404 content: Cannot POST /botCNRYsecret/sendMessage",
     "failed to understand Telegram response (err: invalid character 'C' looking for beginning of value). "
     "code: 404 content: <response content hidden>"),
    ('sendMessage error (404) description: Not Found: /botCNRYsecret',
     'sendMessage error (404) description: <response content hidden>'),
    ('Status: invalid event, Message: key CNRYsecret Errors: [routing_key CNRYsecret]',
     'Status and Message: <response content hidden>'),
    ('Status: , Message: failed to understand PagerDuty2 response. code: 404 content: CNRYsecret Errors: []',
     'Status: , Message: failed to understand PagerDuty2 response. code: 404 content: <response content hidden>'),
    ('opsgenie error: Key CNRYsecret is invalid', 'opsgenie error: <response content hidden>'),
    ('sensu socket error: got CNRYsecret', 'sensu socket error: <response content hidden>'),
    ('failed to understand Pushover response. code: 400 content: token CNRYsecret is invalid',
     'failed to understand Pushover response. code: 400 content: <response content hidden>'),
])
def test_peer_content_never_reaches_a_test_message(message, kept):
    out = scrub_test_message(message, [])
    assert 'CNRY' not in out
    assert out == kept


def test_quoted_urls_are_cut_to_the_host_even_with_escaped_quotes():
    message = 'Post "https://user:pw@hooks.example.com:8443/services/CNRYa\\"b/c?x=CNRYq": dial tcp: refused'
    out = scrub_test_message(message, [])
    assert out == 'Post "https://hooks.example.com:8443/...": dial tcp: refused'


def test_url_secrets_query_and_userinfo_are_secrets_of_url_options():
    found = secret_values('post', {'url': 'https://u:CNRYpw%21@h.example/x?token=CNRYtok&b=CNRY%2Bq#CNRYf'})
    for value in ('CNRYpw%21', 'CNRYpw!', 'CNRYtok', 'CNRY%2Bq', 'CNRY+q', 'CNRYf'):
        assert value in found
    assert secret_values('post', {'url': 'https://h.example/plain/path'}) == []


def test_url_secrets_keep_control_characters_urlsplit_would_drop():
    url = 'http://h.example/x?token=CNRYnl\n"q\t&page=1'
    found = secret_values('post', {'url': url})
    assert 'CNRYnl\n"q\t' in found and '1' not in found  # a 1-character query value is no credential
    message = 'parse %s: net/url: invalid control character in URL' % GO_QUOTE_OF_URL
    assert 'CNRY' not in scrub(message, found)


GO_QUOTE_OF_URL = '"http://h.example/x?token=CNRYnl\\n\\"q\\t&page=1"'
