# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Compatibility tests: the collection against real kapacitord 1.5.9, 1.6.5 and 1.7.6 (and 1.8.3
in the mixed fleet), side by side, through whole ansible-playbook runs.

Run by scripts/test.sh (stage "compat-versions") after the stack is up: tests/stack/stack.py up,
then `stack.py start-versions 1.5.9,1.6.5,1.7.6` (which builds and caches the older kapacitord
binaries, printing each build's time). The session fixture ``servers`` reuses the instances
it finds running (named after their version) and starts the missing ones itself, so
`pytest tests/compat` alone works on a running stack too. Every server gets a recording proxy
(tests/stack/recording_proxy.py) that counts what the modules send.

  TICK_COMPAT_VERSIONS   the older versions (default 1.5.9,1.6.5,1.7.6)
  TICK_COMPAT_NEWEST     the newest, for the mixed fleet (default 1.8.3)
  TICK_STACK_DIR         the stack's state dir, as for tests/stack/stack.py

The stack must run with its receivers, Kafka and MQTT brokers (`stack.py up` without
--without). What each version took (binary and start, the time of its tasks) is printed at the
end of the run.
"""

import collections
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, 'tests', 'stack'))

import stack as stack_module  # noqa: E402  (tests/stack/stack.py)
from collection import collections_root  # noqa: E402  (tests/stack/collection.py)
from observe import by_section, raw_config  # noqa: E402,F401  pylint: disable=unused-import

STATE_DIR = os.environ.get('TICK_STACK_DIR', os.path.join(REPO, '.stack'))
OLDER = [v for v in os.environ.get('TICK_COMPAT_VERSIONS', '1.5.9,1.6.5,1.7.6').split(',') if v]
NEWEST = os.environ.get('TICK_COMPAT_NEWEST', '1.8.3')
FLEET = OLDER + [NEWEST]
PROXY_PORT_BASE = 19520  # + minor version + the stack's port offset

TIMES = collections.OrderedDict((version, collections.Counter()) for version in FLEET)
PLAYBOOKS = []  # (name, seconds) of every ansible-playbook run


def vt(version):
    return stack_module.version_tuple(version)


class Server:
    """One kapacitord of the fleet: its version, URL and recording proxy."""

    def __init__(self, version, url, proxy):
        self.version = version
        self.url = url
        self.proxy = proxy
        self.api = url + '/kapacitor/v1'

    @property
    def tuple(self):
        return vt(self.version)

    def __repr__(self):
        return 'Server(%s)' % self.version

    def forget(self):
        http_json(self.proxy + '/_proxy/recorded', 'DELETE')

    def recorded(self):
        return http_json(self.proxy + '/_proxy/recorded')['requests']

    def config(self, path=''):
        """Parsed GET /kapacitor/v1/config[/path], straight from the server (None on 404)."""
        try:
            return http_json(self.api + '/config' + ('/' + path if path else ''))
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise


def http_json(url, method='GET', body=None, timeout=15):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header('Content-Type', 'application/json')
    with urllib.request.urlopen(request, timeout=timeout) as response:
        raw = response.read()
        return json.loads(raw) if raw else None


def methods(recorded):
    return collections.Counter(request['method'] for request in recorded)


class Ansible:
    """ansible-playbook with this repo's collection, on an inventory of local hosts, collecting
    every task result (tests/compat/callbacks/compat_results.py)."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.bin = os.path.dirname(sys.executable)
        self.env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_root(),
                        ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0',
                        ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false',
                        ANSIBLE_CALLBACK_PLUGINS=os.path.join(HERE, 'callbacks'),
                        ANSIBLE_CALLBACKS_ENABLED='compat_results',
                        ANSIBLE_ROLES_PATH=os.path.join(REPO, 'roles'))
        self.count = 0

    def inventory(self, hosts):
        """hosts: {name: {var: value}}; every host local, on this Python."""
        path = os.path.join(self.workdir, 'inventory-%d.json' % self.count)
        inventory = {'all': {'hosts': dict(
            (name, dict(variables, ansible_connection='local', ansible_python_interpreter=sys.executable))
            for name, variables in hosts.items())}}
        with open(path, 'w') as handle:
            json.dump(inventory, handle)
        return path

    def run(self, plays, hosts=None, args=(), name='play'):
        """Run plays (a list of plays, or a list of tasks for one play on every host).
        Returns (CompletedProcess, {host: {task name: entry}}), entry = {status, result}."""
        self.count += 1
        if plays and 'hosts' not in plays[0]:
            plays = [{'hosts': 'all', 'gather_facts': False, 'tasks': plays}]
        hosts = hosts or {'localhost': {}}
        playbook = os.path.join(self.workdir, '%s-%d.yml' % (name, self.count))
        with open(playbook, 'w') as handle:
            json.dump(plays, handle, indent=1)
        results = os.path.join(self.workdir, '%s-%d.results' % (name, self.count))
        env = dict(self.env, TICK_COMPAT_RESULTS=results)
        started = time.time()
        proc = subprocess.run([os.path.join(self.bin, 'ansible-playbook'), '-i', self.inventory(hosts), playbook]
                              + list(args), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              universal_newlines=True, timeout=900, check=False)
        PLAYBOOKS.append((name, time.time() - started))
        found = collections.defaultdict(dict)
        if os.path.exists(results):
            with open(results) as handle:
                for line in handle:
                    entry = json.loads(line)
                    # tasks of the other hosts (skipped here by their condition) have the same names
                    if entry['result'].get('skip_reason') != 'Conditional result was False':
                        found[entry['host']][entry['task']] = entry
                    version = entry['host'][len('kapacitor-'):]
                    if version in TIMES:
                        TIMES[version]['modules'] += entry['seconds']
        return proc, found


