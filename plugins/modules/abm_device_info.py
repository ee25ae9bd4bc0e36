#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: abm_device_info
short_description: List the devices of Apple Business Manager or Apple School Manager
version_added: 0.1.0
description:
  - Lists the organization's devices (C(GET /v1/orgDevices), 1000 per request), all of them or those
    with the given O(serial_numbers), optionally narrowed by O(product_family) and O(status).
  - With O(include_assigned_server), adds the device management service each device is assigned to.
    It is read from the services' device lists (one paged request per service), or, when fewer
    devices are asked for than there are services, from each device's C(assignedServer) link,
    whichever takes fewer requests. There is never more than one request per device.
  - O(api=school) reads Apple School Manager instead.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.abm
  - mdmkit.mdm.attributes.info_module
options:
  serial_numbers:
    description:
      - Only these devices. A serial number the organization does not have fails the task, naming it.
      - Unset or empty lists every device.
    type: list
    elements: str
    default: []
  product_family:
    description:
      - Only devices of these product families (compared without regard to case), such as C(iPhone),
        C(iPad), C(Mac), C(AppleTV), C(Watch) or C(Vision).
    type: list
    elements: str
    default: []
  status:
    description:
      - Only devices with one of these statuses (compared without regard to case), C(ASSIGNED) or
        C(UNASSIGNED).
    type: list
    elements: str
    default: []
  include_assigned_server:
    description:
      - Add C(assigned_server_id) and C(assigned_server_name) to each device (null when unassigned).
    type: bool
    default: false
'''

EXAMPLES = r'''
- name: Every iPad, with the service it is assigned to
  mdmkit.mdm.abm_device_info:
    product_family: [iPad]
    include_assigned_server: true
  register: ipads

- name: Two devices by serial number
  mdmkit.mdm.abm_device_info:
    serial_numbers: [DVVS36G1YD3JKQNI, XABC123X0ABC123X0]
  register: two

- name: Unassigned devices in Apple School Manager
  mdmkit.mdm.abm_device_info:
    api: school
    status: [UNASSIGNED]
'''

RETURN = r'''
devices:
  description:
    - The devices, each flattened from the API object with snake_case keys. C(id) (the serial number)
      and every attribute the API returns, such as C(serial_number), C(product_family), C(product_type),
      C(device_model), C(device_capacity), C(color), C(status), C(order_number), C(purchase_source_type),
      C(added_to_org_date_time).
    - With O(include_assigned_server), also C(assigned_server_id) and C(assigned_server_name).
  returned: always
  type: list
  elements: dict
  sample:
    - id: DVVS36G1YD3JKQNI
      serial_number: DVVS36G1YD3JKQNI
      product_family: iPad
      device_model: iPad (9th generation)
      status: ASSIGNED
      assigned_server_id: 1F97349736CF4614A94F624E705841AD
      assigned_server_name: Test Device Management Service
count:
  description: Number of devices returned.
  returned: always
  type: int
  sample: 1
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.abm_devices import (
    assignments_for,
    get_devices,
    list_devices,
    list_servers,
    normalize_serial,
)
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule


def keep(device, families, statuses):
    if families and str(device.get('product_family') or '').lower() not in families:
        return False
    if statuses and str(device.get('status') or '').lower() not in statuses:
        return False
    return True


def main():
    module = MdmModule(
        'abm',
        argument_spec=dict(
            serial_numbers=dict(type='list', elements='str', default=[]),
            product_family=dict(type='list', elements='str', default=[]),
            status=dict(type='list', elements='str', default=[]),
            include_assigned_server=dict(type='bool', default=False),
        ),
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
    families = set(f.lower() for f in params['product_family'])
    statuses = set(s.lower() for s in params['status'])
    client = module.client
    with module.errors():
        if serials:
            found, missing = get_devices(client, serials)
            if missing:
                module.fail_on('serial_numbers', 'the organization has no device with the serial number %s.'
                               % ', '.join(missing))
            devices = [found[s] for s in serials]
        else:
            devices = list(list_devices(client))
        devices = [d for d in devices if keep(d, families, statuses)]
        if params['include_assigned_server'] and devices:
            servers = list_servers(client)
            names = dict((s['id'], s.get('server_name')) for s in servers)
            current = assignments_for(client, servers, [d.get('serial_number') or d['id'] for d in devices])
            for device in devices:
                server_id = current.get(device.get('serial_number') or device['id'])
                device['assigned_server_id'] = server_id
                device['assigned_server_name'] = names.get(server_id)
    module.exit_json(changed=False, devices=devices, count=len(devices))


if __name__ == '__main__':
    main()
