#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: simplemdm_lost_mode
short_description: Enable or disable Lost Mode on SimpleMDM devices, play a sound, update the location
version_added: 0.1.0
description:
  - Enables Lost Mode (with a message, a phone number and a footnote) or disables it on each device in
    O(devices), and asks lost devices to play a sound or to report their location.
  - The SimpleMDM API does not report whether a device is in Lost Mode, so these are actions; each run
    sends the requests and reports C(changed). Check mode sends nothing and returns what would be sent.
  - With several actions in one task, they are sent in this order for each device, O(state) first, then
    O(play_sound), then O(update_location).
  - Devices are sent to in parallel (at most O(parallel) at a time) and a request is never resent; see
    M(mdmkit.mdm.simplemdm_device_command) for the per-device outcomes.
  - The location a device reports appears in its C(location_latitude) and C(location_longitude)
    (M(mdmkit.mdm.simplemdm_device_info)).
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.simplemdm
  - mdmkit.mdm.attributes.action
options:
  devices:
    description: Ids, serial numbers or names of the devices.
    type: list
    elements: str
    required: true
    aliases: [device]
  state:
    description:
      - V(enabled) activates Lost Mode (needs O(lost_message) or O(phone_number)), V(disabled) ends it.
      - Unset sends neither; use it with O(play_sound) or O(update_location).
    type: str
    choices: [enabled, disabled]
  lost_message:
    description:
      - Message for whoever finds the device. O(state=enabled) only.
      - Sent as the API's C(message) (an option cannot be named C(message) in Ansible).
    type: str
  phone_number:
    description: Number to call to reach the device's administrator. O(state=enabled) only.
    type: str
  footnote:
    description: Extra line shown at the bottom of the screen. O(state=enabled) only.
    type: str
  play_sound:
    description: Ask each device (in Lost Mode) to play a sound.
    type: bool
    default: false
  update_location:
    description: Ask each device (in Lost Mode) to report its current location.
    type: bool
    default: false
  parallel:
    description: How many requests are in flight at most.
    type: int
    default: 8
'''

EXAMPLES = r'''
- name: Put a lost iPhone in Lost Mode
  mdmkit.mdm.simplemdm_lost_mode:
    devices: [DNFJE9DNG5MG]
    state: enabled
    lost_message: This iPhone belongs to Example Corp.
    phone_number: "+15555555555"
    footnote: Reward offered

- name: Find it
  mdmkit.mdm.simplemdm_lost_mode:
    devices: [DNFJE9DNG5MG]
    play_sound: true
    update_location: true

- name: Found
  mdmkit.mdm.simplemdm_lost_mode:
    devices: [DNFJE9DNG5MG]
    state: disabled
'''

RETURN = r'''
results:
  description:
    - One entry per device and action, as in M(mdmkit.mdm.simplemdm_device_command) (C(device), C(method),
      C(path), C(data), C(status), C(outcome), C(msg)), plus C(action).
  returned: always
  type: list
  elements: dict
  sample:
    - action: enable
      device: {id: 121, serial_number: DNFJE9DNG5MG, name: "Mike's iPhone"}
      method: POST
      path: devices/121/lost_mode
      data: {message: This iPhone belongs to Example Corp.}
      status: 202
      outcome: sent
      msg: HTTP 202
summary:
  description: Number of requests per outcome.
  returned: always
  type: dict
  sample: {sent: 2}
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm_devices import (
    failure_message,
    label,
    resolve_devices,
    send_each,
    summarize,
)


def main():
    module = MdmModule(
        'simplemdm',
        argument_spec=dict(
            devices=dict(type='list', elements='str', required=True, aliases=['device']),
            state=dict(type='str', choices=['enabled', 'disabled']),
            lost_message=dict(type='str'),
            phone_number=dict(type='str'),
            footnote=dict(type='str'),
            play_sound=dict(type='bool', default=False),
            update_location=dict(type='bool', default=False),
            parallel=dict(type='int', default=8),
        ),
        supports_check_mode=True,
    )
    params = module.params
    state = params['state']
    if state is None and not params['play_sound'] and not params['update_location']:
        module.fail_on('state', 'set state, play_sound or update_location; there is nothing to do.')
    for option in ('lost_message', 'phone_number', 'footnote'):
        if params[option] is not None and state != 'enabled':
            module.fail_on(option, 'is used only with state=enabled.')
    if state == 'enabled' and not (params['lost_message'] or params['phone_number']):
        module.fail_on('state', 'enabling Lost Mode needs a lost_message or a phone_number.')
    if params['parallel'] < 1:
        module.fail_on('parallel', 'must be at least 1.')

    actions = []
    if state == 'enabled':
        fields = (('message', 'lost_message'), ('phone_number', 'phone_number'), ('footnote', 'footnote'))
        data = dict((field, params[option]) for field, option in fields if params[option])
        actions.append(('enable', 'POST', 'lost_mode', data))
    elif state == 'disabled':
        actions.append(('disable', 'DELETE', 'lost_mode', {}))
    if params['play_sound']:
        actions.append(('play_sound', 'POST', 'lost_mode/play_sound', {}))
    if params['update_location']:
        actions.append(('update_location', 'POST', 'lost_mode/update_location', {}))

    client = module.client
    with module.errors():
        devices = resolve_devices(client, params['devices'])
    results = []
    for action, method, suffix, data in actions:
        jobs = [dict(device=label(d), method=method, path='devices/%s/%s' % (d['id'], suffix), data=data,
                     shown=data) for d in devices]
        if module.check_mode:
            done = [dict(device=j['device'], method=method, path=j['path'], data=data, status=None,
                         outcome='check_mode', msg='Would send %s %s' % (method, j['path'])) for j in jobs]
        else:
            done = send_each(client, jobs, parallel=params['parallel'])
        for result in done:
            result['action'] = action
        results.extend(done)
        if failure_message(action, done):
            break  # the next action (a sound after a failed enable) makes no sense for these devices
    problem = failure_message('lost mode', results)
    changed = module.check_mode or any(r['outcome'] in ('sent', 'unknown') for r in results)
    if problem:
        module.fail_json(msg=problem, changed=changed, results=results, summary=summarize(results))
    module.exit_json(changed=changed, results=results, summary=summarize(results))


if __name__ == '__main__':
    main()
