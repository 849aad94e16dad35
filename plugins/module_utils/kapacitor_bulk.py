# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Converging every alert endpoint of a host in one module run (kapacitor_alert_endpoints).

Each section is validated with the argument spec of its dedicated module (the same
declarations), the whole configuration is read with one GET, each element that differs is
written with one POST, and the result is read back with one more GET.

``secrets`` fills in the secret options of listed endpoints from a separate mapping, keyed by
section and, for list sections, element name: the shape kapacitor_info's ``secrets_required``
has, so that its ``endpoints`` export goes back as it is, with the secrets it cannot export.

``unsupported`` says what happens to endpoints the host's Kapacitor cannot take (its version lacks
their section or an option they give): ``fail`` (the default) fails the run before any write,
naming them all; ``skip`` leaves them out whole and reports them, so that one set of variables
converges a fleet of mixed versions.
"""

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_client import (
    API_PREFIX, CONNECTION_ARGUMENT_SPEC, KapacitorClient, KapacitorError, section_path)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_engine import (
    UPDATE_SECRETS_ARGUMENT, SectionRun, diff_view, public_view, test_option_secrets)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_runner import TaskFailed, TaskSpec
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_sections import SECTIONS
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_spec import SpecError, Unsupported, describe_raw

ELEMENT_ARGUMENT_SPEC = dict(
    state=dict(type='str', default='present', choices=['present', 'absent']),
    test_options=dict(type='dict'),
)


def element_argument_spec(section):
    """What one element of ``section`` takes: its dedicated module's options, plus state."""
    spec = section.argument_spec()
    spec.update(ELEMENT_ARGUMENT_SPEC)
    return spec


def endpoints_argument_spec():
    options = {}
    for name, section in SECTIONS.items():
        entry = {'options': element_argument_spec(section)}
        if section.mutually_exclusive:
            entry['mutually_exclusive'] = [list(pair) for pair in section.mutually_exclusive]
        if section.is_list:
            entry.update(type='list', elements='dict')
        else:
            entry.update(type='dict')
        options[name] = entry
    return options


BULK_ARGUMENT_SPEC = dict(
    endpoints=dict(type='dict', required=True, options=endpoints_argument_spec()),
    secrets=dict(type='dict', no_log=True),
    prune=dict(type='bool', default=False),
    unsupported=dict(type='str', default='fail', choices=['fail', 'skip']),
    update_secrets=UPDATE_SECRETS_ARGUMENT,
    test_changed=dict(type='bool', default=False),
)


def element_label(section, element):
    if not section.is_list:
        return section.name
    return '%s/%s' % (section.name, element)


def checked_secrets(given):
    """The ``secrets`` option as {section: {element name: {option: value}}}, every value checked
    with its option's declaration. Raises SpecError naming the place (never the value).

    Single sections take {option: value}; list sections {element name: {option: value}}. Only
    secret options are taken, and every one needs a value: a null left in a filled-in copy of
    kapacitor_info's secrets_required is a secret that was forgotten.
    """
    found = {}
    for name, entry in sorted((given or {}).items()):
        section = SECTIONS.get(name)
        if section is None:
            raise SpecError('secrets: %r is not an alert section (sections: %s)' % (name, ', '.join(sorted(SECTIONS))))
        if not isinstance(entry, dict):
            raise SpecError('secrets.%s: got %s; give a dictionary' % (name, describe_raw(entry)))
        if not section.is_list:
            found[name] = {'': _checked_secret_options(section, entry, 'secrets.%s' % name)}
            continue
        found[name] = {}
        for element, options in sorted((str(key), value) for key, value in entry.items()):
            where = 'secrets.%s.%s' % (name, element if element != '' else '""')
            if not isinstance(options, dict):
                raise SpecError('%s: got %s; give a dictionary of the %s\'s secret options' % (
                    where, describe_raw(options), section.element_key))
            found[name][element] = _checked_secret_options(section, options, where)
    return found


