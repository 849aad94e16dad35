# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Authentication (basic users, privileges, JWT) and TLS against real kapacitord processes."""

import base64
import hashlib
import hmac
import json
import subprocess
import time

import pytest

from conftest import http_json

AUTH_PORT = 19061
TLS_PORT = 19062
JWT_SECRET = 'system-test-shared-secret'


def jwt(username, exp_offset=3600, secret=JWT_SECRET):
    def b64(data):
        return base64.urlsafe_b64encode(data).rstrip(b'=').decode()
    header = b64(json.dumps({'alg': 'HS256', 'typ': 'JWT'}).encode())
    claims = b64(json.dumps({'username': username, 'exp': int(time.time()) + exp_offset}).encode())
    signature = hmac.new(secret.encode(), ('%s.%s' % (header, claims)).encode(), hashlib.sha256).digest()
    return '%s.%s.%s' % (header, claims, b64(signature))


@pytest.fixture(scope='module')
def auth_kapacitor(stack, tmp_path_factory):
    """kapacitord with Kapacitor's own users: admin, ansible (api+config_api), reader (api)."""
    extra = tmp_path_factory.mktemp('auth') / 'auth.conf'
    extra.write_text('[auth]\n  enabled = true\n  cache-expiration = "10m"\n  bcrypt-cost = 4\n')
    http = {'shared-secret': json.dumps(JWT_SECRET)}
    url = stack.start_kapacitord('auth', AUTH_PORT, conf_extra=str(extra), http=http)
    users = [
        {'name': 'admin', 'password': 'admin-pw', 'type': 'admin'},
        {'name': 'ansible', 'password': 'CANARY-auth-password-8e1a', 'type': 'normal',
         'permissions': ['api', 'config_api']},
        {'name': 'reader', 'password': 'reader-pw', 'type': 'normal', 'permissions': ['api']},
    ]
    for user in users:
        http_json(url + '/kapacitor/v1/users', 'POST', user)
    http['auth-enabled'] = 'true'
    url = stack.start_kapacitord('auth', AUTH_PORT, conf_extra=str(extra), http=http, fresh=False)
    yield url
    stack.stop_kapacitord('auth')


def slack_task(url, **connection):
    task = {'tick.kapacitor.kapacitor_slack': dict(kapacitor_url=url, channel='#auth', **connection),
            'register': 'result', 'ignore_errors': True}
    return [task, {'ansible.builtin.debug': {'var': 'result'}}]


def result_of(output):
    """The registered result, as printed by the debug task."""
    start = output.index('"result": {')
    depth, end = 0, start + len('"result": ')
    for index in range(end, len(output)):
        depth += {'{': 1, '}': -1}.get(output[index], 0)
        if depth == 0:
            return json.loads(output[end:index + 1])
    raise AssertionError('no result in output')


def test_right_credentials_work_and_never_show(auth_kapacitor, ansible):
    proc = ansible.playbook(slack_task(auth_kapacitor, kapacitor_username='ansible',
                                       kapacitor_password='CANARY-auth-password-8e1a'), args=['-vvv'])
    result = result_of(proc.output)
    assert result['changed'] is True, result
    assert result['config']['channel'] == '#auth'
    assert 'CANARY' not in proc.output


def test_credentials_from_the_environment(auth_kapacitor, ansible):
    proc = ansible.playbook(slack_task(auth_kapacitor), extra_env={
        'KAPACITOR_USERNAME': 'ansible', 'KAPACITOR_PASSWORD': 'CANARY-auth-password-8e1a'})
    result = result_of(proc.output)
    assert 'failed' not in result or not result['failed'], result
    assert result['config']['channel'] == '#auth'


def test_wrong_password_is_a_clear_401(auth_kapacitor, ansible):
    proc = ansible.playbook(slack_task(auth_kapacitor, kapacitor_username='ansible',
                                       kapacitor_password='CANARY-wrong-password'), args=['-vvv'])
    result = result_of(proc.output)
    assert result['failed'] is True
    assert 'Kapacitor rejected the credentials (HTTP 401: authorization failed)' in result['msg']
    assert '\n' not in result['msg']
    assert 'CANARY' not in proc.output


