# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Kapacitor's own users (``/kapacitor/v1/users``), converged by kapacitor_resources' lifecycle.

Kapacitor shows a user's name, type and permissions, never its password. Permissions are
compared as Kapacitor stores them: it turns the permissions it is given into privileges on API
paths and back (services/auth/service.go convertPermissions, convertPrivleges), so ``none``
disappears and api + config_api + write_points come back as ``all``.

The password can only be checked by logging in as the user (``GET /kapacitor/v1/ping`` with
basic authentication), which tells something only when Kapacitor's HTTP authentication is on.
"""

import unicodedata
import uuid
from urllib.parse import quote, urlencode

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_client import (
    API_PREFIX, KapacitorClient, KapacitorError)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_engine import UPDATE_SECRETS_ARGUMENT
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_resources import Resource, resource_task
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_secrets import (
    SECRET_SET, SECRET_UPDATED)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_spec import SpecError

USERS_PATH = API_PREFIX + '/users'
USER_TYPES = ('normal', 'admin')
# Every permission Kapacitor knows (client/v1/client.go Permission.UnmarshalText).
PERMISSIONS = ('none', 'api', 'config_api', 'write_points', 'all')
# The permissions 'all' stands for; Kapacitor shows the three together as 'all'.
_PARTS_OF_ALL = ('api', 'config_api', 'write_points')
USER_API_OFF = "Kapacitor's user API is off on this server: set [auth] enabled = true in kapacitor.conf"
# Users Kapacitor makes itself, one per InfluxDB subscription (services/auth/service.go
# GrantSubscriptionAccess); their names cannot be created through the API.
SUBSCRIPTION_PREFIX = '_sub:'
# Kapacitor lists at most this many users per request (handleListUsers' default limit).
_PAGE = 100


def canonical_permissions(permissions):
    """Permissions as Kapacitor shows them once stored: 'none' dropped, 'all' standing for
    api, config_api and write_points together, in Kapacitor's order."""
    held = set()
    for permission in permissions or ():
        if permission == 'all':
            held.update(_PARTS_OF_ALL)
        elif permission in _PARTS_OF_ALL:
            held.add(permission)
    if held == set(_PARTS_OF_ALL):
        return ['all']
    return [permission for permission in _PARTS_OF_ALL if permission in held]


def validate_name(name):
    """Kapacitor's ^[-\\._\\p{L}0-9@]+$ (services/auth/service.go validUsername), checked one
    character at a time: Python's \\w and $ are not Go's."""
    if not isinstance(name, str) or not name or not all(
            char in '-._@' or '0' <= char <= '9' or unicodedata.category(char).startswith('L') for char in name):
        raise SpecError('name: %r is not a user name Kapacitor accepts (letters, digits 0-9, "-", ".", "_" '
                        'and "@")' % (name,))


def user_path(name):
    return '%s/%s' % (USERS_PATH, quote(name, safe=''))


def user_api_missing(exc):
    """Whether a 404 is Kapacitor's catch-all (no user routes: [auth] is off) rather than
    'no user exists'."""
    return exc.status == 404 and not (exc.kapacitor_message or '').startswith('no user exists')


def public_user(user):
    """A user as results show it: name, type and permissions as Kapacitor holds them."""
    if user is None:
        return {}
    return {'name': user.get('name'), 'type': user.get('type') or 'normal',
            'permissions': canonical_permissions(user.get('permissions'))}


def list_users(client):
    """Every user Kapacitor holds (``public_user`` each), sorted by name, without the users
    Kapacitor makes for InfluxDB subscriptions. Raises KapacitorError (status 404,
    message USER_API_OFF) when the server has no user API."""
    users = []
    offset = 0
    while True:
        path = '%s?%s' % (USERS_PATH, urlencode({'offset': offset, 'limit': _PAGE}))
        try:
            answer = client.get(path, expect={'users': (list, type(None))})
        except KapacitorError as exc:
            if user_api_missing(exc):
                raise KapacitorError(USER_API_OFF, status=404, kapacitor_message=exc.kapacitor_message,
                                     version=exc.version)
            raise
        page = [user for user in answer['users'] or [] if isinstance(user, dict)]
        users.extend(public_user(user) for user in page
                     if not str(user.get('name', '')).startswith(SUBSCRIPTION_PREFIX))
        if len(page) < _PAGE:
            return sorted(users, key=lambda user: user['name'] or '')
        offset += _PAGE


