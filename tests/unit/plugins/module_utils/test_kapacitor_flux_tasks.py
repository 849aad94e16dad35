# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.tick.kapacitor.plugins.module_utils import kapacitor_resources
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_client import KapacitorError
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_flux_tasks import (
    FLUX_TASK_API_OFF, FLUX_TASK_TASK, FluxTask, FluxText, flux_duration, flux_string, list_flux_tasks, script_of,
    shown_offset)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_resources import ResourceRun
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_runner import Context, TaskFailed, run_task
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_spec import SpecError
from ansible_collections.tick.kapacitor.tests.unit.plugins.module_utils.fake_flux_tasks import (
    _unquote, add_flux_task, flux_tasks)
from ansible_collections.tick.kapacitor.tests.unit.plugins.module_utils.fake_kapacitor import FakeKapacitor

TASKS = '/kapacitor/v1/api/v2/tasks'
SCRIPT = 'import "array"\nimport "http"\n\narray.from(rows: [{x: 1}])\n  |> yield()'
COMPOSED = ('import "array"\nimport "http"\n\noption task = {name: "ping", every: 1m}\n\n'
            'array.from(rows: [{x: 1}])\n  |> yield()')


def run(fake, check_mode=False, **params):
    params.setdefault('name', 'ping')
    params.setdefault('state', 'present')
    params.setdefault('status', 'active')
    if params['state'] == 'present':
        params.setdefault('script', SCRIPT)
        if 'cron' not in params:
            params.setdefault('every', '1m')
    return ResourceRun(FluxTask(fake, params), check_mode=check_mode).run()


def only(fake):
    tasks = list(flux_tasks(fake).values())
    assert len(tasks) == 1, tasks
    return tasks[0]


# -- the text the module writes ----------------------------------------------------------------

def test_option_statement_goes_after_the_imports_and_the_script_reads_back():
    text = FluxText('ping', SCRIPT, every='1m').text
    assert text == COMPOSED
    assert script_of(text) == SCRIPT
    # without imports the statement comes first
    assert FluxText('x', 'a = 1', cron='*/5 * * * *', offset='-5s').text == \
        'option task = {name: "x", cron: "*/5 * * * *", offset: -5s}\n\na = 1'
    assert script_of('option task = {name: "x",\n  every: 1h,\n}\n\na = 1\n') == 'a = 1'


def test_whitespace_is_normalised_and_lines_map_back_to_the_script():
    flux = FluxText('n', '\r\n\r\nimport "array"  \r\n\r\n\r\narray.from(rows: [])\t\r\n\r\n', every='1s')
    assert flux.text == 'import "array"\n\noption task = {name: "n", every: 1s}\n\narray.from(rows: [])'
    # text line 1 is the script's line 3 (two blank lines were dropped); line 5 its line 6
    assert [flux.script_line(n) for n in range(1, 7)] == [3, None, None, None, 6, None]


@pytest.mark.parametrize('name', ['ping', 'a"b\\c', 'cost $5 ${x} $${y}', 'tab\there\nline', u'\u00e9t\u00e9 \u8b66\u62a5'])
def test_names_are_flux_string_literals_kapacitor_reads_back_exactly(name):
    literal = flux_string(name)
    assert '${' not in literal and '\n' not in literal
    assert _unquote(literal) == name
    fake = FakeKapacitor()
    run(fake, name=name)
    assert only(fake)['name'] == name
    assert run(fake, name=name)['changed'] is False


@pytest.mark.parametrize('value', ['1s', '90s', '1m30s', '1h', '1d', '2w', '1mo', '1y', '1000ms'])
def test_every_takes_flux_durations_of_whole_seconds(value):
    assert flux_duration('every', value) == value


@pytest.mark.parametrize('value, reason', [
    ('1.5s', 'is not a Flux duration'), ('-1s', 'is not a Flux duration'), ('1 m', 'is not a Flux duration'),
    ('10', 'is not a Flux duration'), ('500ms', 'shorter than a second'), ('0s', 'shorter than a second'),
    ('1500ms', 'not a whole number of seconds'),
])
def test_every_refuses_what_kapacitor_would(value, reason):
    with pytest.raises(SpecError, match='^every: .*%s' % reason):
        flux_duration('every', value)


@pytest.mark.parametrize('given, shown', [('90s', '1m30s'), ('-5s', '-5s'), ('1h0m30s', '1h30s'), ('0s', ''),
                                          (None, ''), ('7200s', '2h')])