def _checked_secret_options(section, options, where):
    secrets = dict((opt.name, opt) for opt in section.secrets())
    for key in sorted(options):
        if key not in secrets:
            raise SpecError('%s: %r is not a secret option of %s (its secrets: %s); give it in endpoints' % (
                where, key, section.name, ', '.join(sorted(secrets))))
        if options[key] is None:
            raise SpecError('%s.%s: no value given' % (where, key))
        try:
            secrets[key].check_raw(options[key])
        except SpecError as exc:
            raise SpecError('%s.%s' % (where, exc))
        if secrets[key].kind == 'dict' and not isinstance(options[key], dict):
            raise SpecError('%s.%s: got %s; give a dictionary' % (where, key, describe_raw(options[key])))
    spec = dict((key, secrets[key].argument_spec()) for key in options)
    checked = ArgumentSpecValidator(spec).validate(dict(options))
    if checked.error_messages:
        raise SpecError('%s: %s' % (where, checked.error_messages[0]))
    return dict((key, checked.validated_parameters[key]) for key in options)


def with_secrets(section, params, secrets):
    """An endpoint's validated parameters with its entry of ``secrets`` (one section's part of
    checked_secrets) merged in."""
    element = (params.get(section.element_key) or '') if section.is_list else ''
    given = secrets.get(element)
    if not given:
        return params
    merged = dict(params)
    for key, value in sorted(given.items()):
        if params.get(key) is not None:
            raise SpecError('%s is given both here and in secrets; give it once' % key)
        merged[key] = value
    return merged


def index_config(config):
    """{section: {element name: {'options':..., 'redacted':...}}} from GET /kapacitor/v1/config."""
    found = {}
    for name, data in ((config or {}).get('sections') or {}).items():
        section = SECTIONS.get(name)
        elements = {}
        for element in data.get('elements') or []:
            options = element.get('options') or {}
            key = options.get(section.element_api_key, '') if section and section.is_list else ''
            elements[key] = element
        found[name] = elements
    return found


