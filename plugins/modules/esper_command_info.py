#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: esper_command_info
short_description: List Esper command requests, or show one with its statistics and per-device statuses
version_added: 0.1.0
description:
  - Without O(request_id), lists the command requests, filtered as the API allows (devices, groups,
    command, schedule, internal commands).
  - With O(request_id), returns that request, its aggregated statistics and every device's status
    (optionally only those in O(status_state)).
  - With O(statuses_only=true) and no O(request_id), lists command statuses filtered by O(devices) and
    O(status_state) instead of requests.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.esper
  - mdmkit.mdm.attributes.info_module
options:
  request_id:
    description: Id of one command request.
    type: str
  devices:
    description:
      - Only requests (or statuses) of these devices, by id, serial number or device name (serial numbers and
        names are resolved from one device listing; ids are used as given).
      - Not used with O(request_id).
    type: list
    elements: str
  groups:
    description: Only requests of these group ids.
    type: list
    elements: str
  command:
    description: Only requests of this command (for example V(REBOOT)).
    type: str
  schedule:
    description: Only requests with this schedule type.
    type: str
    choices: [IMMEDIATE, WINDOW, RECURRING]
  exclude_internal_commands:
    description: Leave out the commands Esper sends on its own.
    type: bool
    default: false
  status_state:
    description: Only statuses in this state. Used with O(request_id) or O(statuses_only=true).
    type: str
    choices: [Command Queued, Command Initiated, Command Acknowledged, Command In Progress, Command TimeOut,
              Command Success, Command Failure, Command Scheduled, Command Cancelled]
  statuses_only:
    description: List command statuses instead of command requests.
    type: bool
    default: false
'''

EXAMPLES = r'''
- name: One request with its statistics and device states
  mdmkit.mdm.esper_command_info:
    request_id: "{{ reboot.request_id }}"
  register: info

- name: Every reboot request sent to a group
  mdmkit.mdm.esper_command_info:
    command: REBOOT
    groups: [3e41fd18-d53d-4673-a10a-23089cbb6b73]
    exclude_internal_commands: true

- name: Failed statuses of one device
  mdmkit.mdm.esper_command_info:
    statuses_only: true
    devices: [9b1c2f8e-0d55-4e0a-a1a4-8f1e9b6c2d11]
    status_state: Command Failure
'''

RETURN = r'''
requests:
  description: The command requests. With O(request_id), one, with C(stats) and C(statuses) added.
  returned: unless statuses_only
  type: list
  elements: dict
  sample:
    - id: 5b6a4d1c-2d3e-4f5a-8b9c-0d1e2f3a4b5c
      command: REBOOT
      command_type: DEVICE
      devices: [9b1c2f8e-0d55-4e0a-a1a4-8f1e9b6c2d11]
      schedule: IMMEDIATE
      stats: {success: 1, failure: 0}
      statuses: [{device: 9b1c2f8e-0d55-4e0a-a1a4-8f1e9b6c2d11, state: Command Success}]
statuses:
  description: Command statuses (with statuses_only).
  returned: with statuses_only
  type: list
  elements: dict
  sample: [{id: 0f6e2c55-6a4b-4c2d-9e8f-7a6b5c4d3e2f, request: 5b6a4d1c-2d3e-4f5a-8b9c-0d1e2f3a4b5c,
            device: 9b1c2f8e-0d55-4e0a-a1a4-8f1e9b6c2d11, state: Command Failure, reason: Device busy}]
count:
  description: Number of items returned.
  returned: always
  type: int
  sample: 1
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils import esper_commands as ec
from ansible_collections.mdmkit.mdm.plugins.module_utils.esper import unwrap
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule


def main():
    module = MdmModule(
        'esper',
        argument_spec=dict(
            request_id=dict(type='str'),
            devices=dict(type='list', elements='str'),
            groups=dict(type='list', elements='str'),
            command=dict(type='str'),
            schedule=dict(type='str', choices=['IMMEDIATE', 'WINDOW', 'RECURRING']),
            exclude_internal_commands=dict(type='bool', default=False),
            status_state=dict(type='str', choices=list(ec.STATES)),
            statuses_only=dict(type='bool', default=False),
        ),
        mutually_exclusive=[('request_id', 'groups'), ('request_id', 'command'), ('request_id', 'schedule'),
                            ('request_id', 'statuses_only'), ('request_id', 'devices')],
        supports_check_mode=True,
    )
    params = module.params
    if params['status_state'] and not (params['request_id'] or params['statuses_only']):
        module.fail_on('status_state', 'filters statuses: use it with request_id or statuses_only=true.')
    client = module.client
    with module.errors():
        devices = ec.device_ids(client, params['devices'])
        if params['request_id']:
            request = ec.mask_request(unwrap(client.get('%s%s/' % (ec.COMMANDS_PATH, params['request_id']))) or {})
            request['stats'] = ec.get_stats(client, params['request_id'])
            request['statuses'] = ec.list_statuses(client, params['request_id'], state=params['status_state'])
            module.exit_json(changed=False, requests=[request], count=1)
        query = {}
        if params['exclude_internal_commands']:
            query['exclude_internal_commands'] = 'true'
        if params['statuses_only']:
            if devices:
                query['device'] = ','.join(devices)
            if params['status_state']:
                query['state'] = params['status_state']
            statuses = list(client.paginate(ec.STATUS_PATH, params=query))
            module.exit_json(changed=False, statuses=statuses, count=len(statuses))
        if devices:
            query['devices'] = ','.join(devices)
        if params['groups']:
            query['groups'] = ','.join(params['groups'])
        for key in ('command', 'schedule'):
            if params[key]:
                query[key] = params[key]
        requests = [ec.mask_request(request) for request in client.paginate(ec.COMMANDS_PATH, params=query)]
    module.exit_json(changed=False, requests=requests, count=len(requests))


if __name__ == '__main__':
    main()
