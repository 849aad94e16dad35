# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import copy
import json
import os
import re

import pytest

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_client import KapacitorError
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_spec import SpecError
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_resources import ResourceRun
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_topic_handlers import (
    GENERIC_KINDS, HANDLER_OPTIONS, KINDS, Handler, canonical, diff_options, one_line, parse_mode,
    translate_options, validate_ids)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_secrets import (
    is_secret_key, public_options, secret_values)
from ansible_collections.tick.kapacitor.tests.unit.plugins.module_utils.fake_kapacitor import FakeKapacitor

HANDLERS = '/kapacitor/v1/alerts/topics/ops/handlers'


# -- translation and validation ------------------------------------------------------------

def test_post_options_are_translated_to_kapacitor_names_and_nanoseconds():
    options = translate_options('post', {
        'url': 'http://127.0.0.1/alerts', 'headers': {'X-Token': 'abc', 'X-Count': 3},
        'capture_response': 'yes', 'timeout': '1m30s', 'skip-ssl-verification': False})
    assert options == {
        'url': 'http://127.0.0.1/alerts', 'headers': {'X-Token': 'abc', 'X-Count': '3'},
        'capture-response': True, 'timeout': 90 * 10 ** 9, 'skip-ssl-verification': False}


def test_post_endpoint_alone_is_enough_but_one_of_url_or_endpoint_is_needed():
    assert translate_options('post', {'endpoint': 'alerts'}) == {'endpoint': 'alerts'}
    with pytest.raises(SpecError, match='post handlers need url .* or endpoint'):
        translate_options('post', {'timeout': '10s'})


@pytest.mark.parametrize('timeout, message', [
    (10, 'would be 10 nanoseconds .* write a number with a unit'),
    (999999, 'would be 999999 nanoseconds'),
    ('10 seconds', 'is not a duration'),
    ('10000000000', 'is not a duration'),   # Go: a string needs a unit
    ('-1s', 'must be zero or longer'),
    (-10 ** 10, 'must be zero or longer'),
    (1.5e9 + 0.5, 'is not a duration'),
    (True, 'is not a duration'),
])
def test_post_timeout_must_be_a_go_duration_or_nanoseconds(timeout, message):
    with pytest.raises(SpecError, match=message) as err:
        translate_options('post', {'url': 'http://x/', 'timeout': timeout})
    assert str(err.value).startswith('options.timeout (kind post): ')


def test_zero_timeout_means_none_and_is_allowed():
    assert translate_options('post', {'url': 'http://x/', 'timeout': '0'})['timeout'] == 0
    assert translate_options('post', {'url': 'http://x/', 'timeout': 0})['timeout'] == 0


@pytest.mark.parametrize('given', ['10s', 10 ** 10, 1e10, '10000ms'])
def test_durations_are_go_strings_or_integer_nanoseconds_as_the_cli_writes_them(given):
    # `kapacitor define-topic-handler` files carry integer nanoseconds (Kapacitor refuses "10s").
    assert translate_options('post', {'url': 'http://x/', 'timeout': given})['timeout'] == 10 ** 10
    assert translate_options('aggregate', {'interval': given})['interval'] == 10 ** 10
    assert translate_options('alerta', {'timeout': given})['timeout'] == 10 ** 10


@pytest.mark.parametrize('given, expected', [
    ('0644', 420), ('644', 420), ('0o640', 416), ('0600', 384), (420, 420), (0o755, 493),
])
def test_log_mode_octal_string_or_int_becomes_decimal(given, expected):
    assert parse_mode('log', 'mode', given) == expected
    assert translate_options('log', {'path': '/var/log/a.log', 'mode': given}) == {
        'path': '/var/log/a.log', 'mode': expected}


@pytest.mark.parametrize('mode, message', [
    ('0444', 'is not writable by its owner'),
    ('rw-r--r--', 'is not a file mode'),
    ('0999', 'is not a file mode'),
    (644, 'is not a file mode'),   # unquoted 644 is decimal: 0o1204, not rw-r--r--
    (True, 'is not a file mode'),
    (-1, 'is not a file mode'),
])
def test_log_mode_rejects_what_kapacitor_would_misread_or_refuse(mode, message):
    with pytest.raises(SpecError, match=message):
        translate_options('log', {'path': '/tmp/a.log', 'mode': mode})


@pytest.mark.parametrize('path', ['alerts.log', './alerts.log', '~/alerts.log', ''])
def test_log_path_must_be_absolute(path):
    with pytest.raises(SpecError, match='options.path .kind log.: ') as err:
        translate_options('log', {'path': path})
    assert len(str(err.value).splitlines()) == 1


