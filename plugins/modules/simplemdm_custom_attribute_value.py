#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: simplemdm_custom_attribute_value
short_description: Set a SimpleMDM custom attribute's value for devices or a device group
version_added: 0.1.0
description:
  - Sets the value of one custom attribute for one device (O(device)), many devices (O(devices)) or
    a device group (O(device_group)).
  - The current values are read first and only the devices or group whose value differs are
    written, so a second run changes nothing. The value compared is the one the API shows for the
    device or group, whether set on it or inherited (from its group or the attribute's default).
  - Many devices are read with one device listing and written with one request (the bulk
    endpoint), however many differ.
  - To define attributes and their defaults, use M(mdmkit.mdm.simplemdm_custom_attribute).
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.simplemdm
  - mdmkit.mdm.attributes
options:
  name:
    description:
      - Name of the custom attribute (compared without regard to case). It must exist.
    type: str
    required: true
  value:
    description:
      - The value to set.
    type: str
    required: true
  device:
    description:
      - Id, serial number or name of one device.
    type: str
  devices:
    description:
      - Ids, serial numbers or names of devices, resolved from one device listing; unknown ones fail
        before anything is written.
    type: list
    elements: str
  device_group:
    description:
      - Id or name of one device group.
    type: str
'''

EXAMPLES = r'''
- name: Tag one device
  mdmkit.mdm.simplemdm_custom_attribute_value:
    name: asset_tag
    value: A-1001
    device: DNFJE9DNG5MG

- name: Same region for a batch of devices (one write)
  mdmkit.mdm.simplemdm_custom_attribute_value:
    name: region
    value: emea
    devices: [121, 122, C02XK0AAJGH5]

- name: A value for a whole device group
  mdmkit.mdm.simplemdm_custom_attribute_value:
    name: region
    value: apac
    device_group: Remote Employees
'''

RETURN = r'''
target_values:
  description: The value of the attribute for each target after the task, keyed by device or group id.
  returned: success
  type: dict
  sample: {'121': emea, '122': emea}
changed_ids:
  description: Ids of the devices or group whose value was (or, in check mode, would be) set.
  returned: success
  type: list
  elements: str
  sample: ['122']
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import NotFoundError
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm import find_device, flatten
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm_catalog import find_one, listing
from ansible_collections.mdmkit.mdm.plugins.module_utils.lookup import resolve_all


def value_of(values, name):
    """The value of attribute ``name`` in a {attribute: value} dict (names are case-insensitive)."""
    for key, value in (values or {}).items():
        if str(key).lower() == name.lower():
            return value
    return None


def values_endpoint(client, path):
    return dict((item.get('id'), (item.get('attributes') or {}).get('value')) for item in client.paginate(path))


def main():
    module = MdmModule(
        'simplemdm',
        argument_spec=dict(
            name=dict(type='str', required=True),
            value=dict(type='str', required=True),
            device=dict(type='str'),
            devices=dict(type='list', elements='str'),
            device_group=dict(type='str'),
        ),
        mutually_exclusive=[('device', 'devices', 'device_group')],
        required_one_of=[('device', 'devices', 'device_group')],
        supports_check_mode=True,
    )
    params = module.params
    name, value = params['name'], params['value']
    if params['devices'] is not None and not params['devices']:
        module.fail_on('devices', 'give at least one device.')
    client = module.client
    with module.errors():
        try:
            attribute = client.get('custom_attributes/%s' % name)['data']
        except NotFoundError:
            module.fail_on('name', 'no custom attribute is named %r; create it with '
                                   'mdmkit.mdm.simplemdm_custom_attribute first.' % name)
        name = (attribute.get('attributes') or {}).get('name') or attribute.get('id') or name
        before = {}
        if params['device']:
            device = find_device(client, params['device'])
            if device is None:
                module.fail_on('device', 'no SimpleMDM device has the id, serial number or name %r.' % params['device'])
            before[str(device['id'])] = value_of(values_endpoint(
                client, 'devices/%s/custom_attribute_values' % device['id']), name)
        elif params['device_group']:
            group = find_one(client, 'device_groups', params['device_group'], 'device_group')
            if group is None:
                module.fail_on('device_group', 'no device group has the id or name %r.' % params['device_group'])
            before[str(group['id'])] = value_of(values_endpoint(
                client, 'device_groups/%s/custom_attribute_values' % group['id']), name)
        else:
            items = listing(client, 'devices', {'include_secret_custom_attributes': 'true'})
            found = resolve_all(items, params['devices'], ('id', 'serial_number', 'name', 'device_name'),
                                'device', 'devices')
            for device in found:
                before[str(device['id'])] = value_of(flatten(device).get('custom_attributes'), name)
        changed_ids = sorted((k for k, v in before.items() if v != value), key=lambda k: (len(k), k))
        after = dict((k, value) for k in before)
        if changed_ids and not module.check_mode:
            if params['device']:
                client.put('devices/%s/custom_attribute_values/%s' % (changed_ids[0], name), data={'value': value})
            elif params['device_group']:
                client.put('device_groups/%s/custom_attribute_values/%s' % (changed_ids[0], name),
                           data={'value': value})
            else:
                client.put('custom_attribute_values/%s' % name,
                           json_body={'data': [{'device_id': k, 'value': value} for k in changed_ids]})
    module.exit_json(changed=bool(changed_ids), target_values=after, changed_ids=changed_ids,
                     diff=dict(before=dict((k, before[k]) for k in changed_ids),
                               after=dict((k, value) for k in changed_ids)))


if __name__ == '__main__':
    main()
