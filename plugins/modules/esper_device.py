#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: esper_device
short_description: Delete an Apple device from Esper
version_added: 0.1.0
description:
  - With O(state=absent), deletes an Apple device from the Esper tenant. The Esper API deletes Apple
    devices only; for an Android device the module fails before sending anything (wipe it with
    M(mdmkit.mdm.esper_command) C(WIPE) instead).
  - With O(state=present), only checks that the device exists and returns it (Esper devices are created by
    enrolment, not by this module).
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.esper
  - mdmkit.mdm.attributes
options:
  device:
    description: Id, serial number or device name of the device.
    type: str
    required: true
  state:
    description: V(absent) deletes the device; V(present) checks that it exists.
    type: str
    choices: [present, absent]
    default: absent
'''

EXAMPLES = r'''
- name: Remove a retired iPad
  mdmkit.mdm.esper_device:
    device: DMPXK2ABCDEF
    state: absent
'''

RETURN = r'''
device:
  description: The device after the task (null once deleted).
  returned: always
  type: dict
  sample: {id: 9b1c2f8e-0d55-4e0a-a1a4-8f1e9b6c2d11, serial: DMPXK2ABCDEF, name: ESR-7QK-0012, platform: APPLE}
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils import esper_commands as ec
from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError
from ansible_collections.mdmkit.mdm.plugins.module_utils.lookup import find
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.state import Resource

DEVICE = Resource('device', keys=['id', 'serial', 'name', 'platform'])


def main():
    module = MdmModule(
        'esper',
        argument_spec=dict(
            device=dict(type='str', required=True),
            state=dict(type='str', default='absent', choices=['present', 'absent']),
        ),
        supports_check_mode=True,
    )
    client = module.client
    value = module.params['device']
    with module.errors():
        found = find(ec.list_devices(client), value, ('id', 'serial', 'name', 'alias_name'), 'Esper device', 'device')
        current = dict((k, found.get(k)) for k in DEVICE.keys) if found else None
        if module.params['state'] == 'present':
            if current is None:
                raise ConfigError('device: no Esper device has the id, serial number or name %r.' % value)
            module.exit_json(changed=False, device=current, diff=dict(before=current, after=current))
        if current is not None and current['platform'] != 'APPLE':
            raise ConfigError('device: %s is an %s device; the Esper API deletes Apple devices only. Nothing was '
                              'sent.' % (value, current['platform'] or 'unknown-platform'))

        def delete(current):
            client.delete('%s%s/' % (ec.DEVICES_PATH, current['id']))

        result = DEVICE.ensure(module, current, {}, delete=delete, state='absent')
    module.exit_json(**result)


if __name__ == '__main__':
    main()
