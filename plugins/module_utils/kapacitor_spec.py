# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The declarative language in which alert sections are described.

A :class:`Section` lists its :class:`Option` objects under their Ansible (snake_case) names.
Everything else is derived from that: the Kapacitor option name, the Ansible argument spec,
``no_log``, value validation and normalisation for comparison.
"""

import math
import re

from ansible.module_utils.parsing.convert_bool import boolean

# Go's time.ParseDuration units, in nanoseconds, keyed by their UTF-8 bytes (Go works on bytes).
_DURATION_UNITS = {
    b'ns': 1,
    b'us': 1000,
    u'\u00b5s'.encode('utf-8'): 1000,  # micro sign
    u'\u03bcs'.encode('utf-8'): 1000,  # greek mu
    b'ms': 1000 * 1000,
    b's': 1000 * 1000 * 1000,
    b'm': 60 * 1000 * 1000 * 1000,
    b'h': 60 * 60 * 1000 * 1000 * 1000,
}
_MAX_INT64 = (1 << 63) - 1
_UINT64 = (1 << 64) - 1
_DIGITS = b'0123456789'
# What a Go time.Duration can hold, as Go prints it.
DURATION_RANGE = '-2562047h47m16.854775808s to 2562047h47m16.854775807s'
_OUT_OF_RANGE = 'out of range'

# The range of each Go integer type. Kapacitor's builds are 64-bit, where int is int64.
GO_INT_RANGES = {
    'int': (-(1 << 63), (1 << 63) - 1),
    'int64': (-(1 << 63), (1 << 63) - 1),
    'int32': (-(1 << 31), (1 << 31) - 1),
    'int16': (-(1 << 15), (1 << 15) - 1),
    'int8': (-(1 << 7), (1 << 7) - 1),
    'uint': (0, (1 << 64) - 1),
    'uint64': (0, (1 << 64) - 1),
    'uint32': (0, (1 << 32) - 1),
    'uint16': (0, (1 << 16) - 1),
    'uint8': (0, (1 << 8) - 1),
}

# The names Ansible's sanity test suspects of holding secrets.
_LOOKS_SECRET = re.compile(r'(?:pass(?!ive)|secret|token|key)', re.I)

# A name Kapacitor can address in a URL path (services/config: ^[-\w+]+$, \w being ASCII in Go).
# Always used with fullmatch: Python's "$" also matches before a trailing newline.
ELEMENT_NAME = re.compile(r'[-A-Za-z0-9_+]+')


class SpecError(ValueError):
    """A value the user supplied is not acceptable; the message names the option."""


# A version as Kapacitor reports it (X-Kapacitor-Version): "1.8.3", also "v1.8.3" or "1.6.0-rc1".
_VERSION = re.compile(r'v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+~][-+~.\w]*)?')


def parse_version(text):
    """(major, minor, patch) of a Kapacitor version; None when ``text`` is empty or does not read
    as one (a build without a version reports none; the collection then does not guess)."""
    match = _VERSION.fullmatch((text or '').strip()) if isinstance(text, str) else None
    if not match:
        return None
    return tuple(int(part or 0) for part in match.groups())


def _since(text):
    """A declaration's ``since``, checked once when the declarations load."""
    if text is not None and parse_version(text) is None:
        raise ValueError('since: %r is not a Kapacitor version such as 1.6.0' % (text,))
    return text