def test_missing_credentials_is_a_clear_401(auth_kapacitor, ansible):
    result = result_of(ansible.playbook(slack_task(auth_kapacitor)).output)
    assert 'HTTP 401: unable to parse authentication credentials' in result['msg']


def test_missing_privilege_is_a_clear_403(auth_kapacitor, ansible):
    result = result_of(ansible.playbook(slack_task(
        auth_kapacitor, kapacitor_username='reader', kapacitor_password='reader-pw')).output)
    assert result['failed'] is True
    # Kapacitor names the action (read/write), not the permission the user lacks (config_api).
    assert 'access denied (HTTP 403: user reader does not have "read" privilege' in result['msg']
    assert '/kapacitor/v1/config/slack/' in result['msg']


def test_bearer_jwt(auth_kapacitor, ansible):
    token = jwt('ansible')
    proc = ansible.playbook(slack_task(auth_kapacitor, kapacitor_token=token), args=['-vvv'])
    result = result_of(proc.output)
    assert result.get('failed') is not True, result
    assert result['config']['channel'] == '#auth'
    assert token not in proc.output


def test_expired_jwt_is_a_clear_401(auth_kapacitor, ansible):
    result = result_of(ansible.playbook(slack_task(auth_kapacitor, kapacitor_token=jwt('ansible', -60))).output)
    assert result['failed'] is True
    assert 'HTTP 401: invalid token' in result['msg']


@pytest.fixture(scope='module')
def tls_kapacitor(stack, tmp_path_factory):
    """kapacitord serving HTTPS with a certificate signed by a CA made for this test."""
    work = tmp_path_factory.mktemp('tls')

    def openssl(*args):
        subprocess.run(['openssl'] + list(args), cwd=str(work), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=tick test CA',
            '-keyout', 'ca.key', '-out', 'ca.pem')
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1',
            '-keyout', 'server.key', '-out', 'server.csr')
    (work / 'san.ext').write_text('subjectAltName = IP:127.0.0.1, DNS:localhost\n')
    openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
            '-days', '2', '-extfile', 'san.ext', '-out', 'server.pem')
    http = {'https-enabled': 'true',
            'https-certificate': json.dumps(str(work / 'server.pem')),
            'https-private-key': json.dumps(str(work / 'server.key'))}
    url = stack.start_kapacitord('tls', TLS_PORT, http=http)
    assert url.startswith('https://')
    yield url, str(work / 'ca.pem')
    stack.stop_kapacitord('tls')


def test_tls_unknown_ca_fails_plainly(tls_kapacitor, ansible):
    url, _ca = tls_kapacitor
    result = result_of(ansible.playbook(slack_task(url)).output)
    assert result['failed'] is True
    assert 'TLS certificate verification failed' in result['msg']
    assert 'ca_path' in result['msg']


def test_tls_with_ca_path(tls_kapacitor, ansible):
    url, ca = tls_kapacitor
    result = result_of(ansible.playbook(slack_task(url, ca_path=ca)).output)
    assert result.get('failed') is not True, result
    assert result['kapacitor_version'] == '1.8.3'


def test_tls_ca_path_from_the_environment(tls_kapacitor, ansible):
    url, ca = tls_kapacitor
    result = result_of(ansible.playbook(slack_task(url), extra_env={'KAPACITOR_CA_PATH': ca}).output)
    assert result.get('failed') is not True, result


def test_tls_without_verification(tls_kapacitor, ansible):
    url, _ca = tls_kapacitor
    result = result_of(ansible.playbook(slack_task(url, validate_certs=False)).output)
    assert result.get('failed') is not True, result


def test_plain_http_against_https_port_fails_clearly(tls_kapacitor, ansible):
    url, _ca = tls_kapacitor
    result = result_of(ansible.playbook(slack_task(url.replace('https://', 'http://'))).output)
    assert result['failed'] is True
    assert '\n' not in result['msg']
    assert 'HTTP request to an HTTPS server' in result['msg'], result['msg']
