# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""System tests: whole ansible-playbook runs against real kapacitord processes.

Run by scripts/test.sh (stage "system") after the stack is up. They start extra kapacitord
processes of their own (auth, TLS, restarts) through tests/stack/stack.py.
"""

import json
import os
import subprocess
import sys
import textwrap
import urllib.request

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
# The one place tests/stack goes on sys.path: test files import its modules directly
# (stack, collection for SECTIONS, samples() and the collections path).
sys.path.insert(0, os.path.join(REPO, 'tests', 'stack'))

import stack as stack_module  # noqa: E402  (tests/stack/stack.py)
from collection import collections_root  # noqa: E402  (tests/stack/collection.py)
from observe import raw_config  # noqa: E402,F401  pylint: disable=unused-import

STATE_DIR = os.environ.get('TICK_STACK_DIR', os.path.join(REPO, '.stack'))


@pytest.fixture(scope='session')
def stack():
    found = stack_module.Stack(STATE_DIR)
    if not found.state['kapacitord'].get('main'):
        pytest.fail('the stack is not up: run tests/stack/stack.py up first')
    return found


@pytest.fixture(scope='session')
def stack_vars(stack):
    return stack.integration_vars()


class Ansible:
    """Runs playbooks and ad-hoc modules on localhost with this repo's collection."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.bin = os.path.dirname(sys.executable)
        self.env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_root(),
                        ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0',
                        ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false')
        self.inventory = os.path.join(workdir, 'inventory')
        with open(self.inventory, 'w') as handle:
            handle.write('localhost ansible_connection=local ansible_python_interpreter=%s\n' % sys.executable)

    def playbook(self, tasks, args=(), extra_env=None, name='play'):
        """Run tasks (YAML text or a list) in one play; returns CompletedProcess with .output."""
        if not isinstance(tasks, str):
            tasks = json.dumps(tasks)
        path = os.path.join(self.workdir, '%s.yml' % name)
        with open(path, 'w') as handle:
            handle.write('- hosts: localhost\n  gather_facts: false\n  tasks:\n')
            handle.write(textwrap.indent(tasks if tasks.startswith('-') else tasks, '    '))
        env = dict(self.env, **(extra_env or {}))
        proc = subprocess.run([os.path.join(self.bin, 'ansible-playbook'), '-i', self.inventory, path] + list(args),
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              universal_newlines=True, timeout=600, check=False)
        proc.output = proc.stdout
        return proc


@pytest.fixture
def ansible(tmp_path):
    return Ansible(str(tmp_path))


def http_json(url, method='GET', body=None, headers=None, context=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        request.add_header('Content-Type', 'application/json')
    with urllib.request.urlopen(request, timeout=10, context=context) as response:
        raw = response.read()
        return json.loads(raw) if raw else None
