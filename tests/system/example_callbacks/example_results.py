# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Callback of tests/system/test_examples.py: one JSON line per task result, in the file
$TICK_EXAMPLE_RESULTS, with the task's line in its playbook (which tells the test which copy of
a repeated task it was), its action, status and its update_secrets argument."""

import json
import os

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = '''
name: example_results
type: aggregate
short_description: task results as JSON lines, for tests/system/test_examples.py
description: Writes one JSON line per task result to the file named by E(TICK_EXAMPLE_RESULTS).
requirements: [enabled through ANSIBLE_CALLBACKS_ENABLED]
'''


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'example_results'
    CALLBACK_NEEDS_ENABLED = True

    def _record(self, result, status):
        path = os.environ.get('TICK_EXAMPLE_RESULTS')
        if not path:
            return
        task = result._task
        where = task.get_path() or ''
        line = where.rsplit(':', 1)[-1]
        args = task.args if isinstance(task.args, dict) else {}
        entry = {
            'line': int(line) if line.isdigit() else None,
            'name': task.get_name(),
            'action': task.action,
            'status': status,
            'changed': bool(result._result.get('changed')),
            'update_secrets': str(args.get('update_secrets', '')),
        }
        with open(path, 'a') as handle:
            handle.write(json.dumps(entry) + '\n')

    def v2_runner_on_ok(self, result):
        self._record(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, 'ignored' if ignore_errors else 'failed')

    def v2_runner_on_skipped(self, result):
        self._record(result, 'skipped')

    def v2_runner_on_unreachable(self, result):
        self._record(result, 'unreachable')
