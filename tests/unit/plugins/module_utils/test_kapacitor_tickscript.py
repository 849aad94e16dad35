# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_client import KapacitorError
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_resources import ResourceRun
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_runner import Context, TaskFailed, run_task
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_spec import SpecError
from ansible_collections.tick.kapacitor.plugins.module_utils import kapacitor_tickscript
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_tickscript import (
    TASK_TASK, Task, Template, comparable_vars, declares_dbrp, format_influxql_duration, list_tasks, list_templates,
    normalize_script, parse_dbrp, parse_influxql_duration, public_vars, script_type, tasks_of_template,
    to_kapacitor_vars, validate_id)
from ansible_collections.tick.kapacitor.tests.unit.plugins.module_utils.fake_kapacitor import FakeKapacitor
from ansible_collections.tick.kapacitor.tests.unit.plugins.module_utils.fake_tickscript import (
    fake_task, fake_template)

TASKS = '/kapacitor/v1/tasks'
TEMPLATES = '/kapacitor/v1/templates'
RAW = '?script-format=raw'

CPU = """// cpu alert
var crit = 80.0
var period = 5m

stream
    |from()
        .measurement('cpu')
    |window().period(period).every(period)
    |mean('usage')
    |alert().crit(lambda: "mean" > crit)
"""
CPU_BATCH = """batch
    |query('SELECT mean(usage) FROM "telegraf"."autogen".cpu')
        .period(1m).every(10s)
    |alert().crit(lambda: "mean" > 1)
"""


def run_task_(fake, check_mode=False, **params):
    params.setdefault('id', 'cpu')
    params.setdefault('state', 'present')
    params.setdefault('status', 'enabled')
    return ResourceRun(Task(fake, params), check_mode=check_mode).run()


def run_template(fake, check_mode=False, **params):
    params.setdefault('id', 'tpl')
    params.setdefault('state', 'present')
    return ResourceRun(Template(fake, params), check_mode=check_mode).run()


def writes(fake):
    return [request for request in fake.requests if request[0] != 'GET']


# -- pure functions --------------------------------------------------------------------------

@pytest.mark.parametrize('given, expected', [
    ('a\r\nb  \r\n', 'a\nb'),
    ('\n\n  \nstream\n    |from()   \n\n\n', 'stream\n    |from()'),
    ('a\n\n\nb', 'a\n\n\nb'),
    ('  a', '  a'),
])
def test_scripts_compare_without_line_end_and_trailing_space_differences(given, expected):
    assert normalize_script(given) == expected


def test_a_changed_indent_or_token_is_a_difference():
    assert normalize_script('stream\n  |from()') != normalize_script('stream\n    |from()')
    assert normalize_script("|from().measurement('a')") != normalize_script("|from().measurement('b')")


@pytest.mark.parametrize('script, kind', [
    (CPU, 'stream'),
    (CPU_BATCH, 'batch'),
    ('var data = batch\n  |query(\'q\')\ndata|alert()', 'batch'),
    ('dbrp "telegraf"."autogen"\n\nstream|from()', 'stream'),
    ("// stream in a comment\nvar s = 'stream'\nbatch\n  |query('''stream''')", 'batch'),
    ('var re = /stream/\nbatch|query(\'x\')', 'batch'),
    ('stream|from()\nbatch|query(\'x\')', None),      # both: Kapacitor refuses it
    ('var x = 1', None),
    ('stream|from().where(lambda: "batch" == 1)', 'stream'),
])
def test_script_type_like_task_type_from_program(script, kind):
    assert script_type(script) == kind


def test_dbrp_statements_are_found_only_as_statements():
    assert declares_dbrp('dbrp "a"."b"\nstream|from()')
    assert not declares_dbrp("stream|from().measurement('dbrp')")
    assert not declares_dbrp('// dbrp "a"."b"\nstream|from()')


