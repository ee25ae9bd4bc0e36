#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: simplemdm_assignment_group_info
short_description: List SimpleMDM assignment groups, or show one
version_added: 0.1.0
description:
  - Lists the assignment groups of the account (paging through the whole list), each with its
    settings and the ids of its apps, device groups, devices and profiles.
  - With O(group), returns that one group, found by id or name in the same listing.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.simplemdm
  - mdmkit.mdm.attributes.info_module
options:
  group:
    description:
      - Id or name of one group. A name shared by several groups fails.
    type: str
'''

EXAMPLES = r'''
- name: Every assignment group
  mdmkit.mdm.simplemdm_assignment_group_info:
  register: groups

- name: One group's devices
  mdmkit.mdm.simplemdm_assignment_group_info:
    group: Productivity Apps
  register: productivity
'''

RETURN = r'''
assignment_groups:
  description:
    - The groups. C(id), the settings C(name), C(auto_deploy), C(priority), C(type),
      C(install_type), C(app_track_location), and the member id lists C(apps), C(device_groups),
      C(devices), C(profiles).
    - A setting or member list the API does not return is null (unknown). SimpleMDM's group object
      shows only C(name), C(auto_deploy), C(apps), C(device_groups) and C(devices).
  returned: success
  type: list
  elements: dict
  sample:
    - id: 38
      name: Productivity Apps
      auto_deploy: false
      priority: null
      type: null
      install_type: null
      app_track_location: null
      apps: [63, 67]
      device_groups: [37, 38]
      devices: [54]
      profiles: null
count:
  description: Number of groups returned.
  returned: success
  type: int
  sample: 1
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.lookup import find
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm_catalog import assignment_group_view


def main():
    module = MdmModule('simplemdm', argument_spec=dict(group=dict(type='str')), supports_check_mode=True)
    client = module.client
    with module.errors():
        objects = list(client.paginate('assignment_groups'))
        if module.params['group']:
            found = find(objects, module.params['group'], ('id', 'name'), 'assignment group', 'group')
            if found is None:
                module.fail_on('group', 'no assignment group has the id or name %r.' % module.params['group'])
            objects = [found]
        groups = [assignment_group_view(obj) for obj in objects]
    module.exit_json(changed=False, assignment_groups=groups, count=len(groups))


if __name__ == '__main__':
    main()
