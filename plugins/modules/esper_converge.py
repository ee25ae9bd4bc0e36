#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: esper_converge
short_description: Converge an Esper device to its blueprint, wait, and list the commands fired
version_added: 0.1.0
description:
  - Creates a converge action for one device (Esper re-applies the device's blueprint), optionally with
    the provisioning options, now or in a window.
  - With O(wait=true), polls the action until its status is final, then returns it with the commands it fired.
  - This is an action; it always reports a change, sends nothing in check mode, and its POST is never resent.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.esper
  - mdmkit.mdm.attributes.action
options:
  device:
    description: Id, serial number or device name of the device.
    type: str
    required: true
  converge_with_provision_option:
    description: Also re-apply the provisioning options of the blueprint.
    type: bool
    required: true
  schedule:
    description: Converge now or within a window.
    type: str
    choices: [IMMEDIATE, WINDOW]
    default: IMMEDIATE
  schedule_args:
    description:
      - The window of a V(WINDOW) schedule (C(start_datetime), C(end_datetime), C(window_start_time),
        C(window_end_time), optional C(time_type) and C(name)), as for M(mdmkit.mdm.esper_command).
    type: dict
  wait:
    description: Wait until the converge action is final (not for a WINDOW schedule).
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait.
    type: int
    default: 300
  poll_interval:
    description: Seconds between two polls.
    type: float
    default: 5
'''

EXAMPLES = r'''
- name: Converge a device with its provisioning options
  mdmkit.mdm.esper_converge:
    device: R52X0A1B2C3
    converge_with_provision_option: true
'''

RETURN = r'''
converge:
  description: The converge action (last state read); in check mode, the body that would be sent.
  returned: always
  type: dict
  sample: {id: 1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f, device_id: 9b1c2f8e-0d55-4e0a-a1a4-8f1e9b6c2d11,
           status: SUCCESS, converge_with_provision_option: true, schedule_type: IMMEDIATE}
commands:
  description: The commands the converge action fired.
  returned: when waited
  type: list
  elements: dict
  sample: [{command: UPDATE_BLUEPRINT, state: Command Success}]
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils import esper_commands as ec
from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule

PENDING = ('IN_PROGRESS', 'PENDING', 'QUEUED', 'INITIATED')


def main():
    module = MdmModule(
        'esper',
        argument_spec=dict(
            device=dict(type='str', required=True),
            converge_with_provision_option=dict(type='bool', required=True),
            schedule=dict(type='str', default='IMMEDIATE', choices=['IMMEDIATE', 'WINDOW']),
            schedule_args=dict(type='dict'),
            wait=dict(type='bool', default=True),
            wait_timeout=dict(type='int', default=300),
            poll_interval=dict(type='float', default=5),
        ),
        supports_check_mode=True,
    )
    params = module.params
    try:
        schedule_args = ec.check_schedule(params['schedule'], params['schedule_args'])
    except ConfigError as exc:
        module.fail_json(msg=exc.msg)
    client = module.client
    with module.errors():
        device = ec.resolve_devices(client, [params['device']], option='device')[0]
    body = dict(device_id=device['id'], converge_with_provision_option=params['converge_with_provision_option'],
                schedule_type=params['schedule'], schedule_args=schedule_args)
    if module.check_mode:
        module.exit_json(changed=True, converge=body)
    with module.errors():
        converge = ec.content(client.post('v2/converge', json_body=body)) or {}
    result = dict(changed=True, converge=converge)
    if params['wait'] and params['schedule'] == 'IMMEDIATE' and converge.get('id'):
        path = 'v2/converge/%s' % converge['id']
        with module.errors(**result):
            converge, timed_out = ec.poll(lambda: ec.content(client.get(path)) or {},
                                          lambda c: str(c.get('status', '')).upper() not in PENDING,
                                          params['wait_timeout'], params['poll_interval'])
            result.update(converge=converge, commands=list(ec.v2_paginate(client, path + '/commands')))
        if timed_out:
            module.fail_json(msg='wait_timeout: converge %s still %s after %ss.'
                             % (converge.get('id'), converge.get('status'), params['wait_timeout']), **result)
        if str(converge.get('status', '')).upper() in ('FAILED', 'FAILURE', 'ERROR'):
            module.fail_json(msg='Converge %s of %s failed.' % (converge.get('id'), ec.device_label(device)), **result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
