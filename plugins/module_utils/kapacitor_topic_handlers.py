# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Alert topic handlers: option validation and translation, secret masking, and the run.

Kapacitor stores a handler's ``options`` exactly as sent and returns them the same way
(including secrets, in clear), so a handler can be compared exactly; everything this module
returns goes through :func:`public_options` or :func:`diff_options` first.

Kinds whose options Kapacitor checks late or not at all (``exec``, ``log``, ``tcp``, ``post``,
and ``aggregate``, whose missing interval crashes kapacitord) are validated here and translated
to what Kapacitor wants: snake_case keys to its dash names, durations to integer nanoseconds,
file modes to decimal integers. Other kinds pass their options through, apart from known
duration options, which are translated as well.
"""

import posixpath
import re
import unicodedata
from urllib.parse import quote

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_client import (
    API_PREFIX, CONNECTION_ARGUMENT_SPEC, KapacitorClient, KapacitorError)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_runner import TaskSpec
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import SECTIONS
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_secrets import (
    SECRET_SET, SECRET_UNSET, SECRET_UPDATED, is_set, mask_url, public_options, scrub, secret_values, walk)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_spec import (
    SpecError, parse_duration)

# Kinds that are not a section's service (services/alert/service.go createHandlerFromSpec).
GENERIC_KINDS = ('aggregate', 'exec', 'log', 'post', 'publish', 'tcp')
# Every kind Kapacitor v1.8.3 accepts: the generic ones and one per alert service.
KINDS = tuple(sorted(set(GENERIC_KINDS) | set(
    section.handler_kind for section in SECTIONS.values() if section.handler_kind)))

# Kapacitor's own checks (services/alert/dao.go): ^[-\._\p{L}0-9]+$ for handler ids, ":" too for
# topics. Go's "$" is the end of the text; Python's would accept a trailing newline, and Python's
# \w also takes digits and letter-like numbers Go's \p{L} does not: each character is checked.
HANDLER_ID_PUNCTUATION = '-._'
TOPIC_ID_PUNCTUATION = '-:._'
_HOST_PORT = re.compile(r'^(?:\[(?P<ipv6>[0-9A-Fa-f:.%\w]+)\]|(?P<host>[^\s:\[\]/]+)):(?P<port>[0-9]+)$')
_OCTAL_MODE = re.compile(r'^(?:0o?)?([0-7]{3,4})$')


# -- validation and translation ------------------------------------------------------------

def _where(kind, key):
    return 'options.%s (kind %s)' % (key, kind)


def _string(kind, key, value, required=False):
    if not isinstance(value, str):
        raise SpecError('%s: %r is not a string' % (_where(kind, key), value))
    if required and not value.strip():
        raise SpecError('%s: must not be empty' % _where(kind, key))
    return value


def _scalar_string(kind, key, value):
    """A string, or a number written without quotes (turned into its text)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise SpecError('%s: %r is not a string' % (_where(kind, key), value))
    return value if isinstance(value, str) else str(value)


def _bool(kind, key, value):
    if isinstance(value, bool):
        return value
    try:
        return boolean(value, strict=True)
    except TypeError:
        raise SpecError('%s: %r is not a boolean (true or false)' % (_where(kind, key), value))


def _duration(kind, key, value, positive=False):
    """A Go duration string ("10s", "1m30s") as the integer nanoseconds Kapacitor wants."""
    if isinstance(value, bool) or not isinstance(value, str):
        raise SpecError(
            "%s: %r is not a duration; write a number with a unit, such as 10s, 1m30s or 500ms "
            "(a bare number is ambiguous: Kapacitor would read nanoseconds)" % (_where(kind, key), value))
    try:
        nanoseconds = parse_duration(value.strip())
    except ValueError as exc:
        raise SpecError("%s: %r is not a duration (%s); write a number with a unit, such as 10s, "
                        "1m30s or 500ms" % (_where(kind, key), value, exc))
    if nanoseconds < 0 or (positive and nanoseconds == 0):
        raise SpecError('%s: %r must be %s' % (
            _where(kind, key), value, 'longer than zero' if positive else 'zero or longer'))
    return nanoseconds


