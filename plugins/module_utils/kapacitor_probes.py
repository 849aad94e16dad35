# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The tasks that only look at Kapacitor: kapacitor_info (read) and kapacitor_service_test
(ask a service to send a test)."""

import re

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_client import (
    API_PREFIX, CONNECTION_ARGUMENT_SPEC, KapacitorClient, KapacitorError)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_engine import public_view
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_flux_tasks import list_flux_tasks
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_runner import TaskFailed, TaskSpec
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_secrets import (
    is_set, scrub_test_message, test_option_secrets)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import SECTIONS
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_spec import format_duration, parse_version
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_tickscript import list_tasks, list_templates
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_topic_handlers import (
    list_handlers, one_line, topic_path, validate_ids)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_topics import list_topics
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_users import list_users

# -- kapacitor_info -------------------------------------------------------------------------


def read_sections(client, names):
    """What kapacitor_info reports of the sections ``names``, from one GET of the configuration:
    ``sections`` (every option, secrets as set/unset), ``endpoints`` and ``secrets_required``
    (what kapacitor_alert_endpoints and the alert_endpoints role take back as ``endpoints`` and
    ``secrets``) and ``missing_sections`` (requested, not reported)."""
    reported = client.get(API_PREFIX + '/config', expect={'sections': dict})['sections']
    found = {'sections': {}, 'endpoints': {}, 'secrets_required': {}, 'missing_sections': []}
    for name in names:
        section = SECTIONS[name]
        elements = (reported.get(name) or {}).get('elements') or []
        if not elements:
            found['missing_sections'].append(name)
            continue
        if not section.is_list:
            options = elements[0].get('options') or {}
            found['sections'][name] = public_view(section, options)
            found['endpoints'][name], secrets = export_element(section, options)
            if secrets:
                found['secrets_required'][name] = dict.fromkeys(secrets)
            continue
        views, exported, secrets_required = {}, [], {}
        for element in elements:
            options = element.get('options') or {}
            key = options.get(section.element_api_key) or ''
            views[key] = public_view(section, options)
            values, secrets = export_element(section, options)
            exported.append(dict(values, **{section.element_key: key}))
            if secrets:
                secrets_required[key] = dict.fromkeys(secrets)
        found['sections'][name] = views
        # By name: the unnamed default workspace first. Kapacitor refuses the first API override of
        # it once a named workspace was added (see kapacitor_engine's _write_error), so it must
        # be written before the named ones are added.
        found['endpoints'][name] = sorted(exported, key=lambda item: item[section.element_key])
        if secrets_required:
            found['secrets_required'][name] = secrets_required
    return found


def export_element(section, api_options):
    """One element's options as kapacitor_alert_endpoints takes them back, and the names of its
    secrets that are set.

    Left out: secrets (Kapacitor redacts most of them; the ones it shows in clear must not be
    shown either), options this collection does not know, and nulls that cannot be set back
    (Kafka's unset SASL version; a Zenoss severity map, which must have its four levels), except
    that a null list (Kapacitor's empty one) becomes []. Durations Kapacitor shows as integer
    nanoseconds (inside Kafka's SASLAuth) become Go duration strings, the only form it takes back.
    """
    values = {}
    secrets = []
    for name, opt in sorted(section.options.items()):
        holder = api_options.get(opt.parent) if opt.parent else api_options
        if not isinstance(holder, dict) or opt.api_name not in holder:
            continue  # not on this Kapacitor version
        value = holder[opt.api_name]
        if opt.secret:
            if is_set(value):
                secrets.append(name)
            continue
        if value is None:
            if opt.kind != 'list':
                continue
            value = []  # Kapacitor shows an empty list as null; [] sets it back to empty
        if opt.kind == 'duration' and isinstance(value, int) and not isinstance(value, bool):
            value = format_duration(value)
        values[name] = value
    return values, secrets


def supported_by(version):
    """What Kapacitor ``version`` (as it reports it) supports of the collection's declarations:
    its ``sections``, the ``missing_sections`` and ``missing_options`` (of the sections it has)
    with the first version that has each. None when the version is unknown: no guessing."""
    parsed = parse_version(version)
    if parsed is None:
        return None
    found = {'sections': [], 'missing_sections': {}, 'missing_options': {}}
    for name, section in sorted(SECTIONS.items()):
        if not section.available_in(parsed):
            found['missing_sections'][name] = section.since
            continue
        found['sections'].append(name)
        missing = section.options_missing_in(parsed)
        if missing:
            found['missing_options'][name] = missing
    return found


def read_topic(client, topic):
    try:
        about = client.get(topic_path(topic), expect=dict)
        exists = True
    except KapacitorError as exc:
        if exc.status != 404:
            raise
        about, exists = {}, False
    return {'exists': exists, 'level': about.get('level'), 'handlers': list_handlers(client, topic)}


# What kapacitor_info gathers besides the alert sections, and how each is read.
GATHER = ('tasks', 'templates', 'flux_tasks', 'topics', 'users')


def gather_readable(read):
    """``read()``, or None when Kapacitor will not show it: the credentials lack the privilege
    (a user with only config_api may read the configuration, not the tasks) or the server has
    no such API (users without [auth])."""
    try:
        return read()
    except KapacitorError as exc:
        if exc.status in (403, 404):
            return None
        raise


def run_info(ctx):
    names = ctx.params['sections']
    if names is None:
        names = sorted(SECTIONS)
    for topic in ctx.params['topics'] or []:
        validate_ids(topic)
    gather = ctx.params['gather']
    client = KapacitorClient.from_params(ctx.params)
    client.ping()
    result = {'kapacitor_version': client.version}
    supported = supported_by(client.version)
    if supported is not None:
        result['supported'] = supported
    result.update(read_sections(client, sorted(set(names))))
    if 'tasks' in gather:
        result['tasks'] = gather_readable(lambda: list_tasks(client))
    if 'templates' in gather:
        result['templates'] = gather_readable(lambda: list_templates(client))
    if 'flux_tasks' in gather:
        result['flux_tasks'] = gather_readable(lambda: list_flux_tasks(client))
    topics = ctx.params['topics']
    if topics is None and 'topics' in gather:
        listed = gather_readable(lambda: list_topics(client))
        topics = None if listed is None else [topic['id'] for topic in listed]
        if listed is None:
            result['topics'] = None
    if topics is not None:
        result['topics'] = dict((topic, read_topic(client, topic)) for topic in topics)
    if 'users' in gather:
        result['users'] = gather_readable(lambda: list_users(client))
    return result


INFO_TASK = TaskSpec(
    dict(CONNECTION_ARGUMENT_SPEC,
         sections=dict(type='list', elements='str', choices=sorted(SECTIONS)),
         topics=dict(type='list', elements='str'),
         gather=dict(type='list', elements='str', choices=list(GATHER), default=list(GATHER))),
    run_info, writes=False)

# -- kapacitor_service_test -----------------------------------------------------------------

SERVICE_NAME = re.compile(r'[-\w]+', re.ASCII)


def available_services(client):
    try:
        answer = client.get(API_PREFIX + '/service-tests', expect={'services': list})
    except KapacitorError:
        return []
    return sorted(s['name'] for s in answer['services'] if isinstance(s, dict) and isinstance(s.get('name'), str))


def run_service_test(ctx):
    service = ctx.params['service']
    options = ctx.params['options'] or {}
    result = ctx.result
    result['service'] = service
    if not SERVICE_NAME.fullmatch(service):
        raise TaskFailed('service: %r is not a service name (letters, digits, "-" and "_")' % service, result)
    client = KapacitorClient.from_params(ctx.params)
    if ctx.check_mode:
        client.ping()
        result.update(kapacitor_version=client.version, skipped=True, msg='service test not sent in check mode')
        return result
    try:
        answer = client.service_test(service, options)
    except KapacitorError as exc:
        if exc.status == 404:
            known = available_services(client)
            raise KapacitorError('service: Kapacitor %shas no service test named %r%s' % (
                (exc.version + ' ') if exc.version else '', service,
                '; it has %s' % ', '.join(known) if known else ''), status=404)
        raise
    result['kapacitor_version'] = client.version
    result['success'] = answer['success']
    result['message'] = scrub_test_message(one_line(answer['message']), test_option_secrets(service, options))
    if not result['success']:
        raise TaskFailed('the %s service test failed: %s' % (service, result['message'] or 'Kapacitor gave no reason'),
                         result)
    return result


SERVICE_TEST_TASK = TaskSpec(
    dict(CONNECTION_ARGUMENT_SPEC, service=dict(type='str', required=True), options=dict(type='dict')),
    run_service_test, writes=False,
    secrets_of=lambda params: test_option_secrets(params.get('service'), params.get('options') or {}))
