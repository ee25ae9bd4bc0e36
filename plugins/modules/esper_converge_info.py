#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: esper_converge_info
short_description: List Esper converge actions, or show one with the commands it fired
version_added: 0.1.0
description:
  - Lists converge actions, optionally of some devices, or returns the one with O(converge_id) and the
    commands it fired.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.esper
  - mdmkit.mdm.attributes.info_module
options:
  converge_id:
    description: Id of one converge action.
    type: str
  devices:
    description:
      - Only converge actions of these devices, by id, serial number or device name (serial numbers and
        names are resolved from one device listing; ids are used as given).
    type: list
    elements: str
'''

EXAMPLES = r'''
- name: Converge actions of one device
  mdmkit.mdm.esper_converge_info:
    devices: [9b1c2f8e-0d55-4e0a-a1a4-8f1e9b6c2d11]
'''

RETURN = r'''
converges:
  description: The converge actions; with O(converge_id), one, with C(commands) added.
  returned: always
  type: list
  elements: dict
  sample: [{id: 1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f, status: SUCCESS, commands: [{command: CONVERGE}]}]
count:
  description: Number of converge actions returned.
  returned: always
  type: int
  sample: 1
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils import esper_commands as ec
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule


def main():
    module = MdmModule('esper', argument_spec=dict(converge_id=dict(type='str'),
                                                   devices=dict(type='list', elements='str')),
                       mutually_exclusive=[('converge_id', 'devices')], supports_check_mode=True)
    params = module.params
    client = module.client
    with module.errors():
        if params['converge_id']:
            path = 'v2/converge/%s' % params['converge_id']
            converge = ec.content(client.get(path)) or {}
            converge['commands'] = list(ec.v2_paginate(client, path + '/commands'))
            converges = [converge]
        else:
            ids = ec.device_ids(client, params['devices'])
            query = {'device_ids': ','.join(ids)} if ids else None
            converges = list(ec.v2_paginate(client, 'v2/converge', params=query))
    module.exit_json(changed=False, converges=converges, count=len(converges))


if __name__ == '__main__':
    main()
