# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Secret handling for every module: which values are secrets, and masking every form of them.

A secret can come back escaped: Kapacitor quotes bad values Go-style (``invalid url "...\\n"``),
JSON encoders escape them, URLs percent-encode them, our own messages use ``%r``. :func:`scrub`
masks every such form; :func:`scrub_test_message` also drops what a peer (Slack, Teams, ...)
answered to a test alert, since a peer may echo the secret webhook path Kapacitor keeps.

This module imports nothing of the collection, so that every other module_utils can import it.
"""

import html
import json
import re
import unicodedata
from urllib.parse import quote, quote_plus, unquote

# How secrets appear in diffs. In returned config they are booleans, like Kapacitor's own.
SECRET_SET = '<set>'
SECRET_UNSET = '<unset>'
SECRET_UPDATED = '<updated>'
SECRET_MASK = '********'
CONTENT_HIDDEN = '<response content hidden>'


def is_set(value):
    """Whether a secret as Kapacitor shows it (bool when redacted, value otherwise) is set."""
    if isinstance(value, bool):
        return value
    return value not in (None, '', [], {})


# -- which values are secrets ----------------------------------------------------------------

# Handler kinds and services whose URL options are webhook URLs: the URL itself is the credential.
WEBHOOK_KINDS = ('discord', 'slack', 'talk', 'teams')

# Option names holding secrets, compared without "-" and "_" and in lower case, so that the
# names of handler options (routing-key), service tests (app_key, routingKey) and nested
# objects (SASLPassword) all match.
SECRET_WORDS = ('token', 'password', 'passwd', 'secret', 'routingkey', 'servicekey', 'apikey',
                'appkey', 'userkey', 'community', 'credential')
# Options whose every value is a secret: HTTP headers carry Authorization and API keys; Kafka's
# SASL extensions and OAuth parameters carry client secrets under arbitrary names.
SECRET_MAPS = ('headers', 'sasl_extensions', 'sasl-extensions', 'saslextensions',
               'sasl_oauth_parameters', 'sasl-oauth-parameters', 'sasloauthparameters')


def _squash(key):
    return key.replace('-', '').replace('_', '').lower()


def is_secret_key(kind, key):
    """Whether an option (or nested key) of a handler kind or service ``kind`` holds a secret."""
    if not isinstance(key, str):
        return False
    squashed = _squash(key)
    if any(word in squashed for word in SECRET_WORDS):
        return True
    return kind in WEBHOOK_KINDS and squashed.endswith('url') and 'avatar' not in squashed


def is_secret_map(key):
    """Whether every value of the mapping option ``key`` is a secret (headers, SASL maps)."""
    return isinstance(key, str) and (key in SECRET_MAPS or _squash(key) in SECRET_MAPS)


def is_url_key(kind, key):
    """Whether ``key`` is a URL that is not a secret as a whole but may carry secrets in its
    userinfo password, query or fragment (post handlers' url, alerta's url, ...)."""
    return isinstance(key, str) and _squash(key).endswith('url') and not is_secret_key(kind, key)


# scheme://[userinfo@]host[:port]; path; ?query; #fragment. Split by hand: urlsplit drops tabs and
# newlines (bpo-43882), and the secret must be kept exactly as given, control characters included.
_URL = re.compile(r'(?P<head>[A-Za-z][A-Za-z0-9+.-]*://)(?P<authority>[^/?#]*)(?P<path>[^?#]*)'
                  r'(?:\?(?P<query>[^#]*))?(?:#(?P<fragment>.*))?\Z', re.S)


def _split_url(url):
    match = _URL.match(url) if isinstance(url, str) else None
    if not match:
        return None
    parts = match.groupdict()
    userinfo, _sep, hostport = parts['authority'].rpartition('@')
    parts['user'], sep, parts['password'] = userinfo.partition(':')
    parts['password'] = parts['password'] if sep else None
    parts['hostport'] = hostport
    parts['has_userinfo'] = bool(_sep)
    return parts


def url_secrets(url):
    """The secret parts of a URL: userinfo password, query values, fragment; as written and
    percent-decoded. ``[]`` for a URL without any."""
    parts = _split_url(url)
    if parts is None:
        return []
    found = []  # (value, shortest to mask)
    if parts['password']:
        found.append((parts['password'], 1))
    for pair in parts['query'].split('&') if parts['query'] else ():
        # Under 4 characters (page=1, team=ops) a query value is no credential, and masking it
        # in every message would garble status codes and ports; mask_url still hides it.
        found.append((pair.partition('=')[2] if '=' in pair else pair, 4))
    if parts['fragment']:
        found.append((parts['fragment'], 4))
    out = []
    for value, shortest in found:
        for form in (value, unquote(value), unquote(value.replace('+', ' '))):
            if len(form) >= shortest and form not in out:
                out.append(form)
    return out


def mask_url(url, mask=SECRET_MASK):
    """A URL for output: password, every query value and the fragment replaced by ``mask``."""
    parts = _split_url(url)
    if parts is None or not (parts['password'] or parts['query'] or parts['fragment']):
        return url
    authority = parts['authority']
    if parts['password']:
        authority = '%s:%s@%s' % (parts['user'], mask, parts['hostport'])
    out = parts['head'] + authority + parts['path']
    if parts['query'] is not None:
        out += '?' + '&'.join(('%s=%s' % (pair.partition('=')[0], mask) if '=' in pair else mask) if pair else pair
                              for pair in parts['query'].split('&'))
    if parts['fragment'] is not None:
        out += '#' + (mask if parts['fragment'] else '')
    return out


def walk(kind, value, on_secret, path=(), secret=False, on_url=None):
    """Copy of ``value`` with ``on_secret(path, value)`` applied to every secret (sub)value and
    ``on_url(path, value)`` (when given) to every URL that may carry secrets in its parts."""
    if secret:
        return on_secret(path, value)
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if is_secret_map(key) and isinstance(item, dict):
                out[key] = dict((name, on_secret(path + (key, name), v)) for name, v in item.items())
            elif on_url is not None and is_url_key(kind, key) and isinstance(item, str):
                out[key] = on_url(path + (key,), item)
            else:
                out[key] = walk(kind, item, on_secret, path + (key,), is_secret_key(kind, key), on_url)
        return out
    if isinstance(value, list):
        return [walk(kind, item, on_secret, path + (index,), False, on_url) for index, item in enumerate(value)]
    return value


def public_options(kind, options):
    """Options for output: every secret replaced by true (set) or false (unset), URLs masked."""
    return walk(kind, options or {}, lambda path, value: is_set(value),
                on_url=lambda path, value: mask_url(value))


def _strings(value):
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, (int, float)):
        return [str(value)]
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, (list, tuple)):
        return [s for item in value for s in _strings(item)]
    return []


def secret_values(kind, options):
    """Every secret string in a handler's or service test's options (including the secret parts
    of URLs), to scrub from messages and to hide from Ansible."""
    found = []
    if isinstance(options, dict):
        walk(kind, options, lambda path, value: found.extend(_strings(value)),
             on_url=lambda path, value: found.extend(url_secrets(value)))
    return found


def test_option_secrets(service, options):
    """Secrets in a free-form ``test_options`` dict of ``service`` (e.g. ``slack``): the same
    key rules as handler options and kapacitor_service_test's ``options``."""
    return secret_values(service, options)


