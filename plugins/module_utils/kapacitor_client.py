# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A small client for Kapacitor's HTTP API: Python's standard library only.

Every failure is raised as :class:`KapacitorError` carrying one clear line; tracebacks never
reach the user.

It speaks http.client directly rather than through urllib (ansible.module_utils.urls.Request)
because it must know exactly how far a request got (connected? sent? answered?) to tell whether a
write may have landed, bound the whole request by one deadline, never follow a redirect and never
hand credentials to any other host.
"""

import base64
import io
import json
import socket
import ssl
import time
import zlib

try:
    import http.client as http_client
    from urllib.parse import quote, unquote, urlsplit
    from urllib.request import getproxies, proxy_bypass
except ImportError:  # pragma: no cover - Python 2 is not supported by this collection
    http_client = None

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.common.text.converters import to_text

API_PREFIX = '/kapacitor/v1'

# No Kapacitor answer comes near this; a bigger body is some other server (or an attack).
MAX_BODY = 16 * 1024 * 1024
MASK = '********'

CONNECTION_ARGUMENT_SPEC = dict(
    kapacitor_url=dict(type='str', default='http://localhost:9092',
                       fallback=(env_fallback, ['KAPACITOR_URL'])),
    kapacitor_username=dict(type='str', fallback=(env_fallback, ['KAPACITOR_USERNAME'])),
    kapacitor_password=dict(type='str', no_log=True,
                            fallback=(env_fallback, ['KAPACITOR_PASSWORD'])),
    kapacitor_token=dict(type='str', no_log=True, fallback=(env_fallback, ['KAPACITOR_TOKEN'])),
    validate_certs=dict(type='bool', default=True,
                        fallback=(env_fallback, ['KAPACITOR_VALIDATE_CERTS'])),
    ca_path=dict(type='path', fallback=(env_fallback, ['KAPACITOR_CA_PATH'])),
    client_cert=dict(type='path'),
    client_key=dict(type='path', no_log=False),
    request_timeout=dict(type='float', default=10.0,
                         fallback=(env_fallback, ['KAPACITOR_REQUEST_TIMEOUT'])),
)


class KapacitorError(Exception):
    """A failure explained in one line.

    status is the HTTP status when Kapacitor answered, kapacitor_message its own error text,
    version the ``X-Kapacitor-Version`` it reported. maybe_applied is True when a write (any
    method but GET) may have reached Kapacitor although no good answer came back: the caller
    must re-read before reporting anything.
    """

    def __init__(self, message, status=None, kapacitor_message=None, version=None, maybe_applied=False):
        super(KapacitorError, self).__init__(message)
        self.message = message
        self.status = status
        self.kapacitor_message = kapacitor_message
        self.version = version
        self.maybe_applied = maybe_applied


def element_path(section, element=''):
    """The URL path of one element; single-element sections and key "" need the trailing slash."""
    return '%s/config/%s/%s' % (API_PREFIX, quote(section, safe=''), quote(element or '', safe=''))


def section_path(section):
    return '%s/config/%s' % (API_PREFIX, quote(section, safe=''))


def url_secrets(url):
    """The password inside a kapacitor_url (http://user:pw@host), raw and as written, for no_log."""
    try:
        netloc = urlsplit(url or '').netloc
    except ValueError:
        return []
    userinfo = netloc.rpartition('@')[0]
    if ':' not in userinfo:
        return []
    written = userinfo.split(':', 1)[1]
    return [value for value in (written, unquote(written)) if value]


def display_url(url):
    """kapacitor_url as messages show it: any password replaced by ********."""
    for secret in url_secrets(url):
        url = url.replace(':%s@' % secret, ':%s@' % MASK)
    return url


_JSON_TYPES = ((bool, 'a boolean'), (dict, 'an object'), (list, 'a list'), (str, 'a string'),
               (int, 'a number'), (float, 'a number'), (type(None), 'null'))


def json_kind(value):
    """The JSON type of a value, as messages name it ('a string', 'null', ...)."""
    for kind, name in _JSON_TYPES:
        if isinstance(value, kind):
            return name
    return type(value).__name__


def _kinds(types):
    names = []
    for kind in types if isinstance(types, tuple) else (types,):
        name = dict(_JSON_TYPES).get(kind, getattr(kind, '__name__', str(kind)))
        if name not in names:
            names.append(name)
    return ' or '.join(names)


def _is(value, types):
    types = types if isinstance(types, tuple) else (types,)
    if isinstance(value, bool) and bool not in types:
        return False  # JSON true is not a number
    return isinstance(value, types)


def shape_problem(answer, expect):
    """None if answer has the shape expect describes, else (what was expected, what came)."""
    if expect is None:
        return None
    keys = {} if expect is dict else expect
    wanted = 'a JSON object'
    if keys:
        wanted += ' with ' + ' and '.join("'%s' (%s)" % (key, _kinds(types)) for key, types in keys.items())
    if answer is None:
        return wanted, 'an empty answer'
    if not isinstance(answer, dict):
        return wanted, json_kind(answer)
    for key, types in keys.items():
        if key not in answer:
            return wanted, "an object without '%s'" % key
        if not _is(answer[key], types):
            return wanted, "'%s' as %s" % (key, json_kind(answer[key]))
    return None


class _Clock:
    """The deadline of one request."""

    def __init__(self, timeout):
        self.timeout = timeout
        self.deadline = time.monotonic() + timeout

    def left(self):
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise socket.timeout('request_timeout reached')
        return left


class _DeadlineReader(io.RawIOBase):
    """Reads the socket with a timeout of whatever is left of the request's deadline, per recv.

    A per-socket timeout alone bounds each read, so a server dripping one byte per second
    would hold the request forever; re-arming the timeout before every recv bounds the whole
    answer, in one thread and without leaving anything running behind.
    """

    def __init__(self, sock, clock):
        super(_DeadlineReader, self).__init__()
        self._sock = sock
        self._clock = clock

    def readable(self):
        return True

    def readinto(self, buf):
        self._sock.settimeout(self._clock.left())
        return self._sock.recv_into(buf)


class _DeadlineSocket:
    """What http.client sees of the socket: every send and read bounded by the deadline."""

    def __init__(self, sock, clock):
        self._sock = sock
        self._clock = clock

    def makefile(self, mode='rb', *args, **kwargs):
        return io.BufferedReader(_DeadlineReader(self._sock, self._clock))

    def sendall(self, data, *args):
        self._sock.settimeout(self._clock.left())
        return self._sock.sendall(data, *args)

    def close(self):
        # http.client closes the connection as soon as it has the headers of a last answer,
        # before the body is read; the socket is closed by _exchange once it is done.
        pass

    def __getattr__(self, name):
        return getattr(self._sock, name)


if http_client is not None:
    class _Connection(http_client.HTTPConnection):
        """HTTP connection whose connect, tunnel, TLS handshake and reads share one deadline."""

        tls_context = None
        tls_host = None
        clock = None
        opened = ()

        def connect(self):
            # getaddrinfo cannot be bounded with the standard library; everything after it is.
            sock = socket.create_connection((self.host, self.port), self.clock.left())
            self.opened = [sock]
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.sock = _DeadlineSocket(sock, self.clock)
            if self._tunnel_host:  # an https_proxy: CONNECT first, then TLS inside the tunnel
                self._tunnel()
            if self.tls_context is not None:
                sock.settimeout(self.clock.left())  # the handshake counts this as its total
                sock = self.tls_context.wrap_socket(sock, server_hostname=self.tls_host)
                self.opened.append(sock)
                self.sock = _DeadlineSocket(sock, self.clock)


class _Failure(Exception):
    """Raised inside request(): a message and whether the request may have been applied."""

    def __init__(self, message, status=None, kapacitor_message=None, after_send=True):
        super(_Failure, self).__init__(message)
        self.message = message
        self.status = status
        self.kapacitor_message = kapacitor_message
        self.after_send = after_send


class KapacitorClient:
    """Talks JSON to one Kapacitor server."""

    def __init__(self, url, username=None, password=None, validate_certs=True, ca_path=None,
                 client_cert=None, client_key=None, timeout=10.0, token=None):
        raw = (url or '').strip().rstrip('/')
        # base_url is the display form (password masked): it is what messages quote.
        self.base_url = display_url(raw)
        self._secrets = [s for s in url_secrets(raw) + [password, token] if s and len(s) >= 4]
        try:
            parts = urlsplit(raw)
            port = parts.port
        except ValueError:
            raise KapacitorError('kapacitor_url: %r is not a valid URL (bad host or port)' % (self.base_url,))
        if parts.scheme not in ('http', 'https') or not parts.hostname:
            raise KapacitorError(
                'kapacitor_url: %r is not an http:// or https:// URL' % (self.base_url,))
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = port or (443 if self.scheme == 'https' else 80)
        self._prefix = parts.path.rstrip('/')
        self.timeout = timeout
        self.version = None
        self._headers = {'Accept': 'application/json', 'User-Agent': 'tick.kapacitor'}
        url_user = parts.username
        if not username and url_user is not None:
            # Credentials written into kapacitor_url, unless kapacitor_username is given.
            username = unquote(url_user)
            if parts.password is not None:
                password = unquote(parts.password)
        if token:
            # A JWT signed with Kapacitor's [http] shared-secret.
            self._headers['Authorization'] = 'Bearer %s' % token
        if username or password:
            # Sent up front, to this host only: redirects are never followed.
            pair = ('%s:%s' % (username or '', password or '')).encode('utf-8')
            self._headers['Authorization'] = 'Basic %s' % base64.b64encode(pair).decode('ascii')
        self._tls = None
        if self.scheme == 'https':
            self._tls = self._tls_context(validate_certs, ca_path, client_cert, client_key)

    @staticmethod
    def _tls_context(validate_certs, ca_path, client_cert, client_key):
        try:
            context = ssl.create_default_context(cafile=ca_path)
            if not validate_certs:
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            if client_cert:
                context.post_handshake_auth = True
                context.load_cert_chain(client_cert, keyfile=client_key)
        except (OSError, ssl.SSLError, ValueError) as exc:
            raise KapacitorError('ca_path, client_cert or client_key: cannot be loaded (%s)' % _first_line(exc))
        return context

    @classmethod
    def from_params(cls, params):
        return cls(
            url=params.get('kapacitor_url'), username=params.get('kapacitor_username'),
            password=params.get('kapacitor_password'),
            validate_certs=params.get('validate_certs', True), ca_path=params.get('ca_path'),
            client_cert=params.get('client_cert'), client_key=params.get('client_key'),
            timeout=params.get('request_timeout') or 10.0, token=params.get('kapacitor_token'))

    # -- requests -------------------------------------------------------------------------
    def request(self, method, path, body=None, expect=None):
        """Send one request; returns the decoded JSON body (None when empty).

        expect: None (any JSON), dict (a JSON object) or {key: type or tuple of types}
        (a JSON object with each key holding such a value); anything else is not Kapacitor's.
        """
        where = '%s %s%s' % (method, self.base_url, path)
        write = method != 'GET'
        try:
            status, raw = self._exchange(method, path, body)
            answer = self._decode(status, raw)
            problem = shape_problem(answer, expect)
            if problem:
                raise _Failure("the answer is not Kapacitor's (expected %s, got %s); is kapacitor_url "
                               "pointing at Kapacitor?" % problem, status=status)
        except _Failure as failure:
            maybe = write and failure.after_send and (failure.status is None or failure.status < 300
                                                      or failure.status >= 500)
            text = '%s: %s' % (where, failure.message)
            if maybe:
                text += '; the %s may have been applied' % method
            raise KapacitorError(self._mask(text), status=failure.status,
                                 kapacitor_message=self._mask(failure.kapacitor_message),
                                 version=self.version, maybe_applied=maybe)
        return answer

    def get(self, path, expect=None):
        return self.request('GET', path, expect=expect)

    def post(self, path, body, expect=None):
        return self.request('POST', path, body, expect=expect)

    def service_test(self, service, options):
        """Kapacitor's service test ("Send Test Alert"); returns {success, message} unmasked.

        Kapacitor answers 200 whether or not the test worked, so success is in the body.
        """
        path = '%s/service-tests/%s' % (API_PREFIX, quote(service, safe=''))
        answer = self.post(path, options or {}, expect={'success': bool})
        message = answer.get('message')
        if message is not None and not isinstance(message, str):
            raise KapacitorError(
                "POST %s%s: the answer is not Kapacitor's (expected a JSON object with 'message' (a string), "
                "got 'message' as %s); is kapacitor_url pointing at Kapacitor?" % (self.base_url, path, json_kind(message)),
                status=200, version=self.version, maybe_applied=True)
        return {'success': answer['success'], 'message': message or ''}

    def ping(self):
        self.request('GET', API_PREFIX + '/ping')
        return self.version

    # -- transport ------------------------------------------------------------------------
    def _connection(self, clock):
        proxy = None
        if not proxy_bypass(self.host):
            proxy = getproxies().get(self.scheme)
        target = self.host, self.port
        conn_host, conn_port = target
        proxy_auth = None
        if proxy:
            if '://' not in proxy:
                proxy = 'http://' + proxy
            proxy_parts = urlsplit(proxy)
            conn_host, conn_port = proxy_parts.hostname, proxy_parts.port or 80
            if proxy_parts.username is not None:
                pair = '%s:%s' % (unquote(proxy_parts.username), unquote(proxy_parts.password or ''))
                proxy_auth = 'Basic %s' % base64.b64encode(pair.encode('utf-8')).decode('ascii')
        conn = _Connection(conn_host, conn_port)
        conn.clock = clock
        if self._tls is not None:
            conn.tls_context, conn.tls_host = self._tls, self.host
            conn.default_port = 443  # for the Host header
            if proxy:
                conn.set_tunnel(self.host, self.port, {'Proxy-Authorization': proxy_auth} if proxy_auth else None)
        target_path = self._prefix
        extra = {}
        if proxy and self._tls is None:
            # A plain-HTTP proxy takes the absolute URL.
            netloc = '[%s]' % self.host if ':' in self.host else self.host
            target_path = 'http://%s:%d%s' % (netloc, self.port, self._prefix)
            if proxy_auth:
                extra['Proxy-Authorization'] = proxy_auth
        return conn, target_path, extra

    def _exchange(self, method, path, body):
        """Sends the request; returns (status, raw body) or raises _Failure."""
        clock = _Clock(self.timeout)
        data = None
        headers = dict(self._headers)
        if body is not None:
            data = json.dumps(body).encode('utf-8')
            headers['Content-Type'] = 'application/json'
        conn = None
        sent = False
        try:
            conn, prefix, extra = self._connection(clock)
            headers.update(extra)
            conn.connect()
            sent = True  # from here on the server may act on the request
            conn.request(method, prefix + path, body=data, headers=headers)
            response = conn.getresponse()
            self._note_version(response.headers)
            status = response.status
            if 300 <= status < 400:
                raise _Failure(self._redirect_message(status, response.headers.get('Location')),
                               status=status)
            raw = self._read_body(response)
            raw = self._decompress(response.headers.get('Content-Encoding'), raw)
        except _Failure:
            raise
        except (socket.timeout, TimeoutError):
            raise _Failure('no complete answer from Kapacitor within %g s (request_timeout)' % self.timeout,
                           after_send=sent)
        except ssl.SSLCertVerificationError as exc:
            raise _Failure('TLS certificate verification failed (%s). Set ca_path to the CA that signed '
                           'it, or validate_certs=false to skip the check' % (exc.verify_message or _first_line(exc)),
                           after_send=False)
        except ssl.SSLError as exc:
            raise _Failure('TLS error (%s)' % _first_line(exc), after_send=sent)
        except ConnectionRefusedError:
            raise _Failure('connection refused; is Kapacitor running and is kapacitor_url right?', after_send=sent)
        except socket.gaierror as exc:
            raise _Failure('unknown host (%s); check kapacitor_url' % (exc.strerror or exc), after_send=False)
        except http_client.IncompleteRead as exc:
            raise _Failure(_incomplete(exc), after_send=True)
        except ValueError:
            # http.client refuses header values with line breaks or non-Latin-1 text; its message
            # quotes the value, which may be the token, so it is not repeated.
            raise _Failure('the request cannot be sent: a header value (kapacitor_token, kapacitor_username or '
                           'kapacitor_password) contains a line break or a character HTTP headers cannot carry',
                           after_send=False)
        except (http_client.HTTPException, OSError) as exc:
            if not sent:
                raise _Failure('cannot connect to Kapacitor (%s)' % _describe(exc), after_send=False)
            raise _Failure('Kapacitor closed the connection without answering (%s)' % _describe(exc))
        finally:
            if conn is not None:
                conn.close()
                for sock in reversed(conn.opened):
                    sock.close()
        if status >= 400:
            raise self._http_error(status, response.reason, raw)
        return status, raw

    def _read_body(self, response):
        length = response.getheader('Content-Length')
        chunks = []
        size = 0
        while True:
            try:
                chunk = response.read(65536)
            except http_client.IncompleteRead as exc:
                raise _Failure(_incomplete(exc), status=response.status)
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_BODY:
                raise _Failure('the answer is larger than %d MiB; is kapacitor_url pointing at Kapacitor?'
                               % (MAX_BODY // 1048576), status=response.status)
            chunks.append(chunk)
        raw = b''.join(chunks)
        if length and length.isdigit() and int(length) > len(raw):
            # read(amt) stops quietly at EOF on some Pythons; a short body is a broken answer.
            raise _Failure('the connection closed in the middle of the answer (%d of %s bytes received)'
                           % (len(raw), length), status=response.status)
        return raw

    @staticmethod
    def _decompress(encoding, raw):
        encoding = (encoding or '').strip().lower()
        if encoding in ('', 'identity') or not raw:
            return raw
        if encoding not in ('gzip', 'x-gzip'):
            raise _Failure('the answer has an unsupported Content-Encoding %r' % encoding[:40])
        decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out = decoder.decompress(raw, MAX_BODY + 1)
        except zlib.error as exc:
            raise _Failure('the gzip-compressed answer is corrupt (%s)' % _first_line(exc))
        if len(out) > MAX_BODY:
            raise _Failure('the answer is larger than %d MiB once decompressed; is kapacitor_url pointing at '
                           'Kapacitor?' % (MAX_BODY // 1048576))
        if not decoder.eof:
            raise _Failure('the gzip-compressed answer is cut short')
        return out

    def _decode(self, status, raw):
        if not raw:
            return None
        try:
            text = raw.decode('utf-8')
        except UnicodeDecodeError:
            raise _Failure('the answer (HTTP %s) is not valid UTF-8; is kapacitor_url pointing at Kapacitor?'
                           % status, status=status)
        try:
            return json.loads(text)
        except (ValueError, RecursionError):
            raise _Failure('the answer (HTTP %s) is not JSON; is kapacitor_url pointing at Kapacitor?' % status,
                           status=status)

    def _redirect_message(self, status, location):
        host = ''
        if location:
            try:
                netloc = urlsplit(location.strip()).netloc
            except ValueError:
                netloc = ''
            # Only the host: the path and query (and any user:password) may hold secrets.
            host = ''.join(c for c in netloc.rpartition('@')[2] if c.isalnum() or c in '.-:[]_')[:100]
            if not host:
                host = '%s (the same host)' % self.host
        target = (' to host %s' % host) if host else ' without a Location'
        return ('Kapacitor answered with a redirect (HTTP %d)%s; redirects are not followed: set '
                'kapacitor_url to the address that answers directly' % (status, target))

    def _note_version(self, headers):
        if headers is not None:
            version = headers.get('X-Kapacitor-Version')
            if version:
                self.version = _first_line(version)[:40]

    def _mask(self, text):
        if not text:
            return text
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return text

    def _http_error(self, status, reason, raw):
        message = ''
        try:
            decoded = json.loads(raw.decode('utf-8'))
            if isinstance(decoded, dict):
                message = decoded.get('message') or decoded.get('error') or ''
                if not isinstance(message, str):
                    message = json.dumps(message)[:200]
        except (ValueError, RecursionError):
            message = _first_line(to_text(raw, errors='surrogate_or_replace'))[:200]
        # Kapacitor's decoding errors continue on further lines ("* '' has invalid keys: user"):
        # keep them, on one line.
        message = ' '.join(line.strip() for line in to_text(message).splitlines() if line.strip())
        if status == 401:
            text = ('Kapacitor rejected the credentials (HTTP 401: %s); check kapacitor_username and '
                    'kapacitor_password, or kapacitor_token' % (message or 'unauthorized'))
        elif status == 403:
            if 'config override service is not enabled' in message:
                text = ('config overrides are disabled on this Kapacitor (HTTP 403); set '
                        '[config-override] enabled = true in kapacitor.conf')
            else:
                text = 'access denied (HTTP 403: %s)' % (message or 'forbidden')
        elif status >= 500:
            text = 'Kapacitor failed with HTTP %d: %s' % (status, message or 'no detail')
        else:
            text = 'HTTP %d: %s' % (status, message or _first_line(reason))
        return _Failure(text, status=status, kapacitor_message=message)


def _incomplete(exc):
    if exc.expected:
        return ('the connection closed in the middle of the answer (%d of %d bytes received)'
                % (len(exc.partial), len(exc.partial) + exc.expected))
    return 'the connection closed in the middle of the answer'


def _describe(exc):
    return _first_line(exc) or type(exc).__name__


def _first_line(value):
    text = to_text(value, errors='surrogate_or_replace').strip()
    return text.splitlines()[0] if text else ''
