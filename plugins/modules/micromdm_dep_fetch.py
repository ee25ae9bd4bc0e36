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
  - An action; it always reports a change, and in check mode nothing is sent.
  - Never sent twice. A request that may have reached MicroMDM without an answer fails the task with an
    unknown outcome.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.micromdm
  - mdmkit.mdm.attributes.action
options:
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
'''

RETURN = r'''
devices:
  description:
    - The DEP devices MicroMDM fetched, as it returns them (keys it adds are kept); empty in check mode
      and without O(include_devices).
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
  description: Number of devices fetched (0 in check mode).
  returned: always
  type: int
  sample: 42
sent:
  description: Whether the request was sent (false in check mode).
  returned: always
  type: bool
  sample: true
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule


def main():
    module = MdmModule(
        'micromdm',
        argument_spec=dict(include_devices=dict(type='bool', default=True)),
        supports_check_mode=True,
    )
    if module.check_mode:
        module.exit_json(changed=True, devices=[], count=0, sent=False)
    client = module.client
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
    module.exit_json(changed=True, devices=devices if module.params['include_devices'] else [],
                     count=count, sent=True)


if __name__ == '__main__':
    main()
