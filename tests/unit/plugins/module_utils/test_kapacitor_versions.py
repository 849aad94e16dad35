# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every Kapacitor version: what the modules do on a server older than a section or an option
(one line before any write, check mode too), the bulk module's ``unsupported`` (fail or skip) for
mixed fleets, kapacitor_info's ``supported``, and the error bodies of 1.5 (``{"error": ...}``)
through the real client. The shared fake models the older versions from their source."""

import json
import os
import urllib.error
import urllib.request

import pytest
import yaml

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.tick.kapacitor.plugins.module_utils import (
    kapacitor_bulk, kapacitor_engine, kapacitor_probes)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_bulk import BULK_TASK
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_client import KapacitorClient, KapacitorError
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_engine import SectionRun, section_task
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_probes import INFO_TASK
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_runner import Context, TaskFailed, run_task
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import SECTIONS, SLACK, TELEGRAM
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_spec import Option, parse_version
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_resources import ResourceRun
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_topic_handlers import Handler
from ansible_collections.tick.kapacitor.tests.unit.plugins.module_utils import fake_kapacitor
from ansible_collections.tick.kapacitor.tests.unit.plugins.module_utils.fake_kapacitor import (
    FakeKapacitor, serve_http)

COLLECTION = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', '..'))
CONFIG = '/kapacitor/v1/config'
CANARY = 'CANARY-versions-5c1e'
# The versions the collection is tested on (docs/kapacitor-versions.md).
VERSIONS = ('1.5.9', '1.6.5', '1.7.6', '1.8.3')

with open(os.path.join(COLLECTION, 'tests', 'samples.yml')) as _handle:
    SAMPLES = yaml.safe_load(_handle)['sections']


@pytest.fixture
def use(monkeypatch):
    """use(fake): every module talks to ``fake`` instead of a KapacitorClient."""
    def serve(server):
        class Client:
            @staticmethod
            def from_params(params):
                return server
        for module in (kapacitor_engine, kapacitor_bulk, kapacitor_probes):
            monkeypatch.setattr(module, 'KapacitorClient', Client)
        return server
    return serve


def task(spec, check_mode=False, **args):
    """Run a TaskSpec as either front end would; returns (result, warnings)."""
    args = dict(args, kapacitor_url='http://kapacitor.test:9092')
    validated = ArgumentSpecValidator(spec.argument_spec).validate(args)
    assert validated.error_messages == []
    ctx = Context(validated.validated_parameters, raw_params=args, check_mode=check_mode, diff=True)
    return run_task(spec, ctx), ctx.warnings


def module(section_name, /, check_mode=False, **args):
    return task(section_task(SECTIONS[section_name]), check_mode=check_mode, **args)[0]


def failed(spec, **args):
    with pytest.raises(TaskFailed) as err:
        task(spec, **args)
    return err.value


def gets_only(fake):
    return fake.writes() == [] and all(request[0] == 'GET' for request in fake.requests)


# -- versions and declarations ----------------------------------------------------------------------

@pytest.mark.parametrize('text, parsed', [
    ('1.5.9', (1, 5, 9)), ('1.8.3', (1, 8, 3)), ('v1.7.6', (1, 7, 6)), ('1.6', (1, 6, 0)),
    ('1.6.0-rc1', (1, 6, 0)), (' 1.10.2 ', (1, 10, 2)), ('1.8.3+dirty', (1, 8, 3)),
    ('', None), (None, None), ('unknown', None), ('1', None), ('1.x.3', None), ('1.5.9 (git: master)', None),
])
def test_parse_version(text, parsed):
    assert parse_version(text) == parsed


def test_a_declaration_with_a_bad_version_fails_when_it_loads():
    with pytest.raises(ValueError, match="^since: '1.6.x' is not a Kapacitor version"):
        Option('str', since='1.6.x')
    with pytest.raises(ValueError):
        Option('str', since='next')


def test_the_declared_versions_are_the_ones_read_from_kapacitors_source():
    """The sections' and options' ``since`` against the fake's own record of the older versions."""
    as_text = '.'.join
    for name, since in fake_kapacitor.SECTIONS_SINCE.items():
        assert SECTIONS[name].since == as_text(str(part) for part in since), name
    declared = {}
    for name, section in SECTIONS.items():
        assert section.since is None or name in fake_kapacitor.SECTIONS_SINCE, name
        for opt in section.options.values():
            if opt.since:
                declared[(name, opt.name)] = opt.since
    recorded = {}
    for (name, api_name), since in fake_kapacitor.OPTIONS_SINCE.items():
        if api_name == 'SASLAuth':
            for opt in SECTIONS[name].options.values():
                if opt.parent == 'SASLAuth':
                    field_since = fake_kapacitor.SASL_FIELDS_SINCE.get(opt.api_name, since)
                    recorded[(name, opt.name)] = as_text(str(part) for part in field_since)
            continue
        recorded[(name, SECTIONS[name].option_for_api_name(api_name))] = as_text(str(part) for part in since)
    assert declared == recorded


