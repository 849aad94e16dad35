#!/usr/bin/env python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Start and stop the real services the tests and the demo talk to, on 127.0.0.1.

  stack.py up [--versions 1.5.9,1.6.5,1.7.6]
                               build (or reuse) kapacitord and Kapacitor's CLI, start kapacitord
                               and the HTTP receiver; --versions: also older kapacitord versions,
                               side by side (see below)
  stack.py start-versions 1.5.9,1.6.5,1.7.6
                               start (or restart) those versions next to a running stack
  stack.py down                stop everything this stack started
  stack.py status              print the stack's state (JSON)
  stack.py integration-vars    print the variables integration targets use (YAML)
  stack.py start-kapacitord --name N --port P [--conf-extra FILE]
  stack.py start-kapacitord --version V [--name N] [--port P]
  stack.py stop-kapacitord --name N
  stack.py start-sshd [--port P]     an sshd on 127.0.0.1 for tests of non-local connections
  stack.py stop-sshd

Each kapacitord gets a throwaway data dir and config under the state dir (default
``<repo>/.stack``): InfluxDB connection, usage reporting and flux tasks off, config overrides
on. The state (URLs, pids) is written to ``<state dir>/stack.json``. Standard library only, and
PyYAML (ansible-core's) for the samples integration-vars prints.

Older versions (the compatibility tests): ``--versions``/``start-versions``/``--version`` start
kapacitord ``V`` (built by build-kapacitord.sh with KAPACITOR_VERSION=V and cached, or
$KAPACITORD_1_5_9 for 1.5.9, ...) as the instance named ``V`` on port 19510 + its minor version
(1.5.9 on 19515, 1.6.5 on 19516, 1.7.6 on 19517; plus the stack's port offset), with the main
instance's configuration minus what that version lacks ([fluxtask] before 1.6), the same httppost
endpoints (``example``, ``alerts``) and receivers. Each must answer X-Kapacitor-Version = V.
``integration-vars`` gives ``kapacitor_urls``: {version: URL} of every instance started with a
version, and the main one under the version it reports.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import collection  # noqa: E402  (tests/stack/collection.py)
import kafka_broker  # noqa: E402  (tests/stack/kafka_broker.py)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_STATE_DIR = os.path.join(REPO, '.stack')

KAPACITORD_CONF = """\
hostname = "localhost"
data_dir = "{data}"
skip-config-overrides = false

[http]
{http}

[config-override]
  enabled = true

[logging]
  file = "STDERR"
  level = "INFO"

[storage]
  boltdb = "{data}/kapacitor.db"
[replay]
  dir = "{data}/replay"
[task]
  dir = "{data}/tasks"
[load]
  enabled = false
[reporting]
  enabled = false
[stats]
  enabled = false
[fluxtask]
  enabled = false

[[influxdb]]
  enabled = false
  name = "default"
  urls = ["http://127.0.0.1:8086"]

# httppost endpoints only work when defined here (endpoints added through the API are never
# used, influxdata/kapacitor#1694): "example" is Kapacitor's default, "alerts" one of ours.
[[httppost]]
  endpoint = "example"
  url = "http://example.com"
[[httppost]]
  endpoint = "alerts"
  url = "{receiver_url}/httppost/alerts"
"""

MOSQUITTO_CONF = """\
listener {port} 127.0.0.1
allow_anonymous true
persistence false
log_dest stderr
"""

SSHD_CONF = """\
Port {port}
ListenAddress 127.0.0.1
HostKey {dir}/ssh_host_ed25519_key
PidFile {dir}/sshd.pid
AuthorizedKeysFile {dir}/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitEmptyPasswords no
UsePAM no
StrictModes no
AllowUsers root
Subsystem sftp internal-sftp
"""

# Every table and key of KAPACITORD_CONF exists in kapacitord 1.5.9 to 1.8.3 (server/config.go
# and each services/*/config.go at those tags: [http] bind-address, log-enabled, auth-enabled,
# https-enabled; [config-override] enabled; [logging] file, level; [storage] boltdb; [replay]
# dir; [task] dir; [load], [reporting], [stats] enabled; [[influxdb]] enabled, name, urls;
# [[httppost]] endpoint, url) except [fluxtask], which 1.6.0 added. kapacitord ignores tables
# it does not know (toml.DecodeFile without an undecoded-key check), so a wrong table would go
# unnoticed: the versions' configurations leave out what they lack.
TABLE_SINCE = {'fluxtask': (1, 6, 0)}

# Older kapacitord versions side by side: port VERSION_PORT_BASE + minor version (+ offset).
VERSION_PORT_BASE = 19510

PORTS = {
    'kapacitor': 19092,
    # kapacitord with Kapacitor's users and HTTP auth on (start_auth_kapacitord); 19093-19095 are
    # the demo fleet's (examples/fleet/demo-inventory.yml, the role_alert_endpoints target)
    'kapacitor_auth': 19096,
    'receiver': 19300,
    'receiver_tcp': 19301,
    'receiver_udp': 19302,
    'receiver_smtp': 19025,
    'mqtt': 19883,
    'kafka': 19450,  # and its controller on 19451
    'sshd': 19422,
}


def log(message):
    sys.stderr.write('[stack] %s\n' % message)
    sys.stderr.flush()


def version_tuple(version):
    """(1, 5, 9) from '1.5.9'; SystemExit naming it when it is not a release version."""
    try:
        parts = tuple(int(part) for part in version.split('.'))
    except (AttributeError, ValueError):
        parts = ()
    if len(parts) != 3:
        raise SystemExit('%r is not a Kapacitor release version (like 1.5.9)' % (version,))
    return parts


def kapacitord_conf(version=None):
    """KAPACITORD_CONF for that kapacitord version (None: the newest), without the tables it
    does not have."""
    text = KAPACITORD_CONF
    if version is None:
        return text
    for table, since in TABLE_SINCE.items():
        if version_tuple(version) < since:
            head = '[%s]\n' % table
            start = text.index(head)
            end = text.index('\n[', start + len(head)) + 1
            text = text[:start] + text[end:]
    return text


def version_port(version, offset=0):
    return VERSION_PORT_BASE + version_tuple(version)[1] + offset


def server_version(url):
    """The X-Kapacitor-Version header of GET /kapacitor/v1/ping (None without one)."""
    context = ssl._create_unverified_context()  # the stack's own throwaway certificates
    try:
        with urllib.request.urlopen(url + '/kapacitor/v1/ping', timeout=5, context=context) as response:
            return response.headers.get('X-Kapacitor-Version')
    except urllib.error.HTTPError as exc:
        return exc.headers.get('X-Kapacitor-Version')


class Stack:
    def __init__(self, state_dir):
        self.dir = os.path.abspath(state_dir)
        self.state_file = os.path.join(self.dir, 'stack.json')
        self.state = {'kapacitord': {}, 'receiver': None, 'mqtt': None, 'kafka': None}
        if os.path.exists(self.state_file):
            with open(self.state_file) as handle:
                self.state = json.load(handle)

    def save(self):
        os.makedirs(self.dir, exist_ok=True)
        main = self.state['kapacitord'].get('main')
        self.state['kapacitor_url'] = main['url'] if main else None
        receiver = self.state.get('receiver')
        self.state['receiver_url'] = receiver['url'] if receiver else None
        self.state['kapacitor_urls'] = self.kapacitor_urls()
        tmp = self.state_file + '.tmp'
        with open(tmp, 'w') as handle:
            json.dump(self.state, handle, indent=2, sort_keys=True)
        os.replace(tmp, self.state_file)

    # -- kapacitord ---------------------------------------------------------------------
    def kapacitord_binary(self, version=None):
        """$KAPACITORD (a version's: $KAPACITORD_1_5_9), or built and cached by
        build-kapacitord.sh (KAPACITOR_VERSION=version, when given)."""
        variable = 'KAPACITORD' + ('_' + version.replace('.', '_') if version else '')
        binary = os.environ.get(variable)
        if binary:
            return binary
        env = dict(os.environ, KAPACITOR_VERSION=version) if version else None
        out = subprocess.run([os.path.join(HERE, 'build-kapacitord.sh')], check=True, env=env,
                             stdout=subprocess.PIPE, universal_newlines=True).stdout
        return out.strip().splitlines()[-1]

    def kapacitor_cli(self):
        """Kapacitor's own CLI (``kapacitor``, same version as kapacitord), for the targets that
        check this collection against it: $KAPACITOR_CLI, or built and cached like kapacitord."""
        binary = os.environ.get('KAPACITOR_CLI')
        if not binary:
            out = subprocess.run([os.path.join(HERE, 'build-kapacitord.sh'), 'kapacitor'], check=True,
                                 stdout=subprocess.PIPE, universal_newlines=True).stdout
            binary = out.strip().splitlines()[-1]
        self.state['kapacitor_cli'] = binary
        self.save()
        return binary

    def start_kapacitord(self, name, port, conf_extra=None, fresh=True, binary=None, http=None, version=None,
                         flux_tasks=False):
        """Start (or restart) a kapacitord; ``http`` overrides keys of its [http] table
        (raw TOML values, e.g. {'auth-enabled': 'true'}), ``conf_extra`` appends tables.
        ``version``: that kapacitord version (binary and configuration), which it must report.
        ``flux_tasks``: turn on the Flux task service (1.6+), keeping no run history."""
        if version is not None:
            version_tuple(version)
            if binary is None:
                started = time.time()
                binary = self.kapacitord_binary(version)
                log('kapacitord %s binary ready in %.1f s: %s' % (version, time.time() - started, binary))
        self.stop_kapacitord(name, quiet=True)
        if port_in_use(port):
            # (its ping would answer for the new one, which cannot listen there)
            raise SystemExit('kapacitord %s: port %d is in use (another instance of this or another stack?)' % (name, port))
        base = os.path.join(self.dir, 'kapacitord-%s' % name)
        data = os.path.join(base, 'data')
        if fresh and os.path.isdir(data):
            subprocess.run(['rm', '-rf', data], check=True)
        os.makedirs(data, exist_ok=True)
        conf = os.path.join(base, 'kapacitord.conf')
        receiver = self.state.get('receiver') or {'url': 'http://127.0.0.1:%d' % PORTS['receiver']}
        http_keys = {'bind-address': '"127.0.0.1:%d"' % port, 'log-enabled': 'false',
                     'auth-enabled': 'false', 'https-enabled': 'false'}
        http_keys.update(http or {})
        text = kapacitord_conf(version).format(
            data=data, port=port, receiver_url=receiver['url'],
            http='\n'.join('  %s = %s' % item for item in sorted(http_keys.items())))
        if flux_tasks:
            # Without an InfluxDB to keep run history in, the service starts only with
            # task-run-influxdb = "none" (services/fluxtask/service.go; Kapacitor's own
            # TestFluxTasks_Basic does the same).
            text = text.replace('[fluxtask]\n  enabled = false\n',
                                '[fluxtask]\n  enabled = true\n  task-run-influxdb = "none"\n')
        if conf_extra:
            with open(conf_extra) as handle:
                text += '\n' + handle.read()
        with open(conf, 'w') as handle:
            handle.write(text)
        binary = binary or self.kapacitord_binary()
        logfile = open(os.path.join(base, 'kapacitord.log'), 'ab')
        proc = subprocess.Popen([binary, '-config', conf], stdout=logfile, stderr=logfile,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        scheme = 'https' if http_keys['https-enabled'] == 'true' else 'http'
        url = '%s://127.0.0.1:%d' % (scheme, port)
        self.state['kapacitord'][name] = {
            'pid': proc.pid, 'port': port, 'url': url, 'dir': base, 'conf': conf,
            'binary': binary, 'log': logfile.name}
        self.save()
        started = time.time()
        wait_http(url + '/kapacitor/v1/ping', proc, logfile.name, expect=(204, 401))
        reported = server_version(url)
        if version is not None and reported != version:
            self.stop_kapacitord(name, quiet=True)
            raise SystemExit('kapacitord %s (%s) reports X-Kapacitor-Version %r, not %s' % (name, binary, reported, version))
        self.state['kapacitord'][name]['version'] = version or reported
        self.save()
        log('kapacitord %s ready at %s in %.1f s (pid %d, version %s)' % (
            name, url, time.time() - started, proc.pid, reported))
        return url

    def start_versions(self, versions, offset=None):
        """Start kapacitord of each version (instance named after it, on its version port):
        every binary is built or found first, then each server started; returns {version: url}."""
        offset = self.state.get('port_offset', 0) if offset is None else offset
        versions = [v for v in versions if v]
        for version in versions:
            version_tuple(version)
        binaries = {}
        for version in versions:
            started = time.time()
            binaries[version] = self.kapacitord_binary(version)
            log('kapacitord %s: binary in %.1f s (built or cached): %s' % (version, time.time() - started, binaries[version]))
        urls = {}
        for version in versions:
            urls[version] = self.start_kapacitord(version, version_port(version, offset),
                                                  binary=binaries[version], version=version)
        return urls

    def kapacitor_urls(self):
        """{version: URL}: every instance started with a version, and the main one under the
        version it reports (unless an instance of that version was started for it)."""
        urls = {}
        main = self.state['kapacitord'].get('main')
        if main and main.get('version'):
            urls[main['version']] = main['url']
        for name, info in self.state['kapacitord'].items():
            if name == info.get('version'):
                urls[name] = info['url']
        return urls

    def stop_kapacitord(self, name, quiet=False):
        info = self.state['kapacitord'].pop(name, None)
        if info:
            stop_pid(info['pid'], 'kapacitord %s' % name)
            self.save()
        elif not quiet:
            log('no kapacitord named %s' % name)

    # The instance with Kapacitor's own users (tests/system/test_auth_tls.py starts one named 'auth'
    # and stops it when done: a different name keeps this one for later stages).
    AUTH_INSTANCE = 'user-auth'
    AUTH_ADMIN = ('tick-admin', 'tick-admin-pw')

    def users_conf(self):
        """A kapacitord.conf addition that turns on Kapacitor's users ([auth]); HTTP auth stays
        as [http] says. The main kapacitord has it, so that kapacitor_user's examples run there."""
        extra = os.path.join(self.dir, 'auth.conf')
        os.makedirs(self.dir, exist_ok=True)
        with open(extra, 'w') as handle:
            handle.write('[auth]\n  enabled = true\n  bcrypt-cost = 4\n')
        return extra

    def start_auth_kapacitord(self, port):
        """A kapacitord with [auth] on and HTTP auth required, holding one admin user. Users can
        only be created while HTTP auth is off (nobody could log in yet), so it starts twice:
        [auth] on to create the admin, then again on the same data with [http] auth-enabled."""
        extra = self.users_conf()
        url = self.start_kapacitord(self.AUTH_INSTANCE, port, conf_extra=extra)
        name, password = self.AUTH_ADMIN
        body = json.dumps({'name': name, 'password': password, 'type': 'admin'}).encode()
        request = urllib.request.Request(url + '/kapacitor/v1/users', data=body, method='POST',
                                         headers={'Content-Type': 'application/json'})
        urllib.request.urlopen(request, timeout=10).close()
        self.start_kapacitord(self.AUTH_INSTANCE, port, conf_extra=extra, fresh=False,
                              http={'auth-enabled': 'true'})
        return url

    # -- receiver -----------------------------------------------------------------------
    def start_receiver(self, port, tcp_port, udp_port, smtp_port):
        self.stop_receiver()
        os.makedirs(self.dir, exist_ok=True)
        logfile = open(os.path.join(self.dir, 'receiver.log'), 'ab')
        proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, 'receiver.py'), '--port', str(port),
             '--tcp-port', str(tcp_port), '--udp-port', str(udp_port), '--smtp-port', str(smtp_port)],
            stdout=logfile, stderr=logfile, stdin=subprocess.DEVNULL, start_new_session=True)
        url = 'http://127.0.0.1:%d' % port
        self.state['receiver'] = {'pid': proc.pid, 'port': port, 'url': url,
                                  'tcp_addr': '127.0.0.1:%d' % tcp_port,
                                  'udp_addr': '127.0.0.1:%d' % udp_port,
                                  'smtp_port': smtp_port}
        self.save()
        wait_http(url + '/_health', proc, logfile.name, expect=204)
        log('receiver ready at %s (pid %d)' % (url, proc.pid))
        return url

    def stop_receiver(self):
        info = self.state.get('receiver')
        if info:
            stop_pid(info['pid'], 'receiver')
            self.state['receiver'] = None
            self.save()

    # -- mosquitto (a real MQTT broker, from Debian's package) -----------------------------
    def start_mosquitto(self, port):
        self.stop_mosquitto()
        binary = shutil.which('mosquitto') or '/usr/sbin/mosquitto'
        if not os.path.exists(binary):
            log('installing mosquitto from Debian packages')
            subprocess.run('apt-get update -qq && DEBIAN_FRONTEND=noninteractive '
                           'apt-get install -y -qq mosquitto >/dev/null', shell=True, check=True)
            binary = shutil.which('mosquitto') or '/usr/sbin/mosquitto'
        base = os.path.join(self.dir, 'mosquitto')
        os.makedirs(base, exist_ok=True)
        conf = os.path.join(base, 'mosquitto.conf')
        with open(conf, 'w') as handle:
            handle.write(MOSQUITTO_CONF.format(port=port))
        logfile = open(os.path.join(base, 'mosquitto.log'), 'ab')
        proc = subprocess.Popen([binary, '-c', conf], stdout=logfile, stderr=logfile,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        wait_tcp('127.0.0.1', port, proc, logfile.name)
        self.state['mqtt'] = {'pid': proc.pid, 'port': port, 'url': 'tcp://127.0.0.1:%d' % port}
        self.save()
        log('mosquitto ready at tcp://127.0.0.1:%d (pid %d)' % (port, proc.pid))

    def stop_mosquitto(self):
        info = self.state.get('mqtt')
        if info:
            stop_pid(info['pid'], 'mosquitto')
            self.state['mqtt'] = None
            self.save()

    # -- sshd (openssh-server from Debian's package), for tests of a real non-local connection --
    def start_sshd(self, port):
        """Start sshd on 127.0.0.1:port with a throwaway host key and user key (made here, in
        the state dir): root may log in with that key only. Returns what an inventory needs."""
        self.stop_sshd()
        binary = '/usr/sbin/sshd'
        if not os.path.exists(binary):
            log('installing openssh-server from Debian packages')
            subprocess.run('apt-get update -qq && DEBIAN_FRONTEND=noninteractive '
                           'apt-get install -y -qq openssh-server >/dev/null', shell=True, check=True)
        base = os.path.join(self.dir, 'sshd')
        if os.path.isdir(base):
            shutil.rmtree(base)
        os.makedirs(base, mode=0o700)
        os.makedirs('/run/sshd', mode=0o755, exist_ok=True)  # sshd's privilege separation dir
        host_key = os.path.join(base, 'ssh_host_ed25519_key')
        user_key = os.path.join(base, 'id_ed25519')
        for key, comment in ((host_key, 'tick-stack-host'), (user_key, 'tick-stack-user')):
            subprocess.run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', key], check=True)
        shutil.copyfile(user_key + '.pub', os.path.join(base, 'authorized_keys'))
        known_hosts = os.path.join(base, 'known_hosts')
        with open(host_key + '.pub') as handle:
            host_public = ' '.join(handle.read().split()[:2])
        with open(known_hosts, 'w') as handle:
            handle.write('[127.0.0.1]:%d %s\n' % (port, host_public))
        conf = os.path.join(base, 'sshd_config')
        with open(conf, 'w') as handle:
            handle.write(SSHD_CONF.format(port=port, dir=base))
        subprocess.run([binary, '-t', '-f', conf], check=True)
        logfile = open(os.path.join(base, 'sshd.log'), 'ab')
        # -D: stay in the foreground, so the pid is sshd's own; -e: log to the log file
        proc = subprocess.Popen([binary, '-D', '-e', '-f', conf], stdout=logfile, stderr=logfile,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        wait_tcp('127.0.0.1', port, proc, logfile.name)
        # a Python without ansible on the "managed" side: the module payload must bring it all
        python = '/usr/bin/python3' if os.path.exists('/usr/bin/python3') else sys.executable
        self.state['sshd'] = {'pid': proc.pid, 'port': port, 'user': 'root', 'user_key': user_key,
                              'known_hosts': known_hosts, 'python': python, 'dir': base}
        self.save()
        log('sshd ready at 127.0.0.1:%d (pid %d)' % (port, proc.pid))
        return self.state['sshd']

    def stop_sshd(self):
        info = self.state.get('sshd')
        if info:
            stop_pid(info['pid'], 'sshd')
            self.state['sshd'] = None
            self.save()

    def integration_vars(self):
        """What integration targets know about the stack (tests/integration/integration_config.yml)."""
        receiver = self.state['receiver']
        found = {
            'kapacitor_url': self.state['kapacitord']['main']['url'],
            # {version: URL} of the main kapacitord and the older versions started beside it
            'kapacitor_urls': self.kapacitor_urls(),
            # Kapacitor's own CLI, built by `up` (a stack started before it was: built now).
            'kapacitor_cli': self.state.get('kapacitor_cli') or self.kapacitor_cli(),
            'receiver_url': receiver['url'],
            'receiver_tcp_addr': receiver['tcp_addr'],
            'receiver_udp_addr': receiver['udp_addr'],
            'receiver_smtp_port': receiver['smtp_port'],
            # Python with the stack's test-only packages, for helper scripts run by targets.
            'stack_python': sys.executable,
            'stack_dir': self.dir,
            'stack_tools': HERE,
            # Every section the collection manages (kapacitor_sections.SECTIONS), sorted, and
            # the per-section test data of tests/samples.yml (endpoint placeholders unfilled).
            'kapacitor_sections': sorted(collection.SECTIONS),
            'samples': collection.samples(),
        }
        auth = self.state['kapacitord'].get(self.AUTH_INSTANCE)
        if auth:
            # Kapacitor's user API with HTTP auth on, and its admin (kapacitor_user's target).
            found['kapacitor_auth_url'] = auth['url']
            found['kapacitor_auth_admin_username'], found['kapacitor_auth_admin_password'] = self.AUTH_ADMIN
        if self.state.get('mqtt'):
            found['mqtt_url'] = self.state['mqtt']['url']
        if self.state.get('kafka'):
            found['kafka_brokers'] = self.state['kafka']['brokers']
        return found

    # -- kafka (a real single-node KRaft broker, from Maven Central's artifacts) -----------
    def start_kafka(self, port):
        self.stop_kafka()
        try:
            self.state['kafka'] = kafka_broker.start(self.dir, port)
        except kafka_broker.BrokerError as exc:
            raise SystemExit('kafka: %s' % exc)
        self.save()
        log('kafka ready at %s in %.1f s (pid %d)' % (
            self.state['kafka']['brokers'], self.state['kafka'].get('startup_seconds', 0), self.state['kafka']['pid']))

    def stop_kafka(self):
        info = self.state.get('kafka')
        if info:
            kafka_broker.stop(info)
            self.state['kafka'] = None
            self.save()

    def down(self):
        for name in list(self.state['kapacitord']):
            self.stop_kapacitord(name)
        self.stop_sshd()
        self.stop_kafka()
        self.stop_mosquitto()
        self.stop_receiver()


def wait_http(url, proc, logname, expect, timeout=90):
    """Wait until url answers with one of the expected statuses (TLS not verified)."""
    expect = expect if isinstance(expect, tuple) else (expect,)
    context = ssl._create_unverified_context()  # the stack's own throwaway certificates
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit('%s exited with %s before answering; see %s' % (url, proc.returncode, logname))
        try:
            with urllib.request.urlopen(url, timeout=2, context=context) as response:
                if response.status in expect:
                    return
        except urllib.error.HTTPError as exc:
            if exc.code in expect:
                return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise SystemExit('%s did not answer within %d s; see %s' % (url, timeout, logname))


def port_in_use(port, host='127.0.0.1'):
    try:
        socket.create_connection((host, port), timeout=1).close()
        return True
    except OSError:
        return False


def wait_tcp(host, port, proc, logname, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit('%s:%d exited with %s before listening; see %s' % (host, port, proc.returncode, logname))
        try:
            socket.create_connection((host, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit('%s:%d did not listen within %d s; see %s' % (host, port, timeout, logname))


def stop_pid(pid, what, timeout=30):
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            # reap it if it is our child; otherwise just probe it
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                break
        except ChildProcessError:
            pass
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        log('%s (pid %d) ignored SIGTERM for %d s: killing it' % (what, pid, timeout))
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    log('stopped %s (pid %d)' % (what, pid))


def jinja_literal(value):
    """Strings with Jinja delimiters (the Go templates of samples.yml's httppost endpoint) wrapped
    in raw blocks: Ansible templates the variables it reads from a file."""
    if isinstance(value, dict):
        return dict((key, jinja_literal(item)) for key, item in value.items())
    if isinstance(value, list):
        return [jinja_literal(item) for item in value]
    if isinstance(value, str) and ('{{' in value or '{%' in value or '{#' in value):
        return '{%% raw %%}%s{%% endraw %%}' % value
    return value


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--state-dir', default=os.environ.get('TICK_STACK_DIR', DEFAULT_STATE_DIR))
    sub = parser.add_subparsers(dest='command', required=True)
    up = sub.add_parser('up')
    up.add_argument('--port-offset', type=int, default=int(os.environ.get('TICK_PORT_OFFSET', 0)),
                    help='added to every default port, to run several stacks side by side')
    up.add_argument('--without', default='', metavar='kafka,mqtt,cli',
                    help='peers not to start, or cli: not to build Kapacitor\'s CLI (the demo needs none)')
    up.add_argument('--versions', default=os.environ.get('TICK_KAPACITOR_VERSIONS', ''), metavar='1.5.9,1.6.5,1.7.6',
                    help='older kapacitord versions to start beside the main one, each on its own port')
    versions = sub.add_parser('start-versions', help='start older kapacitord versions beside a running stack')
    versions.add_argument('versions', metavar='1.5.9,1.6.5,1.7.6')
    sub.add_parser('down')
    sub.add_parser('status')
    sub.add_parser('integration-vars')
    start = sub.add_parser('start-kapacitord')
    start.add_argument('--name', help='required without --version, whose default name is the version')
    start.add_argument('--port', type=int, help='required without --version (default: its version port)')
    start.add_argument('--version', help='that kapacitord version (built or cached), with a configuration it accepts')
    start.add_argument('--conf-extra')
    start.add_argument('--keep-data', action='store_true', help='restart on the existing data dir')
    start.add_argument('--http', action='append', default=[], metavar='KEY=TOML_VALUE',
                       help='set a key of the [http] table, e.g. --http auth-enabled=true')
    stop = sub.add_parser('stop-kapacitord')
    stop.add_argument('--name', required=True)
    sshd = sub.add_parser('start-sshd')
    sshd.add_argument('--port', type=int, default=PORTS['sshd'])
    sub.add_parser('stop-sshd')
    args = parser.parse_args(argv)

    stack = Stack(args.state_dir)
    if args.command == 'up':
        ports = dict((key, value + args.port_offset) for key, value in PORTS.items())
        stack.down()
        stack.state['port_offset'] = args.port_offset
        stack.start_receiver(ports['receiver'], ports['receiver_tcp'], ports['receiver_udp'],
                             ports['receiver_smtp'])
        without = set(filter(None, args.without.split(',')))
        if 'mqtt' not in without:
            stack.start_mosquitto(ports['mqtt'])
        if 'kafka' not in without:
            stack.start_kafka(ports['kafka'])
        stack.start_kapacitord('main', ports['kapacitor'], conf_extra=stack.users_conf(), flux_tasks=True)
        stack.start_auth_kapacitord(ports['kapacitor_auth'])
        if 'cli' not in without:
            stack.kapacitor_cli()
        stack.start_versions(args.versions.split(','))
    elif args.command == 'start-versions':
        stack.start_versions(args.versions.split(','))
    elif args.command == 'down':
        stack.down()
    elif args.command == 'start-kapacitord':
        http = dict(item.split('=', 1) for item in args.http)
        if not args.version and (not args.name or not args.port):
            parser.error('start-kapacitord needs --name and --port, or --version')
        name = args.name or args.version
        port = args.port or version_port(args.version, stack.state.get('port_offset', 0))
        stack.start_kapacitord(name, port, args.conf_extra, fresh=not args.keep_data, http=http,
                               version=args.version)
    elif args.command == 'stop-kapacitord':
        stack.stop_kapacitord(args.name)
    elif args.command == 'start-sshd':
        stack.start_sshd(args.port)
    elif args.command == 'stop-sshd':
        stack.stop_sshd()
    elif args.command == 'integration-vars':
        for key, value in sorted(stack.integration_vars().items()):
            print('%s: %s' % (key, json.dumps(jinja_literal(value))))
        return
    print(json.dumps(stack.state, indent=2, sort_keys=True))


if __name__ == '__main__':
    main()
