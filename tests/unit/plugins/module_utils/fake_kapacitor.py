# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One fake Kapacitor for every unit test: the KapacitorClient surface the code uses, answered
the way Kapacitor 1.8.3 answers.

The server side starts from what a real kapacitord 1.8.3 reports with the stack's kapacitor.conf
(fixtures/kapacitor-1.8.3.json: every section's options under Kapacitor's dash names, which ones
it redacts, and every service test's options) and keeps Kapacitor's model of the config API:

* ``kapacitor.conf`` values plus stored overrides, one per element; GET shows the result, with
  redacted options as booleans (set/unset) and the element's ``redacted`` list;
* ``set``/``delete`` on an element path, ``add``/``remove`` on a section path, answered with 204;
  ``remove`` drops the stored override (an added element disappears, a kapacitor.conf element or a
  single section reverts to the file's values); an ``add`` of an element whose override exists
  drops the connection (a nil-error panic in Kapacitor 1.8), an ``add`` of a kapacitor.conf element
  is a 400 ("duplicate elements");
* the errors, with Kapacitor's texts: 404 ``unknown section: x`` and ``unknown section/element:
  x/y``, 400 ``unknown options [a b] in section x``, ``cannot set option x: wrong kind ...``,
  ``cannot override element key x``, the validation of Slack (``must specify url``, ``id must not
  be empty`` for the unnamed workspace next to named ones) and Telegram (``must specify token``);
* value conversion: durations stored as Go prints them ("1m" reads back "1m0s", a string Go
  cannot parse is ignored, a number is refused), numeric strings into ints, Kafka's ``SASLAuth``
  replaced whole on every set, its nested duration a number that, sent as a number, breaks every
  later read with HTTP 500;
* service tests (GET the options, POST answers success when the service's element is enabled,
  else "service is not enabled", unless ``test_answers`` says otherwise);
* topic handlers (POST creates, 500 "already exists" for a second one, PUT replaces, 404 for an
  unknown one, DELETE always 204);
* older versions (``FakeKapacitor(version='1.5.9')``), from their source (tags v1.5.9, v1.6.5,
  v1.7.5 and v1.7.6 against v1.8.3): the sections, options, Kafka SASL fields and service-test
  options they lack are gone (see ``SECTIONS_SINCE`` and the tables after it), and before 1.6.0 an
  error answer is only ``{"error": ...}``. ``reports_version=False`` is a build that sends no
  ``X-Kapacitor-Version`` (the client never learns the version).

Client side: ``get``, ``post``, ``request``, ``ping``, ``service_test`` (KapacitorClient's own),
``version`` (None until Kapacitor answered, as the real client) and ``base_url``. Failures are
raised as KapacitorError with ``status``, ``kapacitor_message``, ``version`` and ``maybe_applied``
set as the real client sets them.

For the tests: ``requests`` logs every request the code made (``(method, path)`` or ``(method,
path, body)``); ``concurrently()`` and its short forms ``set_options()``/``add_element()`` are
another writer's requests (not logged); ``inject()`` and its short forms ``reject()``,
``drop()`` and ``lose_answer()`` make the next matching requests fail, or let another writer
land just before or after them; ``stored()`` and ``handler()`` show what Kapacitor holds, secrets
in clear. ``serve_http()`` puts the same fake behind a real HTTP server for the real client.
"""

import contextlib
import copy
import json
import os
import re
import threading
from fractions import Fraction
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import unquote

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_client import (
    KapacitorClient, KapacitorError, shape_problem)

API = '/kapacitor/v1'
RECORDING = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures', 'kapacitor-1.8.3.json')

# Kapacitor's list sections and their element keys (the ``elementKey`` struct tags).
ELEMENT_KEYS = {'slack': 'workspace', 'discord': 'workspace', 'httppost': 'endpoint', 'kafka': 'id',
                'mqtt': 'name', 'influxdb': 'name'}
# The service-test option that picks the element under test.
TEST_ELEMENT_OPTIONS = {'slack': 'workspace', 'discord': 'workspace', 'httppost': 'endpoint',
                        'kafka': 'cluster', 'mqtt': 'broker-name'}
# Redacted options that hold an object rather than a string.
REDACTED_OBJECTS = {('httppost', 'basic-auth')}
# Durations inside Kafka's SASLAuth: shown as integer nanoseconds, settable only as strings.
NESTED_DURATIONS = {'SASLOAUTHExpiryMargin'}
HANDLER_ID = re.compile(r'^[-\w.]+$')

# What older Kapacitor versions lack, read from their source (override tags of server/config.go and
# services/<name>/config.go, testOptions of services/<name>/service.go, HttpError of
# services/httpd/handler.go), written down here apart from the collection's declarations.
SECTIONS_SINCE = {'discord': (1, 5, 6), 'teams': (1, 5, 6), 'servicenow': (1, 5, 7), 'bigpanda': (1, 5, 8),
                  'zenoss': (1, 6, 0)}
OPTIONS_SINCE = {('slack', 'token'): (1, 6, 0), ('bigpanda', 'auto-attributes'): (1, 6, 3),
                 ('smtp', 'to-templates'): (1, 6, 3), ('kafka', 'SASLAuth'): (1, 6, 4)}
SASL_FIELDS_SINCE = dict.fromkeys(
    ('SASLExtensions', 'SASLOAUTHService', 'SASLOAUTHClientID', 'SASLOAUTHClientSecret', 'SASLOAUTHTokenURL',
     'SASLOAUTHScopes', 'SASLOAUTHParams', 'SASLOAUTHExpiryMargin', 'SASLOAUTHTenant'), (1, 7, 6))
TEST_OPTIONS_SINCE = {('alerta', 'attributes'): (1, 6, 3), ('bigpanda', 'host'): (1, 6, 3),
                      ('bigpanda', 'primary_property'): (1, 6, 3), ('bigpanda', 'secondary_property'): (1, 6, 3)}
# Before 1.6.3 ServiceNow's test took four options, with other defaults.
OLD_SERVICENOW_TEST = {'alert_id': 'id', 'source': 'Kapacitor', 'level': 'CRITICAL', 'message': 'test servicenow alert'}
# Kapacitor's error body before 1.6.0 has no "message", only "error".
ERROR_MESSAGE_SINCE = (1, 6, 0)


def version_tuple(text):
    """(major, minor, patch) of a version such as '1.5.9'."""
    match = re.match(r'^(\d+)\.(\d+)\.(\d+)$', text)
    assert match, 'the fake models versions like 1.5.9, not %r' % (text,)
    return tuple(int(part) for part in match.groups())


def _load_recording():
    with open(RECORDING) as handle:
        return json.load(handle)


# -- Go durations, written here once more so that the fake does not lean on the code it tests --

_UNITS = {'ns': 1, 'us': 10 ** 3, '\u00b5s': 10 ** 3, '\u03bcs': 10 ** 3, 'ms': 10 ** 6, 's': 10 ** 9,
          'm': 60 * 10 ** 9, 'h': 3600 * 10 ** 9}
_DURATION = re.compile(r'^[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|\u00b5s|\u03bcs|ms|s|m|h))+$')
_PIECE = re.compile(r'(\d+\.?\d*|\.\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)')


def go_parse_duration(text):
    """Nanoseconds, or None for a string Go's time.ParseDuration refuses."""
    if text in ('0', '+0', '-0'):
        return 0
    if not isinstance(text, str) or not _DURATION.match(text):
        return None
    total = sum(Fraction(number) * _UNITS[unit] for number, unit in _PIECE.findall(text))
    return -int(total) if text.startswith('-') else int(total)


def go_format_duration(ns):
    """Go's Duration.String()."""
    if ns == 0:
        return '0s'
    sign, ns = ('-', -ns) if ns < 0 else ('', ns)

    def fraction(value, size):
        whole, rest = divmod(value, size)
        return str(whole) + (('.%0*d' % (len(str(size)) - 1, rest)).rstrip('0') if rest else '')
    if ns < 10 ** 9:
        for unit, size in (('ms', 10 ** 6), ('\u00b5s', 10 ** 3), ('ns', 1)):
            if ns >= size:
                return sign + fraction(ns, size) + unit
    hours, rest = divmod(ns, 3600 * 10 ** 9)
    minutes, rest = divmod(rest, 60 * 10 ** 9)
    text = ('%dh' % hours if hours else '') + ('%dm' % minutes if hours or minutes else '')
    return sign + text + fraction(rest, 10 ** 9) + 's'


def _is_duration_text(value):
    return isinstance(value, str) and value != '' and go_parse_duration(value) is not None and value[-1] == 's'


def _go_kind(value):
    """The kind Go's JSON decoding gives a value (what Kapacitor's messages name)."""
    if isinstance(value, bool):
        return 'bool'
    if isinstance(value, (int, float)):
        return 'float64'
    if isinstance(value, str):
        return 'string'
    if isinstance(value, list):
        return 'slice'
    if isinstance(value, dict):
        return 'map'
    return 'ptr'


def _age_element(section, options, age):
    """Drop from one recorded element what Kapacitor ``age`` does not have."""
    for (name, option), since in OPTIONS_SINCE.items():
        if name == section and age < since:
            options.pop(option, None)
    if isinstance(options.get('SASLAuth'), dict):
        for field, since in SASL_FIELDS_SINCE.items():
            if age < since:
                options['SASLAuth'].pop(field, None)


def _aged_test(service, options, age):
    """The service test's options as Kapacitor ``age`` takes them."""
    if service == 'servicenow' and age < (1, 6, 3):
        return dict(OLD_SERVICENOW_TEST)
    return dict((key, value) for key, value in options.items()
                if age >= TEST_OPTIONS_SINCE.get((service, key), (0, 0, 0)))


class _Refused(Exception):
    """An HTTP error answer from the fake server."""

    def __init__(self, status, message):
        super(_Refused, self).__init__(message)
        self.status = status
        self.message = message


class _Dropped(Exception):
    """Kapacitor closed the connection without answering."""


class _Fault:
    def __init__(self, method, match, before, after, error, apply, times):
        self.method = method
        self.match = match
        self.before = before
        self.after = after
        self.error = error
        self.apply = apply
        self.times = times

    def matches(self, method, path, body):
        if self.times is not None and self.times <= 0:
            return False
        if self.method is not None and self.method != method:
            return False
        if callable(self.match):
            return self.match(method, path, body)
        return self.match is None or self.match in path


class FakeKapacitor:
    """Kapacitor's config, service-test and topic-handler API behind KapacitorClient's methods."""

    base_url = 'http://kapacitor.test:9092'
    # Routes other test files add for the objects they fake (tasks, users...): {regex on the
    # path after /kapacitor/v1/: function(fake, method, match, body) -> answer}.
    extra_routes = {}

    def __init__(self, *, version='1.8.3', without=(), handlers=None, reports_version=True):
        recording = _load_recording()
        self.server_version = version
        self.reports_version = reports_version
        self.version = None
        self.requests = []
        self.test_answers = {}          # {service: {'success':..., 'message':...} or callable(options)}
        self._faults = []
        self._file = {}                 # {section: [options]}: kapacitor.conf
        self._redacted = {}             # {section: [api names]}
        self._durations = {}            # {section: set of api names}
        age = version_tuple(version)
        self.error_has_message = age >= ERROR_MESSAGE_SINCE
        without = set(without) | set(name for name, since in SECTIONS_SINCE.items() if age < since)
        for name, elements in recording['sections'].items():
            for element in elements:
                _age_element(name, element['options'], age)
            if name in without:
                continue
            self._redacted[name] = list(elements[0]['redacted'] or [])
            self._durations[name] = set(key for key, value in elements[0]['options'].items()
                                        if _is_duration_text(value))
            self._file[name] = [self._unredact(name, element['options']) for element in elements]
        self._service_tests = dict((name, _aged_test(name, options, age))
                                   for name, options in recording['service_tests'].items() if name not in without)
        self._overrides = {}            # {(section, element): {'options': {...}, 'create': bool}}, in order
        self._handlers = {}             # {(topic, id): handler}
        for (topic, handler_id), spec in (handlers or {}).items():
            self._handlers[(topic, handler_id)] = dict(copy.deepcopy(spec), id=handler_id)

    def _unredact(self, section, options):
        """The file's values as Kapacitor holds them: an unset redacted option is empty."""
        options = copy.deepcopy(options)
        for name in self._redacted[section]:
            if options.get(name) is False:
                options[name] = None if (section, name) in REDACTED_OBJECTS else ''
        return options

    # -- the client surface ------------------------------------------------------------------

    def get(self, path, expect=None):
        return self.request('GET', path, expect=expect)

    def post(self, path, body, expect=None):
        return self.request('POST', path, body, expect=expect)

    def ping(self):
        self.request('GET', API + '/ping')
        return self.version

    # KapacitorClient's own: a POST whose answer carries success and message.
    service_test = KapacitorClient.service_test

    def request(self, method, path, body=None, expect=None):
        fault = self._take_fault(method, path, body)
        if fault is not None and fault.before is not None:
            fault.before(self)
        answered = None, None
        if fault is None or fault.apply:
            answered = self._exchange(method, path, body, log=True)
        else:
            self._log(method, path, body)
        if fault is not None and fault.after is not None:
            fault.after(self)
        if fault is not None and fault.error is not None:
            raise fault.error(self, method, path)
        status, answer = answered
        if status is None:
            raise dropped(self, method, path)
        if status >= 400:
            raise http_error(status, answer.get('message') or answer['error'])(self, method, path)
        problem = shape_problem(answer, expect)
        if problem:
            raise KapacitorError("%s %s%s: the answer is not Kapacitor's (expected %s, got %s)"
                                 % ((method, self.base_url, path) + problem), status=status,
                                 version=self.version, maybe_applied=method != 'GET')
        return answer

    def _log(self, method, path, body):
        if body is None:
            self.requests.append((method, path))
        else:
            self.requests.append((method, path, json.loads(json.dumps(body))))

    def _exchange(self, method, path, body, log):
        """(status, answer) of one request as Kapacitor handles it; status None: dropped."""
        if log:
            self._log(method, path, body)
        try:
            status, answer = 200, self._route(method, path, json.loads(json.dumps(body)))
            if answer is None:
                status = 204
        except _Refused as refused:
            status, answer = refused.status, {'error': refused.message}
            if self.error_has_message:
                answer['message'] = refused.message
        except _Dropped:
            return None, None
        if log and self.reports_version:
            self.version = self.server_version  # what the client learns from the answer's header
        return status, answer

    # -- the tests' handles ---------------------------------------------------------------------

    def writes(self):
        return [r for r in self.requests if r[0] != 'GET']

    def concurrently(self, method, path, body=None):
        """Another client's request (an admin, another run): applied, not logged, never faulted."""
        status, answer = self._exchange(method, path, body, log=False)
        assert status is not None and status < 400, 'the concurrent %s %s failed: %r' % (method, path, answer)
        return answer

    def set_options(self, section, element='', options=None, **api_options):
        """Another writer's set of options of an element (Kapacitor's dash names)."""
        api_options.update(options or {})
        return self.concurrently('POST', '%s/config/%s/%s' % (API, section, element), {'set': api_options})

    def add_element(self, section, options):
        """Another writer's add of a list element."""
        return self.concurrently('POST', '%s/config/%s' % (API, section), {'add': options})

    def stored(self, section, element=''):
        """The element's options as Kapacitor holds them, secrets in clear; None if it has none."""
        found = self._element(self._effective(section), section, element)
        return copy.deepcopy(found)

    def handler(self, topic, handler_id):
        found = self._handlers.get((topic, handler_id))
        return copy.deepcopy(found)

    def inject(self, method='POST', match=None, before=None, after=None, error=None, apply=True, times=1):
        """What happens to the next ``times`` requests (None: every one) of ``method`` whose path
        contains ``match`` (or for which ``match(method, path, body)`` is true): ``before(fake)``
        runs first (another writer landing ahead), the request is applied unless ``apply`` is
        false, ``after(fake)`` runs next (another writer landing right after), and
        ``error(fake, method, path)``, if given, is raised instead of the answer."""
        self._faults.append(_Fault(method, match, before, after, error, apply, times))

    def reject(self, status, message, method='POST', match=None, times=None):
        """Kapacitor refuses the request with an HTTP error; nothing is applied."""
        self.inject(method, match, error=http_error(status, message), apply=False, times=times)

    def drop(self, method='POST', match=None, times=1):
        """The connection drops before Kapacitor acts on the request."""
        self.inject(method, match, error=dropped, apply=False, times=times)

    def lose_answer(self, method='POST', match=None, times=1):
        """Kapacitor applies the request, but its answer is lost."""
        self.inject(method, match, error=dropped, apply=True, times=times)

    def _take_fault(self, method, path, body):
        for fault in self._faults:
            if fault.matches(method, path, body):
                if fault.times is not None:
                    fault.times -= 1
                return fault
        return None

    # -- the server -----------------------------------------------------------------------------

    def _route(self, method, path, body):
        if not path.startswith(API + '/'):
            raise _Refused(404, 'not found')
        rest = path[len(API) + 1:]
        if rest == 'ping' and method == 'GET':
            return None
        if rest == 'config' or rest.startswith('config/'):
            return self._config(method, rest[len('config'):], body)
        if rest == 'service-tests' or rest.startswith('service-tests/'):
            return self._service_test(method, rest[len('service-tests/'):], body)
        match = re.match(r'^alerts/topics/([^/]+)/handlers(?:/([^/]+))?$', rest)
        if match:
            return self._handler(method, unquote(match.group(1)),
                                 unquote(match.group(2)) if match.group(2) is not None else None, body)
        for pattern, route in self.extra_routes.items():
            match = re.match(pattern, rest)
            if match:
                return route(self, method, match, body)
        raise AssertionError('the fake Kapacitor has no route for %s %s' % (method, path))

    # config ---------------------------------------------------------------------------------

    def _config(self, method, tail, body):
        has_section = tail.startswith('/')
        section, _sep, element = tail[1:].partition('/')
        section, element = unquote(section), unquote(element)
        has_element = bool(element) or (bool(section) and tail.endswith('/') and tail.count('/') == 2)
        if method == 'GET':
            return self._get_config(section if has_section else None, element if has_element else None)
        if method != 'POST' or not section:
            raise _Refused(400, 'no section specified')
        body = body or {}
        if (body.get('set') or body.get('delete')) and (body.get('add') or body.get('remove')):
            raise _Refused(400, 'failed to apply update: invalid update action: cannot provide both set/delete '
                                'and add/remove actions in the same update')
        if body.get('remove'):
            if element:
                raise _Refused(400, 'failed to apply update: invalid update action: must not provide element '
                                    'when removing an override')
            for name in body['remove']:
                self._overrides.pop((section, name), None)
            return None
        if body.get('add'):
            return self._add(section, element, body['add'])
        if not has_element:
            raise _Refused(400, "failed to apply update: invalid update action: element not specified, are you "
                                "missing a trailing '/'?")
        return self._set(section, element, body.get('set') or {}, body.get('delete') or [])

    def _get_config(self, section, element):
        sections = self._effective()
        if section is None:
            return {'link': {'rel': 'self', 'href': API + '/config'},
                    'sections': dict((name, {'link': {'rel': 'self', 'href': '%s/config/%s' % (API, name)},
                                             'elements': [self._shown(name, e) for e in elements]})
                                     for name, elements in sections.items() if elements)}
        if not sections.get(section):
            raise _Refused(404, 'unknown section: %s' % section)
        if element is None:
            return {'link': {'rel': 'self', 'href': '%s/config/%s' % (API, section)},
                    'elements': [self._shown(section, e) for e in sections[section]]}
        found = self._element(sections, section, element)
        if found is None:
            raise _Refused(404, 'unknown section/element: %s/%s' % (section, element))
        return self._shown(section, found)

    def _shown(self, section, options):
        shown = copy.deepcopy(options)
        for name in self._redacted[section]:
            if name in shown:
                shown[name] = shown[name] not in (None, '', {}, [])
        key = ELEMENT_KEYS.get(section)
        element = options.get(key, '') if key else ''
        return {'link': {'rel': 'self', 'href': '%s/config/%s/%s' % (API, section, element)},
                'options': shown, 'redacted': list(self._redacted[section]) or None}

    @staticmethod
    def _element(sections, section, element):
        key = ELEMENT_KEYS.get(section)
        for options in sections.get(section) or []:
            if (not key and element == '') or (key and options.get(key) == element):
                return options
        return None

    def _effective(self, only=None):
        """kapacitor.conf with every stored override applied: {section: [options]}."""
        sections = {}
        for name, elements in self._file.items():
            if only is None or name == only:
                sections[name] = copy.deepcopy(elements)
        for (section, element), override in self._overrides.items():
            if section not in sections:
                continue
            if override['create']:
                sections[section].append(self._new_element(section, override['options']))
                continue
            target = self._element(sections, section, element)
            if target is not None:
                for name, value in override['options'].items():
                    if name == 'SASLAuth' and isinstance(value, dict):
                        if any(isinstance(value.get(field), (int, float)) and not isinstance(value.get(field), bool)
                               for field in NESTED_DURATIONS):
                            raise _Refused(500, 'failed to resolve current config:failed to apply configuration '
                                                'overrides: failed to override configuration %s/%s: cannot set '
                                                'option SASLAuth: interface conversion: interface {} is '
                                                'json.Number, not string' % (section, element))
                    target[name] = self._stored_value(section, name, target.get(name), value)
        for name in sections:
            key = ELEMENT_KEYS.get(name)
            if key:
                sections[name].sort(key=lambda options: options.get(key) or '')
        return sections

    def _new_element(self, section, options):
        """An added element: Go's zero values (Kapacitor's Init defaults), then the given options."""
        template = self._file[section][0]
        element = {}
        for name, value in template.items():
            if name in self._durations[section]:
                element[name] = '0s'
            elif isinstance(value, bool):
                element[name] = False
            elif isinstance(value, int):
                element[name] = 0
            elif isinstance(value, str):
                element[name] = ''
            elif name == 'SASLAuth':
                element[name] = copy.deepcopy(value)
            else:
                element[name] = None
        for name, value in options.items():
            element[name] = self._stored_value(section, name, element.get(name), value)
        return element

    def _stored_value(self, section, name, current, value):
        """What Kapacitor stores for a value that passed _check."""
        if name in self._durations.get(section, ()):
            parsed = go_parse_duration(value)
            return current if parsed is None else go_format_duration(parsed)  # Go ignores what it cannot parse
        if name == 'SASLAuth' and isinstance(value, dict):
            whole = copy.deepcopy(self._file[section][0]['SASLAuth'])  # replaced whole, from the defaults
            fields = dict((field.lower(), field) for field in whole)
            for field, given in value.items():
                field = fields[field.lower()]
                if field in NESTED_DURATIONS and isinstance(given, str):
                    given = go_parse_duration(given)
                whole[field] = given
            return whole
        if isinstance(current, int) and not isinstance(current, bool) and isinstance(value, str):
            return int(value)
        if isinstance(current, int) and not isinstance(current, bool) and isinstance(value, float):
            return int(value)
        return value

    def _check(self, section, where, template, options, creating=False):
        """Kapacitor's checks of the options of one override (400 with its text)."""
        prefix = 'failed to override configuration %s: ' % where
        unknown = [name for name in options if name not in template]
        if unknown:
            raise _Refused(400, prefix + 'unknown options [%s] in section %s' % (' '.join(unknown), section))
        key = ELEMENT_KEYS.get(section)
        for name, value in options.items():
            if name == key and not creating:
                raise _Refused(400, prefix + 'cannot override element key %s' % name)
            current = template[name]
            if (section, name) in REDACTED_OBJECTS:
                continue
            if name in self._redacted[section] or name in self._durations[section]:
                wanted = 'string'
            elif name == 'SASLAuth':
                if not isinstance(value, dict):
                    raise _Refused(400, prefix + 'cannot set option %s: wrong kind %s, expected value of kind '
                                                 'struct: false' % (name, _go_kind(value)))
                fields = set(field.lower() for field in current)
                invalid = [field for field in value if field.lower() not in fields]
                if invalid:
                    raise _Refused(400, prefix + "cannot set option SASLAuth: failed to decode options into "
                                                 "*kafka.SASLAuth: 1 error(s) decoding:\n\n* '' has invalid keys: %s"
                                   % ', '.join(invalid))
                continue
            elif isinstance(current, bool):
                wanted = 'bool'
            elif isinstance(current, int):
                if isinstance(value, str):
                    if not re.match(r'^-?\d+$', value):
                        raise _Refused(400, prefix + 'cannot set option %s: cannot convert string %r into int'
                                       % (name, value))
                    continue
                wanted = 'float64'
            elif isinstance(current, str):
                wanted = 'string'
            else:
                continue  # a list or an object that Kapacitor shows as null: left to Kapacitor's decoder
            if _go_kind(value) != wanted:
                if name in self._durations[section] and _go_kind(value) == 'float64':
                    raise _Refused(400, prefix + 'cannot set option %s: cannot unmarshal float64 into int64' % name)
                raise _Refused(400, prefix + 'cannot set option %s: wrong kind %s, expected value of kind %s: false'
                               % (name, _go_kind(value), {'float64': 'int'}.get(wanted, wanted)))

    def _validate(self, section, where, options, sections):
        """Kapacitor's Validate() of the element an override produced (the ones this fake knows)."""
        problem = None
        if section == 'slack':
            if options.get('enabled') and not options.get('url'):
                problem = 'must specify url'
            elif options.get('workspace') == '' and len(sections.get('slack') or []) > 1:
                problem = 'id must not be empty'
        elif section == 'telegram':
            if options.get('enabled') and not options.get('token'):
                problem = 'must specify token'
        if problem:
            raise _Refused(400, 'failed to override configuration %s: failed validation: %s' % (where, problem))

    def _set(self, section, element, changes, deletions):
        where = '%s/%s' % (section, element)
        if section not in self._file:
            raise _Refused(400, 'failed to override configuration %s: unknown options [%s] in section %s'
                           % (where, ' '.join(changes), section))
        sections = self._effective()
        target = self._element(sections, section, element)
        if target is None:
            raise _Refused(400, 'failed to override configuration %s: unknown options [%s] in section %s'
                           % (where, ' '.join(changes), section))
        key = (section, element)
        override = self._overrides.get(key)
        if override is None:
            # An element added through the API keeps its override under the key it was added with.
            override = {'options': {}, 'create': False}
        if override['create']:
            where = '%s/' % section  # Kapacitor names added elements' overrides without the element
        self._check(section, where, target, changes)
        candidate = copy.deepcopy(override)
        candidate['options'].update(changes)
        for name in deletions:
            candidate['options'].pop(name, None)
        result = dict(self._file_element(section, element) or self._new_element(section, {}))
        for name, value in candidate['options'].items():
            result[name] = self._stored_value(section, name, result.get(name), value)
        self._validate(section, where, result, sections)
        self._overrides[key] = candidate
        return None

    def _file_element(self, section, element):
        return copy.deepcopy(self._element({section: self._file[section]}, section, element))

    def _add(self, section, element, options):
        key_name = ELEMENT_KEYS.get(section)
        if section not in self._file:
            raise _Refused(400, 'failed to apply update: unknown section "%s"' % section)
        if not key_name:
            raise _Refused(400, 'failed to apply update: section "%s" is not a list, cannot add new element' % section)
        if element:
            raise _Refused(400, 'failed to apply update: invalid update action: must not provide an element name '
                                'when adding an a new override')
        if key_name not in options:
            raise _Refused(400, 'failed to apply update: missing key "%s" in "add" map' % key_name)
        name = options[key_name]
        if not isinstance(name, str):
            raise _Refused(400, 'failed to apply update: expected "%s" key to be a string, got %s'
                           % (key_name, type(name).__name__))
        if (section, name) in self._overrides:
            raise _Dropped()  # Kapacitor 1.8 panics on a nil error and drops the connection
        if self._file_element(section, name) is not None:
            raise _Refused(400, 'failed to read sections from configuration object: section "%s" has duplicate '
                                'elements: "%s"' % (section, name))
        where = '%s/' % section
        self._check(section, where, self._file[section][0], options, creating=True)
        sections = self._effective()
        self._validate(section, where, self._new_element(section, options), sections)
        self._overrides[(section, name)] = {'options': dict(options), 'create': True}
        return None

    # service tests ----------------------------------------------------------------------------

    def _service_test(self, method, service, body):
        if method == 'GET' and not service:
            return {'link': {'rel': 'self', 'href': API + '/service-tests'},
                    'services': [{'link': {'rel': 'self', 'href': '%s/service-tests/%s' % (API, name)},
                                  'name': name, 'options': copy.deepcopy(options)}
                                 for name, options in sorted(self._service_tests.items())]}
        if service not in self._service_tests:
            raise _Refused(404, 'service "%s" not found' % service)
        if method == 'GET':
            return {'link': {'rel': 'self', 'href': '%s/service-tests/%s' % (API, service)}, 'name': service,
                    'options': copy.deepcopy(self._service_tests[service])}
        options = dict(self._service_tests[service], **(body or {}))
        answer = self.test_answers.get(service)
        if callable(answer):
            return answer(options)
        if answer is not None:
            return dict(answer)
        sections = self._effective(service)
        chosen = options.get(TEST_ELEMENT_OPTIONS.get(service), '')
        element = self._element(sections, service, chosen) if ELEMENT_KEYS.get(service) else self._element(
            sections, service, '')
        if element is None or not element.get('enabled', True):
            return {'success': False, 'message': 'service is not enabled'}
        return {'success': True, 'message': ''}

    # topic handlers -----------------------------------------------------------------------------

    def _handler(self, method, topic, handler_id, body):
        base = '%s/alerts/topics/%s/handlers' % (API, topic)
        if handler_id is None and method == 'GET':
            return {'link': {'rel': 'self', 'href': base}, 'topic': topic,
                    'handlers': [self._shown_handler(topic, h) for (t, _id), h in sorted(self._handlers.items())
                                 if t == topic]}
        if handler_id is None and method == 'POST':
            spec = self._handler_spec(body)
            if spec['kind'] in SECTIONS_SINCE and spec['kind'] not in self._service_tests:
                raise _Refused(500, 'failed to create handler: unsupported action kind "%s"' % spec['kind'])
            if (topic, spec['id']) in self._handlers:
                raise _Refused(500, 'failed to create handler: cannot register handler, handler with ID "%s" '
                                    'already exists' % spec['id'])
            self._handlers[(topic, spec['id'])] = spec
            return self._shown_handler(topic, spec)
        if method == 'DELETE':
            self._handlers.pop((topic, handler_id), None)
            return None
        if (topic, handler_id) not in self._handlers:
            raise _Refused(404, 'unknown handler: "%s"' % handler_id)
        if method == 'GET':
            return self._shown_handler(topic, self._handlers[(topic, handler_id)])
        if method == 'PUT':
            spec = self._handler_spec(body)
            del self._handlers[(topic, handler_id)]
            self._handlers[(topic, spec['id'])] = spec
            return self._shown_handler(topic, spec)
        raise AssertionError('the fake Kapacitor has no route for %s %s/%s' % (method, base, handler_id))

    @staticmethod
    def _handler_spec(body):
        spec = {'id': body.get('id') or '', 'kind': body.get('kind') or '', 'options': body.get('options'),
                'match': body.get('match') or ''}
        if not HANDLER_ID.match(spec['id']):
            raise _Refused(400, "invalid handler spec: handler ID must contain only letters, numbers, '-', '.' "
                                "and '_'. \"%s\"" % spec['id'])
        return spec

    @staticmethod
    def _shown_handler(topic, spec):
        return dict(copy.deepcopy(spec), link={
            'rel': 'self', 'href': '%s/alerts/topics/%s/handlers/%s' % (API, topic, spec['id'])})


# -- failures as the real client raises them ------------------------------------------------------

def http_error(status, message):
    """An error factory: Kapacitor answered ``status`` with ``message`` (as the client words it)."""
    def make(fake, method, path):
        detail = ' '.join(line.strip() for line in message.splitlines() if line.strip())
        if status >= 500:
            text = '%s %s%s: Kapacitor failed with HTTP %d: %s' % (method, fake.base_url, path, status, detail)
        else:
            text = '%s %s%s: HTTP %d: %s' % (method, fake.base_url, path, status, detail)
        maybe = method != 'GET' and status >= 500
        if maybe:
            text += '; the %s may have been applied' % method
        return KapacitorError(text, status=status, kapacitor_message=detail, version=fake.version,
                              maybe_applied=maybe)
    return make


def dropped(fake, method, path):
    """Kapacitor closed the connection without answering: a write may have been applied."""
    text = '%s %s%s: Kapacitor closed the connection without answering (Remote end closed connection ' \
           'without response)' % (method, fake.base_url, path)
    if method != 'GET':
        text += '; the %s may have been applied' % method
    return KapacitorError(text, version=fake.version, maybe_applied=method != 'GET')


# -- the same fake over HTTP, for the real client ---------------------------------------------------

@contextlib.contextmanager
def serve_http(fake):
    """Serve ``fake`` on 127.0.0.1 (faults do not apply); yields its URL."""
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _handle(self):
            length = int(self.headers.get('Content-Length') or 0)
            body = json.loads(self.rfile.read(length)) if length else None
            status, answer = fake._exchange(self.command, self.path, body, log=True)
            if status is None:
                self.close_connection = True
                return
            data = json.dumps(answer).encode('utf-8') if answer is not None else b''
            self.send_response(status)
            self.send_header('Content-Type', 'application/json; charset=utf-8')
            if fake.reports_version:
                self.send_header('X-Kapacitor-Version', fake.server_version)
            self.send_header('Content-Length', str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = _handle

    server = HTTPServer(('127.0.0.1', 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield 'http://127.0.0.1:%d' % server.server_port
    finally:
        server.shutdown()
        server.server_close()
