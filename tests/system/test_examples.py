# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every example runs as pasted: the modules' EXAMPLES, and the playbooks and commands of
README.md and docs/, each run against the test stack as one pytest case.

What is run
  * ``example-<module>``: the EXAMPLES block of every module in plugins/modules, as the task
    list of one play on localhost (local connection, no ``kapacitor_url`` in the inventory).
    Its tasks run in order in one playbook, so ``register``ed results feed later tasks.
  * ``readme-<n>`` and ``docs-<page>-<n>`` (n counts the page's playbook and command blocks,
    run or skipped, from 1):
    - a fenced ```` ```yaml ```` block (reStructuredText: ``.. code-block:: yaml``; ``yaml+jinja``
      too) that is a playbook, i.e. a list whose items all have ``hosts:``, is run with
      ansible-playbook, with an inventory of one host, localhost (local connection), in every
      group its plays name, whose host variable ``kapacitor_url`` is the stack's Kapacitor;
      other YAML blocks (variables, inventories, single tasks) are not run;
    - in a fenced ```` ```bash ````, ```` ```shell ```` or ```` ```console ```` block (the same
      code-blocks in reStructuredText), every line starting with ``ansible``,
      ``ansible-playbook``, ``ansible-doc``, ``ansible-galaxy`` or ``ansible-inventory``
      (after a ``$`` prompt in console blocks; ``\\`` continues a line) is run with bash, in
      order, in a fresh copy of the repository as working directory, with the collection
      installed (a copy of the repository in ANSIBLE_COLLECTIONS_PATH; a block that runs
      ``ansible-galaxy collection install`` starts from an empty collections path instead).
      Other lines are not run. A console command whose output in the block shows
      ``[ERROR]: message`` must fail with that message; every other command must exit 0. An
      ansible-playbook command (not ``--check``) that follows itself, as in "run it again:
      nothing changes", must report ``changed=0`` for every host the second time.
  * A block preceded by ``<!-- examples: not run (reason) -->`` (reStructuredText: the comment
    ``.. examples: not run (reason)``), blank lines allowed between, is reported as a pytest
    skip with that reason.

What is changed, the one substitution
  * ``http://kapacitor.example.com:9092`` and ``https://kapacitor.example.com:9092`` (module
    EXAMPLES), ``http://localhost:9092`` (README and docs: in the block, and in the files under
    the examples/ directories a command names) become the stack's Kapacitor URL;
  * every Jinja variable ``vault_<name>`` gets a placeholder value, ``CANARY-vault_<name>-<hex>``
    (given as extra vars), and no output may contain it.
  Nothing else. KAPACITOR_URL is set to a closed port, so a task that leaves out
  ``kapacitor_url`` fails instead of reaching whatever listens on localhost:9092.

Check mode, by one rule: a block (or playbook) with a test alert, i.e. a task with
``test_alert: true``, ``test_changed: true`` or ``alert_endpoints_test_changed: true``, or a
``kapacitor_service_test`` task, runs with ``--check --diff``: its endpoints are example.com
hosts and placeholder secrets, so a test alert would go to the internet and fail (the MQTT
block would fail for real even without its test alert: Kapacitor connects to a broker as soon
as it is configured). The run must succeed and must not change Kapacitor's configuration or topic
handlers. Every other block runs for real, and must succeed. Runs use ``-v``, so that results
are printed and the placeholder check covers them. Commands are never run in check mode.

Idempotence: after a real run (and a reset), a module example block runs a second time with
``--diff`` and each of its tasks repeated right after itself; every repeat must report ``ok``,
except a task with ``update_secrets: always`` (which reports a change on every run by design).
A real README/docs playbook runs twice; no task of the second run may report a change, with
the same exception.

Reset: before each block the test reads Kapacitor's configuration, topic handlers, tasks,
templates and users; after it (and between the runs of a block) it removes the API overrides of
every section element that changed or appeared (``{"remove": [...]}``: a kapacitor.conf element
reverts to the file, an element added through the API is deleted), deletes handlers, tasks,
templates and users that appeared and puts back the ones that changed (a user that was there
before cannot get its password back), so the other system tests start from the same Kapacitor.

