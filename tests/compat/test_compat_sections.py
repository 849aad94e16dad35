# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every alert-section module on every older Kapacitor that has its section.

One playbook per step runs every section's module on every older version at once (one host per
version, each through its recording proxy), with tests/samples.yml's working ``endpoint``
without the options that version lacks (Kafka and MQTT enabled against the stack's real
brokers):

  reset     state=absent
  check     the endpoint in check mode: changed, only GETs, GET /config byte-identical
  apply     changed: one GET, one POST, one GET; Kapacitor holds the values
  rerun     ok, exactly one GET
  test      test_alert=true: Kapacitor reports success, and the alert arrived where the endpoint
            points (the receiver's HTTP path, its TCP, UDP or SMTP port, the MQTT or Kafka broker)
  absent    changed; the section back as it was after reset

Which options a version lacks is asked of the server (the options GET /config reports) and
must equal the version matrix below (kapacitor-api.md 2.1, from Kapacitor's source), which the
collection's declarations (Section.since, Option.since) must match too.
"""

import base64
import json
import os
import subprocess
import sys
import time
import urllib.parse

import pytest

import collection
from collection import SECTIONS, collections_root
from stack import jinja_literal
from conftest import OLDER, REPO, by_section, http_json, outcome, run_steps, vt

# First version with each section or option that not every version from 1.5.9 on has
# (kapacitor-api.md 2.1; options by the collection's names).
SECTION_SINCE = {'discord': '1.5.6', 'teams': '1.5.6', 'servicenow': '1.5.7', 'bigpanda': '1.5.8',
                 'zenoss': '1.6.0'}
OPTION_SINCE = dict(
    [(('slack', 'token'), '1.6.0'), (('bigpanda', 'auto_attributes'), '1.6.3'), (('smtp', 'to_templates'), '1.6.3')]
    + [(('kafka', 'sasl_' + name), '1.6.4') for name in (
        'username', 'password', 'mechanism', 'version', 'gssapi_service_name', 'gssapi_auth_type',
        'gssapi_disable_pafxfast', 'gssapi_kerberos_config_path', 'gssapi_key_tab_path', 'gssapi_realm',
        'access_token')]
    + [(('kafka', 'sasl_' + name), '1.7.6') for name in (
        'extensions', 'oauth_service', 'oauth_client_id', 'oauth_client_secret', 'oauth_token_url',
        'oauth_scopes', 'oauth_parameters', 'oauth_token_expiry_margin', 'oauth_tenant_id')])

collections_root()  # on sys.path: the collection's own Go duration parser
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_spec import parse_duration  # noqa: E402

STEPS = ('reset', 'check', 'apply', 'rerun', 'test', 'absent')
MATRIX = {}


def prefix(version):
    """Where a version's HTTP endpoints point at the receiver, to tell the versions apart."""
    return '/compat-%s' % version


def element_options(server, name, element):
    """The element's options as the server reports them (None when it lacks the section)."""
    found = server.config(name)
    if found is None:
        return None
    section = SECTIONS[name]
    for item in found['elements']:
        if not section.is_list or item['options'].get(section.element_api_key) == element:
            return item['options']
    return None


def has_option(options, opt):
    if opt.parent:
        return isinstance(options.get(opt.parent), dict) and opt.api_name in options[opt.parent]
    return opt.api_name in options


def destination(name, endpoint, version):
    """(kind, where) the section's test alert goes to."""
    kinds = {'sensu': 'tcp', 'snmptrap': 'udp', 'smtp': 'smtp', 'kafka': 'kafka', 'mqtt': 'mqtt'}
    if name in kinds:
        return kinds[name], topic(name, version)
    url = endpoint.get('url') or endpoint.get('channel_url')
    path = urllib.parse.urlsplit(url).path.split('/_status/')[0]
    assert path.startswith(prefix(version) + '/'), (name, url)
    return 'http', path


RUN = '%x' % int(time.time())  # Kafka keeps topics: a topic of this run's own


def topic(name, version):
    if name == 'kafka':
        return 'compat-%s-%s' % (version.replace('.', '-'), RUN)
    if name == 'mqtt':
        return 'tick-compat/%s' % version
    return None


def task(step, name, server, params, **extra):
    """A task of the module; Go templates (httppost's alert_template) kept from Jinja."""
    params = jinja_literal(dict(params, kapacitor_url=server.proxy))
    entry = {'name': '%s %s' % (step, name), 'tick.kapacitor.kapacitor_%s' % name: params, 'ignore_errors': True}
    entry.update(extra)
    return entry


def alert_test_options(name, version):
    """Test options that tell the versions' test alerts apart where they share a peer (the
    receiver's TCP, UDP and SMTP ports, the brokers); None for the others."""
    marker = 'compat %s' % version
    return {
        'kafka': {'topic': topic('kafka', version)},
        'mqtt': {'topic': topic('mqtt', version)},
        'sensu': {'name': 'compat-%s' % version},
        'snmptrap': {'data-list': [{'oid': '1.1.1.1.2', 'type': 's', 'value': marker + ' snmptrap'}]},
        'smtp': {'subject': marker},
    }.get(name)


class Subscriber:
    """tests/integration/targets/kapacitor_mqtt/files/mqtt_subscribe.py in the background (one at
    a time: it has a fixed client id, and the broker drops the older of two such clients)."""

    def __init__(self, url, topic_name, workdir, count):
        self.ready = os.path.join(workdir, 'mqtt-ready')
        script = os.path.join(REPO, 'tests', 'integration', 'targets', 'kapacitor_mqtt', 'files', 'mqtt_subscribe.py')
        self.proc = subprocess.Popen([sys.executable, script, '--url', url, '--topic', topic_name,
                                      '--ready', self.ready, '--timeout', '60', '--count', str(count)],
                                     stdout=subprocess.PIPE, universal_newlines=True)
        deadline = time.time() + 30
        while not os.path.exists(self.ready):
            assert self.proc.poll() is None and time.time() < deadline, 'the MQTT subscriber did not subscribe'
            time.sleep(0.1)

    def messages(self):
        out, _err = self.proc.communicate(timeout=60)
        return json.loads(out)['messages']


def create_kafka_topic(brokers, topic_name):
    """Create the topic before the test alert: Kapacitor 1.5's client (segmentio/kafka-go 0.3.5)
    drops the first message to a topic the broker has yet to create (its first answer is
    LEADER_NOT_AVAILABLE, which that client does not retry); later clients (sarama) retry."""
    from confluent_kafka.admin import AdminClient, NewTopic
    admin = AdminClient({'bootstrap.servers': brokers})
    for future in admin.create_topics([NewTopic(topic_name, num_partitions=1, replication_factor=1)]).values():
        future.result(timeout=30)


def kafka_messages(brokers, topic_name):
    proc = subprocess.run([sys.executable, os.path.join(REPO, 'tests', 'stack', 'kafka_consume.py'),
                           '--brokers', brokers, '--topic', topic_name, '--timeout', '20'],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, check=False)
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()], proc.stderr.strip()


def plan(server, stack_vars):
    """What the matrix runs on a server: its sections, their endpoints (without the options it
    lacks), and the options left out."""
    version = server.version
    receiver = dict(stack_vars, receiver_url=stack_vars['receiver_url'] + prefix(version))
    out = {'present': [], 'dropped': {}, 'endpoints': {}}
    for name in sorted(SECTIONS):
        section = SECTIONS[name]
        options = element_options(server, name, collection.samples()[name].get('element'))
        if options is None:
            continue
        out['present'].append(name)
        endpoint = collection.endpoint(name, receiver)
        if name == 'kafka':
            endpoint.update(enabled=True, brokers=[stack_vars['kafka_brokers']])
        if name == 'mqtt':
            # a client id per server: the broker drops the older of two clients with the same
            endpoint.update(enabled=True, url=stack_vars['mqtt_url'], client_id='compat-%s' % version)
        dropped = sorted(key for key in endpoint if key in section.options and not has_option(options, section.options[key]))
        for key in dropped:
            del endpoint[key]
        out['dropped'][name] = dropped
        out['endpoints'][name] = endpoint
    return out


def run_matrix(servers, versions, ansible, stack_vars, workdir):
    """Every step for every section on every version at once; what each step did, per version."""
    plans = dict((v, plan(servers[v], stack_vars)) for v in versions)

    def reset_params(version, name):
        params = {'state': 'absent'}
        if SECTIONS[name].is_list:
            params[SECTIONS[name].element_key] = plans[version]['endpoints'][name][SECTIONS[name].element_key]
        return params

    def test_params(version, name):
        params = dict(plans[version]['endpoints'][name], test_alert=True)
        if alert_test_options(name, version):
            params['test_options'] = alert_test_options(name, version)
        return params

    def tasks(step):
        def make(server):
            v = server.version
            endpoints = plans[v]['endpoints']
            found = []
            for n in plans[v]['present']:
                if step in ('reset', 'absent'):
                    found.append(task(step, n, server, reset_params(v, n)))
                elif step == 'check':
                    found.append(task(step, n, server, endpoints[n], check_mode=True, diff=True))
                elif step == 'test':
                    found.append(task(step, n, server, test_params(v, n)))
                else:
                    found.append(task(step, n, server, endpoints[n]))
            return found
        return make

    elements = dict((v, {}) for v in versions)

    def snapshot(label):
        def take():
            for v in versions:
                elements[v][label] = dict((n, element_options(servers[v], n, collection.samples()[n].get('element')))
                                          for n in plans[v]['present'])
        return take

    subscriber = []

    def before_test():
        http_json(stack_vars['receiver_url'] + '/_recorded', 'DELETE')
        subscriber.append(Subscriber(stack_vars['mqtt_url'], 'tick-compat/#', workdir,
                                     sum(1 for v in versions if 'mqtt' in plans[v]['present'])))
        for v in versions:
            if 'kafka' in plans[v]['present']:
                create_kafka_topic(stack_vars['kafka_brokers'], topic('kafka', v))

    steps = []
    for step in STEPS:
        if step == 'test':
            steps.append(before_test)
        steps.append((step, tasks(step), []))
        steps.append(snapshot(step))
    runs = run_steps(ansible, servers, versions, steps, 'sections')
    recorded = http_json(stack_vars['receiver_url'] + '/_recorded')['requests']
    published = subscriber[0].messages()
    found = {}
    for v in versions:
        found[v] = dict(plans[v], runs=runs[v], element=elements[v],
                        recorded=dict((step, by_section(runs[v][step]['recorded'])) for step in STEPS))
        found[v]['arrived'] = arrivals(found[v], stack_vars, v, published, recorded)
    return found


def arrivals(out, stack_vars, version, published, recorded):
    """{section: [what arrived]} for the version's test step."""
    found = {}
    names = out['present']
    deadline = time.time() + 30
    marker = 'compat %s' % version
    # the SMTP service sends asynchronously: wait for the version's mail
    while 'smtp' in names and not any(r['kind'] == 'smtp' and r['subject'] == marker for r in recorded):
        if time.time() > deadline:
            break
        time.sleep(0.5)
        recorded = http_json(stack_vars['receiver_url'] + '/_recorded')['requests']
    for name in names:
        kind, where = destination(name, out['endpoints'][name], version)
        if kind == 'http':
            # the path, or below it; Telegram appends the bot token to the URL (.../botTOKEN/...)
            found[name] = [r for r in recorded if r['kind'] == 'http' and r['path'].startswith(where) and (
                r['path'][len(where):][:1] in ('', '/', '?') or name == 'telegram')]
        elif kind == 'tcp':
            found[name] = [r for r in recorded if r['kind'] == 'tcp' and r['json'].get('name') == 'compat-%s' % version]
        elif kind == 'udp':
            found[name] = [r for r in recorded if r['kind'] == 'udp' and marker.encode() in base64.b64decode(r['base64'])]
        elif kind == 'smtp':
            found[name] = [r for r in recorded if r['kind'] == 'smtp' and r['subject'] == marker]
        elif kind == 'mqtt':
            found[name] = [m for m in published if m['topic'] == where]
        elif kind == 'kafka':
            found[name], _why = kafka_messages(stack_vars['kafka_brokers'], where)
    return found


@pytest.fixture
def matrix(request, servers, ansible, stack_vars, tmp_path_factory):
    """What the matrix did on the version in the test's parameters (run once, every version)."""
    if not MATRIX:
        MATRIX.update(run_matrix(servers, OLDER, ansible, stack_vars, str(tmp_path_factory.mktemp('mqtt'))))
    return MATRIX[request.node.callspec.params['version']]


def section_cases():
    """(version, section) for every section of the collection on every older version that has it."""
    return [pytest.param(v, n, id='%s-%s' % (v, n)) for v in OLDER for n in sorted(SECTIONS)
            if vt(v) >= vt(SECTION_SINCE.get(n, '1.5.0'))]


def result(matrix, step, name, failed=False):
    """The task's result; it must have failed, or not, as ``failed`` says."""
    return outcome(matrix['runs'], step, '%s %s' % (step, name), failed)


def test_declared_versions_are_those_of_the_version_matrix():
    declared_sections = dict((n, s.since) for n, s in SECTIONS.items() if s.since and vt(s.since) > (1, 5, 0))
    assert declared_sections == SECTION_SINCE
    declared = dict(((n, key), opt.since) for n, s in SECTIONS.items() for key, opt in s.options.items()
                    if getattr(opt, 'since', None))
    assert declared == OPTION_SINCE


@pytest.mark.parametrize('version', OLDER)
def test_sections_are_those_of_the_version_matrix(matrix, version):
    expected = sorted(n for n in SECTIONS if vt(version) >= vt(SECTION_SINCE.get(n, '1.5.0')))
    assert matrix['present'] == expected
    # and the collection declares them so (Section.since)
    assert sorted(n for n in SECTIONS if vt(version) >= vt(SECTIONS[n].since or '1.5.0')) == expected


@pytest.mark.parametrize('version', OLDER)
def test_options_the_server_lacks_are_those_of_the_version_matrix(servers, version):
    """Every option of every section this server has, asked of the server itself."""
    server = servers[version]
    lacking = set()
    for name in sorted(SECTIONS):
        options = element_options(server, name, collection.samples()[name].get('element'))
        if options is None:
            continue
        lacking.update((name, key) for key, opt in SECTIONS[name].options.items() if not has_option(options, opt))
    expected = set(key for key, since in OPTION_SINCE.items() if vt(version) < vt(since))
    assert sorted(lacking) == sorted(expected)


@pytest.mark.parametrize('version,name', section_cases())
def test_check_mode_reads_once_and_writes_nothing(matrix, version, name):
    found = result(matrix, 'check', name)
    assert found['changed'] is True
    assert matrix['recorded']['check'][name] == [('GET', 'config')]
    assert matrix['element']['check'][name] == matrix['element']['reset'][name]
    run = matrix['runs']['check']
    assert run['after'] == run['before'], 'check mode changed GET /kapacitor/v1/config'


@pytest.mark.parametrize('version,name', section_cases())
def test_apply_writes_the_endpoint(matrix, version, name):
    found = result(matrix, 'apply', name)
    assert found['changed'] is True
    assert found['kapacitor_version'] == version
    assert matrix['recorded']['apply'][name] == [('GET', 'config'), ('POST', 'config'), ('GET', 'config')]
    stored = matrix['element']['apply'][name]
    section = SECTIONS[name]
    for key, value in matrix['endpoints'][name].items():
        opt = section.options.get(key)
        if opt is None:
            continue  # the element key
        got = stored[opt.parent][opt.api_name] if opt.parent else stored[opt.api_name]
        if opt.secret and opt.redacted:
            assert got is True, key
        elif opt.kind == 'duration':
            assert parse_duration(got) == parse_duration(value), (key, got)  # Go writes 24h as 24h0m0s
        else:
            assert got == value, key


@pytest.mark.parametrize('version,name', section_cases())
def test_rerun_is_ok_with_one_get(matrix, version, name):
    found = result(matrix, 'rerun', name)
    assert found['changed'] is False
    assert matrix['recorded']['rerun'][name] == [('GET', 'config')]


@pytest.mark.parametrize('version,name', section_cases())
def test_test_alert_arrives(matrix, version, name):
    found = result(matrix, 'test', name)
    assert found['changed'] is False
    assert found['test_alert'] == {'success': True, 'message': ''}
    # test options are checked against the server's service tests first
    read_tests = [('GET', 'service-tests')] if alert_test_options(name, version) else []
    assert matrix['recorded']['test'][name] == read_tests + [('GET', 'config'), ('POST', 'service-tests')]
    arrived = matrix['arrived'][name]
    assert arrived, 'nothing arrived for %s' % name
    assert_arrived(name, arrived, matrix['endpoints'][name], version)


def assert_arrived(name, arrived, endpoint, version):
    """What Kapacitor's test alert of the section carries, as the peer received it."""
    if name == 'sensu':
        # (the source differs: 1.5.9's test takes the configured one, later ones "Kapacitor")
        assert [(r['json']['name'], r['json']['output']) for r in arrived] == [('compat-%s' % version, 'testOutput')]
        return
    if name == 'snmptrap':
        assert len(arrived) == 1  # (selected by its text: compat <version> snmptrap)
        return
    if name == 'smtp':
        assert len(arrived) == 1  # (selected by its subject)
        assert arrived[0]['mail_from'] == endpoint['from']
        assert arrived[0]['rcpt_tos'] == endpoint['to']
        return
    if name == 'mqtt':
        assert [m['payload'] for m in arrived] == ['test MQTT message']
        return
    if name == 'kafka':
        assert [m['value'] for m in arrived] == ['test kafka message']
        return
    assert [r['method'] for r in arrived] == ['POST']
    if name == 'httppost':
        # the test posts Kapacitor's alert data with the endpoint's headers (the module sends them)
        assert arrived[0]['headers'].get('X-Sample') == 'yes'
        assert 'level' in json.loads(arrived[0]['body'])
        return
    body = urllib.parse.unquote_plus(arrived[0].get('body') or '')
    # each service's test alert names it: "test slack message", "test talk text", ... (OpsGenie
    # v2's says "test opsgenie message")
    assert 'test %s' % name.replace('opsgenie2', 'opsgenie') in body, body[:300]


@pytest.mark.parametrize('version,name', section_cases())
def test_absent_reverts(matrix, version, name):
    found = result(matrix, 'absent', name)
    assert found['changed'] is True
    assert matrix['element']['absent'][name] == matrix['element']['reset'][name]


@pytest.mark.parametrize('version', OLDER)
def test_samples_endpoint_lost_only_the_options_the_version_lacks(matrix, version):
    for name, dropped in matrix['dropped'].items():
        assert dropped == sorted(key for (section, key), since in OPTION_SINCE.items()
                                 if section == name and key in collection.samples()[name]['endpoint']
                                 and vt(version) < vt(since)), name
