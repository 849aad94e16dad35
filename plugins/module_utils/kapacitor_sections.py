# -*- coding: utf-8 -*-
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The alert sections this collection manages, described once for every module that uses them.

Option names are Kapacitor's with dashes turned into underscores; ``api_name`` marks the
exceptions. Sources: Kapacitor v1.8.3 ``services/<name>/config.go``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_spec import Option, Section

SLACK = Section(
    'slack',
    title='Slack',
    element_key='workspace',
    element_default='',
    test_element_option='workspace',
    # Kapacitor's test defaults to the default workspace's channel; "" makes it use the
    # channel of the workspace under test.
    test_defaults={'channel': ''},
    options={
        'enabled': Option('bool'),
        'default': Option('bool'),
        'url': Option('str', secret=True),
        'token': Option('str', secret=True),
        'channel': Option('str'),
        'username': Option('str'),
        'icon_emoji': Option('str'),
        'global': Option('bool'),
        'state_changes_only': Option('bool'),
        'ssl_ca': Option('str'),
        'ssl_cert': Option('str'),
        'ssl_key': Option('str'),
        'insecure_skip_verify': Option('bool'),
    },
)

TELEGRAM = Section(
    'telegram',
    title='Telegram',
    options={
        'enabled': Option('bool'),
        'url': Option('str'),
        'token': Option('str', secret=True),
        'chat_id': Option('str'),
        'parse_mode': Option('str', choices=['Markdown', 'HTML', '']),
        'disable_web_page_preview': Option('bool'),
        'disable_notification': Option('bool'),
        'global': Option('bool'),
        'state_changes_only': Option('bool'),
    },
)

SECTIONS = dict((s.name, s) for s in (SLACK, TELEGRAM))
