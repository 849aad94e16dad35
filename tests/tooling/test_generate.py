# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""tools/generate.py on copies of the tree: --check passes on the tree as committed, and
catches every kind of drift (a hand edit, a forgotten file, a new section) that it claims to."""

import os
import re
import shutil
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COPIED = ('plugins', 'meta', 'roles', 'tools', 'README.md')


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
    (tree / 'plugins' / 'modules' / 'kapacitor_throwaway.py').write_text(module)

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
