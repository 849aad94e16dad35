# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Partial failure: bad input writes nothing; a rejection after writes is reported as such.

* kapacitor_alert_endpoints validates every endpoint before the first write: one bad endpoint
  (listed after good ones) leaves Kapacitor's whole configuration byte-identical.
* When Kapacitor rejects an endpoint after others were written, the task fails with
  changed=true, lists the endpoints written and names the one that failed.
* Kapacitor refuses the first override of the default Slack workspace once a workspace was
  added through its API (upstream: the unnamed workspace fails the list-wide check "id must
  not be empty"); the error explains it and still quotes Kapacitor's text.
"""

import json
import os

import pytest

from conftest import http_json, raw_config

PORT = 19162
KAPACITOR_TEXT = 'id must not be empty'


@pytest.fixture
def kapacitor(stack):
    """A fresh kapacitord per test: a bad value that slips through can brick it."""
    url = stack.start_kapacitord('races-bulk', PORT)
    yield url
    stack.stop_kapacitord('races-bulk')


def module_result(ansible, task, name='play'):
    """Run one module task and return its registered result."""
    out = os.path.join(ansible.workdir, '%s.result.json' % name)
    task = dict(task, register='result', ignore_errors=True)
    proc = ansible.playbook([task, {'ansible.builtin.copy': {'content': '{{ result | to_json }}', 'dest': out}}],
                            name=name)
    assert 'Traceback' not in proc.output, proc.output
    assert os.path.exists(out), proc.output
    with open(out) as handle:
        result = json.load(handle)
    # ansible-core 2.19 puts '(traceback unavailable)' under 'exception' of every failure.
    assert 'module_stderr' not in result and 'Traceback' not in str(result.get('exception', '')), result
    return result


def bulk(url, endpoints):
    return {'tick.kapacitor.kapacitor_alert_endpoints': {'kapacitor_url': url, 'endpoints': endpoints}}


def one_line(msg):
    assert msg and '\n' not in msg.strip(), msg
    return msg


# A good endpoint sorted before the bad one (the module converges sections in name order), so
# that a module validating as it goes has already written something when it meets the bad one.
BAD_INPUT = {
    'duration-out-of-range': ({'alerta': {'environment': 'bulk-partial'},
                               'kafka': [{'id': 'default', 'timeout': '9223372036854775808ns'}]}, 'timeout'),
    'int-out-of-range': ({'alerta': {'environment': 'bulk-partial'},
                          'kafka': [{'id': 'default', 'batch_size': 2 ** 63}]}, 'batch_size'),
    'password-not-a-string': ({'slack': [{'workspace': 'bulk', 'channel': '#bulk'}],
                               'smtp': {'password': False}}, 'password'),
}


@pytest.mark.parametrize('case', sorted(BAD_INPUT))
def test_one_bad_endpoint_writes_nothing(kapacitor, ansible, case):
    endpoints, option = BAD_INPUT[case]
    before = raw_config(kapacitor)
    assert before[0] == 200
    result = module_result(ansible, bulk(kapacitor, endpoints))
    after = raw_config(kapacitor)
    assert result.get('failed') is True, result
    assert result.get('changed') is False, result
    assert option in one_line(result['msg']), result['msg']
    assert after == before, 'the configuration changed although the task failed validation: %s' % result


REJECTED_AFTER_WRITES = {
    # Sections in name order: pagerduty2 and slack/a are written, then Kapacitor refuses telegram.
    'section': ({'pagerduty2': {'enabled': True, 'routing_key': 'bulk-partial-key'},
                 'slack': [{'workspace': 'a', 'channel': '#a'}],
                 'telegram': {'enabled': True}},
                ['pagerduty2', 'slack/a'], 'telegram', 'must specify token'),
    # Elements of one section in list order: slack/a is written, then Kapacitor refuses slack/b.
    'element': ({'slack': [{'workspace': 'a', 'channel': '#a'}, {'workspace': 'b', 'enabled': True}]},
                ['slack/a'], 'b', 'must specify url'),
}


@pytest.mark.parametrize('case', sorted(REJECTED_AFTER_WRITES))
def test_a_rejection_after_writes_fails_reporting_what_was_written(kapacitor, ansible, case):
    endpoints, written, failed, kapacitor_text = REJECTED_AFTER_WRITES[case]
    result = module_result(ansible, bulk(kapacitor, endpoints))
    assert result.get('failed') is True, result
    assert result.get('changed') is True, 'endpoints were written: %s' % result
    msg = one_line(result['msg'])
    assert kapacitor_text in msg, msg
    assert failed in msg.split('failed', 1)[-1], 'the message names the endpoint that failed: %s' % msg
    for label in written:
        assert label in msg, 'the message lists %s as written: %s' % (label, msg)
        assert result['endpoints'][label]['changed'] is True, result
    # What the result says was written really is on the server.
    slack_a = http_json(kapacitor + '/kapacitor/v1/config/slack/a')['options']
    assert slack_a['channel'] == '#a'
    if 'pagerduty2' in written:
        assert http_json(kapacitor + '/kapacitor/v1/config/pagerduty2')['elements'][0]['options']['enabled'] is True
        assert http_json(kapacitor + '/kapacitor/v1/config/telegram')['elements'][0]['options']['enabled'] is False


def test_default_slack_workspace_after_an_added_one_explains_the_upstream_bug(kapacitor, ansible):
    added = module_result(ansible, {'tick.kapacitor.kapacitor_slack': {
        'kapacitor_url': kapacitor, 'workspace': 'other', 'channel': '#other'}}, name='added')
    assert added.get('changed') is True and not added.get('failed'), added
    before = raw_config(kapacitor)
    result = module_result(ansible, {'tick.kapacitor.kapacitor_slack': {
        'kapacitor_url': kapacitor, 'channel': '#default'}}, name='default')
    assert result.get('failed') is True, result
    assert result.get('changed') is False, result
    msg = one_line(result['msg'])
    assert 'default workspace' in msg, msg
    assert KAPACITOR_TEXT in msg, 'Kapacitor\'s own text is quoted: %s' % msg
    assert raw_config(kapacitor) == before


def test_bulk_default_slack_workspace_after_an_added_one(kapacitor, ansible):
    """The same refusal inside the bulk module: the named workspace is written, then it fails."""
    result = module_result(ansible, bulk(kapacitor, {
        'slack': [{'workspace': 'other', 'channel': '#other'}, {'workspace': '', 'channel': '#default'}]}))
    assert result.get('failed') is True, result
    assert result.get('changed') is True, result
    msg = one_line(result['msg'])
    assert 'default workspace' in msg and KAPACITOR_TEXT in msg, msg
    assert 'slack/other' in msg, msg
    assert result['endpoints']['slack/other']['changed'] is True, result
    assert http_json(kapacitor + '/kapacitor/v1/config/slack/other')['options']['channel'] == '#other'
    assert http_json(kapacitor + '/kapacitor/v1/config/slack/')['options']['channel'] == ''
