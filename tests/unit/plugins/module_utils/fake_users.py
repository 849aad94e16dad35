# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Kapacitor 1.8.3's user and topic API in the shared fake (FakeKapacitor.extra_routes),
written from its source and checked against a real kapacitord:

* users (services/auth/service.go): permissions kept as privileges on API paths
  (convertPermissions) and shown back from them (convertPrivleges), so ``none`` disappears and
  api + config_api + write_points read back as ``all``; a PATCH without ``permissions`` keeps
  them, ``[]`` clears them, becoming an admin drops them; a POST of an existing user is answered
  200 with an empty user and changes nothing (CreateUser wraps a nil error); a PATCH of a missing
  user is a 500; DELETE is always 204. ``fake.user_api = False`` is a server without [auth]
  (every user path is the catch-all 404 "Not Found").
* logging in (``fake_login(fake)``, what User takes as ``login``): ``fake.http_auth = False`` lets
  anyone in (204); otherwise a wrong password is 401, a user without the ping privilege 403, and
  the old password keeps working after a change until the new one is used (Authenticate's cache).
* topics (services/alert/api.go): GET one (404 ``unknown topic: "x"``), its events (500 for a
  missing topic, ``min-level`` filter), the list, DELETE (always 204; the topic's handlers stay).
  ``add_topic(fake, id, events)`` makes one as alerts would.
"""

import re
from urllib.parse import parse_qs, unquote

from ansible_collections.tick.kapacitor.tests.unit.plugins.module_utils.fake_kapacitor import (
    API, FakeKapacitor, _Refused)

USERNAME = re.compile(r'^[-._@0-9a-zA-Z\u00c0-\uffff]+$')
KNOWN_PERMISSIONS = ('none', 'api', 'config_api', 'write_points', 'all')
LEVELS = ('OK', 'INFO', 'WARNING', 'CRITICAL')


def _users(fake):
    return fake.__dict__.setdefault('users', {})


def _auth_cache(fake):
    return fake.__dict__.setdefault('auth_cache', {})


def _privileges(permissions):
    """convertPermissions: {resource: privilege} ('all' or 'none')."""
    privileges = {}
    for permission in permissions:
        if permission == 'api':
            privileges['/'] = 'all'
            privileges.setdefault('/write', 'none')
            privileges.setdefault('/config', 'none')
        elif permission == 'config_api':
            privileges['/ping'] = 'all'
            privileges['/config'] = 'all'
        elif permission == 'write_points':
            privileges['/ping'] = 'all'
            privileges['/write'] = 'all'
        elif permission == 'all':
            privileges.update({'/': 'all', '/config': 'all', '/write': 'all'})
    return privileges


def _permissions(privileges):
    """convertPrivleges."""
    held = [name for name, resource in (('api', '/'), ('config_api', '/config'), ('write_points', '/write'))
            if privileges.get(resource) == 'all']
    return ['all'] if len(held) == 3 else held


def _shown(user):
    return {'link': {'rel': 'self', 'href': '%s/users/%s' % (API, user['name'])}, 'name': user['name'],
            'type': 'admin' if user['admin'] else 'normal', 'permissions': _permissions(user['privileges'])}


def _decode(body):
    """json.Decode into CreateUserOptions/UpdateUserOptions: an unknown type or permission is
    a decoding error."""
    body = body or {}
    if body.get('type', '') not in ('', 'normal', 'admin') or any(
            p not in KNOWN_PERMISSIONS for p in body.get('permissions') or []):
        raise _Refused(400, 'invalid JSON')
    return body


def add_user(fake, name, password, admin=False, permissions=()):
    """A user another client created."""
    _users(fake)[name] = {'name': name, 'password': password, 'admin': admin,
                          'privileges': _privileges(permissions)}


def _users_route(fake, method, match, body):
    if not getattr(fake, 'user_api', True):
        raise _Refused(404, 'Not Found')
    users = _users(fake)
    if method == 'GET':
        query = parse_qs(match.group(1) or '')
        offset = int(query.get('offset', ['0'])[0])
        limit = int(query.get('limit', ['100'])[0])
        listed = [_shown(users[name]) for name in sorted(users)][offset:offset + limit]
        return {'users': listed}
    if method == 'POST':
        body = _decode(body)
        name = body.get('name') or ''
        if not name:
            raise _Refused(400, 'username is required')
        if not USERNAME.match(name):
            raise _Refused(400, "username must contain only letters, numbers, '-', '.', '@' and '_'. \"%s\"" % name)
        if not body.get('password'):
            raise _Refused(400, 'password is required')
        if name in users:
            return {'link': {'rel': 'self', 'href': API + '/users'}, 'name': '', 'type': 'normal', 'permissions': []}
        users[name] = {'name': name, 'password': body['password'], 'admin': body.get('type') == 'admin',
                       'privileges': _privileges(body.get('permissions') or [])}
        return _shown(users[name])
    raise AssertionError('the fake Kapacitor has no route for %s /users' % method)


def _user_route(fake, method, match, body):
    if not getattr(fake, 'user_api', True):
        raise _Refused(404, 'Not Found')
    users = _users(fake)
    name = unquote(match.group(1))
    if not name:
        raise _Refused(400, 'must specify username on path')
    if method == 'DELETE':
        users.pop(name, None)
        _auth_cache(fake).pop(name, None)
        return None
    if name not in users:
        if method == 'PATCH':
            raise _Refused(500, 'failed to create user: updating user: no user exists')
        raise _Refused(404, 'no user exists')
    user = users[name]
    if method == 'PATCH':
        body = _decode(body)
        if body.get('password'):
            user['password'] = body['password']     # the auth cache keeps the old one
        if body.get('permissions') is not None:
            user['privileges'] = _privileges(body['permissions'])
        if body.get('type'):
            user['admin'] = body['type'] == 'admin'
            if user['admin']:
                user['privileges'] = {}
    return _shown(user)


def fake_login(fake):
    """User's ``login``: the status of GET /kapacitor/v1/ping as ``username``; logged as
    ('GET', '/kapacitor/v1/ping', {'user': username})."""
    def login(username, password):
        fake.requests.append(('GET', API + '/ping', {'user': username}))
        if not getattr(fake, 'http_auth', True):
            return 204
        user = _users(fake).get(username)
        cache = _auth_cache(fake)
        if user is None:
            return 401
        if cache.get(username) != password:
            if user['password'] != password:
                return 401
            cache[username] = password
        if user['admin'] or user['privileges'].get('/') == 'all' or user['privileges'].get('/ping') == 'all':
            return 204
        return 403
    return login


# -- topics -------------------------------------------------------------------------------------

def _topics(fake):
    return fake.__dict__.setdefault('topics', {})


def add_topic(fake, topic, events=None, collected=None):
    """A topic with ``events`` ({id: (level, message)}), as alerts would make it."""
    states = dict((event_id, {'message': message, 'details': '', 'time': '2024-05-01T10:00:00Z',
                              'duration': '0s', 'level': level})
                  for event_id, (level, message) in (events or {}).items())
    _topics(fake)[topic] = {'events': states, 'collected': len(states) if collected is None else collected}


def _level(name):
    level = (name or '').upper()
    if level not in LEVELS:
        raise _Refused(400, "unknown alert level '%s'" % level)
    return LEVELS.index(level)


def _min_level(query):
    return _level(parse_qs(query or '').get('min-level', ['OK'])[0])


def _topic_level(topic):
    return max([LEVELS.index(e['level']) for e in topic['events'].values()] or [0])


def _shown_topic(topic_id, topic):
    base = '%s/alerts/topics/%s' % (API, topic_id)
    return {'link': {'rel': 'self', 'href': base}, 'id': topic_id, 'level': LEVELS[_topic_level(topic)],
            'collected': topic['collected'], 'events-link': {'rel': 'events', 'href': base + '/events'},
            'handlers-link': {'rel': 'handlers', 'href': base + '/handlers'}}


def _topics_route(fake, method, match, body):
    assert method == 'GET'
    least = _min_level(match.group(1))
    return {'link': {'rel': 'self', 'href': API + '/alerts/topics'},
            'topics': [_shown_topic(t, topic) for t, topic in sorted(_topics(fake).items())
                       if _topic_level(topic) >= least]}


def _topic_route(fake, method, match, body):
    topic_id = unquote(match.group(1))
    topics = _topics(fake)
    if method == 'DELETE':
        topics.pop(topic_id, None)
        return None
    assert method == 'GET'
    if topic_id not in topics:
        raise _Refused(404, 'unknown topic: "%s"' % topic_id)
    return _shown_topic(topic_id, topics[topic_id])


def _events_route(fake, method, match, body):
    assert method == 'GET'
    topic_id = unquote(match.group(1))
    least = _min_level(match.group(2))
    topic = _topics(fake).get(topic_id)
    if topic is None:
        raise _Refused(500, 'failed to get topic events: unknown topic "%s"' % topic_id)
    base = '%s/alerts/topics/%s/events' % (API, topic_id)
    return {'link': {'rel': 'self', 'href': base}, 'topic': topic_id,
            'events': [{'link': {'rel': 'self', 'href': '%s/%s' % (base, event_id)}, 'id': event_id,
                        'state': dict(state)}
                       for event_id, state in topic['events'].items() if LEVELS.index(state['level']) >= least]}


FakeKapacitor.extra_routes.update({
    r'^users(?:\?(.*))?$': _users_route,
    r'^users/([^?]*)$': _user_route,
    r'^alerts/topics(?:\?(.*))?$': _topics_route,
    r'^alerts/topics/([^/?]+)/events(?:\?(.*))?$': _events_route,
    r'^alerts/topics/([^/?]+)$': _topic_route,
})
