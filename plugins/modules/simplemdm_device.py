#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: simplemdm_device
short_description: Create, rename, move and delete SimpleMDM device records
version_added: 0.1.0
description:
  - Creates a device record (which waits for a device to enroll through its one-time C(enrollment_url)),
    renames a device in SimpleMDM (O(name)) or on the device itself (O(device_name)), moves it to another
    device group, and deletes it. Deleting an enrolled device unenrolls it.
  - The device is identified by O(id), else O(serial_number), else O(name). When O(id) or O(serial_number)
    identifies it, O(name) is the name to set. Only a device identified by O(name) can be created.
  - A name that matches several devices fails; use the id or the serial number.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.simplemdm
  - mdmkit.mdm.attributes
options:
  id:
    description: Id of the device.
    type: int
  serial_number:
    description: Serial number of the device (devices awaiting enrollment have none).
    type: str
  name:
    description:
      - Name of the device in SimpleMDM. Identifies the device when neither O(id) nor O(serial_number) is
        set; otherwise it is the new name.
    type: str
  device_name:
    description:
      - Name shown on the device itself. Needs a supervised device; the device applies it when it is next
        online.
      - SimpleMDM shows the new device name only once the device has applied it, so until a device that is
        offline checks in, every run sends it again and reports a change.
    type: str
  device_group:
    description:
      - Id or name of the device group. On creation, the group the device starts in; afterwards the
        device is moved to it.
    type: str
  state:
    description: V(present) creates or updates the device record, V(absent) deletes it (and unenrolls it).
    type: str
    choices: [present, absent]
    default: present
'''

EXAMPLES = r'''
- name: Create a device record and get its enrollment URL
  mdmkit.mdm.simplemdm_device:
    name: Sara's iPad
    device_group: Remote Employees
  register: sara

- name: Print the one-time enrollment link
  ansible.builtin.debug:
    msg: "{{ sara.device.enrollment_url }}"

- name: Rename an enrolled device, in SimpleMDM and on the device
  mdmkit.mdm.simplemdm_device:
    serial_number: DNFJE9DNG5MG
    name: Ashley's iPad
    device_name: Ashley's iPad

- name: Remove (and unenroll) a device
  mdmkit.mdm.simplemdm_device:
    id: 121
    state: absent
'''

RETURN = r'''
device:
  description: The device after the task (what it would be, in check mode); null once deleted.
  returned: always
  type: dict
  contains:
    id:
      description: Device id (null for a device created in check mode).
      type: int
      returned: success
      sample: 980190963
    name:
      description: Name in SimpleMDM.
      type: str
      returned: success
      sample: Sara's iPad
    device_name:
      description: Name on the device.
      type: str
      returned: success
      sample: null
    serial_number:
      description: Serial number (null until enrolled).
      type: str
      returned: success
      sample: null
    device_group:
      description: Id of the device group.
      type: int
      returned: success
      sample: 41
    status:
      description: Enrollment status.
      type: str
      returned: success
      sample: awaiting enrollment
    enrollment_url:
      description:
        - One-time enrollment URL of a device awaiting enrollment. SimpleMDM returns it when the record is
          created; later runs return it when the device record read from SimpleMDM still carries it.
      type: str
      returned: when SimpleMDM gives it (always on creation)
      sample: https://a.simplemdm.com/e/?c=63154796
  sample: {id: 980190963, name: "Sara's iPad", device_group: 41, status: awaiting enrollment,
           enrollment_url: "https://a.simplemdm.com/e/?c=63154796"}
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import NotFoundError
from ansible_collections.mdmkit.mdm.plugins.module_utils.lookup import find
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm_devices import find_group, group_id
from ansible_collections.mdmkit.mdm.plugins.module_utils.state import Resource

DEVICE = Resource('device', keys=['name', 'device_name', 'device_group'],
                  equal={'device_group': lambda current, desired: str(current) == str(desired)})


def view(obj):
    attributes = obj.get('attributes') or {}
    result = dict(id=obj.get('id'), name=attributes.get('name'), device_name=attributes.get('device_name'),
                  serial_number=attributes.get('serial_number'), device_group=group_id(obj),
                  status=attributes.get('status'))
    if attributes.get('enrollment_url'):
        result['enrollment_url'] = attributes['enrollment_url']
    return result


def current_device(module, client):
    params = module.params
    listing = {'include_awaiting_enrollment': 'true'}
    if params['id'] is not None:
        try:
            return client.get('devices/%s' % params['id'])['data']
        except NotFoundError:
            return None
    if params['serial_number']:
        listing['search'] = params['serial_number']
        found = find(list(client.paginate('devices', params=listing)), params['serial_number'],
                     ('serial_number',), 'device', 'serial_number')
        return found
    listing['search'] = params['name']
    return find(list(client.paginate('devices', params=listing)), params['name'], ('name',), 'device', 'name')


def main():
    module = MdmModule(
        'simplemdm',
        argument_spec=dict(
            id=dict(type='int'),
            serial_number=dict(type='str'),
            name=dict(type='str'),
            device_name=dict(type='str'),
            device_group=dict(type='str'),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        required_one_of=[('id', 'serial_number', 'name')],
        supports_check_mode=True,
    )
    params = module.params
    client = module.client
    state = params['state']
    identified_by_name = params['id'] is None and not params['serial_number']

    def create(desired):
        data = {'name': desired['name']}
        if desired.get('device_group') is not None:
            data['group_id'] = desired['device_group']
        created = view(client.post('devices', data=data)['data'])
        if desired.get('device_name'):
            renamed = view(client.patch('devices/%s' % created['id'],
                                        data={'device_name': desired['device_name']})['data'])
            renamed['enrollment_url'] = created.get('enrollment_url')
            created = renamed
        return created

    def update(changes, current):
        after = dict(current)
        fields = dict((k, changes[k]) for k in ('name', 'device_name') if k in changes)
        if fields:
            after.update(view(client.patch('devices/%s' % current['id'], data=fields)['data']))
        if 'device_group' in changes:
            client.post('device_groups/%s/devices/%s' % (changes['device_group'], current['id']))
            after['device_group'] = changes['device_group']
        return after

    def delete(current):
        client.delete('devices/%s' % current['id'])

    with module.errors():
        found = current_device(module, client)
        current = view(found) if found is not None else None
        if current is None and state == 'present':
            if not identified_by_name:
                option = 'id' if params['id'] is not None else 'serial_number'
                module.fail_on(option, 'no SimpleMDM device has %s %s; only a device identified by name '
                                       'can be created.' % (option.replace('_', ' '), params[option]))
        desired = DEVICE.desired(params)
        if state == 'present' and params['device_group'] is not None:
            desired['device_group'] = find_group(client, params['device_group'])['id']
        result = DEVICE.ensure(module, current, desired, create=create, update=update, delete=delete,
                               state=state)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
