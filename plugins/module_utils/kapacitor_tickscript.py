# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Kapacitor's TICKscript tasks (``/kapacitor/v1/tasks``) and templates
(``/kapacitor/v1/templates``), converged by kapacitor_resources' lifecycle.

What Kapacitor does that shapes this file (services/task_store/service.go, client/v1/client.go):

* it stores a script as sent and answers it reformatted (tick.Format) unless asked for
  ``?script-format=raw``: scripts are read raw and compared after normalising line ends,
  trailing spaces and leading/trailing blank lines;
* it derives a task's or template's type from the script (taskTypeFromProgram) and ignores the
  type it is sent, except that a template update keeps the old type unless sent a new one;
* a PATCH ignores empty vars (``len(task.Vars) > 0``) and cannot take a task off its template,
  so those changes delete and re-create the task;
* a PATCH of an enabled task's definition does not reload the running task: like Kapacitor's CLI
  (cmd/kapacitor/main.go doDefine) the task is then disabled and enabled again;
* vars are sent as {type, value, description}: durations as nanoseconds (or an InfluxQL
  duration string), and a list's items only as strings, regexes, lambdas, booleans or stars (its
  items' numbers stay JSON numbers, which Kapacitor cannot convert: client.go Vars.UnmarshalJSON).
"""

import math
import re
import unicodedata
from urllib.parse import quote, urlencode

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_client import API_PREFIX, KapacitorError
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_resources import (
    Resource, normalize_script, one_line, resource_task)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_spec import SpecError

TASKS_PATH = API_PREFIX + '/tasks'
TEMPLATES_PATH = API_PREFIX + '/templates'
TASK_TYPES = ('stream', 'batch')
TASK_STATUSES = ('enabled', 'disabled')
VAR_TYPES = ('string', 'int', 'float', 'bool', 'duration', 'regex', 'lambda', 'star', 'list')
# The item types a list var can carry through Kapacitor's JSON decoding (see the module doc).
LIST_ITEM_TYPES = ('string', 'regex', 'lambda', 'bool', 'star')
# Kapacitor lists at most this many tasks or templates per request (handleListTasks' default).
_PAGE = 100
_RAW = '?script-format=raw'


# -- ids, scripts, dbrps ------------------------------------------------------------------------

def validate_id(option, value, kind):
    """Kapacitor's ^[-\\._\\p{L}0-9]+$ for task and template ids (service.go validTaskID,
    validTemplateID), checked one character at a time: Python's \\w and $ are not Go's."""
    if not isinstance(value, str) or not value or not all(
            char in '-._' or '0' <= char <= '9' or unicodedata.category(char).startswith('L') for char in value):
        raise SpecError('%s: %r is not a %s id Kapacitor accepts (letters, digits 0-9, "-", "." and "_")'
                        % (option, value, kind))


_TOKEN = re.compile(r"""
    (?P<space>[ \t\r]+)
  | (?P<newline>\n)
  | (?P<comment>//[^\n]*)
  | (?P<string>'''.*?'''|'(?:\\.|[^'\\\n])*')
  | (?P<reference>"(?:\\.|[^"\\\n])*")
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<number>[0-9][0-9.]*[a-zµ]*)
  | (?P<op>==|!=|<=|>=|=~|!~|[-+*/%<>=!|.@(),\[\]:])
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)
# Tokens after which an expression goes on (a "stream" there is not a statement's start).
_CONTINUES = set('|.@=(,[:+-*/%<>!') | set(['==', '!=', '<=', '>=', '=~', '!~', 'AND', 'OR', 'lambda', 'var'])

# Tokens after which a "/" starts a regex rather than a division.
_BEFORE_REGEX = (None, '=', '(', ',', '=~', '!~', '[', 'AND', 'OR', '!')


