# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one lifecycle (kapacitor_runner.run_task), run without AnsibleModule."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_client import KapacitorError
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_runner import (
    Context, TaskFailed, TaskSpec, run_task, writer_lock)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_spec import SpecError
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_tasks import task_for

CONNECTION = {'kapacitor_url': {'type': 'str'}}


def spec_running(run, **kwargs):
    return TaskSpec(dict(CONNECTION), run, **kwargs)


def test_bad_input_is_one_scrubbed_line_and_unchanged():
    def run(ctx):
        ctx.hide(['s3cr3t-token'])
        raise SpecError('token: "s3cr3t-token" is not\nwhat Kapacitor takes')
    with pytest.raises(TaskFailed) as failed:
        run_task(spec_running(run), Context({'kapacitor_url': 'http://k:9092'}))
    assert failed.value.msg == 'token: ******** is not what Kapacitor takes'
    assert failed.value.result == {'changed': False}


def test_a_failure_after_a_write_reports_changed_and_the_partial_result():
    def run(ctx):
        ctx.result['written'] = ['slack/']
        error = KapacitorError('POST http://k/: the write may have been applied; run again')
        error.changed = True
        raise error
    with pytest.raises(TaskFailed) as failed:
        run_task(spec_running(run), Context({'kapacitor_url': 'http://k:9092'}))
    assert failed.value.result == {'changed': True, 'written': ['slack/']}


def test_a_password_inside_kapacitor_url_is_never_shown():
    def run(ctx):
        raise KapacitorError('GET http://admin:pa55word@k:9092/kapacitor/v1/ping: refused')
    ctx = Context({'kapacitor_url': 'http://admin:pa55word@k:9092'})
    with pytest.raises(TaskFailed) as failed:
        run_task(spec_running(run), ctx)
    assert 'pa55word' not in failed.value.msg
    assert 'pa55word' in ctx.secrets, 'the front ends mask it in invocation and results too'


def test_diff_is_returned_only_in_diff_mode_and_warnings_are_handed_back():
    def run(ctx):
        ctx.warn('retired API')
        return {'changed': True, 'diff': {'before': {}, 'after': {'a': 1}}}
    ctx = Context({'kapacitor_url': 'http://k'}, diff=False)
    assert run_task(spec_running(run), ctx) == {'changed': True}
    assert ctx.warnings == ['retired API']
    assert 'diff' in run_task(spec_running(run), Context({'kapacitor_url': 'http://k'}, diff=True))


def test_writers_of_one_kapacitor_take_turns_but_check_mode_does_not_wait():
    url = 'http://127.0.0.1:1/runner-lock-test-%f' % time.time()
    order = []

    def hold():
        with writer_lock(url):
            order.append('first in')
            time.sleep(0.3)
            order.append('first out')
    holder = threading.Thread(target=hold)
    holder.start()
    time.sleep(0.05)
    with writer_lock(url, skip=True):
        order.append('check mode')
    with writer_lock(url):
        order.append('second')
    holder.join()
    assert order == ['first in', 'check mode', 'first out', 'second']


class FakeSlack(BaseHTTPRequestHandler):
    """Kapacitor's config API for Slack's default workspace, as far as one run needs it."""
    options = {}

    def log_message(self, *args):
        pass

    def _answer(self, status, body=None):
        data = json.dumps(body).encode() if body is not None else b''
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('X-Kapacitor-Version', '1.8.3')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self._answer(200, {'options': dict(FakeSlack.options), 'redacted': ['url', 'token']})

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers['Content-Length'])))
        for key, value in body['set'].items():
            FakeSlack.options[key] = bool(value) if key in ('url', 'token') else value
        self._answer(204)


@pytest.fixture
def fake_kapacitor():
    FakeSlack.options = {'workspace': '', 'enabled': False, 'url': False, 'token': False, 'channel': ''}
    server = HTTPServer(('127.0.0.1', 0), FakeSlack)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield 'http://127.0.0.1:%d' % server.server_port
    server.shutdown()
    server.server_close()


def test_a_module_runs_whole_without_ansible_module(fake_kapacitor):
    spec = task_for('kapacitor_slack')
    args = {'kapacitor_url': fake_kapacitor, 'channel': '#ops', 'url': 'https://hooks.example/T/B/secret-hook'}
    validated = ArgumentSpecValidator(spec.argument_spec, mutually_exclusive=spec.mutually_exclusive).validate(args)
    assert validated.error_messages == []
    ctx = Context(validated.validated_parameters, raw_params=args, diff=True)
    result = run_task(spec, ctx)
    assert result['changed'] is True and result['changed_options'] == ['channel', 'url']
    assert result['config']['url'] is True and result['diff']['after']['url'] == '<set>'
    assert 'secret-hook' not in json.dumps(result)
    assert 'https://hooks.example/T/B/secret-hook' in ctx.secrets
    assert FakeSlack.options['channel'] == '#ops'
    again = run_task(spec, Context(validated.validated_parameters, raw_params=args))
    assert again['changed'] is False


def test_raw_arguments_are_judged_before_ansible_turns_them_into_text(fake_kapacitor):
    spec = task_for('kapacitor_slack')
    args = {'kapacitor_url': fake_kapacitor, 'url': False}
    validated = ArgumentSpecValidator(spec.argument_spec).validate(args).validated_parameters
    assert validated['url'] == 'False'
    with pytest.raises(TaskFailed) as failed:
        run_task(spec, Context(validated, raw_params=args))
    assert failed.value.msg.startswith('url: got a boolean')
    assert FakeSlack.options['url'] is False, 'nothing was written'
