# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one lifecycle (kapacitor_runner.run_task), run without AnsibleModule."""

import json
import threading
import time

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_client import KapacitorError
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_runner import (
    Context, TaskFailed, TaskSpec, run_task, writer_lock)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_spec import SpecError
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_tasks import task_for
from ansible_collections.tick.kapacitor.tests.unit.plugins.module_utils.fake_kapacitor import FakeKapacitor, serve_http

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


@pytest.fixture
def fake():
    return FakeKapacitor()


@pytest.fixture
def fake_kapacitor(fake):
    """The shared fake Kapacitor behind a real HTTP server: the run uses the real client."""
    with serve_http(fake) as url:
        yield url


def test_a_module_runs_whole_without_ansible_module(fake, fake_kapacitor):
    spec = task_for('kapacitor_slack')
    args = {'kapacitor_url': fake_kapacitor, 'channel': '#ops', 'url': 'https://hooks.example/T/B/secret-hook'}
    validated = ArgumentSpecValidator(spec.argument_spec, mutually_exclusive=spec.mutually_exclusive).validate(args)
    assert validated.error_messages == []
    ctx = Context(validated.validated_parameters, raw_params=args, diff=True)
    result = run_task(spec, ctx)
    assert result['changed'] is True and result['changed_options'] == ['channel', 'url']
    assert result['config']['url'] is True and result['diff']['after']['url'] == '<set>'
    assert result['kapacitor_version'] == '1.8.3', "from the answer's X-Kapacitor-Version"
    assert 'secret-hook' not in json.dumps(result)
    assert 'https://hooks.example/T/B/secret-hook' in ctx.secrets
    assert fake.stored('slack')['channel'] == '#ops'
    assert fake.stored('slack')['url'] == 'https://hooks.example/T/B/secret-hook'
    assert [r[0] for r in fake.requests] == ['GET', 'POST', 'GET']
    again = run_task(spec, Context(validated.validated_parameters, raw_params=args))
    assert again['changed'] is False
    assert [r[0] for r in fake.requests] == ['GET', 'POST', 'GET', 'GET']


def test_raw_arguments_are_judged_before_ansible_turns_them_into_text(fake, fake_kapacitor):
    spec = task_for('kapacitor_slack')
    args = {'kapacitor_url': fake_kapacitor, 'url': False}
    validated = ArgumentSpecValidator(spec.argument_spec).validate(args).validated_parameters
    assert validated['url'] == 'False'
    with pytest.raises(TaskFailed) as failed:
        run_task(spec, Context(validated, raw_params=args))
    assert failed.value.msg.startswith('url: got a boolean')
    assert fake.requests == [], 'nothing was sent'
    assert fake.stored('slack')['url'] == ''


def test_kapacitors_refusal_over_http_is_one_line_naming_the_option(fake, fake_kapacitor):
    spec = task_for('kapacitor_telegram')
    args = {'kapacitor_url': fake_kapacitor, 'enabled': True}
    validated = ArgumentSpecValidator(spec.argument_spec).validate(args).validated_parameters
    with pytest.raises(TaskFailed) as failed:
        run_task(spec, Context(validated, raw_params=args))
    assert failed.value.msg == ('telegram: Kapacitor rejected option enabled: failed to override configuration '
                                'telegram/: failed validation: must specify token')
    assert failed.value.result['changed'] is False
    assert fake.stored('telegram')['enabled'] is False
