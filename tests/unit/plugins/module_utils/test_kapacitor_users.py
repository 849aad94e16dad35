# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import json

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_client import KapacitorError
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_resources import ResourceRun
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_runner import Context, TaskFailed, run_task
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_spec import SpecError
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_users import (
    USER_API_OFF, USER_TASK, User, canonical_permissions, list_users, validate_name)
from ansible_collections.tick.kapacitor.tests.unit.plugins.module_utils.fake_kapacitor import FakeKapacitor
from ansible_collections.tick.kapacitor.tests.unit.plugins.module_utils.fake_users import (
    add_user, fake_login)

USERS = '/kapacitor/v1/users'
PING = '/kapacitor/v1/ping'
SECRET = 'CANARY-user-pw-51c2'


def run(fake, check_mode=False, **params):
    params.setdefault('name', 'bob')
    params.setdefault('state', 'present')
    params.setdefault('type', 'normal')
    params.setdefault('update_secrets', 'on_create')
    return ResourceRun(User(fake, params, login=fake_login(fake)), check_mode=check_mode).run()


def logins(fake):
    return [r for r in fake.requests if r[1] == PING]


# -- permissions as Kapacitor stores them -----------------------------------------------------

@pytest.mark.parametrize('given, stored', [
    ([], []),
    (['none'], []),
    (['api'], ['api']),
    (['write_points', 'api'], ['api', 'write_points']),
    (['api', 'config_api', 'write_points'], ['all']),
    (['all'], ['all']),
    (['all', 'api', 'none'], ['all']),
    (['config_api', 'config_api'], ['config_api']),
])
def test_permissions_fold_like_kapacitor(given, stored):
    assert canonical_permissions(given) == stored
    # and the fake, written from convertPermissions/convertPrivleges, agrees
    fake = FakeKapacitor()
    fake.post(USERS, {'name': 'u', 'password': 'pw', 'permissions': given})
    assert fake.get(USERS + '/u')['permissions'] == stored


@pytest.mark.parametrize('name', ['bob', 'a.b-c_d@example.com', u'\u00e9t\u00e9', '0'])
def test_names_kapacitor_accepts(name):
    validate_name(name)


@pytest.mark.parametrize('name', ['', 'a b', 'bob\n', 'a/b', 'a:b', u'\u0661', 'e\u0301'])
def test_names_kapacitor_refuses_fail_in_one_line(name):
    with pytest.raises(SpecError, match='^name: .* is not a user name Kapacitor accepts') as err:
        validate_name(name)
    assert '\n' not in str(err.value)


# -- the lifecycle ---------------------------------------------------------------------------

def test_missing_user_is_created_with_its_password_and_read_back():
    fake = FakeKapacitor()
    result = run(fake, password=SECRET, permissions=['api', 'none'])
    assert result['changed'] is True
    assert fake.requests == [
        ('GET', USERS + '/bob'),
        ('POST', USERS, {'name': 'bob', 'type': 'normal', 'permissions': ['api'], 'password': SECRET}),
        ('GET', USERS + '/bob'),
    ]
    assert result['user'] == {'name': 'bob', 'type': 'normal', 'permissions': ['api']}
    assert result['diff'] == {'before': {}, 'after': {'name': 'bob', 'type': 'normal', 'permissions': ['api'],
                                                      'password': '<set>'}}
    assert SECRET not in json.dumps(result)


def test_same_user_is_one_get_and_no_write_and_all_equals_its_parts():
    fake = FakeKapacitor()
    add_user(fake, 'bob', SECRET, permissions=['all'])
    result = run(fake, password=SECRET, permissions=['api', 'config_api', 'write_points', 'none'])
    assert result['changed'] is False
    assert fake.requests == [('GET', USERS + '/bob')]
    assert result['diff']['before'] == result['diff']['after']
    assert result['user']['permissions'] == ['all']


def test_check_mode_predicts_and_never_writes():
    fake = FakeKapacitor()
    result = run(fake, check_mode=True, password=SECRET, permissions=['write_points'])
    assert result['changed'] is True and fake.writes() == []
    assert result['user'] == {'name': 'bob', 'type': 'normal', 'permissions': ['write_points']}
    assert SECRET not in json.dumps(result)
    add_user(fake, 'bob', SECRET, permissions=['api'])
    result = run(fake, check_mode=True, permissions=['config_api'])
    assert result['changed'] is True and fake.writes() == []
    assert result['diff']['after']['permissions'] == ['config_api']
    result = run(fake, check_mode=True, state='absent')
    assert result['changed'] is True and fake.writes() == []


