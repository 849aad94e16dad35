# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""tools/generate.py on copies of the tree: --check passes on the tree as committed, and
catches every kind of drift (a hand edit, a forgotten file, a new section) that it claims to."""

import copy
import json
import os
import re
import shutil
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COPIED = ('plugins', 'meta', 'roles', 'tools', 'README.md')
RECORD = os.path.join('tools', 'kapacitor-1.8.3-service-tests.json')

sys.path.insert(0, os.path.join(REPO, 'tools'))
import generate as generate_tool  # noqa: E402  (tools/generate.py, for its pure functions)


@pytest.fixture
def tree(tmp_path):
    for name in COPIED:
        source = os.path.join(REPO, name)
        if os.path.isdir(source):
            shutil.copytree(source, str(tmp_path / name), ignore=shutil.ignore_patterns('__pycache__'))
        else:
            shutil.copy(source, str(tmp_path / name))
    return tmp_path


def generate(tree, *args):
    return subprocess.run([sys.executable, str(tree / 'tools' / 'generate.py')] + list(args),
                          capture_output=True, text=True, check=False)


def edit(path, old, new):
    text = path.read_text()
    assert old in text, 'the test expects %r in %s' % (old, path)
    path.write_text(text.replace(old, new, 1))


def test_the_committed_tree_has_no_drift(tree):
    found = generate(tree, '--check')
    assert found.returncode == 0, found.stderr


@pytest.mark.parametrize('path, old, new, complaint', [
    ('meta/runtime.yml', '    - kapacitor_slack\n', '', 'meta/runtime.yml is out of date'),
    ('README.md', '| `tick.kapacitor.kapacitor_slack` |', '| `tick.kapacitor.kapacitor_slak` |', 'README.md is out of date'),
    ('plugins/modules/kapacitor_smtp.py', 'Version of the Kapacitor server', 'Version of Kapacitor',
     'plugins/modules/kapacitor_smtp.py is out of date'),
    ('plugins/modules/kapacitor_info.py', '      - zenoss\n', '', 'plugins/modules/kapacitor_info.py is out of date'),
    ('plugins/doc_fragments/alert_endpoints.py', 'Telegram, as', 'Telegrams, as',
     'plugins/doc_fragments/alert_endpoints.py is out of date'),
    ('roles/alert_endpoints/meta/argument_specs.yml', '          zenoss:\n', '          zenos:\n',
     'roles/alert_endpoints/meta/argument_specs.yml is out of date'),
    ('plugins/doc_fragments/endpoint.py', 'Runs stay idempotent', 'Runs are idempotent',
     'plugins/doc_fragments/endpoint.py is out of date'),
    ('roles/alert_endpoints/defaults/main.yml', 'alert_endpoints_prune: false\n', '',
     'defaults/main.yml does not set alert_endpoints_prune'),
    ('roles/alert_endpoints/tasks/main.yml', '{{ alert_endpoints_request_timeout }}', '10',
     'tasks/main.yml does not use alert_endpoints_request_timeout'),
    ('plugins/modules/kapacitor_talk.py', 'C(title) (string', 'C(titel) (string',
     'plugins/modules/kapacitor_talk.py is out of date'),
])
def test_a_hand_edit_or_omission_fails_the_check_and_generate_repairs_generated_files(tree, path, old, new, complaint):
    edit(tree / path, old, new)
    found = generate(tree, '--check')
    assert found.returncode == 1
    assert complaint in found.stderr
    if 'is out of date' in complaint:
        assert generate(tree).returncode == 0
        assert generate(tree, '--check').returncode == 0


def test_an_action_plugin_without_a_module_or_a_missing_one_is_caught(tree):
    (tree / 'plugins' / 'action' / 'kapacitor_gone.py').write_text('')
    os.remove(str(tree / 'plugins' / 'action' / 'kapacitor_telegram.py'))
    found = generate(tree, '--check')
    assert found.returncode == 1
    assert 'plugins/action/kapacitor_gone.py has no module' in found.stderr
    assert 'plugins/action/kapacitor_telegram.py is out of date' in found.stderr


def test_a_new_section_needs_only_its_declaration_and_module_file(tree):
    """What docs/adding-a-module.md promises: the rest is generated."""
    sections = tree / 'plugins' / 'module_utils' / 'kapacitor_sections.py'
    edit(sections, "SECTIONS = dict((s.name, s) for s in (\n", "THROWAWAY = Section(\n    'throwaway',\n"
         "    title='Throwaway',\n    options={\n        'enabled': Option('bool'),\n"
         "        'api_key': Option('str', secret=True),\n        'routing_key': Option('str'),\n"
         "        'url': Option('str'),\n        'global': Option('bool'),\n        'json_data': Option('bool'),\n"
         "    },\n)\n\n"
         "SECTIONS = dict((s.name, s) for s in (\n    THROWAWAY,\n")
    module = (tree / 'plugins' / 'modules' / 'kapacitor_victorops.py').read_text()
    module = re.sub('victorops', 'throwaway', module).replace('VICTOROPS', 'THROWAWAY')
    module = re.sub(r"short_description: .*", "short_description: Manage a throwaway alert endpoint", module)
    # A new module file starts with the generated block empty, as docs/adding-a-module.md shows.
    module = re.sub(r'(# BEGIN GENERATED shared returns .*\n)(?s:.*)(# END GENERATED shared returns)', r'\1\2', module)
    module = re.sub(r'(# BEGIN GENERATED test options .*\n)(?s:.*)(  # END GENERATED test options)', r'\1\2', module)
    (tree / 'plugins' / 'modules' / 'kapacitor_throwaway.py').write_text(module)
    # ... and its service's test, as --record-service-tests would add it from a Kapacitor that has it.
    record = read_record(tree)
    throwaway = copy.deepcopy(next(service for service in record['services'] if service['name'] == 'victorops'))
    throwaway['name'] = 'throwaway'
    record['services'].append(throwaway)
    write_record(tree, record)

    found = generate(tree, '--check')
    assert found.returncode == 1
    stale = set(re.findall(r'^(\S+) is out of date$', found.stderr, re.M))
    assert stale == {
        'README.md', 'meta/runtime.yml', 'plugins/action/kapacitor_throwaway.py',
        'plugins/doc_fragments/alert_endpoints.py', 'plugins/modules/kapacitor_info.py',
        'plugins/modules/kapacitor_throwaway.py', 'plugins/modules/kapacitor_topic_handler.py',
        'roles/alert_endpoints/meta/argument_specs.yml'}

    assert generate(tree).returncode == 0
    found = generate(tree, '--check')
    assert found.returncode == 0, found.stderr
    assert '    - kapacitor_throwaway\n' in (tree / 'meta' / 'runtime.yml').read_text()
    assert '| `tick.kapacitor.kapacitor_throwaway` | Manage a throwaway alert endpoint |' in (tree / 'README.md').read_text()
    assert 'V(throwaway)' in (tree / 'plugins' / 'modules' / 'kapacitor_topic_handler.py').read_text()
    assert '      - throwaway\n' in (tree / 'plugins' / 'modules' / 'kapacitor_info.py').read_text()
    assert '  throwaway:\n' in (tree / 'roles' / 'alert_endpoints' / 'meta' / 'argument_specs.yml').read_text()


# -- the test options of each service (tools/kapacitor-1.8.3-service-tests.json) ---------------

def read_record(tree):
    return json.loads((tree / RECORD).read_text())


def write_record(tree, record):
    (tree / RECORD).write_text(json.dumps(record, indent=2) + '\n')


def service(record, name):
    return next(item for item in record['services'] if item['name'] == name)


def note(tree, module):
    doc = generate_tool.doc_block((tree / 'plugins' / 'modules' / ('%s.py' % module)).read_text(), 'DOCUMENTATION')
    found = [text for text in doc.get('notes') or [] if text.startswith('The keys of O(test_options)')]
    assert len(found) == 1, doc.get('notes')
    return found[0]


def keys_of(text):
    return re.findall(r'C\(([^)]+)\) \(', text)


@pytest.mark.parametrize('module, keys', [
    ('kapacitor_smtp', ['to', 'subject', 'body']),
    ('kapacitor_talk', ['title', 'text']),
    ('kapacitor_pagerduty', ['incident-key', 'description', 'details', 'level']),
    ('kapacitor_telegram', ['chat-id', 'parse-mode', 'message', 'disable-web-page-preview', 'disable-notification']),
])
def test_each_module_documents_the_keys_its_own_service_takes(tree, module, keys):
    assert keys_of(note(tree, module)) == keys


def test_the_notes_say_where_each_default_comes_from(tree):
    assert 'C(to) (list of strings, default the configured O(to))' in note(tree, 'kapacitor_smtp')
    assert 'C(subject) (string, default V(test subject))' in note(tree, 'kapacitor_smtp')
    slack = note(tree, 'kapacitor_slack')
    assert 'C(workspace) (string, set by this module to O(workspace))' in slack
    assert ('C(channel) (string, this module sends V("") unless you give it, so that Kapacitor uses the '
            'O(channel) of the workspace under test)') in slack
    assert "C(url) (string, set by this module to the endpoint's O(url))" in note(tree, 'kapacitor_httppost')
    assert 'C(timestamp) (string, default the time of the test)' in note(tree, 'kapacitor_bigpanda')
    assert 'C(tid) (number, default the configured O(tid))' in note(tree, 'kapacitor_zenoss')


def test_the_record_drives_the_notes(tree):
    record = read_record(tree)
    service(record, 'smtp')['options']['subject'] = 'Alert (from Kapacitor)'
    write_record(tree, record)
    found = generate(tree, '--check')
    assert found.returncode == 1
    assert set(re.findall(r'^(\S+) is out of date$', found.stderr, re.M)) == {'plugins/modules/kapacitor_smtp.py'}
    assert generate(tree).returncode == 0
    assert 'C(subject) (string, default V(Alert (from Kapacitor\\)))' in note(tree, 'kapacitor_smtp')
    assert generate(tree, '--check').returncode == 0


def test_a_section_the_record_lacks_fails_naming_it(tree):
    record = read_record(tree)
    record['services'] = [item for item in record['services'] if item['name'] != 'telegram']
    write_record(tree, record)
    found = generate(tree, '--check')
    assert found.returncode == 1
    assert 'tools/kapacitor-1.8.3-service-tests.json has no test of telegram' in found.stderr
    assert 'Traceback' not in found.stderr


def test_a_section_naming_a_test_option_its_service_lacks_fails(tree):
    sections = tree / 'plugins' / 'module_utils' / 'kapacitor_sections.py'
    edit(sections, "    test_defaults={'channel': ''},\n", "    test_defaults={'channel': '', 'colour': ''},\n")
    edit(sections, "    test_config_defaults={'room': 'room'},\n", "    test_config_defaults={'room': 'rooms'},\n")
    found = generate(tree, '--check')
    assert found.returncode == 1
    assert "slack: test_defaults names colour, which Kapacitor 1.8.3's slack test does not take" in found.stderr
    assert 'hipchat: test_config_defaults maps room to rooms, which is not an option' in found.stderr


def test_drift_between_the_record_and_a_kapacitor_is_reported_line_by_line():
    with open(os.path.join(REPO, RECORD)) as handle:
        recorded = json.load(handle)
    assert generate_tool.service_tests_drift(recorded, copy.deepcopy(recorded)) == []
    live = copy.deepcopy(recorded)
    service(live, 'bigpanda')['options']['timestamp'] = '2031-01-01T00:00:00Z'  # computed on every request
    assert generate_tool.service_tests_drift(recorded, live) == []
    service(live, 'bigpanda')['options']['timestamp'] = 0
    service(live, 'zenoss')['options']['tid'] = '1'
    service(live, 'talk')['options']['colour'] = 'red'
    live['services'].append({'link': {'rel': 'self', 'href': '/kapacitor/v1/service-tests/new'}, 'name': 'new',
                             'options': {}})
    live['services'] = [item for item in live['services'] if item['name'] != 'azure']
    assert generate_tool.service_tests_drift(recorded, live) == [
        'service azure: recorded, but kapacitord has no such test',
        "service bigpanda: timestamp is 0, recorded as a str",
        'service new: kapacitord has this test, the record does not',
        "service talk: options ['title', 'text', 'colour'], recorded ['title', 'text']",
        "service zenoss: tid defaults to '1', recorded 1",
    ]


@pytest.mark.parametrize('value, markup', [
    ('', 'V("")'),
    ('plain', 'V(plain)'),
    ('a) b\\c', 'V(a\\) b\\\\c)'),
    (False, 'V(false)'),
    (['x'], 'V(["x"])'),
    ({'k': 1}, 'V({"k": 1})'),
])
def test_values_are_escaped_as_ansible_doc_reads_them(value, markup):
    assert generate_tool.value_markup(value) == markup
