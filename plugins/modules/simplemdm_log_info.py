#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: simplemdm_log_info
short_description: Read SimpleMDM logs
version_added: 0.1.0
description:
  - Reads the logged events of device and admin interactions, optionally of one device
    (O(serial_number)), or the one log entry O(id).
  - Reads at most O(limit) entries, plus one to tell whether more exist (RV(truncated)), and no more
    pages than those need.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.simplemdm
  - mdmkit.mdm.attributes.info_module
options:
  id:
    description: Id of one log entry.
    type: str
  serial_number:
    description: Only the logs of the device with this serial number.
    type: str
  limit:
    description: The most entries to read. V(0) reads them all.
    type: int
    default: 100
  direction:
    description: V(desc) reads the newest entries first, V(asc) the oldest first.
    type: str
    choices: [asc, desc]
    default: desc
'''

EXAMPLES = r'''
- name: The last 20 events of one device
  mdmkit.mdm.simplemdm_log_info:
    serial_number: DNFJE9DNG5MG
    limit: 20
  register: events
'''

RETURN = r'''
logs:
  description:
    - The log entries, flattened (C(id), C(namespace), C(event_type), C(level), C(source), C(at),
      C(metadata) and C(relationships) as SimpleMDM returns them).
  returned: always
  type: list
  elements: dict
  sample:
    - id: abcde123456
      namespace: admin
      event_type: user.signed_in
      level: 0
      source: admin ui
      at: 11/06/19 18:27:41
      metadata: {}
count:
  description: Number of entries returned.
  returned: always
  type: int
  sample: 1
truncated:
  description: True when more entries exist than O(limit) allowed to read.
  returned: always
  type: bool
  sample: false
'''

import itertools

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import NotFoundError
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm import MAX_PAGE_SIZE, flatten


def main():
    module = MdmModule(
        'simplemdm',
        argument_spec=dict(
            id=dict(type='str'),
            serial_number=dict(type='str'),
            limit=dict(type='int', default=100),
            direction=dict(type='str', default='desc', choices=['asc', 'desc']),
        ),
        mutually_exclusive=[('id', 'serial_number')],
        supports_check_mode=True,
    )
    params = module.params
    limit = params['limit']
    if limit < 0:
        module.fail_on('limit', 'must be 0 (no limit) or more.')
    client = module.client
    truncated = False
    with module.errors():
        if params['id']:
            try:
                logs = [flatten(client.get('logs/%s' % params['id'])['data'])]
            except NotFoundError:
                module.fail_on('id', 'no SimpleMDM log entry has the id %r.' % params['id'])
        else:
            query = {'serial_number': params['serial_number']} if params['serial_number'] else None
            # A page never larger than needed: limit+1 tells whether more exist without another page.
            page_size = MAX_PAGE_SIZE if limit == 0 else min(MAX_PAGE_SIZE, limit + 1)
            items = client.paginate('logs', params=query, limit=page_size, direction=params['direction'])
            if limit:
                items = itertools.islice(items, limit + 1)
            logs = [flatten(o) for o in items]
            if limit and len(logs) > limit:
                truncated = True
                logs = logs[:limit]
    module.exit_json(changed=False, logs=logs, count=len(logs), truncated=truncated)


if __name__ == '__main__':
    main()
