# -*- coding: utf-8 -*-
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A small client for Kapacitor's HTTP API: standard library and ansible.module_utils.urls only.

Every failure is raised as :class:`KapacitorError` carrying one clear line; tracebacks never
reach the user.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import socket
import ssl

from ansible.module_utils.common.text.converters import to_text
from ansible.module_utils.six.moves.urllib.error import HTTPError, URLError
from ansible.module_utils.six.moves.urllib.parse import quote
from ansible.module_utils.urls import ConnectionError as UrlsConnectionError
from ansible.module_utils.urls import Request, SSLValidationError

try:
    from http.client import HTTPException
except ImportError:  # pragma: no cover - Python 2 is not supported by this collection
    HTTPException = Exception

from ansible.module_utils.basic import env_fallback

API_PREFIX = '/kapacitor/v1'

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
    version the ``X-Kapacitor-Version`` it reported.
    """

    def __init__(self, message, status=None, kapacitor_message=None, version=None):
        super(KapacitorError, self).__init__(message)
        self.message = message
        self.status = status
        self.kapacitor_message = kapacitor_message
        self.version = version


def element_path(section, element=''):
    """The URL path of one element; single-element sections and key "" need the trailing slash."""
    return '%s/config/%s/%s' % (API_PREFIX, quote(section, safe=''), quote(element or '', safe=''))


def section_path(section):
    return '%s/config/%s' % (API_PREFIX, quote(section, safe=''))


class KapacitorClient:
    """Talks JSON to one Kapacitor server."""

    def __init__(self, url, username=None, password=None, validate_certs=True, ca_path=None,
                 client_cert=None, client_key=None, timeout=10.0, token=None):
        self.base_url = (url or '').rstrip('/')
        if not self.base_url.startswith(('http://', 'https://')):
            raise KapacitorError(
                'kapacitor_url: %r is not an http:// or https:// URL' % (url,))
        self.timeout = timeout
        self.version = None
        self.requests = []  # (method, path) of every request sent, for callers and tests
        headers = {'Accept': 'application/json'}
        if token:
            # A JWT signed with Kapacitor's [http] shared-secret.
            headers['Authorization'] = 'Bearer %s' % token
        self._request = Request(
            headers=headers, validate_certs=validate_certs, ca_path=ca_path,
            client_cert=client_cert, client_key=client_key, timeout=timeout,
            url_username=username, url_password=password,
            force_basic_auth=bool(username or password), http_agent='tick.kapacitor',
            use_netrc=False)

    @classmethod
    def from_params(cls, params):
        return cls(
            url=params.get('kapacitor_url'), username=params.get('kapacitor_username'),
            password=params.get('kapacitor_password'),
            validate_certs=params.get('validate_certs', True), ca_path=params.get('ca_path'),
            client_cert=params.get('client_cert'), client_key=params.get('client_key'),
            timeout=params.get('request_timeout') or 10.0, token=params.get('kapacitor_token'))

    def request(self, method, path, body=None):
        """Send one request; returns the decoded JSON body (None when empty)."""
        url = self.base_url + path
        data = None
        headers = {}
        if body is not None:
            data = json.dumps(body).encode('utf-8')
            headers['Content-Type'] = 'application/json'
        self.requests.append((method, path))
        where = '%s %s' % (method, url)
        try:
            response = self._request.open(method, url, data=data, headers=headers)
            self._note_version(response.headers)
            raw = response.read()
            status = response.getcode()
        except HTTPError as exc:
            self._note_version(exc.headers)
            raise self._http_error(exc, where)
        except SSLValidationError as exc:
            raise KapacitorError('TLS certificate verification failed for %s: %s. Set ca_path to '
                                 'the CA that signed it, or validate_certs=false to skip the check'
                                 % (url, _first_line(exc)))
        except URLError as exc:
            raise KapacitorError(self._transport_message(exc.reason, where))
        except (socket.timeout, TimeoutError):
            raise KapacitorError('%s: no answer from Kapacitor within %g s (request_timeout)'
                                 % (where, self.timeout))
        except (UrlsConnectionError, HTTPException, OSError, ValueError) as exc:
            raise KapacitorError(self._transport_message(exc, where))
        if not raw:
            return None
        try:
            return json.loads(to_text(raw, errors='surrogate_or_strict'))
        except ValueError:
            raise KapacitorError(
                '%s answered HTTP %s with a body that is not JSON; is kapacitor_url pointing at '
                'Kapacitor?' % (where, status), status=status)

    def get(self, path):
        return self.request('GET', path)

    def post(self, path, body):
        return self.request('POST', path, body)

    def service_test(self, service, options):
        """Kapacitor's service test ("Send Test Alert"); returns {success, message} unmasked.

        Kapacitor answers 200 whether or not the test worked, so success is in the body.
        """
        path = '%s/service-tests/%s' % (API_PREFIX, quote(service, safe=''))
        answer = self.post(path, options or {}) or {}
        return {'success': bool(answer.get('success')), 'message': answer.get('message') or ''}

    def ping(self):
        self.request('GET', API_PREFIX + '/ping')
        return self.version

    def _note_version(self, headers):
        if headers is not None:
            version = headers.get('X-Kapacitor-Version')
            if version:
                self.version = version

    def _transport_message(self, reason, where):
        if isinstance(reason, (socket.timeout, TimeoutError)):
            return ('%s: no answer from Kapacitor within %g s (request_timeout)'
                    % (where, self.timeout))
        if isinstance(reason, ConnectionRefusedError):
            return '%s: connection refused; is Kapacitor running and is kapacitor_url right?' % where
        if isinstance(reason, socket.gaierror):
            return '%s: unknown host (%s); check kapacitor_url' % (where, reason.strerror or reason)
        if isinstance(reason, ssl.SSLCertVerificationError):
            return ('%s: TLS certificate verification failed (%s). Set ca_path to the CA that '
                    'signed it, or validate_certs=false to skip the check'
                    % (where, reason.verify_message or reason))
        if isinstance(reason, ssl.SSLError):
            return '%s: TLS error (%s)' % (where, _first_line(reason))
        if isinstance(reason, (ConnectionResetError, HTTPException)):
            return ('%s: Kapacitor closed the connection without answering (%s)'
                    % (where, _first_line(reason) or type(reason).__name__))
        return '%s: %s' % (where, _first_line(reason))

    def _http_error(self, exc, where):
        status = exc.code
        try:
            raw = exc.read()
        except Exception:  # the body of an error is best effort
            raw = b''
        message = ''
        try:
            decoded = json.loads(to_text(raw, errors='surrogate_or_strict'))
            if isinstance(decoded, dict):
                message = decoded.get('message') or decoded.get('error') or ''
        except ValueError:
            message = _first_line(to_text(raw, errors='surrogate_or_replace'))[:200]
        # Kapacitor's decoding errors continue on further lines ("* '' has invalid keys: user"):
        # keep them, on one line.
        message = ' '.join(line.strip() for line in to_text(message).splitlines() if line.strip())
        version = self.version
        if status == 401:
            text = ('%s: Kapacitor rejected the credentials (HTTP 401: %s); check '
                    'kapacitor_username and kapacitor_password, or kapacitor_token'
                    % (where, message or 'unauthorized'))
        elif status == 403:
            if 'config override service is not enabled' in message:
                text = ('%s: config overrides are disabled on this Kapacitor (HTTP 403); set '
                        '[config-override] enabled = true in kapacitor.conf' % where)
            else:
                text = '%s: access denied (HTTP 403: %s)' % (where, message or 'forbidden')
        elif status >= 500:
            text = '%s: Kapacitor failed with HTTP %d: %s' % (where, status, message or 'no detail')
        else:
            text = '%s: HTTP %d: %s' % (where, status, message or exc.reason)
        return KapacitorError(text, status=status, kapacitor_message=message, version=version)


def _first_line(value):
    text = to_text(value, errors='surrogate_or_replace').strip()
    return text.splitlines()[0] if text else ''
