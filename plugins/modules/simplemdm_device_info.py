#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: simplemdm_device_info
short_description: List SimpleMDM devices, or show one with its profiles, apps, users and attributes
version_added: 0.1.0
description:
  - Lists the devices of a SimpleMDM account, paging through the whole list (100 per request),
    optionally narrowed by O(search).
  - With O(device), returns that one device, found by id, serial number or name.
  - With O(include), adds each device's directly assigned profiles, installed apps, macOS users
    or custom attribute values (one extra request per device and item, eight at a time, so narrow the
    list first).
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.simplemdm
  - mdmkit.mdm.attributes.info_module
options:
  device:
    description:
      - Id, serial number or name of one device. A name that matches several devices fails.
      - An id is read directly and a serial number or name searched for (one request). A name shown on
        the device itself (C(device_name)), which SimpleMDM does not search, or a device that does not
        exist, is looked for in the whole device list.
    type: str
  search:
    description:
      - Limit the list to devices whose name, UDID, serial number, IMEI, MAC address or phone number
        matches.
    type: str
  include_awaiting_enrollment:
    description:
      - Also return device records that are awaiting enrollment.
    type: bool
    default: false
  include_secret_custom_attributes:
    description:
      - Return the values of custom attributes marked secret. Without it SimpleMDM lists those
        attributes with an empty value.
    type: bool
    default: false
  include:
    description:
      - Extra data to read for each returned device, one request per device and item.
      - V(users) are listed for macOS devices only (SimpleMDM has them for Macs only); other devices get an
        empty list, without a request.
    type: list
    elements: str
    choices: [profiles, installed_apps, users, custom_attribute_values]
    default: []
'''

EXAMPLES = r'''
- name: Every enrolled device whose name or serial matches "iPad"
  mdmkit.mdm.simplemdm_device_info:
    search: iPad
  register: ipads

- name: One device by serial number, with its installed apps
  mdmkit.mdm.simplemdm_device_info:
    device: DNFJE9DNG5MG
    include: [installed_apps]
  register: one

- name: Use the environment (SIMPLEMDM_API_KEY) and module_defaults for the connection
  module_defaults:
    group/mdmkit.mdm.simplemdm:
      base_url: https://a.simplemdm.com/api/v1
  mdmkit.mdm.simplemdm_device_info:
    include_awaiting_enrollment: true
'''

RETURN = r'''
devices:
  description:
    - The devices, each flattened from the API object. C(id) and every attribute the API returns
      (C(name), C(serial_number), C(os_version), C(status), C(is_supervised)...), C(device_group_id),
      and C(custom_attributes) as a name to value dict.
    - With O(include), the keys C(profiles), C(installed_apps), C(users) or C(custom_attribute_values)
      hold the extra lists.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 121
      name: Mike's iPhone
      serial_number: DNFJE9DNG5MG
      os_version: '14.7'
      status: enrolled
      device_group_id: 1
      custom_attributes: {email_address: user@example.org}
count:
  description: Number of devices returned.
  returned: always
  type: int
  sample: 1
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.parallel import bounded_map
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm import find_device, flatten
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm_devices import is_macos

INCLUDE_PATHS = {
    'profiles': 'devices/%s/profiles',
    'installed_apps': 'devices/%s/installed_apps',
    'users': 'devices/%s/users',
    'custom_attribute_values': 'devices/%s/custom_attribute_values',
}


def main():
    module = MdmModule(
        'simplemdm',
        argument_spec=dict(
            device=dict(type='str'),
            search=dict(type='str'),
            include_awaiting_enrollment=dict(type='bool', default=False),
            include_secret_custom_attributes=dict(type='bool', default=False),
            include=dict(type='list', elements='str', default=[], choices=list(INCLUDE_PATHS)),
        ),
        mutually_exclusive=[('device', 'search')],
        supports_check_mode=True,
    )
    params = module.params
    client = module.client
    with module.errors():
        query = {}
        if params['include_awaiting_enrollment']:
            query['include_awaiting_enrollment'] = 'true'
        if params['include_secret_custom_attributes']:
            query['include_secret_custom_attributes'] = 'true'
        if params['device']:
            found = find_device(client, params['device'], include_awaiting_enrollment=True)
            if found is None:
                module.fail_on('device', 'no SimpleMDM device has the id, serial number or name %r.'
                               % params['device'])
            if params['include_secret_custom_attributes']:
                found = client.get('devices/%s' % found['id'], params=query)['data']
            objects = [found]
        else:
            if params['search']:
                query['search'] = params['search']
            objects = client.paginate('devices', params=query)
        devices = [flatten(obj) for obj in objects]
        if params['include']:
            # One request per device and item: sent 8 at a time, results kept in order.
            jobs = [(device, item) for device in devices for item in params['include']]

            def fetch(job):
                if job[1] == 'users' and not is_macos(job[0]):
                    return []  # SimpleMDM lists the users of macOS devices only
                return [flatten(o) for o in client.paginate(INCLUDE_PATHS[job[1]] % job[0]['id'])]

            for (device, item), extra in zip(jobs, bounded_map(fetch, jobs, 8)):
                device[item] = extra
    module.exit_json(changed=False, devices=devices, count=len(devices))


if __name__ == '__main__':
    main()