def test_the_fake_is_an_older_kapacitor_as_its_source_has_it():
    old = FakeKapacitor(version='1.5.9')
    assert 'token' not in old.get(CONFIG + '/slack/')['options']
    assert 'to-templates' not in old.get(CONFIG + '/smtp/')['options']
    assert 'SASLAuth' not in old.get(CONFIG + '/kafka/default')['options']
    assert 'zenoss' not in old.get(CONFIG)['sections']
    sasl = FakeKapacitor(version='1.6.5').get(CONFIG + '/kafka/default')['options']['SASLAuth']
    assert 'SASLUsername' in sasl and 'SASLOAUTHService' not in sasl and 'SASLExtensions' not in sasl
    assert 'SASLOAUTHService' in FakeKapacitor(version='1.7.6').get(CONFIG + '/kafka/default')['options']['SASLAuth']


# -- single modules: an option or a section the server lacks ---------------------------------------

OPTION_CASES = [
    # (section, options, a server without them, the error, a server with them)
    ('slack', {'token': 'xoxb-' + CANARY, 'channel': '#a'}, '1.5.9',
     'slack: token needs Kapacitor 1.6.0 or later; this server is Kapacitor 1.5.9', '1.6.5'),
    ('bigpanda', {'auto_attributes': 'tags'}, '1.5.9',
     'bigpanda: auto_attributes needs Kapacitor 1.6.3 or later; this server is Kapacitor 1.5.9', '1.6.5'),
    ('smtp', {'to_templates': ['{{ index .Tags "owner" }}@example.com'], 'port': 2525}, '1.5.9',
     'smtp: to_templates needs Kapacitor 1.6.3 or later; this server is Kapacitor 1.5.9', '1.6.5'),
    ('kafka', {'id': 'default', 'sasl_username': 'u', 'sasl_password': CANARY}, '1.5.9',
     'kafka: sasl_password, sasl_username need Kapacitor 1.6.4 or later; this server is Kapacitor 1.5.9', '1.6.5'),
    ('kafka', {'id': 'default', 'sasl_username': 'u', 'sasl_oauth_service': 'auth0'}, '1.6.5',
     'kafka: sasl_oauth_service needs Kapacitor 1.7.6 or later; this server is Kapacitor 1.6.5', '1.7.6'),
    ('kafka', {'id': 'default', 'sasl_mechanism': 'PLAIN', 'sasl_extensions': {'k': CANARY}}, '1.5.9',
     'kafka: sasl_mechanism needs Kapacitor 1.6.4 or later and sasl_extensions needs Kapacitor 1.7.6 or later; '
     'this server is Kapacitor 1.5.9', '1.7.6'),
]


@pytest.mark.parametrize('name, options, older, message, newer', OPTION_CASES,
                         ids=['%s-%s' % (case[0], case[2]) for case in OPTION_CASES])
@pytest.mark.parametrize('check_mode', [False, True], ids=['apply', 'check'])
def test_an_option_the_server_lacks_fails_in_one_line_before_any_write(
        use, name, options, older, message, newer, check_mode):
    fake = use(FakeKapacitor(version=older))
    err = failed(section_task(SECTIONS[name]), check_mode=check_mode, **options)
    assert err.msg == message
    assert err.result['changed'] is False
    assert gets_only(fake), fake.requests
    assert len(fake.requests) == 1, 'one GET tells the version'
    fake = use(FakeKapacitor(version=newer))
    result = module(name, check_mode=check_mode, **options)
    assert result['changed'] is True and result['kapacitor_version'] == newer
    assert CANARY not in json.dumps(result)
    assert (fake.writes() == []) is check_mode


