#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: micromdm_command_queue_info
short_description: Show the MDM commands queued for MicroMDM 1.x devices
version_added: 0.1.0
description:
  - Reads the command queue of each device with C(GET /v1/commands/{udid}) (MicroMDM 1.x,
    platform/command), one request per device. Needs O(flavor=micromdm).
  - MicroMDM keeps a command in the queue until the device answers it (the answer reaches you through
    MicroMDM's webhook, see the C(mdmkit.mdm.micromdm_webhook) event source); a command the device
    answered C(NotNow) stays queued too.
  - Each queued command is shown decoded from its plist, its PIN and secret-looking values masked and a
    profile given by its size.
  - MicroMDM does not check UDIDs; a UDID no device has simply has an empty queue.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.micromdm
  - mdmkit.mdm.micromdm_udids
  - mdmkit.mdm.attributes.info_module
'''

EXAMPLES = r'''
- name: What is still waiting for this Mac?
  mdmkit.mdm.micromdm_command_queue_info:
    flavor: micromdm
    udid: 564DF4AE-96B5-72BF-02C4-6B8B94BA5BF4
  register: queue

- name: Command UUIDs of the queued DeviceLock commands
  ansible.builtin.debug:
    msg: "{{ queue.queues[0].commands | selectattr('request_type', '==', 'DeviceLock') | map(attribute='command_uuid') }}"
'''

RETURN = r'''
queues:
  description: One entry per device, in the order of O(udids).
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
      description: The queued commands, oldest first.
      type: list
      elements: dict
      returned: always
      contains:
        command_uuid:
          description: C(CommandUUID) of the command.
          type: str
          returned: always
          sample: 7c1d6f1e-58c4-4b67-9d2c-1f8f3a2b9e10
        request_type:
          description: C(RequestType) of the command.
          type: str
          returned: always
          sample: DeviceInformation
        command:
          description: The command dictionary (Apple's keys), secrets masked, profile data given by size.
          type: dict
          returned: always
          sample: {RequestType: DeviceInformation, Queries: [OSVersion]}
    count:
      description: Number of queued commands.
      type: int
      returned: always
      sample: 1
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm import UDIDS_OPTION, check_flavor, enrollment_ids
from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm_commands import read_queue
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule


def main():
    module = MdmModule('micromdm', argument_spec=dict(udids=UDIDS_OPTION), supports_check_mode=True)
    with module.errors():
        check_flavor(module.params['flavor'], ('micromdm',), 'micromdm_command_queue_info',
                     hint='NanoMDM has no queue API.')
        udids = enrollment_ids(module.params['udids'])
    client = module.client
    queues = []
    with module.errors():
        for udid in udids:
            commands = read_queue(client, udid)
            queues.append(dict(udid=udid, commands=commands, count=len(commands)))
    module.exit_json(changed=False, queues=queues)


if __name__ == '__main__':
    main()
