# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark helper: per-task wall times and the recap, written as JSON to $BENCH_TIMER_OUT.

Used by benchmarks/run.py only (like ansible.posix's profile_tasks, which ansible-core does
not ship). Each task's time runs from its start until its last host returned.
"""

DOCUMENTATION = '''
name: bench_timer
type: aggregate
short_description: per-task times and recap as JSON, for benchmarks/run.py
description: Writes task durations, per-host results and the recap to $BENCH_TIMER_OUT.
requirements: [enabled in configuration]
'''

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'bench_timer'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super(CallbackModule, self).__init__()
        self.loaded = time.time()
        self.tasks = []
        self.current = None

    def _close(self):
        if self.current is not None:
            self.current['end'] = self.current.get('last_result', time.time())
            self.tasks.append(self.current)
            self.current = None

    def v2_playbook_on_start(self, playbook):
        self.playbook_start = time.time()

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._close()
        self.current = {'name': task.get_name(), 'action': task.action, 'start': time.time(),
                        'results': {}}

    v2_playbook_on_handler_task_start = v2_playbook_on_task_start

    def _result(self, result, status):
        if self.current is not None:
            changed = bool(result._result.get('changed')) if hasattr(result, '_result') else False
            self.current['results'][result._host.get_name()] = {'status': status, 'changed': changed}
            self.current['last_result'] = time.time()

    def v2_runner_on_ok(self, result):
        self._result(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._result(result, 'ignored' if ignore_errors else 'failed')

    def v2_runner_on_skipped(self, result):
        self._result(result, 'skipped')

    def v2_runner_on_unreachable(self, result):
        self._result(result, 'unreachable')

    def v2_playbook_on_stats(self, stats):
        self._close()
        out = os.environ.get('BENCH_TIMER_OUT')
        if not out:
            return
        hosts = sorted(stats.processed.keys())
        recap = dict((h, stats.summarize(h)) for h in hosts)
        for task in self.tasks:
            task.pop('last_result', None)
            task['seconds'] = task['end'] - task['start']
        with open(out, 'w') as handle:
            json.dump({'loaded': self.loaded, 'playbook_start': getattr(self, 'playbook_start', None),
                       'end': time.time(), 'tasks': self.tasks, 'recap': recap}, handle)
