# -*- coding: utf-8 -*-
# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The engine behind every alert-section module.

A module file is its documentation plus ``run_section_module(SECTION)``. The engine reads the
element once, compares only the options the user supplied, writes at most once, reads the
result back once, sends the optional test alert, and never shows a secret.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_client import (
    CONNECTION_ARGUMENT_SPEC, KapacitorClient, KapacitorError, element_path,
    section_path)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_spec import (
    SpecError, format_duration, parse_duration)

ENDPOINT_ARGUMENT_SPEC = dict(
    state=dict(type='str', default='present', choices=['present', 'absent']),
    update_secrets=dict(type='str', default='on_create', choices=['on_create', 'always']),
    test_alert=dict(type='bool', default=False),
    test_options=dict(type='dict'),
)

# How secrets appear in diffs. In returned config they are booleans, like Kapacitor's own.
SECRET_SET = '<set>'
SECRET_UNSET = '<unset>'
SECRET_UPDATED = '<updated>'
SECRET_MASK = '********'


def module_argument_spec(section):
    spec = dict(CONNECTION_ARGUMENT_SPEC)
    spec.update(ENDPOINT_ARGUMENT_SPEC)
    spec.update(section.argument_spec())
    return spec


def is_set(value):
    """Whether a secret as Kapacitor shows it (bool when redacted, value otherwise) is set."""
    if isinstance(value, bool):
        return value
    return value not in (None, '', [], {})


class Plan:
    """What one element needs: ``changes`` by Ansible name, ``body`` the API payload."""

    def __init__(self, exists, changes, sent_secrets):
        self.current = None               # the element the plan was made against, if re-read
        self.exists = exists
        self.changes = changes            # {ansible_name: desired value}
        self.sent_secrets = sent_secrets  # Ansible names of secrets being (re)sent

    @property
    def changed(self):
        return bool(self.changes) or not self.exists


def plan_element(section, desired, current, update_secrets='on_create'):
    """Compare the user's options with the element's current options.

    desired: {ansible_name: value} of the options the user supplied (already validated).
    current: the element's ``options`` from Kapacitor (API names), or None if it does not exist.
    Returns a :class:`Plan`; when the element does not exist every desired option is a change.
    """
    if current is None:
        return Plan(False, dict(desired), [n for n in desired if section.options[n].secret])
    changes = {}
    sent_secrets = []
    for name, value in desired.items():
        opt = section.options[name]
        have = opt.read(current)
        if opt.redacted:
            wanted = is_set(value)
            if wanted != is_set(have) or (wanted and update_secrets == 'always'):
                changes[name] = value
                sent_secrets.append(name)
            continue
        if opt.normalize(have) != opt.normalize(value):
            changes[name] = value
            if opt.secret:
                sent_secrets.append(name)
    return Plan(True, changes, sent_secrets)


def api_payload(section, values, current=None):
    """{ansible_name: value} -> {api_name: value} as Kapacitor expects it (nested if needed).

    Kapacitor replaces a nested object (Kafka's ``SASLAuth``) whole on every ``set``, so a
    change to one of its fields resends the complete current object with the change applied.
    """
    payload = {}
    for parent in section.parents:
        if any(section.options[name].parent == parent for name in values):
            payload[parent] = sendable_parent(section, parent, current)
    for name, value in values.items():
        section.options[name].write(payload, value)
    return payload


def sendable_parent(section, parent, current):
    """The current nested object as Kapacitor accepts it back.

    Durations come back as integer nanoseconds but must be sent as strings: a number is
    accepted, then breaks every later read of the section with HTTP 500.
    """
    holder = dict((current or {}).get(parent) or {})
    for opt in section.options.values():
        value = holder.get(opt.api_name)
        if (opt.parent == parent and opt.kind == 'duration' and isinstance(value, int)
                and not isinstance(value, bool)):
            holder[opt.api_name] = format_duration(value)
    return holder


def public_view(section, api_options):
    """An element's options by Ansible name, secrets as booleans (set/unset).

    Options this collection does not know are left out: they might be secrets that Kapacitor
    shows in clear.
    """
    api_options = api_options or {}
    view = {}
    for name, opt in section.options.items():
        holder = api_options.get(opt.parent) if opt.parent else api_options
        if not isinstance(holder, dict) or opt.api_name not in holder:
            continue  # not on this Kapacitor version
        value = holder[opt.api_name]
        view[name] = is_set(value) if opt.secret else value
    return view