def _statement_heads(script):
    """The first identifier of each top-level statement of a TICKscript, and of the right side
    of each ``var x = ...``: what taskTypeFromProgram and dbrpsFromProgram look at
    (services/task_store/util.go). A light scan, not a parser: regexes are skipped after the
    tokens that can precede one."""
    heads = []
    previous = None          # last significant token
    before_previous = None
    depth = 0
    position = 0
    while position < len(script):
        if (script.startswith('/', position) and not script.startswith('//', position)
                and previous in _BEFORE_REGEX):
            end = position + 1
            while end < len(script) and script[end] != '/' and script[end] != '\n':
                end += 2 if script[end] == '\\' else 1
            position = end + 1
            before_previous, previous = previous, 'regex'
            continue
        match = _TOKEN.match(script, position)
        position = match.end()
        kind, text = match.lastgroup, match.group()
        if kind in ('space', 'newline', 'comment'):
            continue
        if text in ('(', '['):
            depth += 1
        elif text in (')', ']'):
            depth = max(0, depth - 1)
        elif kind == 'ident' and depth == 0:
            declared = previous == '=' and before_previous not in _CONTINUES and before_previous is not None
            if previous is None or declared or (previous not in _CONTINUES and previous != 'var'):
                heads.append(text)
        before_previous, previous = previous, text if kind in ('op', 'ident') else kind
    return heads


def script_type(script):
    """'stream' or 'batch' as Kapacitor would derive it from ``script``; None when the scan
    cannot tell (no pipeline found, or both kinds)."""
    found = set(head for head in _statement_heads(script or '') if head in TASK_TYPES)
    return found.pop() if len(found) == 1 else None


def declares_dbrp(script):
    """Whether the script has a ``dbrp "db"."rp"`` statement."""
    return 'dbrp' in _statement_heads(script or '')


def _quoted_part(text, option):
    """``"name"...`` (with \\" inside) -> (name, rest after the closing quote)."""
    value = []
    index = 1
    while index < len(text):
        char = text[index]
        if char == '\\' and index + 1 < len(text) and text[index + 1] == '"':
            value.append('"')
            index += 2
        elif char == '"':
            return ''.join(value), text[index + 1:]
        else:
            value.append(char)
            index += 1
    raise SpecError('%s: %r has an unclosed quote' % (option, text))


def parse_dbrp(item, index):
    """One entry of ``dbrps``: "db.rp" (split at the first dot, either part optionally in double
    quotes, like Kapacitor's CLI -dbrp flag, cmd/kapacitor/main.go dbrps.Set) or {db:, rp:}.
    Returns {'db':, 'rp':}."""
    option = 'dbrps[%d]' % index
    if isinstance(item, dict):
        unknown = sorted(set(item) - set(['db', 'rp']))
        if unknown:
            raise SpecError('%s: unknown keys %s; a mapping takes db and rp' % (option, ', '.join(map(str, unknown))))
        db, rp = item.get('db'), item.get('rp')
        if not isinstance(db, str) or not isinstance(rp, str) or not db or not rp:
            raise SpecError('%s: %r needs a non-empty db and rp' % (option, item))
        return {'db': db, 'rp': rp}
    if not isinstance(item, str):
        raise SpecError('%s: %r is not "database.retention_policy" nor a mapping with db and rp' % (option, item))
    wrong = SpecError('%s: %r is not "database.retention_policy" (split at the first ".", each part '
                      'optionally in double quotes: "my.db".autogen; or give {db: ..., rp: ...})' % (option, item))
    if item.startswith('"'):
        db, rest = _quoted_part(item, option)
    else:
        db, dot, rest = item.partition('.')
        rest = dot + rest
    if not rest.startswith('.'):
        raise wrong
    rest = rest[1:]
    if rest.startswith('"'):
        rp, tail = _quoted_part(rest, option)
        if tail:
            raise wrong
    else:
        rp = rest
    if not db or not rp:
        raise wrong
    return {'db': db, 'rp': rp}


def dbrp_key(dbrp):
    return (dbrp.get('db'), dbrp.get('rp'))


# -- durations ----------------------------------------------------------------------------------

_DURATION_UNITS = (('w', 7 * 24 * 3600 * 10 ** 9), ('d', 24 * 3600 * 10 ** 9), ('h', 3600 * 10 ** 9),
                   ('m', 60 * 10 ** 9), ('s', 10 ** 9), ('ms', 10 ** 6), ('u', 10 ** 3), ('ns', 1))