class Unsupported:
    """What a Kapacitor of a known version lacks for one task: the section, or given options.

    section: the section name; missing_section: Kapacitor has no such section; options:
    [(option name, first version that has it)]; version: the server's version as it reports it
    (None when it reports none: only a section missing from its answer is known then).
    """

    def __init__(self, section, version, missing_section=False, options=(), since=None):
        self.section = section
        self.version = version
        self.missing_section = missing_section
        self.options = list(options)
        self.since = since  # the section's first version

    def server(self):
        return 'Kapacitor %s' % self.version if self.version else 'this Kapacitor'

    def needs(self):
        """'token needs Kapacitor 1.6.0 or later', the options grouped by version."""
        by_version = {}
        for name, since in self.options:
            by_version.setdefault(since, []).append(name)
        parts = []
        for since in sorted(by_version, key=parse_version):
            names = sorted(by_version[since])
            parts.append('%s %s Kapacitor %s or later' % (
                ', '.join(names), 'needs' if len(names) == 1 else 'need', since))
        return ' and '.join(parts)

    def _first(self):
        return ' (it first appears in Kapacitor %s)' % self.since if self.since else ''

    def short(self):
        """What is missing, without the server: 'token needs Kapacitor 1.6.0 or later'."""
        if self.missing_section:
            return 'no %r section%s' % (self.section, self._first())
        return self.needs()

    def reason(self):
        """The reason on its own: what the task's section or options need, and what the server is."""
        if self.missing_section:
            return '%s has no %r section%s' % (self.server(), self.section, self._first())
        return '%s; this server is %s' % (self.needs(), self.server())

    def message(self):
        """The one-line error of a module: 'slack: token needs Kapacitor 1.6.0 or later; this
        server is Kapacitor 1.5.9', or "Kapacitor 1.5.9 has no 'zenoss' section (...)"."""
        if self.missing_section:
            return self.reason()
        return '%s: %s' % (self.section, self.reason())


def _leading_int(s, pos):
    """Go's leadingInt: the digits at s[pos:] as an integer; None when past 1<<63."""
    x = 0
    while pos < len(s) and s[pos] in _DIGITS:
        if x > (1 << 63) // 10:
            return None, pos
        x = x * 10 + s[pos] - 48
        if x > 1 << 63:
            return None, pos
        pos += 1
    return x, pos


def _leading_fraction(s, pos):
    """Go's leadingFraction: digits after the dot; stops gaining precision instead of failing."""
    x = 0
    scale = 1.0
    overflow = False
    while pos < len(s) and s[pos] in _DIGITS:
        digit = s[pos] - 48
        pos += 1
        if overflow:
            continue
        if x > _MAX_INT64 // 10:
            overflow = True
            continue
        y = x * 10 + digit
        if y > 1 << 63:
            overflow = True
            continue
        x = y
        scale *= 10
    return x, scale, pos


def parse_duration(text):
    """Parse a Go duration string ("1m30s", "500ms", "0") into integer nanoseconds.

    A line-by-line port of Go's time.ParseDuration (Go 1.26), which is what Kapacitor uses,
    overflow rules and float arithmetic of fractions included: Kapacitor silently ignores a
    string it cannot parse, so the modules must accept exactly what Go accepts.
    """
    if not isinstance(text, str):
        raise ValueError('not a string')
    s = text.encode('utf-8', 'surrogatepass')
    pos = 0
    neg = False
    if s[:1] in (b'-', b'+'):
        neg = s[:1] == b'-'
        pos = 1
    if s[pos:] == b'0':
        return 0
    if pos == len(s):
        raise ValueError('invalid duration')
    d = 0
    while pos < len(s):
        if not (s[pos] == 46 or s[pos] in _DIGITS):  # 46: "."
            raise ValueError('invalid duration')
        start = pos
        v, pos = _leading_int(s, pos)
        if v is None:
            raise ValueError(_OUT_OF_RANGE)
        pre = pos != start
        f, scale, post = 0, 1.0, False
        if pos < len(s) and s[pos] == 46:
            pos += 1
            start = pos
            f, scale, pos = _leading_fraction(s, pos)
            post = pos != start
        if not pre and not post:
            raise ValueError('invalid duration')
        start = pos
        while pos < len(s) and not (s[pos] == 46 or s[pos] in _DIGITS):
            pos += 1
        if pos == start:
            raise ValueError('missing unit')
        unit = _DURATION_UNITS.get(s[start:pos])
        if unit is None:
            raise ValueError('unknown unit %r' % s[start:pos].decode('utf-8', 'replace'))
        if v > (1 << 63) // unit:
            raise ValueError(_OUT_OF_RANGE)
        v *= unit
        if f > 0:
            # Go computes the fraction in float64 too; Python's float is the same IEEE double.
            v += int(float(f) * (float(unit) / scale))
            if v > 1 << 63:
                raise ValueError(_OUT_OF_RANGE)
        d = (d + v) & _UINT64  # Go's uint64 addition wraps (only 1<<63 + 1<<63 can)
        if d > 1 << 63:
            raise ValueError(_OUT_OF_RANGE)
    if neg:
        return -d
    if d > _MAX_INT64:
        raise ValueError(_OUT_OF_RANGE)
    return d


