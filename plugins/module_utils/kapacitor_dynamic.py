# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Sections described at run time from what Kapacitor reports, for kapacitor_config.

Any overridable section (alert handlers, ``influxdb``, scrapers, service discovery) can be
managed with a free ``options`` dict under Kapacitor's own option names. Kinds are taken from
this collection's declaration when the section is known, otherwise inferred from the current
values; secrets are the options Kapacitor redacts, the ones this collection declares secret,
and the ones the user passes in ``secret_options``.
"""

import math
import re

from ansible.module_utils.parsing.convert_bool import BOOLEANS_FALSE, BOOLEANS_TRUE

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_client import (
    CONNECTION_ARGUMENT_SPEC, KapacitorClient)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_engine import (
    ENDPOINT_ARGUMENT_SPEC, ElementMissing, SectionRun, converge, test_option_secrets)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_runner import TaskSpec
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import SECTIONS
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_spec import (
    ELEMENT_NAME, Option, Section, SpecError, format_duration, parse_duration)

# Element keys of Kapacitor's list sections (server/config.go, v1.8.3).
LIST_SECTION_KEYS = {
    'influxdb': 'name', 'discord': 'workspace', 'kafka': 'id', 'mqtt': 'name',
    'httppost': 'endpoint', 'slack': 'workspace', 'scraper': 'name',
    'azure': 'id', 'consul': 'id', 'dns': 'id', 'ec2': 'id', 'file-discovery': 'id',
    'gce': 'id', 'marathon': 'id', 'nerve': 'id', 'serverset': 'id',
    'static-discovery': 'id', 'triton': 'id', 'kubernetes': 'id', 'swarm': 'id',
}


def _looks_like_duration(value):
    """Go prints durations as "30s", "1m0s", "1h0m0s", "500ms"; compare those by value."""
    try:
        return any(c.isalpha() for c in value) and format_duration(parse_duration(value)) == value
    except ValueError:
        return False


def infer_kind(current, desired=None):
    sample = current if current is not None else desired
    if isinstance(sample, bool):
        return 'bool'
    if isinstance(sample, int):
        return 'int'
    if isinstance(sample, list):
        return 'list'
    if isinstance(sample, dict):
        return 'dict'
    if isinstance(sample, str) and current is not None and _looks_like_duration(current):
        return 'duration'
    return 'str'


# Option names that hold secrets in any section: Go field names (SASLPassword) and Kapacitor's
# names (api-key, http-shared-secret) alike. ssl-key is a file path, not a secret.
_SECRET_NAME = re.compile(r'(?:password|token|secret|key)\Z', re.I)
_PATH_NAME = re.compile(r'ssl[-_]?key\Z', re.I)


def is_secret_name(api_name):
    return bool(_SECRET_NAME.search(api_name)) and not _PATH_NAME.search(api_name)


def _reject_non_finite(name, value):
    """NaN and infinities have no JSON form: json.dumps would send NaN, which Kapacitor refuses."""
    if isinstance(value, float) and not math.isfinite(value):
        raise SpecError('%s: %r is not a number Kapacitor can store (JSON has no NaN or infinity)' % (name, value))
    if isinstance(value, list):
        for item in value:
            _reject_non_finite(name, item)
    elif isinstance(value, dict):
        for item in value.values():
            _reject_non_finite(name, item)


def _shown(opt, value):
    """A value as an error may quote it: never a secret's."""
    return 'the value given' if opt.secret else repr(value)


def coerce(opt, value):
    """Check a free-form value against the option's kind; returns what Kapacitor should get."""
    name = opt.name
    if value is None:
        raise SpecError('%s: null is not a value; use state=absent or give a value' % name)
    _reject_non_finite(name, value)
    if opt.kind == 'bool':
        if isinstance(value, bool):
            return value
        text = str(value).lower()
        if text in BOOLEANS_TRUE:
            return True
        if text in BOOLEANS_FALSE:
            return False
        raise SpecError('%s: %s is not a boolean' % (name, _shown(opt, value)))
    if opt.kind == 'int':
        if isinstance(value, bool) or isinstance(value, (list, dict)):
            raise SpecError('%s: %s is not a whole number' % (name, _shown(opt, value)))
        if isinstance(value, float):
            if value != int(value):
                # Kapacitor would truncate it, then fail on every later request.
                raise SpecError('%s: %r is not a whole number' % (name, value))
            return opt.check_int_range(int(value), shown=repr(value))
        if isinstance(value, str):
            try:
                number = int(value.strip())
            except ValueError:
                raise SpecError('%s: %s is not a whole number' % (name, _shown(opt, value)))
            return opt.check_int_range(number)
        return opt.check_int_range(value)
    if opt.kind == 'list':
        if not isinstance(value, list):
            raise SpecError('%s: %s is not a list' % (name, _shown(opt, value)))
        return value
    if opt.kind == 'dict':
        if not isinstance(value, dict):
            raise SpecError('%s: %s is not a dictionary' % (name, _shown(opt, value)))
        return opt.validate(value)
    if not isinstance(value, str):
        raise SpecError('%s: %s is not a string' % (name, _shown(opt, value)))
    return opt.validate(value)