def test_the_version_check_comes_before_the_test_options_check(use):
    fake = use(FakeKapacitor(version='1.5.9'))
    err = failed(section_task(SLACK), token='xoxb-x', test_alert=True, test_options={'nosuch': 1})
    assert err.msg == 'slack: token needs Kapacitor 1.6.0 or later; this server is Kapacitor 1.5.9'
    assert gets_only(fake)


def test_absent_does_not_need_the_options_it_is_given(use):
    fake = use(FakeKapacitor(version='1.5.9'))
    fake.set_options('slack', '', channel='#a')
    result = module('slack', token='ignored', state='absent')
    assert result['changed'] is True
    assert fake.stored('slack')['channel'] == ''


@pytest.mark.parametrize('check_mode', [False, True], ids=['apply', 'check'])
@pytest.mark.parametrize('test_alert', [False, True], ids=['', 'test_alert'])
def test_a_section_the_server_lacks_names_the_first_version_that_has_it(use, check_mode, test_alert):
    fake = use(FakeKapacitor(version='1.5.9'))
    err = failed(section_task(SECTIONS['zenoss']), check_mode=check_mode, url='https://z.example/zport',
                 test_alert=test_alert)
    assert err.msg == "Kapacitor 1.5.9 has no 'zenoss' section (it first appears in Kapacitor 1.6.0)"
    assert gets_only(fake)


@pytest.mark.parametrize('check_mode', [False, True], ids=['apply', 'check'])
def test_a_list_section_the_server_lacks_fails_in_check_mode_too(use, check_mode):
    """Kapacitor hides an empty list section, so only the version tells that discord is missing."""
    fake = use(FakeKapacitor(version='1.5.5'))
    err = failed(section_task(SECTIONS['discord']), check_mode=check_mode, workspace='ops', embed_title='x')
    assert err.msg == "Kapacitor 1.5.5 has no 'discord' section (it first appears in Kapacitor 1.5.6)"
    assert gets_only(fake)


def test_without_a_version_the_module_does_not_guess_and_kapacitor_answers(use):
    fake = use(FakeKapacitor(version='1.5.9', reports_version=False))
    err = failed(section_task(SLACK), token='xoxb-' + CANARY)
    assert err.msg == ("slack workspace '': Kapacitor rejected option token: failed to override configuration "
                       "slack/: unknown options [token] in section slack")
    assert 'token' not in fake.stored('slack')
    err = failed(section_task(SECTIONS['zenoss']), url='https://z.example/zport')
    assert err.msg == "this Kapacitor has no 'zenoss' section (it first appears in Kapacitor 1.6.0)"


@pytest.mark.parametrize('name, version', [
    (name, version) for name in sorted(SAMPLES) for version in VERSIONS
    if not SECTIONS[name].since or parse_version(version) >= parse_version(SECTIONS[name].since)])
def test_every_module_converges_on_every_version_that_has_its_section(use, name, version):
    section = SECTIONS[name]
    fake = use(FakeKapacitor(version=version))
    sample = SAMPLES[name]
    option, values = sample['change']['option'], sample['change']['values']
    args = {option: values[0]}
    if section.is_list:
        args[section.element_key] = sample['element']
    first = module(name, **args)
    assert first['changed'] is True and first['kapacitor_version'] == version
    fake.requests = []
    again = module(name, **args)
    assert again['changed'] is False
    assert len(fake.requests) == 1 and fake.requests[0][0] == 'GET'


@pytest.mark.parametrize('check_mode', [False, True], ids=['apply', 'check'])
def test_a_handler_kind_whose_service_the_server_lacks_fails_naming_its_first_version(check_mode):
    fake = FakeKapacitor(version='1.5.9')
    params = {'topic': 'ops', 'id': 'z', 'kind': 'zenoss', 'options': {}, 'state': 'present'}
    with pytest.raises(KapacitorError) as err:
        ResourceRun(Handler(fake, params), check_mode=check_mode).run()
    assert err.value.message == 'kind: zenoss needs Kapacitor 1.6.0 or later; this server is Kapacitor 1.5.9'
    assert gets_only(fake)
    assert ResourceRun(Handler(fake, dict(params, state='absent'))).run()['changed'] is False, 'absent needs no kind'
    newer = FakeKapacitor(version='1.6.5')
    assert ResourceRun(Handler(newer, params)).run()['changed'] is True
    unknown = FakeKapacitor(version='1.5.9', reports_version=False)
    with pytest.raises(KapacitorError) as err:
        ResourceRun(Handler(unknown, params)).run()
    assert err.value.message.endswith('unsupported action kind "zenoss"'), 'without a version Kapacitor answers'


