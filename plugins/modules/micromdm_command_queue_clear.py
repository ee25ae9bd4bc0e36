#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: micromdm_command_queue_clear
short_description: Clear the MDM command queue of MicroMDM 1.x devices
version_added: 0.1.0
description:
  - Removes every command queued for each device (including those it answered C(NotNow)) with
    C(DELETE /v1/commands/{udid}) (MicroMDM 1.x, platform/command, pull request 864). A command
    the device has already received cannot be taken back. Needs O(flavor=micromdm).
  - The queue is read first (C(GET /v1/commands/{udid})) so the result says what was cleared.
  - An action; it always reports a change. In check mode the queues are read and nothing is cleared.
  - Every device is checked against the device list (one request) before anything is sent; a UDID no
    device has fails.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.micromdm
  - mdmkit.mdm.micromdm_udids
  - mdmkit.mdm.attributes.action
'''

EXAMPLES = r'''
- name: Drop everything queued for a Mac whose queue is stuck
  mdmkit.mdm.micromdm_command_queue_clear:
    flavor: micromdm
    udid: 564DF4AE-96B5-72BF-02C4-6B8B94BA5BF4
'''

RETURN = r'''
cleared:
  description: One entry per device, in the order of O(udids), with the commands that were queued (that would be cleared, in check mode).
  returned: always
  type: list
  elements: dict
  contains:
    udid:
      description: The UDID.
      type: str
      returned: always
      sample: 564DF4AE-96B5-72BF-02C4-6B8B94BA5BF4
    commands:
      description: The commands that were queued (C(command_uuid), C(request_type), C(command)), as M(mdmkit.mdm.micromdm_command_queue_info) shows them.
      type: list
      elements: dict
      returned: always
      sample: [{command_uuid: 7c1d6f1e-58c4-4b67-9d2c-1f8f3a2b9e10, request_type: DeviceLock, command: {RequestType: DeviceLock, PIN: '********'}}]
sent:
  description: Whether the queues were cleared (false in check mode).
  returned: always
  type: bool
  sample: true
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm import (
    UDIDS_OPTION, check_flavor, enrollment_ids, exit_after_each, outcome)
from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm_commands import clear_queue, read_queue
from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm_profiles import known_udids
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule


def main():
    module = MdmModule('micromdm', argument_spec=dict(udids=UDIDS_OPTION), supports_check_mode=True)
    with module.errors():
        check_flavor(module.params['flavor'], ('micromdm',), 'micromdm_command_queue_clear',
                     hint='NanoMDM has no queue API.')
        ids = enrollment_ids(module.params['udids'])
    client = module.client
    result = dict(changed=True, sent=False, cleared=[])
    with module.errors(**outcome(result, changed=False)):
        udids = known_udids(client, ids)
        result['cleared'] = [dict(udid=udid, commands=read_queue(client, udid)) for udid in udids]
    # a DELETE that empties the queue: harmless to repeat
    exit_after_each(module, result, udids, lambda udid: clear_queue(client, udid))


if __name__ == '__main__':
    main()
