#!/usr/bin/env python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What converging Kapacitor's alert endpoints costs with this collection, and the alternatives.

  .venv/bin/python benchmarks/run.py [--quick] [--runs N] [--out benchmarks/results.json]

Starts its own kapacitord processes and recording receiver (tests/stack/stack.py, own state dir
and ports; see --port-offset), runs real ansible-playbook processes against them and stops
everything at the end. It measures, for the same 22 alert endpoints (every alert section this
collection has a module for):

  1. the collection: one task per endpoint, and the tick.kapacitor.alert_endpoints role (one
     kapacitor_alert_endpoints task); first run and unchanged re-run;
  2. the same settings as hand-written ansible.builtin.uri POST tasks;
  3. template-and-restart: kapacitord.conf templated by Ansible, kapacitord restarted; how long
     the API is away, and which alerts (sent continuously through a configured Slack handler
     to the local receiver) are lost, against the same change made through the API;
  4. requests per module run (changed, unchanged, check mode, test alert), counted by
     tests/stack/recording_proxy.py;
  5. a fleet: the role converging N kapacitord processes with forks=N;
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
import stack as stack_module  # noqa: E402  (tests/stack/stack.py)


def log(message):
    sys.stderr.write('[bench %s] %s\n' % (time.strftime('%H:%M:%S'), message))
    sys.stderr.flush()


# -- the collection, importable -----------------------------------------------------------
COLLECTIONS = tempfile.mkdtemp(prefix='tick-bench-collections-')
os.makedirs(os.path.join(COLLECTIONS, 'ansible_collections', 'tick'))
os.symlink(REPO, os.path.join(COLLECTIONS, 'ansible_collections', 'tick', 'kapacitor'))
sys.path.insert(0, COLLECTIONS)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import SECTIONS  # noqa: E402


