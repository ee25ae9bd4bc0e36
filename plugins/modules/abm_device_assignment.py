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
  - Idempotent. The current assignment of every listed device is read first, from the services' device
    lists (one paged request per service, not one per device), and only the devices not already in the
    desired state are sent. A second run sends nothing.
  - The devices to move are sent in as few activities as O(batch_size) allows. Apple publishes no
    limit on the devices of one activity and public clients send whole lists in one; the default,
    1000, is the largest page the API serves and the most this module puts in one activity.
    Unassignment sends one activity per service the devices leave, since an activity names its service.
  - With O(wait) (the default), each activity is polled, with growing intervals, until it is
    C(COMPLETED), C(FAILED) or C(STOPPED). An activity that does not succeed fails the task, naming
    the devices that did not reach the desired state (the service lists are read again to find them).
  - Unknown serial numbers or an unknown service fail the task before anything is sent.
  - Activities are never resent; if the answer to a create request is lost, the task fails saying so.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.abm
  - mdmkit.mdm.attributes
attributes:
  diff_mode:
    description: The diff lists each device that moves, with its service name before and after.
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
      - With O(state=assigned), assign with an MDM migration deadline (activity type
        C(ASSIGN_DEVICES_WITH_MDM_MIGRATION_DEADLINE), the deadline in the activity's
        C(activityTypeMetadata.mdmMigrationDeadlineDateTime)), so that enrolled devices must migrate to
        O(mdm_server) by then. An ISO 8601 date-time in the future, such as C(2026-12-31T17:00:00Z); without a
        zone it is taken as UTC. Public clients report Apple accepts at most 90 days ahead; Apple's answer is
        passed on if it refuses.
      - Devices already on O(mdm_server) are unchanged (no deadline is sent for them).
    type: str
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
  description: Number of listed devices already in the desired state.
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
      description: C(ASSIGN_DEVICES), C(UNASSIGN_DEVICES) or C(ASSIGN_DEVICES_WITH_MDM_MIGRATION_DEADLINE).
      type: str
      sample: ASSIGN_DEVICES
    mdm_server_id:
      description: Service the activity names.
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
failed_devices:
  description: Devices not in the desired state after their activity finished (the task then fails).
  returned: when an activity did not succeed
  type: list
  elements: str
  sample: [DVVS36G1YD3JKQNI]
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.abm_devices import (
    DEADLINE_ACTIVITY,
    MAX_BATCH_SIZE,
    activity_batches,
    assignments_for,
    await_outcomes,
    failure_message,
    find_server,
    get_devices,
    list_servers,
    listing,
    normalize_serial,
    parse_deadline,
    pending_message,
    plan_moves,
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
    try:
        run(module, client, serials, result, deadline)
    except MdmError as exc:
        failed = dict(result)
        failed['changed'] = bool(result['activities'])  # nothing was changed unless an activity was created
        failed.update(exc.result())
        module.fail_json(msg=exc.msg, **failed)
    module.exit_json(**result)


def run(module, client, serials, result, deadline=None):
    params = module.params
    state = params['state']
    # Everything is read and validated before the first write.
    servers = list_servers(client)
    names = dict((s['id'], s.get('server_name')) for s in servers)
    server_id = None
    if params['mdm_server']:
        server = find_server(servers, params['mdm_server'])
        server_id = server['id']
        result['mdm_server'] = dict(id=server_id, name=server.get('server_name'))
    _found, missing = get_devices(client, serials)
    if missing:
        module.fail_on('serial_numbers', 'the organization has no device with the serial number %s; '
                       'nothing was sent.' % listing(missing), **result)
    current = assignments_for(client, servers, serials)
    moves = plan_moves(current, serials, state, server_id)
    result['moved'] = moves
    result['unchanged'] = len(serials) - len(moves)
    result['changed'] = bool(moves)
    result['diff'] = dict(
        before=dict((s, names.get(current[s])) for s in moves),
        after=dict((s, names.get(server_id) if state == 'assigned' else None) for s in moves))
    if not moves or module.check_mode:
        return

    def with_deadline(activity_type):
        if deadline and activity_type == 'ASSIGN_DEVICES':
            return DEADLINE_ACTIVITY, {'mdmMigrationDeadlineDateTime': deadline}
        return activity_type, None

    send_activities(client, activity_batches(moves, current, state, server_id, params['batch_size']), result,
                    with_deadline)
    if not params['wait']:
        return

    def from_assignments(activity):
        now = assignments_for(client, servers, activity['devices'])
        return [{'serial': s, 'ok': not plan_moves({s: now.get(s)}, [s], state, server_id),
                 'status': None, 'message': 'from the assignments read after the activity'}
                for s in activity['devices']]

    pending, unsuccessful, failed = await_outcomes(client, result['activities'], params['wait_timeout'],
                                                   params['poll_interval'], from_assignments)
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


if __name__ == '__main__':
    main()
