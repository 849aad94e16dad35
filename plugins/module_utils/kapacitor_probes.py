# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The tasks that only look at Kapacitor: kapacitor_info (read) and kapacitor_service_test
(ask a service to send a test)."""

import re

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_client import (
    API_PREFIX, CONNECTION_ARGUMENT_SPEC, KapacitorClient, KapacitorError)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_engine import public_view
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_runner import TaskFailed, TaskSpec
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_secrets import (
    scrub_test_message, test_option_secrets)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import SECTIONS
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_topic_handlers import (
    list_handlers, one_line, topic_path, validate_ids)

# -- kapacitor_info -------------------------------------------------------------------------


def read_sections(client, names):
    """{section: view} for the sections Kapacitor reports, and the names it does not."""
    reported = client.get(API_PREFIX + '/config', expect={'sections': dict})['sections']
    views = {}
    missing = []
    for name in names:
        section = SECTIONS[name]
        elements = (reported.get(name) or {}).get('elements') or []
        if not elements:
            missing.append(name)
            continue
        if section.is_list:
            views[name] = dict(
                ((element.get('options') or {}).get(section.element_api_key) or '',
                 public_view(section, element.get('options')))
                for element in elements)
        else:
            views[name] = public_view(section, elements[0].get('options'))
    return views, missing


def read_topic(client, topic):
    try:
        about = client.get(topic_path(topic), expect=dict)
        exists = True
    except KapacitorError as exc:
        if exc.status != 404:
            raise
        about, exists = {}, False
    return {'exists': exists, 'level': about.get('level'), 'handlers': list_handlers(client, topic)}


def run_info(ctx):
    names = ctx.params['sections']
    if names is None:
        names = sorted(SECTIONS)
    for topic in ctx.params['topics'] or []:
        validate_ids(topic)
    client = KapacitorClient.from_params(ctx.params)
    client.ping()
    result = {'kapacitor_version': client.version}
    result['sections'], result['missing_sections'] = read_sections(client, sorted(set(names)))
    if ctx.params['topics'] is not None:
        result['topics'] = dict((topic, read_topic(client, topic)) for topic in ctx.params['topics'])
    return result


INFO_TASK = TaskSpec(
    dict(CONNECTION_ARGUMENT_SPEC,
         sections=dict(type='list', elements='str', choices=sorted(SECTIONS)),
         topics=dict(type='list', elements='str')),
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