def test_offsets_are_predicted_as_kapacitor_shows_them(given, shown):
    assert shown_offset(given) == shown
    fake = FakeKapacitor()
    run(fake)
    result = run(fake, check_mode=True, offset=given)
    assert result['flux_task']['offset'] == shown
    if given:
        assert run(fake, offset=given)['flux_task']['offset'] == shown


def test_offset_is_signed_with_go_units_only():
    assert flux_duration('offset', '-5s', signed=True) == '-5s'
    assert flux_duration('offset', '1h30m', signed=True) == '1h30m'
    for value in ('1d', '1.5s', '500ms'):
        with pytest.raises(SpecError, match='^offset: '):
            flux_duration('offset', value, signed=True)


# -- the lifecycle -----------------------------------------------------------------------------

def test_missing_task_is_created_with_the_whole_text_and_read_back():
    fake = FakeKapacitor()
    result = run(fake, description='pings')
    assert result['changed'] is True
    assert fake.requests == [
        ('GET', TASKS + '?name=ping'),
        ('POST', TASKS, {'flux': COMPOSED, 'status': 'active', 'description': 'pings'}),
        ('GET', TASKS + '?name=ping'),
    ]
    task = only(fake)
    assert result['flux_task'] == {'id': task['id'], 'name': 'ping', 'script': SCRIPT, 'every': '1m', 'offset': '',
                                   'status': 'active', 'description': 'pings', 'last_run_status': '',
                                   'last_run_error': ''}
    assert result['diff']['before'] == {}
    assert result['diff']['after']['script'] == SCRIPT and 'last_run_status' not in result['diff']['after']


def test_same_task_is_one_get_and_no_write():
    fake = FakeKapacitor()
    run(fake, offset='90s')
    fake.requests[:] = []
    result = run(fake, offset='90s')
    assert result['changed'] is False
    assert fake.requests == [('GET', TASKS + '?name=ping')]
    assert result['flux_task']['offset'] == '1m30s'  # as Kapacitor shows it
    assert result['diff']['before'] == result['diff']['after']


def test_another_clients_crlf_and_trailing_spaces_are_the_same_task():
    fake = FakeKapacitor()
    add_flux_task(fake, '\r\n' + COMPOSED.replace('\n', '  \r\n') + '\r\n\r\n')
    result = run(fake)
    assert result['changed'] is False and fake.writes() == []


def test_script_every_and_status_changes_are_one_patch_of_the_text_and_status():
    fake = FakeKapacitor()
    run(fake)
    task_id = only(fake)['id']
    fake.requests[:] = []
    result = run(fake, script='a = 1', every='5m', status='inactive')
    assert result['changed'] is True
    new = 'option task = {name: "ping", every: 5m}\n\na = 1'
    assert fake.writes() == [('PATCH', TASKS + '/' + task_id, {'flux': new, 'status': 'inactive'})]
    assert only(fake)['flux'] == new and only(fake)['status'] == 'inactive' and only(fake)['every'] == '5m'
    assert result['diff']['before']['script'] == SCRIPT and result['diff']['before']['every'] == '1m'
    assert result['diff']['after'] == {'id': task_id, 'name': 'ping', 'script': 'a = 1', 'every': '5m', 'offset': '',
                                       'status': 'inactive', 'description': ''}


def test_every_to_cron_and_a_description_given_or_left_alone():
    fake = FakeKapacitor()
    run(fake, description='kept')
    result = run(fake, cron='*/5 * * * *')
    assert result['changed'] is True
    assert 'description' not in fake.writes()[-1][2]  # not given: left as it is
    assert result['flux_task']['cron'] == '*/5 * * * *' and 'every' not in result['flux_task']
    assert result['flux_task']['description'] == 'kept'
    assert run(fake, cron='*/5 * * * *', description='')['changed'] is True
    assert only(fake)['description'] == ''


def test_check_mode_predicts_and_never_writes():
    fake = FakeKapacitor()
    result = run(fake, check_mode=True)
    assert result['changed'] is True and fake.writes() == []
    assert result['flux_task']['script'] == SCRIPT and result['flux_task']['id'] is None
    run(fake)
    task_id = only(fake)['id']
    fake.requests[:] = []
    result = run(fake, check_mode=True, every='2m', status='inactive')
    assert result['changed'] is True and fake.writes() == []
    assert result['flux_task']['id'] == task_id and result['flux_task']['every'] == '2m'
    assert result['diff']['after']['status'] == 'inactive' and result['diff']['before']['status'] == 'active'
    result = run(fake, check_mode=True, state='absent')
    assert result['changed'] is True and fake.writes() == [] and len(flux_tasks(fake)) == 1


