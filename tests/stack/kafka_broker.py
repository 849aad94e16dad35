#!/usr/bin/env python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A real single-node Apache Kafka broker (KRaft, no ZooKeeper) on 127.0.0.1, for the tests.

  kafka_broker.py start --state-dir D --port P    format storage, start, wait, print JSON
  kafka_broker.py stop --state-dir D              stop the broker started in D
  kafka_broker.py resolve                         only download the jars (prints the classpath)

Kafka comes from Maven Central, the one place besides the other package registries that
this machine reaches: a generated pom asks Maven for ``org.apache.kafka:kafka_2.13:<version>``
and its runtime dependencies (plus the slf4j binding of the log4j it brings), which are copied
to ``~/.cache/tick-kapacitor/kafka-<version>/libs`` and reused by later runs. Nothing depends
on that cache: a cold run resolves everything again. Java 17+ and ``mvn`` must be on PATH.

Everything a broker writes lives in ``<state dir>/kafka/`` (config, data, ``kafka.log``,
``broker.json``). The broker listens on 127.0.0.1:P (PLAINTEXT, clients) and 127.0.0.1:P+1
(its KRaft controller), creates topics on first use and is ready when it answers a Kafka
Metadata request listing itself. Standard library only.
"""

import argparse
import base64
import fcntl
import glob
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
import uuid

VERSION = os.environ.get('TICK_KAFKA_VERSION', '4.4.0')
CACHE_ROOT = os.path.join(os.path.expanduser('~'), '.cache', 'tick-kapacitor')
HEAP = os.environ.get('TICK_KAFKA_HEAP', '512m')

POM = """\
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.tick-kapacitor</groupId>
  <artifactId>kafka-broker-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
{dependencies}
  </dependencies>
