# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The action plugin of every module of this collection.

Each module has an action plugin of its own name (plugins/action/kapacitor_<name>.py) that is
this class: Ansible picks an action plugin named like the module over plain module execution.

A task that runs on the controller through the ``local`` connection, without become or async,
runs in this worker process: the module's TaskSpec (module_utils/kapacitor_tasks.py) through
the same lifecycle as the module (module_utils/kapacitor_runner.py), with no AnsiballZ payload,
temp dir or new interpreter. Any other task (ssh and every other connection, become, async, or
module execution forced) goes to Ansible's own ``normal`` action plugin, like any module, so
that ``kapacitor_url: http://localhost:9092`` on an ssh host keeps meaning that host's Kapacitor.

Module execution is forced with ``kapacitor_execution: module`` (a host, group, play or task
variable) or ``TICK_KAPACITOR_EXECUTION=module`` in the controller's environment.
"""

import json
import os
import traceback

from ansible import constants as C
from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.json import Direction, get_module_decoder, get_module_encoder
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.errors import UnsupportedError
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

# How ActionBase._execute_module hands a module's decoded result to Ansible differs between cores
# (it is what makes a failure read "Module failed: <msg>" rather than "Action failed: <msg>").
try:  # ansible-core 2.21+
    from ansible._internal._task import UnifiedTaskResult
except ImportError:
    UnifiedTaskResult = None
try:  # ansible-core 2.19 and 2.20
    from ansible._internal._errors._captured import AnsibleModuleCapturedError
except ImportError:
    AnsibleModuleCapturedError = None

# Imported when the plugin loads, once per worker process: what the module path pays on every task.
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_runner import (
    Context, TaskFailed, run_task)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_secrets import all_forms
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_tasks import task_for

display = Display()

EXECUTION_VAR = 'kapacitor_execution'
EXECUTION_ENV = 'TICK_KAPACITOR_EXECUTION'
MODULE = 'module'
IN_PROCESS = 'in_process'
# The profile AnsibleModule-based modules are sent their arguments and return their results in.
PROFILE = 'legacy'


def requested_execution(task_vars, templar):
    """'module' or 'in_process' (the default), from the variable or the controller's environment.

    Either one saying 'module' forces module execution; any other value than the two fails."""
    found = IN_PROCESS
    for where, value in ((EXECUTION_ENV, os.environ.get(EXECUTION_ENV)),
                         (EXECUTION_VAR, (task_vars or {}).get(EXECUTION_VAR))):
        if value is None or value == '':
            continue
        if templar is not None and isinstance(value, str):
            value = templar.template(value)
        if value not in (MODULE, IN_PROCESS):
            raise AnsibleActionFail('%s must be %s or %s, got %r' % (where, MODULE, IN_PROCESS, value))
        if value == MODULE:
            found = MODULE
    return found


def validation_failure(action, validator_result):
    """The msg AnsibleModule fails with for these validation errors (module_utils/basic.py)."""
    error = validator_result.errors[0]
    msg = validator_result.errors.msg
    if isinstance(error, UnsupportedError):
        msg = 'Unsupported parameters for ({name}) {kind}: {msg}'.format(name=action, kind='module', msg=msg)
    return msg


def masked(result, no_log_values):
    """remove_values the way AnsibleModule applies it: top-level booleans and None survive."""
    preserved = dict((key, value) for key, value in result.items() if value is None or isinstance(value, bool))
    result = remove_values(result, no_log_values)
    result.update(preserved)
    return result


def as_module_sees(value, direction):
    """``value`` after the JSON trip between controller and module (vault values decrypted, tags
    and tuples gone), so both paths work on and return the same data."""
    text = json.dumps(value, cls=get_module_encoder(PROFILE, direction))
    return json.loads(text, cls=get_module_decoder(PROFILE, direction))


def inject_invocation(task_vars):
    """Whether AnsibleModule adds ``invocation`` to its result: always before ansible-core 2.21,
    then only with INJECT_INVOCATION (what ActionBase tells the module as _ansible_inject_invocation)."""
    if 'INJECT_INVOCATION' not in C.config.get_configuration_definitions():
        return True
    return bool(C.config.get_config_value('INJECT_INVOCATION', variables=task_vars or {}))


def module_result(data):
    """``data`` (a module's decoded result) as ActionBase._execute_module returns it on this core."""
    if UnifiedTaskResult is not None and hasattr(UnifiedTaskResult, 'from_module_result_dict'):
        unified = UnifiedTaskResult.from_module_result_dict(data)
        unified.ansible_parsed = True
        unified.remove_internal_keys()
        return unified.as_result_dict(for_round_trip=True)
    if AnsibleModuleCapturedError is not None and hasattr(AnsibleModuleCapturedError, 'normalize_result_exception'):
        AnsibleModuleCapturedError.normalize_result_exception(data)
        data['_ansible_parsed'] = True
    return data


def dedupe(messages):
    seen = []
    for message in messages:
        if message not in seen:
            seen.append(message)
    return seen


class ActionModule(ActionBase):

    _supports_check_mode = True
    _supports_async = True

    _normal = None  # the 'normal' action plugin, when the task takes the module path

    def run(self, tmp=None, task_vars=None):
        spec = self._in_process_spec(task_vars)
        if spec is None:
            return self._run_module(task_vars)
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp  # tmp no longer has any effect
        display.vvv('tick.kapacitor: running %s in-process on the controller' % self._task.resolved_action,
                    host=self._play_context.remote_addr)
        result.update(self._run_in_process(spec, task_vars))
        return result

    def cleanup(self, force=False):
        if self._normal is not None:
            self._normal.cleanup(force)
        else:
            super(ActionModule, self).cleanup(force)

    # -- which path ---------------------------------------------------------------------------

    def _in_process_spec(self, task_vars):
        """The TaskSpec to run in this process, or None for module execution."""
        if requested_execution(task_vars, self._templar) == MODULE:
            return None
        # Only the local connection runs the module on the controller: anywhere else the module
        # (and what localhost means in its arguments) belongs to the managed host.
        if getattr(self._connection, 'transport', None) != 'local':
            return None
        if self._play_context.become or self._task.async_val:
            return None  # another user, or a background job: only the module can be that
        try:
            return task_for((self._task.resolved_action or self._task.action).rpartition('.')[2])
        except KeyError:
            return None

    # -- module execution ---------------------------------------------------------------------

    def _run_module(self, task_vars):
        """Run the module exactly as Ansible does for a module without an action plugin: through
        the 'normal' action plugin of this ansible-core (async, pipelining, tmp dirs, interpreter
        discovery and all)."""
        self._normal = self._shared_loader_obj.action_loader.get(
            'ansible.legacy.normal', task=self._task, connection=self._connection, play_context=self._play_context,
            loader=self._loader, templar=self._templar, shared_loader_obj=self._shared_loader_obj)
        return self._normal.run(task_vars=task_vars)

    # -- in-process ---------------------------------------------------------------------------

    def _run_in_process(self, spec, task_vars=None):
        raw = as_module_sees(dict(self._task.args), Direction.CONTROLLER_TO_MODULE)
        environment = {}
        self._compute_environment_string(environment)
        # The module sees the task's environment: keyword for its whole run (env-var fallbacks such
        # as KAPACITOR_URL read it); the worker is forked per task, but put os.environ back anyway.
        with task_environment(environment):
            validated = ArgumentSpecValidator(spec.argument_spec, mutually_exclusive=spec.mutually_exclusive).validate(raw)
            no_log_values = set(validated._no_log_values)
            params = dict(raw)
            params.update(validated.validated_parameters)
            warnings = ['Both option {option} and its alias {alias} are set.'.format(option=w['option'], alias=w['alias'])
                        for w in validated._warnings]
            deprecations = [dict(d) for d in validated._deprecations]
            if validated.error_messages:
                out = {'failed': True, 'msg': validation_failure(self._task.action, validated)}
            else:
                params = validated.validated_parameters
                out, secrets = self._run_task(spec, params, raw, warnings, no_log_values)
                no_log_values.update(secrets)
        if inject_invocation(task_vars):
            out['invocation'] = {'module_args': params}
        warnings = dedupe(warnings)
        if warnings:
            out['warnings'] = warnings
        if deprecations:
            out['deprecations'] = deprecations
        return module_result(as_module_sees(masked(out, no_log_values), Direction.MODULE_TO_CONTROLLER))

    def _run_task(self, spec, params, raw, warnings, no_log_values):
        """(result, every secret form to mask) of one run of the lifecycle."""
        ctx = Context(params, raw, check_mode=bool(self._task.check_mode), diff=bool(self._task.diff))
        secrets = set()
        try:
            secrets.update(all_forms(spec.known_secrets(params)))
            out = dict(run_task(spec, ctx))
        except TaskFailed as failed:
            out = dict(failed.result, failed=True, msg=failed.msg)
        except Exception as exc:  # a bug: fail like a crashed module, masked below, not a worker traceback
            out = {'failed': True, 'changed': False, 'exception': traceback.format_exc(),
                   'msg': 'tick.kapacitor in-process run failed: %s: %s' % (type(exc).__name__, exc)}
        secrets.update(all_forms(ctx.secrets))
        warnings.extend(ctx.warnings)
        return out, secrets


class task_environment(object):
    """os.environ with the task's environment: keyword applied, restored on exit."""

    def __init__(self, environment):
        self.environment = dict((str(key), str(value)) for key, value in (environment or {}).items())
        self.saved = {}

    def __enter__(self):
        for key, value in self.environment.items():
            self.saved[key] = os.environ.get(key)
            os.environ[key] = value
        return self

    def __exit__(self, *exc_info):
        for key, value in self.saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        return False
