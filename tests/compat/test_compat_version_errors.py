# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What an older Kapacitor lacks fails before any write, in one line naming what is missing, the
first version that has it and the server's version, in check mode too; on the versions that have
it, the same task works.

Cases (kapacitor-api.md 2.1): the zenoss section (1.6.0), slack ``token`` (1.6.0), bigpanda
``auto_attributes`` and smtp ``to_templates`` (1.6.3), kafka SASL (1.6.4), kafka SASL OAuth
(1.7.6); and one endpoint module task, one kapacitor_alert_endpoints task per case.
"""

import pytest

from conftest import OLDER, methods, outcome, run_steps, vt
from stack import jinja_literal

# (label, module, parameters, what the message names, first version that has it)
CASES = [
    ('zenoss', 'zenoss', {'collector': 'compat'}, ['zenoss'], '1.6.0'),
    ('slack-token', 'slack', {'workspace': '', 'token': 'compat-slack-token'}, ['token'], '1.6.0'),
    ('bigpanda-auto-attributes', 'bigpanda', {'auto_attributes': 'tags'}, ['auto_attributes'], '1.6.3'),
    ('smtp-to-templates', 'smtp', {'to_templates': ['{{ index .Tags "owner" }}@example.com']}, ['to_templates'],
     '1.6.3'),
    ('kafka-sasl', 'kafka', {'id': 'default', 'sasl_mechanism': 'PLAIN', 'sasl_username': 'compat',
                             'sasl_password': 'compat-sasl-password'},
     ['sasl_mechanism', 'sasl_password', 'sasl_username'], '1.6.4'),
    ('kafka-sasl-oauth', 'kafka', {'id': 'default', 'sasl_oauth_service': 'auth0', 'sasl_oauth_client_id': 'compat'},
     ['sasl_oauth_client_id', 'sasl_oauth_service'], '1.7.6'),
]
SECRETS = ['compat-slack-token', 'compat-sasl-password']
RESET = {'zenoss': {}, 'slack': {'workspace': ''}, 'bigpanda': {}, 'smtp': {}, 'kafka': {'id': 'default'}}


def lacking(version):
    return [case for case in CASES if vt(version) < vt(case[4])]


def having(version):
    return [case for case in CASES if vt(version) >= vt(case[4])]


def module_task(server, label, module, params, **extra):
    task = {'name': label, 'ignore_errors': True,
            'tick.kapacitor.kapacitor_%s' % module: jinja_literal(dict(params, kapacitor_url=server.proxy))}
    task.update(extra)
    return task


def bulk_task(server, label, module, params, **extra):
    params = dict(params)
    endpoint = [params] if 'id' in params or 'workspace' in params else params
    task = {'name': label, 'ignore_errors': True, 'tick.kapacitor.kapacitor_alert_endpoints': jinja_literal(
        {'kapacitor_url': server.proxy, 'endpoints': {module: endpoint}})}
    task.update(extra)
    return task


def reset_tasks(server):
    return [module_task(server, 'reset %s' % module, module, dict(params, state='absent'))
            for module, params in sorted(RESET.items()) if module != 'zenoss' or vt(server.version) >= (1, 6, 0)]


RUN = {}


@pytest.fixture
def runs(servers, ansible):
    if not RUN:
        def failing(check):
            def make(server):
                tasks = [module_task(server, label, module, params, check_mode=check)
                         for label, module, params, _name, _since in lacking(server.version)]
                tasks += [bulk_task(server, 'bulk ' + label, module, params, check_mode=check)
                          for label, module, params, _name, _since in lacking(server.version)]
                return tasks
            return make

        def working(server):
            return [module_task(server, label, module, params) for label, module, params, _name, _since in having(server.version)]

        RUN.update(run_steps(ansible, servers, OLDER, [
            ('reset', reset_tasks, []),
            ('fail', failing(False), []),
            ('fail-check', failing(True), []),
            ('work', working, []),
            ('reset-again', reset_tasks, []),
        ], 'version-errors'))
    return RUN


def error_cases():
    return [pytest.param(version, case, id='%s-%s' % (version, case[0])) for version in OLDER for case in lacking(version)]


def working_cases():
    return [pytest.param(version, case, id='%s-%s' % (version, case[0])) for version in OLDER for case in having(version)]


@pytest.mark.parametrize('version,case', error_cases())
@pytest.mark.parametrize('step', ['fail', 'fail-check'])
@pytest.mark.parametrize('how', ['module', 'bulk'])
def test_what_the_version_lacks_fails_in_one_line_before_any_write(runs, step, how, version, case):
    label, module, _params, named, since = case
    found = outcome(runs[version], step, label if how == 'module' else 'bulk ' + label, failed=True)
    message = found['msg']
    assert '\n' not in message
    for name in named:
        assert name in message, message
    assert since in message, message
    assert version in message, message
    assert found.get('changed') is not True
    assert not any(secret in str(found) for secret in SECRETS)
    # nothing of the whole step (every failing case of the version) was written
    assert set(methods(runs[version][step]['recorded'])) <= {'GET'}
    assert runs[version][step]['after'] == runs[version][step]['before']


@pytest.mark.parametrize('version,case', working_cases())
def test_the_same_task_works_where_the_version_has_it(runs, version, case):
    found = outcome(runs[version], 'work', case[0])
    assert found['changed'] is True and found['kapacitor_version'] == version


@pytest.mark.parametrize('version', OLDER)
def test_every_case_ran(runs, version):
    assert sorted(runs[version]['fail']['results']) == sorted(
        [case[0] for case in lacking(version)] + ['bulk ' + case[0] for case in lacking(version)])
    assert sorted(runs[version]['work']['results']) == sorted(case[0] for case in having(version))
