# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Requests per module run, counted by a recording proxy in front of kapacitord.

For every alert-section module: a change is one GET, one write and one GET to read back; an
unchanged run is one GET; check mode is one GET and never a write; a test alert adds one
request. The bulk module reads once and writes once per changed endpoint.
"""

import collections
import os
import subprocess
import sys
import time

import pytest

from collection import SECTIONS, samples
from observe import by_section
from conftest import REPO, http_json

SAMPLES = samples()

PROXY_PORT = 19070


@pytest.fixture(scope='module')
def proxy(stack_vars):
    proc = subprocess.Popen([sys.executable, os.path.join(REPO, 'tests', 'stack', 'recording_proxy.py'),
                             '--listen', str(PROXY_PORT), '--upstream', stack_vars['kapacitor_url']])
    url = 'http://127.0.0.1:%d' % PROXY_PORT
    for _attempt in range(50):
        try:
            http_json(url + '/_proxy/recorded')
            break
        except OSError:
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait()


def module_task(section, url, value, **extra):
    params = dict(kapacitor_url=url, **extra)
    if section.is_list:
        params[section.element_key] = SAMPLES[section.name]['element']
    params[SAMPLES[section.name]['change']['option']] = value
    return {'name': section.name, 'tick.kapacitor.kapacitor_%s' % section.name: params,
            'ignore_errors': True, 'register': 'r_%s' % section.name}


@pytest.fixture(scope='module')
def runs(proxy, ansible_module):
    """Run every module through the proxy: reset, change, unchanged, check mode, test alert."""
    names = sorted(SECTIONS)
    steps = {}

    def value(name, index):
        return SAMPLES[name]['change']['values'][index]

    def step(label, value_index, check=False, **extra):
        http_json(proxy + '/_proxy/recorded', 'DELETE')
        tasks = [module_task(SECTIONS[n], proxy, value(n, value_index), **extra) for n in names]
        proc = ansible_module.playbook(tasks, args=['--check'] if check else [], name=label)
        steps[label] = (proc, by_section(http_json(proxy + '/_proxy/recorded')['requests']))

    reset = [module_task(SECTIONS[n], proxy, value(n, 0)) for n in names]
    for task in reset:
        task['tick.kapacitor.kapacitor_%s' % task['name']].update(state='absent')
        task['tick.kapacitor.kapacitor_%s' % task['name']].pop(SAMPLES[task['name']]['change']['option'])
    ansible_module.playbook(reset, name='reset')
    step('change', 0)
    step('unchanged', 0)
    step('check', 1, check=True)
    step('test_alert', 0, test_alert=True)
    ansible_module.playbook(reset, name='cleanup')
    return steps


@pytest.fixture(scope='module')
def ansible_module(tmp_path_factory):
    from conftest import Ansible
    return Ansible(str(tmp_path_factory.mktemp('budget')))


@pytest.mark.parametrize('name', sorted(SECTIONS))
def test_a_change_is_get_write_get(runs, name):
    assert runs['change'][1][name] == [('GET', 'config'), ('POST', 'config'), ('GET', 'config')]


@pytest.mark.parametrize('name', sorted(SECTIONS))
def test_an_unchanged_run_is_one_get(runs, name):
    assert runs['unchanged'][1][name] == [('GET', 'config')]


@pytest.mark.parametrize('name', sorted(SECTIONS))
def test_check_mode_reads_once_and_never_writes(runs, name):
    assert runs['check'][1][name] == [('GET', 'config')]


@pytest.mark.parametrize('name', sorted(SECTIONS))
def test_a_test_alert_adds_one_request(runs, name):
    assert runs['test_alert'][1][name] == [('GET', 'config'), ('POST', 'service-tests')]


def test_no_write_in_check_mode_across_all_modules(runs):
    methods = collections.Counter(m for calls in runs['check'][1].values() for m, _kind in calls)
    assert set(methods) == {'GET'}, methods
    print('check mode: %d requests, all GET, across %d modules' % (sum(methods.values()), len(SECTIONS)))


def test_bulk_module_reads_once_and_writes_once_per_changed_endpoint(proxy, ansible_module):
    endpoints = {'slack': [{'workspace': '', 'channel': '#budget'}, {'workspace': 'budget', 'channel': '#b'}],
                 'telegram': {'chat_id': '123'}, 'smtp': {'idle_timeout': '45s'}}
    task = [{'tick.kapacitor.kapacitor_alert_endpoints': {'kapacitor_url': proxy, 'endpoints': endpoints}}]
    counts = []
    for label in ('bulk-first', 'bulk-second'):
        http_json(proxy + '/_proxy/recorded', 'DELETE')
        assert ansible_module.playbook(task, name=label).returncode == 0
        counts.append(collections.Counter(r['method'] for r in http_json(proxy + '/_proxy/recorded')['requests']))
    cleanup = [{'tick.kapacitor.kapacitor_slack': {'kapacitor_url': proxy, 'workspace': w, 'state': 'absent'}}
               for w in ('', 'budget')]
    cleanup += [{'tick.kapacitor.kapacitor_%s' % s: {'kapacitor_url': proxy, 'state': 'absent'}} for s in ('telegram', 'smtp')]
    ansible_module.playbook(cleanup, name='bulk-cleanup')
    assert counts[0] == {'GET': 2, 'POST': 4}
    assert counts[1] == {'GET': 1}
