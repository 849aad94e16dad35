#!/usr/bin/env python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A local stand-in for SaaS alert endpoints (Slack, Telegram, PagerDuty...).

Point a handler's ``url`` at ``http://127.0.0.1:<port>/<anything>`` and Kapacitor's alerts land
here. Every request is recorded (method, path, headers, body) and served back to tests:

  GET    /_recorded[?path=<prefix>]   the recorded requests, oldest first
  DELETE /_recorded                   forget them
  GET    /_health                     204

Any other request is recorded and answered 200 ``{"ok": true}`` (what Slack and Telegram
expect), unless its path contains ``/_status/<code>/``: then it is answered with that code,
so tests can make an endpoint fail. Standard library only.
"""

import argparse
import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

RECORDS = []
LOCK = threading.Lock()
STATUS_IN_PATH = re.compile(r'/_status/(\d{3})(?:/|$)')


class Handler(BaseHTTPRequestHandler):
    server_version = 'tick-kapacitor-receiver/1'

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass  # quiet: tests read /_recorded instead

    def _reply(self, status, payload=None):
        body = b'' if payload is None else json.dumps(payload).encode('utf-8')
        self.send_response(status)
        if payload is not None:
            self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _record(self):
        length = int(self.headers.get('Content-Length') or 0)
        raw = self.rfile.read(length) if length else b''
        text = raw.decode('utf-8', errors='replace')
        try:
            decoded = json.loads(text) if text else None
        except ValueError:
            decoded = None
        entry = {
            'time': time.time(),
            'method': self.command,
            'path': self.path,
            'headers': dict(self.headers.items()),
            'body': text,
            'json': decoded,
        }
        with LOCK:
            RECORDS.append(entry)

    def _handle(self):
        url = urlsplit(self.path)
        if url.path == '/_health':
            return self._reply(204)
        if url.path == '/_recorded':
            if self.command == 'DELETE':
                with LOCK:
                    del RECORDS[:]
                return self._reply(204)
            prefix = (parse_qs(url.query).get('path') or [''])[0]
            with LOCK:
                found = [r for r in RECORDS if r['path'].startswith(prefix)]
            return self._reply(200, {'requests': found})
        self._record()
        match = STATUS_IN_PATH.search(url.path)
        if match:
            status = int(match.group(1))
            return self._reply(status, {'ok': status < 400, 'description': 'status %d requested' % status})
        return self._reply(200, {'ok': True, 'result': {}})

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=19300)
    args = parser.parse_args(argv)
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    sys.stdout.write('receiver listening on http://%s:%d\n' % (args.host, server.server_address[1]))
    sys.stdout.flush()
    server.serve_forever()


if __name__ == '__main__':
    main()