@pytest.mark.parametrize('given, expected', [
    ('telegraf.autogen', {'db': 'telegraf', 'rp': 'autogen'}),
    ('telegraf.rp.with.dots', {'db': 'telegraf', 'rp': 'rp.with.dots'}),   # the CLI splits at the first dot
    ('"my.db"."auto"', {'db': 'my.db', 'rp': 'auto'}),
    ('"my.db".auto', {'db': 'my.db', 'rp': 'auto'}),
    ('"a\\"b".c', {'db': 'a"b', 'rp': 'c'}),
    ({'db': 'my.db', 'rp': 'a.b'}, {'db': 'my.db', 'rp': 'a.b'}),
])
def test_dbrps_parse_like_kapacitors_cli(given, expected):
    assert parse_dbrp(given, 0) == expected


@pytest.mark.parametrize('given', ['telegraf', '.autogen', 'telegraf.', '', '"a"b', '"open.x', 3,
                                   {'db': 'x'}, {'db': 'x', 'rp': ''}, {'db': 'x', 'rp': 'y', 'z': 1}])
def test_bad_dbrps_fail_in_one_line_naming_the_entry(given):
    with pytest.raises(SpecError, match=r'^dbrps\[2\]: ') as err:
        parse_dbrp(given, 2)
    assert '\n' not in str(err.value)


def test_dbrp_error_says_the_expected_form():
    with pytest.raises(SpecError) as err:
        parse_dbrp('telegraf', 0)
    assert str(err.value).startswith('dbrps[0]: \'telegraf\' is not "database.retention_policy"')


@pytest.mark.parametrize('text, nanoseconds', [
    ('5m', 300 * 10 ** 9), ('1h30m', 5400 * 10 ** 9), ('500ms', 5 * 10 ** 8), ('10u', 10 ** 4),
    ('3ns', 3), ('2d', 2 * 86400 * 10 ** 9), ('1w', 604800 * 10 ** 9), ('-10s', -10 ** 10),
    ('90', None), ('5 m', None), ('m', None), ('1.5s', None), ('', None), ('10us', None),
])
def test_durations_parse_like_influxql(text, nanoseconds):
    assert parse_influxql_duration(text) == nanoseconds


@pytest.mark.parametrize('nanoseconds, text', [
    (0, '0s'), (300 * 10 ** 9, '5m'), (5400 * 10 ** 9, '90m'), (1500 * 10 ** 6, '1500ms'),
    (86400 * 10 ** 9, '1d'), (1001, '1001ns'), (-60 * 10 ** 9, '-1m'),
])
def test_durations_format_back_to_what_parses(nanoseconds, text):
    assert format_influxql_duration(nanoseconds) == text
    assert parse_influxql_duration(text) == nanoseconds


def test_vars_are_sent_as_kapacitor_decodes_them():
    sent = to_kapacitor_vars({
        'on': True, 'count': 3, 'level': 80.5, 'name': 'web', 'tags': ['host', 'dc'],
        'period': {'type': 'duration', 'value': '1h30m', 'description': 'window'},
        'raw_period': {'type': 'duration', 'value': 10 ** 9},
        'crit': {'type': 'float', 'value': 80}, 'n': {'type': 'int', 'value': '7'},
        'match': {'type': 'regex', 'value': 'web.*'}, 'where': {'type': 'lambda', 'value': '"host" == \'a\''},
        'all': {'type': 'star'},
        'group': {'type': 'list', 'value': ['host', {'type': 'star'}, {'type': 'regex', 'value': 'x'}]},
    })
    assert sent == {
        'on': {'type': 'bool', 'value': True},
        'count': {'type': 'int', 'value': 3},
        'level': {'type': 'float', 'value': 80.5},
        'name': {'type': 'string', 'value': 'web'},
        'tags': {'type': 'list', 'value': [{'type': 'string', 'value': 'host'}, {'type': 'string', 'value': 'dc'}]},
        'period': {'type': 'duration', 'value': 5400 * 10 ** 9, 'description': 'window'},
        'raw_period': {'type': 'duration', 'value': 10 ** 9},
        'crit': {'type': 'float', 'value': 80.0},
        'n': {'type': 'int', 'value': 7},
        'match': {'type': 'regex', 'value': 'web.*'},
        'where': {'type': 'lambda', 'value': '"host" == \'a\''},
        'all': {'type': 'star', 'value': None},
        'group': {'type': 'list', 'value': [{'type': 'string', 'value': 'host'}, {'type': 'star', 'value': None},
                                            {'type': 'regex', 'value': 'x'}]},
    }


