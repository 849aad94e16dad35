# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Kapacitor 1.8.3's task and template API in the shared fake (FakeKapacitor.extra_routes),
written from services/task_store/service.go and client/v1/client.go and checked against a real
kapacitord:

* a script is stored as sent; GET answers it formatted unless ``?script-format=raw`` (here
  "formatting" re-indents every line, enough to differ from what was sent);
* the type is derived from the script (a statement or ``var x =`` starting with stream or batch;
  neither or both: 400 ``invalid task type: invalid``); a template update keeps the old type
  unless sent one, and a script of the other type then fails to compile;
* compile errors: unbalanced parentheses are a parser error, ``|nosuch()`` an unknown method,
  both with line and char; a var of another type than the script declares is
  ``invalid type supplied for x, got string exp float``; vars are decoded like client.Vars (a
  duration as nanoseconds or an InfluxQL string, a list item needs type and value, a number in a
  list is ``unsupported Var type json.Number``, anything else wrong is ``invalid JSON``);
* dbrps: from ``dbrp "db"."rp"`` statements, else the given ones (``must specify dbrp``,
  ``cannot specify dbrp in both implicitly and explicitly``);
* PATCH: empty vars are ignored, a templated task keeps its template, and a running task keeps
  running its old definition unless its status changes (``fake_task(fake, id)['running']`` is the
  script it runs, None when stopped); a template update re-points its tasks and restarts the
  enabled ones (``fake.reloaded`` lists them); DELETE is always 204, a deleted template's tasks
  stay.
"""

import copy
import re
from urllib.parse import parse_qs, unquote

from ansible_collections.tick.kapacitor.tests.unit.plugins.module_utils.fake_kapacitor import (
    API, FakeKapacitor, _Refused)

TASK_ID = re.compile(r'^[-._0-9a-zA-Z\u00c0-\uffff]+$')
_NS = {'ns': 1, 'u': 10 ** 3, 'ms': 10 ** 6, 's': 10 ** 9, 'm': 60 * 10 ** 9, 'h': 3600 * 10 ** 9,
       'd': 86400 * 10 ** 9, 'w': 7 * 86400 * 10 ** 9}


def _store(fake):
    return fake.__dict__.setdefault('tickscript', {'tasks': {}, 'templates': {}})


def fake_task(fake, task_id):
    return _store(fake)['tasks'].get(task_id)


def fake_template(fake, template_id):
    return _store(fake)['templates'].get(template_id)


def _formatted(script):
    return '\n'.join('    ' + line.strip() if line.strip().startswith(('|', '.')) else line.strip()
                     for line in script.replace('\r\n', '\n').split('\n')).strip() + '\n'


def _no_comments(script):
    return re.sub(r'//[^\n]*', '', re.sub(r"'[^'\n]*'", "''", script))


def _type_of(script):
    found = set(re.findall(r'(?m)^\s*(?:var\s+\w+\s*=\s*)?(stream|batch)\b', _no_comments(script)))
    if len(found) != 1:
        raise _Refused(400, 'invalid task type: invalid')
    return found.pop()


def _script_dbrps(script):
    return [{'db': db, 'rp': rp} for db, rp in re.findall(r'(?m)^\s*dbrp\s+"([^"]+)"\."([^"]+)"', script)]


def _declared(script):
    """{name: (type, default)} of the script's var declarations."""
    declared = {}
    for name, value in re.findall(r'(?m)^\s*var\s+(\w+)\s*=\s*(.+?)\s*$', _no_comments(script)):
        if re.match(r'^-?\d+\.\d+$', value):
            declared[name] = ('float', float(value))
        elif re.match(r'^-?\d+$', value):
            declared[name] = ('int', int(value))
        elif re.match(r'^-?\d+(ns|u|ms|s|m|h|d|w)$', value):
            number, unit = re.match(r'^(-?\d+)(\w+)$', value).groups()
            declared[name] = ('duration', int(number) * _NS[unit])
        elif value.startswith("'"):
            declared[name] = ('string', value.strip("'"))
        elif value.startswith('/'):
            declared[name] = ('regex', value.strip('/'))
        elif value.startswith('lambda:'):
            declared[name] = ('lambda', value[len('lambda:'):].strip())
        elif value in ('TRUE', 'FALSE'):
            declared[name] = ('bool', value == 'TRUE')
    return declared


