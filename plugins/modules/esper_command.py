#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: esper_command
short_description: Send an Esper command to devices or groups, wait for it, or cancel it
version_added: 0.1.0
description:
  - Creates one Esper command request for O(devices) and/or O(groups). The command type follows from
    what is given; V(DEVICE) for devices only, V(GROUP) for groups only, V(DYNAMIC) for both.
  - The arguments each command needs are checked before anything is sent (for example
    C(SET_BRIGHTNESS_SCALE) needs C(brightness_value) between 1 and 100, C(SET_SCREEN_OFF_TIMEOUT) needs
    C(screen_off_timeout) of -1 or between 5000 and 1800000, C(SET_APP_PERMISSION) needs C(package_name),
    C(grant_state) and C(permission)).
  - With O(wait=true), polls the request's per-device statuses until every device that got one is in a
    final state (C(Command Success), C(Command Failure), C(Command TimeOut), C(Command Cancelled)) or
    O(wait_timeout) passes, and returns the statistics and every device's state, with its serial number
    and name (group members too). The devices waited for are those the API listed in the created
    request's statuses, so devices the command does not run on (see O(device_type)) do not hold up the wait.
  - With O(state=cancelled), cancels the statuses of request O(request_id) that are not final yet.
  - A command request is created by a POST, which is never resent; when its outcome is unknown (the
    connection dropped after sending) the task fails saying so, and nothing is sent again.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.esper
  - mdmkit.mdm.attributes.action
options:
  state:
    description:
      - V(present) sends the command, V(cancelled) cancels the pending statuses of O(request_id).
    type: str
    choices: [present, cancelled]
    default: present
  devices:
    description:
      - Devices to send the command to, by id, serial number or device name (resolved from one device
        listing). At most 1000.
    type: list
    elements: str
  groups:
    description:
      - Ids (UUIDs) of the Esper groups to send the command to. At most 500.
      - Each group's devices are listed (one filtered device listing per group) before anything is sent;
        a group no device is in (an unknown id, or an empty group) fails the task, naming this option.
    type: list
    elements: str
  command:
    description:
      - The command. Required with O(state=present).
    type: str
    choices: [ADD_TO_WHITELIST, ADD_WIFI_AP, APPLE_APP_UNINSTALL, BEEP_DEVICE, CLEAR_APP_DATA, CLEAR_PASSCODE,
              CONVERGE, DEVICE_INFORMATION, INSTALL, INSTALL_PROFILE, LIST_INSTALLED_PROFILES, LOCK,
              NOTIFY_DEVICE, REBOOT, REMOVE_FROM_WHITELIST, REMOVE_PROFILE, REMOVE_WIFI_AP,
              RESET_LOCKSCREEN_PASSWORD, SET_APP_NOTIFICATIONS, SET_APP_PERMISSION, SET_APP_STATE,
              SET_BLUETOOTH_STATE, SET_BRIGHTNESS_SCALE, SET_DEVICE_LANGUAGE, SET_DEVICE_LOCKDOWN_STATE,
              SET_ETHERNET_SETTINGS, SET_GPS_STATE, SET_KIOSK_APP, SET_MULTI_APP_MODE, SET_NEW_POLICY,
              SET_ROTATION_STATE, SET_SCREEN_OFF_TIMEOUT, SET_STATIC_IP, SET_STREAM_VOLUME, SET_TIMEZONE,
              SET_WIFI_STATE, UNINSTALL, UPDATE_BLUEPRINT, UPDATE_DEVICE_CONFIG, UPDATE_HEARTBEAT,
              UPDATE_LATEST_DPC, USE_ONLY_SAVED_WIFI_AP, VPP_APP_INSTALL, WIPE]
  command_args:
    description:
      - Arguments of the command, as the Esper API names them (C(package_name), C(brightness_value),
        C(wifi_state), C(rotate_state), C(screen_off_timeout), C(new_lockscreen_password)...).
      - Passwords (C(new_lockscreen_password), C(wifi_password)) are masked in the result.
      - C(app_id) of V(VPP_APP_INSTALL) and V(APPLE_APP_UNINSTALL) may be given as a number; it is sent as text.
      - V(SET_DEVICE_LANGUAGE) takes C(locale) (xx_YY, for example V(en_US)); the reference names no argument,
        so this name is an assumption.
      - V(SET_STATIC_IP) sends C(dhcp_enabled); the reference spells it C(dhcp_dnabled), which looks like a typo.
    type: dict
    default: {}
  device_type:
    description:
      - Which of the targeted devices run the command. V(active) runs it on the devices online now,
        V(inactive) on the offline ones, V(all) on every device, queued for offline devices until they come
        back online. Devices it does not run on get no status; they are listed in RV(skipped_devices).
    type: str
    choices: [active, inactive, all]
    default: active
  schedule:
    description:
      - When the command runs.
    type: str
    choices: [IMMEDIATE, WINDOW, RECURRING]
    default: IMMEDIATE
  schedule_args:
    description:
      - The window of a V(WINDOW) or V(RECURRING) schedule; C(start_datetime), C(end_datetime),
        C(window_start_time), C(window_end_time), optional C(time_type) (V(device) or V(console)) and C(name);
        V(RECURRING) also needs C(days) (for example V([Monday, Friday])).
    type: dict
  request_id:
    description:
      - The command request to cancel. Required with O(state=cancelled).
    type: str
  wait:
    description:
      - Wait until every device of the request is in a final state.
      - Only with O(schedule=IMMEDIATE); refused otherwise, since the statuses of a V(WINDOW) request stay
        C(Command Scheduled) until its window opens and a V(RECURRING) one runs again in every window.
      - With V(device_type=all), a device that stays offline keeps its command queued, and the wait ends on
        O(wait_timeout).
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to wait with O(wait=true). When they pass, the task fails listing the devices not done.
    type: int
    default: 300
  poll_interval:
    description:
      - Seconds between two polls of the request's statuses.
    type: float
    default: 5
  fail_on_device_failure:
    description:
      - With O(wait=true), fail the task when a device ends in C(Command Failure) or C(Command TimeOut).
        With V(false) the task succeeds and the result lists those devices in RV(failed_devices).
    type: bool
    default: true