def test_absent_deletes_by_id_and_a_missing_task_is_one_get():
    fake = FakeKapacitor()
    run(fake)
    task_id = only(fake)['id']
    fake.requests[:] = []
    result = run(fake, state='absent')
    assert result['changed'] is True and result['flux_task'] == {}
    assert fake.writes() == [('DELETE', TASKS + '/' + task_id)]
    assert result['diff']['before']['name'] == 'ping' and result['diff']['after'] == {}
    fake.requests[:] = []
    result = run(fake, state='absent')
    assert result['changed'] is False and fake.requests == [('GET', TASKS + '?name=ping')]


def test_two_tasks_of_one_name_fail_naming_their_ids_without_writing():
    fake = FakeKapacitor()
    first = add_flux_task(fake, COMPOSED)
    second = add_flux_task(fake, COMPOSED.replace('1m', '5m'))
    for state in ('present', 'absent'):
        with pytest.raises(KapacitorError) as err:
            run(fake, state=state)
        assert err.value.message == ("name: Kapacitor holds 2 Flux tasks named 'ping' (ids %s, %s); the module "
                                     "cannot tell which one is meant: delete the others" % (first, second))
    assert fake.writes() == []


def test_script_kapacitor_cannot_parse_on_create_is_one_line_and_nothing_stored():
    fake = FakeKapacitor()
    with pytest.raises(KapacitorError) as err:
        run(fake, script='import "array"\n\narray.from(rows: [{x: 1}]\n')
    assert err.value.message == 'script: Kapacitor cannot compile it: line 3 char 1: expected RPAREN, got EOF'
    assert getattr(err.value, 'changed', False) is False
    assert flux_tasks(fake) == {}


def test_script_kapacitor_cannot_parse_on_update_is_a_500_that_changed_nothing():
    fake = FakeKapacitor()
    run(fake)
    before = dict(only(fake))
    with pytest.raises(KapacitorError) as err:
        run(fake, script='\n\nx = 1\ny = SYNTAX-ERROR\n')
    # Kapacitor answers 500: the engine looks again, finds the task as it was, and says so.
    assert err.value.message == 'script: Kapacitor cannot compile it: line 4 char 1: expected RPAREN, got EOF'
    assert err.value.changed is False
    assert only(fake) == before
    assert [r[0] for r in fake.requests[-3:]] == ['GET', 'PATCH', 'GET']


def test_cron_kapacitor_refuses_is_one_line_naming_cron():
    fake = FakeKapacitor()
    with pytest.raises(KapacitorError) as err:
        run(fake, cron='every day')
    assert err.value.message == "cron: Kapacitor refuses 'every day': failed to parse cron string 'every day'"


@pytest.mark.parametrize('params, message', [
    ({'name': ''}, '^name: must not be empty'),
    ({'status': 'bogus'}, "^status: 'bogus' is not one of active, inactive"),
    ({'script': '  \n'}, '^script: is required with state=present'),
    ({'script': 'import "array"\noption task = {name: "x", every: 1h}\narray.from(rows: [])'},
     '^script: has an "option task" statement; leave it out'),
    ({'every': None}, '^every, cron: give exactly one of them'),
    ({'cron': '* * * * *', 'every': '1m'}, '^every, cron: give exactly one of them'),
    ({'every': '1.5s'}, '^every: '),
    ({'offset': '1d'}, '^offset: '),
])
def test_bad_parameters_fail_in_one_line_before_any_request(params, message):
    fake = FakeKapacitor()
    with pytest.raises(SpecError, match=message) as err:
        run(fake, **params)
    assert '\n' not in str(err.value)
    assert fake.requests == []


def test_a_kapacitor_before_1_6_fails_naming_the_version():
    fake = FakeKapacitor(version='1.5.9')
    for state in ('present', 'absent'):
        with pytest.raises(KapacitorError) as err:
            run(fake, state=state)
        assert err.value.message == 'Flux tasks need Kapacitor 1.6.0 or later; this server is Kapacitor 1.5.9'
    assert fake.writes() == []