@pytest.mark.parametrize('given, message', [
    ({'type': 'float', 'value': 'high'}, "vars.x: 'high' is not a number (type float)"),
    ({'type': 'int', 'value': 1.5}, 'vars.x: 1.5 is not a whole number (type int)'),
    ({'type': 'int', 'value': True}, 'vars.x: True is not a whole number (type int)'),
    ({'type': 'bool', 'value': 'yes'}, "vars.x: 'yes' is not true or false (type bool)"),
    ({'type': 'duration', 'value': '90'}, "vars.x: '90' is not a duration like 5m"),
    ({'type': 'duration', 'value': 1.5}, 'vars.x: 1.5 is not a duration'),
    ({'type': 'regex', 'value': ''}, "vars.x: '' is not a non-empty string (type regex)"),
    ({'type': 'string', 'value': 5}, 'vars.x: 5 is not a string (type string)'),
    ({'type': 'star', 'value': 'x'}, "vars.x: 'x' is not empty"),
    ({'type': 'number', 'value': 1}, "vars.x: type 'number' is not one of string, int"),
    ({'value': 1}, 'vars.x: type None is not one of'),
    ({'type': 'int'}, 'vars.x: needs a value'),
    ({'type': 'int', 'value': 1, 'default': 2}, 'vars.x: unknown keys default'),
    ({'type': 'list', 'value': 'host'}, "vars.x: 'host' is not a list (type list)"),
    ({'type': 'list', 'value': [3]}, 'vars.x[0]: 3 cannot be a list item: Kapacitor takes only strings'),
    ({'type': 'list', 'value': [{'type': 'int', 'value': 3}]}, "vars.x[0]: type 'int' is not one of string"),
    ([1.5], 'vars.x[0]: 1.5 cannot be a list item'),
    (None, 'vars.x: None is not a var value'),
    ({'type': 'float', 'value': float('nan')}, 'vars.x: nan is not a finite number'),
])
def test_bad_vars_fail_in_one_line_naming_the_var(given, message):
    with pytest.raises(SpecError) as err:
        to_kapacitor_vars({'x': given})
    assert str(err.value).startswith(message)
    assert '\n' not in str(err.value)


def test_vars_read_back_in_the_form_the_module_takes():
    kapacitor = {
        'crit': {'type': 'float', 'value': 80, 'description': ''},
        'period': {'type': 'duration', 'value': 300000000000, 'description': 'the window'},
        'tags': {'type': 'list', 'value': [{'type': 'string', 'value': 'host', 'description': ''},
                                           {'type': 'star', 'value': None, 'description': ''}], 'description': ''},
        'all': {'type': 'star', 'value': None, 'description': ''},
    }
    shown = public_vars(kapacitor)
    assert shown == {
        'crit': {'type': 'float', 'value': 80},
        'period': {'type': 'duration', 'value': '5m', 'description': 'the window'},
        'tags': {'type': 'list', 'value': [{'type': 'string', 'value': 'host'}, {'type': 'star', 'value': None}]},
        'all': {'type': 'star', 'value': None},
    }
    # fed back, they compare equal to what Kapacitor holds
    sent = to_kapacitor_vars(shown)
    described = ['period']
    assert comparable_vars(sent, described) == comparable_vars(kapacitor, described)


def test_vars_compare_by_type_value_and_given_description():
    held = {'crit': {'type': 'float', 'value': 80, 'description': 'old'}}
    assert comparable_vars(to_kapacitor_vars({'crit': 80.0})) == comparable_vars(held)
    assert comparable_vars(to_kapacitor_vars({'crit': {'type': 'float', 'value': 1.0}})) != comparable_vars(held)
    assert comparable_vars(to_kapacitor_vars({'crit': 80})) != comparable_vars(held)   # int is another type
    assert comparable_vars(to_kapacitor_vars({'crit': {'type': 'float', 'value': 80, 'description': 'new'}}),
                           ['crit']) != comparable_vars(held, ['crit'])


