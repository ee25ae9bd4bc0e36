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
    Apple marks each device C(ASSIGNED) or C(UNASSIGNED), so only assigned ones are looked up, from the
    services' device lists (1000 per page), or from each device's C(assignedServer) link when the devices
    are fewer than the list pages still to read. There is never more than one request per device.
  - With O(serial_numbers), the devices come from the organization's device list, or from one request
    per device when they are fewer than its pages.
  - With O(include_applecare), adds each device's AppleCare coverage
    (C(GET /v1/orgDevices/{serial}/appleCareCoverage)). That is one request per selected device, so it is
    opt-in; the requests run O(workers) at a time, and a C(429) answer is waited out as Apple asks
    (up to O(rate_limit_max_wait)).
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
      - Only devices of these product families, Apple's values of C(productFamily).
    type: list
    elements: str
    choices: [iPhone, iPad, Mac, AppleTV, Watch, Vision]
    default: []
  status:
    description:
      - Only devices with one of these statuses, Apple's values of C(status).
    type: list
    elements: str
    choices: [ASSIGNED, UNASSIGNED]
    default: []
  include_assigned_server:
    description:
      - Add C(assigned_server_id) and C(assigned_server_name) to each device (null when unassigned).
    type: bool
    default: false
  include_applecare:
    description:
      - Add C(applecare), the device's coverage records, and a summary of the coverage that is active
        and ends last (else the one that ended last) in C(applecare_status), C(applecare_description),
        C(applecare_end_date_time) and C(applecare_agreement_number).
      - One request per device (after O(product_family) and O(status) have narrowed the list).
    type: bool
    default: false
  workers:
    description:
      - Most AppleCare coverage requests in flight at once with O(include_applecare), from 1 to 16.
    type: int
    default: 4
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

- name: AppleCare coverage of the Macs, two requests at a time
  mdmkit.mdm.abm_device_info:
    product_family: [Mac]
    include_applecare: true
    workers: 2
  register: macs

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
    - With O(include_applecare), also C(applecare) (a list of records with C(id), C(status) such as
      C(ACTIVE) or C(INACTIVE), C(payment_type), C(description), C(start_date_time), C(end_date_time),
      C(is_renewable), C(is_canceled), C(contract_cancel_date_time), C(agreement_number)), and
      C(applecare_status), C(applecare_description), C(applecare_end_date_time), C(applecare_agreement_number).
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
      applecare_status: ACTIVE
      applecare_description: AppleCare+
      applecare_end_date_time: '2027-04-17T00:00:00Z'
      applecare_agreement_number: '0000000001'
count:
  description: Number of devices returned.
  returned: always
  type: int
  sample: 1
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.abm_devices import (
    MAX_WORKERS,
    add_applecare,
    assignments_for,
    get_devices,
    list_devices,
    list_servers,
    normalize_serial,
)
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule


# Apple's documented values (OrgDevice.Attributes: productFamily, status).
PRODUCT_FAMILIES = ['iPhone', 'iPad', 'Mac', 'AppleTV', 'Watch', 'Vision']
STATUSES = ['ASSIGNED', 'UNASSIGNED']


def keep(device, families, statuses):
    if families and device.get('product_family') not in families:
        return False
    if statuses and device.get('status') not in statuses:
        return False
    return True


def main():
    module = MdmModule(
        'abm',
        argument_spec=dict(
            serial_numbers=dict(type='list', elements='str', default=[]),
            product_family=dict(type='list', elements='str', default=[], choices=PRODUCT_FAMILIES),
            status=dict(type='list', elements='str', default=[], choices=STATUSES),
            include_assigned_server=dict(type='bool', default=False),
            include_applecare=dict(type='bool', default=False),
            workers=dict(type='int', default=4),
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
    if not 1 <= params['workers'] <= MAX_WORKERS:
        module.fail_on('workers', 'must be between 1 and %d, got %d.' % (MAX_WORKERS, params['workers']))
    families, statuses = set(params['product_family']), set(params['status'])
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
            serial_of = dict((device['id'], device.get('serial_number') or device['id']) for device in devices)
            current = assignments_for(client, servers, list(serial_of.values()),
                                      statuses=dict((serial_of[d['id']], d.get('status')) for d in devices))
            for device in devices:
                server_id = current.get(serial_of[device['id']])
                device['assigned_server_id'] = server_id
                device['assigned_server_name'] = names.get(server_id)
        if params['include_applecare'] and devices:
            add_applecare(client, devices, params['workers'])
    module.exit_json(changed=False, devices=devices, count=len(devices))


if __name__ == '__main__':
    main()