def predicted_options(section, current, changes):
    """The element's API options after ``changes`` would be applied (Kapacitor's formatting)."""
    after = dict(current or {})
    for name, value in changes.items():
        opt = section.options[name]
        if opt.kind == 'duration':
            value = format_duration(parse_duration(value))
        opt.write(after, value)
    return after


def diff_view(section, api_options, updated_secrets=()):
    view = public_view(section, api_options)
    for opt in section.secrets():
        if opt.name in view:
            if opt.name in updated_secrets and view[opt.name]:
                view[opt.name] = SECRET_UPDATED
            else:
                view[opt.name] = SECRET_SET if view[opt.name] else SECRET_UNSET
    return view


def scrub(text, secret_values):
    """Replace every secret value that may have been echoed (e.g. in a URL parse error)."""
    flat = []
    for value in secret_values:
        if isinstance(value, dict):  # e.g. httppost basic_auth: mask its password
            flat.extend(v for k, v in value.items() if k != 'username')
        else:
            flat.append(value)
    # Longest first, so that a secret containing another is masked whole.
    for value in sorted((v for v in flat if isinstance(v, str)), key=len, reverse=True):
        if value:
            text = text.replace(value, SECRET_MASK)
    return text


# Go's *url.Error quotes the whole request URL ('Post "https://host/path?query": dial tcp ...').
# Handlers put redacted secrets there (VictorOps API key, HipChat token, Telegram token, Talk and
# Slack webhook URLs), which a task that only sends a test alert does not know: keep the host.
_QUOTED_URL = re.compile(r'"([A-Za-z][A-Za-z0-9+.-]*://)(?:[^/"?#@]*@)?([^/"?#]*)[^"]*"')


def scrub_test_message(text, secret_values):
    """A service-test message without secrets, whether the task gave them or Kapacitor keeps them."""
    return _QUOTED_URL.sub(r'"\1\2/..."', scrub(text, secret_values))


