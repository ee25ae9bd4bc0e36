# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared state machine: present/absent, per-key changes, check mode, masked diff."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.mdmkit.mdm.plugins.module_utils.state import MASK, Applied, Resource, plan_members


class FakeModule:
    def __init__(self, check_mode=False):
        self.check_mode = check_mode


class Recorder:
    def __init__(self):
        self.calls = []

    def create(self, desired):
        self.calls.append(('create', desired))
        return dict(desired, id=7)

    def update(self, changes, current):
        self.calls.append(('update', changes))

    def delete(self, current):
        self.calls.append(('delete', current['name']))


THING = Resource('thing', keys=['name', 'colour', 'token'], secret=['token'])


def ensure(current, desired, check_mode=False, state='present'):
    rec = Recorder()
    result = THING.ensure(FakeModule(check_mode), current, desired, create=rec.create, update=rec.update,
                          delete=rec.delete, state=state)
    return result, rec.calls


def test_create_then_nothing_to_do():
    result, calls = ensure(None, {'name': 'a', 'colour': 'red'})
    assert result['changed'] and calls == [('create', {'name': 'a', 'colour': 'red'})]
    assert result['diff'] == {'before': {}, 'after': {'name': 'a', 'colour': 'red'}}
    result, calls = ensure({'name': 'a', 'colour': 'red'}, {'name': 'a', 'colour': 'red'})
    assert not result['changed'] and calls == []


def test_update_sends_only_changed_keys_and_leaves_unset_ones():
    params = {'name': 'a', 'colour': 'blue', 'token': None}
    result, calls = ensure({'name': 'a', 'colour': 'red', 'token': 'old'}, THING.desired(params))
    assert calls == [('update', {'colour': 'blue'})]
    assert result['diff']['before']['colour'] == 'red' and result['diff']['after']['colour'] == 'blue'


def test_check_mode_writes_nothing_but_reports_the_change():
    for current, desired, state in ((None, {'name': 'a'}, 'present'),
                                    ({'name': 'a', 'colour': 'red'}, {'name': 'a', 'colour': 'x'}, 'present'),
                                    ({'name': 'a'}, {'name': 'a'}, 'absent')):
        result, calls = ensure(current, desired, check_mode=True, state=state)
        assert result['changed'] and calls == []


def test_absent_deletes_once():
    result, calls = ensure({'name': 'a'}, {'name': 'a'}, state='absent')
    assert result['changed'] and calls == [('delete', 'a')] and result['diff']['after'] == {}
    result, calls = ensure(None, {'name': 'a'}, state='absent')
    assert not result['changed'] and calls == []


def test_update_answered_as_no_op_is_unchanged():
    """An update whose writes all turned out to be no-ops (assigns answered 409) reports unchanged,
    with the view the update returned."""
    current = {'name': 'a', 'colour': 'red'}
    result = THING.ensure(FakeModule(), current, {'name': 'a', 'colour': 'blue'},
                          update=lambda changes, cur: Applied(dict(cur), changed=False))
    assert not result['changed'] and result['thing']['colour'] == 'red'
    result = THING.ensure(FakeModule(), current, {'name': 'a', 'colour': 'blue'},
                          update=lambda changes, cur: Applied(None, changed=True))
    assert result['changed'] and result['thing']['colour'] == 'blue'


def test_secrets_are_masked_in_diff_and_result():
    result, _calls = ensure({'name': 'a', 'token': 'hunter2-old'}, {'name': 'a', 'token': 'hunter2-new'})
    text = repr(result)
    assert 'hunter2' not in text and MASK in text and result['changed']


@pytest.mark.parametrize('current,desired,append,expected', [
    ({1, 2}, None, False, ([], [])),
    ({1, 2}, [2, 3], False, ([3], [1])),
    ({1, 2}, [2, 3], True, ([3], [])),
    (set(), [], False, ([], [])),
    ({1}, [], False, ([], [1])),
])
def test_member_lists_replace_unless_append(current, desired, append, expected):
    assert plan_members(current, desired, append) == expected
