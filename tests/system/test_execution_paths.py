# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Both ways a task runs give the same results: in-process on the controller (the default for
local tasks) and module execution (forced, or any non-local connection).

(a) One playbook covering every module runs twice, each time against a fresh kapacitord on the
    same port: in-process, then with TICK_KAPACITOR_EXECUTION=module. Every result block of the
    -vvv output, every registered result and every warning must be the same, and no secret may
    appear in either output.
(b) A real ssh connection to 127.0.0.1 (the stack's sshd) takes the module path and works; a
    task with the default kapacitor_url on that host means the host's own localhost:9092.
"""

import json
import os
import re
import socket

import pytest

import stack as stack_module  # tests/stack/stack.py (tests/stack is put on sys.path by conftest)
from collection import SECTIONS, samples
from conftest import Ansible, http_json

# This file's range: kapacitord exec-* on 19400-19419, sshd on 19422.
KAPACITOR_PORT = 19401
RECEIVER_PORTS = (19402, 19403, 19404, 19405)  # http, tcp, udp, smtp
SSH_PORT = 19422
SSH_KAPACITOR_PORT = 19406

CANARY = {
    'slack_url': 'CANARY-exec-slack-1f3a',
    'telegram_token': '42:CANARY-exec-telegram-9b7e',
    'pagerduty_key': 'CANARY-exec-pagerduty-5c2d',
    'handler_header': 'Bearer CANARY-exec-header-7a01',
    'env_token': 'CANARY-exec-envtoken-33c8',
    'url_password': 'CANARY-exec-urlpassword-d41e',
}

# Per section: an option its module can change without enabling the endpoint, two values for it,
# and the element a list section's tasks address (tests/samples.yml).
SAMPLES = samples()


def section_task(name, value_index=0, **keywords):
    change = SAMPLES[name]['change']
    params = {change['option']: change['values'][value_index]}
    if SECTIONS[name].is_list:
        params[SECTIONS[name].element_key] = SAMPLES[name]['element']
    task = {'name': '%s %s' % (name, keywords.pop('label', 'apply')), 'tick.kapacitor.kapacitor_%s' % name: params}
    task.update(keywords)
    return task


def parity_play(receiver_url):
    """Every module, the way users write them; results registered and written to out.json."""
    names = sorted(SAMPLES)
    tasks = []
    tasks += [section_task(n, register='apply_%s' % n) for n in names]
    tasks += [section_task(n, register='again_%s' % n, label='again') for n in names]
    tasks += [section_task(n, value_index=1, register='check_%s' % n, label='check', check_mode=True, diff=True)
              for n in names]
    tasks += [
        {'name': 'slack with secrets and a test alert', 'register': 'slack_secret', 'diff': True,
         'tick.kapacitor.kapacitor_slack': {
             'workspace': 'exec', 'enabled': True, 'channel': '#exec', 'test_alert': True,
             'url': '%s/slack/%s' % (receiver_url, CANARY['slack_url'])}},
        {'name': 'telegram with a token, always sent', 'register': 'telegram_secret',
         'tick.kapacitor.kapacitor_telegram': {'token': CANARY['telegram_token'], 'update_secrets': 'always',
                                               'url': receiver_url + '/telegram/bot', 'chat_id': '7'}},
        {'name': 'pagerduty (retired API: warns) with a key', 'register': 'pagerduty_secret',
         'tick.kapacitor.kapacitor_pagerduty': {'service_key': CANARY['pagerduty_key']}},
        {'name': 'kapacitor_config', 'register': 'config_run', 'diff': True,
         'tick.kapacitor.kapacitor_config': {'section': 'static-discovery', 'element': 'web',
                                             'options': {'enabled': True, 'targets': ['127.0.0.1:9100']}}},
        {'name': 'topic handler with a secret header', 'register': 'handler_run',
         'tick.kapacitor.kapacitor_topic_handler': {
             'topic': 'exec', 'id': 'exec-post', 'kind': 'post',
             'options': {'url': receiver_url + '/handler', 'headers': {'Authorization': CANARY['handler_header']}}}},
        {'name': 'alert_endpoints', 'register': 'bulk_run', 'diff': True,
         'tick.kapacitor.kapacitor_alert_endpoints': {'endpoints': {
             'slack': [{'workspace': 'bulk', 'channel': '#bulk'}], 'sensu': {'source': 'bulk'}}}},
        {'name': 'info', 'register': 'info_run',
         'tick.kapacitor.kapacitor_info': {'sections': ['slack', 'sensu'], 'topics': ['exec']}},
        {'name': 'service_test', 'register': 'service_test_run',
         'tick.kapacitor.kapacitor_service_test': {'service': 'slack', 'options': {'workspace': 'exec'}}},
        {'name': 'loop over workspaces', 'register': 'loop_run', 'loop': ['l1', 'l2', 'l1'],
         'tick.kapacitor.kapacitor_slack': {'workspace': '{{ item }}', 'channel': '#{{ item }}'}},
        {'name': 'failed_when on a result key', 'register': 'failed_when_run', 'ignore_errors': True,
         'failed_when': "'channel' in failed_when_run.changed_options",
         'tick.kapacitor.kapacitor_slack': {'workspace': 'fw', 'channel': '#fw'}},
        {'name': 'failed_when false on a failing task', 'register': 'failed_when_false', 'failed_when': False,
         'tick.kapacitor.kapacitor_kafka': {'id': 'default', 'batch_size': 1.5}},
        {'name': 'bad input: fractional integer', 'register': 'bad_fraction', 'ignore_errors': True,
         'tick.kapacitor.kapacitor_kafka': {'id': 'default', 'batch_size': 1.5}},
        {'name': 'bad input: unknown option', 'register': 'bad_unknown', 'ignore_errors': True,
         'tick.kapacitor.kapacitor_slack': {'workspace': '', 'chanel': '#typo'}},
        {'name': 'bad input: wrong choice', 'register': 'bad_choice', 'ignore_errors': True,
         'tick.kapacitor.kapacitor_slack': {'workspace': '', 'state': 'gone'}},
        {'name': 'bad input: a secret in a bad value', 'register': 'bad_secret', 'ignore_errors': True,
         'tick.kapacitor.kapacitor_telegram': {'token': CANARY['telegram_token'], 'chat_id': ['not', 'text']}},
        {'name': 'unreachable Kapacitor, password in the URL', 'register': 'unreachable', 'ignore_errors': True,
         'tick.kapacitor.kapacitor_info': {'kapacitor_url': 'http://user:%s@127.0.0.1:9' % CANARY['url_password'],
                                           'sections': ['slack']}},
    ]
    registered = [t['register'] for t in tasks]
    tasks.append({'name': 'write every registered result', 'ansible.builtin.copy': {
        'dest': '{{ out_file }}', 'content': "{{ dict(%s | zip(query('vars', *%s))) | to_nice_json }}" % (registered, registered)}})
    return tasks


def env_play():
    """No module_defaults here: kapacitor_url and the token come from the task's environment: keyword."""
    return [
        {'name': 'env fallback', 'register': 'env_run', 'environment': {
            'KAPACITOR_URL': 'http://127.0.0.1:%d' % KAPACITOR_PORT, 'KAPACITOR_TOKEN': CANARY['env_token']},
         'tick.kapacitor.kapacitor_slack': {'workspace': 'env', 'channel': '#env'}},
        {'name': 'env fallback, block level', 'environment': {
            'KAPACITOR_URL': 'http://127.0.0.1:%d' % KAPACITOR_PORT},
         'block': [{'tick.kapacitor.kapacitor_info': {'sections': ['slack']}, 'register': 'env_info'}]},
        {'name': 'without environment the default URL is localhost:9092 (nothing there)', 'register': 'env_none',
         'ignore_errors': True, 'tick.kapacitor.kapacitor_info': {'sections': ['slack'], 'request_timeout': 2}},
        {'name': 'write the env results', 'ansible.builtin.copy': {
            'dest': '{{ out_file }}.env', 'content': '{{ {"env_run": env_run, "env_info": env_info, "env_none": env_none} | to_nice_json }}'}},
    ]


def write_playbook(path, receiver_url, kapacitor_url):
    plays = [
        {'name': 'parity', 'hosts': 'localhost', 'gather_facts': False,
         'module_defaults': {'group/tick.kapacitor.kapacitor': {'kapacitor_url': kapacitor_url}},
         'tasks': parity_play(receiver_url)},
        {'name': 'environment', 'hosts': 'localhost', 'gather_facts': False, 'tasks': env_play()},
    ]
    with open(path, 'w') as handle:
        json.dump(plays, handle, indent=1)


def result_blocks(output):
    """[(task name, status line, result dict)] of a -vvv run, in order."""
    blocks = []
    task = None
    lines = output.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        found = re.match(r'^TASK \[(.*)\] \*+$', line)
        if found:
            task = found.group(1)
        found = re.match(r'^(ok|changed|fatal|failed|skipping): \[localhost\](.*) => (\{)$', line)
        if found:
            end = index + 1
            while lines[end] != '}':
                end += 1
            text = '{' + '\n'.join(lines[index + 1:end + 1])
            blocks.append((task, found.group(1), found.group(2), json.loads(text)))
            index = end
        index += 1
    return blocks


def warning_lines(output):
    return sorted(set(line for line in output.splitlines() if line.startswith('[WARNING]') or line.startswith('[DEPRECATION')))


def normalized(value):
    """Drop what differs between two runs whatever the path: ignore nothing else."""
    if isinstance(value, dict):
        return dict((k, normalized(v)) for k, v in value.items() if k not in ('start', 'end', 'delta'))
    if isinstance(value, list):
        return [normalized(v) for v in value]
    return value


@pytest.fixture(scope='module')
def private_stack(tmp_path_factory):
    """A stack of this file's own: receiver and kapacitord in a private state dir."""
    state = stack_module.Stack(str(tmp_path_factory.mktemp('exec-stack')))
    state.start_receiver(*RECEIVER_PORTS)
    yield state
    state.down()


@pytest.fixture(scope='module')
def both_runs(private_stack, tmp_path_factory):
    work = tmp_path_factory.mktemp('exec-parity')
    runner = Ansible(str(work))
    url = 'http://127.0.0.1:%d' % KAPACITOR_PORT
    playbook = os.path.join(str(work), 'parity.yml')
    write_playbook(playbook, private_stack.state['receiver']['url'], url)
    runs = {}
    for mode in ('in_process', 'module'):
        private_stack.start_kapacitord('exec-parity', KAPACITOR_PORT)  # fresh data dir: same starting state
        out_file = os.path.join(str(work), 'out-%s.json' % mode)
        env = dict(runner.env, TICK_KAPACITOR_EXECUTION=mode, ANSIBLE_INJECT_INVOCATION='1')  # 2.21+: invocation too
        proc = run_playbook(runner, playbook, env, ['-vvv', '-e', 'out_file=%s' % out_file])
        with open(out_file) as handle:
            registered = json.load(handle)
        with open(out_file + '.env') as handle:
            registered.update(json.load(handle))
        runs[mode] = (proc, registered)
        private_stack.stop_kapacitord('exec-parity')
    return runs


def run_playbook(runner, playbook, env, args):
    import subprocess
    proc = subprocess.run([os.path.join(runner.bin, 'ansible-playbook'), '-i', runner.inventory, playbook] + args,
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                          timeout=900, check=False)
    assert proc.returncode == 0, proc.stdout[-6000:]
    return proc.stdout


def test_each_run_took_its_path(both_runs):
    in_process, module = both_runs['in_process'][0], both_runs['module'][0]
    assert 'in-process on the controller' in in_process
    assert 'AnsiballZ_kapacitor_' not in in_process, 'the in-process run built no module payload'
    assert 'in-process on the controller' not in module
    assert len(re.findall(r'AnsiballZ_kapacitor_\w+\.py', module)) >= 30


def test_every_result_block_is_the_same(both_runs):
    # every task but the copy tasks that write the registered results (their paths differ)
    in_process = [b for b in result_blocks(both_runs['in_process'][0]) if not b[0].startswith('write ')]
    module = [b for b in result_blocks(both_runs['module'][0]) if not b[0].startswith('write ')]
    assert len(in_process) > 80
    assert [b[:3] for b in in_process] == [b[:3] for b in module]
    for mine, theirs in zip(in_process, module):
        assert normalized(mine[3]) == normalized(theirs[3]), mine[:3]
    invocations = [b[3] for b in in_process if 'invocation' in b[3]]
    assert len(invocations) > 80, 'results carry their invocation in both paths'


def test_every_registered_result_is_the_same(both_runs):
    mine, theirs = both_runs['in_process'][1], both_runs['module'][1]
    assert sorted(mine) == sorted(theirs)
    for key in mine:
        assert normalized(mine[key]) == normalized(theirs[key]), key


def test_what_the_playbook_exercised(both_runs):
    registered = both_runs['in_process'][1]
    assert all(registered['apply_%s' % n]['changed'] for n in SAMPLES)
    assert not any(registered['again_%s' % n]['changed'] for n in SAMPLES)
    assert all(registered['check_%s' % n]['changed'] and 'diff' in registered['check_%s' % n] for n in SAMPLES)
    assert registered['slack_secret']['test_alert']['success'] is True
    assert registered['bad_fraction']['failed'] and 'batch_size' in registered['bad_fraction']['msg']
    assert registered['bad_unknown']['msg'].startswith('Unsupported parameters for (tick.kapacitor.kapacitor_slack) module: chanel.')
    assert registered['bad_choice']['msg'].startswith('value of state must be one of: ')
    assert registered['failed_when_run']['failed'] is True
    assert registered['failed_when_false']['failed'] is False and 'batch_size' in registered['failed_when_false']['msg']
    assert [r['changed'] for r in registered['loop_run']['results']] == [True, True, False]
    assert registered['env_run']['changed'] is True and registered['env_info']['sections']['slack']['env']['channel'] == '#env'
    assert 'localhost:9092' in registered['env_none']['msg'] or '127.0.0.1:9092' in registered['env_none']['msg']
    assert registered['unreachable']['failed'] is True


def test_the_same_warnings_and_they_were_given(both_runs):
    in_process, module = both_runs['in_process'][0], both_runs['module'][0]
    assert warning_lines(in_process) == warning_lines(module)
    assert any('pagerduty' in line.lower() for line in warning_lines(in_process)), warning_lines(in_process)
    assert both_runs['in_process'][1]['pagerduty_secret'].get('warnings') == both_runs['module'][1]['pagerduty_secret'].get('warnings')


@pytest.mark.parametrize('mode', ['in_process', 'module'])
def test_no_secret_in_vvv_output(both_runs, mode):
    output = both_runs[mode][0]
    if mode == 'module':
        # Ansible itself prints the task's environment: keyword in the EXEC line of module
        # execution at -vvv (not this collection's doing); nowhere else.
        output = '\n'.join(line for line in output.splitlines() if ' EXEC ' not in line)
    leaked = [name for name, value in CANARY.items() if value.rsplit(':', maxsplit=1)[-1].replace('Bearer ', '') in output]
    assert not leaked, leaked


def test_a_bad_execution_value_fails_in_one_line(private_stack, tmp_path):
    runner = Ansible(str(tmp_path))
    proc = runner.playbook([{'tick.kapacitor.kapacitor_info': {'kapacitor_url': 'http://127.0.0.1:9'},
                             'vars': {'kapacitor_execution': 'remote'}}])
    assert proc.returncode != 0
    assert "kapacitor_execution must be module or in_process, got 'remote'" in proc.output


# -- (b) a real ssh connection --------------------------------------------------------------

@pytest.fixture(scope='module')
def sshd(private_stack):
    info = private_stack.start_sshd(SSH_PORT)
    yield info
    private_stack.stop_sshd()


@pytest.fixture
def ssh_kapacitor(private_stack):
    url = private_stack.start_kapacitord('exec-ssh', SSH_KAPACITOR_PORT)
    yield url
    private_stack.stop_kapacitord('exec-ssh')


def ssh_inventory(path, sshd):
    with open(path, 'w') as handle:
        handle.write('sshhost ansible_host=127.0.0.1 ansible_port=%d ansible_connection=ssh ansible_user=root '
                     'ansible_ssh_private_key_file=%s ansible_python_interpreter=%s '
                     "ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=%s'\n"
                     % (SSH_PORT, sshd['user_key'], sshd['python'], sshd['known_hosts']))


def test_an_ssh_host_takes_the_module_path_and_works(sshd, ssh_kapacitor, tmp_path):
    runner = Ansible(str(tmp_path))
    ssh_inventory(runner.inventory, sshd)
    path = os.path.join(str(tmp_path), 'ssh.yml')
    with open(path, 'w') as handle:
        json.dump([{'hosts': 'sshhost', 'gather_facts': False, 'tasks': [
            {'tick.kapacitor.kapacitor_slack': {'kapacitor_url': ssh_kapacitor, 'workspace': 'ssh', 'channel': '#ssh'},
             'register': 'slack'},
            {'tick.kapacitor.kapacitor_info': {'kapacitor_url': ssh_kapacitor, 'sections': ['slack']}, 'register': 'info'},
            {'ansible.builtin.assert': {'that': ['slack is changed', "info.sections.slack.ssh.channel == '#ssh'"]}},
            {'name': 'delegated', 'delegate_to': 'localhost', 'register': 'delegated',
             'tick.kapacitor.kapacitor_info': {'kapacitor_url': ssh_kapacitor, 'sections': ['slack']}},
            {'ansible.builtin.assert': {'that': ['delegated.sections == info.sections']}},
        ]}], handle)
    proc = run_playbook(runner, path, dict(runner.env), ['-vvv'])
    # delegate_to: localhost (the implicit local connection) runs in-process, only that task
    assert proc.count('in-process on the controller') == 1, proc[-3000:]
    assert re.search(r'TASK \[delegated\][^\n]*\n(?:[^\n]*\n){0,3}<localhost> tick.kapacitor: running tick.kapacitor.kapacitor_info in-process', proc)
    assert re.search(r'PUT .*AnsiballZ_kapacitor_slack\.py', proc), proc[-3000:]
    assert re.search(r'PUT .*AnsiballZ_kapacitor_info\.py', proc)
    assert 'SSH: EXEC ssh' in proc
    assert http_json(ssh_kapacitor + '/kapacitor/v1/config/slack/ssh')['options']['channel'] == '#ssh'


def test_the_default_url_on_an_ssh_host_is_that_hosts_localhost(sshd, tmp_path):
    """The managed host is this machine, where nothing listens on 9092: the module, running on
    the host, says so; an in-process run would have said the same only by accident, so the
    -vvv output must also show the module ran over ssh."""
    with socket.socket() as probe:
        if probe.connect_ex(('127.0.0.1', 9092)) == 0:
            pytest.skip('something listens on 127.0.0.1:9092 here')
    runner = Ansible(str(tmp_path))
    ssh_inventory(runner.inventory, sshd)
    path = os.path.join(str(tmp_path), 'default.yml')
    with open(path, 'w') as handle:
        json.dump([{'hosts': 'sshhost', 'gather_facts': False, 'tasks': [
            {'tick.kapacitor.kapacitor_info': {'sections': ['slack'], 'request_timeout': 3}, 'register': 'info',
             'ignore_errors': True},
            {'ansible.builtin.assert': {'that': ['info is failed', "'localhost:9092' in info.msg"]}},
        ]}], handle)
    proc = run_playbook(runner, path, dict(runner.env), ['-vvv'])
    assert re.search(r'PUT .*AnsiballZ_kapacitor_info\.py', proc)
    assert 'in-process on the controller' not in proc