class User(Resource):
    """One Kapacitor user (the lifecycle is kapacitor_resources.ResourceRun's).

    ``login(username, password)`` is how a password is tried: the HTTP status of
    ``GET /kapacitor/v1/ping`` as that user (204, 401 or 403); by default a real request.
    """

    noun = 'user'
    shape = {'name': str, 'type': str, 'permissions': (list, type(None))}
    # PATCH changes only what it carries: no password keeps the password, no permissions
    # (null) keeps them, [] clears them (client/v1/client.go UpdateUserOptions).
    update_method = 'PATCH'

    def __init__(self, client, params, login=None):
        super(User, self).__init__(client, params)
        self.name = params.get('name')
        self.type = params.get('type') or 'normal'
        given = params.get('permissions')
        self.permissions = None if given is None else canonical_permissions(given)
        self.password = params.get('password')
        self.update_secrets = params.get('update_secrets') or 'on_create'
        if self.password:
            self.secrets.append(self.password)
        self._login = login or self._login_over_http
        self.current = None
        # Whether the password must be sent (an update_secrets=always password Kapacitor does
        # not take, or cannot tell), and whether this run sent it.
        self.password_due = False
        self.password_sent = False
        # Whether a login shows if a password is right (Kapacitor's HTTP authentication is on).
        self.login_tells = False

    # -- what the object is -------------------------------------------------------------
    def describe(self):
        return 'user %r' % (self.name,)

    def path(self):
        return user_path(self.name)

    def collection_path(self):
        return USERS_PATH

    def validate(self):
        validate_name(self.name)
        if self.state == 'present' and self.type == 'admin' and self.permissions:
            # updateUser zeroes an admin's privileges (services/auth/service.go): they would not stay.
            raise SpecError('permissions: an admin user may do everything and Kapacitor keeps no permissions '
                            'for it; leave permissions out with type=admin')
        if self.state == 'present' and self.password is not None and not self.password:
            raise SpecError('password: must not be empty (Kapacitor keeps the old password when given an empty one)')

    def missing(self, exc):
        if user_api_missing(exc):
            raise KapacitorError(USER_API_OFF, status=exc.status, version=exc.version)
        return exc.status == 404

    def remember(self, current):
        self.current = current
        self.password_due = False
        if current is None or self.state != 'present' or not self.password or self.update_secrets != 'always':
            return
        right = self.password_works(self.password)
        self.login_tells = right is not None
        self.password_due = right is not True

    def check_supported(self):
        if self.current is None and not self.password:
            raise SpecError('password: is required to create user %r' % (self.name,))

    def managed_permissions(self):
        """The permissions this task decides (None: whatever the user has is kept)."""
        return self.permissions if self.type == 'normal' else None

    def desired(self):
        permissions = self.managed_permissions()
        if permissions is None:
            # Kept as they are by an update; none for a new user or a new admin.
            kept = self.current is not None and self.type == (self.current.get('type') or 'normal')
            permissions = canonical_permissions(self.current.get('permissions')) if kept else []
        body = {'name': self.name, 'type': self.type, 'permissions': permissions}
        if self.current is None:
            body['password'] = self.password
        return body

    def update_body(self, current):
        body = {'type': self.type}
        if self.managed_permissions() is not None:
            body['permissions'] = self.managed_permissions()
        if self.password_due:
            body['password'] = self.password
            self.password_sent = True
            self.password_due = False
        return body

    def comparable(self, obj):
        shown = {'type': obj.get('type') or 'normal'}
        if self.managed_permissions() is not None:
            shown['permissions'] = canonical_permissions(obj.get('permissions'))
        return shown

    def holds(self, obj):
        return obj is not None and not self.password_due and self.comparable(obj) == self.comparable(self.desired())

    def public(self, obj):
        return public_user(obj)

    def diff_view(self, obj, before=None):
        """The user, with its password as <set>, or <updated> when this run sends a new one."""
        if obj is None:
            return {}
        view = public_user(obj)
        after_update = before is not None
        view['password'] = SECRET_UPDATED if after_update and (self.password_due or self.password_sent) else SECRET_SET
        return view

    def after_write(self, before, after):
        # Kapacitor keeps taking the old password after a change until the new one is used once
        # (services/auth/service.go Authenticate's cache, which handleUpdateUser leaves alone):
        # logging in with the new one checks it and retires the old one.
        if self.password_sent and self.login_tells and not self.password_works(self.password):
            raise KapacitorError('password: Kapacitor acknowledged the new password of %s, but logging in with '
                                 'it fails' % self.describe())
        return after

    # -- the password ------------------------------------------------------------------------
    def password_works(self, password):
        """True when Kapacitor lets the user in with ``password``, False when it refuses it, None
        when it cannot tell (HTTP authentication off: Kapacitor lets anyone in)."""
        status = self._login(self.name, password)
        if status == 401:
            return False
        if status == 403:
            return True  # authenticated; only the ping privilege is missing
        # 204: the password is right, or nobody is asked for one. A wrong one tells which.
        # (Unrelated to the real one: a value derived from it would be one more form of it to hide.)
        return True if self._login(self.name, 'surely-wrong-%s' % uuid.uuid4().hex) == 401 else None

    def _login_over_http(self, username, password):
        params = dict(self.params, kapacitor_username=username, kapacitor_password=password, kapacitor_token=None)
        client = KapacitorClient.from_params(params)
        try:
            client.get(API_PREFIX + '/ping')
        except KapacitorError as exc:
            if exc.status in (401, 403):
                return exc.status
            raise KapacitorError('password: logging in as %s to check it failed: %s' % (
                self.describe(), exc.message), status=exc.status, version=exc.version)
        return 204


USER_TASK = resource_task(
    User,
    dict(name=dict(type='str', required=True),
         type=dict(type='str', default='normal', choices=list(USER_TYPES)),
         permissions=dict(type='list', elements='str', choices=list(PERMISSIONS)),
         password=dict(type='str', no_log=True),
         update_secrets=UPDATE_SECRETS_ARGUMENT))