# -- every form of a secret -----------------------------------------------------------------

def _go_is_print(char):
    # strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
    return char == ' ' or unicodedata.category(char)[0] in 'LMNPS'


_GO_SHORT = {'\a': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v'}


def go_quote(value, ascii_only=False):
    """strconv.Quote (fmt's %q) or, with ascii_only, strconv.QuoteToASCII (%+q), quotes included."""
    out = ['"']
    for char in value:
        code = ord(char)
        if char in '"\\':
            out.append('\\' + char)
        elif (code < 0x80 or not ascii_only) and _go_is_print(char):
            out.append(char)
        elif char in _GO_SHORT:
            out.append(_GO_SHORT[char])
        elif code < 0x20 or code == 0x7f:
            out.append('\\x%02x' % code)
        elif 0xd800 <= code <= 0xdfff:  # not a valid rune: Go writes U+FFFD
            out.append('\\ufffd')
        elif code < 0x10000:
            out.append('\\u%04x' % code)
        else:
            out.append('\\U%08x' % code)
    out.append('"')
    return ''.join(out)


def go_json(value, short_bf=True):
    """encoding/json's string encoding (HTML-escaping on, its default), quotes included.
    Go before 1.22 wrote \\b and \\f as \\u0008 and \\u000c: ``short_bf=False``."""
    out = ['"']
    for char in value:
        code = ord(char)
        if char in '"\\':
            out.append('\\' + char)
        elif char in '\n\r\t' or (short_bf and char in '\b\f'):
            out.append(_GO_SHORT[char])
        elif code < 0x20 or char in '<>&' or char in '\u2028\u2029':
            out.append('\\u%04x' % code)
        elif 0xd800 <= code <= 0xdfff:
            out.append('\\ufffd')
        else:
            out.append(char)
    out.append('"')
    return ''.join(out)


def _lower_hex(text):
    return re.sub(r'%[0-9A-F]{2}', lambda m: m.group(0).lower(), text)


def _url_forms(value):
    try:
        forms = [
            quote(value, safe=''),
            quote(value, safe='/'),
            quote_plus(value, safe=''),         # also Go's url.QueryEscape
            quote_plus(value, safe='/'),
            quote(value, safe="$&+,/:;=@"),     # Go: the path in url.URL.String()
            quote(value, safe="$&+:=@"),        # Go: url.PathEscape
            quote(value, safe="$&+,;="),        # Go: the userinfo in url.URL.String()
        ]
    except UnicodeError:  # a lone surrogate cannot be sent in a URL either
        return []
    return forms + [_lower_hex(form) for form in forms]


def _repr_forms(value):
    forms = [repr(value)]
    # The quote Python picks depends on the whole string repr() is given: both inner forms.
    forms.append(repr('"' + value)[2:-1])
    if '"' not in value:
        forms.append(repr("'" + value)[2:-1])
    return forms


def _strip_quotes(forms):
    return [form[1:-1] for form in forms if len(form) >= 2 and form[0] == form[-1] and form[0] in '"\'']


def secret_forms(value):
    """Every form in which the string ``value`` can come back, longest first.

    Raw; Go-quoted (strconv.Quote, QuoteToASCII) and JSON-escaped (Python's json.dumps either way,
    Go's encoding/json, "\\/" escaping) with and without their quotes; URL-encoded (quote with
    safe '' and '/', quote_plus, Go's path, path segment and userinfo escaping, upper and lower
    hex); Python repr() (our messages use %r); HTML-escaped (error pages echo paths).
    Short values are not skipped: a secret the user gave is masked however short.
    """
    if isinstance(value, bool) or value is None:
        return []
    if not isinstance(value, str):
        value = str(value)
    if not value:
        return []
    quoted = [
        go_quote(value), go_quote(value, ascii_only=True),
        go_json(value), go_json(value, short_bf=False),
        json.dumps(value), json.dumps(value, ensure_ascii=False),
    ]
    quoted.append(quoted[4].replace('/', '\\/'))
    quoted.append(quoted[5].replace('/', '\\/'))
    forms = [value] + quoted + _strip_quotes(quoted) + _url_forms(value)
    reprs = _repr_forms(value)
    forms += reprs + _strip_quotes(reprs[:1]) + [html.escape(value), html.escape(value, quote=False)]
    unique = []
    for form in forms:
        if form and form not in unique:
            unique.append(form)
    return sorted(unique, key=len, reverse=True)


def flatten(secret_values_):
    """The strings to mask from a list of None, strings, numbers, lists and dicts: for a dict with
    a ``username`` key (httppost ``basic_auth``) every value but the username."""
    flat = []
    for value in secret_values_ or ():
        if isinstance(value, dict):
            if 'username' in value:
                flat.extend(s for k, v in value.items() if k != 'username' for s in _strings(v))
            else:
                flat.extend(_strings(value))
        else:
            flat.extend(_strings(value))
    return flat


def all_forms(secret_values_):
    """Every form in which these secrets (as :func:`flatten` takes them) can come back."""
    forms = set()
    for value in flatten(secret_values_):
        forms.update(secret_forms(value))
    return forms


def scrub(text, secret_values_):
    """``text`` with every form of every secret replaced by ********, longest form first."""
    if not isinstance(text, str):
        text = str(text)
    forms = all_forms(secret_values_)
    # Longest first, so that a secret containing another (or its own shorter form) is masked whole.
    for form in sorted(forms, key=lambda f: (-len(f), f)):
        if form in text:
            text = text.replace(form, SECRET_MASK)
    return text


# -- service-test and test-alert messages ------------------------------------------------------

# Go's *url.Error quotes the whole request URL ('Post "https://host/path?query": dial tcp ...').
# Handlers put redacted secrets there (VictorOps API key, HipChat token, Telegram token, Talk and
# Slack webhook URLs), which a task that only sends a test alert does not know: keep the host.
# Escapes inside the quotes (\" of a Go-quoted secret) must not end the match early.
_QUOTED_URL = re.compile(r'"([A-Za-z][A-Za-z0-9+.-]*://)(?:(?:[^/"?#@\\]|\\.)*@)?([^/"?#@\\]*)(?:[^"\\]|\\.)*"')

# Errors of Kapacitor v1.8.3 that embed what a peer answered (grep services/ for "content: %s",
# "description: %s", "socket error", "opsgenie error"). A peer may echo the request, and with it
# the webhook path or token Kapacitor keeps, so the peer's part is dropped; status codes stay:
#   alerta, bigpanda, discord, hipchat, opsgenie, opsgenie2, pagerduty, pagerduty2, pushover,
#   servicenow, slack, talk, teams, victorops, zenoss:
#       "failed to understand <Name> response. code: %d content: %s"  (the body)
#   telegram: "failed to understand Telegram response (err: %s). code: %d content: %s"
#             "sendMessage error (%d) description: %s"                 (the peer's description)
#   pagerduty2: "Status: %s, Message: %s Errors: %v"                   (all three the peer's)
#   opsgenie2: "opsgenie error: %s"                                    (the peer's message)
#   sensu: "sensu socket error: %s"                                    (the socket's answer)
# Not recognisable: when a peer answers JSON with an "error"/"message" field, these services
# return that field alone (Slack's "invalid_token"); known secrets are still masked in it.
_PEER_CONTENT = (
    (re.compile(r'(\bresponse(?: \(err: [^)]*\))?\. code: \d+ content:).*', re.S), r'\1 ' + CONTENT_HIDDEN),
    (re.compile(r'(\bsendMessage error \(-?\d+\) description:).*', re.S), r'\1 ' + CONTENT_HIDDEN),
    (re.compile(r'\bStatus: .*?, Message: (?!failed to understand ).*', re.S), 'Status and Message: ' + CONTENT_HIDDEN),
    (re.compile(r'(\bopsgenie error:).*', re.S), r'\1 ' + CONTENT_HIDDEN),
    (re.compile(r'(\bsensu socket error:).*', re.S), r'\1 ' + CONTENT_HIDDEN),
)


def hide_peer_content(text):
    """``text`` without the part of a Kapacitor error that a peer service answered."""
    for pattern, replacement in _PEER_CONTENT:
        text = pattern.sub(replacement, text)
    return text


def scrub_test_message(text, secret_values_):
    """A service-test or test-alert message without secrets, whether the task gave them or
    Kapacitor keeps them: peer content hidden, quoted URLs cut to scheme and host, secrets masked."""
    text = hide_peer_content(scrub(text, secret_values_))
    return _QUOTED_URL.sub(r'"\1\2/..."', text)
