#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: simplemdm_device_group
short_description: Put SimpleMDM devices into a device group, or clone a group
version_added: 0.1.0
description:
  - Moves each device in O(devices) into the device group O(group). A device is in exactly one device
    group, so the module reads each device's current group (as it finds the devices) and moves
    only the devices that are elsewhere, so a second run changes nothing.
  - Devices cannot be taken out of a group without putting them into another one, so the list adds
    devices; it never removes any.
  - With O(clone), creates a copy of the group with its configuration and no devices. SimpleMDM names
    the copy (C(<name> (1))) and the API cannot rename it, so a clone is an action that happens on every
    run. Do not combine it with O(devices).
  - The SimpleMDM API cannot create, rename or delete device groups; do that in the SimpleMDM console.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.simplemdm
  - mdmkit.mdm.attributes
options:
  group:
    description: Id or name of the device group.
    type: str
    required: true
  devices:
    description:
      - Ids, serial numbers or names of the devices to put into the group. Devices already in it are left
        as they are.
    type: list
    elements: str
  clone:
    description: Create a copy of the group (without its devices). Always reports C(changed).
    type: bool
    default: false
  parallel:
    description: How many assignment requests are in flight at most.
    type: int
    default: 8
notes:
  - In check mode nothing is sent; the diff shows which devices would move from which group.
'''

EXAMPLES = r'''
- name: Put three devices into the Retail group
  mdmkit.mdm.simplemdm_device_group:
    group: Retail
    devices: [DNFJE9DNG5MG, C02XK1JQJG5H, 121]

- name: Clone the Retail group
  mdmkit.mdm.simplemdm_device_group:
    group: Retail
    clone: true
  register: copy

- name: Show the new group's id
  ansible.builtin.debug:
    msg: "{{ copy.clone.id }} {{ copy.clone.name }}"
'''

RETURN = r'''
device_group:
  description: The device group (id and name).
  returned: always
  type: dict
  sample: {id: 37, name: Retail}
moved:
  description: The devices put into the group by this task (or that would be, in check mode).
  returned: always
  type: list
  elements: dict
  sample:
    - {id: 121, serial_number: DNFJE9DNG5MG, name: "Mike's iPhone", from_group: 1}
results:
  description: One entry per moved device with the HTTP outcome, as in M(mdmkit.mdm.simplemdm_device_command).
  returned: when devices were moved
  type: list
  elements: dict
  sample:
    - device: {id: 121, serial_number: DNFJE9DNG5MG, name: "Mike's iPhone"}
      method: POST
      path: device_groups/37/devices/121
      status: 202
      outcome: sent
      msg: HTTP 202
      data: {}
clone:
  description: The new group made by O(clone) (null in check mode).
  returned: when O(clone=true)
  type: dict
  sample: {id: 38, name: Retail (1)}
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm_devices import (
    attr,
    failure_message,
    find_group,
    group_id,
    label,
    resolve_devices,
    send_each,
    summarize,
)


def group_view(obj):
    return dict(id=obj.get('id'), name=(obj.get('attributes') or {}).get('name'))


def main():
    module = MdmModule(
        'simplemdm',
        argument_spec=dict(
            group=dict(type='str', required=True),
            devices=dict(type='list', elements='str'),
            clone=dict(type='bool', default=False),
            parallel=dict(type='int', default=8),
        ),
        mutually_exclusive=[('devices', 'clone')],
        supports_check_mode=True,
    )
    params = module.params
    if params['parallel'] < 1:
        module.fail_on('parallel', 'must be at least 1.')
    client = module.client
    with module.errors():
        group = group_view(find_group(client, params['group'], option='group'))
        result = dict(changed=False, device_group=group, moved=[])
        if params['clone']:
            result['changed'] = True
            result['clone'] = None
            if not module.check_mode:
                result['clone'] = group_view(client.post('device_groups/%s/clone' % group['id'])['data'])
            result['diff'] = dict(before={}, after={'clone_of': group['name']})
            module.exit_json(**result)
        if not params['devices']:
            module.exit_json(**result)
        devices = resolve_devices(client, params['devices'])

    to_move = [d for d in devices if str(group_id(d)) != str(group['id'])]
    result['moved'] = [dict(label(d), from_group=group_id(d)) for d in to_move]
    result['diff'] = dict(
        before=dict(devices=dict((str(attr(d, 'serial_number') or d['id']), group_id(d)) for d in devices)),
        after=dict(devices=dict((str(attr(d, 'serial_number') or d['id']), group['id']) for d in devices)))
    result['changed'] = bool(to_move)
    if not to_move or module.check_mode:
        module.exit_json(**result)
    jobs = [dict(device=label(d), method='POST', path='device_groups/%s/devices/%s' % (group['id'], d['id']),
                 data={}, shown={}) for d in to_move]
    results = send_each(client, jobs, parallel=params['parallel'])
    result.update(results=results, summary=summarize(results))
    problem = failure_message('move to group %s' % group['name'], results)
    if problem:
        result['changed'] = any(r['outcome'] in ('sent', 'unknown') for r in results)
        module.fail_json(msg=problem, **result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
