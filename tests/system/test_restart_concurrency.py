# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Configured endpoints survive a kapacitord restart; concurrent runs all land."""

import concurrent.futures

import pytest

from conftest import http_json

PORT = 19063


@pytest.fixture
def kapacitor(stack):
    url = stack.start_kapacitord('system', PORT)
    yield url
    stack.stop_kapacitord('system')


def endpoint_tasks(url, receiver_url):
    return [
        {'tick.kapacitor.kapacitor_slack': {
            'kapacitor_url': url, 'workspace': 'restart', 'enabled': True, 'channel': '#restart',
            'url': receiver_url + '/restart/slack'}},
        {'tick.kapacitor.kapacitor_telegram': {
            'kapacitor_url': url, 'enabled': True, 'chat_id': '99', 'token': '1:restart-token',
            'url': receiver_url + '/restart/telegram/bot'}},
    ]


def recap(output):
    line = [x for x in output.splitlines() if x.startswith('localhost ')][-1]
    return dict(part.split('=') for part in line.split(':', 1)[1].split())


def test_endpoints_survive_a_restart_and_the_next_run_is_ok(stack, stack_vars, kapacitor, ansible):
    tasks = endpoint_tasks(kapacitor, stack_vars['receiver_url'])
    first = ansible.playbook(tasks)
    assert recap(first.output)['changed'] == '2', first.output
    stack.stop_kapacitord('system')
    stack.start_kapacitord('system', PORT, fresh=False)
    slack = http_json(kapacitor + '/kapacitor/v1/config/slack/restart')
    assert slack['options']['channel'] == '#restart'
    assert slack['options']['url'] is True
    again = ansible.playbook(tasks)
    counts = recap(again.output)
    assert counts['changed'] == '0' and counts['failed'] == '0', again.output
    test = http_json(kapacitor + '/kapacitor/v1/service-tests/telegram', 'POST', {})
    assert test['success'] is True, 'the token survived the restart too'


def test_concurrent_runs_on_different_elements_all_land(kapacitor, ansible, tmp_path):
    def converge(index):
        task = [{'tick.kapacitor.kapacitor_slack': {
            'kapacitor_url': kapacitor, 'workspace': 'c%d' % index, 'channel': '#c%d' % index}}]
        return ansible.playbook(task, name='c%d' % index)
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        runs = list(pool.map(converge, range(4)))
    assert all(run.returncode == 0 for run in runs), [run.output for run in runs if run.returncode]
    elements = http_json(kapacitor + '/kapacitor/v1/config/slack')['elements']
    channels = dict((e['options']['workspace'], e['options']['channel']) for e in elements)
    assert [channels['c%d' % i] for i in range(4)] == ['#c0', '#c1', '#c2', '#c3']


def test_concurrent_runs_on_the_same_new_element_end_in_one_of_the_inputs(kapacitor, stack_vars, ansible):
    inputs = ['#same-%d' % index for index in range(4)]

    def converge(channel):
        task = [{'tick.kapacitor.kapacitor_slack': {
            'kapacitor_url': kapacitor, 'workspace': 'same', 'channel': channel, 'username': 'racer',
            'enabled': True, 'url': stack_vars['receiver_url'] + '/race/slack'}}]
        return ansible.playbook(task, name=channel.strip('#'))
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        runs = list(pool.map(converge, inputs))
    assert all(run.returncode == 0 for run in runs), [run.output for run in runs if run.returncode]
    element = http_json(kapacitor + '/kapacitor/v1/config/slack/same')['options']
    assert element['channel'] in inputs
    assert element['username'] == 'racer'
    # The service still has every override (a lost add race makes Kapacitor drop them until
    # the next successful update; the engine's follow-up set is that update).
    test = http_json(kapacitor + '/kapacitor/v1/service-tests/slack', 'POST', {'workspace': 'same'})
    assert test == {'success': True, 'message': ''}