@pytest.mark.parametrize('value', ['cpu', 'a.b-c_d', u'\u00e9t\u00e9', '0'])
def test_ids_kapacitor_accepts(value):
    validate_id('id', value, 'task')


@pytest.mark.parametrize('value', ['', 'a b', 'cpu\n', 'a/b', 'a:b', u'\u0661'])
def test_ids_kapacitor_refuses_fail_before_any_request(value):
    fake = FakeKapacitor()
    with pytest.raises(SpecError, match=r'^id: .* is not a task id Kapacitor accepts'):
        run_task_(fake, id=value, script=CPU, dbrps=['telegraf.autogen'])
    assert fake.requests == []


# -- the task lifecycle ------------------------------------------------------------------------

def test_missing_task_is_created_enabled_and_read_back_raw():
    fake = FakeKapacitor()
    result = run_task_(fake, script=CPU, dbrps=['telegraf.autogen'], vars={'crit': 90.0})
    assert result['changed'] is True
    assert fake.requests == [
        ('GET', TASKS + '/cpu' + RAW),
        ('POST', TASKS, {'id': 'cpu', 'status': 'enabled', 'script': CPU,
                         'dbrps': [{'db': 'telegraf', 'rp': 'autogen'}],
                         'vars': {'crit': {'type': 'float', 'value': 90.0}}}),
        ('GET', TASKS + '/cpu' + RAW),
    ]
    assert result['task'] == {
        'id': 'cpu', 'template_id': None, 'type': 'stream', 'dbrps': [{'db': 'telegraf', 'rp': 'autogen'}],
        'script': CPU, 'vars': {'crit': {'type': 'float', 'value': 90}}, 'status': 'enabled',
        'executing': True, 'error': ''}
    assert result['diff'] == {'before': {}, 'after': dict((k, v) for k, v in result['task'].items()
                                                          if k not in ('executing', 'error'))}
    assert fake_task(fake, 'cpu')['running'] == CPU


def test_unchanged_task_is_one_get():
    fake = FakeKapacitor()
    run_task_(fake, script=CPU, dbrps=['telegraf.autogen'], vars={'crit': 90.0})
    fake.requests[:] = []
    result = run_task_(fake, script=CPU.replace('\n', '  \r\n') + '\n\n', dbrps=[{'db': 'telegraf', 'rp': 'autogen'}],
                       vars={'crit': {'type': 'float', 'value': 90}})
    assert result['changed'] is False
    assert fake.requests == [('GET', TASKS + '/cpu' + RAW)]


def test_the_result_fed_back_is_ok():
    fake = FakeKapacitor()
    shown = run_task_(fake, script=CPU, dbrps=['telegraf.autogen'],
                      vars={'period': {'type': 'duration', 'value': '10m', 'description': 'w'}})['task']
    again = dict((key, shown[key]) for key in ('id', 'type', 'dbrps', 'script', 'vars', 'status'))
    assert run_task_(fake, **again)['changed'] is False


def test_script_change_of_an_enabled_task_reloads_it():
    fake = FakeKapacitor()
    run_task_(fake, script=CPU, dbrps=['telegraf.autogen'])
    fake.requests[:] = []
    changed = CPU.replace("'usage'", "'usage_user'")
    result = run_task_(fake, script=changed, dbrps=['telegraf.autogen'])
    assert result['changed'] is True
    assert writes(fake) == [
        ('PATCH', TASKS + '/cpu', {'status': 'enabled', 'script': changed,
                                   'dbrps': [{'db': 'telegraf', 'rp': 'autogen'}]}),
        ('PATCH', TASKS + '/cpu', {'status': 'disabled'}),
        ('PATCH', TASKS + '/cpu', {'status': 'enabled'}),
    ]
    assert fake_task(fake, 'cpu')['running'] == changed       # the new definition runs
    assert result['task']['status'] == 'enabled' and result['task']['executing'] is True
    assert result['diff']['before']['script'] == CPU and result['diff']['after']['script'] == changed


