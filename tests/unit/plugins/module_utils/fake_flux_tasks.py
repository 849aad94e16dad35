# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Kapacitor 1.8.3's Flux task API (/kapacitor/v1/api/v2/tasks) in the shared fake
(FakeKapacitor.extra_routes), written from its source (task/http/task_service.go,
task/kv/task.go, task/options/options.go, task/taskmodel/task.go) and checked against a real
kapacitord:

* the list (``?name=`` exact, ``?limit=``, ``?after=``) answers ``{"links": ..., "tasks": [...]}``;
  GET one by id (404 ``failed to find task: task not found``), POST (201), PATCH, DELETE (204,
  then 404);
* name, every, cron and offset are read from the text's ``option task = {...}`` statement only;
  this fake reads the simple one-line form the module writes, with Flux's string escapes, and
  refuses what Kapacitor refuses: imports after the statement, ``every`` under a second or not in
  whole seconds, ``offset`` with a unit Go does not know (a 500), a text that does not parse (an
  unbalanced parenthesis, or the word ``SYNTAX-ERROR``, standing for any parse error) with
  Kapacitor's ``loc L:C-L:C`` texts: 400 ``invalid options: ...`` for a POST, 500
  ``failed to update task: ...`` for a PATCH (and 400 for the option errors a PATCH finds);
* a PATCH's ``status`` is checked only when it carries no schedule field (TaskUpdate.Validate);
  ``{"description": ...}`` alone is 400 ``cannot update task without content``;
* ``fake.flux_task_api = False`` is a server without [fluxtask], and a version before 1.6.0 one
  without the service (the catch-all 404 "Not Found").

``add_flux_task(fake, flux, status, description)`` stores a task another client wrote;
``flux_tasks(fake)`` is what Kapacitor holds, by id.
"""

import itertools
import re
from urllib.parse import parse_qs

from ansible_collections.tick.kapacitor.tests.unit.plugins.module_utils.fake_kapacitor import (
    API, FakeKapacitor, _Refused, version_tuple)

_IDS = itertools.count(0x0a1b2c3d4e5f0000)
_OPTION = re.compile(r'^option task = \{(.*)\}[ \t\r]*$', re.M)
_FIELD = re.compile(r'\s*(name|every|cron|offset): ("(?:[^"\\]|\\.)*"|[-0-9a-z\u00b5]+)\s*(?:,|$)')
_UNITS = {'ns': 1, 'us': 10 ** 3, 'ms': 10 ** 6, 's': 10 ** 9, 'm': 60 * 10 ** 9, 'h': 3600 * 10 ** 9,
          'd': 86400 * 10 ** 9, 'w': 7 * 86400 * 10 ** 9, 'mo': 28 * 86400 * 10 ** 9, 'y': 365 * 86400 * 10 ** 9}
_GO_UNITS = ('ns', 'us', 'ms', 's', 'm', 'h')


def flux_tasks(fake):
    return fake.__dict__.setdefault('flux_task_store', {})


def _unquote(literal):
    out = []
    chars = iter(literal[1:-1])
    for char in chars:
        if char != '\\':
            out.append(char)
            continue
        escaped = next(chars)
        if escaped == 'x':
            out.append(chr(int(next(chars) + next(chars), 16)))
        elif escaped in 'nrt':
            out.append({'n': '\n', 'r': '\r', 't': '\t'}[escaped])
        elif escaped in '\\"':
            out.append(escaped)
        else:
            raise _Refused(400, 'invalid options: loc 0:0-0:0: unknown operator "<INVALID_OP>"')
    return ''.join(out)


def _nanoseconds(text, units=None):
    parts = re.findall(r'([0-9]+)(mo|ms|us|ns|y|w|d|h|m|s)', text.lstrip('-'))
    if units is not None and any(unit not in units for _number, unit in parts):
        return None
    return sum(int(number) * _UNITS[unit] for number, unit in parts)


def _go_duration(nanoseconds):
    """customParseDuration (task/http/task_service.go): "1m30s", "" for zero."""
    sign, nanoseconds = ('-', -nanoseconds) if nanoseconds < 0 else ('', nanoseconds)
    hours, rest = divmod(nanoseconds, 3600 * 10 ** 9)
    minutes, rest = divmod(rest, 60 * 10 ** 9)
    seconds = rest // 10 ** 9
    text = ''.join('%d%s' % (value, unit) for value, unit in ((hours, 'h'), (minutes, 'm'), (seconds, 's')) if value)
    return sign + text if text else ''


def _parse(flux, patch):
    """options.FromScriptAST for the texts the module writes: the task's options, or _Refused."""
    def refused(message, status=400):
        if patch:
            status = 500 if message.startswith('loc ') else status
            raise _Refused(status, 'failed to update task: ' + ('' if message.startswith('loc ') else
                                                                'invalid options: ') + message)
        raise _Refused(status, 'invalid options: ' + message)
    lines = flux.split('\n')
    for number, line in enumerate(lines, 1):
        if 'SYNTAX-ERROR' in line or line.count('(') != line.count(')'):
            refused('loc %d:1-%d:%d: expected RPAREN, got EOF' % (number, number, len(line) + 1))
    match = _OPTION.search(flux)
    if match is None:
        refused('no task options defined')
    option_line = flux[:match.start()].count('\n') + 1
    for number, line in enumerate(lines[option_line:], option_line + 1):
        if line.startswith('import '):
            refused('loc %d:1-%d:7: invalid statement @%d:1-%d:7: import' % (number, number, number, number))
    fields = {}
    for key, value in _FIELD.findall(match.group(1)):
        fields[key] = _unquote(value) if value.startswith('"') else value
    problems = []
    if not fields.get('name'):
        problems.append('name required')
    if ('every' in fields) == ('cron' in fields):
        problems.append('must specify exactly one of either cron or every')
    elif 'every' in fields:
        every = _nanoseconds(fields['every'])
        if every < 10 ** 9:
            problems.append('every option must be at least 1 second')
        elif every % 10 ** 9:
            problems.append('every option must be expressible as whole seconds')
    elif not re.match(r'^\S+( \S+){4,5}$', fields['cron']):
        problems.append("cron invalid: failed to parse cron string '%s' {0 0 0 0 0 0 0 0 0 0 0 false} 1111" % fields['cron'])
    offset = None
    if 'offset' in fields:
        offset = _nanoseconds(fields['offset'], _GO_UNITS)
        if offset is None:
            raise _Refused(500, 'unexpected error parsing time: time: unknown unit "d" in duration "%s"' % fields['offset'])
        if fields['offset'].startswith('-'):
            offset = -offset
        if offset % 10 ** 9:
            problems.append('offset option must be expressible as whole seconds')
    if problems:
        refused('invalid options: ' + ', '.join(problems))
    return {'name': fields['name'], 'every': fields.get('every', ''), 'cron': fields.get('cron', ''),
            'offset': _go_duration(offset or 0)}


