# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every module of this collection by name, as the TaskSpec its module file runs.

The in-process action plugin looks a task's module up here; each module file imports only its
own spec, so that its AnsiballZ payload stays small.
"""

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_bulk import BULK_TASK
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_dynamic import CONFIG_TASK
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_engine import section_task
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_flux_tasks import FLUX_TASK_TASK
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_probes import INFO_TASK, SERVICE_TEST_TASK
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import SECTIONS
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_tickscript import TASK_TASK, TEMPLATE_TASK
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_topic_handlers import HANDLER_TASK
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_topics import TOPIC_TASK
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_users import USER_TASK

TASKS = dict(('kapacitor_%s' % name, section_task(section)) for name, section in SECTIONS.items())
TASKS.update(
    kapacitor_alert_endpoints=BULK_TASK,
    kapacitor_config=CONFIG_TASK,
    kapacitor_flux_task=FLUX_TASK_TASK,
    kapacitor_info=INFO_TASK,
    kapacitor_service_test=SERVICE_TEST_TASK,
    kapacitor_task=TASK_TASK,
    kapacitor_template=TEMPLATE_TASK,
    kapacitor_topic=TOPIC_TASK,
    kapacitor_topic_handler=HANDLER_TASK,
    kapacitor_user=USER_TASK,
)


def task_for(module_name):
    """The TaskSpec of a module of this collection ('kapacitor_slack'); KeyError for others."""
    return TASKS[module_name]
