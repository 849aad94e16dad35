# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The collection's section declarations, and harmless sample values, for the system tests."""

import os
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_root = tempfile.mkdtemp(prefix='tick-import-')
os.makedirs(os.path.join(_root, 'ansible_collections', 'tick'))
os.symlink(REPO, os.path.join(_root, 'ansible_collections', 'tick', 'kapacitor'))
sys.path.insert(0, _root)

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import SECTIONS  # noqa: E402  pylint: disable=unused-import

# The element each list section's tests address (httppost endpoints must be in kapacitor.conf).
ELEMENTS = {'slack': '', 'discord': '', 'kafka': 'default', 'mqtt': 'default', 'httppost': 'alerts'}

# (option, value A, value B): an option each module can change without enabling
# the endpoint, so Kapacitor accepts it whatever else is configured.
SAMPLE_CHANGES = {
    'alerta': ('environment', 'budget-a', 'budget-b'),
    'bigpanda': ('global', True, False),
    'discord': ('embed_title', 'budget-a', 'budget-b'),
    'hipchat': ('room', 'budget-a', 'budget-b'),
    'httppost': ('alert_template', 'budget-a', 'budget-b'),
    'kafka': ('batch_size', 17, 18),
    'mqtt': ('client_id', 'budget-a', 'budget-b'),
    'opsgenie': ('global', True, False),
    'opsgenie2': ('details', True, False),
    'pagerduty': ('global', True, False),
    'pagerduty2': ('global', True, False),
    'pushover': ('url', 'http://127.0.0.1:9/a', 'http://127.0.0.1:9/b'),
    'sensu': ('source', 'budget-a', 'budget-b'),
    'servicenow': ('source', 'budget-a', 'budget-b'),
    'slack': ('icon_emoji', ':a:', ':b:'),
    'smtp': ('state_changes_only', True, False),
    'snmptrap': ('retries', 3, 4),
    'talk': ('author_name', 'budget-a', 'budget-b'),
    'teams': ('state_changes_only', True, False),
    'telegram': ('disable_notification', True, False),
    'victorops': ('json_data', True, False),
    'zenoss': ('collector', 'budget-a', 'budget-b'),
}