# -- error bodies of 1.5 ({"error": ...}) through the real client -----------------------------------

def test_kapacitor_1_5_error_bodies_have_only_error_and_every_path_reads_them():
    fake = FakeKapacitor(version='1.5.9', handlers={('ops', 'h1'): {'kind': 'log', 'options': {'path': '/tmp/x'}}})
    with serve_http(fake) as url:
        client = KapacitorClient(url)
        with pytest.raises(urllib.error.HTTPError) as raw:
            urllib.request.urlopen(url + CONFIG + '/nosuch/')
        assert json.loads(raw.value.read()) == {'error': 'unknown section: nosuch'}
        cases = [
            ('GET', CONFIG + '/nosuch/', None, 404, 'unknown section: nosuch'),
            ('GET', CONFIG + '/slack/nosuch', None, 404, 'unknown section/element: slack/nosuch'),
            ('POST', CONFIG + '/telegram/', {'set': {'enabled': True}}, 400,
             'failed to override configuration telegram/: failed validation: must specify token'),
            ('GET', '/kapacitor/v1/service-tests/zenoss', None, 404, 'service "zenoss" not found'),
            ('GET', '/kapacitor/v1/alerts/topics/ops/handlers/nosuch', None, 404, 'unknown handler: "nosuch"'),
            ('POST', '/kapacitor/v1/alerts/topics/ops/handlers', {'id': 'h1', 'kind': 'log'}, 500,
             'failed to create handler: cannot register handler, handler with ID "h1" already exists'),
        ]
        for method, path, body, status, message in cases:
            with pytest.raises(KapacitorError) as err:
                client.request(method, path, body)
            assert (err.value.status, err.value.kapacitor_message) == (status, message), path
            assert message in err.value.message and err.value.version == '1.5.9'
        # the engine's paths that read Kapacitor's text: a missing element, a refused value, a missing section
        added = SectionRun(SLACK, KapacitorClient(url), {'workspace': 'ops', 'channel': '#ops'},
                           update_secrets='on_create').run()
        assert added['changed'] is True and fake.stored('slack', 'ops')['channel'] == '#ops'
        with pytest.raises(KapacitorError) as err:
            SectionRun(TELEGRAM, KapacitorClient(url), {'enabled': True}, update_secrets='on_create').run()
        assert err.value.message == ('telegram: Kapacitor rejected option enabled: failed to override '
                                     'configuration telegram/: failed validation: must specify token')
        with pytest.raises(KapacitorError) as err:
            SectionRun(SECTIONS['zenoss'], KapacitorClient(url), {'url': 'https://z'}, update_secrets='on_create').run()
        assert err.value.message == "Kapacitor 1.5.9 has no 'zenoss' section (it first appears in Kapacitor 1.6.0)"


# -- kapacitor_alert_endpoints: one set of variables, a fleet of versions ---------------------------

FLEET = {
    'slack': [{'workspace': '', 'enabled': True, 'url': 'https://hooks.example/' + CANARY, 'channel': '#all'},
              {'workspace': 'app', 'url': 'https://slack.com/api/chat.postMessage', 'token': 'xoxb-' + CANARY,
               'channel': '#app'}],
    'telegram': {'chat_id': '42'},
    'smtp': {'port': 2525, 'to_templates': ['{{ index .Tags "owner" }}@example.com']},
    'zenoss': {'url': 'https://z.example/zport/dmd/evconsole_router', 'collector': 'ours'},
}
SKIPPED_ON_1_5_9 = {
    'slack/app': 'token needs Kapacitor 1.6.0 or later; this server is Kapacitor 1.5.9',
    'smtp': 'to_templates needs Kapacitor 1.6.3 or later; this server is Kapacitor 1.5.9',
    'zenoss': "Kapacitor 1.5.9 has no 'zenoss' section (it first appears in Kapacitor 1.6.0)",
}


def test_unsupported_is_fail_or_skip_and_fail_by_default():
    spec = BULK_TASK.argument_spec['unsupported']
    assert (spec['default'], spec['choices']) == ('fail', ['fail', 'skip'])


