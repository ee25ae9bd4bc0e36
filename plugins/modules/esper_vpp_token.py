#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: esper_vpp_token
short_description: Upload and delete Esper VPP (Apps and Books) tokens
version_added: 0.1.0
description:
  - Uploads a VPP service token (the C(.vpptoken) file from Apple Business Manager's Apps and Books)
    to the tenant (multipart C(POST /tenant/v0/vpptokens/)), or deletes one
    (C(DELETE /tenant/v0/vpptokens/{id})).
  - "Idempotence: a C(.vpptoken) is base64 of a JSON document whose C(orgName) and C(expDate) the
    module reads; the API lists each token's organisation and expiry date. The file is uploaded only
    when no listed token has the same organisation and expiry. The secret token itself is neither
    compared nor returned."
  - A renewed token (a new expiry) is uploaded as a new token; the old one stays until deleted.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.esper
  - mdmkit.mdm.attributes
options:
  token_file:
    description:
      - Path of the C(.vpptoken) file. Required with O(state=present); with O(state=absent) it selects the
        token with the file's organisation and expiry.
    type: path
  token_id:
    description: Id of the token to delete (O(state=absent)).
    type: int
  state:
    description: V(present) uploads the token; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
'''

EXAMPLES = r'''
- name: Upload this year's VPP token
  mdmkit.mdm.esper_vpp_token:
    token_file: /secure/sToken_for_Example_Org.vpptoken

- name: Delete last year's token
  mdmkit.mdm.esper_vpp_token:
    token_file: /secure/sToken_for_Example_Org_2024.vpptoken
    state: absent
'''

RETURN = r'''
vpp_token:
  description: The token after the task (what it would be, in check mode); null once deleted.
  returned: always
  type: dict
  contains:
    id:
      description: Id of the token.
      type: int
      returned: when it exists
      sample: 101
    org_name:
      description: Organisation of the token.
      type: str
      returned: success
      sample: Example Org
    expires_on:
      description: Expiry of the token (UTC).
      type: str
      returned: success
      sample: '2026-05-01T10:00:00Z'
  sample: {id: 101, org_name: Example Org, expires_on: '2026-05-01T10:00:00Z'}
'''

import os

from ansible_collections.mdmkit.mdm.plugins.module_utils import esper_tenant as et
from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError
from ansible_collections.mdmkit.mdm.plugins.module_utils.esper_commands import content, v2_paginate
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.state import Resource

PATH = 'tenant/v0/vpptokens/'
TOKEN = Resource('vpp token', keys=['id', 'org_name', 'expires_on'], equal={'id': lambda current, desired: True})


def view(record):
    return {'id': record.get('id'), 'org_name': record.get('org_name') or record.get('orgName'),
            'expires_on': et.normalise_time(record.get('expiry_date') or record.get('expires_on')
                                            or record.get('expDate'))}


def main():
    module = MdmModule(
        'esper',
        argument_spec=dict(
            token_file=dict(type='path'),
            token_id=dict(type='int', no_log=False),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        required_if=[('state', 'present', ('token_file',)), ('state', 'absent', ('token_file', 'token_id'), True)],
        mutually_exclusive=[('token_file', 'token_id')],
        supports_check_mode=True,
    )
    p = module.params
    client = module.client
    with module.errors():
        info = None
        if p['token_file']:
            if not os.path.isfile(p['token_file']):
                raise ConfigError('token_file: %s does not exist or is not a file.' % p['token_file'])
            info = et.vpp_token_info(p['token_file'])
        tokens = [view(r) for r in v2_paginate(client, PATH)]
        if p['token_id'] is not None:
            current = next((t for t in tokens if str(t['id']) == str(p['token_id'])), None)
        else:
            current = next((t for t in tokens if t['org_name'] == info['org_name']
                            and t['expires_on'] == info['expires_on']), None)

        def create(desired):
            data = et.read_bytes(p['token_file'], 'token_file')
            return view(content(client.request('POST', PATH, files={
                'filename': (os.path.basename(p['token_file']), data)}).body) or {})

        def delete(current):
            client.delete('%s%s' % (PATH, current['id']))

        result = TOKEN.ensure(module, current, info or {}, create=create, delete=delete, state=p['state'])
    module.exit_json(**result)


if __name__ == '__main__':
    main()
