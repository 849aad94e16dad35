# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The action plugin: which path a task takes, and the in-process front end's argument handling
(validation, error texts, environment, masking, warnings), with the connection and task mocked."""

import importlib
import os
from unittest import mock

import pytest

from ansible.errors import AnsibleActionFail
from ansible.module_utils.basic import env_fallback

from ansible_collections.tick.kapacitor.plugins.plugin_utils import kapacitor_action as plugin
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_runner import TaskFailed, TaskSpec
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_tasks import TASKS, task_for

SECRET = 'S3cr3t-unit-canary'


def fake_spec(run=None, secrets_of=None, warn_with=None):
    argument_spec = dict(
        kapacitor_url=dict(type='str', default='http://localhost:9092', fallback=(env_fallback, ['KAPACITOR_URL'])),
        token=dict(type='str', no_log=True),
        channel=dict(type='str'),
        count=dict(type='int'),
        color=dict(type='str', choices=['red', 'blue']),
        a=dict(type='str'),
        b=dict(type='str'),
    )
    seen = {}

    def default_run(ctx):
        seen.update(params=ctx.params, raw=ctx.raw_params, check_mode=ctx.check_mode, diff=ctx.diff,
                    env=os.environ.get('KAPACITOR_URL'))
        for message in warn_with or []:
            ctx.warn(message)
        return {'changed': True, 'echo': ctx.params.get('token'), 'channel': ctx.params.get('channel'), 'diff': {'x': 1}}

    spec = TaskSpec(argument_spec, run or default_run, mutually_exclusive=[['a', 'b']], secrets_of=secrets_of, writes=False)
    spec.seen = seen
    return spec


def action(args=None, transport='local', become=False, async_val=0, check_mode=False, diff=False,
           resolved='tick.kapacitor.kapacitor_slack', environment=None):
    task = mock.MagicMock()
    task.args = dict(args or {})
    task.action = resolved
    task.resolved_action = resolved
    task.async_val = async_val
    task.check_mode = check_mode
    task.diff = diff
    task.environment = environment
    connection = mock.MagicMock()
    connection.transport = transport
    connection._shell.tmpdir = None
    play_context = mock.MagicMock()
    play_context.become = become
    templar = mock.MagicMock()
    templar.template.side_effect = lambda value: value
    act = plugin.ActionModule(task, connection, play_context, loader=mock.MagicMock(), templar=templar,
                              shared_loader_obj=mock.MagicMock())
    act._shared_loader_obj = mock.MagicMock()  # ActionBase takes ansible.plugins.loader itself
    return act


@pytest.fixture(autouse=True)
def no_forcing(monkeypatch):
    monkeypatch.delenv(plugin.EXECUTION_ENV, raising=False)
    monkeypatch.delenv('KAPACITOR_URL', raising=False)
    monkeypatch.delenv('ANSIBLE_INJECT_INVOCATION', raising=False)
    # invocation in results as ansible-core 2.19 always has it (2.21+: INJECT_INVOCATION, tested below)
    monkeypatch.setattr(plugin, 'inject_invocation', lambda task_vars: True)


def test_invocation_follows_the_cores_rule(monkeypatch):
    monkeypatch.undo()
    if 'INJECT_INVOCATION' not in plugin.C.config.get_configuration_definitions():
        assert plugin.inject_invocation({}) is True, 'before 2.21 AnsibleModule always adds it'
    else:
        assert plugin.inject_invocation({}) is False
        assert plugin.inject_invocation({'ansible_inject_invocation': True}) is True


# -- every module has it ----------------------------------------------------------------------

COLLECTION = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', '..'))


def plugin_names(kind):
    """The plugins of one kind (modules, action) by file name, from the directory."""
    directory = os.path.join(COLLECTION, 'plugins', kind)
    return sorted(name[:-3] for name in os.listdir(directory) if name.endswith('.py') and name != '__init__.py')


MODULE_NAMES = plugin_names('modules')


def test_every_module_has_this_action_plugin_and_a_spec_and_nothing_else_has():
    assert MODULE_NAMES, 'plugins/modules is found'
    assert plugin_names('action') == MODULE_NAMES, 'one action plugin per module, named after it'
    assert sorted(TASKS) == MODULE_NAMES, 'one TaskSpec per module'
    for name in MODULE_NAMES:
        action_file = importlib.import_module('ansible_collections.tick.kapacitor.plugins.action.%s' % name)
        assert action_file.ActionModule is plugin.ActionModule, name
        assert task_for(name).argument_spec, name


# -- which path -------------------------------------------------------------------------------

def test_a_local_task_runs_in_process_with_its_modules_spec():
    assert action()._in_process_spec({}) is task_for('kapacitor_slack')
    assert action(resolved='tick.kapacitor.kapacitor_info')._in_process_spec({}) is task_for('kapacitor_info')


@pytest.mark.parametrize('kwargs', [
    dict(transport='ssh'), dict(transport='paramiko'), dict(transport='winrm'), dict(become=True), dict(async_val=30),
    dict(resolved='tick.kapacitor.kapacitor_nosuch'),
], ids=['ssh', 'paramiko', 'winrm', 'become', 'async', 'unknown-module'])
def test_everything_else_takes_the_module_path(kwargs):
    assert action(**kwargs)._in_process_spec({}) is None


def test_the_variable_forces_module_execution():
    assert action()._in_process_spec({'kapacitor_execution': 'module'}) is None
    assert action()._in_process_spec({'kapacitor_execution': 'in_process'}) is task_for('kapacitor_slack')


def test_the_controller_environment_forces_module_execution(monkeypatch):
    monkeypatch.setenv('TICK_KAPACITOR_EXECUTION', 'module')
    assert action()._in_process_spec({}) is None
    assert action()._in_process_spec({'kapacitor_execution': 'in_process'}) is None, 'either one saying module wins'


def test_in_process_never_makes_an_ssh_task_local():
    assert action(transport='ssh')._in_process_spec({'kapacitor_execution': 'in_process'}) is None


@pytest.mark.parametrize('where', ['var', 'env'])
def test_a_bad_execution_value_fails_in_one_line(monkeypatch, where):
    task_vars = {}
    if where == 'env':
        monkeypatch.setenv('TICK_KAPACITOR_EXECUTION', 'remote')
        name = 'TICK_KAPACITOR_EXECUTION'
    else:
        task_vars['kapacitor_execution'] = 'remote'
        name = 'kapacitor_execution'
    with pytest.raises(AnsibleActionFail) as raised:
        action()._in_process_spec(task_vars)
    assert str(raised.value) == "%s must be module or in_process, got 'remote'" % name


def test_run_dispatches(monkeypatch):
    monkeypatch.setattr(plugin, 'task_for', lambda name: fake_spec())
    act = action(transport='ssh')
    normal = act._shared_loader_obj.action_loader.get.return_value
    normal.run.return_value = {'from': 'module'}
    assert act.run(task_vars={'x': 1}) == {'from': 'module'}
    normal.run.assert_called_once_with(task_vars={'x': 1})
    result = action({'channel': '#a'}).run(task_vars={})
    assert result['channel'] == '#a' and result['changed'] is True


@pytest.mark.parametrize('kwargs', [dict(transport='ssh'), dict(async_val=30), dict(become=True)], ids=['ssh', 'async', 'become'])
def test_the_module_path_is_ansibles_own_normal_action(kwargs):
    act = action(**kwargs)
    act.run(task_vars={})
    loader_get = act._shared_loader_obj.action_loader.get
    assert loader_get.call_args[0] == ('ansible.legacy.normal',)
    handed = loader_get.call_args[1]
    assert handed['task'] is act._task and handed['connection'] is act._connection
    assert handed['play_context'] is act._play_context
    act.cleanup(force=True)
    loader_get.return_value.cleanup.assert_called_once_with(True)


# -- in-process: arguments ------------------------------------------------------------------------

def run_in_process(spec, **kwargs):
    return action(**kwargs)._run_in_process(spec)


def test_params_check_and_diff_reach_the_run():
    spec = fake_spec()
    result = run_in_process(spec, args={'channel': '#a', 'count': '3'}, check_mode=True, diff=True)
    assert spec.seen['params']['count'] == 3, 'converted like AnsibleModule does'
    assert spec.seen['raw'] == {'channel': '#a', 'count': '3'}, 'the raw args, before conversion'
    assert spec.seen['check_mode'] is True and spec.seen['diff'] is True
    assert result['invocation'] == {'module_args': spec.seen['params']}
    assert spec.seen['params']['kapacitor_url'] == 'http://localhost:9092'


@pytest.mark.parametrize('args, message', [
    ({'chanel': '#a'}, 'Unsupported parameters for (tick.kapacitor.kapacitor_slack) module: chanel. Supported parameters '
                       'include: a, b, channel, color, count, kapacitor_url, token.'),
    ({'count': 'abc'}, "argument 'count' is of type str and we were unable to convert to int: "),
    ({'color': 'green'}, 'value of color must be one of: red, blue, got: green'),
    ({'a': 'x', 'b': 'y'}, 'parameters are mutually exclusive: a|b'),
])
def test_validation_errors_read_like_ansiblemodules(args, message):
    spec = fake_spec()
    result = run_in_process(spec, args=args)
    assert result['failed'] is True
    assert result['msg'].startswith(message)
    assert result['msg'] == message or message.endswith(': '), 'whole text, but for the converter detail'
    assert 'params' not in spec.seen, 'nothing ran'
    assert result['invocation']['module_args']['kapacitor_url'] == 'http://localhost:9092', 'invocation as AnsibleModule gives it'


def test_a_secret_is_masked_in_a_validation_failure():
    result = run_in_process(fake_spec(), args={'token': SECRET, 'count': SECRET})
    assert result['failed'] is True
    assert SECRET not in repr(result)


def test_the_tasks_environment_is_seen_and_put_back(monkeypatch):
    spec = fake_spec()
    monkeypatch.setenv('KAPACITOR_URL', 'http://before:1')
    act = action(environment=[{'KAPACITOR_URL': 'http://from-task:9092'}])
    act._compute_environment_string = lambda out: out.update({'KAPACITOR_URL': 'http://from-task:9092'}) or ''
    result = act._run_in_process(spec)
    assert result['invocation']['module_args']['kapacitor_url'] == 'http://from-task:9092'
    assert spec.seen['env'] == 'http://from-task:9092'
    assert os.environ['KAPACITOR_URL'] == 'http://before:1'


def test_the_environment_is_put_back_when_the_run_raises(monkeypatch):
    monkeypatch.delenv('KAPACITOR_URL', raising=False)

    def boom(ctx):
        raise RuntimeError('bug')
    act = action()
    act._compute_environment_string = lambda out: out.update({'KAPACITOR_URL': 'http://x:1'}) or ''
    result = act._run_in_process(fake_spec(run=boom))
    assert result['failed'] is True and 'RuntimeError: bug' in result['msg']
    assert 'KAPACITOR_URL' not in os.environ


# -- in-process: results -------------------------------------------------------------------------

def test_no_log_values_and_known_secrets_are_masked_everywhere():
    other = 'other-secret-from-options'
    spec = fake_spec(secrets_of=lambda params: [other])

    def run(ctx):
        ctx.hide(['hidden-by-run'])
        return {'changed': False, 'echo': ctx.params['token'], 'note': 'x %s y %s z hidden-by-run' % (other, SECRET)}
    spec.run = run
    result = run_in_process(spec, args={'token': SECRET, 'channel': other})
    text = repr(result)
    assert SECRET not in text and other not in text and 'hidden-by-run' not in text
    assert result['invocation']['module_args']['token'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
    assert result['changed'] is False, 'top-level booleans survive masking, as in AnsibleModule'


def test_a_failed_run_reports_its_result_and_one_scrubbed_line():
    def run(ctx):
        ctx.result['changed'] = True
        raise TaskFailed('test alert failed with %s' % ctx.params['token'], dict(ctx.result, test_alert={'success': False}))
    result = run_in_process(fake_spec(run=run), args={'token': SECRET})
    assert result['failed'] is True and result['changed'] is True
    assert result['test_alert'] == {'success': False}
    assert SECRET not in result['msg'] and result['msg'].startswith('test alert failed with ')


def test_warnings_come_back_once_each_in_order():
    result = run_in_process(fake_spec(warn_with=['retired API', 'second', 'retired API']))
    # text, or (ansible-core 2.21+) WarningSummary objects, as the module path hands them over
    assert [getattr(getattr(w, 'event', None), 'msg', w) for w in result['warnings']] == ['retired API', 'second']


def test_no_warnings_key_without_warnings():
    assert 'warnings' not in run_in_process(fake_spec())


def test_a_real_module_spec_validates_the_real_way():
    result = run_in_process(task_for('kapacitor_slack'), args={'workspace': 'x', 'state': 'gone'})
    assert result['failed'] is True
    assert result['msg'] == 'value of state must be one of: present, absent, got: gone'
