#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: simplemdm_dep_server_info
short_description: List SimpleMDM DEP servers (Apple Business Manager links) and their DEP devices
version_added: 0.1.0
description:
  - Lists the Automated Device Enrollment (DEP) server associations of a SimpleMDM account, or the one
    given by O(server) (id or server name).
  - With O(include_devices), adds each server's DEP devices as Apple reports them; they need not have a
    SimpleMDM device record. O(serial_number) narrows those to one device.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.simplemdm
  - mdmkit.mdm.attributes.info_module
options:
  server:
    description: Id or server name of one DEP server. Unknown fails.
    type: str
  include_devices:
    description: Add C(dep_devices) to each server (one request per 100 DEP devices).
    type: bool
    default: false
  serial_number:
    description: With O(include_devices), keep only the DEP device with this serial number.
    type: str
'''

EXAMPLES = r'''
- name: DEP servers and when they last synced
  mdmkit.mdm.simplemdm_dep_server_info:
  register: dep

- name: Is this serial number assigned to our DEP server?
  mdmkit.mdm.simplemdm_dep_server_info:
    server: My DEP MDM Server
    include_devices: true
    serial_number: C02XK1JQJG5H
  register: found
'''

RETURN = r'''
dep_servers:
  description: The DEP servers, flattened; with O(include_devices), each has C(dep_devices) (flattened).
  returned: always
  type: list
  elements: dict
  sample:
    - id: 1
      server_name: My DEP MDM Server
      organization_name: SimpleMDM
      token_expires_at: '2023-02-03T10:57:07.000-08:00'
      last_synced_at: '2022-02-05T06:00:05.000-08:00'
count:
  description: Number of servers returned.
  returned: always
  type: int
  sample: 1
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.lookup import find
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm import flatten


def main():
    module = MdmModule(
        'simplemdm',
        argument_spec=dict(
            server=dict(type='str'),
            include_devices=dict(type='bool', default=False),
            serial_number=dict(type='str'),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if params['serial_number'] and not params['include_devices']:
        module.fail_on('serial_number', 'is used only with include_devices=true.')
    client = module.client
    with module.errors():
        servers = list(client.paginate('dep_servers'))
        if params['server']:
            one = find(servers, params['server'], ('id', 'server_name'), 'DEP server', 'server')
            if one is None:
                module.fail_on('server', 'no SimpleMDM DEP server has the id or name %r.' % params['server'])
            servers = [one]
        result = []
        for obj in servers:
            server = flatten(obj)
            if params['include_devices']:
                devices = [flatten(d) for d in client.paginate('dep_servers/%s/dep_devices' % server['id'])]
                if params['serial_number']:
                    devices = [d for d in devices if str(d.get('serial_number')) == params['serial_number']]
                server['dep_devices'] = devices
            result.append(server)
    module.exit_json(changed=False, dep_servers=result, count=len(result))


if __name__ == '__main__':
    main()
