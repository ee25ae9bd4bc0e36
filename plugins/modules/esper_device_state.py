#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: esper_device_state
short_description: Bring Esper device settings (Wi-Fi, Bluetooth, GPS, rotation, brightness...) to a desired state
version_added: 0.1.0
description:
  - Reads the current state of every targeted device (C(devicestate), with at most O(workers) reads in
    flight), compares it with the settings given, and for each setting sends one command request to
    only the devices that differ (for example C(SET_WIFI_STATE) to the devices whose Wi-Fi is not in the
    desired state). Settings left unset are not touched.
  - Then waits for those commands (unless O(wait=false)) and reports every device's result. A second run
    with the same settings sends no command.
  - In check mode, reads only and reports what would be sent; the diff shows each device's before and after.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.esper
  - mdmkit.mdm.attributes
options:
  devices:
    description:
      - Devices by id, serial number or device name (resolved from one device listing).
    type: list
    elements: str
  groups:
    description:
      - Ids (UUIDs) of Esper groups whose devices are targeted (one filtered device listing per group, at
        most O(workers) in flight). A group no device is in (an unknown id, or an empty group) fails the task.
    type: list
    elements: str
  wifi_state:
    description: Wi-Fi on (V(true)) or off (V(false)); sent as C(SET_WIFI_STATE).
    type: bool
  bluetooth_state:
    description: Bluetooth on or off; sent as C(SET_BLUETOOTH_STATE).
    type: bool
  gps_state:
    description: Location mode; sent as C(SET_GPS_STATE) with its number (0 to 4).
    type: str
    choices: [LOCATION_MODE_HIGH_ACCURACY, LOCATION_MODE_SENSORS_ONLY, LOCATION_MODE_BATTERY_SAVING,
              LOCATION_MODE_OFF, LOCATION_MODE_ON]
  rotation_state:
    description: Screen orientation; sent as C(SET_ROTATION_STATE) (0 auto, 1 portrait, 2 landscape).
    type: str
    choices: [AUTO, PORTRAIT_ONLY, LANDSCAPE_ONLY]
  brightness_scale:
    description:
      - Screen brightness, 1 to 100; sent as C(SET_BRIGHTNESS_SCALE).
      - Compared with the C(brightness_scale) that C(devicestate) reports, assumed to be on the same 1 to 100
        scale (the reference does not give its range). Were a device to report another scale (0 to 255, say),
        every run would send the command again.
    type: int
  screen_off_timeout:
    description: Screen off timeout in milliseconds, -1 (never) or 5000 to 1800000; sent as C(SET_SCREEN_OFF_TIMEOUT).
    type: int
  use_only_saved_ap:
    description: Connect only to saved Wi-Fi access points; sent as C(USE_ONLY_SAVED_WIFI_AP).
    type: bool
  device_type:
    description:
      - Which devices run the commands. V(active) runs them on the devices online now, V(inactive) on the
        offline ones, V(all) on every device, queued for offline devices until they come back (a wait then
        ends on O(wait_timeout) while a device stays offline).
      - A device a command does not run on gets no status; its setting is reported unchanged (result
        null) and the device is listed in RV(skipped_devices). A later run sends it the command again.
    type: str
    choices: [active, inactive, all]
    default: active
  wait:
    description: Wait until every command sent is in a final state on every device.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait for all the commands sent.
    type: int
    default: 300
  poll_interval:
    description: Seconds between two polls.
    type: float
    default: 5
  fail_on_device_failure:
    description: Fail the task when a command ends in C(Command Failure) or C(Command TimeOut) on a device.
    type: bool
    default: true
  workers:
    description: Device states (and list pages) read in parallel at most.
    type: int
    default: 4
'''

EXAMPLES = r'''
- name: Kiosk tablets, Wi-Fi on, Bluetooth off, portrait, bright, never sleep
  mdmkit.mdm.esper_device_state:
    groups: [3e41fd18-d53d-4673-a10a-23089cbb6b73]
    wifi_state: true
    bluetooth_state: false
    rotation_state: PORTRAIT_ONLY
    brightness_scale: 90
    screen_off_timeout: -1
  diff: true

- name: See which devices would change, without sending anything
  mdmkit.mdm.esper_device_state:
    devices: [R52X0A1B2C3, 21QK3H00017]
    gps_state: LOCATION_MODE_OFF
  check_mode: true
