#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: esper_seamless_provisioning
short_description: Create an Esper seamless provisioning request
version_added: 0.1.0
description:
  - Registers devices for seamless provisioning, so that they enrol into a blueprint and group
    without anyone touching them, either from a CSV file (multipart C(POST /v2/seamless/upload)) or
    from O(blueprint_id), O(group_id) and O(devices) (C(POST /v2/seamless)).
  - The file or the entries are checked before anything is sent (columns, a serial number or IMEI
    per device, IMEIs of 14 or 15 digits, UUIDs).
  - This is an action; the API shows no list of requests to compare with, so it always reports a
    change, sends nothing in check mode, and its POST is never resent.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.esper
  - mdmkit.mdm.attributes.action
options:
  csv_file:
    description:
      - CSV file to upload. Its header names the columns C(serial_number) and/or C(imei), and
        optionally C(group_id) and C(blueprint_id) (any case; spaces count as underscores). One
        device per line.
      - Mutually exclusive with O(devices).
    type: path
  blueprint_id:
    description: Id (UUID) of the blueprint the devices get (sent as C(assigned_blueprint_id)). Required with O(devices).
    type: str
  group_id:
    description: Id (UUID) of the group the devices join, with O(devices).
    type: str
  devices:
    description:
      - The devices, each with a serial number, an IMEI or both. Sent as C(seamless_info.devices).
      - Mutually exclusive with O(csv_file).
    type: list
    elements: dict
    suboptions:
      serial_number:
        description: Serial number of the device.
        type: str
      imei:
        description: IMEI of the device (14 or 15 digits).
        type: str
'''

EXAMPLES = r'''
- name: Provision the devices of a CSV export
  mdmkit.mdm.esper_seamless_provisioning:
    csv_file: /data/new-tablets.csv

- name: Provision two devices into a blueprint and group
  mdmkit.mdm.esper_seamless_provisioning:
    blueprint_id: 3e41fd18-d53d-4673-a10a-23089cbb6b73
    group_id: 0b5e3c1a-9f0e-4d8b-a1c2-7e6f5d4c3b2a
    devices:
      - serial_number: R52X0A1B2C3
      - imei: "356938035643809"
'''

RETURN = r'''
request:
  description: The seamless provisioning request the API created; in check mode, what would be sent.
  returned: always
  type: dict
  sample: {id: 7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d, status: CREATED, source: API, device_count: 2,
           assigned_blueprint_id: 3e41fd18-d53d-4673-a10a-23089cbb6b73}
device_count:
  description: Number of devices in the request (counted by the module before sending).
  returned: always
  type: int
  sample: 2
'''

import csv
import io
import os

from ansible_collections.mdmkit.mdm.plugins.module_utils import esper_tenant as et
from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError
from ansible_collections.mdmkit.mdm.plugins.module_utils.esper_commands import content
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule


def check_device(entry, where):
    serial = (entry.get('serial_number') or '').strip()
    imei = (entry.get('imei') or '').strip()
    if not serial and not imei:
        raise ConfigError('%s: each device needs a serial_number or an imei.' % where)
    if imei and not (imei.isdigit() and len(imei) in (14, 15)):
        raise ConfigError('%s: IMEI %r must have 14 or 15 digits.' % (where, imei))
    return dict((k, v) for k, v in (('serial_number', serial), ('imei', imei)) if v)


def check_csv(path):
    """The number of devices in the CSV file, after checking every line."""
    if not os.path.isfile(path):
        raise ConfigError('csv_file: %s does not exist or is not a file.' % path)
    data = et.read_bytes(path, 'csv_file')
    try:
        text = data.decode('utf-8-sig')
    except UnicodeDecodeError:
        raise ConfigError('csv_file: %s is not UTF-8 text.' % path)
    try:
        rows = list(csv.DictReader(io.StringIO(text)))
    except csv.Error as exc:
        raise ConfigError('csv_file: %s is not valid CSV: %s' % (path, exc))
    if not rows:
        raise ConfigError('csv_file: %s has no device lines under its header.' % path)
    columns = set((c or '').strip().lower().replace(' ', '_') for c in rows[0])
    if not columns & set(('serial_number', 'imei')):
        raise ConfigError('csv_file: the header of %s needs a serial_number or imei column (found: %s).'
                          % (path, ', '.join(sorted(c for c in columns if c))))
    for number, row in enumerate(rows, start=2):
        row = dict(((k or '').strip().lower().replace(' ', '_'), (v or '').strip()) for k, v in row.items())
        where = 'csv_file line %d' % number
        check_device(row, where)
        for key in ('group_id', 'blueprint_id'):
            if row.get(key):
                et.check_uuid(row[key], '%s %s' % (where, key))
    return len(rows)


def main():
    module = MdmModule(
        'esper',
        argument_spec=dict(
            csv_file=dict(type='path'),
            blueprint_id=dict(type='str'),
            group_id=dict(type='str'),
            devices=dict(type='list', elements='dict', options=dict(
                serial_number=dict(type='str'),
                imei=dict(type='str'),
            )),
        ),
        required_one_of=[('csv_file', 'devices')],
        mutually_exclusive=[('csv_file', 'devices'), ('csv_file', 'blueprint_id'), ('csv_file', 'group_id')],
        required_by={'devices': 'blueprint_id'},
        supports_check_mode=True,
    )
    p = module.params
    with module.errors():
        if p['csv_file']:
            count = check_csv(p['csv_file'])
            planned = {'source': 'CSV', 'csv_file': os.path.basename(p['csv_file']), 'device_count': count}
        else:
            et.check_uuid(p['blueprint_id'], 'blueprint_id')
            et.check_uuid(p['group_id'], 'group_id')
            if not p['devices']:
                raise ConfigError('devices: give at least one device.')
            devices = [check_device(d, 'devices[%d]' % i) for i, d in enumerate(p['devices'])]
            body = {'assigned_blueprint_id': p['blueprint_id'], 'seamless_info': {'devices': devices}}
            if p['group_id']:
                body['group_id'] = p['group_id']
            count = len(devices)
            planned = dict(body, source='API', device_count=count)
        if module.check_mode:
            module.exit_json(changed=True, request=planned, device_count=count)
        client = module.client
        if p['csv_file']:
            answer = client.request('POST', 'v2/seamless/upload', files={
                'csv_file': (os.path.basename(p['csv_file']), et.read_bytes(p['csv_file'], 'csv_file'), 'text/csv')}).body
        else:
            answer = client.post('v2/seamless', json_body=body)
        request = content(answer)
    module.exit_json(changed=True, request=request if isinstance(request, dict) else {'answer': request},
                     device_count=count)


if __name__ == '__main__':
    main()
