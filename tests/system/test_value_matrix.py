# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Values Kapacitor cannot hold never reach it, against a real kapacitord of our own.

A sample generated from the section specs (every module at least once, every int option at
least once, kapacitor_config and the bulk module too): each task fails with one line naming
the option, and GET /kapacitor/v1/config is byte-identical before and after (an int past Go's
range used to be stored and answer 500 to every later GET). Then kapacitor_config's partial
SASLAuth keeps the other fields, a re-run is ok, its secret never shows in -vvv output, and
kapacitord still restarts.
"""

import json
import os

import pytest

from collection import SECTIONS, samples
from conftest import http_json, raw_config

SAMPLES = samples()

NAME, PORT = 'values-matrix', 19120
SASL_NAME, SASL_PORT = 'values-sasl', 19121
GO_INT = {'int': (-(1 << 63), (1 << 63) - 1), 'int64': (-(1 << 63), (1 << 63) - 1)}


@pytest.fixture(scope='module')
def kapacitor(stack):
    url = stack.start_kapacitord(NAME, PORT)
    yield url
    stack.stop_kapacitord(NAME)


@pytest.fixture
def sasl_kapacitor(stack):
    url = stack.start_kapacitord(SASL_NAME, SASL_PORT)
    yield url
    stack.stop_kapacitord(SASL_NAME)


def past_range(opt):
    """The first value past the int option's range: its declared bound, else its Go type."""
    low, high = opt.int_range() if hasattr(opt, 'int_range') else GO_INT['int']
    go_low, go_high = GO_INT.get(getattr(opt, 'go_type', 'int'), GO_INT['int'])
    return go_high + 1 if high == go_high else (high + 1 if high < go_high else low - 1)


def cases(url):
    """(case id, module, params, the option the one-line error must name)."""
    out = []
    for name in sorted(SECTIONS):
        section = SECTIONS[name]
        base = {'kapacitor_url': url}
        if section.is_list:
            base[section.element_key] = SAMPLES[name]['element']
        module = 'tick.kapacitor.kapacitor_%s' % name
        ints = [(n, o) for n, o in sorted(section.options.items()) if o.kind == 'int']
        for opt_name, opt in ints:
            out.append(('%s/%s' % (name, opt_name), module, dict(base, **{opt_name: past_range(opt)}), opt_name))
            if past_range(opt) != (1 << 63):
                out.append(('%s/%s-2**63' % (name, opt_name), module, dict(base, **{opt_name: 1 << 63}), opt_name))
        durations = [n for n, o in sorted(section.options.items()) if o.kind == 'duration']
        for opt_name in durations[:1]:
            out.append(('%s/%s-negative' % (name, opt_name), module, dict(base, **{opt_name: '-5s'}), opt_name))
            out.append(('%s/%s-past-go' % (name, opt_name), module, dict(base, **{opt_name: '9223372036854775808ns'}), opt_name))
        strings = [n for n, o in sorted(section.options.items()) if o.kind == 'str' and not o.parent]
        secret = next((n for n in strings if section.options[n].secret), None)
        if secret:  # password: false used to store the text "False"
            out.append(('%s/%s-bool' % (name, secret), module, dict(base, **{secret: False}), secret))
        elif strings:
            out.append(('%s/%s-list' % (name, strings[0]), module, dict(base, **{strings[0]: ['a']}), strings[0]))
        if section.is_list:
            out.append(('%s/element-newline' % name, module, dict(base, **{section.element_key: 'ops\n'}),
                        section.element_key))
    config = 'tick.kapacitor.kapacitor_config'
    kafka = {'kapacitor_url': url, 'section': 'kafka', 'element': 'default'}
    out += [
        ('config/batch-size-2**63', config, dict(kafka, options={'batch-size': 1 << 63}), 'batch-size'),
        ('config/batch-size-nan', config, dict(kafka, options={'batch-size': float('nan')}), 'batch-size'),
        ('config/batch-size-inf', config, dict(kafka, options={'batch-size': float('inf')}), 'batch-size'),
        ('config/sasl-partial-2**63', config, dict(kafka, options={'SASLAuth': {'SASLVersion': 1 << 63}}),
         'SASLAuth.SASLVersion'),
        ('config/timeout-past-go', config, dict(kafka, options={'timeout': '9223372036854775808ns'}), 'timeout'),
        ('config/element-newline', config, dict(kafka, element='default\n'), 'element'),
        ('config/section-newline', config, {'kapacitor_url': url, 'section': 'smtp\n', 'options': {'port': 25}},
         'section'),
        ('bulk/kafka-batch-size', 'tick.kapacitor.kapacitor_alert_endpoints',
         {'kapacitor_url': url, 'endpoints': {'kafka': [{'id': 'default', 'batch_size': 1 << 63}]}}, 'batch_size'),
    ]
    return out


