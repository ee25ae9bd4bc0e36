#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: micromdm_push
short_description: Send an APNs push notification to MicroMDM or NanoMDM devices
version_added: 0.1.0
description:
  - Asks the server to send a push notification to devices, so that they check in and fetch their
    queued commands.
  - O(flavor=management_v1) sends C(POST /management/v1/devices/{udid}/push) and O(flavor=micromdm)
    (MicroMDM 1.x) C(POST /v1/push/{udid}), one request per device. O(flavor=nanomdm) sends one
    C(GET /v1/push/{id,id,...}) for all of them; NanoMDM answers 207 when some failed, and each
    device's outcome is reported.
  - The push endpoints take the device B(UDID), not the UUID of MicroMDM's device record; both look alike
    and a push to a UUID reaches no device. With a flavor that has a device list (management_v1,
    micromdm) the module therefore reads it first (one request) and sends nothing unless every one of
    O(udids) is the UDID of a known device. Given a device's UUID instead, it fails saying so and
    giving that device's UDID. NanoMDM has no device list; its answer says which IDs it knows.
  - Always reports a change; in check mode the devices are still checked but nothing is sent, and
    RV(ids) says what would be pushed.
  - A push is never sent twice. A request that may have reached the server without an answer fails the
    task with an unknown outcome.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.micromdm
  - mdmkit.mdm.micromdm_udids
  - mdmkit.mdm.attributes.action
options:
  allow_partial:
    description:
      - When the push reached some devices and not others, succeed (reporting each device) instead of failing.
    type: bool
    default: false
'''

EXAMPLES = r'''
- name: Wake a device up so it fetches its commands
  mdmkit.mdm.micromdm_push:
    udid: 00008030-001A2B3C4D5E802E

- name: Push to every device of a workflow (hosts of the mdmkit.mdm.micromdm inventory)
  mdmkit.mdm.micromdm_push:
    udids: "{{ groups['micromdm_workflow_lab_macs'] | map('extract', hostvars, 'micromdm_udid') }}"

- name: Push to NanoMDM enrollments, whatever some of them answer
  mdmkit.mdm.micromdm_push:
    flavor: nanomdm
    udids: "{{ lab_enrollment_ids }}"
    allow_partial: true
'''

RETURN = r'''
ids:
  description: The UDIDs / enrollment IDs pushed to (or that would be, in check mode), as given, duplicates dropped.
  returned: always
  type: list
  elements: str
  sample: [00008030-001A2B3C4D5E802E]
devices:
  description:
    - The device record of each of RV(ids) (C(uuid), C(udid), C(serial_number)); empty with O(flavor=nanomdm).
  returned: always
  type: list
  elements: dict
  sample: [{uuid: 5b1ea7c6-4a0e-4f0b-9f1a-3c3a8e3d2b11, udid: 00008030-001A2B3C4D5E802E, serial_number: C02XK1JQJG5H}]
device:
  description: The one device pushed to, when O(udids) names one device and the flavor has a device list.
  returned: when one device is given and flavor is management_v1 or micromdm
  type: dict
  contains:
    uuid:
      description: MicroMDM UUID of the device record (the UDID with O(flavor=micromdm)).
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
results:
  description: One entry per device, in the order of RV(ids); empty in check mode.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The UDID or enrollment ID.
      type: str
      returned: always
    status:
      description: C(pushed) or C(failed).
      type: str
      returned: always
    push_result:
      description:
        - The server's ID of the push (C(push_id), MicroMDM 1.x C(push_notification_id), NanoMDM C(push_result),
          the APNs push UUID); null when it failed or the server gave none.
      type: str
      returned: always
    error:
      description: Why the push failed; null when it was sent.
      type: str
      returned: always
  sample:
    - {id: 00008030-001A2B3C4D5E802E, status: pushed, push_result: 6E14E52F-7F07-42C7-8367-4D81441DC85F, error: null}
failed_ids:
  description: The IDs the push did not reach.
  returned: always
  type: list
  elements: str
  sample: []
sent:
  description: Whether the push requests were sent (false in check mode).
  returned: always
  type: bool
  sample: true
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm import (
    UDIDS_OPTION, enrollment_ids, exit_per_device, outcome)
from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm_commands import push_each, push_nanomdm
from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm_profiles import known_devices
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule


def main():
    module = MdmModule(
        'micromdm',
        argument_spec=dict(udids=UDIDS_OPTION, allow_partial=dict(type='bool', default=False)),
        supports_check_mode=True,
    )
    with module.errors():
        ids = enrollment_ids(module.params['udids'])
    client = module.client
    result = dict(changed=True, sent=False, ids=ids, devices=[], results=[], failed_ids=[])
    with module.errors(**outcome(result, changed=False)):
        if client.flavor != 'nanomdm':
            devices = [dict(uuid=d.get('uuid'), udid=d.get('udid'), serial_number=d.get('serial_number'))
                       for d in known_devices(client, ids)]
            result.update(ids=[d['udid'] for d in devices], devices=devices)
            if len(devices) == 1:
                result['device'] = devices[0]
        if module.check_mode:
            module.exit_json(**result)
        if client.flavor == 'nanomdm':
            results, dummy = push_nanomdm(client, ids)
        else:
            results = push_each(client, result['ids'])
    exit_per_device(module, result, results, 'pushed', module.params['allow_partial'],
                    'The push reached none of the %(total)d devices (%(first)s).',
                    'The push did not reach %(failed)d of %(total)d devices (%(first)s). The others got it; to '
                    'retry, push again to failed_ids only.')


if __name__ == '__main__':
    main()
