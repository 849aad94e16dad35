# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Alert topic handlers: option validation and translation, secret masking, and the run.

Kapacitor stores a handler's ``options`` exactly as sent and returns them the same way
(including secrets, in clear), so a handler can be compared exactly; everything this module
returns goes through :func:`public_options` or :func:`diff_options` first.

Every kind's options are checked here, before any request and in check mode too, against the
options Kapacitor v1.8.3 decodes for that kind (:data:`HANDLER_OPTIONS`): an unknown name fails
naming the kind's options, as Kapacitor itself would (HTTP 500) only when the handler is written.
They are translated to what Kapacitor wants: the collection's snake_case names to Kapacitor's own
(``icon_emoji`` to ``icon-emoji``, ``partition_algorithm`` to ``partitionAlgorithm``), durations
to integer nanoseconds, file modes to decimal integers, numbers in text options to their text.
Handlers written by other clients (Kapacitor's own CLI) are compared in the same normal form.
"""

import posixpath
import re
import unicodedata
from urllib.parse import quote

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_client import API_PREFIX, KapacitorError
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_resources import Resource, resource_task
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import SECTIONS
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_secrets import (
    SECRET_SET, SECRET_UNSET, SECRET_UPDATED, is_set, mask_url, public_options, secret_values, walk)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_spec import (
    SpecError, parse_duration)

# Kinds that are not a section's service (services/alert/service.go createHandlerFromSpec).
GENERIC_KINDS = ('aggregate', 'exec', 'log', 'post', 'publish', 'tcp')
# Every kind Kapacitor v1.8.3 accepts: the generic ones and one per alert service.
KINDS = tuple(sorted(set(GENERIC_KINDS) | set(
    section.handler_kind for section in SECTIONS.values() if section.handler_kind)))
# The section whose service each service kind sends through: the kind exists where the section does.
KIND_SECTIONS = dict((section.handler_kind, section) for section in SECTIONS.values() if section.handler_kind)

# Kapacitor's own checks (services/alert/dao.go): ^[-\._\p{L}0-9]+$ for handler ids, ":" too for
# topics. Go's "$" is the end of the text; Python's would accept a trailing newline, and Python's
# \w also takes digits and letter-like numbers Go's \p{L} does not: each character is checked.
HANDLER_ID_PUNCTUATION = '-._'
TOPIC_ID_PUNCTUATION = '-:._'
_HOST_PORT = re.compile(r'^(?:\[(?P<ipv6>[0-9A-Fa-f:.%\w]+)\]|(?P<host>[^\s:\[\]/]+)):(?P<port>[0-9]+)$')
_OCTAL_MODE = re.compile(r'^(?:0o?)?([0-7]{3,4})$')
_INTEGER = re.compile(r'^[-+]?[0-9]+$')
# A bare integer duration is nanoseconds (what Kapacitor stores and its CLI's files carry); a
# positive one under a millisecond is a missing unit ("timeout: 10"), not a wish.
_SHORTEST_BARE_DURATION = 10 ** 6


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
    """A string, or a number written without quotes (turned into its text: Kapacitor refuses a
    number where it wants text, e.g. a Telegram chat-id written as -1001234567890)."""
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


def _int(kind, key, value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INTEGER.match(value.strip()):
        return int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise SpecError('%s: %r is not an integer' % (_where(kind, key), value))
    return value


def _duration(kind, key, value, positive=False):
    """A Go duration string ("10s", "1m30s") or integer nanoseconds (as Kapacitor stores it and
    its CLI's handler files carry it), as the integer nanoseconds Kapacitor wants."""
    unit_hint = 'write a number with a unit, such as 10s, 1m30s or 500ms'
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        nanoseconds = value
        if 0 < nanoseconds < _SHORTEST_BARE_DURATION:
            raise SpecError('%s: %r would be %d nanoseconds (a bare integer is nanoseconds, as in '
                            "Kapacitor's own handler files); %s" % (_where(kind, key), value, value, unit_hint))
    elif isinstance(value, str):
        try:
            nanoseconds = parse_duration(value.strip())
        except ValueError as exc:
            raise SpecError('%s: %r is not a duration (%s); %s' % (_where(kind, key), value, exc, unit_hint))
    else:
        raise SpecError('%s: %r is not a duration; %s (or integer nanoseconds)' % (_where(kind, key), value, unit_hint))
    if nanoseconds < 0 or (positive and nanoseconds == 0):
        raise SpecError('%s: %r must be %s' % (
            _where(kind, key), value, 'longer than zero' if positive else 'zero or longer'))
    return nanoseconds


def _positive_duration(kind, key, value):
    # A zero aggregate interval makes kapacitord panic (time.NewTicker), taking the server down.
    return _duration(kind, key, value, positive=True)


def _string_list(kind, key, value):
    if not isinstance(value, (list, tuple)):
        raise SpecError('%s: %r is not a list of strings' % (_where(kind, key), value))
    return [_scalar_string(kind, '%s[%d]' % (key, index), item) for index, item in enumerate(value)]


def _mapping(kind, key, value):
    """A mapping Kapacitor takes as it is (map[string]interface{}: attributes, metadata...)."""
    if not isinstance(value, dict) or not all(isinstance(name, str) for name in value):
        raise SpecError('%s: must be a mapping of names to values' % _where(kind, key))
    return value


def _string_map(kind, key, value):
    """HTTP headers (map[string]string): numbers become their text, as a header carries it."""
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


def _objects(*names):
    """A list of objects with these text fields (pagerduty2 links, snmptrap data-list); Kapacitor
    matches their names case-insensitively and refuses others."""
    def convert(kind, key, value):
        if not isinstance(value, (list, tuple)):
            raise SpecError('%s: must be a list of mappings with %s' % (_where(kind, key), ', '.join(names)))
        out = []
        for index, item in enumerate(value):
            where = '%s[%d]' % (key, index)
            if not isinstance(item, dict):
                raise SpecError('%s: must be a mapping with %s' % (_where(kind, where), ', '.join(names)))
            entry = {}
            for name, text in item.items():
                known = [n for n in names if isinstance(name, str) and n == name.lower()]
                if not known:
                    raise SpecError('%s: %r is not a field; use %s' % (_where(kind, where), name, ', '.join(names)))
                if text is not None:
                    entry[known[0]] = _scalar_string(kind, '%s.%s' % (where, known[0]), text)
            out.append(entry)
        return out
    return convert


def _choice(*choices):
    def convert(kind, key, value):
        value = _string(kind, key, value)
        if value not in choices:
            raise SpecError('%s: %r is not one of %s' % (
                _where(kind, key), value, ', '.join(repr(choice) for choice in choices)))
        return value
    return convert


# MQTT quality of service: a number, or one of the names QoSLevel.UnmarshalText takes (services/
# mqtt/service.go; it reads "exactly-one", though it writes "exactly-once").
_QOS_NAMES = {'at-most-once': 0, 'at-least-once': 1, 'exactly-one': 2}


def _qos(kind, key, value):
    if value in (0, 1, 2) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, str) and value in _QOS_NAMES:
        return value
    raise SpecError('%s: %r is not a QoS level; use 0, 1 or 2 (or at-most-once, at-least-once, '
                    'exactly-one)' % (_where(kind, key), value))


def _qos_normal(value):
    return _QOS_NAMES.get(value, value) if isinstance(value, str) else value


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


def _required_string(kind, key, value):
    return _string(kind, key, _scalar_string(kind, key, value), required=True)


def _snake(api_name):
    """The collection's name for a Kapacitor option: icon-emoji -> icon_emoji,
    disablePartitionById -> disable_partition_by_id."""
    return re.sub(r'(?<=[a-z0-9])([A-Z])', r'_\1', api_name).replace('-', '_').lower()


class Field:
    """One option of a handler kind: Kapacitor's name for it, the snake_case name the
    collection also takes (and other names Kapacitor's docs use), and a converter
    ``convert(kind, key, value)`` to the value Kapacitor wants."""

    def __init__(self, api_name, convert=_scalar_string, required=False, snake=None, aliases=(), normal=None):
        self.api_name = api_name
        self.convert = convert
        self.required = required
        self.name = snake or _snake(api_name)
        self.names = tuple(dict.fromkeys((api_name, self.name) + tuple(aliases)))
        # The value as Kapacitor reads it, to compare with what another client stored.
        self.normal = normal


def _fields(*names):
    """Text options, by Kapacitor's names."""
    return tuple(Field(name) for name in names)


# Every handler kind's options, as Kapacitor v1.8.3 decodes them. Source: the HandlerConfig struct
# of services/<kind>/service.go (post: services/httppost/service.go) and, for exec, log, tcp,
# aggregate and publish, the *HandlerConfig structs of services/alert/handlers.go, into which
# services/alert/service.go (createHandlerFromSpec, decodeOptions) decodes `options` with
# mapstructure and ErrorUnused: an unknown name is an error. Names are the mapstructure tags;
# servicenow's and zenoss's fields with only a json tag are matched by their Go field name,
# written here in lower case (mapstructure compares names case-insensitively, so Kapacitor
# refuses `metric_name` but takes `MetricName` or `metricname`). Left out: fields Kapacitor sets
# itself (mqtt `topic-template`, parsed from `topic`; exec's Commander). talk decodes nothing:
# Kapacitor stores a talk handler's options and never reads them.
HANDLER_OPTIONS = {
    'aggregate': (Field('interval', _positive_duration, required=True),) + _fields('id', 'topic', 'message'),
    'alerta': _fields('token', 'token-prefix', 'resource', 'event', 'environment', 'group', 'value', 'origin') + (
        Field('service', _string_list), Field('correlate', _string_list), Field('attributes', _mapping),
        Field('timeout', _duration)),
    'bigpanda': _fields('app-key', 'url', 'host', 'primary-property', 'secondary-property') + (
        Field('attributes', _mapping),),
    'discord': _fields('workspace', 'username', 'avatar-url', 'embed-title'),
    'exec': (Field('prog', _required_string, required=True), Field('args', _string_list)),
    'hipchat': _fields('room', 'token'),
    # An unknown cluster fails when the handler is written (kafka.Service.Handler).
    'kafka': (Field('cluster', _required_string, required=True), Field('topic', _required_string, required=True),
              Field('template'), Field('disablePartitionById', _bool),
              # The partitioners of services/kafka/config.go (writerConfig); "" is crc32.
              Field('partitionAlgorithm', _choice('crc32', 'murmur2', 'murmur3', 'fnv-1a', ''))),
    'log': (Field('path', _log_path, required=True), Field('mode', parse_mode)),
    'mqtt': _fields('broker-name', 'topic') + (Field('qos', _qos, normal=_qos_normal), Field('retained', _bool)),
    'opsgenie': (Field('teams-list', _string_list), Field('recipients-list', _string_list)),
    'opsgenie2': (Field('teams-list', _string_list), Field('recipients-list', _string_list),
                  Field('recovery_action')),
    'pagerduty': _fields('service-key'),
    'pagerduty2': (Field('routing-key'), Field('links', _objects('href', 'text'))),
    'post': (Field('url'), Field('endpoint'), Field('headers', _string_map), Field('capture-response', _bool),
             Field('timeout', _duration), Field('skip-ssl-verification', _bool)),
    'publish': (Field('topics', _string_list),),
    'pushover': _fields('device', 'title', 'url', 'url-title', 'sound', 'user-key'),
    'sensu': (Field('source'), Field('handlers', _string_list), Field('metadata', _mapping)),
    'servicenow': _fields('url', 'username', 'password', 'source', 'node', 'type', 'resource') + (
        Field('metricname', snake='metric_name'), Field('messagekey', snake='message_key'),
        Field('additional_info', _mapping)),
    'slack': _fields('workspace', 'channel', 'username', 'icon-emoji'),
    'smtp': (Field('to', _string_list), Field('to-field', _string_list)),
    'snmptrap': (Field('trap-oid'), Field('data-list', _objects('oid', 'type', 'value'))),
    'talk': (),
    'tcp': (Field('address', _address, required=True),),
    'teams': _fields('channel-url'),
    'telegram': (Field('chat-id'), Field('parse-mode'), Field('disable-web-page-preview', _bool),
                 Field('disable-notification', _bool)),
    'victorops': _fields('routing-key'),
    # Kapacitor's docs name two of them by their json tags (evclasskey, evclass), which it refuses.
    'zenoss': _fields('action', 'method', 'type') + (Field('tid', _int),) + _fields(
        'summary', 'device', 'component') + (
        Field('eventclasskey', snake='event_class_key', aliases=('evclasskey',)),
        Field('eventclass', snake='event_class', aliases=('evclass',)),
        Field('collector'), Field('message'), Field('customField', _mapping)),
}


def _field(kind, key, kapacitor_only=False):
    """The option ``key`` names for ``kind``: one of its names, or (as Kapacitor matches)
    Kapacitor's name in any case; None when it names none."""
    fields = HANDLER_OPTIONS.get(kind, ())
    if not isinstance(key, str):
        return None
    for field in fields:
        if key == field.api_name or (not kapacitor_only and key in field.names):
            return field
    for field in fields:
        names = (field.api_name,) if kapacitor_only else field.names
        if any(key.lower() == name.lower() for name in names):
            return field
    return None


def option_names(kind):
    """The names the module documents for ``kind``'s options (snake_case)."""
    return [field.name for field in HANDLER_OPTIONS.get(kind, ())]


def translate_options(kind, options):
    """The user's options for ``kind`` as Kapacitor wants them; raises SpecError first."""
    if kind not in KINDS:
        raise SpecError('kind: %r is not a Kapacitor handler kind; use one of %s'
                        % (kind, ', '.join(KINDS)))
    if options is None:
        options = {}
    if not isinstance(options, dict):
        raise SpecError('options: must be a mapping of option names to values')
    fields = HANDLER_OPTIONS[kind]
    out = {}
    given_as = {}
    for key, value in options.items():
        if not isinstance(key, str):
            raise SpecError('options: %r is not an option name' % (key,))
        field = _field(kind, key)
        if field is None:
            if not fields:
                raise SpecError('options: %r is not an option of %s handlers, which take none (Kapacitor '
                                'stores the options of %s handlers but never reads them)' % (key, kind, kind))
            raise SpecError('options: %r is not an option of %s handlers; use %s' % (
                key, kind, ', '.join(sorted(option_names(kind)))))
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


def normal_options(kind, options):
    """Options as Kapacitor reads them, for comparison: names resolved as Kapacitor resolves them
    (case-insensitively) to its own, values Kapacitor reads alike made equal (MQTT QoS names and
    numbers). Options of kinds Kapacitor does not decode (talk) stay as they are."""
    if not isinstance(options, dict):
        return options
    out = {}
    for key, value in options.items():
        field = _field(kind, key, kapacitor_only=True)
        if field is None:
            out[key] = value
        else:
            out[field.api_name] = field.normal(value) if field.normal else value
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


def comparable(handler):
    """What decides whether two handlers are the same to Kapacitor: kind, match and options in
    their normal form (:func:`normal_options`), numbers as Go re-encodes them (:func:`canonical`)."""
    spec = spec_of(handler)
    spec['options'] = normal_options(spec['kind'], spec['options'])
    return canonical(spec)


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

class Handler(Resource):
    """One handler of one topic (the lifecycle is kapacitor_resources.ResourceRun's)."""

    noun = 'handler'
    # What Kapacitor answers for one handler (GET, and the POST and PUT that write it).
    shape = {'id': str, 'kind': str, 'options': (dict, type(None))}
    # Kapacitor replaces a handler whole (PUT); it has no PATCH for handlers.
    update_method = 'PUT'

    def __init__(self, client, params):
        super(Handler, self).__init__(client, params)
        self.topic = params.get('topic')
        self.id = params.get('id')
        validate_ids(self.topic, self.id)
        self.kind = params.get('kind')
        self.match = params.get('match') or ''
        self.given_options = params.get('options') or {}
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

    def path(self):
        return handler_path(self.topic, self.id)

    def collection_path(self):
        return handlers_path(self.topic)

    def missing(self, exc):
        return exc.status == 404 and (exc.kapacitor_message or '').startswith('unknown handler')

    def remember(self, current):
        if current is not None:
            self.secrets.extend(secret_values(current.get('kind'), current.get('options')))

    def desired(self):
        return {'id': self.id, 'kind': self.kind, 'options': self.options, 'match': self.match}

    def comparable(self, obj):
        return comparable(obj)

    def public(self, obj):
        return public_handler(self.topic, obj) if obj is not None else {}

    def diff_view(self, obj, before=None):
        return diff_handler(obj, before)

    def error_detail(self, exc):
        return one_line(exc.kapacitor_message) if exc.kapacitor_message else exc.message

    def check_supported(self):
        """A service kind needs the Kapacitor version that has its service, judged by the version
        Kapacitor reported (known after the first read); before any write, in check mode too.
        Without a version, or for the options of a kind, Kapacitor's own refusal tells (it
        refuses a kind or an option it does not know, storing nothing)."""
        section = KIND_SECTIONS.get(self.kind)
        missing = section.unsupported(self.client.version) if section is not None else None
        if missing is not None:
            raise KapacitorError('kind: %s needs Kapacitor %s or later; this server is %s' % (
                self.kind, section.since, missing.server()), version=self.client.version)


HANDLER_TASK = resource_task(
    Handler,
    # kind is checked by the run, not by Ansible (no choices, no required_if): Ansible's own
    # argument errors would come before the options' secrets are known.
    dict(topic=dict(type='str', required=True),
         id=dict(type='str', required=True),
         kind=dict(type='str'),
         options=dict(type='dict'),
         match=dict(type='str')),
    # Handler options are free-form: Ansible's no_log cannot know which values are secret.
    secrets_of=lambda params: secret_values(params.get('kind'), params.get('options')))