'''

EXAMPLES = r'''
- name: Reboot two devices and wait for them
  mdmkit.mdm.esper_command:
    devices: [R52X0A1B2C3, ESR-7QK-0012]
    command: REBOOT
    wait: true

- name: Brightness to 80% on a whole group, queued for offline devices
  mdmkit.mdm.esper_command:
    groups: [3e41fd18-d53d-4673-a10a-23089cbb6b73]
    command: SET_BRIGHTNESS_SCALE
    command_args:
      brightness_value: 80
    device_type: all

- name: Install an app version overnight, every weekday
  mdmkit.mdm.esper_command:
    groups: [3e41fd18-d53d-4673-a10a-23089cbb6b73]
    command: INSTALL
    command_args:
      app_version: 9e8b8c4a-1c1d-4f5e-9a61-2b8f0c3d1e77
    schedule: RECURRING
    schedule_args:
      start_datetime: '2025-01-06T00:00:00Z'
      end_datetime: '2025-03-31T00:00:00Z'
      window_start_time: '01:00:00'
      window_end_time: '04:00:00'
      time_type: device
      days: [Monday, Tuesday, Wednesday, Thursday, Friday]

- name: Cancel what has not run yet
  mdmkit.mdm.esper_command:
    state: cancelled
    request_id: "{{ install.request_id }}"
'''

RETURN = r'''
request_id:
  description: Id of the command request (created, or cancelled). Not set in check mode for a new request.
  returned: when a request was created or cancelled
  type: str
  sample: 5b6a4d1c-2d3e-4f5a-8b9c-0d1e2f3a4b5c
request:
  description: The command request as the API returned it (in check mode, the request that would be sent),
    with passwords in C(command_args) masked.
  returned: with state=present
  type: dict
  sample:
    id: 5b6a4d1c-2d3e-4f5a-8b9c-0d1e2f3a4b5c
    command_type: DEVICE
    devices: [9b1c2f8e-0d55-4e0a-a1a4-8f1e9b6c2d11]
    groups: []
    device_type: active
    command: REBOOT
    command_args: {}
    schedule: IMMEDIATE
    schedule_args: {}
