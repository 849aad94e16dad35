# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The collection as users get it: a clean Galaxy tarball, installed into a fresh collections
path, running the example playbook and the README's ad-hoc commands from the installed copy."""

import json
import os
import shutil
import subprocess
import sys
import tarfile

import pytest

from collection import module_names
from conftest import REPO, http_json

BIN = os.path.dirname(sys.executable)
JUNK = ('tests/output', '.stack', '.venv', '__pycache__', '.pyc', '.build', '.git/', '.cache')


@pytest.fixture(scope='module')
def installed(tmp_path_factory):
    work = tmp_path_factory.mktemp('galaxy')
    source = work / 'source'
    # Build from the files git knows, as a fresh clone would have them.
    files = subprocess.run(['git', 'ls-files', '-co', '--exclude-standard'], cwd=REPO, check=True,
                           stdout=subprocess.PIPE, universal_newlines=True).stdout.split()
    for name in files:
        if os.path.exists(os.path.join(REPO, name)):
            os.makedirs(os.path.dirname(str(source / name)) or '.', exist_ok=True)
            shutil.copy2(os.path.join(REPO, name), str(source / name))
    subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', '--output-path', str(work)],
                   cwd=str(source), check=True, stdout=subprocess.PIPE)
    tarball = str(work / 'tick-kapacitor-0.1.0.tar.gz')
    path = work / 'collections'
    subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', '-p', str(path), tarball],
                   check=True, stdout=subprocess.PIPE)
    return tarball, str(path)


def env_for(collections):
    return dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections, ANSIBLE_NOCOLOR='1',
                ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false')


def test_tarball_is_clean(installed):
    tarball, _path = installed
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
    assert 'plugins/modules/kapacitor_slack.py' in names
    assert 'roles/alert_endpoints/tasks/main.yml' in names
    assert [n for n in names if any(junk in n for junk in JUNK)] == []
    print('tarball: %d files, %d bytes' % (len(names), os.path.getsize(tarball)))


def remove_example_endpoints(kapacitor_url):
    """Back to kapacitord.conf for what the example playbook sets (an enabled Telegram would
    let other tests' "enabled: true" through)."""
    for name in ('', 'ops'):
        http_json(kapacitor_url + '/kapacitor/v1/config/slack', 'POST', {'remove': [name]})
    http_json(kapacitor_url + '/kapacitor/v1/config/telegram', 'POST', {'remove': ['']})


@pytest.fixture
def example_endpoints_removed(stack_vars):
    remove_example_endpoints(stack_vars['kapacitor_url'])
    yield
    remove_example_endpoints(stack_vars['kapacitor_url'])


@pytest.mark.usefixtures('example_endpoints_removed')
def test_installed_copy_runs_the_example_playbook(installed, stack_vars):
    _tarball, path = installed
    collection = os.path.join(path, 'ansible_collections', 'tick', 'kapacitor')
    http_json(stack_vars['receiver_url'] + '/_recorded', 'DELETE')
    args = [os.path.join(BIN, 'ansible-playbook'), '-i', os.path.join(collection, 'examples', 'inventory.yml'),
            os.path.join(collection, 'examples', 'alert_endpoints.yml'),
            '-e', 'kapacitor_url=%s' % stack_vars['kapacitor_url'],
            '-e', 'slack_webhook_url=%s/packaging/slack' % stack_vars['receiver_url'],
            '-e', 'telegram_api_url=%s/packaging/telegram/bot' % stack_vars['receiver_url']]
    runs = [subprocess.run(args, env=env_for(path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True, check=False) for _run in range(2)]
    assert runs[0].returncode == 0, runs[0].stdout[-3000:]
    assert 'changed=2' in runs[0].stdout
    assert 'changed=0' in runs[1].stdout and 'failed=0' in runs[1].stdout
    assert os.path.realpath(collection) != os.path.realpath(REPO)
    arrived = http_json(stack_vars['receiver_url'] + '/_recorded?path=/packaging/')['requests']
    assert len(arrived) == 4  # a test alert per endpoint and run


def test_readme_ad_hoc_commands(installed, stack_vars):
    _tarball, path = installed
    url = stack_vars['kapacitor_url']
    http_json(url + '/kapacitor/v1/config/slack', 'POST', {'remove': ['']})  # webhook unset
    slack = subprocess.run(
        [os.path.join(BIN, 'ansible'), 'localhost', '-e', 'ansible_python_interpreter=%s' % sys.executable,
         '-m', 'tick.kapacitor.kapacitor_slack', '-a',
         'channel=#adhoc enabled=true url=%s/adhoc/slack kapacitor_url=%s' % (stack_vars['receiver_url'], url)],
        env=env_for(path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, check=False)
    assert slack.returncode == 0, slack.stdout
    test = subprocess.run(
        [os.path.join(BIN, 'ansible'), 'localhost', '-e', 'ansible_python_interpreter=%s' % sys.executable,
         '-m', 'tick.kapacitor.kapacitor_service_test', '-a', 'service=slack kapacitor_url=%s' % url],
        env=env_for(path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, check=False)
    assert test.returncode == 0, test.stdout
    assert '"success": true' in test.stdout
    arrived = http_json(stack_vars['receiver_url'] + '/_recorded?path=/adhoc/slack')['requests']
    assert arrived and arrived[-1]['json']['channel'] == '#adhoc'
    http_json(url + '/kapacitor/v1/config/slack', 'POST', {'remove': ['']})


def test_ansible_doc_lists_every_module_with_a_description(installed):
    _tarball, path = installed
    listing = subprocess.run([os.path.join(BIN, 'ansible-doc'), '-l', 'tick.kapacitor', '--json'],
                             env=env_for(path), stdout=subprocess.PIPE, universal_newlines=True, check=True)
    modules = json.loads(listing.stdout)
    expected = ['tick.kapacitor.' + name for name in module_names()]
    assert expected, 'plugins/modules has modules'
    assert sorted(modules) == expected
    assert all(description.strip() for description in modules.values())