'''

RETURN = r'''
devices:
  description: Every targeted device, its state before and after (the desired settings only), the
    settings that differed, and the final command state of each setting sent to it (null when the
    API gave the device no status for it).
  returned: always
  type: list
  elements: dict
  sample:
    - id: 9b1c2f8e-0d55-4e0a-a1a4-8f1e9b6c2d11
      serial: R52X0A1B2C3
      name: ESR-7QK-0012
      before: {wifi_state: false, brightness_scale: 40}
      after: {wifi_state: true, brightness_scale: 40}
      changed: [wifi_state]
      results: {wifi_state: Command Success}
requests:
  description: The command requests sent (or that would be, in check mode), one per setting.
  returned: always
  type: list
  elements: dict
  sample:
    - setting: wifi_state
      command: SET_WIFI_STATE
      command_args: {wifi_state: true}
      request_id: 5b6a4d1c-2d3e-4f5a-8b9c-0d1e2f3a4b5c
      devices: [9b1c2f8e-0d55-4e0a-a1a4-8f1e9b6c2d11]
      state_counts: {Command Success: 1}
failed_devices:
  description: Serial numbers (or ids) of the devices where a command ended in failure or timed out.
  returned: always
  type: list
  elements: str
  sample: []
skipped_devices:
  description: Serial numbers (or ids) of the devices a command was sent for but the API gave no status,
    so the command does not run on them (for example offline devices with O(device_type=active)).
  returned: always
  type: list
  elements: str
  sample: []
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils import esper_commands as ec
from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule

GPS = ['LOCATION_MODE_HIGH_ACCURACY', 'LOCATION_MODE_SENSORS_ONLY', 'LOCATION_MODE_BATTERY_SAVING',
       'LOCATION_MODE_OFF', 'LOCATION_MODE_ON']
ROTATION = ['AUTO', 'PORTRAIT_ONLY', 'LANDSCAPE_ONLY']


def _named(names):
    def normalize(value):
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(names):
            return names[value]
        if isinstance(value, str) and value.isdigit() and int(value) < len(names):
            return names[int(value)]
        return value
    return normalize


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def _bool(value):
    if isinstance(value, str):
        return value.lower() in ('true', '1', 'on', 'yes')
    return None if value is None else bool(value)


# option -> (command, argument, normalise the current value, value sent)
SETTINGS = {
    'wifi_state': ('SET_WIFI_STATE', 'wifi_state', _bool, lambda v: v),
    'bluetooth_state': ('SET_BLUETOOTH_STATE', 'bluetooth_state', _bool, lambda v: v),
    'gps_state': ('SET_GPS_STATE', 'gps_state', _named(GPS), GPS.index),
    'rotation_state': ('SET_ROTATION_STATE', 'rotate_state', _named(ROTATION), ROTATION.index),
    'brightness_scale': ('SET_BRIGHTNESS_SCALE', 'brightness_value', _int, lambda v: v),
    'screen_off_timeout': ('SET_SCREEN_OFF_TIMEOUT', 'screen_off_timeout', _int, lambda v: v),
    'use_only_saved_ap': ('USE_ONLY_SAVED_WIFI_AP', 'use_only_saved_ap', _bool, lambda v: v),
}
ORDER = ['wifi_state', 'bluetooth_state', 'gps_state', 'rotation_state', 'brightness_scale',
         'screen_off_timeout', 'use_only_saved_ap']


