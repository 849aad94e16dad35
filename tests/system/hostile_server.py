# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A hostile HTTP server in front of (or instead of) Kapacitor, for the system tests.

The first path segment picks the behaviour, so one server serves every case and a task picks its
case with its kapacitor_url (``http://127.0.0.1:19100/shape-list``):

  redirect-301|302|303|307|308  redirect to the recorder (a second local server, see Recorder)
  shape-list|string|empty|options-list|sections-int   200 with JSON of the wrong shape
  gzip-truncated                200, Content-Encoding gzip, the gzip stream cut short
  drop-mid-body                 200, Content-Length larger than what is sent, then hang up
  lost-drop|lost-500            a proxy to the upstream kapacitord: GETs are forwarded; the FIRST
                                POST/PUT/DELETE to each path is forwarded, then the connection is
                                dropped without an answer (lost-drop) or answered with a 500 HTML
                                page (lost-500); later writes are forwarded and answered normally
  drip                          a valid answer, one byte every DRIP_INTERVAL s (for DRIP_LIMIT s)

Standard library only; everything listens on 127.0.0.1.

  python hostile_server.py --port 19100 --recorder-port 19101 --upstream http://127.0.0.1:19110
"""

import argparse
import gzip
import http.client
import json
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SHAPES = {
    'list': b'[1]',
    'string': b'"x"',
    'empty': b'{}',
    'options-list': b'{"options": []}',
    'sections-int': b'{"sections": 1}',
}
REDIRECTS = (301, 302, 303, 307, 308)
DRIP_INTERVAL = 2.0
DRIP_LIMIT = 40.0  # give up dripping after this long: a client that waits longer is broken anyway
ELEMENT = json.dumps({'link': {'rel': 'self', 'href': '/kapacitor/v1/config/slack/'},
                      'options': {'enabled': False, 'channel': '#hostile'}, 'redacted': None}).encode()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def _serve(server):
    thread = threading.Thread(target=server.serve_forever, kwargs={'poll_interval': 0.2})
    thread.daemon = True
    thread.start()
    return thread


class Recorder:
    """Records every request that reaches it (the target of the redirects)."""

    def __init__(self, port=0):
        recorder = self
        self.seen = []
        self.lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _record(self):
                length = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(length) if length else b''
                with recorder.lock:
                    recorder.seen.append({'method': self.command, 'path': self.path,
                                          'headers': dict(self.headers.items()),
                                          'body': body.decode('utf-8', 'replace')})
                answer = b'{"options": {}}'
                self.send_response(200)
                self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _record

        self.server = _Server(('127.0.0.1', port), Handler)
        self.port = self.server.server_address[1]
        self.url = 'http://127.0.0.1:%d' % self.port
        _serve(self.server)

    def credentials_seen(self):
        """Requests that carried an Authorization header (Basic or Bearer)."""
        with self.lock:
            return [r for r in self.seen if any(k.lower() == 'authorization' for k in r['headers'])]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class HostileServer:
    """See the module docstring. ``upstream`` is the kapacitord the lost-* cases forward to."""

    def __init__(self, port=0, recorder_port=0, upstream=None):
        hostile = self
        self.recorder = Recorder(recorder_port)
        self.upstream = upstream
        self.seen = []        # (case, method, path, what happened)
        self.lost = set()     # (case, path) of the writes already lost once
        self.lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(length) if length else b''
                case, _slash, rest = self.path.lstrip('/').partition('/')
                path = '/' + rest
                self.close_connection = True
                outcome = hostile.answer(self, case, path, body)
                with hostile.lock:
                    hostile.seen.append((case, self.command, path, outcome))

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle

        self.server = _Server(('127.0.0.1', port), Handler)
        self.port = self.server.server_address[1]
        self.url = 'http://127.0.0.1:%d' % self.port
        _serve(self.server)

    # -- the cases -----------------------------------------------------------------------
    def answer(self, handler, case, path, body):
        kind, _dash, variant = case.partition('-')
        if kind == 'redirect' and variant.isdigit() and int(variant) in REDIRECTS:
            location = '%s/stolen%s?token=REDIRECT-QUERY-SECRET' % (self.recorder.url, path)
            return self._send(handler, int(variant), b'', [('Location', location)])
        if kind == 'shape' and variant in SHAPES:
            return self._send(handler, 200, SHAPES[variant])
        if case == 'gzip-truncated':
            data = gzip.compress(ELEMENT)
            return self._send(handler, 200, data[:len(data) // 2], [('Content-Encoding', 'gzip')])
        if case == 'drop-mid-body':
            return self._raw(handler, self._head(200, 1000) + ELEMENT[:20], hang_up=True)
        if case == 'drip':
            return self._drip(handler, self._head(200, len(ELEMENT)) + ELEMENT)
        if kind == 'lost' and variant in ('drop', '500') and self.upstream:
            return self._proxy(handler, case, variant, path, body)
        return self._send(handler, 404, b'{"error": "no such hostile case"}')

    def _proxy(self, handler, case, variant, path, body):
        first_write = False
        if handler.command != 'GET':
            with self.lock:
                first_write = (case, path) not in self.lost
                self.lost.add((case, path))
        status, headers, data = self._forward(handler.command, path, body, handler.headers)
        if not first_write:
            return self._send(handler, status, data, headers) + ' (forwarded)'
        if variant == 'drop':
            self._raw(handler, b'', hang_up=True)
            return 'forwarded (HTTP %d), then dropped' % status
        page = b'<html><body><h1>500 Internal Server Error</h1>proxy error</body></html>'
        self._send(handler, 500, page, [('Content-Type', 'text/html')])
        return 'forwarded (HTTP %d), then answered 500' % status

    def _forward(self, method, path, body, headers):
        parts = urllib.parse.urlsplit(self.upstream)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        try:
            keep = dict((k, v) for k, v in headers.items()
                        if k.lower() not in ('host', 'connection', 'content-length', 'accept-encoding'))
            conn.request(method, path, body=body or None, headers=keep)
            response = conn.getresponse()
            data = response.read()
            reply = [(k, v) for k, v in response.getheaders()
                     if k.lower() not in ('transfer-encoding', 'connection', 'content-length')]
            return response.status, reply, data
        finally:
            conn.close()

    # -- writing -------------------------------------------------------------------------
    @staticmethod
    def _head(status, length, headers=()):
        lines = ['HTTP/1.1 %d %s' % (status, http.client.responses.get(status, 'X')),
                 'Content-Length: %d' % length, 'Connection: close']
        if not any(name.lower() == 'content-type' for name, _value in headers):
            lines.append('Content-Type: application/json')
        lines += ['%s: %s' % pair for pair in headers]
        return ('\r\n'.join(lines) + '\r\n\r\n').encode('latin-1')

    def _send(self, handler, status, data, headers=()):
        self._raw(handler, self._head(status, len(data), headers) + data)
        return 'HTTP %d' % status

    @staticmethod
    def _raw(handler, data, hang_up=False):
        try:
            if data:
                handler.wfile.write(data)
                handler.wfile.flush()
            if hang_up:
                handler.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        return 'hung up' if hang_up else 'sent'

    @staticmethod
    def _drip(handler, data):
        started = time.monotonic()
        sent = 0
        for index in range(len(data)):
            if time.monotonic() - started > DRIP_LIMIT:
                break
            try:
                handler.wfile.write(data[index:index + 1])
                handler.wfile.flush()
            except OSError:
                break
            sent += 1
            time.sleep(DRIP_INTERVAL)
        return 'dripped %d of %d bytes in %.0f s' % (sent, len(data), time.monotonic() - started)

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.recorder.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--port', type=int, default=19100)
    parser.add_argument('--recorder-port', type=int, default=19101)
    parser.add_argument('--upstream', default=None)
    args = parser.parse_args()
    server = HostileServer(args.port, args.recorder_port, args.upstream)
    print('hostile server at %s, recorder at %s' % (server.url, server.recorder.url), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.close()


if __name__ == '__main__':
    main()