def _string_list(kind, key, value):
    if not isinstance(value, (list, tuple)):
        raise SpecError('%s: %r is not a list of strings' % (_where(kind, key), value))
    return [_scalar_string(kind, '%s[%d]' % (key, index), item) for index, item in enumerate(value)]


def _string_map(kind, key, value):
    if not isinstance(value, dict):
        raise SpecError('%s: must be a mapping of names to strings' % _where(kind, key))
    out = {}
    for name, item in value.items():
        if not isinstance(name, str) or not name:
            raise SpecError('%s: %r is not a name' % (_where(kind, key), name))
        # The message names the key only: header values are secrets.
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            raise SpecError('%s: the value of %r must be a string' % (_where(kind, key), name))
        out[name] = item if isinstance(item, str) else str(item)
    return out


def _log_path(kind, key, value):
    value = _string(kind, key, value, required=True)
    if not posixpath.isabs(value):
        raise SpecError('%s: %r is not an absolute path; Kapacitor writes the log file on its own '
                        'host and needs the full path, such as /var/log/kapacitor/alerts.log'
                        % (_where(kind, key), value))
    return value


def parse_mode(kind, key, value):
    """A file mode given as an octal string ("0644", "644", "0o644") or as an int (already
    converted, e.g. YAML's unquoted 0644 is 420): Kapacitor wants the decimal integer."""
    if isinstance(value, bool):
        mode = None
    elif isinstance(value, int):
        mode = value
    elif isinstance(value, str):
        match = _OCTAL_MODE.match(value.strip())
        mode = int(match.group(1), 8) if match else None
    else:
        mode = None
    if mode is None or mode < 0 or mode > 0o777:
        raise SpecError("%s: %r is not a file mode; write it as a quoted octal string such as "
                        "'0644'" % (_where(kind, key), value))
    if not mode & 0o200:
        raise SpecError("%s: %r (%s) is not writable by its owner; Kapacitor needs at least "
                        "'0600'" % (_where(kind, key), value, '0%o' % mode))
    return mode


def _address(kind, key, value):
    value = _string(kind, key, value, required=True)
    match = _HOST_PORT.match(value)
    if not match:
        raise SpecError('%s: %r is not host:port (for example 127.0.0.1:5140 or '
                        '[::1]:5140)' % (_where(kind, key), value))
    port = int(match.group('port'))
    if not 0 < port < 65536:
        raise SpecError('%s: %r has port %d, which is not between 1 and 65535'
                        % (_where(kind, key), value, port))
    return value


def _prog(kind, key, value):
    return _string(kind, key, value, required=True)


class Field:
    """One option of a validated kind: its Kapacitor name and a converter."""

    def __init__(self, api_name, convert, required=False):
        self.api_name = api_name
        self.convert = convert
        self.required = required

    @property
    def name(self):
        return self.api_name.replace('-', '_')


def _str_field(api_name, required=False):
    return Field(api_name, lambda kind, key, value: _string(kind, key, value, required=required),
                 required)


# Kinds validated here, with every option Kapacitor knows for them (v1.8.3).
VALIDATED = {
    'exec': [
        Field('prog', _prog, required=True),
        Field('args', _string_list),
    ],
    'log': [
        Field('path', _log_path, required=True),
        Field('mode', parse_mode),
    ],
    'tcp': [
        Field('address', _address, required=True),
    ],
    'post': [
        _str_field('url'),
        _str_field('endpoint'),
        Field('headers', _string_map),
        Field('capture-response', _bool),
        Field('timeout', _duration),
        Field('skip-ssl-verification', _bool),
    ],
    # A zero interval makes kapacitord panic (time.NewTicker), taking the server down.
    'aggregate': [
        Field('interval', lambda kind, key, value: _duration(kind, key, value, positive=True),
              required=True),
        _str_field('id'),
        _str_field('topic'),
        _str_field('message'),
    ],
}

# Duration options of kinds that otherwise pass through (Kapacitor wants nanoseconds).
PASS_THROUGH_DURATIONS = {
    'alerta': ('timeout',),
}


