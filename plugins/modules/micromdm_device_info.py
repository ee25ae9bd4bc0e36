#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: micromdm_device_info
short_description: List the devices of a MicroMDM server, or show one
version_added: 0.1.0
description:
  - Lists every device MicroMDM knows (C(GET /management/v1/devices), one request; the API does not page).
  - With O(device), returns one device. A UUID is read with C(GET /management/v1/devices/{uuid});
    a UDID or serial number is looked up in the device list.
  - Each device gets C(workflow_name), the name of its assigned workflow (from one workflow listing),
    unless O(include_workflow_names=false).
  - With O(flavor=micromdm) (MicroMDM 1.x) the devices are listed with C(POST /v1/devices) (O(device) is
    looked up in that list, as 1.x reads no single device); each has MicroMDM's fields
    (C(serial_number), C(udid), C(enrollment_status), C(last_seen)...) plus C(uuid) (the UDID, as 1.x has no
    separate record ID) and C(enrolled). 1.x has no workflows, so C(workflow_name) is null and no
    workflow listing is read.
  - O(flavor=nanomdm) has no device list; the module fails saying so.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.micromdm
  - mdmkit.mdm.attributes.info_module
options:
  device:
    description:
      - UUID of one device. A UDID or a serial number also finds it. One that no device has fails.
    type: str
    aliases: [uuid]
  include_workflow_names:
    description: Add C(workflow_name) to each device (one more request, for the workflow list).
    type: bool
    default: true
'''

EXAMPLES = r'''
- name: Every device
  mdmkit.mdm.micromdm_device_info:
  register: devices

- name: One device by UUID
  mdmkit.mdm.micromdm_device_info:
    device: 5b1ea7c6-4a0e-4f0b-9f1a-3c3a8e3d2b11
  register: one
'''

RETURN = r'''
devices:
  description:
    - The devices as MicroMDM returns them (keys it adds are kept), plus C(workflow_name).
  returned: always
  type: list
  elements: dict
  contains:
    uuid:
      description: MicroMDM's id of the device record (used in the C(devices/{uuid}) paths).
      type: str
      returned: always
      sample: 5b1ea7c6-4a0e-4f0b-9f1a-3c3a8e3d2b11
    udid:
      description: The device's UDID (used to push).
      type: str
      returned: always
      sample: 00008030-001A2B3C4D5E802E
    serial_number:
      description: Serial number; empty when the device has not reported it yet.
      type: str
      returned: always
      sample: C02XK1JQJG5H
    workflow_uuid:
      description: UUID of the assigned workflow; empty when none.
      type: str
      returned: always
      sample: bd5191c1-6bc1-49e5-b9fc-b33accc0656e
    workflow_name:
      description: Name of the assigned workflow; null when none or unknown.
      type: str
      returned: when include_workflow_names
      sample: lab-macs
  sample:
    - uuid: 5b1ea7c6-4a0e-4f0b-9f1a-3c3a8e3d2b11
      udid: 00008030-001A2B3C4D5E802E
      serial_number: C02XK1JQJG5H
      product_name: MacBookAir10,1
      device_name: Sara's Mac
      os_version: '14.5'
      workflow_uuid: bd5191c1-6bc1-49e5-b9fc-b33accc0656e
      workflow_name: lab-macs
      enrolled: true
count:
  description: Number of devices returned.
  returned: always
  type: int
  sample: 1
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm import check_flavor
from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm_profiles import (
    find_device, list_devices, list_workflows)
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule


def main():
    module = MdmModule(
        'micromdm',
        argument_spec=dict(
            device=dict(type='str', aliases=['uuid']),
            include_workflow_names=dict(type='bool', default=True),
        ),
        supports_check_mode=True,
    )
    params = module.params
    with module.errors():
        check_flavor(params['flavor'], ('management_v1', 'micromdm'), 'micromdm_device_info (a device list)')
    client = module.client
    with module.errors():
        if params['device'] is not None:
            found, dummy = find_device(client, params['device'])
            if found is None:
                module.fail_on('device', 'no MicroMDM device has the UUID, UDID or serial number %r.'
                               % params['device'])
            devices = [found]
        else:
            devices = list_devices(client)
        if params['include_workflow_names'] and client.flavor == 'micromdm':
            for device in devices:
                device['workflow_name'] = None
        elif params['include_workflow_names']:
            names = dict((str(w.get('uuid')).lower(), w.get('name')) for w in list_workflows(client))
            for device in devices:
                device['workflow_name'] = names.get(str(device.get('workflow_uuid') or '').lower())
    module.exit_json(changed=False, devices=devices, count=len(devices))


if __name__ == '__main__':
    main()
