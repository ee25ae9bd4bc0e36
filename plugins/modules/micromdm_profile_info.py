#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: micromdm_profile_info
short_description: List the configuration profiles of a MicroMDM server, or show one
version_added: 0.1.0
description:
  - Lists the configuration profiles stored in MicroMDM (one request), each with its identity and its
    parsed content.
  - With O(uuid), shows that one profile (C(GET /management/v1/profiles/{uuid})); with
    O(payload_identifier), the profile filed under that identifier.
  - Values of payload keys that look secret (C(Password), C(SharedSecret)...) are masked.
  - With O(flavor=micromdm) (MicroMDM 1.x) the profiles are read with C(POST /v1/profiles); they have
    no UUID there (RV(profiles[].uuid) is null) and O(uuid) does not apply.
  - O(flavor=nanomdm) has no profile store; the module fails saying so.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.micromdm
  - mdmkit.mdm.attributes.info_module
options:
  uuid:
    description: MicroMDM UUID of one profile. A UUID that no profile has fails.
    type: str
  payload_identifier:
    description: Payload identifier of one profile. An identifier no profile has returns an empty list.
    type: str
  include_payload:
    description: Return each profile's parsed content in C(payload).
    type: bool
    default: true
'''

EXAMPLES = r'''
- name: Every profile
  mdmkit.mdm.micromdm_profile_info:
  register: profiles

- name: Is the Wi-Fi profile there?
  mdmkit.mdm.micromdm_profile_info:
    payload_identifier: com.example.wifi
    include_payload: false
  register: wifi
'''

RETURN = r'''
profiles:
  description: The profiles.
  returned: always
  type: list
  elements: dict
  contains:
    uuid:
      description: MicroMDM UUID of the profile; null with O(flavor=micromdm).
      type: str
      returned: always
      sample: 41647409-ec23-4177-8d5b-307363cd55fd
    payload_identifier:
      description: Payload identifier the profile is filed under.
      type: str
      returned: always
      sample: com.example.loginwindow
    payload:
      description:
        - The parsed profile (data as base64, dates as ISO 8601), secret-looking values masked; null when
          the stored data is not a property list. Only with O(include_payload).
      type: dict
      returned: when include_payload
      sample: {PayloadIdentifier: com.example.loginwindow, PayloadType: Configuration}
    payload_sha256:
      description: SHA-256 of the parsed profile in canonical JSON (as compared by M(mdmkit.mdm.micromdm_profile)).
      type: str
      returned: always
      sample: 0b6f0e1a5e1f0f6c3a2f7a1d2c5e9b8f0e1a5e1f0f6c3a2f7a1d2c5e9b8f0e1a
    payload_uuid:
      description: The profile's C(PayloadUUID).
      type: str
      returned: always
      sample: 8F1C7C33-4C0B-4D0F-9E36-0D4B6E3B3D11
    payload_display_name:
      description: The profile's C(PayloadDisplayName).
      type: str
      returned: always
      sample: Login window
    payload_version:
      description: The profile's C(PayloadVersion).
      type: int
      returned: always
      sample: 1
    payload_types:
      description: C(PayloadType) of each payload in C(PayloadContent).
      type: list
      elements: str
      returned: always
      sample: [com.apple.loginwindow]
  sample:
    - uuid: 41647409-ec23-4177-8d5b-307363cd55fd
      payload_identifier: com.example.loginwindow
      payload_display_name: Login window
      payload_types: [com.apple.loginwindow]
count:
  description: Number of profiles returned.
  returned: always
  type: int
  sample: 1
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import NotFoundError
from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm import check_flavor
from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm_profiles import list_profiles, profile_record
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule


def main():
    module = MdmModule(
        'micromdm',
        argument_spec=dict(
            uuid=dict(type='str'),
            payload_identifier=dict(type='str'),
            include_payload=dict(type='bool', default=True),
        ),
        mutually_exclusive=[('uuid', 'payload_identifier')],
        supports_check_mode=True,
    )
    params = module.params
    with module.errors():
        check_flavor(params['flavor'], ('management_v1', 'micromdm'), 'micromdm_profile_info (a profile store)')
    if params['flavor'] == 'micromdm' and params['uuid']:
        module.fail_on('uuid', 'MicroMDM 1.x (flavor micromdm) profiles have no UUID; use payload_identifier.')
    client = module.client
    with module.errors():
        if params['uuid']:
            try:
                objects = [client.get('profiles/%s' % params['uuid'])]
            except NotFoundError:
                module.fail_on('uuid', 'no MicroMDM profile has the UUID %r.' % params['uuid'])
        else:
            objects = list_profiles(client)
            if params['payload_identifier']:
                objects = [p for p in objects if p.get('payload_identifier') == params['payload_identifier']]
    profiles = []
    for obj in objects:
        view = profile_record(obj)
        if not params['include_payload']:
            view.pop('payload', None)
        profiles.append(view)
    module.exit_json(changed=False, profiles=profiles, count=len(profiles))


if __name__ == '__main__':
    main()