def translate_options(kind, options):
    """The user's options for ``kind`` as Kapacitor wants them; raises SpecError first."""
    if kind not in KINDS:
        raise SpecError('kind: %r is not a Kapacitor handler kind; use one of %s'
                        % (kind, ', '.join(KINDS)))
    options = dict(options or {})
    for key in options:
        if not isinstance(key, str):
            raise SpecError('options: %r is not an option name' % (key,))
    if kind not in VALIDATED:
        out = dict(options)
        for key in PASS_THROUGH_DURATIONS.get(kind, ()):
            for given in sorted(set((key, key.replace('-', '_')))):
                if out.get(given) is not None:
                    out[key] = _duration(kind, given, out.pop(given))
        return out
    fields = VALIDATED[kind]
    by_name = {}
    for field in fields:
        by_name[field.api_name] = field
        by_name[field.name] = field
    out = {}
    given_as = {}
    for key, value in options.items():
        field = by_name.get(key)
        if field is None:
            raise SpecError('options: %r is not an option of %s handlers; use %s' % (
                key, kind, ', '.join(sorted(f.name for f in fields))))
        if field.api_name in given_as:
            raise SpecError('options: %r and %r are the same option of %s handlers; give it once'
                            % (given_as[field.api_name], key, kind))
        given_as[field.api_name] = key
        if value is None:
            continue
        out[field.api_name] = field.convert(kind, key, value)
    for field in fields:
        if field.required and field.api_name not in out:
            raise SpecError('options.%s is required for %s handlers' % (field.name, kind))
    if kind == 'post' and not out.get('url') and not out.get('endpoint'):
        raise SpecError('options: post handlers need url (where to send alerts) or endpoint '
                        '(an httppost endpoint of kapacitor.conf)')
    return out


def _kapacitor_id(value, punctuation):
    return bool(value) and all(
        char in punctuation or '0' <= char <= '9' or unicodedata.category(char).startswith('L') for char in value)


def _check_id(option, value, punctuation, allowed):
    if not isinstance(value, str) or not _kapacitor_id(value, punctuation):
        raise SpecError('%s: %r is not %s Kapacitor accepts (letters, digits 0-9, %s)' % (
            option, value, 'a topic name' if option == 'topic' else 'a handler id', allowed))


def validate_ids(topic, handler_id=None):
    _check_id('topic', topic, TOPIC_ID_PUNCTUATION, '"-", ":", "." and "_"')
    if handler_id is not None:
        _check_id('id', handler_id, HANDLER_ID_PUNCTUATION, '"-", "." and "_"')


# -- masking -------------------------------------------------------------------------------
# The rules (which options are secrets, URL parts, every escaped form) live in kapacitor_secrets.

_walk = walk


def diff_options(kind, options, before=None):
    """Options for diffs: secrets as <set> or <unset>; <updated> when a secret that was set
    in ``before`` (the options before the change) now has another value."""
    old = {}

    def remember(path, value):
        old[path] = value
        return value
    if isinstance(before, dict):
        walk(kind, before, remember, on_url=remember)

    def mask(path, value):
        if not is_set(value):
            return SECRET_UNSET
        if path in old and is_set(old[path]) and canonical(old[path]) != canonical(value):
            return SECRET_UPDATED
        return SECRET_SET

    def url(path, value):
        masked = mask_url(value)
        previous = old.get(path)
        # Only a secret part changed: the masked URLs look alike, so say which is new.
        if masked != value and isinstance(previous, str) and previous != value and mask_url(previous) == masked:
            return mask_url(value, SECRET_UPDATED)
        return masked
    return walk(kind, options or {}, mask, on_url=url)


# -- comparison ----------------------------------------------------------------------------