</project>
"""

DEPENDENCY = """\
    <dependency>
      <groupId>{group}</groupId>
      <artifactId>{artifact}</artifactId>
      <version>{version}</version>
    </dependency>"""

SERVER_PROPERTIES = """\
# Written by tests/stack/kafka_broker.py: one node that is both broker and KRaft controller.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:{controller_port}
listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port}
advertised.listeners=PLAINTEXT://127.0.0.1:{port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs={data}
num.partitions=1
default.replication.factor=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=1
log.segment.bytes=16777216
"""

LOG4J2 = """\
status = warn
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = OUT
logger.state.name = state.change.logger
logger.state.level = WARN
logger.config.name = org.apache.kafka.common.config.AbstractConfig
logger.config.level = WARN
"""

STARTED_LINE = 'Kafka Server started'


def log(message):
    sys.stderr.write('[kafka] %s\n' % message)
    sys.stderr.flush()


class BrokerError(Exception):
    pass


# -- the jars ---------------------------------------------------------------------------------
def cache_dir(version=VERSION):
    return os.path.join(CACHE_ROOT, 'kafka-%s' % version)


def _mvn_copy(pom_dir, deps, out_dir):
    with open(os.path.join(pom_dir, 'pom.xml'), 'w') as handle:
        handle.write(POM.format(dependencies='\n'.join(
            DEPENDENCY.format(group=g, artifact=a, version=v) for g, a, v in deps)))
    mvn = shutil.which('mvn')
    if not mvn:
        raise BrokerError('mvn is not on PATH: Maven resolves Kafka from Maven Central')
    cmd = [mvn, '-B', '-q', '-f', os.path.join(pom_dir, 'pom.xml'),
           'dependency:copy-dependencies', '-DincludeScope=runtime',
           '-DoutputDirectory=%s' % out_dir]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, stdin=subprocess.DEVNULL, check=False)
    with open(os.path.join(pom_dir, 'mvn.log'), 'a') as handle:
        handle.write(proc.stdout)
    if proc.returncode != 0:
        errors = [line for line in proc.stdout.splitlines() if 'ERROR' in line]
        raise BrokerError('Maven could not resolve Kafka %s: %s (see %s)' % (
            deps[0][2], (errors or ['exit %d' % proc.returncode])[0].strip(),
            os.path.join(pom_dir, 'mvn.log')))


def _jar_version(libs, artifact):
    for path in glob.glob(os.path.join(libs, '%s-[0-9]*.jar' % artifact)):
        return os.path.basename(path)[len(artifact) + 1:-len('.jar')]
    return None


def resolve(version=VERSION):
    """The broker's classpath (a list of jars), resolving it with Maven unless cached."""
    base = cache_dir(version)
    libs = os.path.join(base, 'libs')
    listing = os.path.join(base, 'classpath.txt')
    os.makedirs(base, exist_ok=True)
    with open(os.path.join(base, '.lock'), 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # several stacks may start at once
        if os.path.exists(listing):
            with open(listing) as handle:
                jars = [line.strip() for line in handle if line.strip()]
            if jars and all(os.path.isfile(jar) for jar in jars):
                return jars
        started = time.time()
        log('resolving org.apache.kafka:kafka_2.13:%s with Maven (cold cache)' % version)
        work = os.path.join(base, 'resolve')
        partial = os.path.join(base, 'libs.partial')
        for path in (work, partial):
            shutil.rmtree(path, ignore_errors=True)
        os.makedirs(work)
        deps = [('org.apache.kafka', 'kafka_2.13', version)]
        _mvn_copy(work, deps, partial)
        # Kafka's pom brings log4j but not the slf4j binding its distribution ships.
        log4j = _jar_version(partial, 'log4j-core')
        slf4j = _jar_version(partial, 'slf4j-api')
        if log4j and slf4j:
            binding = 'log4j-slf4j2-impl' if slf4j.startswith('2.') else 'log4j-slf4j-impl'
            deps.append(('org.apache.logging.log4j', binding, log4j))
            _mvn_copy(work, deps, partial)
        shutil.rmtree(libs, ignore_errors=True)
        os.rename(partial, libs)
        jars = sorted(glob.glob(os.path.join(libs, '*.jar')))
        if not any(os.path.basename(jar).startswith('kafka_2.13-') for jar in jars):
            raise BrokerError('Maven resolved no kafka_2.13 jar into %s' % libs)
        with open(listing + '.tmp', 'w') as handle:
            handle.write('\n'.join(jars) + '\n')
        os.replace(listing + '.tmp', listing)
        log('resolved %d jars in %.1f s into %s' % (len(jars), time.time() - started, libs))
        return jars


# -- Kafka's wire protocol, just enough to ask for metadata ------------------------------------
def _kafka_string(text):
    raw = text.encode('utf-8')
    return struct.pack('>h', len(raw)) + raw


def _request(sock, api_key, api_version, correlation, body):
    header = struct.pack('>hhi', api_key, api_version, correlation) + _kafka_string('tick-stack')
    payload = header + body
    sock.sendall(struct.pack('>i', len(payload)) + payload)
    size = struct.unpack('>i', _recv_exact(sock, 4))[0]
    data = _recv_exact(sock, size)
    if struct.unpack('>i', data[:4])[0] != correlation:
        raise BrokerError('answer to another request')
    return data[4:]


def _recv_exact(sock, size):
    chunks = b''
    while len(chunks) < size:
        chunk = sock.recv(size - len(chunks))
        if not chunk:
            raise BrokerError('connection closed')
        chunks += chunk
    return chunks


def metadata_brokers(host, port, timeout=3.0):
    """Ask the broker for cluster metadata; returns [(node_id, host, port)] it reports."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.settimeout(timeout)
        # ApiVersions v0: which Metadata versions does this broker speak?
        data = _request(sock, 18, 0, 1, b'')
        error, count = struct.unpack('>hi', data[:6])
        if error:
            raise BrokerError('ApiVersions error %d' % error)
        versions = {}
        for i in range(count):
            key, low, high = struct.unpack('>hhh', data[6 + 6 * i:12 + 6 * i])
            versions[key] = (low, high)
        low, high = versions.get(3, (0, 0))
        version = min(high, 8)  # v9+ are "flexible" (tagged fields); v1..v8 are enough
        if version < max(low, 1):
            raise BrokerError('no Metadata version between v1 and v8 (broker: v%d..v%d)' % (low, high))
        body = struct.pack('>i', -1)  # null topic list: every topic, create none
        if version >= 4:
            body += struct.pack('>b', 0)  # allow_auto_topic_creation
        if version >= 8:
            body += struct.pack('>bb', 0, 0)  # authorized operations
        data = _request(sock, 3, version, 2, body)
        pos = 4 if version >= 3 else 0  # throttle_time_ms
        (count,) = struct.unpack('>i', data[pos:pos + 4])
        pos += 4
        brokers = []
        for _broker in range(count):
            node_id, length = struct.unpack('>ih', data[pos:pos + 6])
            pos += 6
            node_host = data[pos:pos + length].decode('utf-8')
            pos += length
            node_port, rack = struct.unpack('>ih', data[pos:pos + 6])
            pos += 6 + max(rack, 0)
            brokers.append((node_id, node_host, node_port))
        return brokers


# -- the broker --------------------------------------------------------------------------------
def _base(state_dir):
    return os.path.join(os.path.abspath(state_dir), 'kafka')


def _cluster_id():
    return base64.urlsafe_b64encode(uuid.uuid4().bytes).decode('ascii').rstrip('=')


def _java():
    java = shutil.which('java')
    if not java:
        raise BrokerError('java is not on PATH: Kafka %s needs Java 17 or later' % VERSION)
    return java


def _tail(path, lines=15):
    try:
        with open(path, errors='replace') as handle:
            return ''.join(handle.readlines()[-lines:])
    except OSError:
        return ''


def _port_free(port):
    try:
        with socket.create_connection(('127.0.0.1', port), timeout=0.5):
            return False
    except OSError:
        return True


def start(state_dir, port, timeout=120, version=VERSION):
    """Start a fresh broker on 127.0.0.1:port (controller on port+1); returns its info dict.

    The dict has pid, port, controller_port, brokers ('127.0.0.1:PORT'), log, dir, version
    and startup_seconds (format + start until a Metadata request lists the broker).
    """
    stop_dir(state_dir, quiet=True)
    base = _base(state_dir)
    controller_port = port + 1
    for wanted in (port, controller_port):
        if not _port_free(wanted):
            raise BrokerError('127.0.0.1:%d is already in use' % wanted)
    jars = resolve(version)
    started = time.time()
    data = os.path.join(base, 'data')
    shutil.rmtree(data, ignore_errors=True)
    os.makedirs(data)
    config = os.path.join(base, 'server.properties')
    with open(config, 'w') as handle:
        handle.write(SERVER_PROPERTIES.format(port=port, controller_port=controller_port, data=data))
    log4j = os.path.join(base, 'log4j2.properties')
    with open(log4j, 'w') as handle:
        handle.write(LOG4J2)
    logname = os.path.join(base, 'kafka.log')
    java = [_java(), '-Xms128m', '-Xmx%s' % HEAP, '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1',
            '-Djava.awt.headless=true', '-Dlog4j2.configurationFile=%s' % log4j,
            '-Dkafka.logs.dir=%s' % base, '-cp', os.pathsep.join(jars)]
    fmt = subprocess.run(java + ['kafka.tools.StorageTool', 'format', '-t', _cluster_id(), '-c', config],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                         stdin=subprocess.DEVNULL, check=False)
    with open(logname, 'a') as handle:
        handle.write(fmt.stdout)
    if fmt.returncode != 0:
        raise BrokerError('formatting the Kafka storage failed (exit %d): %s' % (
            fmt.returncode, (fmt.stdout.strip().splitlines() or [''])[-1]))
    with open(logname, 'ab') as logfile:
        proc = subprocess.Popen(java + ['kafka.Kafka', config], stdout=logfile, stderr=logfile,
                                stdin=subprocess.DEVNULL, start_new_session=True, cwd=base)
    info = {'pid': proc.pid, 'port': port, 'controller_port': controller_port,
            'brokers': '127.0.0.1:%d' % port, 'log': logname, 'dir': base, 'version': version}
    _save(state_dir, info)
    deadline = time.time() + timeout
    last = None
    while True:
        if proc.poll() is not None:
            _save(state_dir, None)
            raise BrokerError('Kafka exited with %s before it was ready; see %s\n%s' % (
                proc.returncode, logname, _tail(logname)))
        try:
            if any(p == port for _n, _h, p in metadata_brokers('127.0.0.1', port)):
                break
            last = 'the broker is not in its own metadata yet'
        except (OSError, BrokerError, struct.error) as exc:
            last = str(exc) or type(exc).__name__
        if time.time() > deadline:
            stop(info)
            raise BrokerError('Kafka did not answer a Metadata request within %d s (%s); see %s'
                              % (timeout, last, logname))
        time.sleep(0.25)
    info['startup_seconds'] = round(time.time() - started, 1)
    info['started_line'] = STARTED_LINE in _tail(logname, 400)
    _save(state_dir, info)
    log('Kafka %s ready at %s in %.1f s (pid %d)' % (
        version, info['brokers'], info['startup_seconds'], proc.pid))
    return info


def stop(info, timeout=30):
    """Stop the broker described by ``info`` (from :func:`start`): SIGTERM, then SIGKILL."""
    if not info:
        return
    pid = info['pid']
    recorded = os.path.join(info.get('dir') or '', 'broker.json')
    if info.get('dir') and (load(os.path.dirname(info['dir'])) or {}).get('pid') == pid:
        os.remove(recorded)
    if not _is_broker(pid, info.get('dir')):
        log('pid %d is no longer the Kafka broker of %s: nothing to stop' % (pid, info.get('dir')))
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
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
        log('Kafka (pid %d) ignored SIGTERM for %d s: killing it' % (pid, timeout))
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    log('stopped Kafka (pid %d)' % pid)


def _is_broker(pid, base):
    """Whether pid still runs kafka.Kafka on this state dir's config (pids get reused)."""
    try:
        with open('/proc/%d/cmdline' % pid, 'rb') as handle:
            args = handle.read().decode('utf-8', 'replace').split('\0')
    except OSError:
        return os.path.exists('/proc/%d' % pid) or not os.path.isdir('/proc')
    return 'kafka.Kafka' in args and (not base or os.path.join(base, 'server.properties') in args)


def _state_file(state_dir):
    return os.path.join(_base(state_dir), 'broker.json')


def _save(state_dir, info):
    path = _state_file(state_dir)
    if info is None:
        if os.path.exists(path):
            os.remove(path)
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + '.tmp', 'w') as handle:
        json.dump(info, handle, indent=2, sort_keys=True)
    os.replace(path + '.tmp', path)


def load(state_dir):
    try:
        with open(_state_file(state_dir)) as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def stop_dir(state_dir, quiet=False):
    info = load(state_dir)
    if info:
        stop(info)
        _save(state_dir, None)
    elif not quiet:
        log('no Kafka broker recorded in %s' % _base(state_dir))
    return info


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest='command', required=True)
    up = sub.add_parser('start')
    up.add_argument('--state-dir', required=True)
    up.add_argument('--port', type=int, required=True)
    up.add_argument('--timeout', type=int, default=120)
    down = sub.add_parser('stop')
    down.add_argument('--state-dir', required=True)
    sub.add_parser('resolve')
    args = parser.parse_args(argv)
    try:
        if args.command == 'start':
            out = start(args.state_dir, args.port, timeout=args.timeout)
        elif args.command == 'stop':
            out = stop_dir(args.state_dir) or {}
        else:
            out = {'version': VERSION, 'classpath': resolve()}
    except BrokerError as exc:
        raise SystemExit('kafka_broker.py: %s' % exc)
    print(json.dumps(out, indent=2, sort_keys=True))


if __name__ == '__main__':
    main()