def test_disabled_task_is_not_started_by_a_change():
    fake = FakeKapacitor()
    run_task_(fake, script=CPU, dbrps=['telegraf.autogen'], status='disabled')
    fake.requests[:] = []
    result = run_task_(fake, script=CPU + '|log()\n', dbrps=['telegraf.autogen'], status='disabled')
    assert len(writes(fake)) == 1
    assert result['task']['executing'] is False and fake_task(fake, 'cpu')['running'] is None


def test_enabling_a_task_is_one_patch():
    fake = FakeKapacitor()
    run_task_(fake, script=CPU, dbrps=['telegraf.autogen'], status='disabled')
    fake.requests[:] = []
    result = run_task_(fake, script=CPU, dbrps=['telegraf.autogen'])
    assert writes(fake) == [('PATCH', TASKS + '/cpu', {'status': 'enabled', 'script': CPU,
                                                       'dbrps': [{'db': 'telegraf', 'rp': 'autogen'}]})]
    assert result['task']['executing'] is True


def test_clearing_vars_recreates_the_task_and_keeps_it_enabled():
    fake = FakeKapacitor()
    run_task_(fake, script=CPU, dbrps=['telegraf.autogen'], vars={'crit': 90.0})
    fake.requests[:] = []
    result = run_task_(fake, script=CPU, dbrps=['telegraf.autogen'])
    assert result['changed'] is True
    assert [request[:2] for request in writes(fake)] == [('DELETE', TASKS + '/cpu'), ('POST', TASKS)]
    assert fake_task(fake, 'cpu')['vars'] == {} and fake_task(fake, 'cpu')['running'] == CPU
    assert result['task']['vars'] == {} and result['task']['status'] == 'enabled'


def test_check_mode_writes_nothing_and_shows_what_would_be():
    fake = FakeKapacitor()
    result = run_task_(fake, check_mode=True, script=CPU, dbrps=['telegraf.autogen'], vars={'crit': 90.0})
    assert result['changed'] is True
    assert writes(fake) == [] and fake_task(fake, 'cpu') is None
    assert result['task']['type'] == 'stream' and result['task']['script'] == CPU
    assert result['task']['vars'] == {'crit': {'type': 'float', 'value': 90.0}}
    run_task_(fake, script=CPU, dbrps=['telegraf.autogen'])
    fake.requests[:] = []
    result = run_task_(fake, check_mode=True, script=CPU + '|log()\n', dbrps=['telegraf.autogen'])
    assert result['changed'] is True and writes(fake) == []
    assert result['diff']['after']['script'] == CPU + '|log()\n'


def test_compile_error_is_one_line_with_line_and_char_and_changes_nothing():
    fake = FakeKapacitor()
    run_task_(fake, script=CPU, dbrps=['telegraf.autogen'])
    broken = CPU.replace("|mean('usage')", "|nosuch()")
    with pytest.raises(KapacitorError) as err:
        run_task_(fake, script=broken, dbrps=['telegraf.autogen'])
    assert err.value.message == ('script: Kapacitor cannot compile it: line 9 char 6: no method or property '
                                 '"nosuch" on *pipeline.FromNode')
    assert getattr(err.value, 'changed', False) is False
    assert fake_task(fake, 'cpu')['script'] == CPU


def test_parse_error_keeps_kapacitors_position():
    fake = FakeKapacitor()
    with pytest.raises(KapacitorError, match=r'^script: Kapacitor cannot compile it: parser: unexpected \| line 3 '
                                             r'char 3') as err:
        run_task_(fake, script='stream\n  |from(\n  |alert()\n', dbrps=['a.b'])
    assert '\n' not in err.value.message
    assert fake_task(fake, 'cpu') is None


def test_var_of_the_wrong_type_names_the_var():
    fake = FakeKapacitor()
    with pytest.raises(KapacitorError) as err:
        run_task_(fake, script=CPU, dbrps=['a.b'], vars={'crit': 'high'})
    assert err.value.message == ("vars.crit: Kapacitor refuses it for task 'cpu': invalid type supplied for crit, "
                                 "got string exp float")


