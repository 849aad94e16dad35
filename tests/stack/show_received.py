#!/usr/bin/env python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Print, one line each, the alerts the local receivers got (for the demo)."""

import json
import re
import sys
import urllib.request

# Telegram puts the bot token in the path: never print it.
TOKEN_IN_PATH = re.compile(r'/bot[^/]+/')


def summary(request):
    body = request.get('json') or {}
    if 'chat_id' in body:
        return 'chat_id=%s text=%r' % (body['chat_id'], body.get('text'))
    if 'attachments' in body:
        text = (body['attachments'] or [{}])[0].get('text')
        return 'channel=%s username=%s text=%r' % (body.get('channel'), body.get('username'), text)
    return (request.get('body') or '')[:120]


def main(receiver_url):
    with urllib.request.urlopen(receiver_url.rstrip('/') + '/_recorded', timeout=5) as response:
        requests = json.load(response)['requests']
    print('%d alert(s) arrived at the local receivers (standing in for Slack, Telegram, mail...):'
          % len(requests))
    for request in requests:
        if request['kind'] == 'smtp':
            print('  %-6s %-40s subject=%r' % ('MAIL', 'to ' + ','.join(request['rcpt_tos']), request['subject']))
        elif request['kind'] == 'http':
            path = TOKEN_IN_PATH.sub('/bot<token>/', request['path'])
            print('  %-6s %-40s %s' % (request['method'], path, summary(request)))
        else:
            print('  %-6s %-40s %s' % (request['kind'].upper(), request.get('peer', ''), request.get('body', '')[:80]))
    return 0 if requests else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else 'http://127.0.0.1:19300'))