def yaml_task(case_id, module, params):
    # JSON is YAML, except for NaN and infinities, which YAML spells .nan and .inf.
    text = json.dumps({'name': case_id, module: params, 'register': 'r', 'ignore_errors': True})
    return text.replace('-Infinity', '-.inf').replace('Infinity', '.inf').replace('NaN', '.nan')


@pytest.fixture(scope='module')
def matrix(kapacitor, tmp_path_factory):
    from conftest import Ansible
    work = tmp_path_factory.mktemp('values')
    out = str(work / 'results.json')
    generated = cases(kapacitor)
    lines = ['- ansible.builtin.set_fact: {matrix: []}']
    for case_id, module, params, _name in generated:
        lines.append('- ' + yaml_task(case_id, module, params))
        lines.append('- ' + json.dumps({'ansible.builtin.set_fact': {
            'matrix': '{{ matrix + [{"case": %s, "failed": r.failed | default(false), "changed": r.changed | default(false), '
                      '"msg": r.msg | default("")}] }}' % json.dumps(case_id)}}))
    lines.append('- ansible.builtin.copy: {content: "{{ matrix | to_json }}", dest: %s}' % json.dumps(out))
    before = raw_config(kapacitor)
    proc = Ansible(str(work)).playbook('\n'.join(lines) + '\n', name='values')
    after = raw_config(kapacitor)
    assert os.path.exists(out), proc.output[-3000:]
    with open(out) as handle:
        results = dict((r['case'], r) for r in json.load(handle))
    return {'cases': generated, 'results': results, 'before': before, 'after': after, 'output': proc.output}


def test_every_bad_value_fails_in_one_line_naming_the_option(matrix):
    modules = set(module for _c, module, _p, _n in matrix['cases'])
    assert len(modules) == len(SECTIONS) + 2  # every module, kapacitor_config and the bulk module
    bad = []
    for case_id, _module, _params, name in matrix['cases']:
        result = matrix['results'].get(case_id)
        if (result is None or not result['failed'] or result['changed'] or '\n' in result['msg']
                or name + ': ' not in result['msg'] or 'Traceback' in result['msg']):
            bad.append((case_id, result))
    assert not bad, bad
    for case_id, _module, _params, _name in matrix['cases']:
        print('%s: %s' % (case_id, matrix['results'][case_id]['msg']))
    print('value matrix: %d cases over %d modules' % (len(matrix['cases']), len(modules)))


def test_kapacitor_configuration_is_byte_identical_before_and_after(matrix):
    status, body = matrix['after']
    assert status == 200, 'GET /kapacitor/v1/config answers %d after the matrix: %s' % (status, body[:300])
    assert matrix['after'] == matrix['before']


def test_partial_sasl_object_keeps_the_other_fields_reruns_ok_and_stays_hidden(sasl_kapacitor, ansible, stack):
    kapacitor = sasl_kapacitor
    canary = 'CANARY-sasl-%d' % os.getpid()
    setup = [{'tick.kapacitor.kapacitor_kafka': {
        'kapacitor_url': kapacitor, 'id': 'default', 'sasl_username': 'alice', 'sasl_mechanism': 'PLAIN',
        'sasl_password': 'first-password', 'sasl_version': 1}}]
    first = ansible.playbook(setup, name='setup')
    assert first.returncode == 0, first.output
    task = [{'tick.kapacitor.kapacitor_config': {
        'kapacitor_url': kapacitor, 'section': 'kafka', 'element': 'default',
        'options': {'SASLAuth': {'SASLPassword': canary}}}, 'register': 'r'},
        {'ansible.builtin.debug': {'var': 'r'}}]
    changed = ansible.playbook(task, args=['-vvv', '--diff'], name='partial')
    assert changed.returncode == 0, changed.output[-3000:]
    assert 'changed=1' in changed.output
    assert canary not in changed.output
    sasl = http_json(kapacitor + '/kapacitor/v1/config/kafka/default')['options']['SASLAuth']
    assert sasl['SASLPassword'] == canary
    assert (sasl['SASLUsername'], sasl['SASLMechanism'], sasl['SASLVersion']) == ('alice', 'PLAIN', 1)
    assert sasl['SASLOAUTHExpiryMargin'] == 10 * 10 ** 9  # the default, resent as a duration
    again = ansible.playbook(task, args=['-vvv'], name='again')
    assert again.returncode == 0 and 'changed=0' in again.output, again.output[-3000:]
    assert canary not in again.output
    # kapacitord still starts from what was stored.
    stack.stop_kapacitord(SASL_NAME)
    stack.start_kapacitord(SASL_NAME, SASL_PORT, fresh=False)
    status, _body = raw_config(kapacitor)
    assert status == 200
    assert http_json(kapacitor + '/kapacitor/v1/config/kafka/default')['options']['SASLAuth']['SASLPassword'] == canary
