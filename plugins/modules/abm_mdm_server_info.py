#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: abm_mdm_server_info
short_description: List the device management services of Apple Business Manager or Apple School Manager
version_added: 0.1.0
description:
  - Lists the device management services (MDM servers) of the organization, with their name, type and
    creation and update dates.
  - With O(include_devices), adds the serial numbers assigned to each service, read from the service's
    device list in pages of 1000 (the largest page the API accepts), one paged list per service.
  - O(api=school) reads Apple School Manager instead.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.abm
  - mdmkit.mdm.attributes.info_module
options:
  mdm_server:
    description:
      - Only this service, by id or name. Unset lists all of them.
    type: str
  include_devices:
    description:
      - Add C(devices), the serial numbers assigned to each service, and C(device_count).
    type: bool
    default: false
'''

EXAMPLES = r'''
- name: Every device management service
  mdmkit.mdm.abm_mdm_server_info:
    client_id: BUSINESSAPI.9703f56c-10ce-4876-8f59-e78e5e23a152
    key_id: d136aa66-0c3b-4bd4-9892-c20e8db024ab
    private_key_path: ~/.secrets/abm.pem
  register: servers

- name: The serials assigned to one service, from Apple School Manager
  mdmkit.mdm.abm_mdm_server_info:
    api: school
    mdm_server: Staging
    include_devices: true
  register: staging
'''

RETURN = r'''
mdm_servers:
  description: The device management services, each flattened from the API object with snake_case keys.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Id of the service.
      type: str
      returned: always
      sample: 1F97349736CF4614A94F624E705841AD
    server_name:
      description: Name of the service.
      type: str
      returned: always
      sample: Test Device Management Service
    server_type:
      description: Type, such as C(MDM) or C(APPLE_CONFIGURATOR).
      type: str
      returned: always
      sample: MDM
    created_date_time:
      description: When the service was created.
      type: str
      returned: always
      sample: '2025-05-01T03:21:44.685Z'
    updated_date_time:
      description: When the service was last updated.
      type: str
      returned: always
      sample: '2025-05-01T03:21:46.284Z'
    devices:
      description: Serial numbers assigned to the service.
      type: list
      elements: str
      returned: when O(include_devices=true)
      sample: [XABC123X0ABC123X0]
    device_count:
      description: Number of devices assigned to the service.
      type: int
      returned: when O(include_devices=true)
      sample: 1
count:
  description: Number of services returned.
  returned: always
  type: int
  sample: 1
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.abm_devices import find_server, list_servers, server_serials
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule


def main():
    module = MdmModule(
        'abm',
        argument_spec=dict(
            mdm_server=dict(type='str'),
            include_devices=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    client = module.client
    with module.errors():
        servers = list_servers(client)
        if module.params['mdm_server']:
            servers = [find_server(servers, module.params['mdm_server'])]
        if module.params['include_devices']:
            for server in servers:
                server['devices'] = server_serials(client, server['id'])
                server['device_count'] = len(server['devices'])
    module.exit_json(changed=False, mdm_servers=servers, count=len(servers))


if __name__ == '__main__':
    main()