def _compile(script, vars_):
    """Kapacitor's errors for a script, with vars: parse, then the pipeline."""
    depth = 0
    lines = script.replace('\r\n', '\n').split('\n')
    for number, line in enumerate(lines, 1):
        for char in line:
            depth += {'(': 1, ')': -1}.get(char, 0)
        if depth > 0 and number < len(lines) and lines[number].strip().startswith('|'):
            raise _Refused(400, 'invalid TICKscript: parser: unexpected | line %d char %d in "%s". expected: '
                                '"number","string","duration","identifier"' % (
                                    number + 1, lines[number].index('|') + 1, lines[number]))
    for number, line in enumerate(lines, 1):
        if '|nosuch(' in line:
            raise _Refused(400, 'invalid TICKscript: line %d char %d: no method or property "nosuch" on '
                                '*pipeline.FromNode' % (number, line.index('|nosuch(') + 2))
    declared = _declared(script)
    for name, var in (vars_ or {}).items():
        if name in declared and declared[name][0] != var['type']:
            got = 'boolean' if var['type'] == 'bool' else var['type']
            raise _Refused(400, 'invalid TICKscript: invalid type supplied for %s, got %s exp %s'
                                % (name, got, declared[name][0]))


def _decode_vars(given):
    """client.Vars.UnmarshalJSON and convertToServiceVars."""
    decoded = {}
    for name, var in (given or {}).items():
        if not isinstance(var, dict) or var.get('type') not in (
                'bool', 'int', 'float', 'string', 'regex', 'duration', 'lambda', 'list', 'star'):
            raise _Refused(400, 'invalid JSON')
        kind, value = var['type'], var.get('value')
        if kind == 'duration':
            if isinstance(value, str):
                match = re.match(r'^(-?)(\d+)(ns|u|ms|s|m|h|d|w)$', value)
                if not match:
                    raise _Refused(400, 'invalid JSON')
                value = int(match.group(2)) * _NS[match.group(3)] * (-1 if match.group(1) else 1)
            elif not isinstance(value, int) or isinstance(value, bool):
                raise _Refused(400, 'invalid JSON')
        elif kind == 'int' and (not isinstance(value, int) or isinstance(value, bool)):
            raise _Refused(400, 'invalid JSON')
        elif kind == 'float' and (not isinstance(value, (int, float)) or isinstance(value, bool)):
            raise _Refused(400, 'invalid JSON')
        elif kind == 'list':
            if not isinstance(value, list) or any(not isinstance(i, dict) or 'type' not in i or 'value' not in i
                                                  for i in value):
                raise _Refused(400, 'invalid JSON')
            if any(isinstance(i['value'], (int, float)) and not isinstance(i['value'], bool) for i in value):
                raise _Refused(400, 'invalid var %s: unsupported Var type json.Number.' % name)
            value = [{'type': i['type'], 'value': i['value'], 'description': ''} for i in value]
        elif kind == 'star':
            value = None
        decoded[name] = {'type': kind, 'value': value, 'description': var.get('description') or ''}
    return decoded


def _shown_task(task, raw):
    shown = copy.deepcopy(task)
    shown.pop('running')
    shown['link'] = {'rel': 'self', 'href': '%s/tasks/%s' % (API, task['id'])}
    shown['executing'] = task['running'] is not None
    shown['dot'] = 'digraph %s {}' % task['id']
    if not raw:
        shown['script'] = _formatted(task['script'])
    return shown


def _shown_template(template, raw):
    shown = copy.deepcopy(template)
    shown['link'] = {'rel': 'self', 'href': '%s/templates/%s' % (API, template['id'])}
    shown['vars'] = dict((name, {'type': kind, 'value': value, 'description': ''})
                         for name, (kind, value) in _declared(template['script']).items())
    if not raw:
        shown['script'] = _formatted(template['script'])
    return shown


def _raw(query):
    return parse_qs(query or '').get('script-format', [''])[0] == 'raw'


def _listed(items, query, shown):
    params = parse_qs(query or '')
    offset = int(params.get('offset', ['0'])[0])
    limit = int(params.get('limit', ['100'])[0])
    fields = params.get('fields')
    page = []
    for item_id in sorted(items)[offset:offset + limit]:
        full = shown(items[item_id], _raw(query))
        if fields:
            full = dict((key, value) for key, value in full.items()
                        if key in set(fields) | set(['id', 'link']) and not (key == 'template-id' and not value))
        page.append(full)
    return page


def _dbrps(script, given):
    from_script = _script_dbrps(script)
    if from_script and given:
        raise _Refused(400, 'cannot specify dbrp in both implicitly and explicitly')
    return from_script or [{'db': d['db'], 'rp': d['rp']} for d in given or []]


def _tasks_route(fake, method, match, body):
    store = _store(fake)
    if method == 'GET':
        return {'tasks': _listed(store['tasks'], match.group(1), _shown_task)}
    body = body or {}
    task_id = body.get('id')
    if not TASK_ID.match(task_id or ''):
        raise _Refused(400, "task ID must contain only letters, numbers, '-', '.' and '_'. %r" % task_id)
    if task_id in store['tasks']:
        raise _Refused(400, 'task %s already exists' % task_id)
    template_id = body.get('template-id') or ''
    if template_id:
        if template_id not in store['templates']:
            raise _Refused(400, 'unknown template %s: err: no template exists' % template_id)
        script = store['templates'][template_id]['script']
    else:
        script = body.get('script') or ''
        if not script:
            raise _Refused(400, 'must provide TICKscript')
    vars_ = _decode_vars(body.get('vars'))
    task_type = _type_of(script)
    _compile(script, vars_)
    dbrps = _dbrps(script, body.get('dbrps'))
    if not dbrps:
        raise _Refused(400, 'must specify dbrp')
    status = body.get('status') or 'disabled'
    task = {'id': task_id, 'template-id': template_id, 'type': task_type, 'dbrps': dbrps, 'script': script,
            'vars': vars_, 'status': status, 'error': '', 'running': script if status == 'enabled' else None}
    store['tasks'][task_id] = task
    return _shown_task(task, False)


