#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: micromdm_push
short_description: Send an APNs push notification to a MicroMDM device
version_added: 0.1.0
description:
  - Asks MicroMDM to send a push notification to one device (C(POST /management/v1/devices/{udid}/push)),
    so that the device checks in and fetches its queued commands.
  - The push endpoint takes the device B(UDID), not the UUID of MicroMDM's device record; both look alike
    and a push to a UUID reaches no device. The module therefore reads the device list first
    (one request) and sends nothing unless O(udid) is the UDID of a known device. Given a device's UUID
    instead, it fails saying so and giving that device's UDID.
  - Always reports a change; in check mode the device is still checked but nothing is sent.
  - A push is never sent twice. A request that may have reached MicroMDM without an answer fails the task
    with an unknown outcome.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.micromdm
  - mdmkit.mdm.attributes.action
options:
  udid:
    description:
      - UDID of the device (C(udid) in M(mdmkit.mdm.micromdm_device_info)). Compared without regard to case.
    type: str
    required: true
'''

EXAMPLES = r'''
- name: Wake a device up so it fetches its commands
  mdmkit.mdm.micromdm_push:
    udid: 00008030-001A2B3C4D5E802E

- name: Push to every device of a workflow (hosts of the mdmkit.mdm.micromdm inventory)
  mdmkit.mdm.micromdm_push:
    udid: "{{ hostvars[item].micromdm_udid }}"
  loop: "{{ groups['micromdm_workflow_lab_macs'] }}"
'''

RETURN = r'''
device:
  description: The device pushed to (or that would be, in check mode).
  returned: always
  type: dict
  contains:
    uuid:
      description: MicroMDM UUID of the device record.
      type: str
      returned: always
      sample: 5b1ea7c6-4a0e-4f0b-9f1a-3c3a8e3d2b11
    udid:
      description: UDID of the device.
      type: str
      returned: always
      sample: 00008030-001A2B3C4D5E802E
    serial_number:
      description: Serial number (empty when not reported yet).
      type: str
      returned: always
      sample: C02XK1JQJG5H
push:
  description:
    - MicroMDM's answer to the push request, as sent (for example C(status) and C(push_id)); null in check mode.
  returned: always
  type: dict
  sample: {udid: 00008030-001A2B3C4D5E802E, status: sent, push_id: 2f0c5b7e-4d0e-4f52-9b0c-6a8c2f1e7d3a}
sent:
  description: Whether the push request was sent (false in check mode).
  returned: always
  type: bool
  sample: true
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm_profiles import (
    device_label, list_devices, same_id)
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule


def main():
    module = MdmModule(
        'micromdm',
        argument_spec=dict(udid=dict(type='str', required=True)),
        supports_check_mode=True,
    )
    udid = module.params['udid'].strip()
    if not udid:
        module.fail_on('udid', 'must not be empty.')
    client = module.client
    with module.errors():
        devices = list_devices(client)
        matches = [d for d in devices if same_id(d.get('udid'), udid)]
        if not matches:
            by_uuid = [d for d in devices if same_id(d.get('uuid'), udid)]
            if by_uuid:
                device = by_uuid[0]
                module.fail_on('udid', '%r is the UUID of the MicroMDM device record of %s, not a UDID: a push to it '
                               'would reach no device. Its UDID is %r; nothing was sent.'
                               % (udid, device_label(device), device.get('udid')),
                               device=dict(uuid=device.get('uuid'), udid=device.get('udid'),
                                           serial_number=device.get('serial_number')))
            module.fail_on('udid', 'no MicroMDM device has the UDID %r; nothing was sent.' % udid)
        device = matches[0]
        shown = dict(uuid=device.get('uuid'), udid=device.get('udid'), serial_number=device.get('serial_number'))
        answer = None
        if not module.check_mode:
            answer = client.post('devices/%s/push' % device.get('udid'))
    module.exit_json(changed=True, device=shown, push=answer if isinstance(answer, dict) else None,
                     sent=not module.check_mode)


if __name__ == '__main__':
    main()