class BulkRun:
    def __init__(self, ctx, client):
        self.client = client
        self.params = ctx.params
        self.check_mode = ctx.check_mode
        self.diff = ctx.diff
        self.runs = []      # SectionRun for every listed element, in a stable order
        self.skipped = []   # the runs left out: this Kapacitor cannot take them (unsupported=skip)
        self.warn = ctx.warn
        self.secrets = []
        self.result = ctx.result  # what converge() found and did so far, also when it fails

    def plan(self, raw_endpoints=None):
        """Validate every listed element before any request (a bad one fails the whole run).

        raw_endpoints: the endpoints as the task gave them, before Ansible's type conversion.
        """
        raw_endpoints = raw_endpoints if isinstance(raw_endpoints, dict) else {}
        secrets = checked_secrets(self.params.get('secrets'))
        unused = list(self.unused_secrets(secrets))
        if unused:
            raise SpecError('secrets.%s: endpoints does not list this endpoint (secrets only fill in '
                            'the endpoints that endpoints lists)' % unused[0])
        for name in sorted(self.params['endpoints']):
            value = self.params['endpoints'][name]
            if value is None:
                continue
            section = SECTIONS[name]
            elements = value if section.is_list else [value]
            raw = raw_endpoints.get(name)
            raw_elements = (raw if isinstance(raw, list) else [raw]) if raw is not None else []
            seen = set()
            for index, params in enumerate(elements):
                where = name if not section.is_list else '%s[%d]' % (name, index)
                try:
                    if index < len(raw_elements) and isinstance(raw_elements[index], dict):
                        section.check_raw_types(raw_elements[index])
                    params = with_secrets(section, params, secrets.get(name, {}))
                    run = SectionRun(section, self.client, params, update_secrets=self.params['update_secrets'],
                                     check_mode=self.check_mode, read_back=False)
                except SpecError as exc:
                    raise SpecError('endpoints.%s: %s' % (where, exc))
                if run.element in seen:
                    raise SpecError('endpoints.%s: %s %r is listed twice' % (
                        where, section.element_key, run.element))
                seen.add(run.element)
                self.secrets.extend(run.secret_values + test_option_secrets(params, name))
                self.runs.append(run)

    def unused_secrets(self, secrets):
        """Places in ``secrets`` (checked_secrets) that no listed endpoint takes: a typo, most likely."""
        listed = {}
        for name, value in self.params['endpoints'].items():
            if value is None:
                continue
            section = SECTIONS[name]
            listed[name] = set(
                (params.get(section.element_key) or '') for params in value) if section.is_list else {''}
        for name, elements in sorted(secrets.items()):
            for element in sorted(elements):
                if element not in listed.get(name, ()):
                    yield name if not SECTIONS[name].is_list else '%s.%s' % (name, element if element else '""')

    def check_test_options(self):
        """With test_changed, every endpoint's test_options are checked before the first write."""
        for run in self.runs:
            if run.state == 'present':
                try:
                    run.check_test_options()
                except SpecError as exc:
                    raise SpecError('endpoints.%s: %s' % (element_label(run.section, run.element), exc))

    def converge(self):
        """Converge every listed element; on a failure after some writes, say which landed."""
        result = self.result
        result.update({'changed': False, 'endpoints': {}, 'config': {}, 'skipped_endpoints': {}})
        try:
            return self._converge(result)
        except KapacitorError as exc:
            written = [label for label, outcome in sorted(result['endpoints'].items())
                       if outcome['changed']]
            if not written or self.check_mode:
                raise
            result['changed'] = True
            raise KapacitorError('endpoints written before the failure: %s; failed: %s' % (
                ', '.join(written), exc.message), status=exc.status,
                kapacitor_message=exc.kapacitor_message, version=exc.version)

    def _converge(self, result):
        before = index_config(self.read_config())
        self.leave_out_unsupported(before, result)
        if self.params['test_changed']:
            self.check_test_options()  # of the endpoints left, before any write
        diffs = []
        wrote = False
        for run in self.runs:
            element = before.get(run.section.name, {}).get(run.element)
            current = (element or {}).get('options') if element is not None else None
            if element is not None:
                run.redacted = element.get('redacted') or []
            label = element_label(run.section, run.element)
            try:
                outcome = run.run(current, prefetched=True)
            except KapacitorError as exc:
                if getattr(exc, 'changed', False):
                    result['endpoints'][label] = {'changed': True, 'changed_options': [], 'state': run.state}
                raise
            wrote = wrote or (outcome['changed'] and not self.check_mode)
            result['endpoints'][label] = {
                'changed': outcome['changed'],
                'changed_options': outcome['changed_options'],
                'state': run.state,
            }
            result['config'][label] = outcome['config']
            if outcome['changed']:
                result['changed'] = True
                diffs.append(dict(outcome['diff'], before_header=label, after_header=label))
        pruned = self.prune(before) if self.params['prune'] else []
        wrote = wrote or bool(pruned and not self.check_mode)
        if wrote:
            after = index_config(self.read_config())
            self.verify(result, after)
            self.refresh(result, after)
            for label, section, element_before, element_after in self.pruned_changes(pruned, before, after):
                result['changed'] = True
                result['endpoints'][label] = {'changed': True, 'changed_options': [], 'state': 'pruned'}
                diffs.append({'before_header': label, 'after_header': label,
                              'before': diff_view(section, element_before),
                              'after': diff_view(section, element_after) if element_after else {}})
        elif pruned:  # check mode: report what would be sent
            for section, names in pruned:
                for name in names:
                    label = element_label(section, name)
                    result['changed'] = True
                    result['endpoints'][label] = {'changed': True, 'changed_options': [], 'state': 'pruned'}
        if self.diff:
            result['diff'] = diffs
        return result

    def leave_out_unsupported(self, before, result):
        """Endpoints this Kapacitor cannot take: its version (known from the answer to the first
        GET) lacks their section or an option they give, or, whatever it reports, a single section
        is missing from its configuration. Options are not judged without a version: Kapacitor's
        answer to the write tells then.

        unsupported=fail: the run fails naming them all, before any write. unsupported=skip: they
        are left out whole (not written, tested or pruned), listed in ``skipped_endpoints`` (not
        ``skipped``, which would tell Ansible that the whole task was skipped) and warned about.
        """
        found = []
        for run in self.runs:
            missing = run.unsupported()
            if missing is None and not run.section.is_list and run.section.name not in before:
                missing = Unsupported(run.section.name, self.client.version, missing_section=True,
                                      since=run.section.since)
            if missing is not None:
                found.append((element_label(run.section, run.element), run, missing))
        if not found:
            return
        found.sort(key=lambda item: item[0])
        if self.params['unsupported'] != 'skip':
            server = found[0][2].server()
            raise KapacitorError('%s cannot take %d endpoint%s, so nothing was written (unsupported=skip leaves %s '
                                 'out): %s' % (server, len(found), '' if len(found) == 1 else 's',
                                               'it' if len(found) == 1 else 'them',
                                               '; '.join('%s: %s' % (label, missing.short())
                                                         for label, _run, missing in found)),
                                 version=self.client.version)
        for label, run, missing in found:
            result['skipped_endpoints'][label] = missing.reason()
            self.warn('skipped %s: %s' % (label, missing.reason()))
            self.runs.remove(run)
            self.skipped.append(run)

    def read_config(self):
        return self.client.get(API_PREFIX + '/config', expect={'sections': dict})

    def verify(self, result, after):
        """Every element written holds what was asked (a concurrent writer can undo part of a
        write); one that does not is written once more, then the run fails naming it."""
        for run in self.runs:
            label = element_label(run.section, run.element)
            if run.state != 'present' or not result['endpoints'][label]['changed']:
                continue
            element = after.get(run.section.name, {}).get(run.element)
            options = (element or {}).get('options') if element is not None else None
            if run.not_stuck(options):
                fresh = run.verify_or_retry(options)
                after.setdefault(run.section.name, {})[run.element] = {'options': fresh}

    def refresh(self, result, after):
        """Replace predicted configs by what Kapacitor reports after the writes."""
        for run in self.runs:
            label = element_label(run.section, run.element)
            element = after.get(run.section.name, {}).get(run.element)
            options = (element or {}).get('options')
            run.effective = options
            result['config'][label] = public_view(run.section, options) if options else {}

    def prune(self, before):
        """Remove the API overrides of every section and element that is not listed."""
        listed = {}
        for run in self.runs + self.skipped:  # a skipped endpoint is left as it is, not pruned
            listed.setdefault(run.section.name, set()).add(run.element)
        pruned = []
        for name in sorted(before):
            section = SECTIONS.get(name)
            if section is None:
                continue  # not an alert section (influxdb, discovery...): not ours to prune
            names = [element for element in sorted(before[name])
                     if element not in listed.get(name, ())]
            if not names:
                continue
            if not self.check_mode:
                self.client.post(section_path(name), {'remove': names})
            pruned.append((section, names))
        return pruned

    @staticmethod
    def pruned_changes(pruned, before, after):
        for section, names in pruned:
            for name in names:
                element_before = before[section.name][name]['options']
                element_after = (after.get(section.name, {}).get(name) or {}).get('options')
                if element_after != element_before:
                    yield element_label(section, name), section, element_before, element_after

    def test_changed(self, result):
        """Test alerts through the endpoints that changed and are enabled."""
        tests = {}
        for run in self.runs:
            label = element_label(run.section, run.element)
            if run.state != 'present' or not result['endpoints'][label]['changed']:
                continue
            if 'enabled' in run.section.options and not (run.effective or {}).get('enabled'):
                tests[label] = {'success': True, 'skipped': True, 'message': 'not enabled: no test sent'}
                continue
            tests[label] = run.test()
        return tests


