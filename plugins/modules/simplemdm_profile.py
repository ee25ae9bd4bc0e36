#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: simplemdm_profile
short_description: Assign SimpleMDM profiles to device groups and devices
version_added: 0.1.0
description:
  - Assigns and unassigns one of the account's profiles (those made in the SimpleMDM console,
    such as restrictions, Wi-Fi, APN or email) to device groups and devices.
  - The API cannot create, change or delete these profiles; this module manages their assignments.
    For profiles uploaded as C(.mobileconfig) files, use M(mdmkit.mdm.simplemdm_custom_configuration_profile).
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.simplemdm
  - mdmkit.mdm.attributes
options:
  profile:
    description:
      - Id or exact name of the profile. A name that matches several profiles fails.
    type: str
    required: true
  device_groups:
    description:
      - Device groups (ids or names) the profile is assigned to. Unset leaves the assignments
        untouched; a list replaces them unless O(append=true); V([]) removes every group.
    type: list
    elements: str
  devices:
    description:
      - Devices (ids, serial numbers or names) the profile is assigned to directly. Same list
        semantics as O(device_groups).
      - When SimpleMDM does not list the profile's devices, only the listed devices are checked
        (one request each) and a warning says so.
    type: list
    elements: str
  append:
    description:
      - Only add the listed O(device_groups) and O(devices); never unassign.
    type: bool
    default: false
notes:
  - Names of device groups and devices are resolved from one listing of each, before anything is written.
seealso:
  - module: mdmkit.mdm.simplemdm_profile_info
'''

EXAMPLES = r'''
- name: Restrictions for exactly these two groups
  mdmkit.mdm.simplemdm_profile:
    profile: App Restriction
    device_groups: [Retail, Warehouse]

- name: Also on one device, keeping the other assignments
  mdmkit.mdm.simplemdm_profile:
    profile: "145594"
    devices: [DNFJE9DNG5MG]
    append: true

- name: Unassign it from every group
  mdmkit.mdm.simplemdm_profile:
    profile: App Restriction
    device_groups: []
'''

RETURN = r'''
profile:
  description: The profile's assignments after the task (what they would be, in check mode).
  returned: always
  type: dict
  contains:
    id:
      description: Profile id.
      type: int
      returned: success
      sample: 145594
    name:
      description: Name.
      type: str
      returned: success
      sample: App Restriction
    type:
      description: Profile type.
      type: str
      returned: success
      sample: app_restrictions
    device_groups:
      description: Ids of the assigned device groups.
      type: list
      elements: int
      returned: success
      sample: [37]
    devices:
      description: Ids of the directly assigned devices (only when O(devices) was given).
      type: list
      elements: int
      returned: when O(devices) is set
      sample: [101]
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError, NotFoundError
from ansible_collections.mdmkit.mdm.plugins.module_utils.lookup import find
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm_config import (
    desired_members,
    device_members,
    listing,
    relationship_ids,
    resolve_ids,
    same_members,
    sync_members,
)
from ansible_collections.mdmkit.mdm.plugins.module_utils.state import Applied, Resource

PROFILE = Resource('profile', keys=['device_groups', 'devices'],
                   equal={'device_groups': same_members, 'devices': same_members})


def find_profile(client, ref):
    """The profile as "retrieve one" shows it (with its device groups): by id one GET; by name one
    search listing (whose items carry no relationships) and then one GET of the match."""
    ref = str(ref).strip()
    if ref.isdigit():
        try:
            return client.get('profiles/%s' % ref)['data']
        except NotFoundError:
            pass
    found = find(listing(client, 'profiles', {'search': ref}), ref, ('name',), 'profile', 'profile')
    if found is None:
        raise ConfigError('profile: no SimpleMDM profile has the id or name %r.' % ref)
    return client.get('profiles/%s' % found['id'])['data']


def main():
    module = MdmModule(
        'simplemdm',
        argument_spec=dict(
            profile=dict(type='str', required=True),
            device_groups=dict(type='list', elements='str'),
            devices=dict(type='list', elements='str'),
            append=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    params = module.params
    client = module.client
    with module.errors():
        obj = find_profile(client, params['profile'])
        group_ids = resolve_ids(client, 'device_groups', params['device_groups'], 'device_groups')
        device_ids = resolve_ids(client, 'devices', params['devices'], 'devices')
        current = dict(id=obj.get('id'), type=obj.get('type'), name=(obj.get('attributes') or {}).get('name'),
                       device_groups=relationship_ids(obj, 'device_groups'))
        if device_ids is not None:
            current['devices'] = device_members(client, obj, device_ids, module.warn)
        desired = {}
        for kind, wanted in (('device_groups', group_ids), ('devices', device_ids)):
            if wanted is not None:
                desired[kind] = desired_members(current.get(kind), wanted, params['append'])

        if group_ids is not None and current['device_groups'] is None and not params['append']:
            module.warn('device_groups: SimpleMDM did not list the device groups of profile %s; the ones listed '
                        'were assigned but others cannot be seen, so none was unassigned.' % current['id'])

        def update(changes, cur):
            count = 0
            for kind, ids in changes.items():
                count += sync_members(client, 'profiles/%s' % cur['id'], kind, cur.get(kind), ids)
            return Applied(changed=count > 0)

        result = PROFILE.ensure(module, current, desired, update=update)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
