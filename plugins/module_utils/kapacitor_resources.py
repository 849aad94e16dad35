# Copyright (c) tick.kapacitor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One lifecycle for Kapacitor's objects that live at their own URL: topic handlers, TICKscript
tasks and templates, users, topics.

A kind of object is a subclass of :class:`Resource`, which says what the object is (its path,
the body that creates it, what decides whether two of them are the same, how to show it);
:class:`ResourceRun` converges one of them the same way for every kind:

* read it (one GET; "not found" is ``None``);
* compare what Kapacitor holds with what was asked, in the kind's comparable form;
* in check mode stop there; otherwise create, update or delete, then read back and, when
  another writer replaced it in between, write once more (or fail saying so);
* a write whose answer was lost is looked at again before anything is reported;
* every Kapacitor error becomes one line naming the object.

:func:`resource_task` turns a kind into the :class:`TaskSpec` its module runs.
"""

from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_client import (
    CONNECTION_ARGUMENT_SPEC, KapacitorClient, KapacitorError)
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_runner import TaskSpec
from ansible_collections.tick.kapacitor.plugins.module_utils.kapacitor_secrets import scrub


def one_line(text):
    return ' '.join(line.strip() for line in (text or '').splitlines() if line.strip())


def normal_lines(text):
    """A script (TICKscript or Flux) as compared, as lines: LF line ends, no trailing whitespace
    on a line, no blank lines at the start or the end."""
    lines = [line.rstrip() for line in (text or '').replace('\r\n', '\n').replace('\r', '\n').split('\n')]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def normalize_script(text):
    """A script as compared (see normal_lines)."""
    return '\n'.join(normal_lines(text))


class Resource:
    """One object of a kind, as asked by a task's parameters. Subclasses fill in the hooks.

    ``noun`` names the kind in messages and is the result key of the object ('handler', 'task').
    ``shape`` is what Kapacitor answers for one object (see KapacitorClient.request).
    ``update_method`` is how Kapacitor changes one in place (PUT replaces, PATCH merges).
    """

    noun = 'object'
    shape = dict
    update_method = 'PATCH'
    # Whether state=present may create the object (a topic only exists through its handlers
    # and events: it can be read and deleted, never created).
    creatable = True

    def __init__(self, client, params):
        self.client = client
        self.params = params
        self.state = params.get('state') or 'present'
        self.secrets = []          # values to scrub from every message and hide in output
        self.warnings = []         # for the task's result
        self.check_mode = False    # set by ResourceRun

    # -- what the object is (override) --------------------------------------------------
    def describe(self):
        """How messages name the object: "task 'cpu' "."""
        raise NotImplementedError

    def path(self):
        """The URL path of the object."""
        raise NotImplementedError

    def collection_path(self):
        """The URL path objects of the kind are created at (POST)."""
        raise NotImplementedError

    def read_path(self):
        """The URL path that reads the object (its path, with any query a kind needs)."""
        return self.path()

    def desired(self):
        """The body that creates the object as asked."""
        raise NotImplementedError

    def comparable(self, obj):
        """What decides whether two objects are the same to Kapacitor (a value compared with ==).
        ``obj`` is what Kapacitor returned or :meth:`desired`."""
        raise NotImplementedError

    def public(self, obj):
        """The object for the task's result (secrets hidden); ``{}`` for None."""
        raise NotImplementedError

    def diff_view(self, obj, before=None):
        """The object for diff mode; ``before`` is the object before the change."""
        return self.public(obj)

    # -- hooks with defaults ------------------------------------------------------------
    def validate(self):
        """Check the parameters and raise SpecError, before any request (check mode too)."""

    def check_supported(self):
        """Raise KapacitorError when this Kapacitor (version known after the first read) cannot
        hold what was asked; called before any write, in check mode too."""

    def missing(self, exc):
        """Whether a failed read means the object does not exist."""
        return exc.status == 404

    def found(self, answer):
        """The object in what :meth:`read_path` answered, or None when it does not exist (a kind
        found by a query picks it from a list, and keeps what :meth:`path` needs from it)."""
        return answer

    def remember(self, current):
        """Called with what Kapacitor holds (None when missing) once it is read: collect its
        secrets and anything the other hooks need."""

    def update_body(self, current):
        """The body that changes ``current`` into what was asked."""
        return self.desired()

    def must_recreate(self, current):
        """Whether ``current`` can only become what was asked by deleting and creating it
        (a change Kapacitor's update cannot express)."""
        return False

    def after_write(self, before, after):
        """Called after a write that changed the object, with what Kapacitor held before (None
        for a create) and holds now; returns what it holds after whatever this did."""
        return after

    def holds(self, obj):
        """Whether ``obj`` (read from Kapacitor) is what was asked."""
        return obj is not None and self.comparable(obj) == self.comparable(self.desired())

    def absent_result(self):
        """Result entries besides the object itself for state=absent."""
        return {}

    def present_result(self, after):
        """Result entries besides the object itself for state=present."""
        return {}

    def error_detail(self, exc):
        """Kapacitor's reason for a failure, in one line."""
        return one_line(exc.kapacitor_message) if exc.kapacitor_message else exc.message

    def failure(self, exc, doing):
        """The whole one-line message for a failure Kapacitor answered while ``doing`` (e.g.
        'creating') that the kind can explain in terms of its options; None: the generic one."""
        return None

    def restore_body(self, current):
        """The body that creates ``current`` again when a delete-and-create (must_recreate) fails
        at the create; None: it cannot be put back."""
        return None