def test_log_path_is_required():
    with pytest.raises(SpecError, match='options.path is required for log handlers'):
        translate_options('log', {'mode': '0644'})


@pytest.mark.parametrize('address', ['127.0.0.1:5140', 'logs.example.com:1', '[::1]:65535'])
def test_tcp_address_host_port(address):
    assert translate_options('tcp', {'address': address}) == {'address': address}


@pytest.mark.parametrize('address, message', [
    ('127.0.0.1', 'is not host:port'),
    ('logs.example.com:', 'is not host:port'),
    (':5140', 'is not host:port'),
    ('::1:5140', 'is not host:port'),
    ('host:http', 'is not host:port'),
    ('host:0', 'not between 1 and 65535'),
    ('host:70000', 'not between 1 and 65535'),
])
def test_tcp_address_without_port_or_host_fails(address, message):
    with pytest.raises(SpecError, match=message):
        translate_options('tcp', {'address': address})


def test_exec_needs_prog_and_takes_string_args():
    assert translate_options('exec', {'prog': '/bin/sh', 'args': ['-c', 'cat', 3]}) == {
        'prog': '/bin/sh', 'args': ['-c', 'cat', '3']}
    with pytest.raises(SpecError, match='options.prog is required for exec handlers'):
        translate_options('exec', {'args': ['x']})
    with pytest.raises(SpecError, match='options.prog .kind exec.: must not be empty'):
        translate_options('exec', {'prog': ' '})
    with pytest.raises(SpecError, match=r'options.args\[1\] .kind exec.: '):
        translate_options('exec', {'prog': '/bin/true', 'args': ['a', {'b': 1}]})
    with pytest.raises(SpecError, match='is not a list of strings'):
        translate_options('exec', {'prog': '/bin/true', 'args': '-v'})


def test_unknown_option_of_a_validated_kind_names_the_valid_ones():
    with pytest.raises(SpecError) as err:
        translate_options('tcp', {'adress': '127.0.0.1:1'})
    assert str(err.value) == "options: 'adress' is not an option of tcp handlers; use address"


def test_the_same_option_twice_is_refused():
    with pytest.raises(SpecError, match="'capture_response' and 'capture-response' are the same"):
        translate_options('post', {'url': 'http://x/', 'capture_response': True,
                                   'capture-response': True})


def test_header_values_are_not_echoed_in_errors():
    with pytest.raises(SpecError) as err:
        translate_options('post', {'url': 'http://x/', 'headers': {'Authorization': ['CANARY']}})
    assert 'CANARY' not in str(err.value)
    assert "'Authorization' must be a string" in str(err.value)


def test_unknown_kind_is_refused_before_anything_else():
    with pytest.raises(SpecError, match="kind: 'email' is not a Kapacitor handler kind; use one of "):
        translate_options('email', {'to': ['a@example.com']})


def test_service_kinds_take_kapacitor_names_unchanged():
    options = {'channel': '#ops', 'icon-emoji': ':x:'}
    assert translate_options('slack', options) == options
    assert translate_options('alerta', {'timeout': '1m', 'resource': 'r'}) == {
        'timeout': 60 * 10 ** 9, 'resource': 'r'}
    with pytest.raises(SpecError, match='options.timeout .kind alerta.'):
        translate_options('alerta', {'timeout': 'soon'})


# -- issue 15: every kind's options, snake_case names, checked before any write ----------------