def format_duration(nanoseconds):
    """Render nanoseconds the way Go's Duration.String() does ("1m30s", "500ms", "0s")."""
    if nanoseconds == 0:
        return '0s'
    sign = '-' if nanoseconds < 0 else ''
    ns = abs(nanoseconds)
    if ns < 1000 * 1000 * 1000:
        for unit, size in (('ms', 1000 * 1000), (u'\u00b5s', 1000), ('ns', 1)):
            if ns >= size:
                return sign + _trim_fraction(ns, size) + unit
    hours, rest = divmod(ns, _DURATION_UNITS[b'h'])
    minutes, rest = divmod(rest, _DURATION_UNITS[b'm'])
    out = sign
    if hours:
        out += '%dh' % hours
    if hours or minutes:
        out += '%dm' % minutes
    return out + _trim_fraction(rest, _DURATION_UNITS[b's']) + 's'


def _trim_fraction(value, size):
    whole, frac = divmod(value, size)
    if not frac:
        return str(whole)
    digits = len(str(size)) - 1
    return ('%d.%0*d' % (whole, digits, frac)).rstrip('0')


class Option:
    """One option of an alert section.

    kind: ``str``, ``bool``, ``int``, ``duration``, ``list`` (of strings) or ``dict``.
    secret: never shown in any output; also passed to Ansible as ``no_log``.
    redacted: Kapacitor itself returns the value only as true/false (set/unset), so the
        stored value cannot be compared. Defaults to ``secret``; secrets that Kapacitor
        returns in clear (webhook URLs, Kafka SASL) set ``redacted=False`` and are compared
        exactly, but still masked.
    api_name: Kapacitor's option name when it is not the snake_case name with dashes.
    parent: the Kapacitor option whose object holds this one (Kafka's ``SASLAuth``), for
        options Kapacitor only exposes nested, under Go field names.
    dict_numbers: for ``dict`` options, also accept whole numbers as values (Zenoss's
        ``severity-map``, whose values Kapacitor passes on as they are).
    go_type: for ``int`` options, the Go type Kapacitor stores the value in (``int``,
        ``int64``, ``uint16``...): a value outside its range is stored, then breaks every
        later read of the configuration and Kapacitor's next start.
    minimum, maximum, bound: for ``int`` options, a narrower range that Kapacitor or its use
        of the value needs, and why (``bound``, shown in the error).
    negative: for ``duration`` options, whether a negative duration is meaningful.
    since: the first Kapacitor version that has the option (``None``: every version that has
        the section). On an older server a task that gives it fails before anything is written.
    ignore_case: ``choices`` that Kapacitor lower-cases (Go's ``strings.ToLower``) before it
        checks them (Telegram's parse mode, Kafka's OAuth service). Ansible's own ``choices``
        check is case-sensitive, so the option checks them itself: any case is accepted, sent as
        given (Kapacitor keeps it so) and compared folded.
    """

    KINDS = ('str', 'bool', 'int', 'duration', 'list', 'dict')

    def __init__(self, kind='str', secret=False, redacted=None, api_name=None, choices=None,
                 aliases=None, parent=None, suboptions=None, dict_numbers=False, go_type='int',
                 minimum=None, maximum=None, bound=None, negative=False, ignore_case=False, since=None):
        if kind not in self.KINDS:
            raise ValueError('unknown option kind %r' % kind)
        if go_type not in GO_INT_RANGES:
            raise ValueError('unknown Go integer type %r' % go_type)
        self.kind = kind
        self.secret = secret
        self.redacted = secret if redacted is None else redacted
        self.api_name = api_name
        self.choices = choices
        if ignore_case and not choices:
            raise ValueError('ignore_case needs choices')
        self.ignore_case = ignore_case
        self.aliases = aliases
        self.parent = parent
        self.dict_numbers = dict_numbers
        # For a secret dict with fixed keys (httppost basic_auth): Ansible then hides only the
        # keys marked no_log, not every value (a username would be masked in all output).
        self.suboptions = suboptions
        self.go_type = go_type
        self.minimum = minimum
        self.maximum = maximum
        self.bound = bound or 'Kapacitor needs'
        self.negative = negative
        self.since = _since(since)
        self.name = None  # set by Section

    def available_in(self, version):
        """Whether Kapacitor ``version`` (a parse_version tuple) has the option."""
        return self.since is None or version >= parse_version(self.since)

    def bind(self, name):
        self.name = name
        if self.api_name is None:
            self.api_name = name.replace('_', '-')
        return self

    def int_range(self):
        """(lowest, highest) an ``int`` option accepts."""
        low, high = GO_INT_RANGES[self.go_type]
        if self.minimum is not None:
            low = max(low, self.minimum)
        if self.maximum is not None:
            high = min(high, self.maximum)
        return low, high

    def read(self, api_options):
        """This option's value in an element's API options (None when absent)."""
        holder = api_options.get(self.parent) if self.parent else api_options
        return holder.get(self.api_name) if isinstance(holder, dict) else None

    def write(self, api_options, value):
        """Put a value into API options (a payload or a predicted element), nesting if needed."""
        if self.parent:
            holder = api_options.get(self.parent)
            holder = dict(holder) if isinstance(holder, dict) else {}
            holder[self.api_name] = value
            api_options[self.parent] = holder
        else:
            api_options[self.api_name] = value

    def argument_spec(self):
        spec = {'type': {'duration': 'str'}.get(self.kind, self.kind)}
        if self.kind == 'list':
            spec['elements'] = 'str'
        if self.suboptions:
            spec['options'] = dict(self.suboptions)
        elif self.secret:
            spec['no_log'] = True
        elif _LOOKS_SECRET.search(self.name):
            spec['no_log'] = False  # a path or a name, not a secret (e.g. ssl_key)
        if self.choices is not None and not self.ignore_case:
            spec['choices'] = list(self.choices)
        if self.aliases:
            spec['aliases'] = list(self.aliases)
        return spec

    def validate(self, value):
        """Check a user value that Ansible has already type-converted; returns the API value."""
        if value is None:
            return None
        if self.ignore_case:
            self.check_folded_choice(value)
        if self.kind == 'duration':
            self.check_duration(value)
        elif self.kind == 'int':
            if isinstance(value, bool) or not isinstance(value, int):
                raise SpecError('%s: %r is not a whole number' % (self.name, value))
            self.check_int_range(value)
        elif self.kind == 'dict' and not self.suboptions:
            for key, item in value.items():
                if isinstance(item, str):
                    continue
                if self.dict_numbers and isinstance(item, int) and not isinstance(item, bool):
                    continue
                raise SpecError('%s: the value of %r must be a string%s' % (
                    self.name, key, ' or a whole number' if self.dict_numbers else ''))
        return value

    def check_folded_choice(self, value):
        """Kapacitor's own check: one of the choices once both are lower-cased as Go does."""
        if isinstance(value, str) and go_lower(value) in [go_lower(choice) for choice in self.choices]:
            return value
        shown = [repr(choice) if choice == '' else choice for choice in self.choices]
        raise SpecError('%s: %r is not one of %s or %s (in any case)' % (
            self.name, value, ', '.join(shown[:-1]), shown[-1]))

    def check_duration(self, value):
        try:
            nanoseconds = parse_duration(value)
        except ValueError as exc:
            if str(exc) == _OUT_OF_RANGE:
                raise SpecError('%s: %r is out of range (a Go duration: %s)' % (self.name, value, DURATION_RANGE))
            raise SpecError(
                "%s: %r is not a duration (%s); write a number with a unit, such as "
                "10s, 1m30s or 500ms" % (self.name, value, exc))
        if nanoseconds < 0 and not self.negative:
            raise SpecError('%s: %r is negative; Kapacitor needs a duration of zero or more' % (self.name, value))
        return nanoseconds

    def check_int_range(self, value, shown=None):
        """The Go type's range first (beyond it Kapacitor's stored configuration breaks), then
        the narrower range Kapacitor's use of the value needs."""
        shown = value if shown is None else shown
        low, high = GO_INT_RANGES[self.go_type]
        if not low <= value <= high:
            raise SpecError('%s: %s is out of range (Kapacitor stores it as a Go %s: %d to %d)' % (
                self.name, shown, self.go_type, low, high))
        low, high = self.int_range()
        if not low <= value <= high:
            raise SpecError('%s: %s is out of range (%s: %d to %d)' % (self.name, shown, self.bound, low, high))
        return value

    def check_raw(self, value):
        """Check a value as the task gave it, before Ansible's type conversion (which turns a
        list, dict or boolean given for a string into text). Numbers given for strings are
        accepted and become their text (an unquoted Telegram chat_id such as -100123)."""
        if value is None:
            return
        if self.kind == 'str':
            check_raw_string(self.name, value)
        elif self.kind == 'duration':
            check_raw_string(self.name, value, 'a duration such as 10s')
        elif self.kind == 'list':
            if not isinstance(value, list):
                raise SpecError('%s: got %s; give a list of strings' % (self.name, describe_raw(value)))
            for index, item in enumerate(value):
                if item is None or isinstance(item, (bool, list, dict)):
                    raise SpecError('%s: item %d is %s; give a string (quote it in YAML)' % (
                        self.name, index + 1, describe_raw(item)))
        elif self.kind == 'int':
            whole_float = isinstance(value, float) and math.isfinite(value) and value == int(value)
            if isinstance(value, (bool, list, dict)) or (isinstance(value, float) and not whole_float):
                raise SpecError('%s: got %s; give a whole number' % (self.name, describe_raw(value)))
        elif self.kind == 'bool':
            try:
                boolean(value, strict=True)
            except TypeError:
                shown = repr(value) if isinstance(value, str) else describe_raw(value)
                raise SpecError('%s: got %s; give true or false' % (self.name, shown))
        elif self.kind == 'dict':
            if isinstance(value, str):
                return  # Ansible's own "key=value" and JSON forms
            if not isinstance(value, dict):
                raise SpecError('%s: got %s; give a dictionary' % (self.name, describe_raw(value)))
            if self.suboptions:
                for key, spec in self.suboptions.items():
                    if spec.get('type', 'str') == 'str':
                        check_raw_string('%s.%s' % (self.name, key), value.get(key))
            else:
                self.validate(value)

    def normalize(self, value):
        """Comparable form of a value, whether it came from the user or from Kapacitor."""
        if self.kind == 'duration':
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            if value in (None, ''):
                return 0
            try:
                return parse_duration(value)
            except ValueError:
                return value
        if self.kind == 'list':
            return list(value or [])
        if self.kind == 'dict':
            return dict(value or {})
        if self.kind == 'int' and isinstance(value, str):
            try:
                return int(value)
            except ValueError:
                return value
        if self.kind == 'str' and value is None:
            return ''
        if self.ignore_case and isinstance(value, str):
            return go_lower(value)
        return value