def test_dbrp_problems_name_dbrps():
    fake = FakeKapacitor()
    with pytest.raises(KapacitorError, match=r'^dbrps: Kapacitor needs a database and retention policy'):
        run_task_(fake, script=CPU)
    with pytest.raises(SpecError, match=r'^dbrps: the script declares its own dbrp'):
        run_task_(fake, script='dbrp "a"."b"\n' + CPU, dbrps=['a.b'])
    with pytest.raises(SpecError, match=r'^dbrps\[1\]: \'telegraf\' is not "database.retention_policy"'):
        run_task_(fake, script=CPU, dbrps=['a.b', 'telegraf'])
    assert writes(fake) == [('POST', TASKS, {'id': 'cpu', 'status': 'enabled', 'script': CPU})]


def test_dbrps_compare_as_a_set_and_are_not_compared_when_left_out():
    fake = FakeKapacitor()
    run_task_(fake, script=CPU, dbrps=['a.b', 'c.d'])
    fake.requests[:] = []
    assert run_task_(fake, script=CPU, dbrps=['c.d', {'db': 'a', 'rp': 'b'}])['changed'] is False
    assert run_task_(fake, script=CPU)['changed'] is False
    assert run_task_(fake, script=CPU, dbrps=['a.b'])['changed'] is True
    assert fake_task(fake, 'cpu')['dbrps'] == [{'db': 'a', 'rp': 'b'}]


def test_type_contradicting_the_script_fails_before_any_request():
    fake = FakeKapacitor()
    with pytest.raises(SpecError, match=r'^type: the script is a stream task'):
        run_task_(fake, script=CPU, dbrps=['a.b'], type='batch')
    assert fake.requests == []


def test_type_kapacitor_derives_otherwise_fails_after_it_answers(monkeypatch):
    # A script the scan cannot read (it gives up on what it does not know); Kapacitor can.
    monkeypatch.setattr(kapacitor_tickscript, 'script_type', lambda script: None)
    fake = FakeKapacitor()
    with pytest.raises(KapacitorError, match=r"^type: Kapacitor made task 'cpu' a stream task .*, not batch"):
        run_task_(fake, script=CPU, dbrps=['a.b'], type='batch')


def test_script_and_template_id_are_exclusive_and_one_is_needed_to_create():
    fake = FakeKapacitor()
    with pytest.raises(SpecError, match='^script: give either script or template_id, not both'):
        run_task_(fake, script=CPU, template_id='tpl')
    with pytest.raises(SpecError, match="^script: one of script or template_id is required to create task 'cpu'"):
        run_task_(fake, dbrps=['a.b'])
    assert writes(fake) == []


def test_status_alone_manages_an_existing_task():
    fake = FakeKapacitor()
    run_task_(fake, script=CPU, dbrps=['a.b'], vars={'crit': 1.0})
    fake.requests[:] = []
    result = run_task_(fake, status='disabled')
    assert writes(fake) == [('PATCH', TASKS + '/cpu', {'status': 'disabled'})]
    assert result['task']['vars'] == {'crit': {'type': 'float', 'value': 1}}


def test_absent_deletes_and_then_is_ok():
    fake = FakeKapacitor()
    run_task_(fake, script=CPU, dbrps=['a.b'])
    result = run_task_(fake, state='absent')
    assert result['changed'] is True and result['task'] == {} and result['diff']['before']['script'] == CPU
    assert fake_task(fake, 'cpu') is None
    assert run_task_(fake, state='absent')['changed'] is False


# -- tasks from templates ----------------------------------------------------------------------

def test_task_from_a_template_with_vars():
    fake = FakeKapacitor()
    run_template(fake, script=CPU)
    result = run_task_(fake, template_id='tpl', dbrps=['a.b'], vars={'crit': 95.0})
    assert result['changed'] is True
    assert result['task']['template_id'] == 'tpl' and result['task']['script'] is None, 'the template has it'
    assert result['task']['type'] == 'stream'
    fake.requests[:] = []
    assert run_task_(fake, template_id='tpl', dbrps=['a.b'], vars={'crit': 95.0})['changed'] is False
    assert writes(fake) == []
    # The result goes back to the module as it is (what kapacitor_info returns, too).
    shown = dict((key, value) for key, value in result['task'].items() if key not in ('executing', 'error'))
    assert run_task_(fake, **shown)['changed'] is False
    assert writes(fake) == []


