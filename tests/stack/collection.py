# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The collection as the test helpers and the benchmarks import it, and its per-section test data.

  collections_root()      a directory holding ansible_collections/tick/kapacitor, on sys.path:
                          $TICK_COLLECTIONS_PATH (e.g. a staged copy), else ONE temporary link
                          to this tree per process (removed when the process exits)
  SECTIONS                plugins/module_utils/kapacitor_sections.SECTIONS, imported through it
                          (on first use: importing this file links nothing)
  samples()               tests/samples.yml's ``sections`` (a fresh copy on each call)
  endpoint(name, receiver)  that section's working ``endpoint``, placeholders filled in
  module_names()          the module names, from plugins/modules/*.py

Used by tests/system (tests/stack is on sys.path through its conftest), tests/stack/stack.py and
benchmarks/run.py. Needs PyYAML (ansible-core's dependency) for samples() only.
"""

import atexit
import copy
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SAMPLES_FILE = os.path.join(REPO, 'tests', 'samples.yml')
MODULES_DIR = os.path.join(REPO, 'plugins', 'modules')

_root = None
_samples = None


def collections_root():
    """The directory to put in ANSIBLE_COLLECTIONS_PATH (and on sys.path, done here)."""
    global _root
    if _root is None:
        root = os.environ.get('TICK_COLLECTIONS_PATH')
        if root:
            root = os.path.abspath(root)
        else:
            root = tempfile.mkdtemp(prefix='tick-collections-')
            os.makedirs(os.path.join(root, 'ansible_collections', 'tick'))
            os.symlink(REPO, os.path.join(root, 'ansible_collections', 'tick', 'kapacitor'))
            atexit.register(shutil.rmtree, root, True)
        if root not in sys.path:
            sys.path.insert(0, root)
        _root = root
    return _root


def __getattr__(name):
    """``SECTIONS`` on first use, so that importing this module links nothing."""
    if name == 'SECTIONS':
        collections_root()
        from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import SECTIONS
        globals()['SECTIONS'] = SECTIONS
        return SECTIONS
    raise AttributeError('module %r has no attribute %r' % (__name__, name))


def samples():
    """{section: {element?, change, rejected, endpoint}} from tests/samples.yml (see its header)."""
    global _samples
    if _samples is None:
        import yaml
        with open(SAMPLES_FILE) as handle:
            _samples = yaml.safe_load(handle)['sections']
    return copy.deepcopy(_samples)


def _receiver_values(receiver):
    """The placeholders' values from a receiver: the stack's state (url, tcp_addr, udp_addr,
    smtp_port) or the integration variables (receiver_url, ...)."""
    found = {}
    for key in ('url', 'tcp_addr', 'udp_addr', 'smtp_port'):
        value = receiver.get('receiver_' + key, receiver.get(key))
        if value is not None:
            found['{receiver_%s}' % key] = value
    return found


def _fill(value, values):
    if isinstance(value, dict):
        return dict((key, _fill(item, values)) for key, item in value.items())
    if isinstance(value, list):
        return [_fill(item, values) for item in value]
    if not isinstance(value, str) or '{receiver_' not in value:
        return value
    if value == '{receiver_smtp_port}':
        return int(values[value])
    for placeholder, text in values.items():
        value = value.replace(placeholder, str(text))
    if '{receiver_' in value:
        raise KeyError('%s: the receiver has no value for its placeholder' % value)
    return value


def endpoint(name, receiver):
    """Section name's working endpoint (module options; a list section's include its element
    key), its placeholders filled in from receiver."""
    return _fill(samples()[name]['endpoint'], _receiver_values(receiver))


def module_names():
    """Sorted names of the collection's modules (plugins/modules/*.py)."""
    return sorted(name[:-3] for name in os.listdir(MODULES_DIR)
                  if name.endswith('.py') and not name.startswith('_'))