def test_permission_change_is_a_patch_with_the_permissions_only():
    fake = FakeKapacitor()
    add_user(fake, 'bob', SECRET, permissions=['api'])
    result = run(fake, password='ignored-on-create-only', permissions=['config_api', 'write_points'])
    assert result['changed'] is True
    assert fake.writes() == [('PATCH', USERS + '/bob', {'type': 'normal', 'permissions': ['config_api', 'write_points']})]
    assert result['diff']['before']['permissions'] == ['api']
    assert result['diff']['after']['permissions'] == ['config_api', 'write_points']
    assert result['diff']['after']['password'] == '<set>'
    assert fake.users['bob']['password'] == SECRET


def test_empty_permissions_clear_them_and_omitted_permissions_keep_them():
    fake = FakeKapacitor()
    add_user(fake, 'bob', SECRET, permissions=['api'])
    assert run(fake)['changed'] is False
    assert fake.writes() == []
    result = run(fake, permissions=[])
    assert result['changed'] is True
    assert fake.writes() == [('PATCH', USERS + '/bob', {'type': 'normal', 'permissions': []})]
    assert result['user']['permissions'] == []
    assert run(fake, permissions=['none'])['changed'] is False


def test_type_change_both_ways():
    fake = FakeKapacitor()
    add_user(fake, 'bob', SECRET, permissions=['api'])
    result = run(fake, type='admin')
    assert result['changed'] is True
    assert fake.writes()[-1] == ('PATCH', USERS + '/bob', {'type': 'admin'})
    assert result['user'] == {'name': 'bob', 'type': 'admin', 'permissions': []}
    assert run(fake, type='admin')['changed'] is False
    result = run(fake, type='normal', permissions=['write_points'])
    assert fake.writes()[-1] == ('PATCH', USERS + '/bob', {'type': 'normal', 'permissions': ['write_points']})
    assert result['user'] == {'name': 'bob', 'type': 'normal', 'permissions': ['write_points']}


def test_permissions_with_type_admin_fail_before_any_request():
    fake = FakeKapacitor()
    with pytest.raises(SpecError, match='^permissions: an admin user may do everything'):
        run(fake, type='admin', permissions=['api'], password=SECRET)
    assert fake.requests == []
    # none at all is no contradiction
    assert run(fake, type='admin', permissions=['none'], password=SECRET)['changed'] is True


def test_creating_without_a_password_fails_in_one_line_before_any_write():
    fake = FakeKapacitor()
    for check_mode in (True, False):
        with pytest.raises(SpecError, match="^password: is required to create user 'bob'$"):
            run(fake, check_mode=check_mode, permissions=['api'])
    assert fake.writes() == []


def test_on_create_never_sends_a_password_to_an_existing_user():
    fake = FakeKapacitor()
    add_user(fake, 'bob', 'old-password')
    result = run(fake, password=SECRET)
    assert result['changed'] is False
    assert fake.writes() == [] and logins(fake) == []
    assert fake.users['bob']['password'] == 'old-password'


def test_always_with_the_right_password_logs_in_and_writes_nothing():
    fake = FakeKapacitor()
    add_user(fake, 'bob', SECRET, permissions=['api'])
    result = run(fake, password=SECRET, update_secrets='always')
    assert result['changed'] is False
    assert fake.writes() == []
    # the password, then a wrong one: HTTP auth is on, so the first answer counts
    assert logins(fake) == [('GET', PING, {'user': 'bob'})] * 2
    assert result['diff']['after']['password'] == '<set>'


def test_always_with_a_user_without_ping_privilege_counts_403_as_right():
    fake = FakeKapacitor()
    add_user(fake, 'bob', SECRET, permissions=[])
    assert run(fake, password=SECRET, update_secrets='always')['changed'] is False
    assert len(logins(fake)) == 1


def test_always_with_a_wrong_password_patches_it_and_retires_the_old_one():
    fake = FakeKapacitor()
    add_user(fake, 'bob', 'old-password', permissions=['api'])
    login = fake_login(fake)
    assert login('bob', 'old-password') == 204      # the old password is in Kapacitor's auth cache
    result = run(fake, password=SECRET, update_secrets='always', permissions=['api'])
    assert result['changed'] is True
    assert fake.writes() == [('PATCH', USERS + '/bob', {'type': 'normal', 'permissions': ['api'], 'password': SECRET})]
    assert result['diff']['before']['password'] == '<set>'
    assert result['diff']['after']['password'] == '<updated>'
    assert SECRET not in json.dumps(result)
    # the run logged in with the new password after the change: the old one no longer works
    assert login('bob', 'old-password') == 401
    again = run(fake, password=SECRET, update_secrets='always', permissions=['api'])
    assert again['changed'] is False


def test_always_in_check_mode_says_changed_without_writing():
    fake = FakeKapacitor()
    add_user(fake, 'bob', 'old-password')
    result = run(fake, check_mode=True, password=SECRET, update_secrets='always')
    assert result['changed'] is True and fake.writes() == []
    assert result['diff']['after']['password'] == '<updated>'
    assert fake.users['bob']['password'] == 'old-password'


