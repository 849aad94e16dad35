#!/usr/bin/env python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What converging Kapacitor's alert endpoints costs with this collection, and the alternatives.

  .venv/bin/python benchmarks/run.py [--quick] [--runs N] [--fleet 1,8,32] [--out benchmarks/results.json]

Starts its own kapacitord processes and recording receiver (tests/stack/stack.py, own state dir
and ports; see --port-offset), runs real ansible-playbook processes against them and stops
everything at the end. It measures, for the same alert endpoints throughout (one per alert
section this collection has a module for, from tests/samples.yml):

  1. the collection: one task per endpoint (a different module each) and the
     tick.kapacitor.alert_endpoints role (one kapacitor_alert_endpoints task), each in-process
     (the default on the control node) and with module execution forced
     (TICK_KAPACITOR_EXECUTION=module); first run and unchanged re-run; which path the tasks
     took is checked once in -vvv output (AnsiballZ payloads);
  2. the same settings as hand-written ansible.builtin.uri POST tasks, and as many debug tasks
     (Ansible's own per-task cost); the issue's targets are printed with the ratios;
  3. template-and-restart: kapacitord.conf templated by Ansible, kapacitord restarted; how long
     the API is away, and which alerts (sent continuously through a configured Slack handler
     to the local receiver) are lost, against the same change made through the API;
  4. requests per module run (changed, unchanged, check mode, test alert), counted by
     tests/stack/recording_proxy.py;
  5. a fleet: per-endpoint tasks and the role on N kapacitord processes (forks = min(N, 16)),
     wall time per host and the controller's peak memory;
  and profiles one module run (Ansible's per-task cost, Python start-up, imports, HTTP).

Times are medians of --runs runs with their spread; ratios are computed per run (both sides
measured minutes apart) and summarised the same way. Standard library and ansible-core only.
"""

import argparse
import collections
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, 'tests', 'stack'))
import collection  # noqa: E402  (tests/stack/collection.py)
import stack as stack_module  # noqa: E402  (tests/stack/stack.py)
from collection import SECTIONS  # noqa: E402

# ansible-playbook's ANSIBLE_COLLECTIONS_PATH, and the PYTHONPATH of the profile's processes
COLLECTIONS = collection.collections_root()


def log(message):
    sys.stderr.write('[bench %s] %s\n' % (time.strftime('%H:%M:%S'), message))
    sys.stderr.flush()


# -- the endpoints ------------------------------------------------------------------------
def endpoints(recv, variant=0):
    """Every alert section, in module form (tests/samples.yml's ``endpoint``s): enabled ones post
    to the local receiver (under /_status/<code>/ where Kapacitor wants a particular answer, so
    that test alerts succeed); Kafka and MQTT stay disabled (they would need a broker).
    ``variant`` changes Slack's channel."""
    found = {}
    for name in sorted(SECTIONS):
        options = collection.endpoint(name, recv)
        if name == 'slack' and variant:
            options['channel'] = '%s-%d' % (options['channel'], variant)
        found[name] = [options] if SECTIONS[name].is_list else options
    return found


def elements(eps):
    """[(section, element name or None, module options)] in a stable order."""
    found = []
    for name in sorted(eps):
        section = SECTIONS[name]
        items = eps[name] if section.is_list else [eps[name]]
        for item in items:
            element = item.get(section.element_key) if section.is_list else None
            found.append((name, element, item))
    return found


def api_options(section_name, options):
    """Module options -> Kapacitor's option names (what the API and kapacitor.conf take)."""
    section = SECTIONS[section_name]
    return dict((section.options[key].api_name, value) for key, value in options.items()
                if key != section.element_key)


def literal(value):
    """Values as Ansible must see them: Go templates ({{ .ID }}) kept from Jinja."""
    if isinstance(value, dict):
        return dict((k, literal(v)) for k, v in value.items())
    if isinstance(value, list):
        return [literal(v) for v in value]
    if isinstance(value, str) and ('{{' in value or '{%' in value):
        return '{%% raw %%}%s{%% endraw %%}' % value
    return value


def element_path(section_name, element):
    return '/kapacitor/v1/config/%s/%s' % (section_name, element or '')


def toml_tables(eps):
    """The same settings as kapacitord.conf tables (rendered by templates/kapacitord.conf.j2)."""
    tables = []
    for name, element, options in elements(eps):
        section = SECTIONS[name]
        table = {}
        if section.is_list:
            table[section.element_api_key] = element
        table.update(api_options(name, options))
        tables.append({'name': name, 'list': section.is_list, 'options': table})
    return tables


# -- small helpers --------------------------------------------------------------------------
def http(url, method='GET', body=None, timeout=10):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header('Content-Type', 'application/json')
    with urllib.request.urlopen(request, timeout=timeout) as response:
        raw = response.read()
        return response.status, (json.loads(raw) if raw else None)


def summary(samples):
    samples = [s for s in samples if s is not None]
    if not samples:
        return None
    med = statistics.median(samples)
    return {'median': med, 'min': min(samples), 'max': max(samples), 'n': len(samples),
            'spread_pct': (max(samples) - min(samples)) / med * 100 if med else 0.0, 'samples': samples}


def fmt(stat, unit='s', digits=2):
    if not stat:
        return 'n/a'
    if stat['n'] == 1:
        return '%.*f %s' % (digits, stat['median'], unit)
    return '%.*f %s (%.*f-%.*f)' % (digits, stat['median'], unit, digits, stat['min'], digits, stat['max'])


def wait_port_free(port):
    try:
        socket.create_connection(('127.0.0.1', port), timeout=0.5).close()
    except OSError:
        return
    raise SystemExit('port %d is in use: choose another --port-offset' % port)


# The collection's switch to force module execution (plugins/action/kapacitor.py); without it
# tasks on the control node run in-process.
EXECUTION_ENV = 'TICK_KAPACITOR_EXECUTION'
MODES = ('in_process', 'module')
MODE_LABEL = {'in_process': 'in-process', 'module': 'module execution'}


def proc_children():
    """{parent pid: [child pids]} of every process (this kernel has no /proc/<pid>/task/*/children)."""
    children = collections.defaultdict(list)
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % entry) as handle:
                stat = handle.read()
        except OSError:
            continue
        # the command name may hold spaces and parentheses: fields start after the last ')'
        ppid = int(stat[stat.rindex(')') + 2:].split()[1])
        children[ppid].append(int(entry))
    return children


def pss_kb(pid):
    """Proportional set size: shared pages (forked workers share most of theirs with
    ansible-playbook) count once in a sum over processes, which RSS would count per process."""
    try:
        with open('/proc/%d/smaps_rollup' % pid) as handle:
            for line in handle:
                if line.startswith('Pss:'):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class TreeMemory:
    """Samples the memory of a process and all its descendants every INTERVAL seconds until
    finish(): peak_mb is the largest sum of PSS seen (the controller's memory: ansible-playbook,
    its forked workers, and in module execution the module processes they start)."""

    INTERVAL = 0.1

    def __init__(self, pid):
        self.pid = pid
        self.peak_mb = 0.0
        self.peak_processes = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop.is_set():
            children = proc_children()
            tree, todo = [], [self.pid]
            while todo:
                pid = todo.pop()
                tree.append(pid)
                todo.extend(children.get(pid, ()))
            total = sum(pss_kb(pid) for pid in tree) / 1024.0
            if total > self.peak_mb:
                self.peak_mb = total
            self.peak_processes = max(self.peak_processes, len(tree))
            self.stop.wait(self.INTERVAL)

    def finish(self):
        self.stop.set()
        self.thread.join()


class Bench:
    def __init__(self, args):
        self.args = args
        self.python = sys.executable
        self.playbook_bin = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
        if not os.path.exists(self.playbook_bin):
            self.playbook_bin = shutil.which('ansible-playbook')
        self.dir = os.path.abspath(args.state_dir or tempfile.mkdtemp(prefix='tick-kapacitor-bench-'))
        self.work = os.path.join(self.dir, 'work')
        os.makedirs(self.work, exist_ok=True)
        off = args.port_offset
        self.ports = {'kapacitor': 19092 + off, 'receiver': 19300 + off, 'receiver_tcp': 19301 + off,
                      'receiver_udp': 19302 + off, 'receiver_smtp': 19025 + off,
                      'template': 19310 + off, 'proxy': 19311 + off, 'fleet': 19312 + off}
        self.stack = stack_module.Stack(self.dir)
        self.results = {}
        self.procs = []

    # -- processes ------------------------------------------------------------------------
    def up(self):
        fleet_max = max(self.args.fleet)
        for key in ('kapacitor', 'receiver', 'receiver_tcp', 'receiver_smtp', 'template', 'proxy'):
            wait_port_free(self.ports[key])
        for i in range(fleet_max):
            wait_port_free(self.ports['fleet'] + i)
        self.stack.start_receiver(self.ports['receiver'], self.ports['receiver_tcp'], self.ports['receiver_udp'],
                                  self.ports['receiver_smtp'])
        self.recv = self.stack.state['receiver']
        self.binary = self.stack.kapacitord_binary()
        self.url = self.stack.start_kapacitord('main', self.ports['kapacitor'], binary=self.binary)
        self.eps = endpoints(self.recv)

    def down(self):
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
                proc.wait()
        tmpl = os.path.join(self.dir, 'template', 'kapacitord.pid')
        if os.path.exists(tmpl):
            sys.path.insert(0, HERE)
            import restart_kapacitord
            restart_kapacitord.stop(tmpl)
            os.remove(tmpl)
        self.stack.down()
        if not self.args.keep_state:
            shutil.rmtree(self.dir, ignore_errors=True)

    # -- ansible --------------------------------------------------------------------------
    def inventory(self, urls, name='inventory'):
        path = os.path.join(self.work, name)
        with open(path, 'w') as handle:
            for i, url in enumerate(urls):
                handle.write('kapacitor%d ansible_connection=local ansible_python_interpreter=%s kapacitor_url=%s\n'
                             % (i, self.python, url))
        return path

    def write(self, name, data):
        path = os.path.join(self.work, name)
        with open(path, 'w') as handle:
            json.dump(data, handle, indent=1)
        return path

    def playbook(self, playbook, inventory, forks=1, check=False, extra_vars=None, label='play', mode=None,
                 memory=False, verbose=False):
        """Run ansible-playbook; returns wall seconds, per-task times, the recap and memory.

        ``mode``: 'in_process' or 'module' (forced with TICK_KAPACITOR_EXECUTION=module), None
        for whatever the collection does by default. ``memory``: also sample the controller's
        process tree (see TreeMemory)."""
        timer = os.path.join(self.work, 'timer-%s.json' % label)
        if os.path.exists(timer):
            os.remove(timer)
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_NOCOLOR='1',
                   ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false',
                   ANSIBLE_CALLBACK_PLUGINS=os.path.join(HERE, 'callback_plugins'),
                   ANSIBLE_CALLBACKS_ENABLED='bench_timer', BENCH_TIMER_OUT=timer,
                   ANSIBLE_RETRY_FILES_ENABLED='false', ANSIBLE_DEPRECATION_WARNINGS='false',
                   ANSIBLE_HOME=os.path.join(self.dir, 'ansible-home'),
                   PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get('PATH', ''))
        env.pop(EXECUTION_ENV, None)
        if mode == 'module':
            env[EXECUTION_ENV] = 'module'
        cmd = [self.playbook_bin, '-i', inventory, '-f', str(forks), playbook]
        if check:
            cmd.append('--check')
        if verbose:
            cmd.append('-vvv')
        if extra_vars:
            cmd += ['-e', '@' + extra_vars]
        output = os.path.join(self.work, 'output-%s.txt' % label)
        with open(output, 'w') as out:
            started = time.perf_counter()
            proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            sampler = TreeMemory(proc.pid) if memory else None
            watchdog = threading.Timer(1800, proc.kill)
            watchdog.start()
            # wait4, not wait: its rusage is the largest single process among ansible-playbook
            # and every descendant it (or they) reaped
            _pid, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - started
            watchdog.cancel()
            proc.returncode = os.waitstatus_to_exitcode(status)
        if sampler:
            sampler.finish()
        with open(output) as handle:
            text = handle.read()
        if proc.returncode != 0 or not os.path.exists(timer):
            raise SystemExit('ansible-playbook %s failed (rc %d):\n%s' % (label, proc.returncode, text[-4000:]))
        with open(timer) as handle:
            found = json.load(handle)
        found['wall'] = wall
        found['changed'] = sum(r['changed'] for r in found['recap'].values())
        found['failed'] = sum(r['failures'] for r in found['recap'].values())
        found['max_process_rss_mb'] = usage.ru_maxrss / 1024.0
        if sampler:
            found['tree_pss_peak_mb'] = sampler.peak_mb
            found['tree_processes_peak'] = sampler.peak_processes
        if verbose:
            found['output'] = text
        return found

    def play(self, tasks, name, hosts='all', handlers=None, roles=None, variables=None):
        play = {'name': name, 'hosts': hosts, 'gather_facts': False}
        if variables:
            play['vars'] = variables
        if roles:
            play['roles'] = roles
        play['tasks'] = tasks
        if handlers:
            play['handlers'] = handlers
        return self.write('%s.yml' % name, [play])

    # -- playbooks ------------------------------------------------------------------------
    def module_tasks(self, eps, **extra):
        tasks = []
        for name, element, options in elements(eps):
            params = dict(literal(options), kapacitor_url='{{ kapacitor_url }}')
            for key, value in extra.items():
                if key == 'test_alert' and options.get('enabled') is False:
                    continue
                params[key] = value
            task = {'name': '%s %s' % (name, element if element is not None else ''),
                    'tick.kapacitor.kapacitor_%s' % name: params}
            if 'test_alert' in extra:
                task['ignore_errors'] = True
            tasks.append(task)
        return tasks

    def uri_tasks(self, eps):
        tasks = []
        for name, element, options in elements(eps):
            tasks.append({'name': 'POST %s %s' % (name, element if element is not None else ''),
                          'ansible.builtin.uri': {
                              'url': '{{ kapacitor_url }}' + element_path(name, element), 'method': 'POST',
                              'body_format': 'json', 'body': {'set': literal(api_options(name, options))},
                              'status_code': 204}})
        return tasks

    def role_play(self, name, eps, **options):
        variables = {'alert_endpoints_endpoints': literal(eps)}
        variables.update(('alert_endpoints_%s' % k, v) for k, v in options.items())
        return self.play([], name, roles=['tick.kapacitor.alert_endpoints'], variables=variables)

    def reset(self, url):
        """Remove every option the benchmark sets (API overrides), back to kapacitord.conf."""
        for name, element, options in elements(self.eps):
            http(url + element_path(name, element), 'POST', {'delete': sorted(api_options(name, options))})

    def execution_check(self, inv, per_task, role):
        """Which path the tasks really took, from -vvv output: module execution transfers one
        AnsiballZ payload per module, in-process execution none."""
        found = {}
        for mode in MODES:
            for key, book in (('per_endpoint', per_task), ('role', role)):
                self.reset(self.url)
                result = self.playbook(book, inv, mode=mode, verbose=True, label='execution-%s-%s' % (key, mode))
                found['%s_%s' % (key, mode)] = sorted(set(re.findall(r'AnsiballZ_(kapacitor_\w+)\.py', result['output'])))
        n = len(self.eps)
        # module execution must show its payloads, or this check cannot see anything
        assert len(found['per_endpoint_module']) == n and found['role_module'] == ['kapacitor_alert_endpoints'], found
        if found['per_endpoint_in_process'] or found['role_in_process']:
            log('WARNING: the in-process runs took the module path (AnsiballZ payloads of %s): '
                'both columns measure module execution' % ', '.join(found['per_endpoint_in_process'] + found['role_in_process']))
        return found

    # -- 1 and 2: one host --------------------------------------------------------------
    def single_host(self):
        n = len(elements(self.eps))
        log('single host: %d endpoints, %d runs' % (n, self.args.runs))
        inv = self.inventory([self.url])
        per_task = self.play(self.module_tasks(self.eps), 'per-endpoint')
        role = self.role_play('role', self.eps)
        uri = self.play(self.uri_tasks(self.eps), 'uri')
        debug = self.play([{'name': 'debug %d' % i, 'ansible.builtin.debug': {'msg': 'x'}} for i in range(n)], 'debug')
        empty = self.play([], 'empty')
        execution = self.execution_check(inv, per_task, role)
        approaches = [('per_endpoint_in_process', per_task, 'in_process'), ('per_endpoint_module', per_task, 'module'),
                      ('role_in_process', role, 'in_process'), ('role_module', role, 'module'), ('uri', uri, None)]
        samples = collections.defaultdict(list)     # wall seconds per run
        per_task_mean = collections.defaultdict(list)  # per run: the mean of the play's task times
        checks = collections.defaultdict(list)
        for run in range(self.args.runs):
            for approach, book, mode in approaches:
                self.reset(self.url)
                first = self.playbook(book, inv, mode=mode, label='%s-first' % approach)
                again = self.playbook(book, inv, mode=mode, label='%s-again' % approach)
                for when, result in (('first', first), ('again', again)):
                    samples['%s_%s' % (approach, when)].append(result['wall'])
                    per_task_mean['%s_%s' % (approach, when)].append(
                        sum(t['seconds'] for t in result['tasks']) / len(result['tasks']))
                checks[approach].append((first['changed'], again['changed']))
                log('run %d %-24s first %.1f s (changed %d), again %.1f s (changed %d)' % (
                    run + 1, approach, first['wall'], first['changed'], again['wall'], again['changed']))
            for approach, book in (('debug', debug), ('empty', empty)):
                result = self.playbook(book, inv, label=approach)
                samples[approach].append(result['wall'])
                if result['tasks']:
                    per_task_mean[approach].append(sum(t['seconds'] for t in result['tasks']) / len(result['tasks']))
            log('run %d debug %.1f s, empty play %.1f s' % (run + 1, samples['debug'][-1], samples['empty'][-1]))
            # the uri tasks posted exactly what the collection would: it finds nothing to change
            verify = self.playbook(role, inv, check=True, label='verify-uri')
            checks['role_check_after_uri'].append(verify['changed'])
        for mode in MODES:
            assert all(c == (n, 0) for c in checks['per_endpoint_' + mode]), checks
            assert all(c == (1, 0) for c in checks['role_' + mode]), checks
        assert all(c == 0 for c in checks['role_check_after_uri']), checks['role_check_after_uri']

        def per_run(a, b, source=None, minus=None):
            source = samples if source is None else source
            base = source[minus] if minus else [0.0] * len(source[a])
            return [(x - z) / (y - z) for x, y, z in zip(source[a], source[b], base)]

        ratios = {
            # the targets
            'in_process_vs_module_first': per_run('per_endpoint_in_process_first', 'per_endpoint_module_first'),
            'in_process_vs_module_again': per_run('per_endpoint_in_process_again', 'per_endpoint_module_again'),
            'in_process_vs_uri_first': per_run('per_endpoint_in_process_first', 'uri_first'),
            'in_process_vs_uri_again': per_run('per_endpoint_in_process_again', 'uri_again'),
            'task_in_process_vs_debug_again': per_run('per_endpoint_in_process_again', 'debug', per_task_mean),
            # the same from wall times, less the empty play's: every per-task cost the callback cannot see
            'net_in_process_vs_debug_again': per_run('per_endpoint_in_process_again', 'debug', minus='empty'),
            # the rest
            'module_vs_uri_first': per_run('per_endpoint_module_first', 'uri_first'),
            'module_vs_uri_again': per_run('per_endpoint_module_again', 'uri_again'),
            'role_in_process_vs_module_first': per_run('role_in_process_first', 'role_module_first'),
            'role_in_process_vs_module_again': per_run('role_in_process_again', 'role_module_again'),
            'role_vs_uri_first': per_run('role_in_process_first', 'uri_first'),
            'role_vs_per_endpoint_first': per_run('role_in_process_first', 'per_endpoint_in_process_first'),
            'per_endpoint_again_vs_first': per_run('per_endpoint_in_process_again', 'per_endpoint_in_process_first'),
        }
        self.results['single_host'] = {
            'endpoints': n, 'sections': len(self.eps),
            'execution_check': execution,
            'wall_seconds': dict((k, summary(v)) for k, v in samples.items()),
            'task_seconds': dict((k, summary(v)) for k, v in per_task_mean.items()),
            'ratios': dict((k, summary(v)) for k, v in ratios.items()),
            'changed_counts': checks,
        }

    # -- 3: template and restart --------------------------------------------------------
    def template_conf_base(self, data):
        http_keys = {'bind-address': '"127.0.0.1:%d"' % self.ports['template'], 'log-enabled': 'false',
                     'auth-enabled': 'false', 'https-enabled': 'false'}
        base = stack_module.KAPACITORD_CONF.split('# httppost endpoints only work', maxsplit=1)[0]
        return base.format(data=data, receiver_url=self.recv['url'],
                           http='\n'.join('  %s = %s' % item for item in sorted(http_keys.items())))

    def template_restart(self):
        sys.path.insert(0, HERE)
        import restart_kapacitord
        log('template and restart: %d runs' % self.args.runs)
        base = os.path.join(self.dir, 'template')
        data = os.path.join(base, 'data')
        shutil.rmtree(base, ignore_errors=True)
        os.makedirs(data)
        conf = os.path.join(base, 'kapacitord.conf')
        pidfile = os.path.join(base, 'kapacitord.pid')
        logfile = os.path.join(base, 'kapacitord.log')
        url = 'http://127.0.0.1:%d' % self.ports['template']
        inv = self.inventory([url], name='inventory-template')
        restart = [self.python, os.path.join(HERE, 'restart_kapacitord.py'), '--binary', self.binary,
                   '--conf', conf, '--pidfile', pidfile, '--log', logfile]
        book = self.play([
            {'name': 'Template kapacitord.conf', 'ansible.builtin.template': {
                'src': os.path.join(HERE, 'templates', 'kapacitord.conf.j2'), 'dest': conf, 'mode': '0644'},
             'notify': 'restart kapacitord'},
        ], 'template', handlers=[
            {'name': 'Restart kapacitord', 'listen': 'restart kapacitord',
             'ansible.builtin.command': {'argv': restart}},
            {'name': 'Wait until the API answers', 'listen': 'restart kapacitord',
             'ansible.builtin.uri': {'url': url + '/kapacitor/v1/ping', 'status_code': [204, -1]},
             'register': 'ping', 'until': 'ping.status == 204', 'retries': 600, 'delay': 0.1},
        ])
        base_conf = self.template_conf_base(data)

        def template_vars(variant):
            return self.write('template-vars.json', {'bench_base_conf': base_conf,
                                                     'bench_tables': literal(toml_tables(endpoints(self.recv, variant)))})

        # first deployment: render and start, then check the file holds what the API approach sets
        self.playbook(book, inv, extra_vars=template_vars(0), label='template-initial')
        stack_module.wait_http(url + '/kapacitor/v1/ping', _Pid(pidfile), logfile, expect=204)
        same = self.playbook(self.role_play('role-verify', self.eps), inv, check=True, label='verify-template')
        assert same['changed'] == 0, 'kapacitord.conf does not hold the same settings'
        define_alert_task(url)
        # the API side starts from the same settings, applied by the role
        self.reset(self.url)
        inv_main = self.inventory([self.url])
        assert self.playbook(self.role_play('role', self.eps), inv_main, label='role-initial')['changed'] == 1
        define_alert_task(self.url)

        samples = collections.defaultdict(list)
        loss_runs = []
        variant = 0
        for run in range(self.args.runs):
            # a change: the template renders a new file, the handler restarts kapacitord
            variant += 1
            extra = template_vars(variant)
            with AlertStream(url, self.recv['url']) as stream:
                result = self.playbook(book, inv, extra_vars=extra, label='template-change')
            assert result['changed'] >= 1
            loss = stream.report()
            loss['playbook_seconds'] = result['wall']
            loss_runs.append(dict(loss, approach='template_restart'))
            samples['template_change'].append(result['wall'])
            samples['api_down'].append(loss['api_down_seconds'])
            samples['template_lost_alerts'].append(loss['lost'])
            samples['template_loss_window'].append(loss['loss_window_seconds'])
            # the same file again: nothing to do
            again = self.playbook(book, inv, extra_vars=extra, label='template-again')
            assert again['changed'] == 0
            samples['template_again'].append(again['wall'])
            # the same change through the API (the role), alerts flowing to the same handler
            role = self.role_play('role-variant', endpoints(self.recv, variant))
            with AlertStream(self.url, self.recv['url']) as stream:
                result = self.playbook(role, inv_main, label='role-change')
            assert result['changed'] == 1
            loss = stream.report()
            loss['playbook_seconds'] = result['wall']
            loss_runs.append(dict(loss, approach='collection_role'))
            samples['role_change'].append(result['wall'])
            samples['role_lost_alerts'].append(loss['lost'])
            samples['role_api_down'].append(loss['api_down_seconds'])
            log('run %d template change %.1f s: API down %.2f s, %d of %d alerts lost (window %.2f s); '
                'role change %.1f s: %d of %d lost' % (
                    run + 1, samples['template_change'][-1], samples['api_down'][-1], loss_runs[-2]['lost'],
                    loss_runs[-2]['sent'], loss_runs[-2]['loss_window_seconds'], samples['role_change'][-1],
                    loss_runs[-1]['lost'], loss_runs[-1]['sent']))
        restart_kapacitord.stop(pidfile)
        os.remove(pidfile)
        self.results['template_restart'] = {
            'stats': dict((k, summary(v)) for k, v in samples.items()),
            'alert_interval_seconds': AlertStream.INTERVAL,
            'runs': loss_runs,
        }

    # -- 4: requests per module run -------------------------------------------------------
    def requests(self):
        log('requests per module run (recording proxy)')
        proxy_url = 'http://127.0.0.1:%d' % self.ports['proxy']
        proc = subprocess.Popen([self.python, os.path.join(REPO, 'tests', 'stack', 'recording_proxy.py'),
                                 '--listen', str(self.ports['proxy']), '--upstream', self.url],
                                stdin=subprocess.DEVNULL)
        self.procs.append(proc)
        stack_module.wait_http(proxy_url + '/_proxy/recorded', proc, 'recording_proxy', expect=200)
        inv = self.inventory([proxy_url], name='inventory-proxy')
        per_task = self.play(self.module_tasks(self.eps), 'per-endpoint')
        per_task_test = self.play(self.module_tasks(self.eps, test_alert=True), 'per-endpoint-test')
        role = self.role_play('role', self.eps)
        role_test = self.role_play('role-test', self.eps, test_changed=True)
        steps = [  # (label, playbook, check, reset first)
            ('module check mode (pending change)', per_task, True, True),
            ('module changed', per_task, False, False),
            ('module unchanged', per_task, False, False),
            ('module unchanged + test alert', per_task_test, False, False),
            ('role check mode (pending changes)', role, True, True),
            ('role changed', role, False, False),
            ('role unchanged', role, False, False),
            ('role changed + test_changed', role_test, False, True),
        ]
        found = collections.OrderedDict()
        for label, book, check, reset in steps:
            if reset:
                self.reset(self.url)
            http(proxy_url + '/_proxy/recorded', 'DELETE')
            self.playbook(book, inv, check=check, label='requests')
            recorded = http(proxy_url + '/_proxy/recorded')[1]['requests']
            per_section = collections.defaultdict(list)
            for request in recorded:
                parts = request['path'].split('?')[0].split('/')
                kind = parts[3] if len(parts) > 3 else '?'
                section = parts[4] if len(parts) > 4 and kind in ('config', 'service-tests') else '*'
                per_section[section].append('%s %s' % (request['method'], kind))
            methods = collections.Counter(r['method'] for r in recorded)
            shapes = collections.Counter(' + '.join(calls) for sec, calls in per_section.items() if sec != '*')
            found[label] = {'total': len(recorded), 'methods': dict(methods),
                            'writes': sum(v for k, v in methods.items() if k != 'GET'),
                            'per_section_shapes': dict(shapes), 'whole_api': per_section.get('*', [])}
            log('%-36s %3d requests %s' % (label, len(recorded), dict(methods)))
        proc.terminate()
        proc.wait()
        self.results['requests'] = found

    # -- 5: fleet -------------------------------------------------------------------------
    def reset_all(self, urls):
        threads = [threading.Thread(target=self.reset, args=(url,)) for url in urls]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def fleet(self):
        sizes = sorted(set(self.args.fleet))
        runs = self.args.fleet_runs
        log('fleet: N = %s, modes %s, %d runs' % (sizes, ', '.join(self.args.fleet_modes), runs))
        urls = []
        started = time.time()
        for i in range(max(sizes)):
            urls.append(self.stack.start_kapacitord('fleet%d' % i, self.ports['fleet'] + i, binary=self.binary))
        rss = self.kapacitord_rss_mb()
        log('%d kapacitord processes up in %.0f s, %.0f MB RSS in all' % (len(urls), time.time() - started, rss))
        n_eps = len(elements(self.eps))
        books = {'per_endpoint': (self.play(self.module_tasks(self.eps), 'per-endpoint'), n_eps),
                 'role': (self.role_play('role', self.eps), 1)}
        found = {}
        for n in sizes:
            forks = min(n, 16)
            inv = self.inventory(urls[:n], name='inventory-fleet-%d' % n)
            for approach in ('per_endpoint', 'role'):
                book, changes = books[approach]
                for mode in self.args.fleet_modes:
                    samples = collections.defaultdict(list)
                    for _run in range(runs):
                        self.reset_all(urls[:n])
                        for when in ('first', 'again'):
                            result = self.playbook(book, inv, forks=forks, mode=mode, memory=True,
                                                   label='fleet-%s-%s-%d-%s' % (approach, mode, n, when))
                            expected = changes * n if when == 'first' else 0
                            assert result['changed'] == expected and not result['failed'], (
                                approach, mode, n, when, result['changed'], expected)
                            samples[when].append(result['wall'])
                            samples[when + '_per_host'].append(result['wall'] / n)
                            samples[when + '_tree_pss_mb'].append(result['tree_pss_peak_mb'])
                            samples[when + '_max_process_rss_mb'].append(result['max_process_rss_mb'])
                            samples[when + '_processes'].append(result['tree_processes_peak'])
                    key = '%s_%s' % (approach, mode)
                    found.setdefault(key, {})[n] = dict(((k, summary(v)) for k, v in samples.items()), forks=forks)
                    f = found[key][n]
                    log('fleet %-24s N=%-3d forks=%-2d first %s (%.2f s/host), unchanged %s; peak memory %.0f MB '
                        '(%d processes), largest process %.0f MB' % (
                            key, n, forks, fmt(f['first']), f['first_per_host']['median'], fmt(f['again']),
                            f['first_tree_pss_mb']['max'], f['first_processes']['max'],
                            f['first_max_process_rss_mb']['max']))
        for i in range(max(sizes)):
            self.stack.stop_kapacitord('fleet%d' % i)
        self.results['fleet'] = {'sizes': sizes, 'modes': list(self.args.fleet_modes), 'runs': runs,
                                 'kapacitord_rss_mb': rss, 'kapacitord_count': len(urls), 'results': found}

    def kapacitord_rss_mb(self):
        total = 0
        for name, info in self.stack.state['kapacitord'].items():
            if not name.startswith('fleet'):
                continue
            try:
                with open('/proc/%d/status' % info['pid']) as handle:
                    total += int(re.search(r'VmRSS:\s+(\d+)', handle.read()).group(1))
            except (OSError, AttributeError):
                pass
        return total / 1024.0

    # -- profile --------------------------------------------------------------------------
    def profile(self):
        log('profile one module run')
        repeats = max(3, self.args.runs)
        inv = self.inventory([self.url])
        slack = [e for e in elements(self.eps) if e[0] == 'slack'][0]
        self.reset(self.url)
        self.playbook(self.play(self.module_tasks(self.eps), 'per-endpoint'), inv, label='profile-setup')
        one = self.play([{'name': 'slack', 'tick.kapacitor.kapacitor_slack': dict(slack[2], kapacitor_url='{{ kapacitor_url }}')}], 'one-module')
        empty = self.play([], 'empty')
        n = len(elements(self.eps))  # as many tasks as the per-endpoint play has
        ping = self.play([{'name': 'ping %d' % i, 'ansible.builtin.ping': {}} for i in range(n)], 'ping-n')
        debug = self.play([{'name': 'debug %d' % i, 'ansible.builtin.debug': {'msg': 'x'}} for i in range(n)], 'debug-n')
        slack_n = self.play([{'name': 'slack %d' % i, 'tick.kapacitor.kapacitor_slack': dict(
            literal(slack[2]), kapacitor_url='{{ kapacitor_url }}')} for i in range(n)], 'slack-n')
        out = collections.OrderedDict()
        walls = collections.defaultdict(list)
        task_times = collections.defaultdict(list)
        for _attempt in range(repeats):
            for label, book, mode in (('empty play', empty, None), ('one kapacitor_slack task', one, 'module'),
                                      ('one kapacitor_slack task, in-process', one, 'in_process'),
                                      ('%d debug tasks' % n, debug, None), ('%d ping tasks' % n, ping, None),
                                      ('%d kapacitor_slack tasks' % n, slack_n, 'module'),
                                      ('%d kapacitor_slack tasks, in-process' % n, slack_n, 'in_process')):
                result = self.playbook(book, inv, mode=mode, label='profile')
                walls[label].append(result['wall'])
                task_times[label] += [t['seconds'] for t in result['tasks']]
        out['ansible_playbook_wall'] = dict((k, summary(v)) for k, v in walls.items())
        out['task_seconds'] = dict((k, summary(v)) for k, v in task_times.items())
        # python start-up and imports, as the module's process pays them
        env = dict(os.environ, PYTHONPATH=COLLECTIONS)
        imports = collections.OrderedDict([
            ('python -c pass', 'pass'),
            ('import ansible.module_utils.basic', 'import ansible.module_utils.basic'),
            ('import ansible.module_utils.urls', 'import ansible.module_utils.basic, ansible.module_utils.urls'),
            ('import the collection engine (all module_utils a module loads)',
             'import ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_engine'),
        ])
        timings = collections.OrderedDict()
        for label, code in imports.items():
            times = []
            for _attempt in range(repeats + 2):
                started = time.perf_counter()
                subprocess.run([self.python, '-c', code], env=env, check=True)
                times.append(time.perf_counter() - started)
            timings[label] = summary(times)
        out['python_seconds'] = timings
        # the module itself, without Ansible or AnsiballZ: python kapacitor_slack.py args.json
        args_file = self.write('slack-args.json', {'ANSIBLE_MODULE_ARGS': dict(slack[2], kapacitor_url=self.url)})
        module = os.path.join(REPO, 'plugins', 'modules', 'kapacitor_slack.py')
        times = []
        for _attempt in range(repeats + 2):
            started = time.perf_counter()
            proc = subprocess.run([self.python, module, args_file], env=env, stdout=subprocess.PIPE, check=True)
            times.append(time.perf_counter() - started)
            assert json.loads(proc.stdout)['changed'] is False
        out['direct_module_run_seconds'] = summary(times)
        # in-process module run: no interpreter start, imports already done
        out['in_process_module_run_seconds'] = self.in_process_run(slack[2], repeats + 2)
        # what the action plugin adds to that: validation and the runner, no AnsibleModule
        out['runner_run_seconds'] = self.runner_run(slack[2], repeats + 2)
        # HTTP: the one GET an unchanged run makes
        times = []
        for _attempt in range(20):
            started = time.perf_counter()
            http(self.url + '/kapacitor/v1/config/slack')
            times.append(time.perf_counter() - started)
        out['http_get_seconds'] = summary(times)
        self.results['profile'] = out

    def in_process_run(self, options, repeats):
        code = r'''
import io, json, sys, time
sys.argv = ['kapacitor_slack', sys.argv[1]]
import ansible.module_utils.basic as basic
from ansible_collections.tick.kapacitor.plugins.modules import kapacitor_slack
times = []
for _attempt in range(%d):
    basic._ANSIBLE_ARGS = None
    out = io.StringIO(); real = sys.stdout; sys.stdout = out
    started = time.perf_counter()
    try:
        kapacitor_slack.main()
    except SystemExit:
        pass
    times.append(time.perf_counter() - started)
    sys.stdout = real
    assert json.loads(out.getvalue())['changed'] is False, out.getvalue()
print(json.dumps(times))
''' % repeats
        args_file = self.write('slack-args.json', {'ANSIBLE_MODULE_ARGS': dict(options, kapacitor_url=self.url)})
        proc = subprocess.run([self.python, '-c', code, args_file], env=dict(os.environ, PYTHONPATH=COLLECTIONS),
                              stdout=subprocess.PIPE, universal_newlines=True, check=True)
        return summary(json.loads(proc.stdout.strip().splitlines()[-1])[1:])  # first one warms up

    def runner_run(self, options, repeats):
        """Validation and one run of the lifecycle (kapacitor_runner.run_task), as the action
        plugin does it, in a warm process; None before the runner exists."""
        args_file = self.write('slack-args.json', {'ANSIBLE_MODULE_ARGS': dict(options, kapacitor_url=self.url)})
        proc = subprocess.run([self.python, '-c', RUNNER_CODE, args_file, str(repeats)],
                              env=dict(os.environ, PYTHONPATH=COLLECTIONS), stdout=subprocess.PIPE, universal_newlines=True, check=False)
        if proc.returncode != 0:
            log('the runner could not be timed (rc %d, see above)' % proc.returncode)
            return None
        return summary(json.loads(proc.stdout.strip().splitlines()[-1])[1:])


RUNNER_CODE = r'''
import json, sys, time
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_runner import Context, run_task
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_tasks import task_for
with open(sys.argv[1]) as handle:
    raw = json.load(handle)['ANSIBLE_MODULE_ARGS']
spec = task_for('kapacitor_slack')
times = []
for _attempt in range(int(sys.argv[2])):
    started = time.perf_counter()
    validated = ArgumentSpecValidator(spec.argument_spec, mutually_exclusive=spec.mutually_exclusive).validate(raw)
    assert not validated.error_messages, validated.error_messages
    result = run_task(spec, Context(validated.validated_parameters, raw))
    times.append(time.perf_counter() - started)
    assert result['changed'] is False, result
print(json.dumps(times))
'''


class _Pid:
    """What stack.wait_http needs of a process: poll() (None while the pid file's process lives)."""

    def __init__(self, pidfile):
        self.pidfile = pidfile
        self.returncode = None

    def poll(self):
        sys.path.insert(0, HERE)
        import restart_kapacitord
        with open(self.pidfile) as handle:
            return None if restart_kapacitord.alive(int(handle.read())) else 1


ALERT_TASK = '''dbrp "bench"."autogen"
stream
    |from()
        .measurement('tick')
    |alert()
        .id('bench')
        .crit(lambda: TRUE)
        .message('bench-seq-{{ index .Fields "seq" }}')
        .slack()
'''


def define_alert_task(url):
    """A stream task that alerts through the configured Slack handler for every point."""
    try:
        http(url + '/kapacitor/v1/tasks/bench_alerts', 'DELETE')
    except urllib.error.HTTPError:
        pass
    try:
        http(url + '/kapacitor/v1/tasks', 'POST', {'id': 'bench_alerts', 'status': 'enabled', 'script': ALERT_TASK})
    except urllib.error.HTTPError as exc:
        raise SystemExit('defining the alert task failed: %s' % exc.read().decode(errors='replace'))


class AlertStream:
    """Writes a point every INTERVAL seconds (each one an alert through Slack to the receiver)
    and pings the API, from entering until leaving the block plus a tail; report() says what
    was lost and how long the API was away."""

    INTERVAL = 0.05
    WARMUP = 1.0
    TAIL = 2.0

    def __init__(self, kapacitor_url, receiver_url):
        self.url = kapacitor_url
        self.receiver = receiver_url
        self.sent = []
        self.pings = []
        self.stop = threading.Event()

    def __enter__(self):
        http(self.receiver + '/_recorded', 'DELETE')
        self.threads = [threading.Thread(target=self._send, daemon=True),
                        threading.Thread(target=self._ping, daemon=True)]
        for thread in self.threads:
            thread.start()
        time.sleep(self.WARMUP)
        return self

    def __exit__(self, *exc):
        deadline = time.time() + 60
        while time.time() < deadline:  # keep going until the API is back, then a little more
            if self.pings and self.pings[-1][1]:
                break
            time.sleep(0.1)
        time.sleep(self.TAIL)
        self.stop.set()
        for thread in self.threads:
            thread.join()
        time.sleep(1.5)  # let the last alerts arrive

    def _send(self):
        seq = 0
        start = time.time()
        while not self.stop.is_set():
            seq += 1
            sent_at = time.time()
            try:
                request = urllib.request.Request('%s/kapacitor/v1/write?db=bench&rp=autogen' % self.url,
                                                 data=('tick seq=%di' % seq).encode(), method='POST')
                with urllib.request.urlopen(request, timeout=2) as response:
                    ok = response.status == 204
            except (urllib.error.URLError, OSError):
                ok = False
            self.sent.append((seq, sent_at, ok))
            delay = start + seq * self.INTERVAL - time.time()
            if delay > 0:
                time.sleep(delay)

    def _ping(self):
        while not self.stop.is_set():
            at = time.time()
            try:
                with urllib.request.urlopen(self.url + '/kapacitor/v1/ping', timeout=1) as response:
                    ok = response.status == 204
            except (urllib.error.URLError, OSError):
                ok = False
            self.pings.append((at, ok))
            time.sleep(0.02)

    def report(self):
        recorded = http(self.receiver + '/_recorded?path=/slack')[1]['requests']
        delivered = set()
        for request in recorded:
            delivered.update(int(m) for m in re.findall(r'bench-seq-(\d+)', request.get('body', '')))
        lost = [(seq, at, ok) for seq, at, ok in self.sent if seq not in delivered]
        down = [at for at, ok in self.pings if not ok]
        api_down = 0.0
        if down:
            back = [at for at, ok in self.pings if ok and at > down[0]]
            api_down = (back[0] if back else self.pings[-1][0]) - down[0]
        return {'sent': len(self.sent), 'accepted': sum(1 for s in self.sent if s[2]),
                'delivered': len(delivered & set(s[0] for s in self.sent)), 'lost': len(lost),
                'refused_writes': sum(1 for s in self.sent if not s[2]),
                'accepted_not_delivered': sum(1 for s in self.sent if s[2] and s[0] not in delivered),
                'loss_window_seconds': (lost[-1][1] - lost[0][1] + self.INTERVAL) if lost else 0.0,
                'api_down_seconds': api_down,
                'warmup_delivered': any(s[0] in delivered for s in self.sent[:int(self.WARMUP / self.INTERVAL) // 2])}


def verdict(value, target):
    return 'met' if value <= target else 'MISSED by %.0f%%' % ((value / target - 1) * 100)


# -- the table ------------------------------------------------------------------------------
def table(results):
    lines = []
    add = lines.append
    meta = results['meta']
    add('tick.kapacitor benchmark  %s  (%s, %d CPUs, ansible-core %s, kapacitord %s, %d runs, medians (min-max))' % (
        meta['date'], meta['platform'], meta['cpus'], meta['ansible_core'], meta['kapacitord'], meta['runs']))
    single = results.get('single_host')
    if single:
        w, r, t = single['wall_seconds'], single['ratios'], single['task_seconds']
        n = single['endpoints']
        add('')
        add('1-2. One host, %d endpoints (%d sections), wall time of ansible-playbook' % (n, single['sections']))
        add('  %-48s %-24s %-24s %s' % ('approach', 'first run', 'unchanged re-run', 'per task, unchanged'))
        for key, label in (('per_endpoint_in_process', 'one task per endpoint, in-process (default)'),
                           ('per_endpoint_module', 'one task per endpoint, module execution'),
                           ('role_in_process', 'alert_endpoints role (1 task), in-process'),
                           ('role_module', 'alert_endpoints role (1 task), module execution'),
                           ('uri', '%d ansible.builtin.uri POST tasks' % n)):
            add('  %-48s %-24s %-24s %s' % (label, fmt(w[key + '_first']), fmt(w[key + '_again']),
                                            fmt(t[key + '_again'], 's', 3)))
        add('  %-48s %-24s %-24s %s' % ('%d ansible.builtin.debug tasks' % n, fmt(w['debug']), '', fmt(t['debug'], 's', 3)))
        add('  %-48s %s' % ('empty play', fmt(w['empty'])))
        ex = single['execution_check']
        add('  path taken (AnsiballZ payloads in -vvv output): per endpoint in-process %d, module execution %d; '
            'role in-process %d, module execution %d' % tuple(len(ex[k]) for k in (
                'per_endpoint_in_process', 'per_endpoint_module', 'role_in_process', 'role_module')))
        if ex['per_endpoint_in_process'] or ex['role_in_process']:
            add('  WARNING: the in-process runs took the module path: both columns measure module execution')
        add('  targets (issue 13; ratios taken per run, then median (min-max)):')
        for key_first, key_again, label, target in (
                ('in_process_vs_module_first', 'in_process_vs_module_again', 'per endpoint, in-process / module execution', 0.25),
                ('in_process_vs_uri_first', 'in_process_vs_uri_again', 'per endpoint, in-process / uri', 0.3)):
            worst = max(r[key_first]['median'], r[key_again]['median'])
            add('    %-44s first %-20s unchanged %-20s target <= %.2fx: %s' % (
                label, fmt(r[key_first], 'x'), fmt(r[key_again], 'x'), target, verdict(worst, target)))
        add('    %-44s %-47s target <= 3x: %s' % (
            'per task, in-process / debug (unchanged)', fmt(r['task_in_process_vs_debug_again'], 'x') + ' (task times)',
            verdict(r['task_in_process_vs_debug_again']['median'], 3)))
        add('    %-44s %s' % ('', fmt(r['net_in_process_vs_debug_again'], 'x') + ' (play wall time less the empty play\'s)'))
        add('  other ratios: module execution / uri %s first, %s unchanged; role in-process / module execution %s first, '
            '%s unchanged;' % (fmt(r['module_vs_uri_first'], 'x'), fmt(r['module_vs_uri_again'], 'x'),
                               fmt(r['role_in_process_vs_module_first'], 'x'), fmt(r['role_in_process_vs_module_again'], 'x')))
        add('    role / uri %s first; role / per endpoint (in-process) %s first; per endpoint unchanged / first %s' % (
            fmt(r['role_vs_uri_first'], 'x'), fmt(r['role_vs_per_endpoint_first'], 'x'),
            fmt(r['per_endpoint_again_vs_first'], 'x')))
    tmpl = results.get('template_restart')
    if tmpl:
        s = tmpl['stats']
        add('')
        add('3. Template kapacitord.conf + restart vs the same change through the API (alert every %.0f ms via Slack)'
            % (tmpl['alert_interval_seconds'] * 1000))
        add('  template + restart + wait (changed)  %s; unchanged re-run %s' % (fmt(s['template_change']), fmt(s['template_again'])))
        add('  API away during restart              %s' % fmt(s['api_down']))
        add('  alerts lost per restart              %s, loss window %s' % (
            fmt(s['template_lost_alerts'], 'alerts', 0), fmt(s['template_loss_window'])))
        add('  role, same change through the API    %s; alerts lost %s; API away %s' % (
            fmt(s['role_change']), fmt(s['role_lost_alerts'], 'alerts', 0), fmt(s['role_api_down'])))
    req = results.get('requests')
    if req:
        add('')
        add('4. Requests to Kapacitor (recording proxy), all %d endpoints' % results['meta']['endpoints'])
        add('  %-36s %6s %6s  %s' % ('run', 'total', 'writes', 'per endpoint (count x shape)'))
        for label, found in req.items():
            shapes = '; '.join('%dx %s' % (n, shape) for shape, n in sorted(found['per_section_shapes'].items(), key=lambda i: -i[1]))
            if found['whole_api']:
                shapes = '; '.join(x for x in (shapes, 'once for all: ' + ' + '.join(found['whole_api'])) if x)
            add('  %-36s %6d %6d  %s' % (label, found['total'], found['writes'], shapes))
    fleet = results.get('fleet')
    if fleet:
        add('')
        add('5. Fleet: N kapacitord processes (%d of them: %.0f MB RSS in all), forks = min(N, 16), %d run(s)' % (
            fleet['kapacitord_count'], fleet['kapacitord_rss_mb'], fleet['runs']))
        add('   memory: peak of the summed PSS of ansible-playbook and all its descendants (sampled every %.1f s); '
            'largest single process (max RSS, wait4)' % TreeMemory.INTERVAL)
        add('  %-40s %-4s %-22s %-9s %-22s %-9s %s' % ('approach', 'N', 'first run', 'per host', 'unchanged re-run',
                                                       'per host', 'controller peak / largest process'))
        rows = []
        for approach in ('per_endpoint', 'role'):
            for mode in MODES:
                found = fleet['results'].get('%s_%s' % (approach, mode))
                if not found:
                    continue
                label = '%s, %s' % ('one task per endpoint' if approach == 'per_endpoint' else 'role', MODE_LABEL[mode])
                rows.extend((label, n, found[n]) for n in sorted(found, key=int))
        for label, n, f in rows:
            add('  %-40s %-4s %-22s %-9s %-22s %-9s %.0f MB / %.0f MB' % (
                label, n, fmt(f['first']), '%.3f s' % f['first_per_host']['median'], fmt(f['again']),
                '%.3f s' % f['again_per_host']['median'],
                max(f['first_tree_pss_mb']['max'], f['again_tree_pss_mb']['max']),
                max(f['first_max_process_rss_mb']['max'], f['again_max_process_rss_mb']['max'])))
    prof = results.get('profile')
    if prof:
        add('')
        add('Profile of one module run (kapacitor_slack, unchanged)')
        pw, pt = prof['ansible_playbook_wall'], prof['task_seconds']
        add('  ansible-playbook, empty play                %s' % fmt(pw['empty play']))
        add('  ansible-playbook, one kapacitor_slack task  module execution %s (the task %s), in-process %s (the task %s)' % (
            fmt(pw['one kapacitor_slack task']), fmt(pt['one kapacitor_slack task'], 's', 3),
            fmt(pw['one kapacitor_slack task, in-process']), fmt(pt['one kapacitor_slack task, in-process'], 's', 3)))
        n = results['meta']['endpoints']
        add('  per task, %d tasks in a play: debug (no module) %s, ping %s,' % (
            n, fmt(pt['%d debug tasks' % n], 's', 3), fmt(pt['%d ping tasks' % n], 's', 3)))
        add('    the same kapacitor_slack task: module execution %s, in-process %s' % (
            fmt(pt['%d kapacitor_slack tasks' % n], 's', 3), fmt(pt['%d kapacitor_slack tasks, in-process' % n], 's', 3)))
        single = results.get('single_host')
        if single:
            add('    %d different modules (one per endpoint, unchanged; mean per task): module execution %s, in-process %s' % (
                n,
                fmt(single['task_seconds']['per_endpoint_module_again'], 's', 3),
                fmt(single['task_seconds']['per_endpoint_in_process_again'], 's', 3)))
        for label, stat in prof['python_seconds'].items():
            add('  %-62s %s' % (label, fmt(stat, 's', 3)))
        add('  %-62s %s' % ('python kapacitor_slack.py args.json (no Ansible, no AnsiballZ)', fmt(prof['direct_module_run_seconds'], 's', 3)))
        add('  %-62s %s' % ('module main() in a warm process', fmt(prof['in_process_module_run_seconds'], 's', 4)))
        add('  %-62s %s' % ('validation + run_task in a warm process (the in-process work)', fmt(prof.get('runner_run_seconds'), 's', 4)))
        add('  %-62s %s' % ('one GET /config/slack (urllib)', fmt(prof['http_get_seconds'], 's', 4)))
    return '\n'.join(lines)


def versions(binary):
    import ansible
    try:
        out = subprocess.run([binary, 'version'], stdout=subprocess.PIPE, universal_newlines=True, timeout=30,
                             check=False).stdout
        kapacitord = re.search(r'\d+\.\d+\.\d+', out).group(0)
    except (OSError, AttributeError, subprocess.SubprocessError):
        kapacitord = '?'
    return ansible.__version__, kapacitord


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split('\n', 3)[3])
    parser.add_argument('--quick', action='store_true',
                        help='2 runs, fleet N = 1, 8 with 1 run, in-process only (about 5 minutes)')
    parser.add_argument('--runs', type=int, help='runs per measurement (default 5, --quick 2)')
    parser.add_argument('--fleet', type=lambda s: [int(x) for x in s.split(',')],
                        help='fleet sizes (default 1,8,32; --quick 1,8)')
    parser.add_argument('--fleet-runs', type=int, help='runs per fleet measurement (default min(runs, 3), --quick 1)')
    parser.add_argument('--fleet-modes', type=lambda s: s.replace('-', '_').split(','),
                        help='execution modes of the fleet runs: in_process, module or both (default in_process: '
                             'module execution of a task per endpoint on 32 hosts takes minutes per run)')
    parser.add_argument('--only', default='single,template,requests,fleet,profile',
                        help='comma-separated parts to run (default: all)')
    parser.add_argument('--out', default=os.path.join(HERE, 'results.json'))
    parser.add_argument('--port-offset', type=int, default=int(os.environ.get('TICK_BENCH_PORT_OFFSET', 900)),
                        help='added to the stack\'s default ports (default 900: kapacitord 19992, receiver '
                             '20200-20202 and 19925, template server 20210, proxy 20211, fleet from 20212)')
    parser.add_argument('--state-dir', help='default: a new temporary directory')
    parser.add_argument('--keep-state', action='store_true', help='keep the state dir (logs, playbooks)')
    args = parser.parse_args()
    args.runs = args.runs or (2 if args.quick else 5)
    args.fleet = args.fleet or ([1, 8] if args.quick else [1, 8, 32])
    args.fleet_runs = args.fleet_runs or (1 if args.quick else min(args.runs, 3))
    args.fleet_modes = args.fleet_modes or ['in_process']
    unknown = set(args.fleet_modes) - set(MODES)
    if unknown:
        parser.error('unknown --fleet-modes %s (in_process, module)' % ', '.join(sorted(unknown)))
    parts = args.only.split(',')
    if 'fleet' not in parts:
        args.fleet = [1]

    bench = Bench(args)
    started = time.time()
    try:
        bench.up()
        ansible_core, kapacitord = versions(bench.binary)
        bench.results['meta'] = {
            'date': time.strftime('%Y-%m-%d %H:%M'), 'platform': platform.platform(terse=True),
            'cpus': os.cpu_count(), 'load_average_start': os.getloadavg(), 'python': platform.python_version(),
            'ansible_core': ansible_core, 'kapacitord': kapacitord, 'runs': args.runs, 'quick': args.quick,
            'endpoints': len(elements(bench.eps))}
        for part, method in (('single', bench.single_host), ('template', bench.template_restart),
                             ('requests', bench.requests), ('fleet', bench.fleet), ('profile', bench.profile)):
            if part in parts:
                method()
    finally:
        bench.down()
    bench.results['meta']['load_average_end'] = os.getloadavg()
    bench.results['meta']['seconds'] = time.time() - started
    text = table(bench.results)
    bench.results['table'] = text.splitlines()
    with open(args.out, 'w') as handle:
        json.dump(bench.results, handle, indent=1, sort_keys=False)
    print(text)
    log('wrote %s in %.0f s' % (args.out, bench.results['meta']['seconds']))


if __name__ == '__main__':
    main()
