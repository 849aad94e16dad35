# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The engine behind every alert-section module.

A module file is its documentation plus ``run_section_module(SECTION)``. The engine reads the
element once, compares only the options the user supplied, writes at most once, reads the
result back once, sends the optional test alert, and never shows a secret.
"""

import re
from urllib.parse import quote

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_client import (
    API_PREFIX, CONNECTION_ARGUMENT_SPEC, KapacitorClient, KapacitorError, element_path, json_kind,
    section_path)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_runner import (
    TaskFailed, TaskSpec, run_as_module)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_secrets import (
    SECRET_SET, SECRET_UNSET, SECRET_UPDATED, is_set, scrub_test_message)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_secrets import (
    test_option_secrets as _secrets_in_test_options)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_spec import (
    SpecError, Unsupported, format_duration, parse_duration)

# Declared once: every endpoint module, the bulk module and (generated) the role take it; the
# runs get the value passed explicitly (SectionRun's update_secrets).
UPDATE_SECRETS_ARGUMENT = dict(type='str', default='on_create', choices=['on_create', 'always'])

ENDPOINT_ARGUMENT_SPEC = dict(
    state=dict(type='str', default='present', choices=['present', 'absent']),
    update_secrets=UPDATE_SECRETS_ARGUMENT,
    test_alert=dict(type='bool', default=False),
    test_options=dict(type='dict'),
)


def module_argument_spec(section):
    spec = dict(CONNECTION_ARGUMENT_SPEC)
    spec.update(ENDPOINT_ARGUMENT_SPEC)
    spec.update(section.argument_spec())
    return spec


class Plan:
    """What one element needs: ``changes`` by Ansible name, and the secrets among them."""

    def __init__(self, exists, changes, sent_secrets):
        self.exists = exists
        self.changes = changes            # {ansible_name: desired value}
        self.sent_secrets = sent_secrets  # Ansible names of secrets being (re)sent

    @property
    def changed(self):
        return bool(self.changes) or not self.exists


def plan_element(section, desired, current, update_secrets):
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


class SectionRun:
    """Converges one element of one section; usable by single modules and the bulk module."""

    def __init__(self, section, client, params, *, update_secrets, check_mode=False, read_back=True):
        self.section = section
        # read_back=False: the caller reads the whole config once after all writes (bulk).
        self.read_back = read_back
        self.client = client
        self.params = params
        self.check_mode = check_mode
        self.state = params.get('state') or 'present'
        self.update_secrets = update_secrets
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

    # -- reading ------------------------------------------------------------------------
    def read(self):
        """Current options of the element, or None if the list element does not exist."""
        path = element_path(self.section.name, self.element)
        try:
            element = self.client.get(path, expect={'options': dict})
        except KapacitorError as exc:
            raise self._read_error(exc)
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
        missing = Unsupported(self.section.name, version, missing_section=True, since=self.section.since)
        return KapacitorError(missing.message(), status=404, version=version)

    # -- versions -------------------------------------------------------------------------
    def unsupported(self):
        """What this Kapacitor lacks for the task, judged by the version it reported (known after
        its first answer): an Unsupported naming the section or the given options, or None (also
        when it reported no version: then its own answer to the write tells)."""
        names = self.desired if self.state == 'present' else ()
        return self.section.unsupported(self.client.version, names)

    def check_supported(self):
        """Fail before any write, in check mode too, when the server is too old for the task."""
        missing = self.unsupported()
        if missing is not None:
            raise KapacitorError(missing.message(), status=404 if missing.missing_section else None,
                                 version=self.client.version)

    # -- running ------------------------------------------------------------------------
    def run(self, current=None, prefetched=False):
        """Converge the element. ``current`` may be passed when the caller already read it."""
        if not prefetched:
            try:
                current = self.read()
            except ElementMissing:
                current = None
        self.check_supported()
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
        before = current or {}
        after = predicted_options(self.section, before, plan.changes)
        if plan.changed and not self.check_mode:
            self._send(plan, current)
            if self.read_back:
                after = self.verify_or_retry(self.read_or_none())
        result = {'changed': plan.changed, 'changed_options': sorted(plan.changes)}
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

    def read_or_none(self):
        try:
            return self.read()
        except ElementMissing:
            return None

    def not_stuck(self, options):
        """The desired options that ``options`` (read back after a write) does not hold.

        Secrets Kapacitor redacts can only be checked for being set.
        """
        if options is None:
            return sorted(self.desired) or [self.section.element_key or self.section.name]
        # Secrets that are set count as stuck: Kapacitor redacts most of them.
        return sorted(plan_element(self.section, self.desired, options, 'on_create').changes)

    def verify_or_retry(self, after):
        """Make sure what was written is what Kapacitor now holds; returns the element's options.

        Kapacitor's add of a list element is not atomic and a set of a nested object (Kafka's
        SASLAuth) replaces it whole, so a concurrent writer can undo part of a write that
        Kapacitor acknowledged. Write the missing options once more from the fresh state, then
        give up naming them.
        """
        if not self.not_stuck(after):
            return after
        self._send(plan_element(self.section, self.desired, after, 'on_create'), after)
        after = self.read_or_none()
        missing = self.not_stuck(after)
        if missing:
            raise written(KapacitorError(
                '%s: %s did not stick: Kapacitor acknowledged the write, but reading it back twice '
                'showed other values (another run or admin writing the same element at the same '
                'time?); run again' % (self.describe(), ', '.join(missing))))
        return after

    def _send(self, plan, base):
        """One POST with the plan's changes (made against ``base``, the element's options): a
        set on an existing element, an add otherwise."""
        if not plan.changed:
            return
        payload = api_payload(self.section, plan.changes, base)
        if plan.exists:
            path, body = element_path(self.section.name, self.element), {'set': payload}
        else:
            payload[self.section.element_api_key] = self.element
            path, body = section_path(self.section.name), {'add': payload}
        try:
            self.client.post(path, body)
        except KapacitorError as exc:
            self._after_failed_write(plan, exc)

    def _after_failed_write(self, plan, exc):
        """A write failed. If it may have landed (a lost answer) or someone added the element
        first (a concurrent add, which Kapacitor may answer by dropping the connection), look
        at what is there now instead of guessing."""
        text = exc.kapacitor_message or ''
        lost_race = not plan.exists and (exc.status is None or 'already exists' in text)
        # Kapacitor's own refusal of a change (its service's Update failed) stored nothing; only
        # its timeouts may still be applied later.
        refused = exc.status == 500 and text.startswith('failed to update configuration') and 'timeout' not in text
        maybe_applied = getattr(exc, 'maybe_applied', False) and not refused
        if not (lost_race or maybe_applied):
            raise self._write_error(exc, plan)
        try:
            now = self.read_or_none()
        except KapacitorError:
            raise self._maybe_applied_error(exc)
        if now is not None and not self.not_stuck(now):
            return  # the values are there: ours, or an identical concurrent write
        if now is not None and not plan.exists:
            # The element exists now (someone else's add, or ours with a lost answer): set the rest.
            rest = plan_element(self.section, self.desired, now, 'on_create')
            try:
                self.client.post(element_path(self.section.name, self.element),
                                 {'set': api_payload(self.section, rest.changes, now)})
            except KapacitorError as again:
                if getattr(again, 'maybe_applied', False):
                    raise self._maybe_applied_error(again)
                raise self._write_error(again, rest)
            return
        if now is None and lost_race and not maybe_applied:
            raise self._write_error(exc, plan)
        raise self._maybe_applied_error(exc)

    def _maybe_applied_error(self, exc):
        cause = re.sub(r'; the [A-Z]+ may have been applied$', '', exc.message)
        return written(KapacitorError(
            '%s: the write may have been applied; run again (its answer was lost: %s)'
            % (self.describe(), cause), status=exc.status, kapacitor_message=exc.kapacitor_message,
            version=exc.version))

    def _write_error(self, exc, plan):
        text = exc.kapacitor_message or ''
        if exc.status in (400, 500) and self.section.is_list and self.element == '' and 'id must not be empty' in text:
            return KapacitorError(
                "%s: Kapacitor cannot override the default workspace (the unnamed one) once other "
                "%ss were added through its API: its own check then refuses an unnamed %s next to "
                "named ones (an upstream bug). Set the default %s's options in kapacitor.conf, or "
                "manage a named %s with default: true instead. Kapacitor said: %s" % (
                    self.describe(), self.section.element_key, self.section.element_key,
                    self.section.element_key, self.section.element_key, text),
                status=exc.status, kapacitor_message=text, version=exc.version)
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
        values = list(self.secret_values) + test_option_secrets(self.params, self.section.name)
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

    def check_test_options(self):
        """Reject test_options Kapacitor's test of this service does not take, before any write.

        Kapacitor silently drops unknown keys and fails a wrong type only when the test runs,
        which is after the configuration was written.
        """
        given = self.params.get('test_options') or {}
        if not given:
            return
        path = '%s/service-tests/%s' % (API_PREFIX, quote(self.section.name, safe=''))
        try:
            takes = self.client.get(path, expect={'options': dict})['options']
        except KapacitorError as exc:
            if exc.status == 404:
                # Every section has its service test: a Kapacitor without the test lacks the section.
                raise self._unknown_section(exc.version)
            raise
        self.check_supported()  # what the server lacks before what the test options get wrong
        for key in sorted(given):
            if key not in takes:
                raise SpecError('test_options: %r is not an option of Kapacitor\'s %s test; it takes %s'
                                % (key, self.section.name, ', '.join(sorted(takes))))
            wanted = json_kind(takes[key])
            # A null default (OpsGenie's teams, SMTP's to) says nothing about the type.
            if wanted != 'null' and json_kind(given[key]) != wanted:
                raise SpecError('test_options.%s: got %s; Kapacitor\'s %s test takes %s here'
                                % (key, json_kind(given[key]), self.section.name, wanted))


def written(exc):
    """Mark a failure that comes after something may have been written: the task reports changed."""
    exc.changed = True
    return exc


class ElementMissing(Exception):
    """The list element does not exist (yet)."""


def section_task(section):
    """The TaskSpec of the module of ``section`` (kapacitor_slack, ...)."""
    return TaskSpec(module_argument_spec(section), lambda ctx: run_section(section, ctx),
                    mutually_exclusive=section.mutually_exclusive,
                    secrets_of=lambda params: ([params.get(o.name) for o in section.secrets()]
                                               + test_option_secrets(params, section.name)))


def run_section_module(section):
    """Entry point of a single-section module."""
    run_as_module(section_task(section))


def run_section(section, ctx):
    if section.warning:
        ctx.warn(section.warning)
    # Ansible's type='str' turns a list, dict or bool into text ("False"): judge what the task gave.
    section.check_raw_types(ctx.raw_params)
    run = SectionRun(section, KapacitorClient.from_params(ctx.params), ctx.params,
                     update_secrets=ctx.params['update_secrets'], check_mode=ctx.check_mode)
    return converge(ctx, run)


def converge(ctx, run, current=None, prefetched=False):
    """What every endpoint run does once it has its SectionRun: check the test options, converge
    the element, send the test alert. ``current``: the element's options when already read."""
    ctx.hide(run.secret_values)
    test_alert = ctx.params.get('test_alert') and ctx.params.get('state') == 'present'
    try:
        if test_alert:
            run.check_test_options()  # before any write: a bad test must not follow a write
        ctx.result.update(run.run(current, prefetched=prefetched))
        ctx.result['kapacitor_version'] = run.client.version
        if test_alert:
            if ctx.check_mode:
                ctx.result['test_alert'] = {'skipped': True, 'message': 'not sent in check mode'}
            else:
                test = run.test()
                ctx.result['test_alert'] = test
                if not test['success']:
                    raise TaskFailed('test alert through %s failed: %s' % (
                        run.describe(), test['message'] or 'no message from Kapacitor'), ctx.result)
    finally:
        ctx.hide(run.hidden_values())
    return ctx.result


def test_option_secrets(params, service):
    """Secret values in a task's free-form test_options (webhook URLs, keys, tokens)."""
    return _secrets_in_test_options(service, params.get('test_options') or {})
