#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: esper_dep_sync
short_description: Start an Esper DEP sync and wait for it
version_added: 0.1.0
description:
  - Creates an Esper DEP sync request (Esper fetches the devices assigned to it in Apple Business Manager)
    and, with O(wait=true), polls it until its status is no longer C(IN_PROGRESS).
  - This is an action; it always reports a change, sends nothing in check mode, and its POST is never resent.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.esper
  - mdmkit.mdm.attributes.action
options:
  wait:
    description: Wait until the sync is finished.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait.
    type: int
    default: 600
  poll_interval:
    description: Seconds between two polls.
    type: float
    default: 5
'''

EXAMPLES = r'''
- name: Sync DEP devices now
  mdmkit.mdm.esper_dep_sync:
  register: sync
'''

RETURN = r'''
sync:
  description: The DEP sync request (last state read). Not set in check mode.
  returned: unless check mode
  type: dict
  sample: {id: 7d1f0c2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f, status: SUCCESS, devices_synced: 41}
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.esper_commands import content, poll
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule

PATH = 'onboarding/v0/depsyncs/'


def main():
    module = MdmModule(
        'esper',
        argument_spec=dict(
            wait=dict(type='bool', default=True),
            wait_timeout=dict(type='int', default=600),
            poll_interval=dict(type='float', default=5),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if module.check_mode:
        module.exit_json(changed=True)
    client = module.client
    with module.errors():
        sync = content(client.post(PATH, json_body={})) or {}
    result = dict(changed=True, sync=sync)
    if params['wait'] and sync.get('id'):
        with module.errors(**result):
            sync, timed_out = poll(lambda: content(client.get('%s%s/' % (PATH, sync['id']))) or {},
                                   lambda s: str(s.get('status', '')).upper() not in ('IN_PROGRESS', 'PENDING', 'QUEUED'),
                                   params['wait_timeout'], params['poll_interval'])
        result['sync'] = sync
        if timed_out:
            module.fail_json(msg='wait_timeout: DEP sync %s still %s after %ss.' % (sync.get('id'), sync.get('status'),
                                                                                    params['wait_timeout']), **result)
        if str(sync.get('status', '')).upper() in ('FAILED', 'FAILURE', 'ERROR'):
            module.fail_json(msg='DEP sync %s failed.' % sync.get('id'), **result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
