# -*- coding: utf-8 -*-
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""kapacitor_alert_endpoints runs in-process on the controller for local tasks, as a module anywhere else
(plugins/plugin_utils/kapacitor_action.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.tick.kapacitor.plugins.plugin_utils.kapacitor_action import ActionModule

__all__ = ['ActionModule']
