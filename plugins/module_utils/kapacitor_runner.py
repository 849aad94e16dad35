# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One lifecycle for every module of this collection, with no dependency on AnsibleModule.

A module is a :class:`TaskSpec`: the argument spec Ansible validates, and ``run(ctx)``, which
does the work on validated parameters (a :class:`Context`) and returns the result dict.
:func:`run_task` is the lifecycle every module shares: take turns with other runs writing to the
same Kapacitor, run, turn ``SpecError`` and ``KapacitorError`` into one scrubbed line
(:class:`TaskFailed`) and collect every secret to hide.

Two front ends call it with the same spec:

* :func:`run_as_module`: normal module execution through AnsibleModule (on any host);
* the action plugins (plugins/action/kapacitor_<name>.py, one class in
  plugins/plugin_utils/kapacitor_action.py): in-process on the controller, for tasks that run
  there through the ``local`` connection.
"""

import contextlib
import fcntl
import hashlib
import os
import tempfile
import time

from ansible.module_utils.basic import AnsibleModule, _load_params

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_client import (
    KapacitorError, url_secrets)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_secrets import all_forms, scrub
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_spec import SpecError


class TaskSpec:
    """What one module is: its arguments and its work.

    argument_spec, mutually_exclusive: as AnsibleModule takes them; both front ends validate
        with them (ansible.module_utils.common.arg_spec).
    run: ``run(ctx)`` returns the result dict; raises SpecError (bad input), KapacitorError (a
        failure talking to Kapacitor) or TaskFailed (a failure with a result, e.g. a test alert
        that failed after the write). Partial results go into ``ctx.result`` as they happen, so
        that a failure still reports what was done.
    secrets_of: ``secrets_of(params)``, the secrets hidden in free-form parameters (handler
        options, test_options) that no_log cannot know; masked before anything is logged.
    writes: whether the task may write (it then takes turns, see :func:`writer_lock`).
    """

    def __init__(self, argument_spec, run, mutually_exclusive=None, secrets_of=None, writes=True):
        self.argument_spec = argument_spec
        self.run = run
        self.mutually_exclusive = list(mutually_exclusive or [])
        self.secrets_of = secrets_of
        self.writes = writes

    def known_secrets(self, params):
        """Secrets Ansible's no_log cannot know: a password inside kapacitor_url, and what
        secrets_of finds."""
        found = list(url_secrets(params.get('kapacitor_url')))
        if self.secrets_of is not None:
            found.extend(self.secrets_of(params))
        return found


class Context:
    """What a run gets from its front end, and what it hands back besides its result."""

    def __init__(self, params, raw_params=None, check_mode=False, diff=False):
        self.params = params                  # validated, type-converted, defaults applied
        # the task's arguments before Ansible's type conversion (which turns a list or a bool
        # given for a string into text)
        self.raw_params = params if raw_params is None else raw_params
        self.check_mode = check_mode
        self.diff = diff
        self.warnings = []
        self.secrets = []                     # values to scrub from messages and mask in output
        self.result = {'changed': False}      # the result so far

    def warn(self, message):
        self.warnings.append(message)

    def hide(self, values):
        self.secrets.extend(values)


class TaskFailed(Exception):
    """A run that failed: one line, and the result to report with it."""

    def __init__(self, msg, result=None):
        super(TaskFailed, self).__init__(msg)
        self.msg = msg
        self.result = dict(result or {})
        self.result.setdefault('changed', False)


def run_task(spec, ctx):
    """Run ``spec`` on ``ctx``: the result dict, or TaskFailed with a one-line, scrubbed msg."""
    ctx.hide(spec.known_secrets(ctx.params))
    try:
        with writer_lock(ctx.params.get('kapacitor_url'), ctx.check_mode or not spec.writes):
            ctx.result.update(spec.run(ctx))
    except TaskFailed as failed:
        raise TaskFailed(one_line(scrub(failed.msg, ctx.secrets)), failed.result)
    except SpecError as exc:
        raise TaskFailed(one_line(scrub(str(exc), ctx.secrets)), {'changed': False})
    except KapacitorError as exc:
        result = dict(ctx.result)
        result['changed'] = bool(result.get('changed') or getattr(exc, 'changed', False))
        raise TaskFailed(one_line(scrub(exc.message, ctx.secrets)), result)
    result = ctx.result
    if not ctx.diff:
        result.pop('diff', None)
    return result


def one_line(text):
    return ' '.join(line.strip() for line in (text or '').splitlines() if line.strip())


# -- front end: normal module execution -----------------------------------------------------

class KapacitorModule(AnsibleModule):
    """AnsibleModule that knows every secret before it logs its invocation (to syslog or the
    journal, inside AnsibleModule's constructor)."""

    def __init__(self, spec):
        self._task_spec = spec
        super(KapacitorModule, self).__init__(argument_spec=spec.argument_spec, supports_check_mode=True,
                                              mutually_exclusive=spec.mutually_exclusive)

    def _log_invocation(self):
        self.no_log_values.update(all_forms(self._task_spec.known_secrets(self.params)))
        super(KapacitorModule, self)._log_invocation()


def run_as_module(spec):
    """Entry point of a module file: run ``spec`` through AnsibleModule."""
    module = KapacitorModule(spec)
    ctx = Context(module.params, dict(_load_params()), module.check_mode, module._diff)
    try:
        result = run_task(spec, ctx)
    except TaskFailed as failed:
        _hand_back(module, ctx)
        module.fail_json(msg=failed.msg, **failed.result)
    _hand_back(module, ctx)
    module.exit_json(**result)


def _hand_back(module, ctx):
    module.no_log_values.update(all_forms(ctx.secrets))
    for warning in ctx.warnings:
        module.warn(warning)


# -- taking turns ---------------------------------------------------------------------------

# How long a run waits for another run of this collection to finish writing to the same Kapacitor.
WRITER_LOCK_WAIT = 120.0


@contextlib.contextmanager
def writer_lock(kapacitor_url, skip=False):
    """Runs of this collection on one machine take turns writing to one Kapacitor.

    Kapacitor has no lock around a configuration write: two overlapping writes of one element
    can both be acknowledged while one of them is lost. Taking turns closes that for parallel
    tasks and playbooks on one controller (forks delegating to the same Kapacitor); the read-back
    check after each write catches other writers (Chronograf, another controller) that land
    before it. Check mode and read-only tasks never write, so they do not wait.
    """
    if skip:
        yield
        return
    url = (kapacitor_url or '').rstrip('/')
    name = 'tick-kapacitor-%s.lock' % hashlib.sha256(url.encode('utf-8')).hexdigest()[:16]
    try:
        handle = os.open(os.path.join(tempfile.gettempdir(), name), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:  # a temp dir we cannot write to: go on without taking turns
        yield
        return
    try:
        deadline = time.monotonic() + WRITER_LOCK_WAIT
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:
                if time.monotonic() > deadline:
                    break  # a stuck holder must not hold every later run: go on unserialized
                time.sleep(0.02)
        yield
    finally:
        os.close(handle)  # releases the lock
