#!/usr/bin/env python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Write the ``endpoints`` option docs of kapacitor_alert_endpoints from the dedicated modules.

The bulk module validates each section with its dedicated module's argument spec, so its
documentation is the dedicated modules' option docs, nested under ``endpoints.<section>``.
This keeps the two in step: run it after changing a module's options (sanity's
validate-modules fails when they drift).

  python tests/tooling/generate_bulk_docs.py          rewrite the module's DOCUMENTATION
  python tests/tooling/generate_bulk_docs.py --check  exit 1 if it is out of date
"""

import argparse
import os
import re
import sys
import tempfile

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULES = os.path.join(REPO, 'plugins', 'modules')
TARGET = os.path.join(MODULES, 'kapacitor_alert_endpoints.py')
BEGIN = '  # BEGIN GENERATED endpoints (tests/tooling/generate_bulk_docs.py)\n'
END = '  # END GENERATED endpoints\n'
# Options of the dedicated modules that the bulk module has once, at the top level.
TOP_LEVEL = {'update_secrets'}
MARKUP = re.compile(r'O\(([a-z_]+)([=)])')


def module_doc(path):
    with open(path) as handle:
        source = handle.read()
    start = source.index("DOCUMENTATION = r'''") + len("DOCUMENTATION = r'''")
    return yaml.safe_load(source[start:source.index("'''", start)])


def sections():
    # Import the declarations through a throwaway ansible_collections/tick/kapacitor link.
    root = tempfile.mkdtemp()
    os.makedirs(os.path.join(root, 'ansible_collections', 'tick'))
    os.symlink(REPO, os.path.join(root, 'ansible_collections', 'tick', 'kapacitor'))
    sys.path.insert(0, root)
    from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import SECTIONS
    return SECTIONS


def rewrite_references(text, prefix, names):
    """O(url) in a module's docs becomes O(endpoints.slack[].url) here."""
    def fix(match):
        name = match.group(1)
        if name in names and name not in TOP_LEVEL:
            return 'O(%s.%s%s' % (prefix, name, match.group(2))
        return match.group(0)
    return MARKUP.sub(fix, text)


def section_doc(name, section):
    doc = module_doc(os.path.join(MODULES, 'kapacitor_%s.py' % name))
    options = doc['options']
    prefix = 'endpoints.%s%s' % (name, '[]' if section.is_list else '')
    suboptions = {}
    for option, spec in sorted(options.items()):
        spec = dict(spec)
        spec['description'] = [rewrite_references(line, prefix, options)
                               for line in spec.get('description', [])]
        suboptions[option] = spec
    suboptions['state'] = {
        'description': [
            'V(present) sets the given options; V(absent) removes the API overrides (see '
            'M(tick.kapacitor.kapacitor_%s)).' % name],
        'type': 'str', 'choices': ['present', 'absent'], 'default': 'present'}
    suboptions['test_options'] = {
        'description': ['Options of the test alert sent when O(test_changed=true) and this '
                        'endpoint changed.'],
        'type': 'dict'}
    entry = {
        'description': ['%s, as M(tick.kapacitor.kapacitor_%s) takes it%s.' % (
            section.title, name, ' (one item per %s)' % section.element_key if section.is_list else '')],
        'suboptions': suboptions,
    }
    if section.is_list:
        entry.update(type='list', elements='dict')
    else:
        entry['type'] = 'dict'
    return entry


def generate():
    found = sections()
    endpoints = {
        'description': [
            'Every alert endpoint of the host, keyed by Kapacitor section. Single sections take '
            'a dictionary, list sections (V(slack), V(discord), V(kafka), V(mqtt), '
            'V(httppost)) a list of dictionaries.',
            'Each section takes exactly the options of its dedicated module; a bad value in any '
            'section fails the run before anything is written.'],
        'type': 'dict',
        'required': True,
        'suboptions': dict((name, section_doc(name, section)) for name, section in sorted(found.items())),
    }
    text = yaml.safe_dump({'endpoints': endpoints}, default_flow_style=False, sort_keys=True, width=100)
    return ''.join('  ' + line if line.strip() else line for line in text.splitlines(True))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--check', action='store_true')
    args = parser.parse_args()
    with open(TARGET) as handle:
        source = handle.read()
    head, rest = source.split(BEGIN, 1)
    _old, tail = rest.split(END, 1)
    new = head + BEGIN + generate() + END + tail
    if args.check:
        if new != source:
            sys.stderr.write('%s is out of date: run tests/tooling/generate_bulk_docs.py\n' % TARGET)
            return 1
        return 0
    with open(TARGET, 'w') as handle:
        handle.write(new)
    return 0


if __name__ == '__main__':
    sys.exit(main())
