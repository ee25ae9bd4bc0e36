#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: simplemdm_device_group_info
short_description: List SimpleMDM device groups, or show one
version_added: 0.1.0
description:
  - Lists the device groups of a SimpleMDM account, or returns the one named by O(group).
  - With O(include_devices), adds the ids and serial numbers of each group's devices, read from one
    listing of all devices (one request per 100 devices), not one request per group.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.simplemdm
  - mdmkit.mdm.attributes.info_module
options:
  group:
    description: Id or name of one device group. Unknown fails.
    type: str
  include_devices:
    description: Add C(devices) (id, serial number and name of each device) to each group.
    type: bool
    default: false
  include_awaiting_enrollment:
    description: With O(include_devices), also count devices awaiting enrollment.
    type: bool
    default: false
'''

EXAMPLES = r'''
- name: All device groups
  mdmkit.mdm.simplemdm_device_group_info:
  register: groups

- name: One group with its devices
  mdmkit.mdm.simplemdm_device_group_info:
    group: Retail
    include_devices: true
  register: retail
'''

RETURN = r'''
device_groups:
  description: The device groups, flattened (C(id), C(name) and any other attribute the API returns).
  returned: always
  type: list
  elements: dict
  sample:
    - id: 37
      name: Remote Employees
      devices: [{id: 121, serial_number: DNFJE9DNG5MG, name: "Mike's iPhone"}]
count:
  description: Number of groups returned.
  returned: always
  type: int
  sample: 1
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm import flatten
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm_devices import (
    find_group,
    group_id,
    label,
    list_devices,
)


def main():
    module = MdmModule(
        'simplemdm',
        argument_spec=dict(
            group=dict(type='str'),
            include_devices=dict(type='bool', default=False),
            include_awaiting_enrollment=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    params = module.params
    client = module.client
    with module.errors():
        if params['group']:
            objects = [find_group(client, params['group'], option='group')]
        else:
            objects = list(client.paginate('device_groups'))
        groups = [flatten(o) for o in objects]
        if params['include_devices']:
            members = {}
            for device in list_devices(client, include_awaiting_enrollment=params['include_awaiting_enrollment']):
                members.setdefault(str(group_id(device)), []).append(label(device))
            for group in groups:
                group['devices'] = members.get(str(group['id']), [])
    module.exit_json(changed=False, device_groups=groups, count=len(groups))


if __name__ == '__main__':
    main()
