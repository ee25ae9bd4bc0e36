#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: simplemdm_custom_attribute
short_description: Manage SimpleMDM custom attributes
version_added: 0.1.0
description:
  - Creates, updates and deletes the custom attributes of a SimpleMDM account.
  - Deleting an attribute also deletes every value set for it on devices and groups.
  - To set values on devices or groups, use M(mdmkit.mdm.simplemdm_custom_attribute_value).
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.simplemdm
  - mdmkit.mdm.attributes
options:
  name:
    description:
      - Name of the attribute. Letters, digits and underscores only; SimpleMDM compares names
        without regard to case, and the name is also the attribute's id.
    type: str
    required: true
  default_value:
    description:
      - Value used where no device or group value is set. Unset leaves it untouched;
        an empty string clears it.
    type: str
  state:
    description:
      - V(present) creates or updates the attribute, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
'''

EXAMPLES = r'''
- name: Define an attribute with a default
  mdmkit.mdm.simplemdm_custom_attribute:
    name: asset_tag
    default_value: unassigned

- name: Remove it (and every value set for it)
  mdmkit.mdm.simplemdm_custom_attribute:
    name: asset_tag
    state: absent
'''

RETURN = r'''
custom_attribute:
  description: The attribute after the task (what it would be, in check mode); null once deleted.
  returned: always
  type: dict
  contains:
    name:
      description: Name (and id) of the attribute.
      type: str
      returned: success
      sample: asset_tag
    default_value:
      description: Default value.
      type: str
      returned: success
      sample: unassigned
  sample: {name: asset_tag, default_value: unassigned}
'''

import re

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import NotFoundError
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.state import Resource

CUSTOM_ATTRIBUTE = Resource('custom attribute', keys=['name', 'default_value'],
                            equal={'name': lambda current, desired: (current or '').lower() == desired.lower(),
                                   'default_value': lambda current, desired: (current or '') == desired})


def view(obj):
    attributes = obj.get('attributes') or {}
    return {'name': attributes.get('name', obj.get('id')), 'default_value': attributes.get('default_value')}


def main():
    module = MdmModule(
        'simplemdm',
        argument_spec=dict(
            name=dict(type='str', required=True),
            default_value=dict(type='str'),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        supports_check_mode=True,
    )
    name = module.params['name']
    if not re.match(r'^[A-Za-z0-9_]+$', name):
        module.fail_on('name', 'only letters, digits and underscores are allowed, got %r.' % name)
    client = module.client
    path = 'custom_attributes/%s' % name

    def answered(body, name):
        """The attribute from a create/update answer; the reference shows none, so without an
        object in it the attribute is read back (one GET)."""
        if isinstance(body, dict) and isinstance(body.get('data'), dict):
            return view(body['data'])
        return view(client.get('custom_attributes/%s' % name)['data'])

    def create(desired):
        data = dict((k, v) for k, v in desired.items() if v is not None)
        return answered(client.post('custom_attributes', data=data), desired['name'])

    def update(changes, current):
        return answered(client.patch('custom_attributes/%s' % current['name'],
                                     data={'default_value': changes['default_value']}), current['name'])

    def delete(current):
        client.delete('custom_attributes/%s' % current['name'])

    with module.errors():
        try:
            current = view(client.get(path)['data'])
        except NotFoundError:
            current = None
        desired = CUSTOM_ATTRIBUTE.desired(module.params)
        result = CUSTOM_ATTRIBUTE.ensure(module, current, desired, create=create, update=update,
                                         delete=delete, state=module.params['state'])
    module.exit_json(**result)


if __name__ == '__main__':
    main()