@pytest.mark.parametrize('kind, given, sent', [
    ('slack', {'icon_emoji': ':fire:', 'channel': '#ops'}, {'icon-emoji': ':fire:', 'channel': '#ops'}),
    ('telegram', {'chat_id': -1001234567890, 'parse_mode': 'HTML', 'disable_web_page_preview': 'yes',
                  'disable_notification': False},
     {'chat-id': '-1001234567890', 'parse-mode': 'HTML', 'disable-web-page-preview': True,
      'disable-notification': False}),
    ('pagerduty2', {'routing_key': 'k', 'links': [{'href': 'https://x/{{.ID}}', 'text': 'x'}]},
     {'routing-key': 'k', 'links': [{'href': 'https://x/{{.ID}}', 'text': 'x'}]}),
    ('kafka', {'cluster': 'main', 'topic': 'alerts', 'disable_partition_by_id': True,
               'partition_algorithm': 'murmur2'},
     {'cluster': 'main', 'topic': 'alerts', 'disablePartitionById': True, 'partitionAlgorithm': 'murmur2'}),
    ('servicenow', {'metric_name': 'cpu', 'message_key': 'k', 'additional_info': {'a': 1}},
     {'metricname': 'cpu', 'messagekey': 'k', 'additional_info': {'a': 1}}),
    ('zenoss', {'evclasskey': 'k', 'event_class': '/App', 'custom_field': {'a': 'b'}, 'tid': '7'},
     {'eventclasskey': 'k', 'eventclass': '/App', 'customField': {'a': 'b'}, 'tid': 7}),
    ('teams', {'channel_url': 'https://hooks/x'}, {'channel-url': 'https://hooks/x'}),
    ('mqtt', {'broker_name': 'b', 'qos': 1, 'retained': True}, {'broker-name': 'b', 'qos': 1, 'retained': True}),
    ('opsgenie2', {'teams_list': ['a'], 'recovery_action': 'close'}, {'teams-list': ['a'], 'recovery_action': 'close'}),
    ('smtp', {'to': ['a@example.com'], 'to_field': ['{{ index .Tags "owner" }}']},
     {'to': ['a@example.com'], 'to-field': ['{{ index .Tags "owner" }}']}),
    ('snmptrap', {'trap_oid': '1.3.6.1.4.1.1', 'data_list': [{'oid': '1.3.6.1.4.1.1.2', 'type': 's',
                                                              'value': '{{.Message}}'}]},
     {'trap-oid': '1.3.6.1.4.1.1', 'data-list': [{'oid': '1.3.6.1.4.1.1.2', 'type': 's', 'value': '{{.Message}}'}]}),
    ('publish', {'topics': ['a', 'b']}, {'topics': ['a', 'b']}),
])
def test_snake_case_names_of_every_kind_become_kapacitors_names(kind, given, sent):
    assert translate_options(kind, given) == sent


@pytest.mark.parametrize('kind, options, message', [
    ('slack', {'icon_emojii': ':x:'},
     "options: 'icon_emojii' is not an option of slack handlers; use channel, icon_emoji, username, workspace"),
    ('telegram', {'chatid': '1'}, "options: 'chatid' is not an option of telegram handlers; use chat_id, "),
    ('slack', {'url': 'https://hooks.slack.com/x'}, "'url' is not an option of slack handlers"),
    ('talk', {'title': 'x'}, "options: 'title' is not an option of talk handlers, which take none"),
    ('kafka', {'topic': 't'}, 'options.cluster is required for kafka handlers'),
    ('kafka', {'cluster': 'c', 'topic': 't', 'partition_algorithm': 'md5'}, "'md5' is not one of 'crc32'"),
    ('mqtt', {'qos': 'exactly-once'}, 'is not a QoS level'),
    ('mqtt', {'topic-template': 'x'}, "'topic-template' is not an option of mqtt handlers"),
    ('telegram', {'disable_notification': 'maybe'}, 'is not a boolean'),
    ('zenoss', {'tid': 'x'}, 'is not an integer'),
    ('pagerduty2', {'links': [{'href': 'h', 'title': 't'}]}, r"options.links\[0\] \(kind pagerduty2\): 'title' is not a field"),
    ('alerta', {'attributes': ['a']}, 'must be a mapping'),
    ('exec', {'prog': '/bin/true', 'Commander': {}}, "'Commander' is not an option of exec handlers"),
])
def test_unknown_or_wrong_options_of_every_kind_fail_naming_the_known_ones(kind, options, message):
    with pytest.raises(SpecError, match=message) as err:
        translate_options(kind, options)
    assert len(str(err.value).splitlines()) == 1


@pytest.mark.parametrize('check_mode', [True, False])
def test_service_kind_with_an_unknown_option_fails_before_any_request_in_check_mode_too(check_mode):
    # Kapacitor answers 500 "unknown options" only when the handler is written: check mode used
    # to report changed and no error.
    fake = FakeKapacitor()
    with pytest.raises(SpecError, match="'icon-emojii' is not an option of slack handlers"):
        run(fake, check_mode=check_mode, kind='slack', options={'channel': '#ops', 'icon-emojii': ':x:'})
    assert fake.requests == []


def test_every_kind_has_its_options_and_each_name_is_unambiguous():
    assert sorted(HANDLER_OPTIONS) == sorted(KINDS)
    for kind, fields in HANDLER_OPTIONS.items():
        names = [name.lower() for field in fields for name in field.names]
        assert len(names) == len(set(names)), kind
        assert all(field.name == field.name.lower() and '-' not in field.name for field in fields), kind