def test_always_when_kapacitor_lets_anyone_in_sends_the_password_every_run():
    fake = FakeKapacitor()
    fake.http_auth = False
    add_user(fake, 'bob', SECRET)
    for _run in range(2):
        result = run(fake, password=SECRET, update_secrets='always')
        assert result['changed'] is True
        assert result['diff']['after']['password'] == '<updated>'
    assert [w[2].get('password') for w in fake.writes()] == [SECRET, SECRET]


def test_a_wrong_password_kapacitor_acknowledged_but_refuses_fails():
    fake = FakeKapacitor()
    add_user(fake, 'bob', 'old-password')
    # another writer sets yet another password right after our PATCH
    fake.inject('PATCH', '/users/bob', after=lambda f: f.users['bob'].update(password='other'))
    with pytest.raises(KapacitorError, match="^password: Kapacitor acknowledged the new password of user 'bob', "
                                             "but logging in with it fails$"):
        run(fake, password=SECRET, update_secrets='always')


def test_absent_deletes_only_an_existing_user():
    fake = FakeKapacitor()
    add_user(fake, 'bob', SECRET, permissions=['api'])
    result = run(fake, state='absent')
    assert result['changed'] is True
    assert fake.writes() == [('DELETE', USERS + '/bob')]
    assert result['diff'] == {'before': {'name': 'bob', 'type': 'normal', 'permissions': ['api'], 'password': '<set>'},
                              'after': {}}
    assert run(fake, state='absent')['changed'] is False
    assert len(fake.writes()) == 1


def test_user_created_by_another_run_meanwhile_is_patched_into_shape():
    # Kapacitor answers a POST of an existing user with 200 and an empty user, changing nothing.
    fake = FakeKapacitor()
    fake.inject('POST', USERS, before=lambda f: add_user(f, 'bob', 'theirs', permissions=['api']))
    result = run(fake, password=SECRET, permissions=['write_points'])
    assert result['changed'] is True
    assert fake.writes()[-1] == ('PATCH', USERS + '/bob', {'type': 'normal', 'permissions': ['write_points']})
    assert fake.get(USERS + '/bob')['permissions'] == ['write_points']


def test_server_without_user_api_says_how_to_turn_it_on():
    fake = FakeKapacitor()
    fake.user_api = False
    with pytest.raises(KapacitorError) as err:
        run(fake, password=SECRET)
    assert err.value.message == USER_API_OFF
    assert fake.writes() == []
    with pytest.raises(KapacitorError, match="^Kapacitor's user API is off"):
        list_users(fake)


def test_kapacitor_refusal_is_one_line_naming_the_user():
    fake = FakeKapacitor()
    fake.reject(400, 'username must contain only letters', method='POST', match='/users')
    with pytest.raises(KapacitorError) as err:
        run(fake, password=SECRET)
    assert err.value.message == "user 'bob': Kapacitor failed creating it (HTTP 400): username must contain only letters"


def test_list_users_pages_and_leaves_out_subscription_users():
    fake = FakeKapacitor()
    for index in range(130):
        add_user(fake, 'u%03d' % index, 'pw', permissions=['api'])
    add_user(fake, '_sub:token', 'pw', permissions=['write_points'])
    users = list_users(fake)
    assert len(users) == 130
    assert users[0] == {'name': 'u000', 'type': 'normal', 'permissions': ['api']}
    assert [r[1] for r in fake.requests] == [USERS + '?offset=0&limit=100', USERS + '?offset=100&limit=100']


# -- the task, as a module runs it ------------------------------------------------------------

def run_module(args, check_mode=False):
    validated = ArgumentSpecValidator(USER_TASK.argument_spec).validate(args)
    assert not validated.error_messages, validated.error_messages
    return run_task(USER_TASK, Context(validated.validated_parameters, raw_params=args, check_mode=check_mode))


def test_task_arguments_validate_permissions_and_hide_the_password():
    validator = ArgumentSpecValidator(USER_TASK.argument_spec)
    bad = validator.validate({'name': 'bob', 'permissions': ['read_task']})
    assert "read_task" in " ".join(bad.error_messages)
    good = validator.validate({'name': 'bob', 'password': SECRET})
    assert SECRET in good._no_log_values


def test_task_failure_is_one_line_without_the_password(monkeypatch):
    from ansible_collections.tick.kapacitor.plugins.module_utils import kapacitor_users
    fake = FakeKapacitor()
    fake.reject(500, 'failed to create user: hashing password %s' % SECRET, method='POST', match='/users')
    monkeypatch.setattr(kapacitor_users.KapacitorClient, 'from_params', classmethod(lambda cls, params: fake))
    with pytest.raises(TaskFailed) as err:
        run_module({'name': 'bob', 'password': SECRET})
    assert SECRET not in err.value.msg and '\n' not in err.value.msg
    assert err.value.msg.startswith("user 'bob': Kapacitor failed creating it (HTTP 500)")
