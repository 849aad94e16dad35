# -*- coding: utf-8 -*-
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

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.parsing.convert_bool import BOOLEANS_FALSE, BOOLEANS_TRUE

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_client import (
    CONNECTION_ARGUMENT_SPEC, KapacitorClient)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_engine import (
    ENDPOINT_ARGUMENT_SPEC, ElementMissing, SectionRun, execute)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import SECTIONS
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_spec import (
    Option, Section, SpecError, format_duration, parse_duration)

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


def coerce(opt, value):
    """Check a free-form value against the option's kind; returns what Kapacitor should get."""
    name = opt.name
    if value is None:
        raise SpecError('%s: null is not a value; use state=absent or give a value' % name)
    if opt.kind == 'bool':
        if isinstance(value, bool):
            return value
        text = str(value).lower()
        if text in BOOLEANS_TRUE:
            return True
        if text in BOOLEANS_FALSE:
            return False
        raise SpecError('%s: %r is not a boolean' % (name, value))
    if opt.kind == 'int':
        if isinstance(value, bool):
            raise SpecError('%s: %r is not a whole number' % (name, value))
        if isinstance(value, float):
            if value != int(value):
                # Kapacitor would truncate it, then fail on every later request.
                raise SpecError('%s: %r is not a whole number' % (name, value))
            return int(value)
        if isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                raise SpecError('%s: %r is not a whole number' % (name, value))
        return value
    if opt.kind == 'list':
        if not isinstance(value, list):
            raise SpecError('%s: %r is not a list' % (name, value))
        return value
    if opt.kind == 'dict':
        if not isinstance(value, dict):
            raise SpecError('%s: %r is not a dictionary' % (name, value))
        return value
    if not isinstance(value, str):
        raise SpecError('%s: %r is not a string' % (name, value))
    return opt.validate(value)


def dynamic_section(name, current, redacted=(), desired=None, secret_names=()):
    """A Section for ``name`` covering every current and desired option, by Kapacitor name."""
    known = SECTIONS.get(name)
    key = LIST_SECTION_KEYS.get(name)
    current = current or {}
    desired = desired or {}
    options = {}
    for api_name in set(current) | set(desired):
        if api_name == key:
            continue
        declared = known.by_api_name.get(api_name) if known else None
        secret = (api_name in secret_names or api_name in redacted
                  or bool(declared and declared.secret)
                  or bool(known and api_name in known.parents))  # Kafka's SASLAuth
        if declared is not None:
            kind = declared.kind
        else:
            kind = infer_kind(current.get(api_name), desired.get(api_name))
        if api_name in redacted:
            kind = 'dict' if isinstance(desired.get(api_name), dict) else 'str'
        options[api_name] = Option(kind, secret=secret, redacted=api_name in redacted,
                                   api_name=api_name)
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


def desired_values(section, params):
    """The user's options and secret_options, checked against the section's kinds."""
    merged = dict(params.get('options') or {})
    merged.update(params.get('secret_options') or {})
    return dict((name, coerce(section.options[name], value)) for name, value in merged.items())


CONFIG_ARGUMENT_SPEC = dict(
    section=dict(type='str', required=True),
    element=dict(type='str'),
    options=dict(type='dict', default={}),
    secret_options=dict(type='dict', default={}, no_log=True),
)


def run_config_module():
    """Entry point of kapacitor_config: any section, any element, a free options dict."""
    spec = dict(CONNECTION_ARGUMENT_SPEC)
    spec.update(ENDPOINT_ARGUMENT_SPEC)
    spec.update(CONFIG_ARGUMENT_SPEC)
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    params = module.params
    name = params['section']
    key = LIST_SECTION_KEYS.get(name)
    known = SECTIONS.get(name)
    if known is not None and known.warning:
        module.warn(known.warning)
    secret_names = set(params['secret_options'])
    secrets = [v for v in params['secret_options'].values() if isinstance(v, str)]

    def prepare():
        client = KapacitorClient.from_params(params)
        if key is None and params.get('element'):
            raise SpecError('element: section %r has a single element; leave element out' % name)
        probe_section = Section(name, {}, element_key=key, element_default='' if key else None,
                                since=known.since if known is not None else None)
        probe_params = {'state': params['state']}
        if key:
            probe_params[key] = params.get('element') or ''
        probe = SectionRun(probe_section, client, probe_params, check_mode=module.check_mode)
        try:
            current = probe.read()
        except ElementMissing:
            current = None
        wanted = dict(params['options'])
        wanted.update(params['secret_options'])
        section = dynamic_section(name, current, probe.redacted, wanted, secret_names)
        for opt in section.secrets():
            # Values Kapacitor shows in clear that the user passed under options: scrub too.
            if isinstance(wanted.get(opt.name), str):
                secrets.append(wanted[opt.name])
        run_params = dict(desired_values(section, params))
        run_params.update(state=params['state'], update_secrets=params['update_secrets'],
                          test_options=params['test_options'])
        if key:
            run_params[key] = probe_params[key]
        run = SectionRun(section, client, run_params, check_mode=module.check_mode)
        run.redacted = probe.redacted
        return run, current, True

    execute(module, prepare, secrets)