def _task_route(fake, method, match, body):
    store = _store(fake)
    task_id = unquote(match.group(1))
    task = store['tasks'].get(task_id)
    if method == 'DELETE':
        store['tasks'].pop(task_id, None)
        return None
    if method == 'GET':
        if task is None:
            raise _Refused(404, 'no task exists')
        return _shown_task(task, _raw(match.group(2)))
    if task is None:
        raise _Refused(404, 'task does not exist, cannot update')
    body = body or {}
    updated = copy.deepcopy(task)
    if body.get('template-id') or updated['template-id']:
        template_id = body.get('template-id') or updated['template-id']
        if template_id not in store['templates']:
            raise _Refused(400, 'unknown template %s: err: no template exists' % body.get('template-id', ''))
        updated['template-id'] = template_id
        updated['script'] = store['templates'][template_id]['script']
    elif body.get('script'):
        if _script_dbrps(task['script']) and not _script_dbrps(body['script']) and not body.get('dbrps'):
            raise _Refused(400, 'must specify dbrp')
        updated['script'] = body['script']
    from_script = _script_dbrps(updated['script'])
    if from_script and body.get('dbrps'):
        raise _Refused(400, 'cannot specify dbrp in implicitly and explicitly')
    if from_script:
        updated['dbrps'] = from_script
    elif body.get('dbrps'):
        updated['dbrps'] = [{'db': d['db'], 'rp': d['rp']} for d in body['dbrps']]
    if body.get('status'):
        updated['status'] = body['status']
    if body.get('vars'):  # service.go: len(task.Vars) > 0
        updated['vars'] = _decode_vars(body['vars'])
    updated['type'] = _type_of(updated['script'])
    _compile(updated['script'], updated['vars'])
    if updated['status'] != task['status']:
        updated['running'] = updated['script'] if updated['status'] == 'enabled' else None
    store['tasks'][task_id] = updated
    return _shown_task(updated, False)


def _templates_route(fake, method, match, body):
    store = _store(fake)
    if method == 'GET':
        return {'templates': _listed(store['templates'], match.group(1), _shown_template)}
    body = body or {}
    template_id = body.get('id')
    if not TASK_ID.match(template_id or ''):
        raise _Refused(400, "template ID must contain only letters, numbers, '-', '.' and '_'. %r" % template_id)
    if template_id in store['templates']:
        raise _Refused(400, 'template %s already exists' % template_id)
    script = body.get('script') or ''
    template_type = _type_of(script)
    _compile(script, {})
    store['templates'][template_id] = {'id': template_id, 'type': template_type, 'script': script, 'error': ''}
    return _shown_template(store['templates'][template_id], False)


def _template_route(fake, method, match, body):
    store = _store(fake)
    template_id = unquote(match.group(1))
    template = store['templates'].get(template_id)
    if method == 'DELETE':
        store['templates'].pop(template_id, None)
        return None
    if method == 'GET':
        if template is None:
            raise _Refused(404, 'no template exists')
        return _shown_template(template, _raw(match.group(2)))
    if template is None:
        raise _Refused(404, 'template does not exist, cannot update')
    body = body or {}
    updated = dict(template)
    updated['type'] = body.get('type') or template['type']
    updated['script'] = body.get('script') or template['script']
    if _type_of(updated['script']) != updated['type']:
        other = 'batch' if updated['type'] == 'stream' else 'stream'
        raise _Refused(400, 'invalid TICKscript: name "%s" is undefined. Names in scope: time,%s'
                            % (other, updated['type']))
    _compile(updated['script'], {})
    store['templates'][template_id] = updated
    reloaded = fake.__dict__.setdefault('reloaded', [])
    for task in store['tasks'].values():
        if task['template-id'] == template_id:
            task['script'], task['type'] = updated['script'], updated['type']
            if task['status'] == 'enabled':
                task['running'] = updated['script']
                reloaded.append(task['id'])
    return _shown_template(updated, False)


FakeKapacitor.extra_routes.update({
    r'^tasks(?:\?(.*))?$': _tasks_route,
    r'^tasks/([^/?]+)(?:\?(.*))?$': _task_route,
    r'^templates(?:\?(.*))?$': _templates_route,
    r'^templates/([^/?]+)(?:\?(.*))?$': _template_route,
})
