# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The assignment plan behind abm_device_assignment: what moves, in how many activities, polling."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.mdmkit.mdm.plugins.module_utils import abm_devices
from ansible_collections.mdmkit.mdm.plugins.module_utils.abm_devices import (
    activity_batches,
    activity_body,
    flatten,
    plan_moves,
    wait_for_activities,
)

CURRENT = {'A': 'S1', 'B': 'S2', 'C': None, 'D': 'S1'}


def test_flatten_snake_cases_attributes():
    attributes = {'serialNumber': 'X1', 'addedToOrgDateTime': 't', 'productFamily': 'iPad'}
    flat = flatten({'type': 'orgDevices', 'id': 'X1', 'attributes': attributes})
    assert flat == {'id': 'X1', 'serial_number': 'X1', 'added_to_org_date_time': 't', 'product_family': 'iPad'}


def test_assign_moves_only_devices_elsewhere():
    assert plan_moves(CURRENT, ['A', 'B', 'C', 'D'], 'assigned', 'S1') == ['B', 'C']


def test_unassign_from_one_server_or_any():
    assert plan_moves(CURRENT, ['A', 'B', 'C', 'D'], 'unassigned', 'S1') == ['A', 'D']
    assert plan_moves(CURRENT, ['A', 'B', 'C', 'D'], 'unassigned', None) == ['A', 'B', 'D']


def test_assign_batches_are_as_few_as_batch_size_allows():
    moves = ['S%04d' % i for i in range(2500)]
    batches = activity_batches(moves, {}, 'assigned', 'T', 1000)
    assert [len(b[2]) for b in batches] == [1000, 1000, 500]
    assert set(b[:2] for b in batches) == {('ASSIGN_DEVICES', 'T')}


def test_unassign_batches_group_by_source_server():
    batches = activity_batches(['A', 'B', 'D'], CURRENT, 'unassigned', None, 1000)
    assert batches == [('UNASSIGN_DEVICES', 'S1', ['A', 'D']), ('UNASSIGN_DEVICES', 'S2', ['B'])]


def test_activity_body_matches_the_reference():
    body = activity_body('ASSIGN_DEVICES', 'S1', ['A'])
    assert body == {'data': {'type': 'orgDeviceActivities', 'attributes': {'activityType': 'ASSIGN_DEVICES'},
                             'relationships': {'mdmServer': {'data': {'type': 'mdmServers', 'id': 'S1'}},
                                               'devices': {'data': [{'type': 'orgDevices', 'id': 'A'}]}}}}


class FakeClock:
    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def time(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(round(seconds, 3))
        self.now += seconds


def test_wait_backs_off_until_terminal(monkeypatch):
    clock = FakeClock()
    answers = {'a1': iter(['IN_PROGRESS', 'IN_PROGRESS', 'COMPLETED']), 'a2': iter(['FAILED'])}

    def fake_get(client, activity_id):
        return {'id': activity_id, 'status': next(answers[activity_id]), 'sub_status': 'X'}

    monkeypatch.setattr(abm_devices, 'get_activity', fake_get)
    activities = [{'id': 'a1', 'status': 'IN_PROGRESS'}, {'id': 'a2', 'status': 'IN_PROGRESS'}]
    pending = wait_for_activities(None, activities, 100, 2, sleep=clock.sleep, clock=clock.time)
    assert pending == []
    assert [a['status'] for a in activities] == ['COMPLETED', 'FAILED']
    assert clock.sleeps == [2, 3.0, 4.5]


def test_wait_gives_up_at_the_timeout(monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(abm_devices, 'get_activity', lambda c, i: {'id': i, 'status': 'IN_PROGRESS'})
    activities = [{'id': 'a1', 'status': 'IN_PROGRESS'}]
    pending = wait_for_activities(None, activities, 10, 4, sleep=clock.sleep, clock=clock.time)
    assert pending == activities
    assert clock.now == 10


# ---- MDM migration deadline ------------------------------------------------------------------

def test_deadline_must_be_future_and_within_apple_90_days():
    from datetime import datetime, timezone
    from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert abm_devices.parse_deadline('2026-03-31T12:00:00+02:00', now=now) == '2026-03-31T10:00:00Z'
    assert abm_devices.parse_deadline('2026-04-01', now=now) == '2026-04-01T00:00:00Z'  # exactly 90 days
    refused = (('2026-04-01T00:00:01Z', 'more than 90 days ahead'), ('2025-12-31T23:59:59Z', 'not in the future'),
               ('soon', 'not an ISO 8601'))
    for value, problem in refused:
        try:
            abm_devices.parse_deadline(value, now=now)
        except ConfigError as exc:
            assert exc.msg.startswith('mdm_migration_deadline: ') and problem in exc.msg
        else:
            raise AssertionError(value)


def test_deadlines_compare_by_the_second():
    assert abm_devices.same_moment('2026-03-15T17:00:00.000Z', '2026-03-15T17:00:00Z')
    assert abm_devices.same_moment('2026-03-15T19:00:00+02:00', '2026-03-15T17:00:00Z')
    assert not abm_devices.same_moment('2026-03-15T17:00:01Z', '2026-03-15T17:00:00Z')
    assert not abm_devices.same_moment(None, '2026-03-15T17:00:00Z')


def test_only_devices_migrating_to_the_target_get_a_new_deadline_or_a_cancel():
    from ansible_collections.mdmkit.mdm.plugins.modules.abm_device_assignment import plan_migrations
    found = {
        'SAME': {'mdm_migration_status': 'REQUESTED', 'mdm_migration_deadline_date_time': '2026-03-15T17:00:00.000Z'},
        'OTHER': {'mdm_migration_status': 'STARTED', 'mdm_migration_deadline_date_time': '2026-03-01T17:00:00.000Z'},
        'DONE': {'mdm_migration_status': 'SUCCESS', 'mdm_migration_deadline_date_time': '2026-03-01T17:00:00.000Z'},
        'NONE': {},
        'AWAY': {'mdm_migration_status': 'REQUESTED', 'mdm_migration_deadline_date_time': '2026-03-01T17:00:00.000Z'},
    }
    current = {'SAME': 'T', 'OTHER': 'T', 'DONE': 'T', 'NONE': 'T', 'AWAY': 'S2'}
    serials = list(found)
    assert plan_migrations(found, current, serials, 'T', '2026-03-15T17:00:00Z', False) == (
        'UPDATE_MDM_MIGRATION_DEADLINE', ['OTHER'])
    assert plan_migrations(found, current, serials, 'T', None, True) == ('CANCEL_MDM_MIGRATION', ['SAME', 'OTHER'])
    assert plan_migrations(found, current, serials, 'T', None, False) == (None, [])
