#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: esper_device_info
short_description: List Esper devices, or show one with its current state, apps and heartbeat
version_added: 0.1.0
description:
  - Lists the devices of an Esper tenant with the API's filters (serial, state, platform, OS, group,
    blueprint, search...), paging through the whole list (pages fetched in parallel, at most O(workers)).
  - With O(device), returns that one device (by id, serial number or name).
  - With O(include), adds each returned device's current state (C(devicestate)), its apps, or its last
    heartbeat (Apple devices), one extra request per device and item (at most O(workers) in flight).
  - With O(heartbeats_since) and O(heartbeats_until), returns the heartbeat records of the devices seen in
    that window instead (C(device/v2/heartbeat/)).
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.esper
  - mdmkit.mdm.attributes.info_module
options:
  device:
    description: Id, serial number or name of one device.
    type: str
  serial:
    description: Only the device with this serial number.
    type: str
  state:
    description: Only devices in this state (1 active, 20 inactive, 30 provisioning...).
    type: int
  platform:
    description: Only devices of this platform.
    type: str
    choices: [ANDROID, APPLE]
  os:
    description: Only devices of this operating system.
    type: str
    choices: [iOS, iPadOS, Android]
  group:
    description: Only devices in this group (id), including its subgroups.
    type: str
  blueprint:
    description: Only devices assigned this blueprint (id).
    type: str
  search:
    description: Search by name, serial number, IMEI, model (and UDID for Apple devices).
    type: str
  ordering:
    description: Sort key of the API (for example V(device_name) or V(-last_seen)).
    type: str
  filters:
    description: Other query parameters of the device list, passed as they are (for example
      C(battery_level_lte), C(is_gms), C(device_source)).
    type: dict
    default: {}
  include:
    description: Extra data to read for each returned device.
    type: list
    elements: str
    choices: [state, apps, heartbeat]
    default: []
  heartbeats_since:
    description: Start of the heartbeat window (for example V(2024-08-30T00:00:00.000Z)).
    type: str
  heartbeats_until:
    description: End of the heartbeat window.
    type: str
  workers:
    description: Requests in flight at most.
    type: int
    default: 4
'''

EXAMPLES = r'''
- name: Active Android devices of a group
  mdmkit.mdm.esper_device_info:
    platform: ANDROID
    state: 1
    group: 3e41fd18-d53d-4673-a10a-23089cbb6b73

- name: One device with its current state and apps
  mdmkit.mdm.esper_device_info:
    device: R52X0A1B2C3
    include: [state, apps]

- name: Apple devices seen yesterday
  mdmkit.mdm.esper_device_info:
    heartbeats_since: '2024-08-29T00:00:00.000Z'
    heartbeats_until: '2024-08-30T00:00:00.000Z'
    platform: APPLE
'''

RETURN = r'''
devices:
  description:
    - The devices as the API returns them, plus C(serial), C(name), C(model) and C(os_version) taken from
      the nested records. With O(include), C(state_detail) (the current device state), C(apps) or
      C(heartbeat) (Apple devices only; null for others).
  returned: unless a heartbeat window is given
  type: list
  elements: dict
  sample:
    - id: 9b1c2f8e-0d55-4e0a-a1a4-8f1e9b6c2d11
      device_name: ESR-7QK-0012
      serial: R52X0A1B2C3
      platform: ANDROID
      os: Android
      state: 1
      groups: [3e41fd18-d53d-4673-a10a-23089cbb6b73]
      state_detail: null
heartbeats:
  description: Heartbeat records of the window.
  returned: when a heartbeat window is given
  type: list
  elements: dict
  sample: [{device_id: 9b1c2f8e-0d55-4e0a-a1a4-8f1e9b6c2d11, last_seen: '2024-08-29T10:22:33.123000Z'}]
count:
  description: Number of items returned.
  returned: always
  type: int
  sample: 1
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils import esper_commands as ec
from ansible_collections.mdmkit.mdm.plugins.module_utils.esper import unwrap
from ansible_collections.mdmkit.mdm.plugins.module_utils.lookup import find
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.parallel import bounded_map

FILTERS = {'serial': 'serial', 'state': 'state', 'platform': 'platform', 'os': 'os', 'group': 'group_multi',
           'blueprint': 'assigned_blueprint_id', 'search': 'search', 'ordering': 'ordering'}


def main():
    module = MdmModule(
        'esper',
        argument_spec=dict(
            device=dict(type='str'),
            serial=dict(type='str'),
            state=dict(type='int'),
            platform=dict(type='str', choices=['ANDROID', 'APPLE']),
            os=dict(type='str', choices=['iOS', 'iPadOS', 'Android']),
            group=dict(type='str'),
            blueprint=dict(type='str'),
            search=dict(type='str'),
            ordering=dict(type='str'),
            filters=dict(type='dict', default={}),
            include=dict(type='list', elements='str', default=[], choices=['state', 'apps', 'heartbeat']),
            heartbeats_since=dict(type='str'),
            heartbeats_until=dict(type='str'),
            workers=dict(type='int', default=4),
        ),
        required_together=[('heartbeats_since', 'heartbeats_until')],
        mutually_exclusive=[('device', 'heartbeats_since')],
        supports_check_mode=True,
    )
    params = module.params
    if not 1 <= params['workers'] <= 32:
        module.fail_on('workers', 'must be between 1 and 32, got %d.' % params['workers'])
    client = module.client
    workers = params['workers']
    with module.errors():
        if params['heartbeats_since']:
            query = {'last_seen_gt': params['heartbeats_since'], 'last_seen_lt': params['heartbeats_until']}
            if params['platform']:
                query['platform'] = params['platform']
            beats = list(client.paginate('device/v2/heartbeat/', params=query, workers=workers))
            module.exit_json(changed=False, heartbeats=beats, count=len(beats))
        if params['device']:
            value = params['device']
            query = {'serial': value} if not ec.UUID_RE.match(value) else None
            if query is None:
                devices = [ec.device_view(unwrap(client.get('%s%s/' % (ec.DEVICES_PATH, value))))]
            else:
                devices = ec.list_devices(client, params=query, workers=workers)
                if not devices:
                    devices = [d for d in [find(ec.list_devices(client, workers=workers), value,
                                                ('name', 'alias_name'), 'Esper device', 'device')] if d]
                if not devices:
                    module.fail_on('device', 'no Esper device has the id, serial number or name %r.' % value)
        else:
            query = dict((str(k), v) for k, v in params['filters'].items())
            for option, name in FILTERS.items():
                if params[option] is not None:
                    query[name] = params[option]
            devices = ec.list_devices(client, params=query, workers=workers)

        def extra(device):
            if 'state' in params['include']:
                device['state_detail'] = unwrap(client.get('%s%s/devicestate' % (ec.DEVICES_PATH, device['id'])))
            if 'apps' in params['include']:
                device['apps'] = list(ec.v2_paginate(client, 'v2/devices/%s/device-apps/' % device['id']))
            if 'heartbeat' in params['include']:
                device['heartbeat'] = None if device.get('platform') != 'APPLE' else unwrap(client.get('device/v0/heartbeat/%s/' % device['id']))
            return device

        if params['include']:
            devices = list(bounded_map(extra, devices, workers))
    module.exit_json(changed=False, devices=devices, count=len(devices))


if __name__ == '__main__':
    main()
