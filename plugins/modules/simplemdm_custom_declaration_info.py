#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: simplemdm_custom_declaration_info
short_description: List SimpleMDM custom declarations, or show one
version_added: 0.1.0
description:
  - Lists the custom declarations (declarative device management) of a SimpleMDM account, or
    returns one by id or name, with its payload parsed and the ids of its devices.
  - The endpoint and object shape (C(/api/v1/custom_declarations)) come from SimpleMDM's public
    API documentation, not from the API reference this collection was built from.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.simplemdm
  - mdmkit.mdm.attributes.info_module
options:
  declaration:
    description:
      - Id or exact name of one declaration. A name that matches several fails.
    type: str
seealso:
  - module: mdmkit.mdm.simplemdm_custom_declaration
'''

EXAMPLES = r'''
- name: Every custom declaration
  mdmkit.mdm.simplemdm_custom_declaration_info:
  register: declarations

- name: One by name
  mdmkit.mdm.simplemdm_custom_declaration_info:
    declaration: Status subscriptions
  register: one
'''

RETURN = r'''
custom_declarations:
  description:
    - The declarations, flattened from the API objects. C(id), every attribute the API returns
      (C(name), C(declaration_type), C(payload) parsed from its JSON, C(activation_predicate),
      C(user_scope), C(profile_identifier), C(device_count)...) and C(devices), the ids of the
      assigned devices.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 42
      name: Status subscriptions
      declaration_type: com.apple.configuration.management.status-subscriptions
      payload: {StatusItems: [{Name: device.model.family}]}
      user_scope: false
      devices: [101]
count:
  description: Number of declarations returned.
  returned: always
  type: int
  sample: 1
'''

import json

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import NotFoundError
from ansible_collections.mdmkit.mdm.plugins.module_utils.lookup import find
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm import flatten

KIND = 'custom_declarations'


def shown(obj):
    flat = flatten(obj)
    flat['devices'] = flat.pop('devices_ids', [])
    if 'device_groups_ids' in flat:
        flat['device_groups'] = flat.pop('device_groups_ids')
    if isinstance(flat.get('payload'), str):
        try:
            flat['payload'] = json.loads(flat['payload'])
        except ValueError:
            pass
    return flat


def main():
    module = MdmModule(
        'simplemdm',
        argument_spec=dict(declaration=dict(type='str')),
        supports_check_mode=True,
    )
    ref = module.params['declaration']
    client = module.client
    with module.errors():
        objects = None
        if ref is not None and ref.strip().isdigit():
            try:
                objects = [client.get('%s/%s' % (KIND, ref.strip()))['data']]
            except NotFoundError:
                objects = None
        if objects is None:
            objects = list(client.paginate(KIND))
            if ref is not None:
                found = find(objects, ref, ('id', 'name'), 'custom declaration', 'declaration')
                if found is None:
                    module.fail_on('declaration', 'no custom declaration has the id or name %r.' % ref)
                objects = [found]
        declarations = [shown(obj) for obj in objects]
    module.exit_json(changed=False, custom_declarations=declarations, count=len(declarations))


if __name__ == '__main__':
    main()