stats:
  description: Aggregated states of the request (keys as the API returns them, for example C(success),
    C(failure), C(queued)).
  returned: when wait is true
  type: dict
  sample: {success: 2, failure: 1, queued: 0, in_progress: 0, timeout: 0, cancelled: 0}
state_counts:
  description: Number of devices in each command state, counted from the statuses.
  returned: when wait is true
  type: dict
  sample: {Command Success: 2, Command Failure: 1}
statuses:
  description: Every device's status, with its serial number and name (from the device listings made
    before sending, for the devices given and the members of the groups given).
  returned: when wait is true, and with state=cancelled
  type: list
  elements: dict
  sample:
    - id: 0f6e2c55-6a4b-4c2d-9e8f-7a6b5c4d3e2f
      device: 9b1c2f8e-0d55-4e0a-a1a4-8f1e9b6c2d11
      serial: R52X0A1B2C3
      device_name: ESR-7QK-0012
      state: Command Success
      reason: null
failed_devices:
  description: Serial numbers (or ids) of the devices that ended in C(Command Failure) or C(Command TimeOut).
  returned: when wait is true
  type: list
  elements: str
  sample: [R52X0A1B2C3]
skipped_devices:
  description: Serial numbers (or ids) of the devices targeted (directly or through a group) that the API
    gave no status, so the command does not run on them, for example offline devices with
    O(device_type=active).
  returned: when a request was created and the API listed its statuses
  type: list
  elements: str
  sample: [R52X0A1B2C3]
cancelled:
  description: Ids of the statuses cancelled (or that would be, in check mode).
  returned: with state=cancelled
  type: list
  elements: str
  sample: [0f6e2c55-6a4b-4c2d-9e8f-7a6b5c4d3e2f]
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils import esper_commands as ec
from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError
from ansible_collections.mdmkit.mdm.plugins.module_utils.esper import unwrap
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule


def cancel(module, client):
    request_id = module.params['request_id']
    statuses = ec.list_statuses(client, request_id)
    if not statuses:
        unwrap(client.get('%s%s/' % (ec.COMMANDS_PATH, request_id)))  # 404 names an unknown request
    pending = [s for s in statuses if not ec.is_final(s.get('state'))]
    cancelled = []
    if not module.check_mode:
        for status in pending:
            client.put('%s%s/' % (ec.STATUS_PATH, status['id']), json_body={'state': ec.CANCELLED})
            cancelled.append(status['id'])
        if pending:
            statuses = ec.list_statuses(client, request_id)
    else:
        cancelled = [s['id'] for s in pending]
    module.exit_json(changed=bool(pending), request_id=request_id, cancelled=cancelled,
                     statuses=[ec.status_view(s) for s in statuses])