# Where Kapacitor v1.8.3 declares each kind's options (see HANDLER_OPTIONS).
GO_STRUCTS = dict(
    [(kind, ('services/%s/service.go' % kind, 'HandlerConfig')) for kind in KINDS
     if kind not in GENERIC_KINDS and kind != 'talk'],
    post=('services/httppost/service.go', 'HandlerConfig'),
    exec=('services/alert/handlers.go', 'ExecHandlerConfig'),
    log=('services/alert/handlers.go', 'LogHandlerConfig'),
    tcp=('services/alert/handlers.go', 'TCPHandlerConfig'),
    aggregate=('services/alert/handlers.go', 'AggregateHandlerConfig'),
    publish=('services/alert/handlers.go', 'PublishHandlerConfig'),
)
# Fields Kapacitor decodes but sets itself; talk decodes no options at all.
NOT_OPTIONS = {('mqtt', 'topic-template')}
GO_SOURCE = os.path.expanduser('~/go/pkg/mod/github.com/influxdata/kapacitor@v1.8.3')


def go_struct_options(path, struct):
    """The option names mapstructure decodes into a Go struct: exported fields, by their
    mapstructure tag or else their field name (matched case-insensitively: lower case here)."""
    with open(os.path.join(GO_SOURCE, path)) as handle:
        source = handle.read()
    body = re.search(r'^type %s struct \{\n(.*?)^\}' % struct, source, re.S | re.M).group(1)
    names = []
    for line in body.splitlines():
        field = re.match(r'\s*([A-Za-z_]\w*)\s+\S+(?:\s+`([^`]*)`)?', line)
        if not field or line.strip().startswith('//') or not field.group(1)[0].isupper():
            continue
        tag = re.search(r'mapstructure:"([^",]*)', field.group(2) or '')
        if tag and tag.group(1) == '-':
            continue
        names.append(tag.group(1) if tag else field.group(1).lower())
    return names


@pytest.mark.skipif(not os.path.isdir(GO_SOURCE), reason="Kapacitor's Go module is not in the module cache")
@pytest.mark.parametrize('kind', sorted(GO_STRUCTS))
def test_handler_options_are_kapacitors_go_structs(kind):
    path, struct = GO_STRUCTS[kind]
    expected = [name for name in go_struct_options(path, struct) if (kind, name) not in NOT_OPTIONS]
    assert sorted(field.api_name for field in HANDLER_OPTIONS[kind]) == sorted(expected)


@pytest.mark.skipif(not os.path.isdir(GO_SOURCE), reason="Kapacitor's Go module is not in the module cache")
def test_talk_handlers_decode_no_options():
    with open(os.path.join(GO_SOURCE, 'services/alert/service.go')) as handle:
        source = handle.read()
    talk = re.search(r'\tcase "talk":\n(.*?)\tcase ', source, re.S).group(1)
    assert 'decodeOptions' not in talk and 'TalkService.Handler(ctx...)' in talk
    assert HANDLER_OPTIONS['talk'] == ()


def test_a_handler_the_cli_wrote_equals_the_same_options_given_the_collections_way():
    # As `kapacitor define-topic-handler` stores it: Kapacitor's names, nanoseconds, any case.
    stored = {'id': 'h1', 'kind': 'post', 'match': '', 'options': {
        'url': 'http://peer/x', 'timeout': 10000000000, 'CAPTURE-RESPONSE': True}}
    fake = FakeKapacitor(handlers={('ops', 'h1'): stored})
    result = run(fake, kind='post', options={'url': 'http://peer/x', 'timeout': '10s', 'capture_response': True})
    assert result['changed'] is False
    assert fake.writes() == []
    fake = FakeKapacitor(handlers={('ops', 'h1'): {'id': 'h1', 'kind': 'mqtt', 'match': '',
                                                   'options': {'topic': 't', 'qos': 'at-least-once'}}})
    assert run(fake, kind='mqtt', options={'topic': 't', 'qos': 1})['changed'] is False
    assert run(fake, kind='mqtt', options={'topic': 't', 'qos': 2})['changed'] is True


def test_talk_options_another_client_stored_are_removed():
    fake = FakeKapacitor(handlers={('ops', 'h1'): {'id': 'h1', 'kind': 'talk', 'match': '', 'options': {'x': 1}}})
    assert run(fake, kind='talk')['changed'] is True
    assert fake.writes()[0][2]['options'] == {}


# Handler options that are credentials; every other option of every kind is shown. alerta's
# token-prefix ("Bearer") is masked too: its name contains "token", which the docs say is masked.
CREDENTIALS = {('alerta', 'token'), ('bigpanda', 'app-key'), ('hipchat', 'token'), ('pagerduty', 'service-key'),
               ('pagerduty2', 'routing-key'), ('pushover', 'user-key'), ('servicenow', 'password'),
               ('teams', 'channel-url'), ('victorops', 'routing-key'), ('alerta', 'token-prefix')}