def test_version_is_checked_before_writing_when_the_list_answers():
    fake = FakeKapacitor()
    fake.get(TASKS)  # the client learns a version
    fake.version = '1.5.9'  # a (hypothetical) server that answers the list but reports an old version
    task = FluxTask(fake, {'name': 'x', 'script': 'a = 1', 'every': '1m', 'state': 'present'})
    with pytest.raises(KapacitorError, match='^Flux tasks need Kapacitor 1.6.0 or later; this server is Kapacitor 1.5.9$'):
        task.check_supported()


def test_server_with_the_service_off_says_how_to_turn_it_on():
    fake = FakeKapacitor()
    fake.flux_task_api = False
    with pytest.raises(KapacitorError) as err:
        run(fake)
    assert err.value.message == FLUX_TASK_API_OFF
    assert fake.writes() == []
    with pytest.raises(KapacitorError, match="^Kapacitor's Flux task API is off on this server: set"):
        list_flux_tasks(fake)


def test_a_lost_answer_to_the_create_is_looked_at_again():
    fake = FakeKapacitor()
    fake.lose_answer('POST', match=TASKS)
    result = run(fake)
    assert result['changed'] is True and len(flux_tasks(fake)) == 1
    # the one read that saw the create land is also the read-back
    assert [r[0] for r in fake.requests] == ['GET', 'POST', 'GET']


def test_task_deleted_by_another_client_meanwhile_fails_in_one_line():
    fake = FakeKapacitor()
    run(fake)
    fake.inject('PATCH', match=TASKS, before=lambda f: flux_tasks(f).clear())
    with pytest.raises(KapacitorError) as err:
        run(fake, every='2m')
    assert err.value.message == ("Flux task 'ping': Kapacitor failed updating it (HTTP 404): failed to update "
                                 "task: task not found")


def test_list_flux_tasks_pages_by_id_and_sorts_by_name():
    fake = FakeKapacitor()
    for index in range(501):
        add_flux_task(fake, 'option task = {name: "t%03d", every: 1h}\n\na = 1' % (500 - index))
    tasks = list_flux_tasks(fake)
    assert len(tasks) == 501 and tasks[0]['name'] == 't000' and tasks[-1]['name'] == 't500'
    assert tasks[0]['script'] == 'a = 1' and tasks[0]['every'] == '1h'
    assert [r[1].split('?')[1] for r in fake.requests] == [
        'limit=500', 'limit=500&after=%s' % sorted(flux_tasks(fake))[499]]


# -- the task, as a module runs it ------------------------------------------------------------

def run_module(monkeypatch, fake, args, check_mode=False):
    monkeypatch.setattr(kapacitor_resources.KapacitorClient, 'from_params', classmethod(lambda cls, params: fake))
    validated = ArgumentSpecValidator(FLUX_TASK_TASK.argument_spec,
                                      mutually_exclusive=FLUX_TASK_TASK.mutually_exclusive).validate(args)
    assert not validated.error_messages, validated.error_messages
    return run_task(FLUX_TASK_TASK, Context(validated.validated_parameters, raw_params=args, check_mode=check_mode,
                                            diff=True))


def test_task_arguments_refuse_a_bad_status_and_every_with_cron():
    validator = ArgumentSpecValidator(FLUX_TASK_TASK.argument_spec,
                                      mutually_exclusive=FLUX_TASK_TASK.mutually_exclusive)
    assert 'bogus' in ' '.join(validator.validate({'name': 'x', 'status': 'bogus'}).error_messages)
    both = validator.validate({'name': 'x', 'every': '1m', 'cron': '* * * * *'})
    assert 'mutually exclusive' in ' '.join(both.error_messages)


def test_module_run_reports_the_version_and_fails_in_one_line(monkeypatch):
    fake = FakeKapacitor()
    result = run_module(monkeypatch, fake, {'name': 'ping', 'script': SCRIPT, 'every': '1m'})
    assert result['changed'] is True and result['kapacitor_version'] == '1.8.3'
    assert result['flux_task']['name'] == 'ping'
    with pytest.raises(TaskFailed) as err:
        run_module(monkeypatch, fake, {'name': 'ping', 'script': 'x = (', 'every': '1m'})
    assert err.value.msg == 'script: Kapacitor cannot compile it: line 1 char 1: expected RPAREN, got EOF'
    assert err.value.result['changed'] is False