def test_missing_template_fails_before_writing():
    fake = FakeKapacitor()
    with pytest.raises(SpecError, match="^template_id: Kapacitor has no template 'nope'$"):
        run_task_(fake, template_id='nope', dbrps=['a.b'])
    assert writes(fake) == []


def test_check_mode_takes_a_missing_template_for_one_an_earlier_task_creates():
    fake = FakeKapacitor()
    task = Task(fake, {'id': 'cpu', 'state': 'present', 'status': 'enabled', 'template_id': 'later',
                       'dbrps': ['a.b']})
    result = ResourceRun(task, check_mode=True).run()
    assert result['changed'] is True and result['task']['template_id'] == 'later'
    assert task.warnings == ["template_id: Kapacitor has no template 'later' yet; check mode assumes an earlier "
                             "task creates it"]
    assert writes(fake) == []


def test_kapacitor_1_5_lists_template_ids_task_by_task():
    fake = FakeKapacitor()
    run_template(fake, script=CPU)
    run_task_(fake, template_id='tpl', dbrps=['a.b'], vars={'crit': 95.0})
    run_task_(fake, id='plain', script=CPU.replace('crit', '90.0'), dbrps=['a.b'])
    # Kapacitor 1.5's task list has no template-id field (allTaskFields), each task has it.
    fake.reject(400, 'unsupported field "template-id"', method='GET', match='fields=template-id')
    assert [(task['id'], task['template_id']) for task in list_tasks(fake)] == [('cpu', 'tpl'), ('plain', None)]
    assert tasks_of_template(fake, 'tpl') == [('cpu', 'enabled')]


def test_template_type_contradicting_type_fails_before_writing():
    fake = FakeKapacitor()
    run_template(fake, script=CPU)
    with pytest.raises(SpecError, match="^type: template 'tpl' is a stream template"):
        run_task_(fake, template_id='tpl', dbrps=['a.b'], type='batch')
    assert fake_task(fake, 'cpu') is None


def test_taking_a_task_off_its_template_recreates_it():
    fake = FakeKapacitor()
    run_template(fake, script=CPU)
    run_task_(fake, template_id='tpl', dbrps=['a.b'])
    result = run_task_(fake, script=CPU, dbrps=['a.b'])
    assert result['changed'] is True and result['task']['template_id'] is None
    assert fake_task(fake, 'cpu')['template-id'] == ''


def test_a_failed_recreate_puts_the_old_task_back():
    fake = FakeKapacitor()
    run_template(fake, script=CPU)
    run_task_(fake, template_id='tpl', dbrps=['a.b'], vars={'crit': 95.0})
    with pytest.raises(KapacitorError, match='^script: Kapacitor cannot compile it'):
        run_task_(fake, script=CPU.replace("|mean('usage')", '|nosuch()'), dbrps=['a.b'])
    task = fake_task(fake, 'cpu')
    assert task['template-id'] == 'tpl' and task['vars']['crit']['value'] == 95.0 and task['running'] == CPU


def test_template_compile_error_of_a_templated_task_names_vars():
    fake = FakeKapacitor()
    run_template(fake, script=CPU)
    with pytest.raises(KapacitorError, match=r"^vars.crit: Kapacitor refuses it for task 'cpu': invalid type"):
        run_task_(fake, template_id='tpl', dbrps=['a.b'], vars={'crit': True})


# -- templates -----------------------------------------------------------------------------

def test_template_create_rerun_and_vars():
    fake = FakeKapacitor()
    result = run_template(fake, script=CPU)
    assert result['changed'] is True
    assert ('POST', TEMPLATES, {'id': 'tpl', 'script': CPU, 'type': 'stream'}) in fake.requests
    assert result['template'] == {'id': 'tpl', 'type': 'stream', 'script': CPU, 'vars': {
        'crit': {'type': 'float', 'value': 80.0}, 'period': {'type': 'duration', 'value': '5m'}}}
    assert result['tasks'] == [] and result['reloaded_tasks'] == []
    fake.requests[:] = []
    assert run_template(fake, script=CPU + '\n\n')['changed'] is False
    assert writes(fake) == []


