#!/usr/bin/env python
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Local peers for Kapacitor's alert handlers, recording everything they receive.

* HTTP (``--port``): a stand-in for SaaS endpoints (Slack, Telegram, PagerDuty...). Point a
  handler's ``url`` at ``http://127.0.0.1:<port>/<anything>``. Any request is recorded and
  answered 200 ``{"ok": true}`` (what Slack and Telegram expect), unless its path contains
  ``/_status/<code>/``: then it is answered with that code, so tests can make an endpoint fail.
  A path containing ``/_echo/<code>/`` is answered with that code and a text body echoing the
  request line, as web frameworks do ("Cannot POST /services/T000/B000/<webhook secret>"), so
  tests can check that an echoed secret never reaches a task's output.
* TCP (``--tcp-port``): newline-delimited messages, like Sensu's client socket and Kapacitor's
  tcp handler; each line is recorded (kind ``tcp``).
* UDP (``--udp-port``): datagrams such as SNMP traps, recorded base64-encoded (kind ``udp``).
* SMTP (``--smtp-port``): a real SMTP server (aiosmtpd); each mail is recorded with its
  envelope and parsed headers (kind ``smtp``).

The HTTP port also serves what was recorded:

  GET    /_recorded[?path=<prefix>][&kind=<kind>]   recordings, oldest first
  DELETE /_recorded                                 forget them
  GET    /_health                                   204
"""

import argparse
import base64
import email
import email.policy
import json
import re
import socketserver
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

RECORDS = []
LOCK = threading.Lock()
STATUS_IN_PATH = re.compile(r'/_status/(\d{3})(?:/|$)')
ECHO_IN_PATH = re.compile(r'/_echo/(\d{3})(?:/|$)')


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
        record({
            'kind': 'http',
            'method': self.command,
            'path': self.path,
            'headers': dict(self.headers.items()),
            'body': text,
            'json': decoded,
        })

    def _handle(self):
        url = urlsplit(self.path)
        if url.path == '/_health':
            return self._reply(204)
        if url.path == '/_recorded':
            if self.command == 'DELETE':
                with LOCK:
                    del RECORDS[:]
                return self._reply(204)
            query = parse_qs(url.query)
            prefix = (query.get('path') or [''])[0]
            kind = (query.get('kind') or [''])[0]
            with LOCK:
                found = [r for r in RECORDS
                         if r.get('path', '').startswith(prefix) and (not kind or r['kind'] == kind)]
            return self._reply(200, {'requests': found})
        self._record()
        match = ECHO_IN_PATH.search(url.path)
        if match:
            body = ('Cannot %s %s' % (self.command, self.path)).encode('utf-8')
            self.send_response(int(match.group(1)))
            self.send_header('Content-Type', 'text/html; charset=utf-8')
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return None
        match = STATUS_IN_PATH.search(url.path)
        if match:
            status = int(match.group(1))
            return self._reply(status, {'ok': status < 400, 'description': 'status %d requested' % status})
        return self._reply(200, {'ok': True, 'result': {}})

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle


def record(entry):
    entry['time'] = time.time()
    with LOCK:
        RECORDS.append(entry)


class TCPLines(socketserver.StreamRequestHandler):
    """One JSON message per connection, answered "ok" like Sensu's client socket.

    Kapacitor's sensu service reads until EOF and wants "ok"; its tcp handler only writes.
    """

    def handle(self):
        raw = self.rfile.readline()
        if not raw:
            return
        text = raw.decode('utf-8', errors='replace').rstrip('\n')
        try:
            decoded = json.loads(text)
        except ValueError:
            decoded = None
        record({'kind': 'tcp', 'peer': '%s:%d' % self.client_address, 'body': text, 'json': decoded})
        try:
            self.wfile.write(b'ok')
        except OSError:
            pass  # the tcp handler closes its side right after writing


class UDPDatagrams(socketserver.BaseRequestHandler):
    def handle(self):
        data = self.request[0]
        record({'kind': 'udp', 'peer': '%s:%d' % self.client_address,
                'base64': base64.b64encode(data).decode('ascii')})


class ThreadingTCP(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def start_smtp(host, port):
    from aiosmtpd.controller import Controller  # test-only dependency, from the venv

    class Mailbox:
        async def handle_DATA(self, server, session, envelope):
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            body = message.get_body(preferencelist=('plain', 'html'))
            record({
                'kind': 'smtp',
                'mail_from': envelope.mail_from,
                'rcpt_tos': list(envelope.rcpt_tos),
                'headers': dict((k, str(v)) for k, v in message.items()),
                'subject': str(message.get('Subject', '')),
                'body': body.get_content() if body is not None else '',
            })
            return '250 Message accepted for delivery'

    controller = Controller(Mailbox(), hostname=host, port=port)
    controller.start()
    return controller


def serve_in_thread(server):
    thread = threading.Thread(target=server.serve_forever)
    thread.daemon = True
    thread.start()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=19300)
    parser.add_argument('--tcp-port', type=int)
    parser.add_argument('--udp-port', type=int)
    parser.add_argument('--smtp-port', type=int)
    args = parser.parse_args(argv)
    if args.tcp_port:
        serve_in_thread(ThreadingTCP((args.host, args.tcp_port), TCPLines))
        sys.stdout.write('tcp listening on %s:%d\n' % (args.host, args.tcp_port))
    if args.udp_port:
        serve_in_thread(socketserver.ThreadingUDPServer((args.host, args.udp_port), UDPDatagrams))
        sys.stdout.write('udp listening on %s:%d\n' % (args.host, args.udp_port))
    if args.smtp_port:
        start_smtp(args.host, args.smtp_port)
        sys.stdout.write('smtp listening on %s:%d\n' % (args.host, args.smtp_port))
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    sys.stdout.write('receiver listening on http://%s:%d\n' % (args.host, server.server_address[1]))
    sys.stdout.flush()
    server.serve_forever()


if __name__ == '__main__':
    main()