def bulk_secrets(params):
    """Secrets Ansible's no_log cannot know: the ones inside each endpoint's test_options."""
    found = []
    for name, value in (params.get('endpoints') or {}).items():
        for element in (value if isinstance(value, list) else [value] if value else []):
            found.extend(test_option_secrets(element, name))
    return found


def run_bulk(ctx):
    bulk = BulkRun(ctx, KapacitorClient.from_params(ctx.params))
    try:
        bulk.plan((ctx.raw_params or {}).get('endpoints'))
    finally:
        ctx.hide(bulk.secrets)
    for run in bulk.runs:
        # A retired service listed disabled (as kapacitor_info exports it) is not being used.
        if run.section.warning and run.state == 'present' and run.desired.get('enabled') is not False:
            ctx.warn(run.section.warning)
    result = bulk.converge()
    result['kapacitor_version'] = bulk.client.version
    if ctx.params['test_changed'] and not ctx.check_mode:
        result['test_alerts'] = bulk.test_changed(result)
        failed = ['%s: %s' % (label, test['message'] or 'no message from Kapacitor')
                  for label, test in sorted(result['test_alerts'].items()) if not test['success']]
        if failed:
            raise TaskFailed('test alerts failed: ' + '; '.join(failed), result)
    return result


BULK_TASK = TaskSpec(dict(CONNECTION_ARGUMENT_SPEC, **BULK_ARGUMENT_SPEC), run_bulk, secrets_of=bulk_secrets)
