# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The action group, checked the way antsibull-nox's action-groups check does: meta/runtime.yml's
``kapacitor`` group lists every module and nothing else, in order, and every module's
documentation declares that membership (itself or through a doc fragment of this collection)."""

import ast
import importlib
import os

import pytest
import yaml

COLLECTION = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', '..'))
MODULES = os.path.join(COLLECTION, 'plugins', 'modules')
GROUP = 'kapacitor'
GROUP_FQCN = 'tick.kapacitor.kapacitor'


def module_names():
    return sorted(name[:-3] for name in os.listdir(MODULES) if name.endswith('.py') and name != '__init__.py')


def action_groups():
    with open(os.path.join(COLLECTION, 'meta', 'runtime.yml')) as handle:
        return yaml.safe_load(handle).get('action_groups') or {}


def documentation(name):
    """The module's DOCUMENTATION, parsed from its source (the module is not imported)."""
    with open(os.path.join(MODULES, name + '.py')) as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, 'id', None) == 'DOCUMENTATION' for t in node.targets):
            return yaml.safe_load(ast.literal_eval(node.value))
    raise AssertionError('plugins/modules/%s.py has no DOCUMENTATION string' % name)


def fragment(fqcn):
    """A doc fragment of this collection, as ansible-doc resolves it: tick.kapacitor.endpoint is
    ModuleDocFragment.DOCUMENTATION of plugins/doc_fragments/endpoint.py, and
    tick.kapacitor.endpoint.attributes its ATTRIBUTES."""
    parts = fqcn.split('.')
    assert parts[:2] == ['tick', 'kapacitor'] and len(parts) in (3, 4), fqcn
    module = importlib.import_module('ansible_collections.tick.kapacitor.plugins.doc_fragments.%s' % parts[2])
    return yaml.safe_load(getattr(module.ModuleDocFragment, parts[3].upper() if len(parts) == 4 else 'DOCUMENTATION'))


def attributes(doc):
    """The module's attributes: its fragments' first, then its own."""
    merged = {}
    for fqcn in doc.get('extends_documentation_fragment') or []:
        if fqcn.startswith('tick.kapacitor.'):
            merged.update(fragment(fqcn).get('attributes') or {})
    merged.update(doc.get('attributes') or {})
    return merged


def test_the_group_is_every_module_once_and_sorted():
    modules = module_names()
    assert modules, 'plugins/modules is found'
    group = action_groups().get(GROUP)
    assert isinstance(group, list), 'meta/runtime.yml has the %s action group' % GROUP
    assert len(group) == len(set(group)), 'no module twice'
    assert sorted(set(modules) - set(group)) == [], 'modules missing from the group'
    assert sorted(set(group) - set(modules)) == [], 'group entries that are no module'
    assert group == sorted(group), 'the group is sorted'


@pytest.mark.parametrize('name', module_names())
def test_each_module_documents_its_membership(name):
    doc = documentation(name)
    assert doc['module'] == name
    action_group = attributes(doc).get('action_group')
    assert action_group is not None, '%s documents no action_group attribute' % name
    assert action_group.get('membership') == [GROUP_FQCN]
    assert action_group.get('support') == 'full'