def _like(declared, secret, redacted, api_name, parent=None):
    """A copy of a declared option under Kapacitor's names, with its kind and bounds."""
    return Option(declared.kind, secret=secret, redacted=redacted, api_name=api_name, parent=parent,
                  dict_numbers=declared.dict_numbers, go_type=declared.go_type, minimum=declared.minimum,
                  maximum=declared.maximum, bound=declared.bound, negative=declared.negative)


def _inferred(kind, secret, redacted, api_name, parent=None):
    # Kapacitor decides what a duration this collection does not know may be.
    return Option(kind, secret=secret, redacted=redacted, api_name=api_name, parent=parent,
                  negative=kind == 'duration')


def nested_name(parent, field):
    return '%s.%s' % (parent, field)


def _field_names(known, parent, held, given):
    """{lower-case field name: Go field name} of a nested object (Kapacitor's decoder matches
    field names case-insensitively)."""
    names = {}
    for field in list(given) + list(held):
        names[field.lower()] = field
    for opt in known.options.values():
        if opt.parent == parent:
            names[opt.api_name.lower()] = opt.api_name
    return names


def dynamic_section(name, current, redacted=(), desired=None, secret_names=()):
    """A Section for ``name`` covering every current and desired option, by Kapacitor name.

    A nested object of a known section (Kafka's ``SASLAuth``) gets one option per field,
    named ``SASLAuth.SASLPassword``: a partial object given by the user is then compared field
    by field and merged over the current object (see kapacitor_engine.api_payload).
    """
    known = SECTIONS.get(name)
    key = LIST_SECTION_KEYS.get(name)
    current = current or {}
    desired = desired or {}
    options = {}
    for api_name in set(current) | set(desired):
        if api_name == key:
            continue
        declared = known.by_api_name.get(api_name) if known else None
        nested = bool(known and api_name in known.parents)
        secret = (api_name in secret_names or api_name in redacted or is_secret_name(api_name)
                  or bool(declared and declared.secret)
                  or nested)  # Kafka's SASLAuth: shown as a whole only as set/unset
        if declared is not None:
            kind = declared.kind
        else:
            kind = infer_kind(current.get(api_name), desired.get(api_name))
        if api_name in redacted:
            kind = 'dict' if isinstance(desired.get(api_name), dict) else 'str'
        if declared is not None and api_name not in redacted:
            options[api_name] = _like(declared, secret, False, api_name)
        else:
            options[api_name] = _inferred(kind, secret, api_name in redacted, api_name)
        if nested and api_name not in redacted:
            options.update(_nested_options(known, api_name, current.get(api_name), desired.get(api_name),
                                           api_name in secret_names))
    extra = {}
    if known is not None:
        extra = dict(test_element_option=known.test_element_option,
                     test_defaults=known.test_defaults, test_from_config=known.test_from_config,
                     since=known.since, can_add=known.can_add, add_refusal=known.add_refusal)
    section = Section(name, options, element_key=key, element_default='' if key else None, **extra)
    # Ansible names are Kapacitor's names here, dashes included.
    for api_name, opt in section.options.items():
        opt.name = api_name
    return section


def _nested_options(known, parent, held, given, all_secret):
    held = held if isinstance(held, dict) else {}
    given = given if isinstance(given, dict) else {}
    declared = dict((opt.api_name, opt) for opt in known.options.values() if opt.parent == parent)
    options = {}
    for field in set(_field_names(known, parent, held, given).values()):
        if field not in held and not any(f.lower() == field.lower() for f in given):
            continue  # neither on this Kapacitor nor given
        opt = declared.get(field)
        secret = all_secret or is_secret_name(field) or bool(opt and opt.secret)
        if opt is not None:
            options[nested_name(parent, field)] = _like(opt, secret, False, field, parent)
        else:
            kind = infer_kind(held.get(field), _given(given, field))
            options[nested_name(parent, field)] = _inferred(kind, secret, False, field, parent)
    return options


def _given(given, field):
    for name, value in given.items():
        if name.lower() == field.lower():
            return value
    return None