def host(version):
    return 'kapacitor-%s' % version


def run_steps(ansible, servers, versions, steps, name):
    """Run each step as one playbook over one host per version (in parallel, Ansible's forks).

    steps: [(label, tasks(server) -> [task], ansible-playbook args)], or a callable instead of a
    step, called between steps. Each version's tasks run on its host only, against its proxy.
    Returns {version: {label: {results: {task name: entry}, recorded, before, after}}}; every
    entry has status (ok, failed, skipped) and result."""
    out = dict((version, {}) for version in versions)
    hosts = dict((host(version), {}) for version in versions)
    for step in steps:
        if callable(step):
            step()
            continue
        label, make, args = step
        tasks = []
        for version in versions:
            for task in make(servers[version]):
                task = dict(task)
                condition = "inventory_hostname == '%s'" % host(version)
                task['when'] = [condition] + ([task['when']] if task.get('when') else [])
                tasks.append(task)
        before = {}
        for version in versions:
            servers[version].forget()
            before[version] = raw_config(servers[version].url)
        proc, results = ansible.run(tasks, hosts=hosts, args=args, name='%s-%s' % (name, label))
        for version in versions:
            out[version][label] = {'results': results.get(host(version), {}), 'recorded': servers[version].recorded(),
                                   'before': before[version], 'after': raw_config(servers[version].url),
                                   'output': proc.stdout}
    return out


def outcome(run, label, task_name, failed=False, skipped=False):
    """The result of a task run_steps ran for one version; it must have failed or been skipped
    (the module said so: kapacitor_service_test in check mode), or not."""
    entry = run[label]['results'].get(task_name)
    assert entry is not None, 'no result for %s %s: %s' % (label, task_name, run[label]['output'][-3000:])
    assert (entry['status'] == 'skipped') is skipped, '%s %s: %s' % (label, task_name, entry['status'])
    assert (entry['status'] == 'failed') is failed, entry['result'].get('msg')
    return entry['result']


def wait_http(url, timeout=10):
    deadline = time.time() + timeout
    while True:
        try:
            return http_json(url)
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.1)


@pytest.fixture(scope='session')
def stack():
    found = stack_module.Stack(STATE_DIR)
    if not found.state['kapacitord'].get('main') or not found.state.get('receiver'):
        pytest.fail('the stack is not up: run tests/stack/stack.py up first')
    if not found.state.get('kafka') or not found.state.get('mqtt'):
        pytest.fail('the compatibility tests need the stack\'s Kafka and MQTT brokers: tests/stack/stack.py up')
    return found


@pytest.fixture(scope='session')
def stack_vars(stack):
    return stack.integration_vars()


@pytest.fixture(scope='session')
def servers(stack):
    """{version: Server} of every fleet version: running instances named after their version
    are reused, missing ones started (and stopped at the end); a recording proxy each."""
    offset = stack.state.get('port_offset', 0)
    started = []
    proxies = []
    found = collections.OrderedDict()
    for version in FLEET:
        info = stack.state['kapacitord'].get(version)
        reported = None
        if info:
            try:
                reported = stack_module.server_version(info['url'])
            except OSError:
                reported = None
        begin = time.time()
        if reported != version:
            url = stack.start_versions([version], offset)[version]
            started.append(version)
        else:
            url = info['url']
        TIMES[version]['start'] += time.time() - begin
        assert stack_module.server_version(url) == version
        port = PROXY_PORT_BASE + vt(version)[1] + offset
        proc = subprocess.Popen([sys.executable, os.path.join(REPO, 'tests', 'stack', 'recording_proxy.py'),
                                 '--listen', str(port), '--upstream', url])
        proxies.append(proc)
        proxy = 'http://127.0.0.1:%d' % port
        wait_http(proxy + '/_proxy/recorded')
        found[version] = Server(version, url, proxy)
    yield found
    for proc in proxies:
        proc.terminate()
        proc.wait()
    for version in started:
        stack.stop_kapacitord(version)


@pytest.fixture(scope='session')
def ansible(tmp_path_factory):
    return Ansible(str(tmp_path_factory.mktemp('compat')))


def pytest_terminal_summary(terminalreporter):
    terminalreporter.section('time per Kapacitor version')
    terminalreporter.write_line('start: binary (built or cached) and server; modules: the time of its tasks (one '
                                'host per version, run in parallel)')
    for version, times in TIMES.items():
        terminalreporter.write_line('%-8s start %6.1f s   modules %6.1f s' % (version, times['start'], times['modules']))
    total = sum(seconds for _name, seconds in PLAYBOOKS)
    terminalreporter.write_line('%d ansible-playbook runs (all versions at once): %.1f s' % (len(PLAYBOOKS), total))
