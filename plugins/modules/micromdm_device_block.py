#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: micromdm_device_block
short_description: Block or unblock devices on a MicroMDM 1.x server
version_added: 0.1.0
description:
  - A blocked device is answered HTTP 401 the next time it connects to MicroMDM, which makes it
    unenroll; it stays blocked (checked out again after a new enrollment) until it is unblocked.
  - Sends C(POST /v1/devices/{udid}/block) or C(POST /v1/devices/{udid}/unblock) (MicroMDM 1.x,
    platform/remove), one request per device. Needs O(flavor=micromdm).
  - MicroMDM has no API that lists blocked devices, so whether a device is already blocked cannot be
    read; this is an action that always reports a change. Blocking a blocked device (or unblocking an
    unblocked one) does no harm.
  - Every device is checked against the device list (one request) before anything is sent; a UDID no
    device has fails, as MicroMDM would accept it and block nothing.
  - In check mode the devices are checked and nothing is sent.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.micromdm
  - mdmkit.mdm.micromdm_udids
  - mdmkit.mdm.attributes.action
options:
  blocked:
    description: V(true) blocks the devices (they unenroll at their next check-in), V(false) unblocks them.
    type: bool
    required: true
'''

EXAMPLES = r'''
- name: Force a lost Mac to unenroll
  mdmkit.mdm.micromdm_device_block:
    flavor: micromdm
    udid: 564DF4AE-96B5-72BF-02C4-6B8B94BA5BF4
    blocked: true

- name: Allow it to enroll again
  mdmkit.mdm.micromdm_device_block:
    flavor: micromdm
    udid: 564DF4AE-96B5-72BF-02C4-6B8B94BA5BF4
    blocked: false
'''

RETURN = r'''
udids:
  description: The UDIDs blocked or unblocked (or that would be, in check mode), as MicroMDM spells them.
  returned: always
  type: list
  elements: str
  sample: [564DF4AE-96B5-72BF-02C4-6B8B94BA5BF4]
action:
  description: C(block) or C(unblock).
  returned: always
  type: str
  sample: block
sent:
  description: Whether the requests were sent (false in check mode).
  returned: always
  type: bool
  sample: true
'''

from ansible.module_utils.six.moves.urllib.parse import quote

from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm import (
    UDIDS_OPTION, check_flavor, enrollment_ids, exit_after_each, outcome)
from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm_profiles import known_udids
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule


def main():
    module = MdmModule(
        'micromdm',
        argument_spec=dict(udids=UDIDS_OPTION, blocked=dict(type='bool', required=True)),
        supports_check_mode=True,
    )
    params = module.params
    action = 'block' if params['blocked'] else 'unblock'
    with module.errors():
        check_flavor(params['flavor'], ('micromdm',), 'micromdm_device_block')
        ids = enrollment_ids(params['udids'])
    client = module.client
    result = dict(changed=True, sent=False, action=action, udids=ids)
    with module.errors(**outcome(result, changed=False)):
        result['udids'] = known_udids(client, ids)
    # a POST: never resent
    exit_after_each(module, result, result['udids'],
                    lambda udid: client.post('v1/devices/%s/%s' % (quote(udid, safe=''), action)))


if __name__ == '__main__':
    main()
