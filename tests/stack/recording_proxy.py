#!/usr/bin/env python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A recording HTTP proxy in front of kapacitord: counts what the modules send.

  recording_proxy.py --listen 19070 --upstream http://127.0.0.1:19092

Every request is forwarded unchanged and recorded (method, path, status).
GET /_proxy/recorded returns them, DELETE /_proxy/recorded forgets them. Standard library only.
"""

import argparse
import json
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

RECORDED = []
LOCK = threading.Lock()


def make_handler(upstream):
    class Proxy(BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # pylint: disable=redefined-builtin
            pass

        def _send(self, status, body, headers=()):
            self.send_response(status)
            for key, value in headers:
                if key.lower() not in ('transfer-encoding', 'connection', 'content-length'):
                    self.send_header(key, value)
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _handle(self):
            if self.path == '/_proxy/recorded':
                if self.command == 'DELETE':
                    with LOCK:
                        del RECORDED[:]
                    return self._send(204, b'')
                with LOCK:
                    body = json.dumps({'requests': list(RECORDED)}).encode()
                return self._send(200, body, [('Content-Type', 'application/json')])
            length = int(self.headers.get('Content-Length') or 0)
            data = self.rfile.read(length) if length else None
            headers = dict((k, v) for k, v in self.headers.items() if k.lower() not in ('host', 'content-length'))
            request = urllib.request.Request(upstream + self.path, data=data, method=self.command, headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    status, body, reply_headers = response.status, response.read(), response.getheaders()
            except urllib.error.HTTPError as exc:
                status, body, reply_headers = exc.code, exc.read(), exc.headers.items()
            with LOCK:
                RECORDED.append({'method': self.command, 'path': self.path, 'status': status})
            self._send(status, body, reply_headers)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle

    return Proxy


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--listen', type=int, required=True)
    parser.add_argument('--upstream', required=True)
    args = parser.parse_args()
    server = ThreadingHTTPServer(('127.0.0.1', args.listen), make_handler(args.upstream.rstrip('/')))
    server.daemon_threads = True
    server.serve_forever()


if __name__ == '__main__':
    main()
