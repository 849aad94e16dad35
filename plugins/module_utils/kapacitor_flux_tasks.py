# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Kapacitor's Flux tasks (``/kapacitor/v1/api/v2/tasks``, Kapacitor 1.6.0 and later), converged
by kapacitor_resources' lifecycle.

A Flux task is known by its name, but Kapacitor keeps names neither unique nor in its URLs (the
URL holds an id it makes up): the task is found by listing ``?name=`` (an exact match) and then
addressed by the id found. Two tasks of one name are an error: the module cannot tell which is
meant.

Kapacitor reads a task's name, schedule and offset only from the ``option task = {...}``
statement of its Flux text (task/kv/task.go createTask, updateTask: options.FromScriptAST), and
given them as fields it rewrites that text (taskmodel.TaskUpdate.UpdateFlux). So the module
writes the whole text itself, the script with the option statement put after its imports (Flux
wants imports first), and only ever sends ``flux``, ``status`` and ``description``. Kapacitor
stores the text as sent; it is compared after normalising whitespace.
"""

import re
from urllib.parse import quote, urlencode

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_client import API_PREFIX, KapacitorError
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_resources import (
    Resource, normal_lines, normalize_script, one_line, resource_task)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_spec import (
    SpecError, parse_duration, parse_version)

FLUX_TASKS_PATH = API_PREFIX + '/api/v2/tasks'
FLUX_TASKS_SINCE = '1.6.0'
FLUX_TASK_API_OFF = ("Kapacitor's Flux task API is off on this server: set [fluxtask] enabled = true in "
                     "kapacitor.conf")
STATUSES = ('active', 'inactive')
# Kapacitor lists at most this many tasks per request (taskmodel.TaskMaxPageSize).
_PAGE = 500
_SECOND = 10 ** 9

# A Flux duration literal (Flux's SPEC.md "Duration literals"): whole numbers with units, no sign,
# no fraction. Kapacitor's task options take nothing else for ``every``.
_FLUX_UNITS = {'ns': 1, 'us': 10 ** 3, u'\u00b5s': 10 ** 3, 'ms': 10 ** 6, 's': _SECOND, 'm': 60 * _SECOND,
               'h': 3600 * _SECOND, 'd': 86400 * _SECOND, 'w': 7 * 86400 * _SECOND,
               # Calendar units: only "at least a second, in whole seconds" is asked of them.
               'mo': 28 * 86400 * _SECOND, 'y': 365 * 86400 * _SECOND}
_FLUX_DURATION = re.compile(u'^(?:[0-9]+(?:mo|ms|us|\u00b5s|ns|y|w|d|h|m|s))+$')
# ``offset`` is also read by Go's time.ParseDuration (task/kv/task.go createTask): Flux's form,
# with Go's units only (1d is a 500 "unknown unit"), and a sign.
_OFFSET = re.compile(u'^-?(?:[0-9]+(?:ms|us|\u00b5s|ns|h|m|s))+$')
_OPTION_TASK = re.compile(r'^[ \t]*option[ \t]+task[ \t]*=', re.M)
# Statements that must come before any other in a Flux file (SPEC.md "Package clause", "Import
# declaration").
_HEADER_LINE = re.compile(r'^[ \t]*(?:import[ \t]|package[ \t])')
# Where Kapacitor's Flux parser places an error: "loc 4:4-4:8: expected RPAREN, got EOF".
_LOCATION = re.compile(r'^loc (\d+):(\d+)-\d+:\d+: ')


# -- the Flux text ----------------------------------------------------------------------------

def flux_string(text):
    """``text`` as a Flux string literal. ``$`` is written as a byte escape: Flux reads ``${`` as
    interpolation, and its scanner refuses ``\\$`` (Kapacitor answers "unknown operator")."""
    out = []
    for char in text:
        if char in '\\"':
            out.append('\\' + char)
        elif char == '$' or ord(char) < 0x20 or ord(char) == 0x7f:
            out.append('\\x%02x' % ord(char))
        else:
            out.append(char)
    return '"%s"' % ''.join(out)


def _split_header(lines):
    """(header, body): the lines up to the script's last import or package line, and the rest."""
    last = -1
    for index, line in enumerate(lines):
        if _HEADER_LINE.match(line):
            last = index
    header = lines[:last + 1]
    body = lines[last + 1:]
    while body and not body[0]:
        body.pop(0)
    return header, body


class FluxText:
    """The Flux text the module writes for a script and its task options, and which line of the
    script each of its lines is (to point Kapacitor's parse errors at the script's own lines)."""

    def __init__(self, name, script, every=None, cron=None, offset=None):
        fields = ['name: %s' % flux_string(name)]
        fields.append('every: %s' % every if every else 'cron: %s' % flux_string(cron))
        if offset:
            fields.append('offset: %s' % offset)
        option = 'option task = {%s}' % ', '.join(fields)
        raw = (script or '').replace('\r\n', '\n').replace('\r', '\n').split('\n')
        lines = normal_lines(script)
        skipped = 0
        while skipped < len(raw) and not raw[skipped].strip():
            skipped += 1
        header, body = _split_header(lines)
        body_start = len(lines) - len(body)
        # script_lines[i]: the script's line number (from 1) of the text's line i+1; None for ours.
        if header:
            text = header + ['', option, ''] + body
            self.script_lines = [skipped + 1 + i for i in range(len(header))] + [None, None, None]
        else:
            text = [option, ''] + body
            self.script_lines = [None, None]
        self.script_lines += [skipped + 1 + body_start + i for i in range(len(body))]
        self.text = '\n'.join(text)

    def script_line(self, line):
        """The script's line number of the text's ``line`` (from 1), or None."""
        if 1 <= line <= len(self.script_lines):
            return self.script_lines[line - 1]
        return None


def script_of(flux):
    """A stored Flux text without its ``option task`` statement: the script as the module takes it."""
    lines = normal_lines(flux)
    text = '\n'.join(lines)
    match = _OPTION_TASK.search(text)
    if match is None:
        return text
    end = _statement_end(text, match.end())
    before = normal_lines(text[:match.start()])
    after = normal_lines(text[end:])
    return '\n'.join(before + [''] + after if before and after else before + after)


def _statement_end(text, start):
    """Where the option's value (an object ``{...}``, its strings skipped) ends."""
    depth = 0
    index = start
    in_string = False
    while index < len(text):
        char = text[index]
        if in_string:
            if char == '\\':
                index += 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == '{':
            depth += 1
        elif char == '}':
            depth -= 1
            if depth <= 0:
                return index + 1
        elif char == '\n' and depth == 0:
            return index
        index += 1
    return len(text)


# -- options ------------------------------------------------------------------------------------

def flux_duration(key, value, signed=False):
    """``value`` checked as Kapacitor checks a task's ``every`` (or, ``signed``, its ``offset``):
    a Flux duration literal of whole seconds; returned as given."""
    if not isinstance(value, str) or not value.strip():
        raise SpecError('%s: %r is not a duration; write it as Flux does, such as 1m, 1h30m or 1d' % (key, value))
    text = value.strip()
    if signed:
        if not _OFFSET.match(text):
            raise SpecError('%s: %r is not a duration Kapacitor takes for an offset: whole numbers with the '
                            'units h, m, s, ms, us or ns, such as 30s or 1h30m, optionally with a minus sign '
                            '(not d or w: Kapacitor reads the offset as a Go duration too)' % (key, value))
        nanoseconds = parse_duration(text)
    else:
        if not _FLUX_DURATION.match(text):
            raise SpecError('%s: %r is not a Flux duration: whole numbers with the units y, mo, w, d, h, m, s, '
                            'ms, us or ns, such as 1m, 1h30m or 1d (no sign, no fraction)' % (key, value))
        nanoseconds = sum(int(number) * _FLUX_UNITS[unit]
                          for number, unit in re.findall(u'([0-9]+)(mo|ms|us|\u00b5s|ns|y|w|d|h|m|s)', text))
        # taskmodel options.Validate
        if nanoseconds < _SECOND:
            raise SpecError('%s: %r is shorter than a second; Kapacitor runs a task at most every second' % (key, value))
    if nanoseconds % _SECOND:
        raise SpecError('%s: %r is not a whole number of seconds, which Kapacitor requires' % (key, value))
    return text


# -- HTTP -----------------------------------------------------------------------------------------

def flux_task_path(task_id):
    return '%s/%s' % (FLUX_TASKS_PATH, quote(task_id, safe=''))


def _too_old(version):
    parsed = parse_version(version)
    return parsed is not None and parsed < parse_version(FLUX_TASKS_SINCE)


def _unsupported(version):
    return KapacitorError('Flux tasks need Kapacitor %s or later; this server is Kapacitor %s'
                          % (FLUX_TASKS_SINCE, version), version=version)


def _api_missing(exc):
    """The error for a 404 of the task list: Kapacitor's catch-all, the API is not there."""
    if _too_old(exc.version):
        error = _unsupported(exc.version)
        error.status = exc.status
        return error
    return KapacitorError(FLUX_TASK_API_OFF, status=exc.status, kapacitor_message=exc.kapacitor_message,
                          version=exc.version)


def _tasks(answer):
    tasks = answer.get('tasks') if isinstance(answer, dict) else None
    if not isinstance(tasks, list) or not all(isinstance(task, dict) and isinstance(task.get('id'), str)
                                              and isinstance(task.get('flux'), str) for task in tasks):
        raise KapacitorError("GET %s: the answer is not Kapacitor's (expected a JSON object with 'tasks', a list of "
                             "tasks with 'id' and 'flux'); is kapacitor_url pointing at Kapacitor?" % FLUX_TASKS_PATH)
    return tasks


def shown_offset(text):
    """An offset as Kapacitor shows it (task/http/task_service.go customParseDuration): hours,
    minutes and seconds, "1m30s" for 90s, "" for none."""
    nanoseconds = parse_duration(text) if text else 0
    sign, nanoseconds = ('-', -nanoseconds) if nanoseconds < 0 else ('', nanoseconds)
    hours, rest = divmod(nanoseconds, 3600 * _SECOND)
    minutes, rest = divmod(rest, 60 * _SECOND)
    parts = [(hours, 'h'), (minutes, 'm'), (rest // _SECOND, 's')]
    shown = ''.join('%d%s' % (value, unit) for value, unit in parts if value)
    return sign + shown if shown else ''


def public_flux_task(task):
    """A task as results show it."""
    if task is None:
        return {}
    shown = {'id': task.get('id'), 'name': task.get('name'), 'script': script_of(task.get('flux')),
             'offset': task.get('offset') or '', 'status': task.get('status') or 'active',
             'description': task.get('description') or '',
             'last_run_status': task.get('lastRunStatus') or '', 'last_run_error': task.get('lastRunError') or ''}
    if task.get('cron'):
        shown['cron'] = task['cron']
    else:
        shown['every'] = task.get('every') or ''
    return shown


def list_flux_tasks(client):
    """Every Flux task (``public_flux_task`` each), sorted by name then id. Raises KapacitorError
    (FLUX_TASK_API_OFF) when the server has no Flux task API."""
    tasks = []
    after = None
    while True:
        query = {'limit': _PAGE}
        if after:
            query['after'] = after
        try:
            answer = client.get('%s?%s' % (FLUX_TASKS_PATH, urlencode(query)), expect=dict)
        except KapacitorError as exc:
            if exc.status == 404:
                raise _api_missing(exc)
            raise
        page = _tasks(answer)
        tasks.extend(public_flux_task(task) for task in page)
        if len(page) < _PAGE:
            return sorted(tasks, key=lambda task: (task['name'] or '', task['id']))
        after = page[-1]['id']


# -- the run --------------------------------------------------------------------------------------

class FluxTask(Resource):
    """One Flux task, found by its name (the lifecycle is kapacitor_resources.ResourceRun's)."""

    noun = 'flux_task'
    # Reads answer a list (checked by found()); writes answer the task.
    shape = dict
    # PATCH changes what it carries; PUT is a 405 (task/http/task_service.go routes).
    update_method = 'PATCH'

    def __init__(self, client, params):
        super(FluxTask, self).__init__(client, params)
        self.name = params.get('name')
        self.script = params.get('script')
        self.every = params.get('every')
        self.cron = params.get('cron')
        self.offset = params.get('offset')
        self.status = params.get('status') or 'active'
        self.description = params.get('description')
        self.id = None
        self.flux = None

    # -- what the object is -------------------------------------------------------------
    def describe(self):
        return 'Flux task %r' % (self.name,)

    def path(self):
        return flux_task_path(self.id)

    def collection_path(self):
        return FLUX_TASKS_PATH

    def read_path(self):
        return '%s?%s' % (FLUX_TASKS_PATH, urlencode({'name': self.name}))

    def validate(self):
        if not isinstance(self.name, str) or not self.name:
            raise SpecError('name: must not be empty (Kapacitor requires a task name)')
        if self.status not in STATUSES:
            raise SpecError('status: %r is not one of active, inactive' % (self.status,))
        if self.state != 'present':
            return
        if not self.script or not normalize_script(self.script):
            raise SpecError('script: is required with state=present')
        if _OPTION_TASK.search(normalize_script(self.script)):
            raise SpecError('script: has an "option task" statement; leave it out and give the task\'s schedule '
                            'with every or cron (and offset): the module writes that statement itself')
        if bool(self.every) == bool(self.cron):
            raise SpecError('every, cron: give exactly one of them with state=present')
        every = flux_duration('every', self.every) if self.every else None
        if self.cron is not None and not self.cron.strip():
            raise SpecError('cron: must not be empty')
        offset = flux_duration('offset', self.offset, signed=True) if self.offset else None
        self.flux = FluxText(self.name, self.script, every=every, cron=self.cron, offset=offset)

    def missing(self, exc):
        if exc.status == 404:
            # The list itself is never missing: this is Kapacitor's catch-all (no such routes).
            raise _api_missing(exc)
        return False

    def found(self, answer):
        tasks = _tasks(answer)
        if len(tasks) > 1:
            raise KapacitorError('name: Kapacitor holds %d Flux tasks named %r (ids %s); the module cannot tell '
                                 'which one is meant: delete the others' % (
                                     len(tasks), self.name, ', '.join(sorted(task['id'] for task in tasks))),
                                 version=self.client.version)
        self.id = tasks[0]['id'] if tasks else None
        return tasks[0] if tasks else None

    def check_supported(self):
        if _too_old(self.client.version):
            raise _unsupported(self.client.version)

    def desired(self):
        body = {'flux': self.flux.text, 'status': self.status}
        if self.description is not None:
            body['description'] = self.description
        return body

    def comparable(self, obj):
        shown = {'flux': normalize_script(obj.get('flux')), 'status': obj.get('status') or 'active'}
        if self.description is not None:
            shown['description'] = obj.get('description') or ''
        return shown

    def public(self, obj):
        if obj is None:
            return {}
        if 'id' not in obj:
            # What a check-mode run predicts (desired()): Kapacitor would fill in the rest.
            obj = dict(obj, id=self.id, name=self.name, every=self.every, cron=self.cron, offset=shown_offset(self.offset))
        return public_flux_task(obj)

    def diff_view(self, obj, before=None):
        view = self.public(obj)
        # How the last run went changes by itself: not part of what a run changes.
        view.pop('last_run_status', None)
        view.pop('last_run_error', None)
        return view

    def failure(self, exc, doing):
        """Kapacitor's refusals of the text in terms of the options: a parse error of the script
        (POST: 400 "invalid options: loc ...", PATCH: 500 "failed to update task: loc ..."), a
        cron it cannot parse."""
        message = one_line(exc.kapacitor_message)
        for prefix in ('failed to update task: ', 'invalid options: '):
            while message.startswith(prefix):
                message = message[len(prefix):]
        location = _LOCATION.match(message)
        if location is not None:
            line = self.flux.script_line(int(location.group(1))) if self.flux is not None else None
            where = 'line %d char %s: ' % (line, location.group(2)) if line else ''
            return 'script: Kapacitor cannot compile it: %s%s' % (where, message[location.end():])
        if message.startswith('cron invalid: '):
            # The parser's message ends with its internal state ("{0 0 ...} 1111"): left out.
            reason = re.sub(r' \{[^}]*\}.*$', '', message[len('cron invalid: '):])
            return 'cron: Kapacitor refuses %r: %s' % (self.cron, reason)
        return None


FLUX_TASK_TASK = resource_task(
    FluxTask,
    dict(name=dict(type='str', required=True),
         script=dict(type='str'),
         every=dict(type='str'),
         cron=dict(type='str'),
         offset=dict(type='str'),
         status=dict(type='str', default='active', choices=list(STATUSES)),
         description=dict(type='str')),
    mutually_exclusive=[['every', 'cron']])
