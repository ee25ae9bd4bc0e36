# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one state machine behind every resource module.

A module describes its resource as a ``Resource`` (which keys it compares, which are secret,
how to compare them) and gives three callables: create, update, delete. ``Resource.ensure``
does present/absent, the per-key comparison, check mode (nothing written) and the diff
(secrets masked). Unset options (None) are left untouched.

``create``/``update`` may return ``Applied(view, changed)`` instead of a view when only the API's
answers tell whether anything changed (an assign answered 409 "already assigned" is no change).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError

MASK = 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'


def _same(current, desired):
    if isinstance(desired, bool) or isinstance(current, bool):
        return current == desired
    if isinstance(desired, (int, float)) and isinstance(current, str):
        return str(desired) == current
    if isinstance(current, (int, float)) and isinstance(desired, str):
        return str(current) == desired
    return current == desired


class Applied:
    """What ``create``/``update`` may return instead of a view: the view (None: the merged one) and
    whether the API actually changed something. ``changed=False`` when every write turned out to be
    a no-op (assigns answered 409, unassigns answered 404)."""

    def __init__(self, view=None, changed=True):
        self.view = view
        self.changed = bool(changed)


def _outcome(returned, fallback):
    """(view, changed) from what create/update returned."""
    if isinstance(returned, Applied):
        return returned.view or fallback, returned.changed
    return returned or fallback, True


class Resource:
    """A resource type: its label, compared keys, secret keys and custom comparisons.

    ``keys``: the options compared with the current object (same names on both sides).
    ``equal``: {key: callable(current, desired) -> bool} for keys that need more than ==.
    ``secret``: keys masked in the diff and the result.
    """

    def __init__(self, label, keys, secret=(), equal=None):
        self.label = label
        self.keys = list(keys)
        self.secret = set(secret)
        self.equal = dict(equal or {})

    def desired(self, params):
        """The options the user set; None means leave untouched."""
        return dict((k, params[k]) for k in self.keys if params.get(k) is not None)

    def changes(self, current, desired):
        changed = {}
        for key, value in desired.items():
            compare = self.equal.get(key, _same)
            if not compare(current.get(key), value):
                changed[key] = value
        return changed

    def masked(self, view):
        if view is None:
            return {}
        return dict((k, MASK if k in self.secret and v is not None else v) for k, v in view.items())

    def ensure(self, module, current, desired, create=None, update=None, delete=None, state='present'):
        """Bring one object to ``state``; returns the task result.

        ``current``: the object's view (dict keyed like ``keys``) or None when absent.
        ``create(desired)`` / ``update(changes, current)`` return the new view (or None to use
        the merged one), or ``Applied(view, changed)``; ``delete(current)`` returns nothing. None of
        them runs in check mode.
        """
        result = dict(changed=False)
        if state == 'absent':
            if current is not None:
                result['changed'] = True
                if not module.check_mode:
                    delete(current)
            before, after = current, None
        elif current is None:
            if create is None:
                raise ConfigError('The %s does not exist and cannot be created by this module.' % self.label)
            result['changed'] = True
            after = desired
            if not module.check_mode:
                after, result['changed'] = _outcome(create(desired), desired)
            before = None
        else:
            changes = self.changes(current, desired)
            before, after = current, dict(current)
            after.update(changes)
            if changes:
                result['changed'] = True
                if not module.check_mode:
                    after, result['changed'] = _outcome(update(changes, current), after)
        shown = set(self.keys) & (set(before or {}) | set(after or {}))
        result['diff'] = dict(
            before=self.masked(dict((k, (before or {}).get(k)) for k in shown)) if before is not None else {},
            after=self.masked(dict((k, (after or {}).get(k)) for k in shown)) if after is not None else {})
        result[self.result_key()] = self.masked(after) if after is not None else None
        return result

    def result_key(self):
        return self.label.replace(' ', '_')


def plan_members(current, desired, append=False):
    """Explicit list semantics: None leaves the members untouched; a list replaces them,
    or with ``append`` only adds. Returns (to_add, to_remove) as sorted lists."""
    if desired is None:
        return [], []
    current, desired = set(current), set(desired)
    to_add = sorted(desired - current, key=str)
    to_remove = [] if append else sorted(current - desired, key=str)
    return to_add, to_remove
