# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The client's error mapping, against small local HTTP stubs (no Kapacitor needed)."""

import base64
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_client import (
    KapacitorClient, KapacitorError, element_path, section_path)


class Stub:
    """A one-route HTTP server answering with a fixed status, body and headers."""

    def __init__(self, status=200, body=b'{}', headers=None):
        stub = self
        self.seen = []

        class Handler(BaseHTTPRequestHandler):
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

        self.server = HTTPServer(('127.0.0.1', 0), Handler)
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
    assert [(seen['method'], seen['path']) for seen in server.seen] == [('GET', '/kapacitor/v1/config/slack/')]


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
        assert 'no complete answer from Kapacitor within 0.5 s (request_timeout)' in err.message
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


# -- hostile servers: redirects, wrong shapes, broken bodies, lost writes, drips ----------------

class RawServer:
    """A local TCP server that reads one HTTP request per connection and lets answer(sock, request)
    write whatever bytes it likes (or none); records every request it saw."""

    def __init__(self, answer):
        self.answer = answer
        self.seen = []
        self.listener = socket.socket()
        self.listener.bind(('127.0.0.1', 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.url = 'http://127.0.0.1:%d' % self.port
        self.threads = []
        thread = threading.Thread(target=self._accept)
        thread.daemon = True
        thread.start()

    def _accept(self):
        while True:
            try:
                conn = self.listener.accept()[0]
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(conn,))
            thread.daemon = True
            thread.start()
            self.threads.append(thread)

    def _serve(self, conn):
        conn.settimeout(5)
        try:
            data = b''
            while b'\r\n\r\n' not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, body = data.split(b'\r\n\r\n', 1)
            lines = head.decode('latin-1').split('\r\n')
            headers = dict(line.split(': ', 1) for line in lines[1:])
            length = int(headers.get('Content-Length') or 0)
            while len(body) < length:
                body += conn.recv(65536)
            method, path = lines[0].split(' ')[:2]
            self.seen.append({'method': method, 'path': path, 'headers': headers, 'body': body})
            self.answer(conn, self.seen[-1])
        except OSError:
            pass
        finally:
            conn.close()

    def close(self):
        self.listener.close()
        for thread in self.threads:
            thread.join(15)


@pytest.fixture
def raw():
    servers = []

    def make(answer):
        server = RawServer(answer)
        servers.append(server)
        return server
    yield make
    for server in servers:
        server.close()


def reply(status=200, body=b'{}', headers=(), length=None):
    """An answer(): one HTTP/1.1 response, Content-Length from the body unless given."""
    def answer(conn, _request):
        lines = ['HTTP/1.1 %d X' % status, 'Content-Length: %d' % (len(body) if length is None else length),
                 'Connection: close'] + ['%s: %s' % pair for pair in headers]
        conn.sendall(('\r\n'.join(lines) + '\r\n\r\n').encode('latin-1') + body)
    return answer


def hang_up(conn, _request):
    """Read the request, answer nothing."""


def failure(client, method='GET', path='/kapacitor/v1/config/slack/', body=None, **kwargs):
    with pytest.raises(KapacitorError) as err:
        client.request(method, path, body, **kwargs)
    message = err.value.message
    assert '\n' not in message and 'Traceback' not in message and 'object has no attribute' not in message
    assert message.startswith('%s ' % method), message
    return err.value


@pytest.mark.parametrize('status', [301, 302, 303, 307, 308])
@pytest.mark.parametrize('method', ['GET', 'POST'])
def test_redirects_are_never_followed_and_credentials_stay_home(raw, status, method):
    target = raw(reply(200, b'{"options": {}}'))
    location = 'http://u:LOCATION-SECRET@127.0.0.1:%d/steal?token=QUERY-SECRET' % target.port
    server = raw(reply(status, b'', headers=[('Location', location)]))
    url = server.url.replace('http://', 'http://ansible:URL-SECRET@')
    for client in (KapacitorClient(url), KapacitorClient(server.url, username='ansible', password='BASIC-SECRET'),
                   KapacitorClient(server.url, token='TOKEN-SECRET')):
        err = failure(client, method, body={'set': {'channel': '#a'}} if method == 'POST' else None)
        assert 'Kapacitor answered with a redirect (HTTP %d) to host 127.0.0.1:%d; redirects are not followed: set ' \
               'kapacitor_url to the address that answers directly' % (status, target.port) in err.message
        assert 'SECRET' not in err.message and '/steal' not in err.message
        assert err.status == status and err.maybe_applied is False
    assert target.seen == [], 'nothing reaches the redirect target, least of all credentials'
    assert len(server.seen) == 3


def test_a_relative_redirect_is_not_followed_either(raw):
    server = raw(reply(302, b'', headers=[('Location', '/elsewhere?token=QUERY-SECRET')]))
    err = failure(KapacitorClient(server.url), 'POST', body={'add': {'workspace': 'x'}})
    assert 'redirect (HTTP 302) to host 127.0.0.1 (the same host)' in err.message
    assert 'QUERY-SECRET' not in err.message and 'elsewhere' not in err.message
    assert len(server.seen) == 1 and server.seen[0]['method'] == 'POST'


@pytest.mark.parametrize('body, expect, got', [
    (b'[1]', {'options': dict}, 'got a list'),
    (b'"x"', {'options': dict}, 'got a string'),
    (b'{}', {'options': dict}, "got an object without 'options'"),
    (b'{"options": []}', {'options': dict}, "got 'options' as a list"),
    (b'{"sections": 1}', {'sections': dict}, "got 'sections' as a number"),
    (b'', {'options': dict}, 'got an empty answer'),
    (b'[1]', dict, 'got a list'),
])
def test_answers_of_the_wrong_shape(raw, body, expect, got):
    server = raw(reply(200, body))
    err = failure(KapacitorClient(server.url), expect=expect)
    wanted = 'a JSON object' if expect is dict else "a JSON object with '%s' (an object)" % list(expect)[0]
    assert err.message == "GET %s/kapacitor/v1/config/slack/: the answer is not Kapacitor's (expected %s, %s); " \
                          "is kapacitor_url pointing at Kapacitor?" % (server.url, wanted, got)
    assert err.status == 200 and err.maybe_applied is False


def test_expect_accepts_the_right_shape_and_tuples_of_types(stub):
    server = stub(200, b'{"options": {"a": 1}, "redacted": null, "n": 1}')
    client = KapacitorClient(server.url)
    assert client.get('/x', expect={'options': dict, 'redacted': (list, type(None))})['options'] == {'a': 1}
    assert client.get('/x', expect=dict)['n'] == 1
    with pytest.raises(KapacitorError, match=r"'n' \(a boolean\)"):
        client.get('/x', expect={'n': bool})
    # Kapacitor's service-test answer may leave out the message, or make it null.
    assert KapacitorClient(stub(200, b'{"success": true}').url).service_test('slack', {}) == \
        {'success': True, 'message': ''}
    assert KapacitorClient(stub(200, b'{"success": false, "message": null}').url).service_test('slack', {}) == \
        {'success': False, 'message': ''}


@pytest.mark.parametrize('body', [b'[1]', b'{"success": "yes"}', b'{"message": "ok"}', b'{"success": true, "message": 5}', b''])
def test_service_test_rejects_answers_that_are_not_kapacitors(raw, body):
    server = raw(reply(200, body))
    with pytest.raises(KapacitorError) as err:
        KapacitorClient(server.url).service_test('slack', {})
    assert "the answer is not Kapacitor's" in err.value.message and '\n' not in err.value.message
    assert err.value.maybe_applied is True, 'a test alert may have been sent'


def gzipped(data):
    import gzip
    return gzip.compress(data)


def test_gzip_bodies_are_decoded_and_truncated_ones_fail_in_one_line(raw):
    whole = gzipped(b'{"options": {"channel": "#a"}}')
    good = raw(reply(200, whole, headers=[('Content-Encoding', 'gzip')]))
    assert KapacitorClient(good.url).get('/x', expect={'options': dict}) == {'options': {'channel': '#a'}}
    cut = raw(reply(200, whole[:-9], headers=[('Content-Encoding', 'gzip')]))
    err = failure(KapacitorClient(cut.url), 'POST', body={'set': {}})
    assert err.message.endswith('the gzip-compressed answer is cut short; the POST may have been applied')
    assert err.maybe_applied is True
    corrupt = raw(reply(200, b'\x1f\x8b' + b'garbage' * 5, headers=[('Content-Encoding', 'gzip')]))
    assert 'the gzip-compressed answer is corrupt' in failure(KapacitorClient(corrupt.url)).message


@pytest.mark.parametrize('method', ['GET', 'POST', 'PUT', 'DELETE'])
def test_connection_dropped_mid_body(raw, method):
    server = raw(reply(200, b'{"options": {"chan', length=400))
    err = failure(KapacitorClient(server.url), method, body={'x': 1} if method in ('POST', 'PUT') else None)
    assert 'the connection closed in the middle of the answer (18 of 400 bytes received)' in err.message
    assert err.maybe_applied is (method != 'GET')


def test_chunked_body_dropped_mid_chunk(raw):
    def answer(conn, _request):
        conn.sendall(b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n20\r\n{"options"')
    err = failure(KapacitorClient(raw(answer).url), 'POST', body={})
    assert 'the connection closed in the middle of the answer' in err.message and err.maybe_applied is True


def test_invalid_utf8(raw):
    server = raw(reply(200, b'{"options": {"channel": "\xff\xfe"}}'))
    err = failure(KapacitorClient(server.url))
    assert 'the answer (HTTP 200) is not valid UTF-8; is kapacitor_url pointing at Kapacitor?' in err.message


def test_body_over_the_size_cap(raw):
    server = raw(reply(200, b'[' + b'0,' * (8 * 1024 * 1024 + 10) + b'0]'))
    err = failure(KapacitorClient(server.url, timeout=30))
    assert 'the answer is larger than 16 MiB' in err.message


def test_gzip_bomb_is_capped_too(raw):
    server = raw(reply(200, gzipped(b' ' * (17 * 1024 * 1024)), headers=[('Content-Encoding', 'gzip')]))
    assert 'larger than 16 MiB once decompressed' in failure(KapacitorClient(server.url, timeout=30)).message


def closed_port():
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


@pytest.mark.parametrize('case, maybe', [
    ('refused', False), ('hang_up', True), ('timeout', True), ('500', True), ('502_html', True),
    ('400', False), ('404', False), ('200_not_json', True), ('200_wrong_shape', True), ('204', None),
])
@pytest.mark.parametrize('method', ['GET', 'POST', 'DELETE'])
def test_maybe_applied(raw, case, maybe, method):
    """A write that may have reached Kapacitor is flagged so that the caller re-reads it."""
    answers = {'hang_up': hang_up, 'timeout': lambda conn, req: time.sleep(1.5),
               '500': reply(500, b'{"error": "failed to update configuration"}'),
               '502_html': reply(502, b'<html>Bad gateway</html>'), '400': reply(400, b'{"error": "bad"}'),
               '404': reply(404, b'{"error": "unknown section/element: slack/x"}'),
               '200_not_json': reply(200, b'<html>'), '200_wrong_shape': reply(200, b'[1]'), '204': reply(204, b'')}
    url = 'http://127.0.0.1:%d' % closed_port() if case == 'refused' else raw(answers[case]).url
    client = KapacitorClient(url, timeout=0.5)
    if maybe is None:
        assert client.request(method, '/kapacitor/v1/config/slack/x', expect=None) is None
        return
    err = failure(client, method, '/kapacitor/v1/config/slack/x', {'set': {}} if method == 'POST' else None,
                  expect={'options': dict} if case == '200_wrong_shape' else None)
    assert err.maybe_applied is (maybe and method != 'GET'), err.message
    assert err.message.endswith('may have been applied') is err.maybe_applied


def test_tls_handshake_failure_is_not_a_maybe():
    """A plain-HTTP server behind an https:// URL: the handshake fails, no request was sent."""
    listener = socket.socket()
    listener.bind(('127.0.0.1', 0))
    listener.listen(1)
    received = []

    def answer_in_plain_http():
        conn = listener.accept()[0]
        conn.settimeout(5)
        received.append(conn.recv(65536))
        conn.sendall(b'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')
        conn.close()
    thread = threading.Thread(target=answer_in_plain_http)
    thread.start()
    try:
        url = 'https://127.0.0.1:%d' % listener.getsockname()[1]
        err = failure(KapacitorClient(url, validate_certs=False, timeout=5), 'POST', body={})
        assert 'TLS error' in err.message and err.maybe_applied is False
        assert b'POST' not in received[0], 'only a TLS ClientHello reached the server'
    finally:
        thread.join()
        listener.close()


def test_a_password_in_kapacitor_url_is_masked_but_used(raw, stub):
    server = stub(500, b'{"error": "failed with pw-S3cret!x in it"}')
    url = server.url.replace('http://', 'http://ansible:pw-S3cret%21x@')
    client = KapacitorClient(url + '/')
    assert client.base_url == server.url.replace('http://', 'http://ansible:********@')
    err = failure(client, 'POST', body={})
    assert 'pw-S3cret' not in err.message and 'ansible:********@127.0.0.1' in err.message
    assert 'pw-S3cret' not in err.kapacitor_message
    expected = 'Basic ' + base64.b64encode(b'ansible:pw-S3cret!x').decode()
    assert server.seen[0]['headers']['Authorization'] == expected
    assert server.seen[0]['path'] == '/kapacitor/v1/config/slack/'
    refused = KapacitorClient('http://ansible:pw-S3cret@127.0.0.1:%d' % closed_port())
    assert 'pw-S3cret' not in failure(refused).message
    with pytest.raises(KapacitorError) as err:
        KapacitorClient('ftp://ansible:pw-S3cret@127.0.0.1:1')
    assert 'pw-S3cret' not in err.value.message and 'ftp://ansible:********@' in err.value.message


def test_explicit_username_wins_over_the_url(stub):
    server = stub(200, b'{}')
    KapacitorClient(server.url.replace('http://', 'http://x:y@'), username='ansible', password='s3cret').get('/p')
    assert server.seen[0]['headers']['Authorization'] == 'Basic ' + base64.b64encode(b'ansible:s3cret').decode()


def dripping(head_first):
    def answer(conn, _request):
        body = b'{"options": {"channel": "#dripping-slowly"}}'
        data = ('HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n' % len(body)).encode() + body
        if head_first:
            conn.sendall(data[:40])
            data = data[40:]
        for byte in data[:20]:
            try:
                conn.sendall(bytes([byte]))
            except OSError:
                return
            time.sleep(0.3)
    return answer


@pytest.mark.parametrize('head_first', [False, True], ids=['drip-in-headers', 'drip-in-body'])
@pytest.mark.parametrize('method', ['GET', 'POST'])
def test_request_timeout_bounds_the_whole_request(raw, head_first, method):
    server = raw(dripping(head_first))
    client = KapacitorClient(server.url, timeout=1)
    started = time.monotonic()
    err = failure(client, method, body={} if method == 'POST' else None)
    elapsed = time.monotonic() - started
    assert elapsed < 1.8, elapsed
    assert ('%s %s/kapacitor/v1/config/slack/: no complete answer from Kapacitor within 1 s (request_timeout)'
            % (method, server.url)) in err.message
    assert err.maybe_applied is (method == 'POST')


def test_http_proxy_from_the_environment_is_still_honoured(stub, monkeypatch):
    """Kept from urllib (passes on the old client too): http_proxy is used, no_proxy bypasses it."""
    proxy = stub(200, b'{"options": {}}')
    monkeypatch.setenv('http_proxy', proxy.url)
    monkeypatch.delenv('no_proxy', raising=False)
    monkeypatch.delenv('NO_PROXY', raising=False)
    assert KapacitorClient('http://kapacitor.invalid:9092').get('/kapacitor/v1/ping') == {'options': {}}
    assert proxy.seen[0]['path'] == 'http://kapacitor.invalid:9092/kapacitor/v1/ping'
    monkeypatch.setenv('no_proxy', 'kapacitor.invalid')
    assert 'unknown host' in error_of(KapacitorClient('http://kapacitor.invalid:9092')).message


@pytest.mark.parametrize('kwargs', [{'token': 'abc\ndef-TOKEN'}, {'token': 'tok\u20ac-TOKEN'}])
def test_credentials_that_cannot_be_sent_fail_in_one_line(stub, kwargs):
    server = stub(200, b'{}')
    err = failure(KapacitorClient(server.url, **kwargs), 'POST', body={})
    assert 'a header value' in err.message and 'TOKEN' not in err.message and 'PASSWORD' not in err.message
    assert err.maybe_applied is False and server.seen == []