def test_template_update_reports_the_tasks_kapacitor_reloads():
    fake = FakeKapacitor()
    run_template(fake, script=CPU)
    run_task_(fake, id='on', template_id='tpl', dbrps=['a.b'])
    run_task_(fake, id='off', template_id='tpl', dbrps=['a.b'], status='disabled')
    changed = CPU.replace("'usage'", "'usage_user'")
    preview = run_template(fake, check_mode=True, script=changed)
    assert preview['reloaded_tasks'] == ['on'] and preview['tasks'] == ['off', 'on']
    assert fake_template(fake, 'tpl')['script'] == CPU
    result = run_template(fake, script=changed)
    assert result['changed'] is True and result['reloaded_tasks'] == ['on'] and fake.reloaded == ['on']
    assert fake_task(fake, 'on')['running'] == changed
    assert run_template(fake, script=changed)['reloaded_tasks'] == []


def test_template_update_sends_the_type_kapacitor_would_keep():
    fake = FakeKapacitor()
    run_template(fake, script=CPU)
    result = run_template(fake, script=CPU_BATCH)
    assert result['template']['type'] == 'batch'
    assert ('PATCH', TEMPLATES + '/tpl', {'script': CPU_BATCH, 'type': 'batch'}) in fake.requests


def test_template_in_use_is_not_deleted_unless_forced():
    fake = FakeKapacitor()
    run_template(fake, script=CPU)
    run_task_(fake, id='on', template_id='tpl', dbrps=['a.b'])
    for check_mode in (True, False):
        with pytest.raises(SpecError, match=r"^state: template 'tpl' is used by tasks 'on'; Kapacitor would delete"):
            run_template(fake, check_mode=check_mode, state='absent')
    assert fake_template(fake, 'tpl') is not None
    result = run_template(fake, state='absent', force=True)
    assert result['changed'] is True and result['tasks'] == ['on'] and fake_template(fake, 'tpl') is None


def test_template_compile_error_is_one_line():
    fake = FakeKapacitor()
    with pytest.raises(KapacitorError, match=r'^script: Kapacitor cannot compile it: line 9 char 6: no method'):
        run_template(fake, script=CPU.replace("|mean('usage')", '|nosuch()'))
    with pytest.raises(SpecError, match=r'^script: is required'):
        run_template(fake)


# -- listing and the module's task spec ---------------------------------------------------------

def test_lists_page_through_everything():
    fake = FakeKapacitor()
    run_template(fake, script=CPU)
    for number in range(105):
        run_task_(fake, id='t%03d' % number, script=CPU, dbrps=['a.b'], status='disabled')
    run_task_(fake, id='z', template_id='tpl', dbrps=['a.b'], vars={'crit': 1.5})
    tasks = list_tasks(fake)
    assert [task['id'] for task in tasks] == ['t%03d' % n for n in range(105)] + ['z']
    assert tasks[-1]['template_id'] == 'tpl' and tasks[-1]['vars'] == {'crit': {'type': 'float', 'value': 1.5}}
    assert tasks[0]['script'] == CPU and tasks[0]['template_id'] is None
    assert [t['id'] for t in list_templates(fake)] == ['tpl']
    lists = [request[1] for request in fake.requests if request[0] == 'GET' and '?fields=' in request[1]]
    assert any('offset=100' in path for path in lists)


def test_module_errors_are_one_line_and_report_no_change():
    fake = FakeKapacitor()
    ctx = Context(dict(kapacitor_url='http://kapacitor.test:9092', id='cpu', state='present', status='enabled',
                       script='stream\n  |from(\n  |alert()\n', dbrps=['a.b'], template_id=None, type=None,
                       vars=None))
    spec = TASK_TASK
    original = spec.run

    def run_on_fake(ctx):
        result = ResourceRun(Task(fake, ctx.params)).run()
        return result
    spec.run = run_on_fake
    try:
        with pytest.raises(TaskFailed) as failed:
            run_task(spec, ctx)
    finally:
        spec.run = original
    assert failed.value.msg.startswith('script: Kapacitor cannot compile it: parser: unexpected | line 3 char 3')
    assert failed.value.result['changed'] is False