def _shown(task):
    shown = {'links': {'self': '%s/api/v2/tasks/%s' % (API, task['id'])}, 'labels': [], 'id': task['id'],
             'ownerID': '', 'orgID': '', 'name': task['name'], 'status': task['status'], 'flux': task['flux'],
             'createdAt': '2024-05-01T10:00:00Z'}
    for key in ('every', 'cron', 'offset', 'description'):
        if task.get(key):
            shown[key] = task[key]
    return shown


def add_flux_task(fake, flux, status='active', description=''):
    """A task another client wrote (its text must parse); returns its id."""
    task = dict(_parse(flux, patch=False), id='%016x' % next(_IDS), flux=flux, status=status,
                description=description)
    flux_tasks(fake)[task['id']] = task
    return task['id']


def _status(value):
    if value not in ('active', 'inactive'):
        raise _Refused(400, 'failed to decode request: invalid task status: "%s"' % value)
    return value


def _api_off(fake):
    # Before 1.6.0 there is no Flux task service at all.
    return not getattr(fake, 'flux_task_api', True) or version_tuple(fake.server_version) < (1, 6, 0)


def _tasks_route(fake, method, match, body):
    if _api_off(fake):
        raise _Refused(404, 'Not Found')
    tasks = flux_tasks(fake)
    if method == 'GET':
        query = dict((key, values[0]) for key, values in parse_qs(match.group(1) or '').items())
        limit = int(query.get('limit', '100'))
        listed = [task for task_id, task in sorted(tasks.items())
                  if task_id > query.get('after', '') and query.get('name', task['name']) == task['name']]
        return {'links': {'self': API + '/api/v2/tasks'}, 'tasks': [_shown(task) for task in listed[:limit]]}
    if method == 'POST':
        body = body or {}
        if not body.get('flux'):
            raise _Refused(400, 'failed to decode request: missing flux')
        status = _status(body.get('status') or 'active')
        task = dict(_parse(body['flux'], patch=False), id='%016x' % next(_IDS), flux=body['flux'], status=status,
                    description=body.get('description') or '')
        tasks[task['id']] = task
        return _shown(task)
    raise AssertionError('the fake Kapacitor has no route for %s /api/v2/tasks' % method)


def _task_route(fake, method, match, body):
    if _api_off(fake):
        raise _Refused(404, 'Not Found')
    tasks = flux_tasks(fake)
    task_id = match.group(1)
    if len(task_id) != 16:
        raise _Refused(400, 'failed to decode request: id must have a length of 16 bytes')
    if method == 'PUT':
        raise _Refused(405, 'method not allowed')
    task = tasks.get(task_id)
    if task is None:
        if method == 'GET':
            raise _Refused(404, 'failed to find task: task not found')
        raise _Refused(404, 'failed to %s task: task not found' % ('update' if method == 'PATCH' else 'delete'))
    if method == 'GET':
        return _shown(task)
    if method == 'DELETE':
        del tasks[task_id]
        return None
    assert method == 'PATCH'
    body = body or {}
    schedule = any(key in body for key in ('every', 'cron', 'offset', 'name'))
    if not schedule and 'flux' not in body and 'status' not in body:
        raise _Refused(400, 'failed to decode request: cannot update task without content')
    if 'status' in body and not schedule:
        _status(body['status'])
    assert not schedule, 'the module never sends name, every, cron or offset'
    if 'flux' in body:
        task.update(_parse(body['flux'], patch=True), flux=body['flux'])
    if 'status' in body:
        task['status'] = body['status']
    if 'description' in body:
        task['description'] = body['description']
    return _shown(task)


FakeKapacitor.extra_routes.update({
    r'^api/v2/tasks(?:\?(.*))?$': _tasks_route,
    r'^api/v2/tasks/([^/?]+)$': _task_route,
})