def test_credential_options_are_masked_and_only_they():
    for kind, fields in HANDLER_OPTIONS.items():
        for field in fields:
            for name in field.names:
                assert is_secret_key(kind, name) == ((kind, field.api_name) in CREDENTIALS), (kind, name)
    # The one webhook URL among handler options: masked as a whole, under either name.
    for key in ('channel-url', 'channel_url'):
        assert public_options('teams', {key: 'https://x.webhook.office.com/CNRY'}) == {key: True}


def test_aggregate_needs_a_positive_interval_because_zero_crashes_kapacitord():
    assert translate_options('aggregate', {'interval': '1m', 'topic': 'summary'}) == {
        'interval': 60 * 10 ** 9, 'topic': 'summary'}
    with pytest.raises(SpecError, match='options.interval is required for aggregate handlers'):
        translate_options('aggregate', {'topic': 'summary'})
    with pytest.raises(SpecError, match='must be longer than zero'):
        translate_options('aggregate', {'interval': '0s'})


@pytest.mark.parametrize('topic, handler_id', [('ops', 'h1'), ('a:b.c_d-e', 'x.y_z-1'), (u'\u00e9t\u00e9', u'caf\u00e9')])
def test_ids_kapacitor_accepts(topic, handler_id):
    validate_ids(topic, handler_id)


@pytest.mark.parametrize('topic, handler_id, message', [
    ('ops topic', 'h', 'topic: '), ('ops/x', 'h', 'topic: '), ('', 'h', 'topic: '),
    ('ops', 'a:b', 'id: '), ('ops', 'a b', 'id: '), ('ops', '', 'id: '),
])
def test_ids_kapacitor_refuses(topic, handler_id, message):
    with pytest.raises(SpecError, match=message):
        validate_ids(topic, handler_id)


# -- secrets -------------------------------------------------------------------------------

@pytest.mark.parametrize('kind, key', [
    ('hipchat', 'token'), ('servicenow', 'password'), ('pagerduty2', 'routing-key'),
    ('pagerduty', 'service-key'), ('pushover', 'user-key'), ('bigpanda', 'app-key'),
    ('victorops', 'routing-key'), ('opsgenie', 'api-key'), ('teams', 'channel-url'),
    ('slack', 'url'), ('discord', 'url'), ('kafka', 'SASLPassword'), ('bigpanda', 'app_key'),
    ('victorops', 'routingKey'), ('teams', 'channel_url'), ('mqtt', 'client-secret'),
])
def test_secret_option_names(kind, key):
    assert is_secret_key(kind, key)


@pytest.mark.parametrize('kind, key', [
    ('post', 'url'), ('pushover', 'url'), ('slack', 'channel'), ('discord', 'avatar-url'),
    ('telegram', 'chat-id'), ('kafka', 'topic'), ('exec', 'prog'),
])
def test_ordinary_option_names(kind, key):
    assert not is_secret_key(kind, key)


def test_public_options_show_secrets_only_as_set_or_unset():
    options = {'url': 'http://peer/x', 'headers': {'Authorization': 'Bearer CANARY-1', 'X-Empty': ''},
               'timeout': 10}
    view = public_options('post', options)
    assert view == {'url': 'http://peer/x', 'headers': {'Authorization': True, 'X-Empty': False},
                    'timeout': 10}
    nested = {'details': {'password': 'CANARY-2', 'user': 'u'}, 'links': [{'token': 'CANARY-3'}]}
    assert public_options('zenoss', nested) == {'details': {'password': True, 'user': 'u'},
                                                'links': [{'token': True}]}
    assert 'CANARY' not in json.dumps(view)


def test_secret_values_finds_every_secret_string():
    options = {'headers': {'A': 'CANARY-a', 'B': ''}, 'url': 'http://x',
               'nested': {'api-key': 'CANARY-b', 'basic-auth': None}}
    assert sorted(secret_values('post', options)) == ['CANARY-a', 'CANARY-b']
    assert secret_values('teams', {'channel-url': 'https://hooks/CANARY'}) == ['https://hooks/CANARY']
    assert secret_values('post', None) == []


def test_diff_options_mark_changed_secrets_as_updated():
    before = {'headers': {'A': 'old', 'B': 'same'}, 'url': 'http://x'}
    after = {'headers': {'A': 'new', 'B': 'same', 'C': 'added'}, 'url': 'http://y'}
    assert diff_options('post', after, before) == {
        'headers': {'A': '<updated>', 'B': '<set>', 'C': '<set>'}, 'url': 'http://y'}
    assert diff_options('post', before) == {'headers': {'A': '<set>', 'B': '<set>'}, 'url': 'http://x'}
    assert diff_options('teams', {'channel-url': ''}, {'channel-url': 'x'}) == {'channel-url': '<unset>'}


