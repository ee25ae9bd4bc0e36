#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: simplemdm_profile_info
short_description: List SimpleMDM profiles, or show one
version_added: 0.1.0
description:
  - Lists the profiles of a SimpleMDM account (paging through the whole list), optionally narrowed
    by O(search), or returns one profile by id or name.
  - O(custom=true) lists the custom configuration profiles (uploaded C(.mobileconfig) files) instead.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.simplemdm
  - mdmkit.mdm.attributes.info_module
options:
  profile:
    description:
      - Id or exact name of one profile. A name that matches several profiles fails.
    type: str
  search:
    description:
      - Limit the list to profiles whose name (or, for O(custom=false), type) matches.
    type: str
  custom:
    description:
      - List custom configuration profiles rather than the other profiles.
    type: bool
    default: false
seealso:
  - module: mdmkit.mdm.simplemdm_profile
  - module: mdmkit.mdm.simplemdm_custom_configuration_profile
'''

EXAMPLES = r'''
- name: Every profile
  mdmkit.mdm.simplemdm_profile_info:
  register: profiles

- name: Profiles whose name or type mentions restrictions
  mdmkit.mdm.simplemdm_profile_info:
    search: restriction

- name: One custom configuration profile by name
  mdmkit.mdm.simplemdm_profile_info:
    profile: Munki Configuration
    custom: true
'''

RETURN = r'''
profiles:
  description:
    - The profiles, flattened from the API objects. C(id), C(type), every attribute the API returns
      (C(name), C(profile_identifier), C(user_scope), C(group_count), C(device_count)...), and
      C(device_groups) (and C(devices) when the API lists them) as lists of ids.
    - SimpleMDM's listings leave the members out; one profile asked for with O(profile) (by id or
      name, not with O(custom)) is read on its own, which shows its C(device_groups).
  returned: always
  type: list
  elements: dict
  sample:
    - id: 145594
      type: app_restrictions
      name: App Restriction
      profile_identifier: com.unwiredmdm.c87dce2487464c19a683263907978cf7
      user_scope: false
      group_count: 1
      device_count: 1
      device_groups: [37]
count:
  description: Number of profiles returned.
  returned: always
  type: int
  sample: 1
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import NotFoundError
from ansible_collections.mdmkit.mdm.plugins.module_utils.lookup import find
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm import flatten


def shown(obj):
    flat = flatten(obj)
    flat['type'] = obj.get('type')
    for name in ('device_groups', 'devices'):
        if name + '_ids' in flat:
            flat[name] = flat.pop(name + '_ids')
    return flat


def main():
    module = MdmModule(
        'simplemdm',
        argument_spec=dict(
            profile=dict(type='str'),
            search=dict(type='str'),
            custom=dict(type='bool', default=False),
        ),
        mutually_exclusive=[('profile', 'search')],
        supports_check_mode=True,
    )
    params = module.params
    kind = 'custom_configuration_profiles' if params['custom'] else 'profiles'
    client = module.client
    with module.errors():
        ref = params['profile']
        objects = None
        if ref is not None and ref.strip().isdigit() and not params['custom']:
            try:
                objects = [client.get('%s/%s' % (kind, ref.strip()))['data']]
            except NotFoundError:
                objects = None
        if objects is None:
            query = {}
            if params['search'] or (ref and not ref.strip().isdigit()):
                query['search'] = params['search'] or ref.strip()
            objects = list(client.paginate(kind, params=query))
            if ref is not None:
                found = find(objects, ref.strip(), ('id', 'name'), 'profile', 'profile')
                if found is None:
                    module.fail_on('profile', 'no %s has the id or name %r.'
                                   % ('custom configuration profile' if params['custom'] else 'profile', ref))
                if not params['custom'] and found.get('relationships') is None:
                    found = client.get('%s/%s' % (kind, found['id']))['data']  # with its device groups
                objects = [found]
        profiles = [shown(obj) for obj in objects]
    module.exit_json(changed=False, profiles=profiles, count=len(profiles))


if __name__ == '__main__':
    main()
