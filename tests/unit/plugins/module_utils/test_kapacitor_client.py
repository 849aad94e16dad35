# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The client's error mapping, against small local HTTP stubs (no Kapacitor needed)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json
import socket
import threading

import pytest

from ansible.module_utils.six.moves import BaseHTTPServer

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_client import (
    KapacitorClient, KapacitorError, element_path, section_path)


class Stub:
    """A one-route HTTP server answering with a fixed status, body and headers."""

    def __init__(self, status=200, body=b'{}', headers=None):
        stub = self
        self.seen = []

        class Handler(BaseHTTPServer.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self):
                length = int(self.headers.get('Content-Length') or 0)
                stub.seen.append({'method': self.command, 'path': self.path,
                                  'headers': dict(self.headers.items()),
                                  'body': self.rfile.read(length) if length else b''})
                self.send_response(status)
                for key, value in (headers or {'X-Kapacitor-Version': '1.8.3'}).items():
                    self.send_header(key, value)
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

        self.server = BaseHTTPServer.HTTPServer(('127.0.0.1', 0), Handler)
        self.url = 'http://127.0.0.1:%d' % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever)
        self.thread.daemon = True
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub():
    stubs = []

    def make(*args, **kwargs):
        server = Stub(*args, **kwargs)
        stubs.append(server)
        return server
    yield make
    for server in stubs:
        server.close()


def error_of(client, method='GET', path='/kapacitor/v1/config/slack/', body=None):
    with pytest.raises(KapacitorError) as err:
        client.request(method, path, body)
    assert '\n' not in err.value.message, 'errors are one line'
    return err.value


def test_json_answer_and_version_header(stub):
    server = stub(200, b'{"options": {"enabled": false}}')
    client = KapacitorClient(server.url + '/')
    assert client.get('/kapacitor/v1/config/slack/') == {'options': {'enabled': False}}
    assert client.version == '1.8.3'
    assert client.requests == [('GET', '/kapacitor/v1/config/slack/')]


def test_post_sends_json_and_accepts_204_without_body(stub):
    server = stub(204, b'')
    client = KapacitorClient(server.url)
    assert client.post('/kapacitor/v1/config/slack/', {'set': {'channel': '#a'}}) is None
    seen = server.seen[0]
    assert seen['method'] == 'POST'
    assert json.loads(seen['body']) == {'set': {'channel': '#a'}}
    assert seen['headers']['Content-Type'] == 'application/json'


def test_basic_auth_is_sent_up_front(stub):
    server = stub(200, b'{}')
    KapacitorClient(server.url, username='ansible', password='s3cret').get('/kapacitor/v1/ping')
    expected = 'Basic ' + base64.b64encode(b'ansible:s3cret').decode()
    assert server.seen[0]['headers']['Authorization'] == expected


def test_401_names_the_credentials(stub):
    server = stub(401, b'{"error":"authorization failed","message":"authorization failed"}')
    err = error_of(KapacitorClient(server.url, username='u', password='p'))
    assert err.status == 401
    assert 'rejected the credentials' in err.message and 'authorization failed' in err.message


def test_403_with_config_overrides_disabled(stub):
    body = b'{\n    "error": "config override service is not enabled",\n    "message": "config override service is not enabled"\n}'
    err = error_of(KapacitorClient(stub(403, body).url))
    assert 'config overrides are disabled' in err.message
    assert '[config-override] enabled = true' in err.message


def test_403_missing_privilege_quotes_kapacitor(stub):
    body = b'{"error":"user bob does not have \\"config_api\\" privilege for API endpoint \\"/kapacitor/v1/config\\""}'
    err = error_of(KapacitorClient(stub(403, body).url))
    assert 'access denied (HTTP 403: user bob does not have "config_api" privilege' in err.message


def test_400_keeps_kapacitor_message_for_the_engine(stub):
    body = b'{"error":"failed to override configuration smtp/: unknown options [foo] in section smtp",' \
           b'"message":"failed to override configuration smtp/: unknown options [foo] in section smtp"}'
    err = error_of(KapacitorClient(stub(400, body).url), 'POST', '/kapacitor/v1/config/smtp/', {'set': {'foo': 1}})
    assert err.status == 400
    assert err.kapacitor_message.endswith('unknown options [foo] in section smtp')
    assert err.version == '1.8.3'


def test_5xx_is_a_server_failure(stub):
    err = error_of(KapacitorClient(stub(502, b'<html>Bad gateway</html>').url))
    assert 'Kapacitor failed with HTTP 502: <html>Bad gateway</html>' in err.message


def test_body_that_is_not_json(stub):
    err = error_of(KapacitorClient(stub(200, b'<html>hello</html>').url))
    assert 'not JSON' in err.message and 'kapacitor_url' in err.message


def free_port():
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def test_connection_refused():
    err = error_of(KapacitorClient('http://127.0.0.1:%d' % free_port()))
    assert 'connection refused' in err.message


def test_unknown_host():
    err = error_of(KapacitorClient('http://kapacitor.invalid:9092'))
    assert 'unknown host' in err.message


def test_timeout_when_the_server_never_answers():
    listener = socket.socket()
    listener.bind(('127.0.0.1', 0))
    listener.listen(1)
    try:
        url = 'http://127.0.0.1:%d' % listener.getsockname()[1]
        err = error_of(KapacitorClient(url, timeout=0.5))
        assert 'no answer from Kapacitor within 0.5 s' in err.message
    finally:
        listener.close()


def test_connection_closed_without_answer():
    listener = socket.socket()
    listener.bind(('127.0.0.1', 0))
    listener.listen(1)

    def accept_and_close():
        conn = listener.accept()[0]
        conn.recv(65536)
        conn.close()
    thread = threading.Thread(target=accept_and_close)
    thread.start()
    try:
        err = error_of(KapacitorClient('http://127.0.0.1:%d' % listener.getsockname()[1]), 'POST',
                       '/kapacitor/v1/config/slack', {'add': {'workspace': 'x'}})
        assert 'closed the connection without answering' in err.message
    finally:
        thread.join()
        listener.close()


def test_url_must_be_http():
    with pytest.raises(KapacitorError, match='kapacitor_url'):
        KapacitorClient('localhost:9092')


def test_paths():
    assert element_path('smtp') == '/kapacitor/v1/config/smtp/'
    assert element_path('slack', '') == '/kapacitor/v1/config/slack/'
    assert element_path('slack', 'ops') == '/kapacitor/v1/config/slack/ops'
    assert section_path('slack') == '/kapacitor/v1/config/slack'


def test_service_test_reads_success_from_the_body(stub):
    server = stub(200, b'{"success": false, "message": "service is not enabled"}')
    answer = KapacitorClient(server.url).service_test('slack', {'workspace': 'ops'})
    assert answer == {'success': False, 'message': 'service is not enabled'}
    assert server.seen[0]['path'] == '/kapacitor/v1/service-tests/slack'
    assert json.loads(server.seen[0]['body']) == {'workspace': 'ops'}