def test_canonical_numbers_like_go_but_bools_apart():
    assert canonical({'a': 1.0, 'b': [2]}) == canonical({'a': 1, 'b': [2.0]})
    assert canonical({'a': True}) != canonical({'a': 1})
    assert canonical(10000000000) == canonical(1e10)


def test_one_line_joins_mapstructure_errors():
    text = ("failed to create handler: failed to decode options into *alert.TCPHandlerConfig: "
            "1 error(s) decoding:\n\n* '' has invalid keys: adress")
    expected = ("failed to create handler: failed to decode options into "
                "*alert.TCPHandlerConfig: 1 error(s) decoding: unknown options: adress")
    assert one_line(text) == expected
    # as the client passes it on: already joined into one line
    assert one_line(' '.join(text.split())) == expected
    text = ("failed to decode options into *alert.ExecHandlerConfig: 2 error(s) decoding:\n\n"
            "* 'args[0]' expected type 'string', got unconvertible type 'float64', value: '1'\n"
            "* 'args[1]' expected type 'string', got unconvertible type 'float64', value: '2'")
    assert one_line(text) == (
        "failed to decode options into *alert.ExecHandlerConfig: 2 error(s) decoding: "
        "'args[0]' expected type 'string', got unconvertible type 'float64', value: '1'; "
        "'args[1]' expected type 'string', got unconvertible type 'float64', value: '2'")
    assert one_line('invalid match expression: parser: "a * b"') == 'invalid match expression: parser: "a * b"'


def run(fake, check_mode=False, **params):
    params.setdefault('topic', 'ops')
    params.setdefault('id', 'h1')
    params.setdefault('state', 'present')
    return ResourceRun(Handler(fake, params), check_mode=check_mode).run()


POST_PARAMS = dict(kind='post', options={'url': 'http://peer/alerts', 'timeout': '10s',
                                         'headers': {'Authorization': 'Bearer CANARY-hdr'}},
                   match='level() >= WARNING')
POST_STORED = {'id': 'h1', 'kind': 'post', 'match': 'level() >= WARNING', 'options': {
    'url': 'http://peer/alerts', 'timeout': 10000000000,
    'headers': {'Authorization': 'Bearer CANARY-hdr'}}}


def test_missing_handler_is_created_with_post_and_read_back():
    fake = FakeKapacitor()
    result = run(fake, **POST_PARAMS)
    assert result['changed'] is True
    assert fake.requests == [
        ('GET', HANDLERS + '/h1'),
        ('POST', HANDLERS, POST_STORED),
        ('GET', HANDLERS + '/h1'),
    ]
    assert result['handler'] == {'topic': 'ops', 'id': 'h1', 'kind': 'post', 'match': 'level() >= WARNING',
                                 'options': {'url': 'http://peer/alerts', 'timeout': 10000000000,
                                             'headers': {'Authorization': True}}}
    assert result['diff']['before'] == {}
    assert result['diff']['after']['options']['headers'] == {'Authorization': '<set>'}
    assert 'CANARY' not in json.dumps(result)


def test_same_handler_is_one_get_and_no_write():
    fake = FakeKapacitor(handlers={('ops', 'h1'): POST_STORED})
    result = run(fake, **POST_PARAMS)
    assert result['changed'] is False
    assert fake.requests == [('GET', HANDLERS + '/h1')]
    assert result['diff']['before'] == result['diff']['after']
    assert 'CANARY' not in json.dumps(result)


def test_handler_stored_by_another_client_with_float_numbers_is_the_same():
    stored = copy.deepcopy(POST_STORED)
    stored['options']['timeout'] = 1e10
    fake = FakeKapacitor(handlers={('ops', 'h1'): stored})
    assert run(fake, **POST_PARAMS)['changed'] is False


def test_changed_handler_is_replaced_with_put_and_changed_secret_shows_updated():
    fake = FakeKapacitor(handlers={('ops', 'h1'): POST_STORED})
    params = copy.deepcopy(POST_PARAMS)
    params['options']['headers']['Authorization'] = 'Bearer CANARY-new'
    result = run(fake, **params)
    assert result['changed'] is True
    (method, path, body), = fake.writes()
    assert (method, path) == ('PUT', HANDLERS + '/h1')
    assert body['options']['headers'] == {'Authorization': 'Bearer CANARY-new'}
    assert result['diff']['before']['options']['headers'] == {'Authorization': '<set>'}
    assert result['diff']['after']['options']['headers'] == {'Authorization': '<updated>'}
    assert 'CANARY' not in json.dumps(result)