class ResourceRun:
    """Converges one :class:`Resource`; :meth:`run` returns the result dict."""

    def __init__(self, resource, check_mode=False):
        self.resource = resource
        self.client = resource.client
        self.check_mode = resource.check_mode = check_mode

    # -- requests -----------------------------------------------------------------------
    def read(self):
        try:
            answer = self.client.get(self.resource.read_path(), expect=self.resource.shape)
        except KapacitorError as exc:
            if exc.status is not None and self.resource.missing(exc):
                return None
            raise self.error(exc, 'reading')
        return self.resource.found(answer)

    def error(self, exc, doing):
        """``exc`` as one line naming the object and what was being done."""
        explained = self.resource.failure(exc, doing) if exc.status is not None else None
        if exc.status is None:
            text = exc.message
        elif explained:
            text = explained
        else:
            text = '%s: Kapacitor failed %s it (HTTP %s): %s' % (
                self.resource.describe(), doing, exc.status, self.resource.error_detail(exc))
        error = KapacitorError(scrub(text, self.resource.secrets), status=exc.status,
                               kapacitor_message=exc.kapacitor_message, version=exc.version)
        error.changed = getattr(exc, 'maybe_applied', False) or getattr(exc, 'changed', False)
        return error

    def _lost_answer(self, exc, doing, before=None):
        """A write whose answer was lost, or that Kapacitor failed with a 5xx after it may have
        stored something, may have landed: look before failing. ``before`` is what the write was
        to replace (None for a create): when it is still there unchanged, nothing changed."""
        if not getattr(exc, 'maybe_applied', False):
            raise self.error(exc, doing)
        try:
            now = self.read()
        except KapacitorError:
            raise self.error(exc, doing)
        if self.resource.holds(now):
            return now
        error = self.error(exc, doing)
        comparable = self.resource.comparable
        if (now is None and before is None) or (
                now is not None and before is not None and comparable(now) == comparable(before)):
            error.changed = False
        raise error

    def create(self):
        """POST the object. Returns what someone else created meanwhile (None normally) and
        what Kapacitor holds afterwards (read back)."""
        try:
            self.client.post(self.resource.collection_path(), self.resource.desired(), expect=self.resource.shape)
        except KapacitorError as exc:
            if 'already exists' not in (exc.kapacitor_message or ''):
                # what _lost_answer read shows the create landed: it is the read-back
                return None, self._lost_answer(exc, 'creating')
            # Created between our read and our POST (a concurrent run): update it instead.
            existing = self.read()
            if existing is None:
                raise self.error(exc, 'creating')
            self.resource.remember(existing)
            if self.resource.holds(existing):
                return existing, existing
            self.update(existing)
            return existing, self.read()
        return None, self.read()

    def update(self, current):
        """Change ``current`` into what was asked."""
        if self.resource.must_recreate(current):
            self.delete(current)
            try:
                self.create()
            except KapacitorError as exc:
                if not self._restore(current):
                    exc.changed = True  # the old object is gone
                raise
            return
        try:
            self.client.request(self.resource.update_method, self.resource.path(),
                                self.resource.update_body(current), expect=self.resource.shape)
        except KapacitorError as exc:
            self._lost_answer(exc, 'updating', current)

    def _restore(self, current):
        """Put back what a failed delete-and-create deleted, when the kind can (best effort: the
        create's failure is what gets reported). Returns whether it is back."""
        body = self.resource.restore_body(current)
        if body is None:
            return False
        try:
            self.client.post(self.resource.collection_path(), body, expect=self.resource.shape)
        except KapacitorError:
            return False
        return True

    def delete(self, current):
        try:
            self.client.request('DELETE', self.resource.path())
        except KapacitorError as exc:
            if not getattr(exc, 'maybe_applied', False) or self.read() is not None:
                raise self.error(exc, 'deleting')

    # -- the lifecycle ------------------------------------------------------------------
    def run(self):
        resource = self.resource
        resource.validate()
        current = self.read()
        resource.remember(current)
        if resource.state == 'absent':
            return self._absent(current)
        resource.check_supported()
        return self._present(current)

    def _present(self, current):
        resource = self.resource
        if current is None and not resource.creatable:
            raise KapacitorError('%s does not exist' % resource.describe())
        changed = not resource.holds(current)
        after = current
        if changed and self.check_mode:
            after = resource.desired()
        elif changed:
            if current is None:
                current, after = self.create()
            else:
                self.update(current)
                after = self.read()
            # Changed even when a concurrent run wrote exactly this: it was not so when this
            # run started.
            after = resource.after_write(current, self._verify(after))
        result = {
            'changed': changed,
            resource.noun: resource.public(after),
            'diff': {'before': resource.diff_view(current) if current is not None else {},
                     'after': resource.diff_view(after, current)},
        }
        result.update(resource.present_result(after))
        return result

    def _verify(self, after):
        """What was read back after a write holds what was asked, or is written once more
        (another run or admin may have changed it meanwhile); returns it."""
        if self.resource.holds(after):
            return after
        if after is None:
            after = self.create()[1]
        else:
            self.update(after)
            after = self.read()
        if not self.resource.holds(after):
            raise KapacitorError('%s: the write did not stick: Kapacitor acknowledged it, but reading it back '
                                 'twice showed something else (another run or admin writing it at the same '
                                 'time?); run again' % self.resource.describe())
        return after

    def _absent(self, current):
        resource = self.resource
        result = {'changed': current is not None, resource.noun: {},
                  'diff': {'before': resource.diff_view(current) if current is not None else {}, 'after': {}}}
        result.update(resource.absent_result())
        if current is not None and not self.check_mode:
            self.delete(current)
        return result


# Whether the object should exist: every kind's ``state``, read by ResourceRun.run.
STATE_OPTION = dict(type='str', default='present', choices=['present', 'absent'])


def resource_task(kind, argument_spec, secrets_of=None, mutually_exclusive=None):
    """The TaskSpec of a module that converges one object of ``kind`` (a Resource subclass
    taking ``(client, params)``); the connection options and ``state`` are added to
    ``argument_spec``."""
    def run(ctx):
        resource = kind(KapacitorClient.from_params(ctx.params), ctx.params)
        try:
            result = ResourceRun(resource, check_mode=ctx.check_mode).run()
        finally:
            ctx.hide(resource.secrets)
            for warning in resource.warnings:
                ctx.warn(warning)
        result['kapacitor_version'] = resource.client.version
        return result
    return TaskSpec(dict(CONNECTION_ARGUMENT_SPEC, state=STATE_OPTION, **argument_spec), run,
                    mutually_exclusive=mutually_exclusive, secrets_of=secrets_of)