def desired_values(section, params):
    """The user's options and secret_options, checked against the section's kinds; a nested
    object's fields under their own names (``SASLAuth.SASLPassword``)."""
    merged = dict(params.get('options') or {})
    merged.update(params.get('secret_options') or {})
    desired = {}
    for name, value in merged.items():
        if name in section.parents and isinstance(value, dict):
            for field, item in value.items():
                opt = _nested_option(section, name, field)
                desired[opt.name] = coerce(opt, item)
        else:
            desired[name] = coerce(section.options[name], value)
    return desired


def _nested_option(section, parent, field):
    for opt in section.options.values():
        if opt.parent == parent and opt.api_name.lower() == field.lower():
            return opt
    raise SpecError('%s: unknown field %r' % (parent, field))  # dynamic_section made one for each


def _leaves(value):
    """Every scalar inside a value, as text: what Ansible must mask."""
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item)]
    if value is None or isinstance(value, bool):
        return []
    return [value if isinstance(value, str) else str(value)]


def option_secret_values(name, options, redacted=()):
    """Values given under ``options`` that are secrets of section ``name``, known before any
    request: declared secret by this collection, redacted by Kapacitor (once read), or named
    like a secret (password, token, secret, key; ssl-key excepted), nested fields included."""
    known = SECTIONS.get(name)
    values = []
    for api_name, value in (options or {}).items():
        if not isinstance(api_name, str):
            continue
        declared = known.by_api_name.get(api_name) if known else None
        if (api_name in redacted or is_secret_name(api_name) or bool(declared and declared.secret)):
            values.extend(_leaves(value))
        elif known and api_name in known.parents and isinstance(value, dict):
            fields = dict((o.api_name.lower(), o) for o in known.options.values() if o.parent == api_name)
            for field, item in value.items():
                opt = fields.get(field.lower()) if isinstance(field, str) else None
                if (opt is not None and opt.secret) or (isinstance(field, str) and is_secret_name(field)):
                    values.extend(_leaves(item))
    return [v for v in values if v]


CONFIG_ARGUMENT_SPEC = dict(
    section=dict(type='str', required=True),
    element=dict(type='str'),
    options=dict(type='dict', default={}),
    secret_options=dict(type='dict', default={}, no_log=True),
)


def config_secrets(params):
    """Secrets known from the parameters alone: secret_options, options whose names are secrets,
    and secrets in test_options."""
    return (_leaves(params.get('secret_options')) + option_secret_values(params.get('section'), params.get('options'))
            + test_option_secrets(params, params.get('section')))


def run_config(ctx):
    """kapacitor_config: any section, any element, a free options dict."""
    params = ctx.params
    name = params['section']
    key = LIST_SECTION_KEYS.get(name)
    known = SECTIONS.get(name)
    if known is not None and known.warning:
        ctx.warn(known.warning)
    if not ELEMENT_NAME.fullmatch(name):
        raise SpecError('section: %r is not a section name Kapacitor can address (letters, digits, '
                        '"_", "-" and "+")' % name)
    if key is None and params.get('element'):
        raise SpecError('element: section %r has a single element; leave element out' % name)
    if key and params.get('element') and not ELEMENT_NAME.fullmatch(params['element']):
        raise SpecError('element: %r cannot be used: Kapacitor can only address %s values made of letters, '
                        'digits, "_", "-" and "+"' % (params['element'], key))
    client = KapacitorClient.from_params(params)
    probe_section = Section(name, {}, element_key=key, element_default='' if key else None,
                            since=known.since if known is not None else None)
    probe_params = {'state': params['state']}
    if key:
        probe_params[key] = params.get('element') or ''
    probe = SectionRun(probe_section, client, probe_params, update_secrets=params['update_secrets'],
                       check_mode=ctx.check_mode)
    try:
        current = probe.read()
    except ElementMissing:
        current = None
    # Secrets given under options (by name or declaration) are masked like secret_options; the
    # ones Kapacitor redacts are known once it was read.
    ctx.hide(option_secret_values(name, params['options'], probe.redacted))
    wanted = dict(params['options'])
    wanted.update(params['secret_options'])
    section = dynamic_section(name, current, probe.redacted, wanted, set(params['secret_options']))
    run_params = dict(desired_values(section, params))
    ctx.hide([leaf for opt in section.secrets() for leaf in _leaves(run_params.get(opt.name))])
    run_params.update(state=params['state'], test_options=params['test_options'],
                      test_alert=params['test_alert'])
    if key:
        run_params[key] = probe_params[key]
    run = SectionRun(section, client, run_params, update_secrets=params['update_secrets'],
                     check_mode=ctx.check_mode)
    run.redacted = probe.redacted
    return converge(ctx, run, current, prefetched=True)


CONFIG_TASK = TaskSpec(dict(CONNECTION_ARGUMENT_SPEC, **dict(ENDPOINT_ARGUMENT_SPEC, **CONFIG_ARGUMENT_SPEC)),
                       run_config, secrets_of=config_secrets)
