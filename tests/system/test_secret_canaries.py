# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Secret canaries: every secret option of every module, in every mode, never shown.

Each (module, option, mode) gets a unique canary value. The playbooks run with -vvv and
--diff, register every result and print it; the whole output must not contain any canary,
on success paths (apply, re-apply with update_secrets=always, check mode) and on failure
paths (Kapacitor unreachable, a test alert that fails after the write).
"""

import json
import os

import pytest

from collection import SECTIONS, samples

SAMPLES = samples()

MODES = ('apply', 'always', 'check', 'unreachable', 'failed_test')
CASES = []     # (module, option, mode), filled while building the playbooks
CANARIES = {}  # variable name -> canary value, passed as extra vars


def canary(section, option, mode):
    """A Jinja reference to a unique canary, as a real playbook would reference a vaulted var.

    (The values stay out of the playbook's source, which Ansible quotes in error reports.)
    """
    CASES.append(('kapacitor_%s' % section, option, mode))
    value = 'CANARY-%s-%s-%s' % (section, option, mode)
    key = 'canary_' + '_'.join((section, option, mode)).replace('-', '_')
    CANARIES[key] = 'http://127.0.0.1:9/%s' % value if 'url' in option else value
    return '{{ %s }}' % key


def section_params(section, mode):
    params = {}
    if section.is_list:
        params[section.element_key] = SAMPLES[section.name]['element']
    for opt in section.secrets():
        value = canary(section.name, opt.name, mode)
        params[opt.name] = {'username': 'canary-user', 'password': value} if opt.kind == 'dict' else value
    return params


def tasks_for(mode, kapacitor_url):
    url = 'http://127.0.0.1:1' if mode == 'unreachable' else kapacitor_url
    tasks = []
    for name in sorted(SECTIONS):
        params = dict(section_params(SECTIONS[name], mode), kapacitor_url=url)
        if mode in ('always', 'failed_test'):
            params['update_secrets'] = 'always'
        if mode == 'failed_test':
            params['test_alert'] = True  # the endpoints are not enabled: the test fails
        tasks.append({'name': name, 'tick.kapacitor.kapacitor_%s' % name: params,
                      'register': 'r_%s' % name, 'ignore_errors': True})
        tasks.append({'ansible.builtin.debug': {'var': 'r_%s' % name}})
    # kapacitor_config and the bulk module, with the same kinds of secrets
    tasks.append({'tick.kapacitor.kapacitor_config': {
        'kapacitor_url': url, 'section': 'influxdb', 'element': 'default',
        'secret_options': {'password': canary('config-influxdb', 'password', mode)}},
        'register': 'r_config', 'ignore_errors': True})
    tasks.append({'ansible.builtin.debug': {'var': 'r_config'}})
    endpoints = {}
    for name in ('slack', 'telegram', 'kafka', 'teams', 'httppost'):
        section = SECTIONS[name]
        params = section_params(section, mode + '-bulk')
        endpoints[name] = [params] if section.is_list else params
    tasks.append({'tick.kapacitor.kapacitor_alert_endpoints': {
        'kapacitor_url': url, 'endpoints': endpoints,
        'update_secrets': 'always' if mode in ('always', 'failed_test') else 'on_create',
        'test_changed': mode == 'failed_test'},
        'register': 'r_bulk', 'ignore_errors': True})
    tasks.append({'ansible.builtin.debug': {'var': 'r_bulk'}})
    handler = {'kapacitor_url': url, 'topic': 'canaries', 'id': 'post', 'kind': 'post',
               'options': {'url': 'http://127.0.0.1:9/hook',
                           'headers': {'Authorization': canary('topic_handler', 'headers', mode)}}}
    tasks.append({'tick.kapacitor.kapacitor_topic_handler': handler,
                  'register': 'r_handler', 'ignore_errors': True})
    tasks.append({'ansible.builtin.debug': {'var': 'r_handler'}})
    tasks.append({'tick.kapacitor.kapacitor_info': {'kapacitor_url': url, 'topics': ['canaries']},
                  'register': 'r_info', 'ignore_errors': True})
    tasks.append({'ansible.builtin.debug': {'var': 'r_info'}})
    return tasks


def reset_tasks(kapacitor_url):
    tasks = []
    for name in sorted(SECTIONS):
        params = {'kapacitor_url': kapacitor_url, 'state': 'absent'}
        if SECTIONS[name].is_list:
            params[SECTIONS[name].element_key] = SAMPLES[name]['element']
        tasks.append({'tick.kapacitor.kapacitor_%s' % name: params})
    tasks.append({'tick.kapacitor.kapacitor_config': {
        'kapacitor_url': kapacitor_url, 'section': 'influxdb', 'element': 'default', 'state': 'absent'}})
    tasks.append({'tick.kapacitor.kapacitor_topic_handler': {
        'kapacitor_url': kapacitor_url, 'topic': 'canaries', 'id': 'post', 'state': 'absent'}})
    return tasks


@pytest.fixture(scope='module')
def outputs(stack_vars, tmp_path_factory):
    from conftest import Ansible
    ansible = Ansible(str(tmp_path_factory.mktemp('canaries')))
    url = stack_vars['kapacitor_url']
    found = {}
    assert ansible.playbook(reset_tasks(url), name='reset').returncode == 0
    playbooks = dict((mode, tasks_for(mode, url)) for mode in MODES)
    extra_vars = os.path.join(ansible.workdir, 'canaries.json')
    with open(extra_vars, 'w') as handle:
        json.dump(CANARIES, handle)
    for mode in MODES:
        args = ['-vvv', '--diff', '-e', '@' + extra_vars] + (['--check'] if mode == 'check' else [])
        found[mode] = ansible.playbook(playbooks[mode], args=args, name=mode).output
    ansible.playbook(reset_tasks(url), name='cleanup')
    return found


@pytest.mark.parametrize('mode', MODES)
def test_no_canary_in_any_output(outputs, mode):
    output = outputs[mode]
    assert 'PLAY RECAP' in output, output[-2000:]
    leaked = sorted(set(line.strip() for line in output.splitlines() if 'CANARY' in line))
    assert leaked == [], leaked[:5]


def test_the_runs_really_exercised_the_paths(outputs):
    """Guard against a vacuous pass: the apply run changed things, the failure paths failed."""
    assert 'changed: [localhost]' in outputs['apply']
    assert 'connection refused' in outputs['unreachable']
    assert 'service is not enabled' in outputs['failed_test']
    assert 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' in outputs['apply']  # -vvv showed module args
    cases = len(set(CASES))
    print('secret canaries: %d (module, option, mode) cases, 0 leaks' % cases)
    assert cases >= 5 * 30