def canonical(value):
    """A form of a JSON value in which equal means equal to Kapacitor.

    Go re-encodes the float64 it decoded, so 1.0 comes back as 1; booleans are not numbers.
    """
    if isinstance(value, dict):
        return dict((key, canonical(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [canonical(item) for item in value]
    if isinstance(value, bool):
        return ('bool', value)
    if isinstance(value, float) and value.is_integer():
        return ('number', int(value))
    if isinstance(value, (int, float)):
        return ('number', value)
    return value


def spec_of(handler):
    """The comparable part of a handler as Kapacitor returns it."""
    handler = handler or {}
    return {
        'kind': handler.get('kind') or '',
        'options': handler.get('options') or {},
        'match': handler.get('match') or '',
    }


def public_handler(topic, handler):
    """A handler for output, secrets as true/false."""
    spec = spec_of(handler)
    return {
        'topic': topic,
        'id': handler.get('id'),
        'kind': spec['kind'],
        'options': public_options(spec['kind'], spec['options']),
        'match': spec['match'],
    }


def diff_handler(handler, before=None):
    if handler is None:
        return {}
    spec = spec_of(handler)
    old = spec_of(before)['options'] if before is not None else None
    return {
        'id': handler.get('id'),
        'kind': spec['kind'],
        'options': diff_options(spec['kind'], spec['options'], old),
        'match': spec['match'],
    }


# -- HTTP paths ----------------------------------------------------------------------------

def topic_path(topic):
    return '%s/alerts/topics/%s' % (API_PREFIX, quote(topic, safe=''))


def handlers_path(topic):
    return topic_path(topic) + '/handlers'


def handler_path(topic, handler_id):
    return '%s/%s' % (handlers_path(topic), quote(handler_id, safe=''))


def one_line(text):
    """Kapacitor's option errors in one line.

    mapstructure lists every problem on a line of its own ("1 error(s) decoding:\n\n* ...");
    they are joined with "; ", and its "'' has invalid keys" becomes "unknown options".
    """
    text = ' '.join(line.strip() for line in (text or '').splitlines() if line.strip())
    head, sep, tail = text.partition('error(s) decoding:')
    if sep:
        problems = [p.strip() for p in re.split(r'(?:^|\s)\*\s', tail) if p.strip()]
        text = '%s%s %s' % (head, sep, '; '.join(problems))
    return text.replace("'' has invalid keys:", 'unknown options:')


def list_handlers(client, topic):
    """Every handler of a topic, masked; ``[]`` for a topic without handlers."""
    answer = client.get(handlers_path(topic), expect={'handlers': (list, type(None))})
    return [public_handler(topic, h) for h in answer['handlers'] or [] if isinstance(h, dict)]


# -- the run -------------------------------------------------------------------------------

# What Kapacitor answers for one handler (GET, and the POST and PUT that write it).
HANDLER_SHAPE = {'id': str, 'kind': str, 'options': (dict, type(None))}


class HandlerRun:
    """Converges one handler of one topic."""

    def __init__(self, client, params, check_mode=False):
        self.client = client
        self.check_mode = check_mode
        self.topic = params.get('topic')
        self.id = params.get('id')
        self.state = params.get('state') or 'present'
        validate_ids(self.topic, self.id)
        self.kind = params.get('kind')
        self.match = params.get('match') or ''
        self.given_options = params.get('options') or {}
        self.secrets = []
        if self.kind is not None and self.kind not in KINDS:
            translate_options(self.kind, {})  # the error naming the kinds there are
        if self.kind is not None:
            # Collect what the user gave before validating it: errors must not show it either.
            self.secrets.extend(secret_values(self.kind, self.given_options))
        if self.state == 'present':
            if not self.kind:
                raise SpecError('kind: is required with state=present')
            self.options = translate_options(self.kind, self.given_options)
            self.secrets.extend(secret_values(self.kind, self.options))

    def describe(self):
        return 'handler %r of topic %r' % (self.id, self.topic)

    def desired(self):
        return {'id': self.id, 'kind': self.kind, 'options': self.options, 'match': self.match}

    def read(self):
        try:
            return self.client.get(handler_path(self.topic, self.id), expect=HANDLER_SHAPE)
        except KapacitorError as exc:
            if exc.status == 404 and (exc.kapacitor_message or '').startswith('unknown handler'):
                return None
            raise self._error(exc, 'reading')

    def _error(self, exc, doing):
        detail = one_line(exc.kapacitor_message) if exc.kapacitor_message else exc.message
        if exc.status is None:
            text = exc.message
        else:
            text = '%s: Kapacitor failed %s it (HTTP %s): %s' % (self.describe(), doing, exc.status, detail)
        error = KapacitorError(scrub(text, self.secrets), status=exc.status,
                               kapacitor_message=exc.kapacitor_message, version=exc.version)
        error.changed = getattr(exc, 'maybe_applied', False) or getattr(exc, 'changed', False)
        return error

    def run(self):
        current = self.read()
        if current is not None:
            self.secrets.extend(secret_values(current.get('kind'), current.get('options')))
        if self.state == 'absent':
            return self._absent(current)
        return self._present(current)

    def _present(self, current):
        wanted = self.desired()
        changed = current is None or canonical(spec_of(current)) != canonical(spec_of(wanted))
        after = wanted
        if changed and not self.check_mode:
            if current is None:
                current = self._create(wanted)
            else:
                self._replace(wanted)
            # Changed even when a concurrent run created exactly this handler: it did not exist
            # when this run started.
            after = self._verify(self.read())
        elif not changed:
            after = current
        return {
            'changed': changed,
            'handler': public_handler(self.topic, after),
            'diff': {'before': diff_handler(current),
                     'after': diff_handler(after, current)},
        }

    def _holds(self, handler):
        return handler is not None and canonical(spec_of(handler)) == canonical(spec_of(self.desired()))

    def _verify(self, after):
        """The handler read back after a write holds what was asked, or is replaced once more
        (another run or admin may have replaced it meanwhile); returns it."""
        if self._holds(after):
            return after
        self._replace(self.desired())
        after = self.read()
        if not self._holds(after):
            raise KapacitorError('%s: the write did not stick: Kapacitor acknowledged it, but reading it back '
                                 'twice showed another handler (another run or admin writing it at the same '
                                 'time?); run again' % self.describe())
        return after

    def _lost_answer(self, exc, doing):
        """A write whose answer was lost may have landed: look before failing."""
        if not getattr(exc, 'maybe_applied', False):
            raise self._error(exc, doing)
        try:
            now = self.read()
        except KapacitorError:
            raise self._error(exc, doing)
        if not self._holds(now):
            raise self._error(exc, doing)

    def _create(self, wanted):
        """POST the handler; returns None, or the handler that someone created meanwhile."""
        try:
            self.client.post(handlers_path(self.topic), wanted, expect=HANDLER_SHAPE)
            return None
        except KapacitorError as exc:
            if 'already exists' not in (exc.kapacitor_message or ''):
                self._lost_answer(exc, 'creating')
                return None
            # Created between our read and our POST (a concurrent run): replace it instead.
            current = self.read()
            if current is None:
                raise self._error(exc, 'creating')
        self.secrets.extend(secret_values(current.get('kind'), current.get('options')))
        if canonical(spec_of(current)) != canonical(spec_of(wanted)):
            self._replace(wanted)
        return current

    def _replace(self, wanted):
        try:
            self.client.request('PUT', handler_path(self.topic, self.id), wanted, expect=HANDLER_SHAPE)
        except KapacitorError as exc:
            self._lost_answer(exc, 'updating')

    def _absent(self, current):
        result = {'changed': current is not None, 'handler': {},
                  'diff': {'before': diff_handler(current), 'after': {}}}
        if current is not None and not self.check_mode:
            try:
                self.client.request('DELETE', handler_path(self.topic, self.id))
            except KapacitorError as exc:
                if not getattr(exc, 'maybe_applied', False) or self.read() is not None:
                    raise self._error(exc, 'deleting')
        return result


def run_handler(ctx):
    run = HandlerRun(KapacitorClient.from_params(ctx.params), ctx.params, check_mode=ctx.check_mode)
    try:
        result = run.run()
    finally:
        ctx.hide(run.secrets)
    result['kapacitor_version'] = run.client.version
    return result


HANDLER_TASK = TaskSpec(
    dict(CONNECTION_ARGUMENT_SPEC,
         # kind is checked by the run, not by Ansible (no choices, no required_if): Ansible's own
         # argument errors would come before the options' secrets are known.
         topic=dict(type='str', required=True),
         id=dict(type='str', required=True),
         kind=dict(type='str'),
         options=dict(type='dict'),
         match=dict(type='str'),
         state=dict(type='str', default='present', choices=['present', 'absent'])),
    run_handler,
    # Handler options are free-form: Ansible's no_log cannot know which values are secret.
    secrets_of=lambda params: secret_values(params.get('kind'), params.get('options')))
