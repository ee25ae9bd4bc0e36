#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: abm_device_assignment
short_description: Assign devices to a device management service in Apple Business Manager or Apple School Manager
version_added: 0.1.0
description:
  - Assigns organization devices to a device management service (MDM server), or unassigns them, with
    C(orgDeviceActivities).
  - Idempotent. The listed devices and their current service are read first, and only the devices not
    already in the desired state are sent. A second run sends nothing.
  - The reads take as few requests as the API allows. Devices are looked up in the organization's device
    list (1000 per page), or one by one when they are fewer than its pages. Apple marks each device
    C(ASSIGNED) or C(UNASSIGNED), so only assigned ones are placed on a service, from the services' device
    lists (1000 per page), or one request per device when that is fewer. Without C(--diff), only the list of
    O(mdm_server) is read, since all that matters is whether each device is on it; with C(--diff), the
    other lists too, to show where each device comes from.
  - The devices to move are sent in as few activities as O(batch_size) allows. Apple publishes no
    limit on the devices of one activity and public clients send whole lists in one; the default,
    1000, is the largest page the API serves and the most this module puts in one activity.
    Unassignment sends one activity per service the devices leave, since an activity names its service.
  - With O(wait) (the default), each activity is polled, with growing intervals, until it is
    C(COMPLETED), C(FAILED) or C(STOPPED). An activity that does not succeed fails the task, naming
    the devices that did not reach the desired state (from the activity's log, else by reading them again).
  - Unknown serial numbers or an unknown service fail the task before anything is sent.
  - Activities are never resent; if the answer to a create request is lost, the task fails saying so.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.abm
  - mdmkit.mdm.attributes
attributes:
  diff_mode:
    description:
      - The diff lists each device that changes, with its service name before and after. With
        O(mdm_migration_deadline) or O(cancel_mdm_migration), each entry is a dict of C(mdm_server) and
        C(mdm_migration_deadline) (null when no migration is in progress).
    support: full
options:
  serial_numbers:
    description:
      - Serial numbers of the devices (compared in upper case). Each must be a device of the organization.
    type: list
    elements: str
    required: true
  mdm_server:
    description:
      - The device management service, by id or name.
      - Required with O(state=assigned). With O(state=unassigned), only devices assigned to this service
        are unassigned; unset unassigns the devices from whatever service they are on.
    type: str
  state:
    description:
      - V(assigned) puts every listed device on O(mdm_server); V(unassigned) removes them from their service.
    type: str
    choices: [assigned, unassigned]
    default: assigned
  batch_size:
    description:
      - Most devices sent in one activity, from 1 to 1000.
    type: int
    default: 1000
  wait:
    description:
      - Wait until every activity has finished, and fail if one did not succeed.
      - When V(false), the activities are returned as Apple first reported them (C(IN_PROGRESS));
        follow them with M(mdmkit.mdm.abm_device_activity_info).
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for all activities to finish before failing (the activities keep running at Apple).
    type: int
    default: 600
  allow_partial:
    description:
      - When an activity completes with some devices failed (C(COMPLETED_WITH_ERROR)), warn and succeed
        instead of failing. The failed serials are still returned in RV(failed_devices), and each
        activity's RV(activities[].device_outcomes). An activity that C(FAILED) or C(STOPPED) always fails.
    type: bool
    default: false
  poll_interval:
    description:
      - Seconds before the first status check; each later check waits 1.5 times longer, up to 60 seconds.
    type: float
    default: 5
  mdm_migration_deadline:
    description:
      - With O(state=assigned), an MDM migration deadline, so that enrolled devices must migrate to
        O(mdm_server) by then without being erased. An ISO 8601 date-time in the future and, as Apple
        requires, at most 90 days ahead, such as C(2026-12-31T17:00:00Z); without a zone it is taken as UTC.
      - Devices not on O(mdm_server) are assigned with the activity type
        C(ASSIGN_DEVICES_WITH_MDM_MIGRATION_DEADLINE) (the deadline in C(activityTypeMetadata.mdmMigrationDeadlineDateTime)).
      - Devices already on O(mdm_server) whose migration is in progress (Apple's C(mdmMigrationStatus)
        C(REQUESTED) or C(STARTED)) with another deadline (C(mdmMigrationDeadlineDateTime)) get the new one with
        C(UPDATE_MDM_MIGRATION_DEADLINE); they are listed in RV(migration_updated). Apple's device records
        carry both fields (Apple Business API 2.3, Apple School Manager API 1.6), so a second run sends nothing.
      - Devices already on O(mdm_server) with no migration in progress are unchanged, since Apple only updates the
        deadline of a migration in progress (it reports any other device as failed).
      - Mutually exclusive with O(cancel_mdm_migration).
    type: str
  cancel_mdm_migration:
    description:
      - With O(state=assigned), cancel the migration in progress of the devices already on O(mdm_server)
        (activity type C(CANCEL_MDM_MIGRATION)); they are listed in RV(migration_cancelled). Devices with no
        migration in progress are unchanged. Devices not on O(mdm_server) are assigned to it without a deadline.
      - What Apple does with the device's assignment after a cancel is not documented; this module only
        reads the migration status again.
    type: bool
    default: false
'''

EXAMPLES = r'''
- name: Put the new iPads on the production MDM (one activity, only the ones not already there)
  mdmkit.mdm.abm_device_assignment:
    serial_numbers: "{{ new_ipads }}"
    mdm_server: SimpleMDM
  register: moved

- name: See what would move, with each device's service before and after
  mdmkit.mdm.abm_device_assignment:
    serial_numbers: [DVVS36G1YD3JKQNI, XABC123X0ABC123X0]
    mdm_server: 1F97349736CF4614A94F624E705841AD
  check_mode: true
  diff: true

- name: Release devices from the staging service, without waiting
  mdmkit.mdm.abm_device_assignment:
    serial_numbers: "{{ retired }}"
    mdm_server: Staging
    state: unassigned
    wait: false

- name: Move Macs to the new MDM, enrolled ones to migrate by the end of the year
  mdmkit.mdm.abm_device_assignment:
    serial_numbers: "{{ macs }}"
    mdm_server: SimpleMDM
    mdm_migration_deadline: '2026-12-31T17:00:00Z'

- name: Give the Macs already migrating to SimpleMDM a later deadline (unchanged if they have it)
  mdmkit.mdm.abm_device_assignment:
    serial_numbers: "{{ macs }}"
    mdm_server: SimpleMDM
    mdm_migration_deadline: '2027-01-15T17:00:00Z'

- name: Cancel their migration
  mdmkit.mdm.abm_device_assignment:
    serial_numbers: "{{ macs }}"
    mdm_server: SimpleMDM
    cancel_mdm_migration: true

- name: Apple School Manager
  mdmkit.mdm.abm_device_assignment:
    api: school
    serial_numbers: "{{ cart_3 }}"
    mdm_server: Jamf School
'''

RETURN = r'''
mdm_server:
  description: The service named by O(mdm_server) (null when unset).
  returned: always
  type: dict
  sample: {id: 1F97349736CF4614A94F624E705841AD, name: SimpleMDM}
moved:
  description: Serial numbers sent (or, in check mode, that would be sent) because they were not in the desired state.
  returned: always
  type: list
  elements: str
  sample: [DVVS36G1YD3JKQNI]
unchanged:
  description: Number of listed devices already in the desired state (service and migration deadline).
  returned: always
  type: int
  sample: 2
activities:
  description:
    - One entry per activity sent (none in check mode), in the state last read.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Activity id, for M(mdmkit.mdm.abm_device_activity_info).
      type: str
      sample: b1481656-b267-480d-b284-a809eed8b041
    activity_type:
      description:
        - C(ASSIGN_DEVICES), C(UNASSIGN_DEVICES), C(ASSIGN_DEVICES_WITH_MDM_MIGRATION_DEADLINE),
          C(UPDATE_MDM_MIGRATION_DEADLINE) or C(CANCEL_MDM_MIGRATION).
      type: str
      sample: ASSIGN_DEVICES
    mdm_server_id:
      description: Service the activity names (null for a migration update or cancel, which name none).
      type: str
      sample: 1F97349736CF4614A94F624E705841AD
    devices:
      description: Serial numbers of the activity.
      type: list
      elements: str
      sample: [DVVS36G1YD3JKQNI]
    status:
      description: C(IN_PROGRESS), C(COMPLETED), C(FAILED) or C(STOPPED).
      type: str
      sample: COMPLETED
    sub_status:
      description: Sub-status, such as C(SUBMITTED), C(COMPLETED_WITH_SUCCESS) or C(COMPLETED_WITH_ERROR).
      type: str
      sample: COMPLETED_WITH_SUCCESS
    created_date_time:
      description: When Apple created the activity.
      type: str
      sample: '2025-05-05T04:15:43.282Z'
    completed_date_time:
      description: When it finished.
      type: str
      sample: '2025-05-05T04:15:55.101Z'
    download_url:
      description: URL of the activity's CSV log (per-device results), once finished.
      type: str
      sample: https://store.blobstore.apple.com/...
    device_outcomes:
      description:
        - Each device's outcome, read from the activity's CSV log, for an activity that did not fully
          succeed. Where the log cannot be read, from the assignments read after the activity.
      type: list
      elements: dict
      returned: when the activity did not fully succeed
      sample: [{serial: DVVS36G1YD3JKQNI, status: FAILED, message: Device is locked and cannot be reassigned, ok: false}]
  sample:
    - id: b1481656-b267-480d-b284-a809eed8b041
      activity_type: ASSIGN_DEVICES
      mdm_server_id: 1F97349736CF4614A94F624E705841AD
      devices: [DVVS36G1YD3JKQNI]
      status: COMPLETED
      sub_status: COMPLETED_WITH_SUCCESS
mdm_migration_deadline:
  description: The deadline sent, in UTC, as Apple takes it.
  returned: when O(mdm_migration_deadline) is set
  type: str
  sample: '2026-12-31T17:00:00Z'
migration_updated:
  description: Devices already on O(mdm_server), migrating with another deadline, whose deadline is (or, in check mode, would be) changed.
  returned: when O(mdm_migration_deadline) is set
  type: list
  elements: str
  sample: [DVVS36G1YD3JKQNI]
migration_cancelled:
  description: Devices already on O(mdm_server) whose migration in progress is (or, in check mode, would be) cancelled.
  returned: when O(cancel_mdm_migration=true)
  type: list
  elements: str
  sample: [DVVS36G1YD3JKQNI]
failed_devices:
  description: Devices not in the desired state after their activity finished (the task then fails).
  returned: when an activity did not succeed
  type: list
  elements: str
  sample: [DVVS36G1YD3JKQNI]
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.abm_devices import (
    CANCEL_MIGRATION_ACTIVITY,
    DEADLINE_ACTIVITY,
    MAX_BATCH_SIZE,
    UPDATE_DEADLINE_ACTIVITY,
    activity_batches,
    assignments_for,
    await_outcomes,
    chunks,
    failed_result,
    failure_message,
    find_server,
    get_devices,
    list_servers,
    listing,
    migrating,
    normalize_serial,
    parse_deadline,
    pending_message,
    plan_moves,
    same_moment,
    send_activities,
)
from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import MdmError
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule


def main():
    module = MdmModule(
        'abm',
        argument_spec=dict(
            serial_numbers=dict(type='list', elements='str', required=True),
            mdm_server=dict(type='str'),
            state=dict(type='str', default='assigned', choices=['assigned', 'unassigned']),
            batch_size=dict(type='int', default=MAX_BATCH_SIZE),
            wait=dict(type='bool', default=True),
            allow_partial=dict(type='bool', default=False),
            wait_timeout=dict(type='int', default=600),
            poll_interval=dict(type='float', default=5),
            mdm_migration_deadline=dict(type='str'),
            cancel_mdm_migration=dict(type='bool', default=False),
        ),
        required_if=[('state', 'assigned', ('mdm_server',))],
        supports_check_mode=True,
    )
    params = module.params
    serials = []
    for value in params['serial_numbers']:
        serial = normalize_serial(value)
        if not serial:
            module.fail_on('serial_numbers', 'an empty serial number was given.')
        if serial not in serials:
            serials.append(serial)
    if not serials:
        module.fail_on('serial_numbers', 'give at least one serial number.')
    if not 1 <= params['batch_size'] <= MAX_BATCH_SIZE:
        module.fail_on('batch_size', 'must be between 1 and %d, got %d.' % (MAX_BATCH_SIZE, params['batch_size']))
    if params['wait_timeout'] < 0:
        module.fail_on('wait_timeout', 'must not be negative.')
    if params['poll_interval'] < 0:
        module.fail_on('poll_interval', 'must not be negative.')
    if params['cancel_mdm_migration'] and params['state'] != 'assigned':
        module.fail_on('cancel_mdm_migration', 'applies only with state=assigned.')
    if params['cancel_mdm_migration'] and params['mdm_migration_deadline'] is not None:
        module.fail_on('mdm_migration_deadline', 'set a deadline or cancel_mdm_migration=true, not both.')
    deadline = None
    if params['mdm_migration_deadline'] is not None:
        if params['state'] != 'assigned':
            module.fail_on('mdm_migration_deadline', 'applies only with state=assigned.')
        try:
            deadline = parse_deadline(params['mdm_migration_deadline'])
        except MdmError as exc:
            module.fail_json(msg=exc.msg)

    client = module.client
    result = dict(changed=False, mdm_server=None, moved=[], unchanged=0, activities=[])
    if deadline:
        result['mdm_migration_deadline'] = deadline
    if deadline or params['cancel_mdm_migration']:
        result['migration_updated' if deadline else 'migration_cancelled'] = []
    try:
        run(module, client, serials, result, deadline)
    except MdmError as exc:
        module.fail_json(msg=exc.msg, **failed_result(result, exc))
    module.exit_json(**result)


def plan_migrations(found, current, serials, server_id, deadline, cancel):
    """Devices already on the service whose migration must change: (activity type, serials).

    With a deadline: those migrating to it with another deadline (UPDATE_MDM_MIGRATION_DEADLINE).
    With cancel: those migrating to it (CANCEL_MDM_MIGRATION). A device with no migration in
    progress is left alone: Apple fails an update or a cancel for it.
    """
    on_target = [s for s in serials if current.get(s) == server_id and migrating(found[s])]
    if deadline:
        return UPDATE_DEADLINE_ACTIVITY, [s for s in on_target
                                          if not same_moment(found[s].get('mdm_migration_deadline_date_time'), deadline)]
    if cancel:
        return CANCEL_MIGRATION_ACTIVITY, on_target
    return None, []


def run(module, client, serials, result, deadline=None):
    params = module.params
    state = params['state']
    cancel = params['cancel_mdm_migration']
    # Everything is read and validated before the first write.
    servers = list_servers(client)
    names = dict((s['id'], s.get('server_name')) for s in servers)
    server_id = None
    if params['mdm_server']:
        server = find_server(servers, params['mdm_server'])
        server_id = server['id']
        result['mdm_server'] = dict(id=server_id, name=server.get('server_name'))
    found, missing = get_devices(client, serials)
    if missing:
        module.fail_on('serial_numbers', 'the organization has no device with the serial number %s; '
                       'nothing was sent.' % listing(missing), **result)
    # Without --diff, all that matters is whether each device is on the named service: its list
    # alone answers that. The diff shows where the others are, which takes the other lists.
    current = assignments_for(client, servers, serials, statuses=dict((s, found[s].get('status')) for s in serials),
                              only=None if module._diff or not server_id else server_id)
    moves = plan_moves(current, serials, state, server_id)
    migration_type, migrations = plan_migrations(found, current, serials, server_id, deadline, cancel)
    result['moved'] = moves
    if migration_type:
        result['migration_updated' if deadline else 'migration_cancelled'] = migrations
    result['unchanged'] = len(serials) - len(moves) - len(migrations)
    result['changed'] = bool(moves or migrations)
    if module._diff:
        result['diff'] = diff(names, found, current, moves, migrations, state, server_id, deadline, cancel)
    if not result['changed'] or module.check_mode:
        return

    def with_metadata(activity_type):
        if deadline and activity_type in ('ASSIGN_DEVICES', DEADLINE_ACTIVITY):
            return DEADLINE_ACTIVITY, {'mdmMigrationDeadlineDateTime': deadline}
        if activity_type == UPDATE_DEADLINE_ACTIVITY:
            return activity_type, {'mdmMigrationDeadlineDateTime': deadline}
        return activity_type, None

    batches = activity_batches(moves, current, state, server_id, params['batch_size'])
    batches += [(migration_type, None, part) for part in chunks(migrations, params['batch_size'])]
    send_activities(client, batches, result, with_metadata)
    if not params['wait']:
        return

    def read_back(activity):
        """Each device's outcome from its state after the activity (when the log is unreadable)."""
        devices = activity['devices']
        if activity['activity_type'] in (UPDATE_DEADLINE_ACTIVITY, CANCEL_MIGRATION_ACTIVITY):
            now, _gone = get_devices(client, devices)
            ok = dict((s, s in now and (same_moment(now[s].get('mdm_migration_deadline_date_time'), deadline)
                                        if deadline else not migrating(now[s]))) for s in devices)
        else:
            now = assignments_for(client, servers, devices)
            ok = dict((s, not plan_moves({s: now.get(s)}, [s], state, server_id)) for s in devices)
        return [{'serial': s, 'ok': ok[s], 'status': None, 'message': 'from the devices read after the activity'}
                for s in devices]

    pending, unsuccessful, failed = await_outcomes(client, result['activities'], params['wait_timeout'],
                                                   params['poll_interval'], read_back)
    if pending:
        module.fail_json(msg=pending_message(pending, result['activities'], params['wait_timeout']), **result)
    if not unsuccessful:
        return
    result['failed_devices'] = failed
    if params['allow_partial'] and all(a.get('status') == 'COMPLETED' for a in unsuccessful):
        if failed:
            module.warn('%d devices were not %s (allow_partial): %s' % (len(failed), state, listing(failed)))
        return
    module.fail_json(msg=failure_message(unsuccessful, result['activities'], failed, state), **result)


def diff(names, found, current, moves, migrations, state, server_id, deadline, cancel):
    """Each device that changes, before and after: its service's name, and with a migration
    option a dict of the service and the migration deadline."""
    target = names.get(server_id) if state == 'assigned' else None
    before, after = {}, {}
    for serial in moves + migrations:
        was = names.get(current[serial])
        if not (deadline or cancel):
            before[serial], after[serial] = was, target
            continue
        had = found[serial].get('mdm_migration_deadline_date_time') if migrating(found[serial]) else None
        before[serial] = dict(mdm_server=was, mdm_migration_deadline=had)
        after[serial] = dict(mdm_server=target, mdm_migration_deadline=deadline)
    return dict(before=before, after=after)


if __name__ == '__main__':
    main()