def go_lower(text):
    """Go's strings.ToLower: each character's simple lower-case mapping.

    Python's str.lower() differs in two ways: it maps U+0130 (capital I with dot) to two
    characters where Go maps it to "i", and it lower-cases a final capital sigma by context.
    Lower-casing one character at a time has neither.
    """
    return ''.join('i' if char == '\u0130' else char.lower() for char in text)


def describe_raw(value):
    """How a value the task gave reads in an error; never the text of a string (a secret?)."""
    if isinstance(value, bool):
        return 'a boolean (%s)' % ('true' if value else 'false')
    if value is None:
        return 'null'
    if isinstance(value, list):
        return 'a list'
    if isinstance(value, dict):
        return 'a dictionary'
    if isinstance(value, (int, float)):
        return 'the number %r' % value
    if isinstance(value, str):
        return 'a string'
    return 'a %s' % type(value).__name__


def check_raw_string(name, value, wanted='a string'):
    """A string option's value as the task gave it: text or a number, nothing Ansible would
    have to turn into text."""
    if value is None or isinstance(value, str):
        return
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return
    hint = ' (quote it in YAML)' if isinstance(value, bool) else ''
    raise SpecError('%s: got %s; give %s%s' % (name, describe_raw(value), wanted, hint))


SAME_AS_NAME = object()


