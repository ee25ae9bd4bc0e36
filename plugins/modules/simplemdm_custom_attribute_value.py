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
  - For a secret attribute, devices are read with C(include_secret_custom_attributes), so their secret
    values are compared like any other. SimpleMDM does not show a device group's secret values, so
    for O(device_group) a secret value is set on every run (a warning says so). When the attribute
    is secret, its values are masked in the result, the diff and the module arguments the result
    shows (C(invocation)); run the task with C(no_log=true) to keep them out of the system log too.
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
secret:
  description: Whether SimpleMDM marks the attribute as secret (its values are then masked in the output).
  returned: success
  type: bool
  sample: false
changed_ids:
  description: Ids of the devices or group whose value was (or, in check mode, would be) set.
  returned: success
  type: list
  elements: str
  sample: ['122']
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import NotFoundError
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm import find_device
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm_catalog import find_one, listing
from ansible_collections.mdmkit.mdm.plugins.module_utils.lookup import resolve_all
from ansible_collections.mdmkit.mdm.plugins.module_utils.state import MASK

SECRETS = {'include_secret_custom_attributes': 'true'}


def entry_of(entries, name):
    """(value, secret) of attribute ``name`` among custom_attribute_value objects (names are
    case-insensitive); (None, False) when it has no value there."""
    for entry in entries or []:
        if str(entry.get('id')).lower() == name.lower():
            attributes = entry.get('attributes') or {}
            return attributes.get('value'), bool(attributes.get('secret'))
    return None, False


def device_entries(device):
    """The custom_attribute_values relationship of a device object."""
    return ((device.get('relationships') or {}).get('custom_attribute_values') or {}).get('data') or []


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
    before, secret, unreadable = {}, False, []
    with module.errors():
        try:
            attribute = client.get('custom_attributes/%s' % name)['data']
        except NotFoundError:
            module.fail_on('name', 'no custom attribute is named %r; create it with '
                                   'mdmkit.mdm.simplemdm_custom_attribute first.' % name)
        name = (attribute.get('attributes') or {}).get('name') or attribute.get('id') or name
        if params['device']:
            device = find_device(client, params['device'])
            if device is None:
                module.fail_on('device', 'no SimpleMDM device has the id, serial number or name %r.' % params['device'])
            # "Retrieve one" with include_secret_custom_attributes shows secret values too
            device = client.get('devices/%s' % device['id'], params=SECRETS)['data']
            before[str(device['id'])], secret = entry_of(device_entries(device), name)
        elif params['device_group']:
            group = find_one(client, 'device_groups', params['device_group'], 'device_group')
            if group is None:
                module.fail_on('device_group', 'no device group has the id or name %r.' % params['device_group'])
            current, secret = entry_of(list(client.paginate('device_groups/%s/custom_attribute_values' % group['id'])),
                                       name)
            before[str(group['id'])] = current
            if secret:  # the group endpoint blanks secret values and takes no flag to show them
                unreadable.append(str(group['id']))
        else:
            items = listing(client, 'devices', SECRETS)
            found = resolve_all(items, params['devices'], ('id', 'serial_number', 'name', 'device_name'),
                                'device', 'devices')
            for device in found:
                current, is_secret = entry_of(device_entries(device), name)
                before[str(device['id'])] = current
                secret = secret or is_secret
        if secret:
            # Keep the value (and the ones it replaces) out of every output, as no_log would.
            module.no_log_values.update(v for v in [value] + list(before.values()) if v)
        if unreadable:
            module.warn('name: SimpleMDM does not show the secret value of %s for device group %s, so it cannot be '
                        'compared; it was set again.' % (name, ', '.join(unreadable)))
        changed_ids = sorted((k for k, v in before.items() if v != value or k in unreadable),
                             key=lambda k: (len(k), k))
        if changed_ids and not module.check_mode:
            if params['device']:
                client.put('devices/%s/custom_attribute_values/%s' % (changed_ids[0], name), data={'value': value})
            elif params['device_group']:
                client.put('device_groups/%s/custom_attribute_values/%s' % (changed_ids[0], name),
                           data={'value': value})
            else:
                client.put('custom_attribute_values/%s' % name,
                           json_body={'data': [{'device_id': k, 'value': value} for k in changed_ids]})

    def shown(text):
        return MASK if secret and text else text

    module.exit_json(changed=bool(changed_ids), target_values=dict((k, shown(value)) for k in before),
                     changed_ids=changed_ids, secret=secret,
                     diff=dict(before=dict((k, shown(before[k])) for k in changed_ids),
                               after=dict((k, shown(value)) for k in changed_ids)))


if __name__ == '__main__':
    main()