Each case writes where its block is and how it ran (``check mode, 3 tasks``, ``for real, ...``)
next to its name in pytest's output.
"""

import ast
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import textwrap
from urllib.parse import quote, unquote

import pytest

from collection import collections_root, module_names
from conftest import REPO, http_json

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.path.dirname(sys.executable)
CALLBACKS = os.path.join(HERE, 'example_callbacks')

EXAMPLE_URLS = ('http://kapacitor.example.com:9092', 'https://kapacitor.example.com:9092')
DOCS_URL = 'http://localhost:9092'
CLOSED_URL = 'http://127.0.0.1:9'  # KAPACITOR_URL: the default of a task without kapacitor_url

TOKEN = secrets.token_hex(8)
VAULT_VARIABLE = re.compile(r'\b(vault_[A-Za-z0-9_]+)')
ANSIBLE_COMMANDS = ('ansible', 'ansible-playbook', 'ansible-doc', 'ansible-galaxy', 'ansible-inventory')
YAML_LANGUAGES = ('yaml', 'yml', 'yaml+jinja')
COMMAND_LANGUAGES = ('bash', 'shell', 'console')
TEST_ALERT_KEYS = ('test_alert', 'test_changed', 'alert_endpoints_test_changed')

MD_FENCE = re.compile(r'^(\s*)(```+|~~~+)\s*([\w+-]*)\s*$')
MD_SKIP = re.compile(r'^\s*<!--\s*examples:\s*not run\s*\((.*)\)\s*-->\s*$')
RST_BLOCK = re.compile(r'^(\s*)\.\.\s+(?:code-block|code|sourcecode)::\s*(\S+)\s*$')
RST_SKIP = re.compile(r'^\s*\.\.\s+examples:\s*not run\s*\((.*)\)\s*$')


# -- finding the blocks ---------------------------------------------------------------------

class Block:
    """One pytest case: kind is 'tasks' (a module's EXAMPLES), 'playbook' or 'commands'."""

    def __init__(self, case_id, kind, source, text, skip=None, commands=None, error=None):
        self.id = case_id
        self.kind = kind
        self.source = source
        self.text = text
        self.skip = skip
        self.commands = commands or []  # [(command line, [shown [ERROR] messages])]
        self.error = error

    def __repr__(self):
        return self.id


def module_examples(name):
    """The EXAMPLES string of plugins/modules/<name>.py, read without importing the module."""
    path = os.path.join(REPO, 'plugins', 'modules', name + '.py')
    with open(path) as handle:
        tree = ast.parse(handle.read(), path)
    for node in tree.body:
        if isinstance(node, ast.Assign) and [getattr(t, 'id', None) for t in node.targets] == ['EXAMPLES']:
            return ast.literal_eval(node.value)
    return None


def md_blocks(text):
    """(language, content, skip reason, line) of every fenced block of a Markdown text."""
    lines = text.splitlines()
    found = []
    skip = None
    index = 0
    while index < len(lines):
        line = lines[index]
        marker = MD_SKIP.match(line)
        fence = MD_FENCE.match(line)
        if marker:
            skip = marker.group(1)
        elif fence:
            indent, ticks, language = fence.groups()
            end = index + 1
            while end < len(lines) and not (lines[end].strip().startswith(ticks[0] * len(ticks))
                                            and not lines[end].strip().strip(ticks[0])):
                end += 1
            body = [item[len(indent):] if item.startswith(indent) else item.lstrip() for item in lines[index + 1:end]]
            found.append((language.lower(), '\n'.join(body) + '\n', skip, index + 1))
            skip = None
            index = end
        elif line.strip():
            skip = None
        index += 1
    return found


def rst_blocks(text):
    """(language, content, skip reason, line) of every code-block directive of an RST text."""
    lines = text.splitlines()
    found = []
    skip = None
    index = 0
    while index < len(lines):
        line = lines[index]
        marker = RST_SKIP.match(line)
        directive = RST_BLOCK.match(line)
        if marker:
            skip = marker.group(1)
        elif directive:
            indent = len(directive.group(1))
            end = index + 1
            while end < len(lines) and (not lines[end].strip() or
                                        len(lines[end]) - len(lines[end].lstrip()) > indent):
                end += 1
            body = lines[index + 1:end]
            while body and (not body[0].strip() or body[0].strip().startswith(':')):
                body.pop(0)  # directive options and the blank line after them
            found.append((directive.group(2).lower(), textwrap.dedent('\n'.join(body)) + '\n', skip, index + 1))
            skip = None
            index = end
            continue
        elif line.strip():
            skip = None
        index += 1
    return found


def load_yaml(text):
    from ansible.parsing.yaml.loader import AnsibleLoader
    return AnsibleLoader(text).get_single_data()


def is_playbook(data):
    return isinstance(data, list) and bool(data) and all(
        isinstance(play, dict) and 'hosts' in play for play in data)


def command_lines(language, text):
    """[(command, [shown error messages])]: the block's ansible* command lines."""
    found = []
    pending = ''
    lines = text.splitlines()
    for line in lines:
        if language == 'console':
            if line.startswith('$ ') or pending:
                line = line[2:] if line.startswith('$ ') and not pending else line
            else:
                if found and line.startswith('[ERROR]: '):
                    found[-1][1].append(line[len('[ERROR]: '):].strip())
                continue
        if line.rstrip().endswith('\\'):
            pending += line.rstrip()[:-1] + ' '
            continue
        line = (pending + line).strip()
        pending = ''
        words = line.split()
        if words and words[0] in ANSIBLE_COMMANDS:
            found.append((line, []))
    return found


def doc_files():
    files = [os.path.join(REPO, 'README.md')]
    docs = os.path.join(REPO, 'docs')
    for root, dirs, names in os.walk(docs):
        dirs[:] = sorted(d for d in dirs if not (root == docs and d == 'build'))
        files.extend(os.path.join(root, name) for name in sorted(names) if name.endswith(('.md', '.rst')))
    return [path for path in files if os.path.exists(path)]


def doc_blocks(path):
    rel = os.path.relpath(path, REPO)
    prefix = 'readme' if rel == 'README.md' else 'docs-' + os.path.splitext(os.path.basename(path))[0]
    with open(path) as handle:
        text = handle.read()
    raw = rst_blocks(text) if path.endswith('.rst') else md_blocks(text)
    blocks = []
    for language, content, skip, line in raw:
        source = '%s:%d' % (rel, line)
        case_id = '%s-%d' % (prefix, len(blocks) + 1)
        if language in YAML_LANGUAGES:
            try:
                data = load_yaml(content)
            except Exception as exc:  # pylint: disable=broad-except
                if re.search(r'^\s*-?\s*hosts:', content, re.M):
                    blocks.append(Block(case_id, 'playbook', source, content, skip,
                                        error='not valid YAML: %s' % str(exc).splitlines()[0]))
                continue
            if is_playbook(data):
                blocks.append(Block(case_id, 'playbook', source, content, skip))
        elif language in COMMAND_LANGUAGES:
            commands = command_lines(language, content)
            if commands:
                blocks.append(Block(case_id, 'commands', source, content, skip, commands=commands))
    return blocks


def all_blocks():
    blocks = []
    for name in module_names():
        examples = module_examples(name)
        blocks.append(Block('example-' + name, 'tasks', 'plugins/modules/%s.py EXAMPLES' % name, examples or '',
                            error=None if examples and examples.strip() else 'no EXAMPLES block'))
    for path in doc_files():
        blocks.extend(doc_blocks(path))
    return blocks


BLOCKS = all_blocks()


# -- what a block needs -----------------------------------------------------------------------

def placeholders(*texts):
    """{vault_name: canary} for every vault_* variable the texts mention."""
    names = set()
    for text in texts:
        names.update(VAULT_VARIABLE.findall(text))
    return dict((name, 'CANARY-%s-%s' % (name, TOKEN)) for name in sorted(names))


def sends_test_alert(data):
    """True when a task or variable of the (parsed) block asks for a test alert."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in TEST_ALERT_KEYS and value not in (False, None, 'false', 'no', 'False'):
                return True
            if str(key).endswith('kapacitor_service_test'):
                return True
            if sends_test_alert(value):
                return True
    elif isinstance(data, list):
        return any(sends_test_alert(item) for item in data)
    return False


def names_cut_by_comments(text):
    """Task names that YAML cuts at an unquoted " #" (``- name: Send to #ops`` is "Send to")."""
    cut = []
    for line in text.splitlines():
        match = re.match(r'^\s*-?\s*name:\s*(.*)$', line)
        if match and not match.group(1).startswith(('"', "'")) and ' #' in match.group(1):
            cut.append(line.strip())
    return cut


def task_chunks(text):
    """The top-level tasks of a task list as lists of lines (a comment line between two tasks
    stays with the one before it, one at the top with the first)."""
    chunks = []
    current = []
    for line in text.strip('\n').splitlines():
        if line.startswith('- ') and any(item.startswith('- ') for item in current):
            chunks.append(current)
            current = []
        current.append(line)
    if current:
        chunks.append(current)
    return chunks


# -- the stack's state, and putting it back ---------------------------------------------------

def element_name(section, href):
    return unquote(href.split('/kapacitor/v1/config/' + section, 1)[1].lstrip('/'))


TASK_FIELDS = ('template-id', 'type', 'dbrps', 'script', 'vars', 'status')


def api(url, path):
    return http_json(url + '/kapacitor/v1' + path)


def snapshot(url):
    """What examples may change on the stack's Kapacitor: {(section, element): options},
    {(topic, handler id): handler}, {task id: definition}, {template id: script} and
    {user name: (type, permissions)}."""
    elements = {}
    for section, body in api(url, '/config')['sections'].items():
        for element in body.get('elements') or []:
            elements[(section, element_name(section, element['link']['href']))] = element.get('options')
    handlers = {}
    for topic in api(url, '/alerts/topics')['topics']:
        found = api(url, '/alerts/topics/%s/handlers' % quote(topic['id'], safe=''))
        for handler in found.get('handlers') or []:
            handlers[(topic['id'], handler['id'])] = dict(
                (key, handler.get(key)) for key in ('id', 'kind', 'options', 'match'))
    fields = ''.join('&fields=' + field for field in TASK_FIELDS)
    tasks = dict((task['id'], dict((key, task.get(key)) for key in TASK_FIELDS))
                 for task in api(url, '/tasks?limit=1000&script-format=raw' + fields)['tasks'])
    templates = dict((template['id'], template['script'])
                     for template in api(url, '/templates?limit=1000&script-format=raw')['templates'])
    # The main kapacitord has Kapacitor's users ([auth] enabled, HTTP auth off).
    users = dict((user['name'], (user['type'], sorted(user.get('permissions') or [])))
                 for user in api(url, '/users?limit=1000')['users'])
    return elements, handlers, tasks, templates, users


def differences(before, after):
    """What differs between two snapshots, for messages: ['slack/ops', 'topic ops/webhook',
    'task cpu', ...]."""
    found = []
    for what, old, new in zip(('%s/%s', 'topic %s/%s', 'task %s', 'template %s', 'user %s'), before, after):
        found.extend(what % (key if isinstance(key, tuple) else (key,))
                     for key in sorted(set(old) | set(new)) if old.get(key) != new.get(key))
    return found


def restore(url, before):
    """Put the Kapacitor back as in the snapshot ``before`` (see the module docstring)."""
    now = snapshot(url)
    for (section, element), options in sorted(now[0].items()):
        if before[0].get((section, element)) != options:
            http_json(url + '/kapacitor/v1/config/' + quote(section, safe=''), 'POST', {'remove': [element]})
    topics_before = set(topic for topic, _id in before[1])
    for (topic, handler_id), handler in sorted(now[1].items()):
        old = before[1].get((topic, handler_id))
        link = url + '/kapacitor/v1/alerts/topics/%s/handlers/%s' % (quote(topic, safe=''), quote(handler_id, safe=''))
        if old is None:
            http_json(link, 'DELETE')
        elif old != handler:
            http_json(link, 'PUT', old)
    for topic in sorted(set(topic for topic, _id in now[1]) - topics_before):
        http_json(url + '/kapacitor/v1/alerts/topics/' + quote(topic, safe=''), 'DELETE')
    # Tasks before templates (a task names its template); changed ones are defined again.
    for kind, index in (('tasks', 2), ('templates', 3), ('users', 4)):
        for key in sorted(now[index]):
            if before[index].get(key) != now[index][key]:
                http_json(url + '/kapacitor/v1/%s/%s' % (kind, quote(key, safe='')), 'DELETE')
    for template_id, script in sorted(before[3].items()):
        if now[3].get(template_id) != script:
            http_json(url + '/kapacitor/v1/templates', 'POST', {'id': template_id, 'script': script})
    for task_id, task in sorted(before[2].items()):
        if now[2].get(task_id) != task:
            body = dict(task, id=task_id)
            if body.get('template-id'):
                body.pop('script')
            http_json(url + '/kapacitor/v1/tasks', 'POST', body)
    left = differences(before, snapshot(url))
    # A user changed by an example cannot get its password back: examples must not change one.
    assert left == [], 'could not put the stack back: %s' % left


# -- running --------------------------------------------------------------------------------

class Runner:
    def __init__(self, workdir):
        self.workdir = workdir
        self.env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_root(), ANSIBLE_NOCOLOR='1',
                        ANSIBLE_FORCE_COLOR='0', ANSIBLE_LOCALHOST_WARNING='false',
                        ANSIBLE_INVENTORY_UNPARSED_WARNING='false', ANSIBLE_RETRY_FILES_ENABLED='false',
                        ANSIBLE_CALLBACK_PLUGINS=CALLBACKS, ANSIBLE_CALLBACKS_ENABLED='example_results',
                        KAPACITOR_URL=CLOSED_URL,
                        PATH=BIN + os.pathsep + os.environ.get('PATH', ''))
        for name in ('KAPACITOR_USERNAME', 'KAPACITOR_PASSWORD', 'KAPACITOR_TOKEN', 'TICK_KAPACITOR_EXECUTION'):
            self.env.pop(name, None)
        self.runs = 0
        self.outputs = []

    def write(self, name, text):
        path = os.path.join(self.workdir, name)
        with open(path, 'w') as handle:
            handle.write(text)
        return path

    def vault_file(self, values):
        return self.write('placeholders.json', json.dumps(values))

    def inventory(self, groups=(), kapacitor_url=None):
        host = {'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}
        if kapacitor_url:
            host['kapacitor_url'] = kapacitor_url
        inventory = {'all': {'hosts': {'localhost': host},
                             'children': dict((group, {'hosts': {'localhost': None}}) for group in groups)}}
        return self.write('inventory.json', json.dumps(inventory))

    def playbook(self, path, inventory, args=(), cwd=None):
        """Run ansible-playbook; returns (returncode, output, [task results])."""
        self.runs += 1
        results = os.path.join(self.workdir, 'results-%d.jsonl' % self.runs)
        env = dict(self.env, TICK_EXAMPLE_RESULTS=results)
        proc = subprocess.run([os.path.join(BIN, 'ansible-playbook'), '-i', inventory, path] + list(args),
                              cwd=cwd or self.workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              universal_newlines=True, timeout=600, check=False)
        self.outputs.append(proc.stdout)
        found = []
        if os.path.exists(results):
            with open(results) as handle:
                found = [json.loads(line) for line in handle if line.strip()]
        return proc.returncode, proc.stdout, found

    def shell(self, command, cwd):
        env = dict(self.env)
        del env['ANSIBLE_CALLBACKS_ENABLED']
        proc = subprocess.run(['bash', '-c', command], cwd=cwd, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, universal_newlines=True, timeout=900, check=False)
        self.outputs.append(proc.stdout)
        return proc.returncode, proc.stdout


def assert_ran(returncode, output, results, what):
    assert returncode == 0, '%s failed:\n%s' % (what, output[-6000:])
    assert 'PLAY RECAP' in output, output[-3000:]
    assert results, '%s ran no task' % what


def assert_no_canary(runner):
    for output in runner.outputs:
        leaked = [line.strip() for line in output.splitlines() if TOKEN in line]
        assert leaked == [], 'a placeholder secret was shown: %s' % leaked[:3]


def changed_repeats(results, lines):
    """The tasks among results whose line is in lines and that reported a change, though not
    meant to (update_secrets: always reports one on every run)."""
    return ['%s (line %s)' % (entry['name'], entry['line']) for entry in results
            if entry['line'] in lines and entry['changed'] and entry['update_secrets'] != 'always']


def indented(lines):
    """Task lines under a play's ``tasks:``."""
    return ['    ' + line if line else line for line in lines]


def run_module_examples(block, runner, kapacitor_url):
    text = block.text
    for url in EXAMPLE_URLS:
        text = text.replace(url, kapacitor_url)
    try:
        check = sends_test_alert(load_yaml(text))
    except Exception as exc:  # pylint: disable=broad-except
        raise AssertionError('%s is not valid YAML: %s' % (block.source, exc))
    vault = runner.vault_file(placeholders(text))
    inventory = runner.inventory()
    header = ['- hosts: localhost', '  gather_facts: false', '  tasks:']
    pasted = runner.write('pasted.yml', '\n'.join(header + indented(text.strip('\n').splitlines())) + '\n')
    before = snapshot(kapacitor_url)
    try:
        if check:
            code, output, results = runner.playbook(pasted, inventory, ['-v', '--check', '--diff', '-e', '@' + vault])
            assert_ran(code, output, results, 'the block in check mode')
            assert differences(before, snapshot(kapacitor_url)) == [], 'check mode wrote to Kapacitor'
            return 'check mode, %d tasks' % len(results)
        code, output, results = runner.playbook(pasted, inventory, ['-v', '-e', '@' + vault])
        assert_ran(code, output, results, 'the block')
        restore(kapacitor_url, before)
        # Each task twice in a row: the repeat must report ok.
        lines = list(header)
        repeats = set()
        for chunk in task_chunks(text):
            lines.extend(indented(chunk))
            start = len(lines) + 1
            lines.extend(indented(chunk))
            repeats.update(range(start, len(lines) + 1))
        doubled = runner.write('doubled.yml', '\n'.join(lines) + '\n')
        code, output, again = runner.playbook(doubled, inventory, ['-v', '--diff', '-e', '@' + vault])
        assert_ran(code, output, again, 'the block with each task repeated')
        changed = changed_repeats(again, repeats)
        assert changed == [], 'repeated tasks reported a change: %s\n%s' % (changed, output[-4000:])
        return 'for real, %d tasks, each repeated with no change' % len(results)
    finally:
        restore(kapacitor_url, before)


def run_doc_playbook(block, runner, kapacitor_url):
    text = block.text.replace(DOCS_URL, kapacitor_url)
    data = load_yaml(text)
    check = sends_test_alert(data)
    groups = set()
    for play in data:
        hosts = play['hosts'] if isinstance(play['hosts'], list) else str(play['hosts']).split(',')
        groups.update(name.strip() for name in hosts if re.match(r'^[A-Za-z_][\w-]*$', name.strip()))
    groups -= {'all', 'localhost', 'ungrouped'}
    vault = runner.vault_file(placeholders(text))
    inventory = runner.inventory(sorted(groups), kapacitor_url)
    path = runner.write('playbook.yml', text)
    before = snapshot(kapacitor_url)
    try:
        if check:
            code, output, results = runner.playbook(path, inventory, ['-v', '--check', '--diff', '-e', '@' + vault])
            assert_ran(code, output, results, 'the playbook in check mode')
            assert differences(before, snapshot(kapacitor_url)) == [], 'check mode wrote to Kapacitor'
            return 'check mode, %d task results' % len(results)
        code, output, results = runner.playbook(path, inventory, ['-v', '-e', '@' + vault])
        assert_ran(code, output, results, 'the playbook')
        code, output, again = runner.playbook(path, inventory, ['-v', '--diff', '-e', '@' + vault])
        assert_ran(code, output, again, 'the second run of the playbook')
        changed = changed_repeats(again, set(entry['line'] for entry in again))
        assert changed == [], 'the second run reported a change: %s\n%s' % (changed, output[-4000:])
        return 'for real, twice, %d task results, no change on the second run' % len(results)
    finally:
        restore(kapacitor_url, before)


def repository_copy(target):
    """The files git knows (tracked and untracked, not ignored), as a fresh clone has them."""
    files = subprocess.run(['git', 'ls-files', '-co', '--exclude-standard'], cwd=REPO, check=True,
                           stdout=subprocess.PIPE, universal_newlines=True).stdout.splitlines()
    for name in files:
        source = os.path.join(REPO, name)
        if os.path.isfile(source):
            os.makedirs(os.path.dirname(os.path.join(target, name)), exist_ok=True)
            shutil.copy2(source, os.path.join(target, name))
    return target


EXAMPLES_PATH = re.compile(r'(?:^|[\s=@])((?:\./)?examples/[^\s;&|]*)')


def example_files(work, command):
    """The files under examples/ a command uses: those in the directory of each examples/ path
    it names (an inventory's group_vars and host_vars come with it), recursively."""
    used = set()
    for found in EXAMPLES_PATH.findall(command):
        path = os.path.join(work, found)
        directory = path if os.path.isdir(path) else os.path.dirname(path)
        for root, _dirs, names in os.walk(directory):
            used.update(os.path.join(root, name) for name in names)
    return sorted(used)


def is_real_playbook_run(command):
    words = command.split()
    return bool(words) and words[0] == 'ansible-playbook' and not {'--check', '-C'} & set(words)


def run_commands(block, runner, kapacitor_url, pristine, collections):
    work = os.path.join(runner.workdir, 'repository')
    shutil.copytree(pristine, work, symlinks=True)
    if any(re.search(r'\bansible-galaxy\s+collection\s+install\b', command) for command, _errors in block.commands):
        collections = os.path.join(runner.workdir, 'collections')  # it installs the collection itself
        os.makedirs(collections)
    runner.env['ANSIBLE_COLLECTIONS_PATH'] = collections
    runner.env['ANSIBLE_HOME'] = os.path.join(runner.workdir, 'ansible-home')
    before = snapshot(kapacitor_url)
    ran = []
    try:
        for command, errors in block.commands:
            command = command.replace(DOCS_URL, kapacitor_url)
            texts = [command]
            for path in example_files(work, command):
                with open(path) as handle:
                    original = handle.read()
                texts.append(original)
                if DOCS_URL in original:
                    with open(path, 'w') as handle:
                        handle.write(original.replace(DOCS_URL, kapacitor_url))
            values = placeholders(*texts)
            if values:
                vault = runner.vault_file(values)
                command = re.sub(r'(^|&&|;|\|\|)(\s*)(ansible-playbook|ansible)(?=\s)',
                                 r'\1\2\3 -e @%s' % vault, command)
            code, output = runner.shell(command, work)
            bare = re.sub(r'\s+#.*$', '', command)  # without a trailing shell comment
            if errors:
                assert code != 0, '%s: the block shows an error, but it succeeded:\n%s' % (command, output[-3000:])
                flat = ' '.join(output.split())
                missing = [error for error in errors if ' '.join(error.split()) not in flat]
                assert missing == [], '%s: the error shown in the block is not what it prints:\n%s' % (
                    command, output[-3000:])
            else:
                assert code == 0, '%s failed (exit %d):\n%s' % (command, code, output[-6000:])
            if ran and ran[-1] == bare and is_real_playbook_run(bare):
                # the same ansible-playbook command again, as the docs show it: nothing to do
                recap = re.findall(r'^\S+\s*:\s*ok=\d+\s+changed=(\d+)', output, re.M)
                assert recap and set(recap) == {'0'}, '%s, run again, reported a change:\n%s' % (
                    command, output[-4000:])
            ran.append(bare)
        return 'for real, %d commands' % len(ran)
    finally:
        restore(kapacitor_url, before)


@pytest.fixture(scope='module')
def installed_copies(tmp_path_factory):
    """A pristine copy of the repository (each command block gets a copy of it) and a
    collections path with the collection as a copy of it, for the commands."""
    base = tmp_path_factory.mktemp('example-commands')
    pristine = repository_copy(str(base / 'pristine'))
    collection = str(base / 'collections' / 'ansible_collections' / 'tick' / 'kapacitor')
    shutil.copytree(pristine, collection, symlinks=True)
    return pristine, str(base / 'collections')


@pytest.mark.parametrize('block', BLOCKS, ids=[block.id for block in BLOCKS])
def test_example(block, stack_vars, tmp_path, request, capsys):
    if block.skip is not None:
        pytest.skip('%s: %s' % (block.source, block.skip))
    assert block.error is None, '%s: %s' % (block.source, block.error)
    cut = names_cut_by_comments(block.text)
    assert cut == [], '%s: a YAML comment cuts these names (quote them): %s' % (block.source, cut)
    runner = Runner(str(tmp_path))
    kapacitor_url = stack_vars['kapacitor_url']
    if block.kind == 'tasks':
        how = run_module_examples(block, runner, kapacitor_url)
    elif block.kind == 'playbook':
        how = run_doc_playbook(block, runner, kapacitor_url)
    else:
        how = run_commands(block, runner, kapacitor_url, *request.getfixturevalue('installed_copies'))
    assert_no_canary(runner)
    with capsys.disabled():  # which block ran how, also without -s
        sys.stdout.write(' [%s: %s] ' % (block.source, how))


def test_every_module_has_an_example_case():
    """The module list comes from plugins/modules: 32 modules, each a case."""
    names = [block.id[len('example-'):] for block in BLOCKS if block.kind == 'tasks']
    assert names == module_names()
    assert len(names) >= 32