class Section:
    """An alert section of Kapacitor's config-override API.

    name: Kapacitor's section name (``slack``).
    options: ``{snake_case_name: Option}``.
    element_key: for list sections, the Ansible option that names the element
        (``workspace``); Kapacitor's key name is the same with dashes. ``None`` for
        sections with a single element.
    element_default: default of the element option; ``''`` addresses the unnamed
        default element (slack, discord); ``None`` makes the option required.
    test_element_option: the service-test option that selects the element (slack
        ``workspace``, kafka ``cluster``).
    test_defaults: service-test options sent unless the user gives them, for tests whose
        Kapacitor defaults do not fit the element under test. All of them are empty strings,
        which Kapacitor's tests replace by the element's configured value of the option of
        the same name; the generated docs say so.
    test_from_config: ``{test option: API option}`` copied from the element's configuration
        into the test (httppost's test ignores the configuration otherwise).
    test_config_defaults: ``{test option: Ansible option}`` for the test options whose default
        Kapacitor takes from the configuration (of the default element, in list sections):
        Telegram's ``chat-id`` is the configured ``chat_id``. For the docs, which otherwise show
        the defaults of an unconfigured Kapacitor; tests/system checks the list both ways.
    since: first Kapacitor version that has the section (its options can have a later one).
    can_add: whether new elements added through the API work; if not, ``add_refusal``
        explains why the module refuses to add one.
    warning: shown on every use (retired services).
    test_success: what a successful service test proves, for the docs, when it is not simply
        that Kapacitor sent the alert.
    handler_kind: the topic-handler kind that sends through this section's service; by
        default the section's name. ``None`` when no kind does (httppost: the generic ``post``
        handler takes its own URL, or names an httppost endpoint).
    extra_argument_spec, mutually_exclusive, prepare: options that are not Kapacitor options
        (HipChat's subdomain); ``prepare(params)`` turns them into Kapacitor options.
    """

    def __init__(self, name, options, title=None, element_key=None, element_default=None,
                 test_element_option=None, test_defaults=None, test_from_config=None,
                 test_config_defaults=None, since=None,
                 can_add=True, add_refusal=None, warning=None, handler_kind=SAME_AS_NAME,
                 test_success=None, extra_argument_spec=None, mutually_exclusive=None, prepare=None):
        self.name = name
        self.handler_kind = name if handler_kind is SAME_AS_NAME else handler_kind
        self.test_success = test_success
        self.title = title or name
        self.options = dict((key, opt.bind(key)) for key, opt in options.items())
        self.element_key = element_key
        self.element_default = element_default
        self.test_element_option = test_element_option
        self.test_defaults = dict(test_defaults or {})
        self.test_from_config = dict(test_from_config or {})
        self.test_config_defaults = dict(test_config_defaults or {})
        self.can_add = can_add
        self.add_refusal = add_refusal
        self.warning = warning
        self.extra_argument_spec = dict(extra_argument_spec or {})
        self.mutually_exclusive = list(mutually_exclusive or [])
        self.prepare = prepare
        self.since = _since(since)
        self.by_api_name = dict((opt.api_name, opt) for opt in self.options.values() if not opt.parent)
        self.parents = set(opt.parent for opt in self.options.values() if opt.parent)

    @property
    def is_list(self):
        return self.element_key is not None

    @property
    def element_api_key(self):
        return self.element_key.replace('_', '-') if self.element_key else None

    def argument_spec(self):
        spec = dict((name, opt.argument_spec()) for name, opt in self.options.items())
        spec.update(self.extra_argument_spec)
        if self.is_list:
            if self.element_default is None:
                spec[self.element_key] = {'type': 'str', 'required': True}
            else:
                spec[self.element_key] = {'type': 'str', 'default': self.element_default}
        return spec

    def secrets(self):
        return [opt for opt in self.options.values() if opt.secret]

    def available_in(self, version):
        """Whether Kapacitor ``version`` (a parse_version tuple) has the section."""
        return self.since is None or version >= parse_version(self.since)

    def options_missing_in(self, version):
        """{option name: first version} of the options Kapacitor ``version`` (a tuple) lacks."""
        return dict((name, opt.since) for name, opt in sorted(self.options.items())
                    if not opt.available_in(version))

    def unsupported(self, version, names=()):
        """What Kapacitor ``version`` (as it reports it) lacks of this section and of the options
        ``names``: an :class:`Unsupported`, or None when it has them all or its version is
        unknown (then Kapacitor's own answer tells)."""
        parsed = parse_version(version)
        if parsed is None:
            return None
        if not self.available_in(parsed):
            return Unsupported(self.name, version, missing_section=True, since=self.since)
        missing = [(name, self.options[name].since) for name in sorted(names)
                   if name in self.options and not self.options[name].available_in(parsed)]
        if missing:
            return Unsupported(self.name, version, options=missing, since=self.since)
        return None

    def option_for_api_name(self, api_name):
        """The Ansible name of a Kapacitor option (nested ones by Go field name too)."""
        for opt in self.options.values():
            if opt.api_name == api_name:
                return opt.name
        return api_name

    def validate_element(self, element):
        """Reject element names Kapacitor can create but never address again."""
        if not self.is_list:
            return ''
        element = element or ''
        if element == '' and self.element_default == '':
            return ''
        if not isinstance(element, str) or not ELEMENT_NAME.fullmatch(element):
            raise SpecError(
                '%s: %r cannot be used: Kapacitor can only address %s values made of letters, '
                'digits, "_", "-" and "+"' % (self.element_key, element, self.element_key))
        return element

    def check_raw_types(self, raw_params):
        """Check the task's arguments as given, before Ansible's type conversion.

        Ansible turns a list, dict or boolean given for a string option into text
        (``password: false`` would store "False"); raises SpecError naming the option.
        Arguments that are not this section's are left to Ansible.
        """
        raw_params = raw_params or {}
        for name, opt in sorted(self.options.items()):
            for key in [name] + list(opt.aliases or []):
                if key in raw_params:
                    opt.check_raw(raw_params[key])
        for name, spec in sorted(self.extra_argument_spec.items()):
            if spec.get('type', 'str') == 'str':
                for key in [name] + list(spec.get('aliases') or []):
                    check_raw_string(key, raw_params.get(key))
        if self.is_list:
            check_raw_string(self.element_key, raw_params.get(self.element_key))

    def desired_options(self, params):
        """The options the user supplied, validated, keyed by Ansible name."""
        if self.prepare:
            params = self.prepare(dict(params))
        desired = {}
        for name, opt in self.options.items():
            value = params.get(name)
            if value is not None:
                desired[name] = opt.validate(value)
        return desired
