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