def main():
    module = MdmModule(
        'esper',
        argument_spec=dict(
            state=dict(type='str', default='present', choices=['present', 'cancelled']),
            devices=dict(type='list', elements='str'),
            groups=dict(type='list', elements='str'),
            command=dict(type='str', choices=ec.COMMAND_NAMES),
            command_args=dict(type='dict', default={}),
            device_type=dict(type='str', default='active', choices=['active', 'inactive', 'all']),
            schedule=dict(type='str', default='IMMEDIATE', choices=['IMMEDIATE', 'WINDOW', 'RECURRING']),
            schedule_args=dict(type='dict'),
            request_id=dict(type='str'),
            wait=dict(type='bool', default=False),
            wait_timeout=dict(type='int', default=300),
            poll_interval=dict(type='float', default=5),
            fail_on_device_failure=dict(type='bool', default=True),
        ),
        required_if=[('state', 'cancelled', ['request_id']), ('state', 'present', ['command'])],
        supports_check_mode=True,
    )
    params = module.params
    for key in ec.SECRET_ARGS:
        if params['command_args'].get(key):
            module.no_log_values.add(str(params['command_args'][key]))
    for point in params['command_args'].get('wifi_access_points') or []:
        if isinstance(point, dict) and point.get('wifi_password'):  # nested: SECRET_ARGS cannot reach it
            module.no_log_values.add(str(point['wifi_password']))
    client = module.client
    if params['state'] == 'cancelled':
        with module.errors():
            cancel(module, client)

    devices, groups = params['devices'] or [], params['groups'] or []
    if not devices and not groups:
        module.fail_on('devices', 'give devices, groups or both to send %s to.' % params['command'])
    if len(devices) > 1000:
        module.fail_on('devices', 'at most 1000 devices per command request, got %d.' % len(devices))
    if len(groups) > 500:
        module.fail_on('groups', 'at most 500 groups per command request, got %d.' % len(groups))
    if params['wait_timeout'] < 0:
        module.fail_on('wait_timeout', 'must be 0 or more seconds, got %d.' % params['wait_timeout'])
    if params['poll_interval'] <= 0:
        module.fail_on('poll_interval', 'must be more than 0 seconds, got %s.' % params['poll_interval'])
    if params['wait'] and params['schedule'] != 'IMMEDIATE':
        module.fail_on('wait', 'only with schedule IMMEDIATE, not %s: the statuses of a WINDOW or RECURRING '
                               'request stay Command Scheduled until its window opens, and a RECURRING one runs '
                               'again in every window, so there is no final state to wait for.' % params['schedule'])
    try:
        args = ec.check_command_args(params['command'], params['command_args'])
        schedule_args = ec.check_schedule(params['schedule'], params['schedule_args'])
        groups = ec.check_groups(groups)
    except ConfigError as exc:
        module.fail_json(msg=exc.msg)

    with module.errors():  # unknown devices or groups fail here, before anything is sent
        targets, by_id = ec.resolve_targets(client, devices, groups)
    body = ec.command_body(params['command'], args, [d['id'] for d in targets], groups,
                           params['device_type'], params['schedule'], schedule_args)
    shown = dict(body, command_args=ec.mask_args(body['command_args']))
    if module.check_mode:
        module.exit_json(changed=True, request=shown)

    with module.errors():
        created = ec.create_command(client, body)
    request_id = created.get('id')
    reported = ec.reported_devices(created)
    result = dict(changed=True, request_id=request_id,
                  request=dict(created, command_args=ec.mask_args(created.get('command_args') or args)))
    if not params['wait']:
        if reported is not None:
            result['skipped_devices'] = skipped(by_id, reported)
        module.exit_json(**result)

    with module.errors(**result):
        statuses, timed_out = ec.wait_for_requests(client, [request_id], params['wait_timeout'],
                                                   params['poll_interval'], expected={request_id: reported})
        stats = ec.get_stats(client, request_id)
    statuses = [ec.status_view(s, by_id) for s in statuses.get(request_id, [])]
    failed = [s['serial'] or s['device'] for s in statuses if s['state'] in ec.FAILED_STATES]
    result.update(stats=stats, state_counts=ec.summarize(statuses), statuses=statuses, failed_devices=failed,
                  skipped_devices=skipped(by_id, set(s['device'] for s in statuses)))
    if timed_out:
        waiting = [s['serial'] or s['device'] for s in statuses if not ec.is_final(s['state'])]
        module.fail_json(msg='wait_timeout: after %ss, %d device(s) of command request %s are not in a final '
                             'state: %s. The command was sent; it was not resent.'
                             % (params['wait_timeout'], len(waiting), request_id,
                                ', '.join(str(w) for w in waiting) or '(no status yet)'), **result)
    if failed and params['fail_on_device_failure']:
        module.fail_json(msg='%s failed on %d of %d device(s): %s.'
                             % (params['command'], len(failed), len(statuses), ', '.join(str(f) for f in failed)),
                         **result)
    module.exit_json(**result)


def skipped(by_id, with_status):
    """Serials (or ids) of the targeted devices the API gave no status: the command does not run
    on them (for example offline devices with device_type active)."""
    return sorted(str(d.get('serial') or d_id) for d_id, d in by_id.items() if d_id not in with_status)


if __name__ == '__main__':
    main()
