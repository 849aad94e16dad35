# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The bad-input matrix: for every alert-section module, every kind of bad input fails with
one clear line naming the problem, and Kapacitor's whole configuration is unchanged.

Kinds: wrong type, invalid duration, fractional integer, unknown choice, element name Kapacitor
cannot address, unknown element where one cannot be added, a value Kapacitor's validation
rejects, Kapacitor unreachable, a wrong port (an HTTP server that is not Kapacitor), a server
that never answers, a server that fails with 5xx.
"""

import json
import os
import socket

import pytest

from collection import SECTIONS, samples
from conftest import Ansible, http_json

# Per section: the element its tests address, and options its own validation rejects
# (Kapacitor answers 400) without enabling anything that would connect somewhere.
SAMPLES = samples()


def first(section, kind, **extra):
    for name, opt in sorted(section.options.items()):
        if opt.kind == kind and not opt.parent and all(getattr(opt, k) == v for k, v in extra.items()):
            return name
    return None


def cases_for(name, urls):
    """(case id, module params, text the one-line error must contain)."""
    section = SECTIONS[name]
    base = {'kapacitor_url': urls['kapacitor']}
    if section.is_list:
        base[section.element_key] = SAMPLES[name]['element']
    cases = []
    # httppost has neither bools nor lists: use its headers, a free mapping (basic_auth has fixed keys).
    option = first(section, 'bool') or first(section, 'list') or first(section, 'dict', suboptions=None)
    kind = section.options[option].kind
    wrong = {'bool': 'sometimes', 'list': {'a': 1}, 'dict': ['x']}[kind]
    fine = {'bool': True, 'list': ['x'], 'dict': {'X-Matrix': 'yes'}}[kind]
    cases.append(('wrong-type', dict(base, **{option: wrong}), option))
    duration = first(section, 'duration')
    if duration:
        cases.append(('duration', dict(base, **{duration: '10 seconds'}), duration))
    integer = first(section, 'int')
    if integer:
        cases.append(('fraction', dict(base, **{integer: 1.5}), integer))
    choice = next((n for n, o in sorted(section.options.items()) if o.choices), None)
    if choice:
        cases.append(('choice', dict(base, **{choice: 'NotAChoice'}), choice))
    if section.is_list:
        cases.append(('element-name', dict(base, **{section.element_key: 'bad.name'}), section.element_key))
    if not section.can_add:
        cases.append(('unknown-element', dict(base, **{section.element_key: 'not-in-the-file'}), 'kapacitor.conf'))
    cases.append(('rejected', dict(base, **SAMPLES[name]['rejected']), 'Kapacitor rejected'))
    plain = dict(base, **{option: fine})
    cases.append(('unreachable', dict(plain, kapacitor_url=urls['unreachable']), 'connection refused'))
    cases.append(('wrong-port', dict(plain, kapacitor_url=urls['wrong_port']), 'pointing at Kapacitor'))
    cases.append(('timeout', dict(plain, kapacitor_url=urls['silent'], request_timeout=1), 'no complete answer from Kapacitor within 1 s'))
    cases.append(('5xx', dict(plain, kapacitor_url=urls['failing']), 'HTTP 500'))
    return [('%s/%s' % (name, case), params, expected) for case, params, expected in cases]


@pytest.fixture(scope='module')
def matrix(stack_vars, tmp_path_factory):
    silent = socket.socket()  # accepts connections, never answers
    silent.bind(('127.0.0.1', 0))
    silent.listen(64)
    refused = socket.socket()
    refused.bind(('127.0.0.1', 0))
    refused_port = refused.getsockname()[1]
    refused.close()
    urls = {
        'kapacitor': stack_vars['kapacitor_url'],
        'unreachable': 'http://127.0.0.1:%d' % refused_port,
        'wrong_port': stack_vars['receiver_url'],  # answers 200 {"ok": true} to anything
        'silent': 'http://127.0.0.1:%d' % silent.getsockname()[1],
        'failing': stack_vars['receiver_url'] + '/_status/500',
    }
    cases = [case for name in sorted(SECTIONS) for case in cases_for(name, urls)]
    work = tmp_path_factory.mktemp('matrix')
    out = str(work / 'results.json')
    tasks = [{'ansible.builtin.set_fact': {'matrix': []}}]
    for case_id, params, _expected in cases:
        module = 'tick.kapacitor.kapacitor_%s' % case_id.split('/')[0]
        tasks.append({'name': case_id, module: params, 'register': 'r', 'ignore_errors': True})
        tasks.append({'ansible.builtin.set_fact': {'matrix': '{{ matrix + [{"case": %s, "failed": r.failed | default(false), '
                                                             '"changed": r.changed | default(false), "msg": r.msg | default("")}] }}'
                                                             % json.dumps(case_id)}})
    tasks.append({'ansible.builtin.copy': {'content': '{{ matrix | to_json }}', 'dest': out}})
    before = http_json(urls['kapacitor'] + '/kapacitor/v1/config')
    proc = Ansible(str(work)).playbook(tasks, name='matrix')
    after = http_json(urls['kapacitor'] + '/kapacitor/v1/config')
    silent.close()
    assert os.path.exists(out), proc.output[-3000:]
    with open(out) as handle:
        results = dict((r['case'], r) for r in json.load(handle))
    return {'cases': cases, 'results': results, 'before': before, 'after': after}


def all_cases():
    urls = dict.fromkeys(('kapacitor', 'unreachable', 'wrong_port', 'silent', 'failing'), 'http://x')
    return [(case_id, expected) for name in sorted(SECTIONS) for case_id, _p, expected in cases_for(name, urls)]


@pytest.mark.parametrize('case_id, expected', all_cases())
def test_bad_input_fails_with_one_clear_line(matrix, case_id, expected):
    result = matrix['results'][case_id]
    assert result['failed'] is True, result
    assert result['changed'] is False, result
    assert '\n' not in result['msg'], result['msg']
    assert expected in result['msg'], result['msg']


def test_kapacitor_config_is_identical_before_and_after(matrix):
    print('bad-input matrix: %d cases over %d modules' % (len(matrix['cases']), len(SECTIONS)))
    assert matrix['after'] == matrix['before']
