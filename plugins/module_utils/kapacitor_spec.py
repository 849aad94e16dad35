# -*- coding: utf-8 -*-
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The declarative language in which alert sections are described.

A :class:`Section` lists its :class:`Option` objects under their Ansible (snake_case) names.
Everything else is derived from that: the Kapacitor option name, the Ansible argument spec,
``no_log``, value validation and normalisation for comparison.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

# Go's time.ParseDuration units, in nanoseconds.
_DURATION_UNITS = {
    'ns': 1,
    'us': 1000,
    u'\u00b5s': 1000,  # micro sign
    u'\u03bcs': 1000,  # greek mu
    'ms': 1000 * 1000,
    's': 1000 * 1000 * 1000,
    'm': 60 * 1000 * 1000 * 1000,
    'h': 60 * 60 * 1000 * 1000 * 1000,
}
_DURATION_PART = re.compile(u'([0-9]*(?:\\.[0-9]*)?)([a-z\u00b5\u03bc]*)')
_MAX_INT64 = (1 << 63) - 1

# The names Ansible's sanity test suspects of holding secrets.
_LOOKS_SECRET = re.compile(r'(?:pass(?!ive)|secret|token|key)', re.I)

ELEMENT_NAME = re.compile(r'^[-A-Za-z0-9_+]+$')


class SpecError(ValueError):
    """A value the user supplied is not acceptable; the message names the option."""


def parse_duration(text):
    """Parse a Go duration string ("1m30s", "500ms", "0") into integer nanoseconds.

    Mirrors Go's time.ParseDuration, which is what Kapacitor uses. Kapacitor silently
    ignores a string it cannot parse, so the modules must reject it first.
    """
    if not isinstance(text, str):
        raise ValueError('not a string')
    s = text
    sign = 1
    if s[:1] in ('-', '+'):
        sign = -1 if s[0] == '-' else 1
        s = s[1:]
    if s == '0':
        return 0
    if not s:
        raise ValueError('empty duration')
    total = 0
    pos = 0
    while pos < len(s):
        match = _DURATION_PART.match(s, pos)
        number, unit = match.group(1), match.group(2)
        if number in ('', '.'):
            raise ValueError('expected a number at %r' % s[pos:])
        if not unit:
            raise ValueError('missing unit after %r' % number)
        if unit not in _DURATION_UNITS:
            raise ValueError('unknown unit %r' % unit)
        whole, _dot, frac = number.partition('.')
        scale = _DURATION_UNITS[unit]
        value = int(whole or '0') * scale
        if frac:
            value += int(frac) * scale // (10 ** len(frac))
        total += value
        if total > _MAX_INT64 + 1:
            raise ValueError('duration out of range')
        pos = match.end()
    return sign * total


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
    hours, rest = divmod(ns, _DURATION_UNITS['h'])
    minutes, rest = divmod(rest, _DURATION_UNITS['m'])
    out = sign
    if hours:
        out += '%dh' % hours
    if hours or minutes:
        out += '%dm' % minutes
    return out + _trim_fraction(rest, _DURATION_UNITS['s']) + 's'


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
    """

    KINDS = ('str', 'bool', 'int', 'duration', 'list', 'dict')

    def __init__(self, kind='str', secret=False, redacted=None, api_name=None, choices=None,
                 aliases=None, parent=None, suboptions=None, dict_numbers=False):
        if kind not in self.KINDS:
            raise ValueError('unknown option kind %r' % kind)
        self.kind = kind
        self.secret = secret
        self.redacted = secret if redacted is None else redacted
        self.api_name = api_name
        self.choices = choices
        self.aliases = aliases
        self.parent = parent
        self.dict_numbers = dict_numbers
        # For a secret dict with fixed keys (httppost basic_auth): Ansible then hides only the
        # keys marked no_log, not every value (a username would be masked in all output).
        self.suboptions = suboptions
        self.name = None  # set by Section

    def bind(self, name):
        self.name = name
        if self.api_name is None:
            self.api_name = name.replace('_', '-')
        return self

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
        if self.choices is not None:
            spec['choices'] = list(self.choices)
        if self.aliases:
            spec['aliases'] = list(self.aliases)
        return spec

    def validate(self, value):
        """Check a user value that Ansible has already type-converted; returns the API value."""
        if value is None:
            return None
        if self.kind == 'duration':
            try:
                parse_duration(value)
            except ValueError as exc:
                raise SpecError(
                    "%s: %r is not a duration (%s); write a number with a unit, such as "
                    "10s, 1m30s or 500ms" % (self.name, value, exc))
        elif self.kind == 'int':
            if isinstance(value, bool) or not isinstance(value, int):
                raise SpecError('%s: %r is not a whole number' % (self.name, value))
        elif self.kind == 'dict' and not self.suboptions:
            for key, item in value.items():
                if isinstance(item, str):
                    continue
                if self.dict_numbers and isinstance(item, int) and not isinstance(item, bool):
                    continue
                raise SpecError('%s: the value of %r must be a string%s' % (
                    self.name, key, ' or a whole number' if self.dict_numbers else ''))
        return value

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
        return value


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
        Kapacitor defaults do not fit the element under test.
    test_from_config: ``{test option: API option}`` copied from the element's configuration
        into the test (httppost's test ignores the configuration otherwise).
    since: first Kapacitor version that has the section.
    can_add: whether new elements added through the API work; if not, ``add_refusal``
        explains why the module refuses to add one.
    warning: shown on every use (retired services).
    extra_argument_spec, mutually_exclusive, prepare: options that are not Kapacitor options
        (HipChat's subdomain); ``prepare(params)`` turns them into Kapacitor options.
    """

    def __init__(self, name, options, title=None, element_key=None, element_default=None,
                 test_element_option=None, test_defaults=None, test_from_config=None, since=None,
                 can_add=True, add_refusal=None, warning=None, extra_argument_spec=None,
                 mutually_exclusive=None, prepare=None):
        self.name = name
        self.title = title or name
        self.options = dict((key, opt.bind(key)) for key, opt in options.items())
        self.element_key = element_key
        self.element_default = element_default
        self.test_element_option = test_element_option
        self.test_defaults = dict(test_defaults or {})
        self.test_from_config = dict(test_from_config or {})
        self.can_add = can_add
        self.add_refusal = add_refusal
        self.warning = warning
        self.extra_argument_spec = dict(extra_argument_spec or {})
        self.mutually_exclusive = list(mutually_exclusive or [])
        self.prepare = prepare
        self.since = since
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
        if not ELEMENT_NAME.match(element):
            raise SpecError(
                '%s: %r cannot be used: Kapacitor can only address %s values made of letters, '
                'digits, "_", "-" and "+"' % (self.element_key, element, self.element_key))
        return element

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