def test_omitted_options_and_match_mean_none():
    fake = FakeKapacitor(handlers={('ops', 'h1'): POST_STORED})
    result = run(fake, kind='post', options={'url': 'http://peer/alerts'})
    assert result['changed'] is True
    assert fake.writes()[0][2] == {'id': 'h1', 'kind': 'post', 'match': '',
                                   'options': {'url': 'http://peer/alerts'}}


def test_null_options_from_kapacitor_equal_no_options():
    fake = FakeKapacitor(handlers={('ops', 'h1'): {'id': 'h1', 'kind': 'talk', 'options': None, 'match': ''}})
    assert run(fake, kind='talk')['changed'] is False
    assert run(fake, kind='talk', options={})['changed'] is False


def test_kind_change_is_a_put():
    fake = FakeKapacitor(handlers={('ops', 'h1'): POST_STORED})
    run(fake, kind='tcp', options={'address': '127.0.0.1:5140'})
    assert fake.writes() == [('PUT', HANDLERS + '/h1', {
        'id': 'h1', 'kind': 'tcp', 'options': {'address': '127.0.0.1:5140'}, 'match': ''})]


def test_check_mode_predicts_and_never_writes():
    fake = FakeKapacitor()
    result = run(fake, check_mode=True, **POST_PARAMS)
    assert result['changed'] is True
    assert fake.writes() == []
    assert result['handler']['options']['timeout'] == 10000000000
    assert result['handler']['options']['headers'] == {'Authorization': True}
    fake = FakeKapacitor(handlers={('ops', 'h1'): POST_STORED})
    result = run(fake, check_mode=True, state='absent')
    assert result['changed'] is True
    assert fake.writes() == []
    assert 'CANARY' not in json.dumps(result)


def test_absent_deletes_only_an_existing_handler():
    fake = FakeKapacitor(handlers={('ops', 'h1'): POST_STORED})
    result = run(fake, state='absent')
    assert result['changed'] is True
    assert fake.writes() == [('DELETE', HANDLERS + '/h1')]
    assert result['diff']['after'] == {}
    assert result['diff']['before']['options']['headers'] == {'Authorization': '<set>'}
    assert 'CANARY' not in json.dumps(result)
    result = run(fake, state='absent')
    assert result['changed'] is False
    assert fake.writes() == [('DELETE', HANDLERS + '/h1')]


def test_bad_options_fail_before_any_request():
    fake = FakeKapacitor()
    with pytest.raises(SpecError, match='options.path'):
        run(fake, kind='log', options={'path': 'relative.log'})
    with pytest.raises(SpecError, match='kind: is required'):
        run(fake, options={'path': '/a.log'})
    with pytest.raises(SpecError, match='id: '):
        run(fake, id='bad id', kind='talk')
    assert fake.requests == []


def test_kapacitor_rejection_is_one_line_without_secrets():
    fake = FakeKapacitor()
    fake.reject(500, "failed to create handler: failed to decode options into *x: 1 error(s) decoding:\n\n"
                     "* 'headers[Authorization]' expected type 'string', value: 'Bearer CANARY-hdr'")
    with pytest.raises(KapacitorError) as err:
        run(fake, **POST_PARAMS)
    message = err.value.message
    assert message.startswith("handler 'h1' of topic 'ops': Kapacitor failed creating it (HTTP 500): ")
    assert len(message.splitlines()) == 1
    assert 'CANARY' not in message
    assert '********' in message


def test_secrets_of_the_stored_handler_are_scrubbed_too():
    stored = {'id': 'h1', 'kind': 'teams', 'match': '', 'options': {'channel-url': 'https://CANARY-old'}}
    fake = FakeKapacitor(handlers={('ops', 'h1'): stored})
    fake.reject(500, 'failed to update handler: cannot replace https://CANARY-old', method='PUT')
    handler = Handler(fake, {'topic': 'ops', 'id': 'h1', 'state': 'present', 'kind': 'teams',
                             'options': {'channel-url': 'https://CANARY-new'}})
    with pytest.raises(KapacitorError) as err:
        ResourceRun(handler).run()
    assert 'CANARY' not in err.value.message
    assert 'https://CANARY-old' in handler.secrets