_DURATION_PART = re.compile(r'([0-9]+)(ns|ms|u|\u00b5|s|m|h|d|w)')
_UNIT_NS = dict(_DURATION_UNITS, **{'\u00b5': 10 ** 3})


def parse_influxql_duration(text):
    """An InfluxQL duration ("5m", "1h30m", "500ms", "-10s"; influxql.ParseDuration, which
    Kapacitor parses var durations with) in nanoseconds; None when it is not one."""
    if not isinstance(text, str) or len(text) < 2:
        return None
    sign = -1 if text.startswith('-') else 1
    body = text[1:] if sign < 0 else text
    total, position = 0, 0
    while position < len(body):
        match = _DURATION_PART.match(body, position)
        if not match:
            return None
        total += int(match.group(1)) * _UNIT_NS[match.group(2)]
        position = match.end()
    return sign * total if body else None


def format_influxql_duration(nanoseconds):
    """Nanoseconds as the InfluxQL duration with the largest exact unit (influxql.FormatDuration)."""
    if nanoseconds == 0:
        return '0s'
    sign = '-' if nanoseconds < 0 else ''
    magnitude = abs(nanoseconds)
    for unit, size in _DURATION_UNITS:
        if magnitude % size == 0:
            return '%s%d%s' % (sign, magnitude // size, unit)
    return '%s%dns' % (sign, magnitude)


# -- vars ---------------------------------------------------------------------------------------

def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _plain_type(value):
    if isinstance(value, bool):
        return 'bool'
    if _is_int(value):
        return 'int'
    if isinstance(value, float):
        return 'float'
    if isinstance(value, str):
        return 'string'
    if isinstance(value, list):
        return 'list'
    return None


def _typed_value(option, var_type, value):
    """``value`` as Kapacitor takes a var of ``var_type``; SpecError naming ``option``."""
    def wrong(expected):
        return SpecError('%s: %r is not %s (type %s)' % (option, value, expected, var_type))
    if var_type == 'bool':
        if not isinstance(value, bool):
            raise wrong('true or false')
        return value
    if var_type == 'int':
        if _is_int(value):
            return value
        if isinstance(value, str) and re.match(r'^-?[0-9]+$', value.strip()):
            return int(value)
        raise wrong('a whole number')
    if var_type == 'float':
        number = value
        if isinstance(value, str):
            try:
                number = float(value)
            except ValueError:
                raise wrong('a number')
        if isinstance(number, bool) or not isinstance(number, (int, float)) or math.isnan(number) \
                or math.isinf(number):
            raise wrong('a finite number')
        return float(number)
    if var_type == 'duration':
        if _is_int(value):
            return value
        nanoseconds = parse_influxql_duration(value)
        if nanoseconds is None:
            raise wrong('a duration like 5m, 1h30m or 500ms, or whole nanoseconds')
        return nanoseconds
    if var_type in ('string', 'regex', 'lambda'):
        if not isinstance(value, str):
            raise wrong('a string')
        if var_type != 'string' and not value:
            raise wrong('a non-empty string')
        return value
    if var_type == 'star':
        if value is not None:
            raise wrong('empty (a star var has no value)')
        return None
    if not isinstance(value, list):
        raise wrong('a list')
    items = []
    for index, item in enumerate(value):
        item_option = '%s[%d]' % (option, index)
        if isinstance(item, dict):
            item_type, item_value = _explicit(item_option, item, LIST_ITEM_TYPES, with_description=False)
        else:
            item_type = _plain_type(item)
            if item_type not in LIST_ITEM_TYPES:
                raise SpecError('%s: %r cannot be a list item: Kapacitor takes only strings, regexes, lambdas, '
                                'booleans and stars in a list var' % (item_option, item))
            item_value = item
        items.append({'type': item_type, 'value': item_value})
    return items


def _explicit(option, given, types, with_description=True):
    keys = set(['type', 'value', 'description'] if with_description else ['type', 'value'])
    unknown = sorted(str(key) for key in set(given) - keys)
    if unknown:
        raise SpecError('%s: unknown keys %s; takes %s' % (option, ', '.join(unknown), ', '.join(sorted(keys))))
    var_type = given.get('type')
    if var_type not in types:
        raise SpecError('%s: type %r is not one of %s' % (option, var_type, ', '.join(types)))
    if 'value' not in given and var_type != 'star':
        raise SpecError('%s: needs a value' % option)
    if with_description and not isinstance(given.get('description', ''), str):
        raise SpecError('%s: description must be a string' % option)
    return var_type, _typed_value(option, var_type, given.get('value'))


def to_kapacitor_var(name, given):
    """One entry of ``vars`` (a plain value or {type, value, description}) as Kapacitor takes it:
    {type, value[, description]}. Plain values: bool -> bool, int -> int, float -> float,
    str -> string, a list of strings/booleans -> list."""
    option = 'vars.%s' % name
    if isinstance(given, dict):
        var_type, value = _explicit(option, given, VAR_TYPES)
        var = {'type': var_type, 'value': value}
        if given.get('description'):
            var['description'] = given['description']
        return var
    var_type = _plain_type(given)
    if var_type is None:
        raise SpecError('%s: %r is not a var value (a string, number, boolean or list, or {type: ..., value: ...})'
                        % (option, given))
    return {'type': var_type, 'value': _typed_value(option, var_type, given)}


def to_kapacitor_vars(given):
    if not isinstance(given, dict):
        raise SpecError('vars: must be a mapping of var names to values')
    return dict((str(name), to_kapacitor_var(name, value)) for name, value in given.items())


def _item_value(item):
    var_type, value = item.get('type'), item.get('value')
    if var_type == 'duration' and _is_int(value):
        return format_influxql_duration(value)
    return value


def public_vars(kapacitor_vars):
    """Kapacitor's vars in the form the module takes: {name: {type, value[, description]}},
    durations as InfluxQL durations ("5m")."""
    shown = {}
    for name, var in (kapacitor_vars or {}).items():
        if not isinstance(var, dict):
            continue
        entry = {'type': var.get('type'), 'value': _item_value(var)}
        if var.get('type') == 'list' and isinstance(var.get('value'), list):
            entry['value'] = [{'type': item.get('type'), 'value': _item_value(item)}
                              for item in var['value'] if isinstance(item, dict)]
        if var.get('description'):
            entry['description'] = var['description']
        shown[name] = entry
    return shown


def _comparable_value(var_type, value):
    if var_type == 'float' and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if var_type == 'duration':
        if isinstance(value, str):
            parsed = parse_influxql_duration(value)
            return parsed if parsed is not None else value
        return value
    if var_type == 'star':
        return None
    if var_type == 'list' and isinstance(value, list):
        return tuple((item.get('type'), _comparable_value(item.get('type'), item.get('value')))
                     for item in value if isinstance(item, dict))
    return value


def comparable_vars(kapacitor_vars, described=()):
    """Vars compared by type and value; the description only of the names in ``described``."""
    compared = {}
    for name, var in (kapacitor_vars or {}).items():
        var = var if isinstance(var, dict) else {}
        compared[name] = (var.get('type'), _comparable_value(var.get('type'), var.get('value')),
                          (var.get('description') or '') if name in described else None)
    return compared


# -- listing ------------------------------------------------------------------------------------

def _list(client, path, key, fields):
    found = []
    offset = 0
    while True:
        query = [('fields', field) for field in fields]
        query += [('script-format', 'raw'), ('offset', offset), ('limit', _PAGE)]
        answer = client.get('%s?%s' % (path, urlencode(query)), expect={key: (list, type(None))})
        page = [item for item in answer[key] or [] if isinstance(item, dict)]
        found.extend(page)
        if len(page) < _PAGE:
            return sorted(found, key=lambda item: str(item.get('id', '')))
        offset += _PAGE


def _list_tasks(client, fields):
    """Tasks with these fields. Kapacitor 1.5 cannot list template-id (its allTaskFields lacks it:
    HTTP 400 'unsupported field'), though each task shows it: there it is read task by task."""
    try:
        return _list(client, TASKS_PATH, 'tasks', fields)
    except KapacitorError as exc:
        if exc.status != 400 or 'template-id' not in (exc.kapacitor_message or ''):
            raise
    tasks = _list(client, TASKS_PATH, 'tasks', [field for field in fields if field != 'template-id'])
    for task in tasks:
        one = client.get('%s/%s%s' % (TASKS_PATH, quote(str(task.get('id')), safe=''), _RAW), expect=dict)
        task['template-id'] = one.get('template-id')
    return tasks


def public_task(task):
    """A task as results show it (what the module takes, plus executing and error)."""
    if task is None:
        return {}
    return {
        'id': task.get('id'),
        'template_id': task.get('template-id') or None,
        'type': task.get('type'),
        'dbrps': sorted(({'db': d.get('db'), 'rp': d.get('rp')} for d in task.get('dbrps') or []
                         if isinstance(d, dict)), key=dbrp_key),
        # A task made from a template runs the template's script: shown on the template only, so
        # that the entry goes back to kapacitor_task as it is (script and template_id exclude each other).
        'script': None if task.get('template-id') else task.get('script'),
        'vars': public_vars(task.get('vars')),
        'status': task.get('status'),
        'executing': task.get('executing'),
        'error': task.get('error') or '',
    }


def public_template(template):
    if template is None:
        return {}
    return {'id': template.get('id'), 'type': template.get('type'), 'script': template.get('script'),
            'vars': public_vars(template.get('vars'))}


def list_tasks(client):
    """Every task (``public_task`` each, scripts raw), sorted by id."""
    fields = ('id', 'template-id', 'type', 'dbrps', 'script', 'vars', 'status', 'executing', 'error')
    return [public_task(task) for task in _list_tasks(client, fields)]


def list_templates(client):
    """Every template (``public_template`` each, scripts raw), sorted by id."""
    fields = ('id', 'type', 'script', 'vars')
    return [public_template(template) for template in _list(client, TEMPLATES_PATH, 'templates', fields)]


def tasks_of_template(client, template_id):
    """[(task id, status)] of the tasks made from the template, sorted by id."""
    tasks = _list_tasks(client, ('id', 'template-id', 'status'))
    return [(task.get('id'), task.get('status')) for task in tasks if task.get('template-id') == template_id]


def _compile_detail(message):
    """Kapacitor's compile error without its 'invalid TICKscript: ' prefix, in one line."""
    message = one_line(message)
    return message[len('invalid TICKscript: '):] if message.startswith('invalid TICKscript: ') else message


_VAR_IN_ERROR = re.compile(r'(?:invalid type supplied for |invalid var )([^\s,:]+)')


# -- tasks --------------------------------------------------------------------------------------

class Task(Resource):
    """One TICKscript task: from a script or from a template."""

    noun = 'task'
    shape = {'id': str, 'type': str, 'status': str, 'script': str}
    update_method = 'PATCH'

    def __init__(self, client, params):
        super(Task, self).__init__(client, params)
        self.id = params.get('id')
        self.script = params.get('script') or None
        self.template_id = params.get('template_id') or None
        self.type = params.get('type') or None
        self.status = params.get('status') or 'enabled'
        self.given_dbrps = params.get('dbrps')
        self.given_vars = params.get('vars')
        self.dbrps = None       # [{'db', 'rp'}] when compared
        self.vars = None        # {name: Kapacitor var} when compared
        self.template = None    # the template read for template_id
        self.current = None
        self.recreated = False

    # -- what the object is -------------------------------------------------------------
    def describe(self):
        return 'task %r' % (self.id,)

    def path(self):
        return '%s/%s' % (TASKS_PATH, quote(self.id, safe=''))

    def read_path(self):
        return self.path() + _RAW

    def collection_path(self):
        return TASKS_PATH

    def defines(self):
        """Whether the task's definition (script or template, and vars) is managed."""
        return self.script is not None or self.template_id is not None

    def validate(self):
        validate_id('id', self.id, 'task')
        if self.state != 'present':
            return
        if self.script is not None and self.template_id is not None:
            raise SpecError('script: give either script or template_id, not both')
        if self.template_id is not None:
            validate_id('template_id', self.template_id, 'template')
        if self.given_dbrps is not None:
            if not isinstance(self.given_dbrps, list) or not self.given_dbrps:
                raise SpecError('dbrps: must be a non-empty list; leave it out when the script declares dbrp')
            self.dbrps = [parse_dbrp(item, index) for index, item in enumerate(self.given_dbrps)]
        if self.given_vars is not None or self.defines():
            self.vars = to_kapacitor_vars(self.given_vars or {})
        if self.script is not None:
            detected = script_type(self.script)
            if self.type and detected and detected != self.type:
                raise SpecError('type: the script is a %s task (Kapacitor derives the type from the script); set '
                                'type: %s or leave type out' % (detected, detected))
            if self.dbrps is not None and declares_dbrp(self.script):
                raise SpecError('dbrps: the script declares its own dbrp and Kapacitor refuses both; leave dbrps '
                                'out or remove dbrp from the script')

    def remember(self, current):
        self.current = current

    def check_supported(self):
        if self.current is None and not self.defines():
            raise SpecError('script: one of script or template_id is required to create %s' % self.describe())
        if self.template_id is None:
            return
        try:
            self.template = self.client.get('%s/%s%s' % (TEMPLATES_PATH, quote(self.template_id, safe=''), _RAW),
                                            expect={'id': str, 'type': str, 'script': str})
        except KapacitorError as exc:
            if exc.status != 404:
                raise
            if not self.check_mode:
                raise SpecError('template_id: Kapacitor has no template %r' % (self.template_id,))
            # A check run of a playbook that creates the template in an earlier task.
            self.warnings.append('template_id: Kapacitor has no template %r yet; check mode assumes an earlier task '
                                 'creates it' % (self.template_id,))
            return
        if self.type and self.template.get('type') != self.type:
            raise SpecError('type: template %r is a %s template; set type: %s or leave type out'
                            % (self.template_id, self.template.get('type'), self.template.get('type')))

    # -- bodies ---------------------------------------------------------------------------
    def desired(self):
        body = {'id': self.id, 'status': self.status}
        if self.template_id is not None:
            body['template-id'] = self.template_id
        elif self.script is not None:
            body['script'] = self.script
        if self.dbrps is not None:
            body['dbrps'] = self.dbrps
        if self.vars:
            body['vars'] = self.vars
        return body

    def update_body(self, current):
        body = self.desired()
        body.pop('id')
        return body

    def must_recreate(self, current):
        # A PATCH cannot take a task off its template, nor clear its vars (service.go
        # handleUpdateTask: a template id is kept; vars are replaced only when non-empty).
        off_template = self.script is not None and bool(current.get('template-id'))
        vars_cleared = self.vars is not None and not self.vars and bool(current.get('vars'))
        self.recreated = off_template or vars_cleared
        return self.recreated

    def restore_body(self, current):
        body = {'id': current.get('id'), 'status': current.get('status'), 'vars': current.get('vars') or {}}
        if current.get('template-id'):
            body['template-id'] = current['template-id']
        else:
            body['script'] = current.get('script')
        # Kapacitor refuses dbrps given beside a script's own dbrp statement.
        if not declares_dbrp(current.get('script')):
            body['dbrps'] = current.get('dbrps') or []
        return body

    # -- comparing ------------------------------------------------------------------------
    def comparable(self, obj):
        shown = {'status': obj.get('status')}
        if self.defines():
            shown['template_id'] = obj.get('template-id') or None
        if self.script is not None:
            shown['script'] = normalize_script(obj.get('script'))
        if self.dbrps is not None:
            shown['dbrps'] = sorted(set(dbrp_key(dbrp) for dbrp in obj.get('dbrps') or []))
        if self.vars is not None:
            described = [name for name, var in self.vars.items() if var.get('description')]
            shown['vars'] = comparable_vars(obj.get('vars'), described)
        return shown

    def public(self, obj):
        if obj is None:
            return {}
        if 'type' not in obj:  # what check mode shows: the body that would be sent
            obj = self._as_kapacitor_would(obj)
        return public_task(obj)

    def _as_kapacitor_would(self, body):
        """The task a create or update with ``body`` would make (check mode)."""
        current = self.current or {}
        task = dict(current, **body)
        if self.template is not None:
            task['script'] = self.template.get('script')
            task['type'] = self.template.get('type')
        else:
            task['type'] = self.type or script_type(task.get('script')) or current.get('type')
        if 'vars' not in body and self.vars is not None:
            task['vars'] = {}
        task.setdefault('dbrps', [])
        task['executing'] = None
        task['error'] = ''
        return task

    def diff_view(self, obj, before=None):
        view = self.public(obj)
        view.pop('executing', None)
        view.pop('error', None)
        return view

    # -- after a write --------------------------------------------------------------------
    def after_write(self, before, after):
        # A PATCH of an enabled task's definition leaves the old one running (service.go
        # handleUpdateTask starts or stops a task only when its status changes).
        if (before is not None and not self.recreated and before.get('status') == 'enabled'
                and after.get('status') == 'enabled'):
            for status in ('disabled', 'enabled'):
                try:
                    self.client.request('PATCH', self.path(), {'status': status}, expect=self.shape)
                except KapacitorError as exc:
                    error = KapacitorError(
                        'status: Kapacitor took the new definition of %s but failed to restart it with it '
                        '(HTTP %s): %s' % (self.describe(), exc.status,
                                           _compile_detail(exc.kapacitor_message or exc.message)),
                        status=exc.status, version=exc.version)
                    error.changed = True
                    raise error
            after = self.client.get(self.read_path(), expect=self.shape)
        return after

    def present_result(self, after):
        if self.type and after.get('type') and after.get('type') != self.type:
            raise KapacitorError('type: Kapacitor made %s a %s task (it derives the type from the script), not %s; '
                                 'set type: %s or leave type out' % (self.describe(), after.get('type'), self.type,
                                                                     after.get('type')))
        return {}

    def failure(self, exc, doing):
        if exc.status != 400 or doing not in ('creating', 'updating'):
            return None
        message = one_line(exc.kapacitor_message or '')
        var = _VAR_IN_ERROR.search(message)
        if var:
            return 'vars.%s: Kapacitor refuses it for %s: %s' % (
                var.group(1), self.describe(), _compile_detail(message))
        if message.startswith('invalid task type'):
            return ('script: Kapacitor cannot tell whether it is a stream or a batch task: its pipelines must '
                    'start from stream or from batch, not both (%s)' % message)
        if message.startswith('invalid TICKscript'):
            if self.script is None:
                return 'vars: Kapacitor cannot compile template %r with them: %s' % (
                    self.template_id, _compile_detail(message))
            return 'script: Kapacitor cannot compile it: %s' % _compile_detail(message)
        if message.startswith('must specify dbrp'):
            return ('dbrps: Kapacitor needs a database and retention policy for %s: give dbrps or declare dbrp in '
                    'the script' % self.describe())
        if message.startswith('cannot specify dbrp'):
            return ('dbrps: the script of %s declares its own dbrp and Kapacitor refuses both; leave dbrps out'
                    % self.describe())
        if message.startswith('unknown template'):
            return 'template_id: Kapacitor has no template %r' % (self.template_id,)
        return None


# -- templates ----------------------------------------------------------------------------------

class Template(Resource):
    """One TICKscript template; its tasks are reloaded by Kapacitor when it changes."""

    noun = 'template'
    shape = {'id': str, 'type': str, 'script': str}
    update_method = 'PATCH'

    def __init__(self, client, params):
        super(Template, self).__init__(client, params)
        self.id = params.get('id')
        self.script = params.get('script')
        self.type = params.get('type') or None
        self.force = bool(params.get('force'))
        self.current = None
        self.tasks = []         # [(task id, status)] of the tasks made from it

    def describe(self):
        return 'template %r' % (self.id,)

    def path(self):
        return '%s/%s' % (TEMPLATES_PATH, quote(self.id, safe=''))

    def read_path(self):
        return self.path() + _RAW

    def collection_path(self):
        return TEMPLATES_PATH

    def script_type(self):
        return self.type or script_type(self.script)

    def validate(self):
        validate_id('id', self.id, 'template')
        if self.state != 'present':
            return
        if not self.script or not self.script.strip():
            raise SpecError('script: is required with state=present')
        detected = script_type(self.script)
        if self.type and detected and detected != self.type:
            raise SpecError('type: the script is a %s template (Kapacitor derives the type from the script); set '
                            'type: %s or leave type out' % (detected, detected))

    def remember(self, current):
        self.current = current
        self.tasks = tasks_of_template(self.client, self.id) if current is not None else []

    def desired(self):
        body = {'id': self.id, 'script': self.script}
        if self.script_type():
            body['type'] = self.script_type()
        return body

    def update_body(self, current):
        # An update keeps the old type unless sent one (service.go handleUpdateTemplate).
        body = self.desired()
        body.pop('id')
        return body

    def comparable(self, obj):
        shown = {'script': normalize_script(obj.get('script'))}
        if self.script_type():
            shown['type'] = obj.get('type')
        return shown

    def public(self, obj):
        if obj is None:
            return {}
        if 'vars' not in obj and self.current is not None:
            # check mode: the new script with the vars Kapacitor reported for the old one
            obj = dict(obj, vars=self.current.get('vars'))
        return public_template(obj)

    def diff_view(self, obj, before=None):
        view = self.public(obj)
        view.pop('vars', None)
        return view

    def after_write(self, before, after):
        # Kapacitor puts a task back on the old script when reloading it fails
        # (service.go updateAllAssociatedTasks), yet keeps the new template.
        if before is None:
            return after
        stuck = []
        for task_id, _status in self.tasks:
            try:
                task = self.client.get('%s/%s%s' % (TASKS_PATH, quote(task_id, safe=''), _RAW), expect=dict)
            except KapacitorError as exc:
                if exc.status == 404:
                    continue
                raise
            if normalize_script(task.get('script')) != normalize_script(after.get('script')):
                stuck.append('%s (%s)' % (task_id, one_line(task.get('error')) or 'no error reported'))
        if stuck:
            error = KapacitorError('script: %s was written, but Kapacitor could not move its tasks to it and kept them '
                                   'on the old script: %s' % (self.describe(), '; '.join(stuck)))
            error.changed = True
            raise error
        return after

    def present_result(self, after):
        changed = self.current is not None and not self.holds(self.current)
        if self.type and after.get('type') and after.get('type') != self.type:
            raise KapacitorError('type: Kapacitor made %s a %s template, not %s; set type: %s or leave type out'
                                 % (self.describe(), after.get('type'), self.type, after.get('type')))
        return {'tasks': [task_id for task_id, _status in self.tasks],
                'reloaded_tasks': [task_id for task_id, status in self.tasks if changed and status == 'enabled']}

    def absent_result(self):
        if self.tasks and not self.force:
            raise SpecError('state: %s is used by tasks %s; Kapacitor would delete it and leave them without their '
                            'template: delete those tasks first, or set force: true'
                            % (self.describe(), ', '.join(repr(task_id) for task_id, _status in self.tasks)))
        return {'tasks': [task_id for task_id, _status in self.tasks]}

    def failure(self, exc, doing):
        if exc.status != 400 or doing not in ('creating', 'updating'):
            return None
        message = one_line(exc.kapacitor_message or '')
        if message.startswith('invalid task type'):
            return ('script: Kapacitor cannot tell whether it is a stream or a batch template: its pipelines must '
                    'start from stream or from batch, not both (%s)' % message)
        if message.startswith('invalid TICKscript'):
            return 'script: Kapacitor cannot compile it: %s' % _compile_detail(message)
        return None


TASK_TASK = resource_task(
    Task,
    dict(id=dict(type='str', required=True),
         script=dict(type='str'),
         template_id=dict(type='str'),
         type=dict(type='str', choices=list(TASK_TYPES)),
         dbrps=dict(type='list', elements='raw'),
         vars=dict(type='dict'),
         status=dict(type='str', default='enabled', choices=list(TASK_STATUSES))))

TEMPLATE_TASK = resource_task(
    Template,
    dict(id=dict(type='str', required=True),
         script=dict(type='str'),
         type=dict(type='str', choices=list(TASK_TYPES)),
         force=dict(type='bool', default=False)))