@pytest.mark.parametrize('check_mode', [False, True], ids=['apply', 'check'])
def test_by_default_endpoints_an_older_server_cannot_take_fail_the_run_before_any_write(use, check_mode):
    fake = use(FakeKapacitor(version='1.5.9'))
    err = failed(BULK_TASK, endpoints=FLEET, check_mode=check_mode)
    assert err.msg == (
        "Kapacitor 1.5.9 cannot take 3 endpoints, so nothing was written (unsupported=skip leaves them out): "
        "slack/app: token needs Kapacitor 1.6.0 or later; smtp: to_templates needs Kapacitor 1.6.3 or later; "
        "zenoss: no 'zenoss' section (it first appears in Kapacitor 1.6.0)")
    assert err.result['changed'] is False
    assert fake.requests == [('GET', CONFIG)]
    assert CANARY not in err.msg


def test_skip_leaves_them_out_says_which_and_why_and_converges_the_rest(use):
    fake = use(FakeKapacitor(version='1.5.9'))
    result, warnings = task(BULK_TASK, endpoints=FLEET, unsupported='skip')
    assert result['skipped_endpoints'] == SKIPPED_ON_1_5_9
    assert 'skipped' not in result, 'Ansible would take the whole task for skipped'
    assert warnings == ['skipped %s: %s' % item for item in sorted(SKIPPED_ON_1_5_9.items())]
    assert sorted(result['endpoints']) == ['slack/', 'telegram']
    assert sorted(result['config']) == ['slack/', 'telegram']
    assert result['changed'] is True and result['kapacitor_version'] == '1.5.9'
    assert fake.stored('slack')['channel'] == '#all' and fake.stored('telegram')['chat-id'] == '42'
    assert fake.stored('slack', 'app') is None and fake.stored('smtp')['port'] == 25, 'skipped whole'
    assert CANARY not in json.dumps(result) + ' '.join(warnings)
    fake.requests = []
    again, _warnings = task(BULK_TASK, endpoints=FLEET, unsupported='skip')
    assert again['changed'] is False and again['skipped_endpoints'] == SKIPPED_ON_1_5_9
    assert fake.requests == [('GET', CONFIG)]


@pytest.mark.parametrize('version', ['1.6.5', '1.7.6', '1.8.3'])
def test_the_same_variables_converge_whole_on_a_server_that_has_everything(use, version):
    fake = use(FakeKapacitor(version=version))
    result, warnings = task(BULK_TASK, endpoints=FLEET, unsupported='skip')
    assert result['skipped_endpoints'] == {} and warnings == []
    assert sorted(result['endpoints']) == ['slack/', 'slack/app', 'smtp', 'telegram', 'zenoss']
    assert fake.stored('slack', 'app')['token'] == 'xoxb-' + CANARY
    assert fake.stored('zenoss')['collector'] == 'ours'
    assert task(BULK_TASK, endpoints=FLEET)[0]['changed'] is False, 'the default (fail) has nothing to fail'


def test_skip_with_prune_leaves_the_skipped_endpoints_alone(use):
    fake = use(FakeKapacitor(version='1.5.9'))
    fake.add_element('slack', {'workspace': 'app', 'channel': '#by-hand'})
    fake.set_options('smtp', '', port=2526)
    fake.add_element('slack', {'workspace': 'old', 'channel': '#old'})
    # not the default workspace: Kapacitor refuses its override next to added ones (an upstream bug)
    endpoints = dict(FLEET, slack=FLEET['slack'][1:])
    result, _warnings = task(BULK_TASK, endpoints=endpoints, unsupported='skip', prune=True)
    assert fake.stored('slack', 'app')['channel'] == '#by-hand', 'skipped, so not pruned either'
    assert fake.stored('smtp')['port'] == 2526
    assert fake.stored('slack', 'old') is None, 'pruned as before'
    assert result['endpoints']['slack/old']['state'] == 'pruned'
    assert 'slack/app' not in result['endpoints'] and 'smtp' not in result['endpoints']


def test_skipped_endpoints_get_no_test_alert_and_their_test_options_are_not_checked(use):
    fake = use(FakeKapacitor(version='1.5.9'))
    endpoints = dict(FLEET, zenoss=dict(FLEET['zenoss'], enabled=True, test_options={'summary': 's'}))
    result, _warnings = task(BULK_TASK, endpoints=endpoints, unsupported='skip', test_changed=True)
    assert sorted(result['test_alerts']) == ['slack/', 'telegram']
    assert not [r for r in fake.requests if 'zenoss' in r[1]]