def main():
    module = MdmModule(
        'esper',
        argument_spec=dict(
            devices=dict(type='list', elements='str'),
            groups=dict(type='list', elements='str'),
            wifi_state=dict(type='bool'),
            bluetooth_state=dict(type='bool'),
            gps_state=dict(type='str', choices=GPS),
            rotation_state=dict(type='str', choices=ROTATION),
            brightness_scale=dict(type='int'),
            screen_off_timeout=dict(type='int'),
            use_only_saved_ap=dict(type='bool'),
            device_type=dict(type='str', default='active', choices=['active', 'inactive', 'all']),
            wait=dict(type='bool', default=True),
            wait_timeout=dict(type='int', default=300),
            poll_interval=dict(type='float', default=5),
            fail_on_device_failure=dict(type='bool', default=True),
            workers=dict(type='int', default=4),
        ),
        required_one_of=[('devices', 'groups')],
        supports_check_mode=True,
    )
    params = module.params
    desired = dict((key, params[key]) for key in ORDER if params[key] is not None)
    if not desired:
        module.fail_on('wifi_state', 'give at least one setting (%s).' % ', '.join(ORDER))
    if not 1 <= params['workers'] <= 32:
        module.fail_on('workers', 'must be between 1 and 32, got %d.' % params['workers'])
    if params['wait_timeout'] < 0:
        module.fail_on('wait_timeout', 'must be 0 or more seconds, got %d.' % params['wait_timeout'])
    if params['poll_interval'] <= 0:
        module.fail_on('poll_interval', 'must be more than 0 seconds, got %s.' % params['poll_interval'])
    try:
        for key, value in desired.items():  # same checks as esper_command, before anything is read
            command, arg, _norm, send = SETTINGS[key]
            ec.check_command_args(command, {arg: send(value)})
        groups = ec.check_groups(params['groups'])
    except ConfigError as exc:
        option = [k for k in desired if exc.msg.startswith('command_args.%s' % SETTINGS[k][1])]
        module.fail_json(msg='%s: %s' % (option[0], exc.msg.split(': ', 1)[1]) if option else exc.msg)

    client = module.client
    workers = params['workers']
    with module.errors():  # unknown devices or groups fail here, before anything is sent
        _given, by_id = ec.resolve_targets(client, params['devices'] or [], groups, workers=workers)
        targets = list(by_id.values())
        states = ec.read_device_states(client, [d['id'] for d in targets], workers=workers)

    views, plan = [], dict((key, []) for key in desired)
    for device in targets:
        state = states.get(device['id']) or {}
        before = dict((key, SETTINGS[key][2](state.get(key))) for key in desired)
        differs = [key for key in desired if before[key] != desired[key]]
        for key in differs:
            plan[key].append(device['id'])
        after = dict(before)
        after.update(dict((key, desired[key]) for key in differs))
        views.append(dict(id=device['id'], serial=device.get('serial'), name=device.get('name'),
                          before=before, after=after, changed=differs, results={}))
    requests = [dict(setting=key, command=SETTINGS[key][0],
                     command_args={SETTINGS[key][1]: SETTINGS[key][3](desired[key])}, devices=ids)
                for key, ids in ((k, plan[k]) for k in ORDER if plan.get(k))]

    def label(view):
        return view['serial'] or view['name'] or view['id']

    diff = dict(before=dict((label(v), v['before']) for v in views if v['changed']),
                after=dict((label(v), v['after']) for v in views if v['changed']))
    result = dict(changed=bool(requests), devices=views, requests=requests, failed_devices=[], skipped_devices=[],
                  diff=diff)
    if module.check_mode or not requests:
        module.exit_json(**result)

    by_id = dict((v['id'], v) for v in views)

    def skip(request, with_status):
        """The devices the API gave no status do not run the command: their setting is unchanged."""
        for device_id in request['devices']:
            if device_id not in with_status and device_id in by_id:
                view = by_id[device_id]
                view['results'][request['setting']] = None
                view['after'][request['setting']] = view['before'][request['setting']]
                result['skipped_devices'] = sorted(set(result['skipped_devices'] + [label(view)]))

    sent, expected = [], {}
    with module.errors(**result):
        for request in requests:
            body = ec.command_body(request['command'], request['command_args'], request['devices'], [],
                                   params['device_type'], 'IMMEDIATE', {})
            created = ec.create_command(client, body)
            request['request_id'] = created.get('id')
            sent.append(request['request_id'])
            expected[request['request_id']] = ec.reported_devices(created)
    if not params['wait']:
        for request in requests:
            if expected[request['request_id']] is not None:
                skip(request, expected[request['request_id']])
        module.exit_json(**result)

    with module.errors(**result):
        statuses, timed_out = ec.wait_for_requests(client, sent, params['wait_timeout'], params['poll_interval'],
                                                   expected=expected, workers=workers)
    failed, waiting = [], []
    for request in requests:
        found = statuses.get(request['request_id'], [])
        request['state_counts'] = ec.summarize(found)
        skip(request, set(ec.status_device(s) for s in found))
        for status in found:
            view = by_id.get(ec.status_device(status))
            if view is None:
                continue
            view['results'][request['setting']] = status.get('state')
            if status.get('state') in ec.FAILED_STATES:
                view['after'][request['setting']] = view['before'][request['setting']]
                failed.append(label(view))
            elif not ec.is_final(status.get('state')):
                waiting.append(label(view))
    result['failed_devices'] = sorted(set(failed))
    if timed_out:
        module.fail_json(msg='wait_timeout: after %ss, commands are not final on %s. They were sent once and '
                             'not resent.' % (params['wait_timeout'], ', '.join(sorted(set(waiting)))), **result)
    if failed and params['fail_on_device_failure']:
        failed = result['failed_devices']
        module.fail_json(msg='Settings failed on %d device(s): %s.' % (len(failed), ', '.join(failed)), **result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
