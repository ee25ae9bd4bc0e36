#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: micromdm_dep_fetch
short_description: Make MicroMDM fetch its devices from Apple's DEP service
version_added: 0.1.0
description:
  - Asks MicroMDM to fetch the devices assigned to it in Apple's Device Enrollment Program
    (C(POST /management/v1/devices/fetch)) and returns the devices it fetched.
  - With O(flavor=micromdm) (MicroMDM 1.x) it sends C(POST /v1/dep/syncnow), which starts a DEP sync
    in the background and answers at once with no body; the fetched devices appear in the device list
    (M(mdmkit.mdm.micromdm_device_info)) when the sync is done. With O(serials), it then reads those
    devices' DEP records with C(POST /v1/dep/devices) (a list C(serials); Apple's device details).
  - O(flavor=nanomdm) has no DEP API (that is NanoDEP's); the module fails saying so, in check mode too.
  - An action; it always reports a change, and in check mode nothing is sent (the flavor and the
    connection options are still checked).
  - Never sent twice. A request that may have reached MicroMDM without an answer fails the task with an
    unknown outcome.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.micromdm
  - mdmkit.mdm.attributes.action
options:
  serials:
    description:
      - O(flavor=micromdm) only. Serial numbers whose DEP records to read after the sync is started
        (C(POST /v1/dep/devices)); they are returned in RV(devices).
    type: list
    elements: str
  include_devices:
    description: Return the fetched devices in RV(devices). Without it only RV(count) is returned.
    type: bool
    default: true
'''

EXAMPLES = r'''
- name: Sync DEP devices, then assign workflows
  mdmkit.mdm.micromdm_dep_fetch:
    include_devices: false
  register: fetch

- name: How many
  ansible.builtin.debug:
    msg: "{{ fetch.count }} DEP devices"

- name: MicroMDM 1.x - sync now, and show two devices' DEP records
  mdmkit.mdm.micromdm_dep_fetch:
    flavor: micromdm
    serials: [C02XK1JQJG5H, C02XK1JQJG5J]
'''

RETURN = r'''
devices:
  description:
    - The DEP devices MicroMDM fetched, as it returns them (keys it adds are kept); empty in check mode
      and without O(include_devices).
    - With O(flavor=micromdm), the DEP records of O(serials) (each with its C(serial_number)); empty
      without O(serials).
  returned: always
  type: list
  elements: dict
  sample:
    - serial_number: C02XK1JQJG5H
      model: MacBook Air
      description: MBA 13.3 SPG/8C CPU/7C GPU
      color: SPACE GRAY
      profile_status: assigned
      profile_uuid: 8F1C7C334C0B4D0F9E360D4B6E3B3D11
      device_assigned_by: admin@example.com
      device_assigned_date: '2023-04-01T10:00:00Z'
count:
  description:
    - Number of devices fetched (0 in check mode). With O(flavor=micromdm), the number of RV(devices)
      read, or null without O(serials) (MicroMDM 1.x syncs in the background and does not say how many).
  returned: always
  type: int
  sample: 42
sent:
  description: Whether the request was sent (false in check mode).
  returned: always
  type: bool
  sample: true
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm import check_flavor
from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm_dep import dep_records
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule


def main():
    module = MdmModule(
        'micromdm',
        argument_spec=dict(
            serials=dict(type='list', elements='str'),
            include_devices=dict(type='bool', default=True),
        ),
        supports_check_mode=True,
    )
    params = module.params
    with module.errors():
        check_flavor(params['flavor'], ('management_v1', 'micromdm'), 'micromdm_dep_fetch (a DEP sync)')
    if params['serials'] is not None and params['flavor'] != 'micromdm':
        module.fail_on('serials', 'is for flavor micromdm (MicroMDM 1.x); the /management/v1 fetch returns '
                       'every DEP device.')
    serials = [s.strip() for s in params['serials'] or [] if s and s.strip()]
    client = module.client  # the connection options are checked in check mode too
    if module.check_mode:
        module.exit_json(changed=True, devices=[], count=0, sent=False)
    if client.flavor == 'micromdm':
        with module.errors():
            client.post('v1/dep/syncnow')  # micromdm platform/dep/sync syncnow.go: 200, empty body
        with module.errors(changed=True, sent=True):  # the sync has started whatever happens next
            devices = dep_records(client.read_post('v1/dep/devices', {'serials': serials})) if serials else []
        count = len(devices) if serials else None
    else:
        with module.errors():
            answer = client.post('devices/fetch')
        devices = []
        if isinstance(answer, list):
            devices = answer
        elif isinstance(answer, dict):
            devices = answer.get('devices') or []
        count = len(devices)
        if isinstance(answer, dict) and isinstance(answer.get('count'), int):
            count = answer['count']
    module.exit_json(changed=True, devices=devices if params['include_devices'] else [],
                     count=count, sent=True)


if __name__ == '__main__':
    main()