# -- the endpoints ------------------------------------------------------------------------
def endpoints(recv, variant=0):
    """Every alert section, in module form: enabled ones post to the local receiver (under
    /_status/<code>/ where Kapacitor wants a particular answer, so that test alerts succeed);
    Kafka and MQTT stay disabled (they would need a broker). ``variant`` changes Slack's channel."""
    r = recv['url']
    return {
        'alerta': {'enabled': True, 'url': r + '/alerta/_status/201/api', 'token': 'bench-alerta-token',
                   'environment': 'bench', 'origin': 'kapacitor', 'timeout': '24h'},
        'bigpanda': {'enabled': True, 'url': r + '/bigpanda/_status/201/alerts', 'app_key': 'bench-app-key',
                     'token': 'bench-bigpanda-token', 'auto_attributes': 'tags'},
        'discord': [{'workspace': '', 'enabled': True, 'url': r + '/discord/_status/204', 'username': 'bench',
                     'embed_title': 'Kapacitor bench'}],
        'hipchat': {'enabled': True, 'url': r + '/hipchat', 'room': 'bench', 'token': 'bench-hipchat-token'},
        'httppost': [{'endpoint': 'alerts', 'url': r + '/httppost/alerts', 'headers': {'X-Bench': 'yes'},
                      'alert_template': '{"id": "{{ .ID }}", "message": "{{ .Message }}"}'}],
        'kafka': [{'id': 'default', 'enabled': False, 'brokers': ['127.0.0.1:9'], 'batch_size': 17,
                   'timeout': '10s'}],
        'mqtt': [{'name': 'default', 'enabled': False, 'url': 'tcp://127.0.0.1:1', 'client_id': 'bench'}],
        'opsgenie': {'enabled': True, 'url': r + '/opsgenie', 'recovery_url': r + '/opsgenie/recovery',
                     'api_key': 'bench-opsgenie-key', 'teams': ['ops']},
        'opsgenie2': {'enabled': True, 'url': r + '/opsgenie2/_status/202/alerts', 'api_key': 'bench-opsgenie2-key',
                      'teams': ['ops'], 'recovery_action': 'close', 'details': True},
        'pagerduty': {'enabled': True, 'url': r + '/pagerduty', 'service_key': 'bench-pd-key'},
        'pagerduty2': {'enabled': True, 'url': r + '/pagerduty2', 'routing_key': 'bench-pd2-key'},
        'pushover': {'enabled': True, 'url': r + '/pushover', 'token': 'bench-pushover-token',
                     'user_key': 'bench-pushover-user'},
        'sensu': {'enabled': True, 'addr': recv['tcp_addr'], 'source': 'bench', 'handlers': ['default']},
        'servicenow': {'enabled': True, 'url': r + '/servicenow', 'source': 'bench', 'username': 'bench',
                       'password': 'bench-servicenow-password'},
        'slack': [{'workspace': '', 'enabled': True, 'default': True, 'url': r + '/slack',
                   'channel': '#bench' if variant == 0 else '#bench-%d' % variant, 'username': 'kapacitor'}],
        'smtp': {'enabled': True, 'host': '127.0.0.1', 'port': recv['smtp_port'], 'from': 'kapacitor@example.com',
                 'to': ['ops@example.com'], 'no_verify': True, 'idle_timeout': '30s'},
        'snmptrap': {'enabled': True, 'addr': recv['udp_addr'], 'community': 'bench', 'retries': 2},
        'talk': {'enabled': True, 'url': r + '/talk', 'author_name': 'bench'},
        'teams': {'enabled': True, 'channel_url': r + '/teams'},
        'telegram': {'enabled': True, 'url': r + '/telegram/bot', 'token': 'bench-telegram-token',
                     'chat_id': '12345', 'parse_mode': 'Markdown'},
        'victorops': {'enabled': True, 'url': r + '/victorops', 'api_key': 'bench-victorops-key',
                      'routing_key': 'bench'},
        'zenoss': {'enabled': True, 'url': r + '/zenoss', 'username': 'bench', 'password': 'bench-zenoss-password',
                   'collector': 'bench'},
    }


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
        shutil.rmtree(COLLECTIONS, ignore_errors=True)

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

    def playbook(self, playbook, inventory, forks=1, check=False, extra_vars=None, label='play'):
        """Run ansible-playbook; returns wall seconds, per-task times and the recap."""
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
        cmd = [self.playbook_bin, '-i', inventory, '-f', str(forks), playbook]
        if check:
            cmd.append('--check')
        if extra_vars:
            cmd += ['-e', '@' + extra_vars]
        started = time.perf_counter()
        proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              universal_newlines=True, timeout=900, check=False)
        wall = time.perf_counter() - started
        with open(os.path.join(self.work, 'output-%s.txt' % label), 'w') as handle:
            handle.write(proc.stdout)
        if proc.returncode != 0 or not os.path.exists(timer):
            raise SystemExit('ansible-playbook %s failed (rc %d):\n%s' % (label, proc.returncode, proc.stdout[-4000:]))
        with open(timer) as handle:
            found = json.load(handle)
        found['wall'] = wall
        found['changed'] = sum(r['changed'] for r in found['recap'].values())
        found['failed'] = sum(r['failures'] for r in found['recap'].values())
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

    # -- 1 and 2: one host --------------------------------------------------------------
    def single_host(self):
        log('single host: %d endpoints, %d runs' % (len(elements(self.eps)), self.args.runs))
        inv = self.inventory([self.url])
        per_task = self.play(self.module_tasks(self.eps), 'per-endpoint')
        role = self.role_play('role', self.eps)
        uri = self.play(self.uri_tasks(self.eps), 'uri')
        samples = collections.defaultdict(list)
        task_times = collections.defaultdict(list)
        checks = {}
        for run in range(self.args.runs):
            for approach, book in (('per_endpoint', per_task), ('role', role), ('uri', uri)):
                self.reset(self.url)
                first = self.playbook(book, inv, label='%s-first' % approach)
                again = self.playbook(book, inv, label='%s-again' % approach)
                samples['%s_first' % approach].append(first['wall'])
                samples['%s_again' % approach].append(again['wall'])
                task_times['%s_first' % approach] += [t['seconds'] for t in first['tasks']]
                task_times['%s_again' % approach] += [t['seconds'] for t in again['tasks']]
                checks.setdefault(approach, []).append((first['changed'], again['changed']))
                log('run %d %-12s first %.1f s (changed %d), again %.1f s (changed %d)' % (
                    run + 1, approach, first['wall'], first['changed'], again['wall'], again['changed']))
            # the uri tasks posted exactly what the collection would: it finds nothing to change
            verify = self.playbook(role, inv, check=True, label='verify-uri')
            checks.setdefault('role_check_after_uri', []).append(verify['changed'])
        n = len(elements(self.eps))
        assert all(c == (n, 0) for c in checks['per_endpoint']), checks['per_endpoint']
        assert all(c == (1, 0) for c in checks['role']), checks['role']
        assert all(c == 0 for c in checks['role_check_after_uri']), checks['role_check_after_uri']
        ratios = {
            'per_endpoint_vs_uri_first': [a / b for a, b in zip(samples['per_endpoint_first'], samples['uri_first'])],
            'role_vs_uri_first': [a / b for a, b in zip(samples['role_first'], samples['uri_first'])],
            'per_endpoint_again_vs_uri_again': [a / b for a, b in zip(samples['per_endpoint_again'], samples['uri_again'])],
            'role_again_vs_uri_again': [a / b for a, b in zip(samples['role_again'], samples['uri_again'])],
            'per_endpoint_again_vs_first': [a / b for a, b in zip(samples['per_endpoint_again'], samples['per_endpoint_first'])],
            'role_again_vs_first': [a / b for a, b in zip(samples['role_again'], samples['role_first'])],
            'role_vs_per_endpoint_first': [a / b for a, b in zip(samples['role_first'], samples['per_endpoint_first'])],
        }
        self.results['single_host'] = {
            'endpoints': n, 'sections': len(self.eps),
            'wall_seconds': dict((k, summary(v)) for k, v in samples.items()),
            'task_seconds': dict((k, summary(v)) for k, v in task_times.items()),
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
    def fleet(self):
        sizes = sorted(set(self.args.fleet))
        log('fleet: N = %s' % sizes)
        urls = []
        for i in range(max(sizes)):
            urls.append(self.stack.start_kapacitord('fleet%d' % i, self.ports['fleet'] + i, binary=self.binary))
        role = self.role_play('role', self.eps)
        found = {}
        for n in sizes:
            inv = self.inventory(urls[:n], name='inventory-fleet-%d' % n)
            first, again = [], []
            for _run in range(self.args.runs):
                for url in urls[:n]:
                    self.reset(url)
                a = self.playbook(role, inv, forks=n, label='fleet-first')
                b = self.playbook(role, inv, forks=n, label='fleet-again')
                assert a['changed'] == n and b['changed'] == 0, (a['changed'], b['changed'])
                first.append(a['wall'])
                again.append(b['wall'])
            found[n] = {'first': summary(first), 'again': summary(again)}
            log('fleet N=%d forks=%d: first %s, unchanged %s' % (n, n, fmt(found[n]['first']), fmt(found[n]['again'])))
        for i in range(max(sizes)):
            self.stack.stop_kapacitord('fleet%d' % i)
        base = found[sizes[0]]
        for n in sizes:
            found[n]['first_vs_n1'] = found[n]['first']['median'] / base['first']['median']
            found[n]['again_vs_n1'] = found[n]['again']['median'] / base['again']['median']
        self.results['fleet'] = found

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
        ping = self.play([{'name': 'ping %d' % i, 'ansible.builtin.ping': {}} for i in range(22)], 'ping22')
        debug = self.play([{'name': 'debug %d' % i, 'ansible.builtin.debug': {'msg': 'x'}} for i in range(22)], 'debug22')
        slack22 = self.play([{'name': 'slack %d' % i, 'tick.kapacitor.kapacitor_slack': dict(
            literal(slack[2]), kapacitor_url='{{ kapacitor_url }}')} for i in range(22)], 'slack22')
        out = collections.OrderedDict()
        walls = collections.defaultdict(list)
        task_times = collections.defaultdict(list)
        for _attempt in range(repeats):
            for label, book in (('empty play', empty), ('one kapacitor_slack task', one),
                                ('22 debug tasks', debug), ('22 ping tasks', ping),
                                ('22 kapacitor_slack tasks', slack22)):
                result = self.playbook(book, inv, label='profile')
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


# -- the table ------------------------------------------------------------------------------
def table(results):
    lines = []
    add = lines.append
    meta = results['meta']
    add('tick.kapacitor benchmark  %s  (%s, %d CPUs, ansible-core %s, kapacitord %s, %d runs, medians (min-max))' % (
        meta['date'], meta['platform'], meta['cpus'], meta['ansible_core'], meta['kapacitord'], meta['runs']))
    single = results.get('single_host')
    if single:
        w, r = single['wall_seconds'], single['ratios']
        add('')
        add('1-2. One host, %d endpoints (%d sections), wall time of ansible-playbook' % (single['endpoints'], single['sections']))
        add('  %-44s %-24s %-24s %s' % ('approach', 'first run', 'unchanged re-run', 're-run / first'))
        for key, label, ratio in (('per_endpoint', 'collection, one task per endpoint', 'per_endpoint_again_vs_first'),
                                  ('role', 'collection, alert_endpoints role (1 task)', 'role_again_vs_first'),
                                  ('uri', 'ansible.builtin.uri POST tasks', None)):
            again_ratio = fmt(r[ratio], 'x') if ratio else '1 (always posts)'
            add('  %-44s %-24s %-24s %s' % (label, fmt(w[key + '_first']), fmt(w[key + '_again']), again_ratio))
        add('  ratios: per-endpoint / uri %s first, %s re-run; role / uri %s first, %s re-run; role / per-endpoint %s' % (
            fmt(r['per_endpoint_vs_uri_first'], 'x'), fmt(r['per_endpoint_again_vs_uri_again'], 'x'),
            fmt(r['role_vs_uri_first'], 'x'), fmt(r['role_again_vs_uri_again'], 'x'),
            fmt(r['role_vs_per_endpoint_first'], 'x')))
        t = single['task_seconds']
        add('  per task: module changed %s, unchanged %s; uri %s' % (
            fmt(t['per_endpoint_first'], 's', 3), fmt(t['per_endpoint_again'], 's', 3), fmt(t['uri_first'], 's', 3)))
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
        add('4. Requests to Kapacitor (recording proxy), all %d endpoints' % (single or {}).get('endpoints', 22))
        add('  %-36s %6s %6s  %s' % ('run', 'total', 'writes', 'per endpoint (count x shape)'))
        for label, found in req.items():
            shapes = '; '.join('%dx %s' % (n, shape) for shape, n in sorted(found['per_section_shapes'].items(), key=lambda i: -i[1]))
            if found['whole_api']:
                shapes = '; '.join(x for x in (shapes, 'once for all: ' + ' + '.join(found['whole_api'])) if x)
            add('  %-36s %6d %6d  %s' % (label, found['total'], found['writes'], shapes))
    fleet = results.get('fleet')
    if fleet:
        add('')
        add('5. Fleet: the role on N kapacitord processes, forks = N')
        add('  %-4s %-24s %-24s %s' % ('N', 'first run', 'unchanged re-run', 'first / N=1, re-run / N=1'))
        for n in sorted(fleet, key=int):
            f = fleet[n]
            add('  %-4s %-24s %-24s %.2fx, %.2fx' % (n, fmt(f['first']), fmt(f['again']), f['first_vs_n1'], f['again_vs_n1']))
    prof = results.get('profile')
    if prof:
        add('')
        add('Profile of one module run (kapacitor_slack, unchanged)')
        pw, pt = prof['ansible_playbook_wall'], prof['task_seconds']
        add('  ansible-playbook, empty play              %s' % fmt(pw['empty play']))
        add('  ansible-playbook, one kapacitor_slack task %s (the task itself %s)' % (
            fmt(pw['one kapacitor_slack task']), fmt(pt['one kapacitor_slack task'], 's', 3)))
        add('  per task, 22 tasks in a play: debug (no module) %s, ping %s, the same kapacitor_slack task %s;' % (
            fmt(pt['22 debug tasks'], 's', 3), fmt(pt['22 ping tasks'], 's', 3), fmt(pt['22 kapacitor_slack tasks'], 's', 3)))
        single = results.get('single_host')
        if single:
            add('    22 different modules (one per endpoint, unchanged) %s' % fmt(single['task_seconds']['per_endpoint_again'], 's', 3))
        for label, stat in prof['python_seconds'].items():
            add('  %-62s %s' % (label, fmt(stat, 's', 3)))
        add('  %-62s %s' % ('python kapacitor_slack.py args.json (no Ansible, no AnsiballZ)', fmt(prof['direct_module_run_seconds'], 's', 3)))
        add('  %-62s %s' % ('module main() in a warm process', fmt(prof['in_process_module_run_seconds'], 's', 4)))
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
    parser.add_argument('--quick', action='store_true', help='3 runs, fleet N = 1, 4')
    parser.add_argument('--runs', type=int, help='runs per measurement (default 5, --quick 3)')
    parser.add_argument('--fleet', type=lambda s: [int(x) for x in s.split(',')],
                        help='fleet sizes (default 1,4,8; --quick 1,4)')
    parser.add_argument('--only', default='single,template,requests,fleet,profile',
                        help='comma-separated parts to run (default: all)')
    parser.add_argument('--out', default=os.path.join(HERE, 'results.json'))
    parser.add_argument('--port-offset', type=int, default=int(os.environ.get('TICK_BENCH_PORT_OFFSET', 900)),
                        help='added to the stack\'s default ports (default 900: kapacitord 19992, receiver '
                             '20200; extra kapacitords from 20210)')
    parser.add_argument('--state-dir', help='default: a new temporary directory')
    parser.add_argument('--keep-state', action='store_true', help='keep the state dir (logs, playbooks)')
    args = parser.parse_args()
    args.runs = args.runs or (3 if args.quick else 5)
    args.fleet = args.fleet or ([1, 4] if args.quick else [1, 4, 8])
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
