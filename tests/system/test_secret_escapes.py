# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Secret canaries in escaped forms and through echoing peers, never shown.

test_secret_canaries.py proves that plain secrets never show. Here the canaries hold what
escapes: newlines, tabs, quotes, "<&>", non-ASCII and U+2028, so that Kapacitor quotes them
Go-style, JSON escapes them and URLs percent-encode them; and peers (a Slack, Teams or Discord
webhook answering 404) echo the request path holding the secret, which Kapacitor puts into its
test message. Each case runs its own playbook with -vvv and --diff; the whole output must hold
no form of any canary (every form kapacitor_secrets knows, and those forms JSON-escaped again as
Ansible prints them) and not even the canary's alphanumeric core, which every escaping keeps.
"""

import importlib.util
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from conftest import REPO, http_json

PORT = 19140            # our kapacitord (secrets-main)
ECHO_PORT = 19141       # our own receiver, when the stack's has no /_echo/ route yet


def _load_secrets():
    spec = importlib.util.spec_from_file_location(
        'tick_kapacitor_secrets_for_tests', os.path.join(REPO, 'plugins', 'module_utils', 'kapacitor_secrets.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SECRETS = _load_secrets()


def canary(core, nasty='\n"\t\u00e9<&>\u2028 %+'):
    """A canary: a unique alphanumeric core and characters that every encoder escapes."""
    return 'CNRY%s%s' % (core, nasty)


def all_forms(value):
    first = SECRETS.secret_forms(value)
    found = set(first)
    for form in first:
        found.update(SECRETS.secret_forms(form))
    return found


def _has_echo(url):
    try:
        urllib.request.urlopen(url + '/_echo/404/probe', timeout=5)
    except urllib.error.HTTPError as exc:
        return exc.code == 404 and exc.read().startswith(b'Cannot GET')
    except OSError:
        return False
    return False


@pytest.fixture(scope='module')
def echo_url(stack_vars):
    """A receiver with the /_echo/ route: the stack's, or one of our own (tests/stack/receiver.py)."""
    if _has_echo(stack_vars['receiver_url']):
        yield stack_vars['receiver_url']
        return
    proc = subprocess.Popen([sys.executable, os.path.join(REPO, 'tests', 'stack', 'receiver.py'), '--port', str(ECHO_PORT)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = 'http://127.0.0.1:%d' % ECHO_PORT
    try:
        deadline = time.time() + 20
        while not _has_echo(url):
            assert proc.poll() is None and time.time() < deadline, 'our echo receiver did not start'
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope='module')
def kapacitor(stack):
    url = stack.start_kapacitord('secrets-main', PORT)
    yield url
    stack.stop_kapacitord('secrets-main')


def configure(kapacitor, section, body):
    """Configure an endpoint behind Ansible's back: the task never sees that secret."""
    http_json('%s/kapacitor/v1/config/%s' % (kapacitor, section), 'POST', body)


def task(module, params, name):
    return [{'name': name, 'tick.kapacitor.%s' % module: params, 'register': 'r', 'ignore_errors': True},
            {'ansible.builtin.debug': {'var': 'r'}}]


# Each case: (canaries passed as extra vars, canaries only Kapacitor knows, setup or None, tasks).
def case_slack_url_quoted_back(kapacitor, echo):
    # Kapacitor answers 400 quoting the URL Go-style ("invalid url \"...\\n\\\"...\"").
    return {'c': 'http://127.0.0.1:9/services/T000/' + canary('slacknl')}, [], None, task(
        'kapacitor_slack', {'kapacitor_url': kapacitor, 'workspace': 'nl', 'enabled': True, 'url': '{{ c }}'}, 'slack')


def case_slack_test_alert_echoed(kapacitor, echo):
    return {'c': echo + '/_echo/404/services/T000/B000/' + canary('slackecho', '"\u00e9<&> x')}, [], None, task(
        'kapacitor_slack', {'kapacitor_url': kapacitor, 'workspace': 'echo', 'enabled': True, 'url': '{{ c }}',
                            'test_alert': True}, 'slack')


def case_service_test_slack_echoed(kapacitor, echo):
    url = echo + '/_echo/404/services/T000/B000/' + canary('stslack', '"\u00e9<&> x')
    return {}, [url], lambda: configure(kapacitor, 'slack', {'add': {'workspace': 'kept', 'enabled': True, 'url': url}}), task(
        'kapacitor_service_test', {'kapacitor_url': kapacitor, 'service': 'slack', 'options': {'workspace': 'kept'}},
        'service test')


def case_service_test_discord_echoed(kapacitor, echo):
    url = echo + '/_echo/404/api/webhooks/1/' + canary('stdiscord', '"\u00e9<&> x')
    return {}, [url], lambda: configure(kapacitor, 'discord', {'add': {'workspace': 'kept', 'enabled': True, 'url': url}}), task(
        'kapacitor_service_test', {'kapacitor_url': kapacitor, 'service': 'discord', 'options': {'workspace': 'kept'}},
        'service test')


def case_service_test_teams_echoed(kapacitor, echo):
    # Kapacitor 1.8.3's teams test posts to the configured channel-url, not to the option's.
    kept = echo + '/_echo/404/webhookb2/' + canary('stteamskept', '"\u00e9<&> x')

    def setup():
        configure(kapacitor, 'teams/', {'set': {'enabled': True, 'channel-url': kept}})
    return {'c': echo + '/_echo/404/webhookb2/' + canary('stteams', '"\u00e9<&> x')}, [kept], setup, task(
        'kapacitor_service_test', {'kapacitor_url': kapacitor, 'service': 'teams', 'options': {'channel_url': '{{ c }}'}},
        'service test')


def case_service_test_httppost_options(kapacitor, echo):
    return {'tok': canary('sthptok'), 'hdr': canary('sthphdr', '"\t\u00e9<&>')}, [], None, task(
        'kapacitor_service_test', {'kapacitor_url': kapacitor, 'service': 'httppost', 'options': {
            'url': echo + '/_echo/404/hook?token={{ tok | urlencode }}', 'headers': {'Authorization': '{{ hdr }}'}}},
        'service test')


def case_handler_post_token_and_header(kapacitor, echo):
    params = {'kapacitor_url': kapacitor, 'topic': 'escapes', 'id': 'post', 'kind': 'post',
              'options': {'url': echo + '/hook?token={{ tok | urlencode }}', 'headers': {'Authorization': '{{ hdr }}'}}}
    second = json.loads(json.dumps(params).replace('{{ tok | urlencode }}', '{{ tok2 }}'))
    tasks = task('kapacitor_topic_handler', params, 'handler') + task('kapacitor_topic_handler', second, 'handler again')
    tasks += task('kapacitor_info', {'kapacitor_url': kapacitor, 'topics': ['escapes'], 'sections': []}, 'info')
    return {'tok': canary('hpostq'), 'tok2': 'CNRYhpostr', 'hdr': canary('hposth', '"\t\u00e9<&>')}, [], None, tasks


def case_handler_post_url_quoted_back(kapacitor, echo):
    return {'tok': canary('hbadurl')}, [], None, task('kapacitor_topic_handler', {
        'kapacitor_url': kapacitor, 'topic': 'escapes', 'id': 'badurl', 'kind': 'post',
        'options': {'url': 'http://127.0.0.1:9/x?token={{ tok }}'}}, 'handler')


CASES = dict((name[len('case_'):], fn) for name, fn in sorted(globals().items()) if name.startswith('case_'))


@pytest.fixture(scope='module')
def outputs(kapacitor, echo_url, tmp_path_factory):
    from conftest import Ansible
    ansible = Ansible(str(tmp_path_factory.mktemp('escapes')))
    found = {}
    for name, build in sorted(CASES.items()):
        canaries, hidden, setup, tasks = build(kapacitor, echo_url)
        if setup:
            setup()
        extra_vars = os.path.join(ansible.workdir, '%s.json' % name)
        with open(extra_vars, 'w') as handle:
            json.dump(canaries, handle)
        run = ansible.playbook(tasks, args=['-vvv', '--diff', '-e', '@' + extra_vars], name=name)
        found[name] = (run.output, list(canaries.values()) + hidden)
    return found


def leaks(output, secrets):
    found = []
    for value in secrets:
        core = re.search(r'CNRY[A-Za-z0-9]+', value).group(0)
        if core in output:
            found.append('core %r' % core)
        found.extend('form %r' % form for form in all_forms(value) if len(form) >= 6 and form in output)
    return sorted(set(found))


@pytest.mark.parametrize('name', sorted(CASES))
def test_no_form_of_any_canary_in_the_output(outputs, name):
    output, secrets = outputs[name]
    assert 'PLAY RECAP' in output, output[-3000:]
    assert secrets, 'a case without canaries proves nothing'
    found = leaks(output, secrets)
    lines = [line.strip()[:200] for line in output.splitlines() if 'CNRY' in line]
    assert found == [], (found[:5], lines[:5])


def test_the_cases_really_reached_the_paths(outputs):
    """Guard against a vacuous pass: Kapacitor quoted, peers echoed, handlers were written."""
    assert 'invalid url' in outputs['slack_url_quoted_back'][0]
    for name in ('slack_test_alert_echoed', 'service_test_slack_echoed', 'service_test_discord_echoed',
                 'service_test_teams_echoed'):
        assert 'code: 404 content:' in outputs[name][0], (name, outputs[name][0][-3000:])
    assert 'token=********' in outputs['handler_post_token_and_header'][0]
    assert '<updated>' in outputs['handler_post_token_and_header'][0]