class SectionRun:
    """Converges one element of one section; usable by single modules and the bulk module."""

    def __init__(self, section, client, params, check_mode=False, read_back=True):
        self.section = section
        # read_back=False: the caller reads the whole config once after all writes (bulk).
        self.read_back = read_back
        self.client = client
        self.params = params
        self.check_mode = check_mode
        self.state = params.get('state') or 'present'
        self.update_secrets = params.get('update_secrets') or 'on_create'
        self.element = section.validate_element(
            params.get(section.element_key) if section.is_list else '')
        self.desired = section.desired_options(params)
        self.secret_values = [params.get(o.name) for o in section.secrets()]
        self.current = None    # the element's API options before the run
        self.effective = None  # the element's API options after the run
        self.redacted = []      # option names Kapacitor reported as redacted

    # -- naming -------------------------------------------------------------------------
    def describe(self):
        if not self.section.is_list:
            return self.section.name
        return "%s %s %r" % (self.section.name, self.section.element_key, self.element)

    def _version_note(self, version):
        if not version:
            return 'this Kapacitor'
        return 'Kapacitor %s' % version

    # -- reading ------------------------------------------------------------------------
    def read(self):
        """Current options of the element, or None if the list element does not exist."""
        path = element_path(self.section.name, self.element)
        try:
            element = self.client.get(path)
        except KapacitorError as exc:
            raise self._read_error(exc)
        if not isinstance(element, dict) or not isinstance(element.get('options'), dict):
            # Some other HTTP server (a wrong port, a proxy's error page in JSON...).
            raise not_kapacitor(self.client, path)
        self.redacted = element.get('redacted') or []
        return element['options']

    def _read_error(self, exc):
        msg = exc.kapacitor_message or ''
        if exc.status == 404 and msg.startswith('unknown section/element'):
            return ElementMissing()
        if exc.status == 404 and self.section.is_list and msg.startswith('unknown section'):
            # Kapacitor hides list sections without elements (scraper, discovery...); if the
            # section really is unknown, adding the element says so (see _write_error).
            return ElementMissing()
        if exc.status == 404:
            return self._unknown_section(exc.version)
        return exc

    def _unknown_section(self, version):
        since = ' (it first appears in Kapacitor %s)' % self.section.since if self.section.since else ''
        return KapacitorError(
            '%s has no %r section%s' % (self._version_note(version), self.section.name, since),
            status=404, version=version)

    # -- running ------------------------------------------------------------------------
    def run(self, current=None, prefetched=False):
        """Converge the element. ``current`` may be passed when the caller already read it."""
        if not prefetched:
            try:
                current = self.read()
            except ElementMissing:
                current = None
        self.current = current
        if self.state == 'absent':
            return self._absent(current)
        return self._present(current)

    def _present(self, current):
        if current is None and self.section.is_list and self.element == '':
            raise KapacitorError(
                "%s has no default (unnamed) %s on this server; set %s to the name of one"
                % (self.section.name, self.section.element_key, self.section.element_key))
        if current is None and not self.section.can_add:
            raise KapacitorError('%s: %s' % (self.describe(), self.section.add_refusal))
        plan = plan_element(self.section, self.desired, current, self.update_secrets)
        if plan.changed and not self.check_mode:
            plan = self._write(plan)
            if plan.current is not None:  # lost a race to add the element; re-planned
                current = plan.current
        result = {'changed': plan.changed, 'changed_options': sorted(plan.changes)}
        before = current or {}
        after = predicted_options(self.section, before, plan.changes)
        if result['changed'] and not self.check_mode and self.read_back:
            after = self.read()
        self.effective = after
        result['config'] = public_view(self.section, after)
        # A secret sent while it was already set is shown as updated, not merely as set.
        updated = [name for name in plan.sent_secrets
                   if is_set(self.section.options[name].read(before))]
        result['diff'] = {
            'before': diff_view(self.section, before) if current is not None else {},
            'after': diff_view(self.section, after, updated),
        }
        return result

    def _write(self, plan):
        payload = api_payload(self.section, plan.changes, self.current)
        if plan.exists:
            path, body = element_path(self.section.name, self.element), {'set': payload}
        else:
            payload[self.section.element_api_key] = self.element
            path, body = section_path(self.section.name), {'add': payload}
        try:
            self.client.post(path, body)
        except KapacitorError as exc:
            if not plan.exists and (exc.status is None or 'already exists' in (exc.kapacitor_message or '')):
                # Someone added the element between our read and our add (a concurrent run).
                # Kapacitor then fails the add, sometimes by dropping the connection; turn the
                # add into a set on the element that now exists.
                return self._write_after_lost_race(plan, exc)
            raise self._write_error(exc, plan)
        return plan

    def _write_after_lost_race(self, plan, exc):
        try:
            current = self.read()
        except ElementMissing:
            raise self._write_error(exc, plan)
        retry = plan_element(self.section, self.desired, current, self.update_secrets)
        retry.current = current
        if retry.changes:
            try:
                self.client.post(element_path(self.section.name, self.element),
                                 {'set': api_payload(self.section, retry.changes, current)})
            except KapacitorError as again:
                raise self._write_error(again, retry)
        return retry

    def _write_error(self, exc, plan):
        text = exc.kapacitor_message or ''
        if exc.status == 500 and text.startswith('failed to update configuration') and plan.changes:
            # The running service refused the change (mqtt cannot connect, list-wide rules):
            # Kapacitor stored nothing (after a timeout it may still apply it later).
            names = sorted(plan.changes)
            return KapacitorError(
                '%s: the running Kapacitor refused %s %s: %s' % (
                    self.describe(), 'option' if len(names) == 1 else 'options', ', '.join(names), text),
                status=500, kapacitor_message=text, version=exc.version)
        if exc.status != 400:
            return exc
        if 'unknown section' in text and not plan.exists:
            return self._unknown_section(exc.version)
        names = []
        match = re.search(r'cannot set option ([^:\s]+)', text)
        if match:
            names = [match.group(1)]
        else:
            match = re.search(r'unknown options \[([^\]]*)\]', text)
            if match:
                names = match.group(1).split()
        if names:
            names = [self.section.option_for_api_name(n) for n in names]
        else:
            names = sorted(plan.changes)
        return KapacitorError(
            '%s: Kapacitor rejected %s %s: %s' % (
                self.describe(), 'option' if len(names) == 1 else 'options', ', '.join(names), text),
            status=400, kapacitor_message=text, version=exc.version)

    def _absent(self, current):
        result = {'changed': False, 'changed_options': []}
        if current is None:
            result['config'] = {}
            result['diff'] = {'before': {}, 'after': {}}
            return result
        result['diff'] = {'before': diff_view(self.section, current)}
        if self.check_mode:
            # Kapacitor does not say which values are API overrides, so a dry run cannot know
            # whether removing them changes anything: report the removal that would be sent.
            result['changed'] = True
            result['config'] = public_view(self.section, current)
            result['diff']['after'] = {}
            return result
        try:
            # "remove" drops the stored override: an API-added element disappears, a
            # file-defined element or single section reverts to kapacitor.conf.
            self.client.post(section_path(self.section.name), {'remove': [self.element]})
        except KapacitorError as exc:
            raise self._write_error(exc, Plan(True, {}, []))
        try:
            after = self.read()
        except ElementMissing:
            after = None
        result['changed'] = after != current
        result['config'] = public_view(self.section, after) if after is not None else {}
        result['diff']['after'] = diff_view(self.section, after) if after is not None else {}
        return result

    def hidden_values(self):
        """Secret values a message may quote: the task's, and the ones Kapacitor keeps in clear
        (webhook URLs), which a failed test alert quotes even when the task did not give them."""
        values = list(self.secret_values)
        for options in (self.current, self.effective):
            for opt in self.section.secrets():
                if options and not opt.redacted:
                    values.append(opt.read(options))
        return values

    def test(self):
        """Send Kapacitor's service test for this element; returns {success, message}."""
        options = dict(self.section.test_defaults)
        for test_option, api_name in self.section.test_from_config.items():
            options[test_option] = (self.effective or {}).get(api_name)
        if self.section.test_element_option:
            options[self.section.test_element_option] = self.element
        options.update(self.params.get('test_options') or {})
        answer = self.client.service_test(self.section.name, options)
        answer['message'] = scrub_test_message(answer['message'], self.hidden_values())
        return answer