def test_handler_created_concurrently_is_replaced_instead_of_failing():
    def racing(address):
        fake = FakeKapacitor()
        # Another run creates the handler between our GET and our POST: Kapacitor refuses ours (500).
        fake.inject('POST', match=HANDLERS, before=lambda f: f.concurrently(
            'POST', HANDLERS, {'id': 'h1', 'kind': 'tcp', 'options': {'address': address}}))
        return fake
    fake = racing('a:1')
    result = run(fake, kind='tcp', options={'address': 'b:2'})
    assert result['changed'] is True
    assert [r[0] for r in fake.requests] == ['GET', 'POST', 'GET', 'PUT', 'GET']
    assert fake.handler('ops', 'h1')['options'] == {'address': 'b:2'}
    assert result['diff']['before']['options'] == {'address': 'a:1'}
    fake = racing('a:1')
    result = run(fake, kind='tcp', options={'address': 'a:1'})
    assert result['changed'] is True, 'the handler did not exist when the run started; it does now'
    # what the other run created is already what was asked: that read is the read-back
    assert [r[0] for r in fake.requests] == ['GET', 'POST', 'GET']


# -- issue 12: ids matched whole, secrets in URLs and in escaped forms ----------------------

@pytest.mark.parametrize('topic, handler_id, message', [
    ('ops\n', 'h', 'topic: '), ('ops', 'h\n', 'id: '), ('ops', 'h\r\n', 'id: '),
    ('ops', u'h\u00b2', 'id: '), ('ops', u'h\u0663', 'id: '),  # not \p{L} nor 0-9 for Go
])
def test_ids_are_matched_whole_like_go(topic, handler_id, message):
    with pytest.raises(SpecError, match=message):
        validate_ids(topic, handler_id)


def test_post_url_is_shown_with_its_secret_parts_masked():
    options = {'url': 'https://bot:CNRYpw@hooks.example.com/x?token=CNRYtok&team=ops', 'timeout': 1}
    assert public_options('post', options) == {
        'url': 'https://bot:********@hooks.example.com/x?token=********&team=********', 'timeout': 1}
    assert 'CNRYtok' in secret_values('post', options) and 'CNRYpw' in secret_values('post', options)
    assert diff_options('post', options) == public_options('post', options)
    newer = dict(options, url=options['url'].replace('CNRYtok', 'CNRYtok2'))
    assert diff_options('post', newer, options)['url'] == (
        'https://bot:<updated>@hooks.example.com/x?token=<updated>&team=<updated>')


def test_kafka_sasl_maps_are_secrets_as_a_whole():
    view = public_options('kafka', {'sasl-extensions': {'a': 'CNRY1'}, 'sasl_oauth_parameters': {'b': 'CNRY2'}})
    assert view == {'sasl-extensions': {'a': True}, 'sasl_oauth_parameters': {'b': True}}


def test_post_handler_with_a_token_url_never_shows_it():
    fake = FakeKapacitor()
    result = run(fake, kind='post', options={'url': 'http://peer/alerts?token=CNRYtok'})
    assert fake.writes()[0][2]['options']['url'] == 'http://peer/alerts?token=CNRYtok'
    assert result['handler']['options']['url'] == 'http://peer/alerts?token=********'
    assert 'CNRY' not in json.dumps(result)


def test_go_quoted_secret_in_a_kapacitor_rejection_is_masked():
    fake = FakeKapacitor()
    secret = 'Bearer CNRY\n"q\u00e9'
    fake.reject(500, 'failed to create handler: bad header value "Bearer CNRY\\n\\"q\\u00e9" (%s)' % json.dumps(secret))
    with pytest.raises(KapacitorError) as err:
        run(fake, kind='post', options={'url': 'http://peer/x', 'headers': {'Authorization': secret}})
    assert 'CNRY' not in err.value.message


KAFKA_STORED = {'id': 'h1', 'kind': 'kafka', 'match': '', 'options': {'cluster': 'main', 'topic': 'old'}}


@pytest.mark.parametrize('stored', [None, KAFKA_STORED])
def test_a_write_kapacitor_refused_reports_no_change(stored):
    # Kapacitor refuses a kafka handler of an unknown or disabled cluster with a 500, which may
    # mean "applied": the module reads back, finds the handler as it was, and says unchanged.
    fake = FakeKapacitor(handlers={('ops', 'h1'): stored} if stored else {})
    fake.reject(500, 'failed to %s handler: unknown cluster "main"' % ('update' if stored else 'create'),
                method='PUT' if stored else 'POST')
    with pytest.raises(KapacitorError, match='unknown cluster') as err:
        run(fake, kind='kafka', options={'cluster': 'main', 'topic': 'new'})
    assert err.value.changed is False
    after = fake.handler('ops', 'h1')
    assert (after or {}).get('options') == (stored or {}).get('options')
    assert [request[0] for request in fake.requests] == ['GET', 'PUT' if stored else 'POST', 'GET']
