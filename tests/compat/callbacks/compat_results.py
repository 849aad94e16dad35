# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Callback of tests/compat: one JSON line per task result (host, task name, status, seconds, the
result as the module returned it) in the file $TICK_COMPAT_RESULTS."""

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = '''
name: compat_results
type: aggregate
short_description: task results as JSON lines, for tests/compat
description: Writes one JSON line per task result to the file named by E(TICK_COMPAT_RESULTS).
requirements: [enabled through ANSIBLE_CALLBACKS_ENABLED]
'''


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'compat_results'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.started = {}

    def v2_runner_on_start(self, host, task):
        self.started[(host.get_name(), task._uuid)] = time.time()

    def _record(self, result, status):
        path = os.environ.get('TICK_COMPAT_RESULTS')
        if not path:
            return
        started = self.started.pop((result._host.get_name(), result._task._uuid), None)
        entry = {
            'host': result._host.get_name(),
            'task': result._task.get_name(),
            'status': status,
            'seconds': time.time() - started if started else 0,
            'result': result._result,
        }
        with open(path, 'a') as handle:
            handle.write(json.dumps(entry, default=str) + '\n')

    def v2_runner_on_ok(self, result):
        self._record(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, 'failed')

    def v2_runner_on_skipped(self, result):
        self._record(result, 'skipped')

    def v2_runner_on_unreachable(self, result):
        self._record(result, 'unreachable')
