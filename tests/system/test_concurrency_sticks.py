# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Parallel runs on one element: a run that reports success has its value on the server.

Kapacitor has no lock around a config write: each POST reads the stored override, changes it
and saves it, so two writes at the same time can both answer 204 while one undoes the other
(the add of a new list element likewise), and a ``set`` of Kafka's nested SASLAuth replaces
the whole object. Four runs each give one different option of the same element, started
together; every run either fails in one line saying its value did not stick, or its value is
on the server afterwards. Races are probabilistic, so each test plays several rounds.
"""

import concurrent.futures
import json
import os
import sys
import time

import pytest

from conftest import http_json

SLACK_PORT = 19160
KAFKA_PORT = 19161
# Kafka's stale whole-object sets lose values in nearly every round on unfixed code; the Slack
# races (inside Kapacitor) are rarer, so they get more rounds.
SLACK_ROUNDS = 5
KAFKA_ROUNDS = 3
RUNS = 4
# What a failed run may say: the engine's message, or a race it detects before writing.
RACE_MESSAGES = ('did not stick', 'may have been applied', 'already exists', 'changed concurrently')


@pytest.fixture
def slack_kapacitor(stack):
    url = stack.start_kapacitord('races-slack', SLACK_PORT)
    yield url
    stack.stop_kapacitord('races-slack')


@pytest.fixture
def kafka_kapacitor(stack):
    url = stack.start_kapacitord('races-kafka', KAFKA_PORT)
    yield url
    stack.stop_kapacitord('races-kafka')


def playbook_result(ansible, tasks, name):
    """Run ``tasks`` (the last one a module task) and return the module's result as registered."""
    out = os.path.join(ansible.workdir, '%s.result.json' % name)
    tasks = [dict(task) for task in tasks]
    tasks[-1].update(register='result', ignore_errors=True)
    tasks.append({'ansible.builtin.copy': {'content': '{{ result | to_json }}', 'dest': out}})
    proc = ansible.playbook(tasks, name=name)
    assert 'Traceback' not in proc.output, proc.output
    assert os.path.exists(out), proc.output
    with open(out) as handle:
        return json.load(handle)


def race(ansible, tasks_for, count=RUNS, head_start=3.0):
    """Run ``count`` playbooks at once and return their module results. Each first sleeps until
    a common start time, so that the module tasks reach Kapacitor within milliseconds of each
    other (the sleep is bounded by head_start)."""
    start_at = time.time() + head_start
    barrier = {'ansible.builtin.command': {'argv': [
        sys.executable, '-c', 'import time; time.sleep(max(0.0, min(%r, %r - time.time())))' % (head_start, start_at)]},
        'changed_when': False}

    def one(index):
        return playbook_result(ansible, [barrier] + tasks_for(index), 'race%d' % index)
    with concurrent.futures.ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


def check_outcomes(runs, wanted, found, label):
    """wanted[i]: (option, value) of run i; found: the element's options after all runs.

    Asserts that a failed run failed in one line saying why; returns a line for every run that
    reported success while its value is not on the server.
    """
    lost = []
    for index, result in enumerate(runs):
        option, value = wanted[index]
        # ansible-core 2.19 puts '(traceback unavailable)' under 'exception' of every failure.
        assert 'module_stderr' not in result and 'Traceback' not in str(result.get('exception', '')), result
        if result.get('failed'):
            msg = result.get('msg', '')
            assert '\n' not in msg.strip(), msg
            assert any(text in msg for text in RACE_MESSAGES), msg
            if 'did not stick' in msg:
                assert option in msg, 'the message names the option that did not stick: %s' % msg
            continue
        assert result.get('changed') is True, result
        if found.get(option) != value:
            lost.append('%s: run %d reported success but %s is %r on the server, not %r' % (
                label, index, option, found.get(option), value))
    return lost


def test_parallel_runs_on_a_new_slack_workspace_keep_every_reported_value(slack_kapacitor, ansible):
    """Each run sets one option of the same new workspace (created by whichever run is first)."""
    options = [('channel', '#race-{0}'), ('username', 'racer-{0}'), ('icon_emoji', ':race_{0}:'),
               ('insecure_skip_verify', True)]
    api = {'channel': 'channel', 'username': 'username', 'icon_emoji': 'icon-emoji',
           'insecure_skip_verify': 'insecure-skip-verify'}
    lost = []
    for round_ in range(SLACK_ROUNDS):
        workspace = 'race%d' % round_
        wanted = [(name, value.format(round_) if isinstance(value, str) else value) for name, value in options]

        def tasks_for(index, workspace=workspace, wanted=wanted):
            name, value = wanted[index]
            return [{'tick.kapacitor.kapacitor_slack': {
                'kapacitor_url': slack_kapacitor, 'workspace': workspace, name: value}}]
        runs = race(ansible, tasks_for)
        element = http_json(slack_kapacitor + '/kapacitor/v1/config/slack/' + workspace)['options']
        found = dict((name, element[api[name]]) for name, _value in options)
        lost.extend(check_outcomes(runs, wanted, found, 'round %d' % round_))
    assert not lost, '%d of %d runs lost their value:\n%s' % (len(lost), SLACK_ROUNDS * RUNS, '\n'.join(lost))


def test_parallel_runs_on_kafka_sasl_fields_keep_every_reported_value(kafka_kapacitor, ansible):
    """Each run sets one field of SASLAuth, which Kapacitor replaces whole on every set."""
    options = [('sasl_username', 'SASLUsername', 'user-{0}'),
               ('sasl_gssapi_realm', 'SASLGSSAPIRealm', 'REALM{0}.EXAMPLE'),
               ('sasl_oauth_token_url', 'SASLOAUTHTokenURL', 'https://token{0}.example/oauth'),
               ('sasl_gssapi_service_name', 'SASLGSSAPIServiceName', 'kafka{0}')]
    lost = []
    for round_ in range(KAFKA_ROUNDS):
        cluster = 'race%d' % round_
        # An existing (disabled) cluster: every run only sets, nobody adds.
        http_json(kafka_kapacitor + '/kapacitor/v1/config/kafka', 'POST',
                  {'add': {'id': cluster, 'brokers': ['127.0.0.1:1'], 'timeout': '10s',
                           'batch-size': 100, 'batch-timeout': '1s'}})
        wanted = [(name, value.format(round_)) for name, _api, value in options]

        def tasks_for(index, cluster=cluster, wanted=wanted):
            name, value = wanted[index]
            return [{'tick.kapacitor.kapacitor_kafka': {
                'kapacitor_url': kafka_kapacitor, 'id': cluster, name: value}}]
        runs = race(ansible, tasks_for)
        element = http_json(kafka_kapacitor + '/kapacitor/v1/config/kafka/' + cluster)['options']
        sasl = element.get('SASLAuth') or {}
        found = dict((name, sasl.get(api_name)) for name, api_name, _value in options)
        lost.extend(check_outcomes(runs, wanted, found, 'round %d' % round_))
    assert not lost, '%d of %d runs lost their value:\n%s' % (len(lost), KAFKA_ROUNDS * RUNS, '\n'.join(lost))