def test_without_a_version_skip_leaves_out_only_a_section_missing_from_the_answer(use):
    fake = use(FakeKapacitor(version='1.5.9', reports_version=False))
    endpoints = {'telegram': {'chat_id': '42'}, 'zenoss': FLEET['zenoss']}
    result, warnings = task(BULK_TASK, endpoints=endpoints, unsupported='skip')
    assert result['skipped_endpoints'] == {'zenoss': "this Kapacitor has no 'zenoss' section (it first appears in Kapacitor 1.6.0)"}
    assert fake.stored('telegram')['chat-id'] == '42'
    err = failed(BULK_TASK, endpoints=endpoints)
    assert err.msg == ("this Kapacitor cannot take 1 endpoint, so nothing was written (unsupported=skip leaves it "
                       "out): zenoss: no 'zenoss' section (it first appears in Kapacitor 1.6.0)")
    # options are not guessed: Kapacitor refuses the one it does not have
    err = failed(BULK_TASK, endpoints={'slack': [FLEET['slack'][1]]}, unsupported='skip')
    assert 'unknown options [token] in section slack' in err.msg


# -- kapacitor_info: what the server supports -------------------------------------------------------

KAFKA_SASL = dict((name, opt.since) for name, opt in SECTIONS['kafka'].options.items() if opt.parent)


def test_info_reports_what_a_1_5_9_supports(use):
    use(FakeKapacitor(version='1.5.9'))
    supported = task(INFO_TASK, sections=[])[0]['supported']
    assert supported == {
        'sections': sorted(set(SECTIONS) - {'zenoss'}),
        'missing_sections': {'zenoss': '1.6.0'},
        'missing_options': {'bigpanda': {'auto_attributes': '1.6.3'}, 'kafka': KAFKA_SASL,
                            'slack': {'token': '1.6.0'}, 'smtp': {'to_templates': '1.6.3'}},
    }
    assert len(KAFKA_SASL) == 20 and set(KAFKA_SASL.values()) == {'1.6.4', '1.7.6'}


def test_info_reports_what_a_1_6_5_and_a_1_8_3_support(use):
    use(FakeKapacitor(version='1.6.5'))
    supported = task(INFO_TASK, sections=['kafka'])[0]['supported']
    assert supported['sections'] == sorted(SECTIONS) and supported['missing_sections'] == {}
    assert supported['missing_options'] == {'kafka': dict(
        (name, since) for name, since in KAFKA_SASL.items() if since == '1.7.6')}
    use(FakeKapacitor(version='1.8.3'))
    assert task(INFO_TASK)[0]['supported'] == {'sections': sorted(SECTIONS), 'missing_sections': {},
                                               'missing_options': {}}


def test_info_does_not_guess_without_a_version(use):
    use(FakeKapacitor(version='1.5.9', reports_version=False))
    result = task(INFO_TASK, sections=['zenoss'])[0]
    assert 'supported' not in result and result['kapacitor_version'] is None
    assert result['missing_sections'] == ['zenoss']


# -- the docs say what the declarations say ---------------------------------------------------------

def module_doc(name):
    with open(os.path.join(COLLECTION, 'plugins', 'modules', 'kapacitor_%s.py' % name)) as handle:
        source = handle.read()
    start = source.index("DOCUMENTATION = r'''") + len("DOCUMENTATION = r'''")
    return yaml.safe_load(source[start:source.index("'''", start)])


def flat(lines):
    return ' '.join(lines if isinstance(lines, list) else [lines])


@pytest.mark.parametrize('name', sorted(SECTIONS))
def test_each_modules_docs_name_the_first_version_of_its_section_and_options(name):
    doc = module_doc(name)
    section = SECTIONS[name]
    if section.since:
        assert 'Needs Kapacitor %s or later' % section.since in flat(doc['description']), name
    for option, opt in sorted(section.options.items()):
        text = flat(doc['options'][option]['description'])
        if opt.since:
            assert 'Needs Kapacitor %s or later' % opt.since in text, option
        else:
            assert 'Needs Kapacitor' not in text, option
