#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: micromdm_device
short_description: Assign a workflow to a MicroMDM device
version_added: 0.1.0
description:
  - Assigns a workflow to one device (C(PATCH /management/v1/devices/{uuid}) with C(workflow_uuid)), or
    removes its assignment.
  - The device is read first and nothing is sent when it already has that workflow.
  - The device is found by UUID (one request), or by UDID or serial number in the device list; the
    workflow by name or UUID from one workflow listing. An unknown one fails before anything is sent.
  - Needs O(flavor=management_v1). MicroMDM 1.x assigns nothing per device (its blueprints apply to
    every enrolling device, see M(mdmkit.mdm.micromdm_blueprint)) and NanoMDM has no workflows; with
    another flavor the module fails before reading anything, in check mode too.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.micromdm
  - mdmkit.mdm.attributes
options:
  device:
    description: UUID, UDID or serial number of the device.
    type: str
    required: true
  workflow:
    description:
      - Name or UUID of the workflow to assign. An empty string removes the device's workflow.
    type: str
    required: true
'''

EXAMPLES = r'''
- name: Lab Macs get the lab workflow
  mdmkit.mdm.micromdm_device:
    device: "{{ item }}"
    workflow: lab-macs
  loop: [C02XK1JQJG5H, C02XK1JQJG5J]

- name: No workflow for this one
  mdmkit.mdm.micromdm_device:
    device: C02XK1JQJG5H
    workflow: ''
'''

RETURN = r'''
device:
  description: The device's assignment after the task (what it would be, in check mode).
  returned: always
  type: dict
  contains:
    uuid:
      description: MicroMDM UUID of the device.
      type: str
      returned: success
      sample: 5b1ea7c6-4a0e-4f0b-9f1a-3c3a8e3d2b11
    udid:
      description: UDID of the device.
      type: str
      returned: success
      sample: 00008030-001A2B3C4D5E802E
    serial_number:
      description: Serial number of the device (empty when not reported yet).
      type: str
      returned: success
      sample: C02XK1JQJG5H
    workflow_uuid:
      description: UUID of the assigned workflow; empty when none.
      type: str
      returned: success
      sample: bd5191c1-6bc1-49e5-b9fc-b33accc0656e
    workflow:
      description: Name of the assigned workflow; empty when none.
      type: str
      returned: success
      sample: lab-macs
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm import check_flavor
from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm_profiles import (
    find_device, find_workflow, list_workflows, same_id, unwrap)
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.state import Resource

DEVICE = Resource('device', keys=['workflow_uuid', 'workflow'],
                  equal={'workflow_uuid': lambda current, desired: same_id(current or '-', desired or '-')})


def main():
    module = MdmModule(
        'micromdm',
        argument_spec=dict(
            device=dict(type='str', required=True),
            workflow=dict(type='str', required=True),
        ),
        supports_check_mode=True,
    )
    params = module.params
    with module.errors():
        check_flavor(params['flavor'], ('management_v1',), 'micromdm_device (workflow assignment)',
                     hint='MicroMDM 1.x applies blueprints to every enrolling device instead '
                          '(mdmkit.mdm.micromdm_blueprint); to block a device use mdmkit.mdm.micromdm_device_block.')
    client = module.client
    with module.errors():
        workflows = list_workflows(client)
        names = dict((str(w.get('uuid')).lower(), w.get('name')) for w in workflows)
        if params['workflow'] == '':
            wanted = {'uuid': '', 'name': ''}
        else:
            wanted = find_workflow(workflows, params['workflow'], 'workflow')
            if wanted is None:
                module.fail_on('workflow', 'no MicroMDM workflow has the name or UUID %r.' % params['workflow'])
        device, dummy = find_device(client, params['device'])
        if device is None:
            module.fail_on('device', 'no MicroMDM device has the UUID, UDID or serial number %r.' % params['device'])

        def view(obj):
            obj = unwrap(obj, 'device')
            workflow_uuid = obj.get('workflow_uuid') or ''
            return {'uuid': obj.get('uuid'), 'udid': obj.get('udid'), 'serial_number': obj.get('serial_number'),
                    'workflow_uuid': workflow_uuid,
                    'workflow': names.get(workflow_uuid.lower(), workflow_uuid) if workflow_uuid else ''}

        current = view(device)

        def update(changes, current):
            answer = client.patch('devices/%s' % current['uuid'], json_body={'workflow_uuid': wanted['uuid']})
            if not unwrap(answer, 'device').get('uuid'):  # no device in the answer: read it back
                answer = client.get('devices/%s' % current['uuid'])
            return view(answer)

        desired = {'workflow_uuid': wanted.get('uuid') or '', 'workflow': wanted.get('name') or ''}
        result = DEVICE.ensure(module, current, desired, update=update)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