def not_kapacitor(client, path):
    return KapacitorError(
        'GET %s%s: the answer is not a Kapacitor configuration element; is kapacitor_url '
        'pointing at Kapacitor?' % (client.base_url, path))


class ElementMissing(Exception):
    """The list element does not exist (yet)."""


def run_section_module(section):
    """Entry point of a single-section module."""
    module = AnsibleModule(argument_spec=module_argument_spec(section), supports_check_mode=True,
                           mutually_exclusive=section.mutually_exclusive)
    if section.warning:
        module.warn(section.warning)

    def prepare():
        return SectionRun(section, KapacitorClient.from_params(module.params), module.params,
                          check_mode=module.check_mode), None, False

    execute(module, prepare, [module.params.get(o.name) for o in section.secrets()])


def execute(module, prepare, secrets):
    """The flow every endpoint module shares: converge, optional test alert, one-line errors.

    prepare() returns (SectionRun, current options, whether they were already read).
    secrets are the values to scrub from any message.
    """
    result = {'changed': False}
    run = None
    try:
        run, current, prefetched = prepare()
        result.update(run.run(current, prefetched=prefetched))
        result['kapacitor_version'] = run.client.version
        if not module._diff:
            result.pop('diff', None)
        if module.params['test_alert'] and module.params['state'] == 'present':
            if module.check_mode:
                result['test_alert'] = {'skipped': True, 'message': 'not sent in check mode'}
            else:
                test = run.test()
                result['test_alert'] = test
                if not test['success']:
                    result['msg'] = scrub('test alert through %s failed: %s' % (
                        run.describe(), test['message'] or 'no message from Kapacitor'),
                        list(secrets) + run.hidden_values())
                    module.fail_json(**result)
    except SpecError as exc:
        module.fail_json(msg=scrub(str(exc), secrets), changed=False)
    except KapacitorError as exc:
        result['msg'] = scrub(exc.message, list(secrets) + (run.hidden_values() if run else []))
        module.fail_json(**result)
    module.exit_json(**result)
