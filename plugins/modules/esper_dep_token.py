#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: esper_dep_token
short_description: Get the DEP public key and upload the DEP (.p7m) token to Esper
version_added: 0.1.0
description:
  - "Without O(token_file): makes sure the tenant has a DEP token record with a public key to upload
    to Apple Business Manager, and returns the key (also written to O(public_key_path)). The record is
    O(token_id), else the one named O(token_name), else one still waiting for its token; otherwise
    a new key is generated (C(POST /tenant/v0/deptokens/))."
  - "With O(token_file): uploads the C(.p7m) token downloaded from Apple Business Manager with
    O(token_name) (multipart C(PUT /tenant/v0/deptokens/{id}/)) to the record chosen as above (a new
    public key is generated first when there is none)."
  - "Idempotence is limited: the C(.p7m) is encrypted to Esper's private key, so the module cannot
    read the token's expiry or server from the file, and the API shows nothing derived from the file's
    bytes. The upload is skipped when the record already holds a token under O(token_name). To upload a
    renewed token to the same record, set O(force=true) (the task then always reports a change)."
  - The Esper API has no call to delete a DEP token, so this module cannot delete one (it has no C(state) option).
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.esper
  - mdmkit.mdm.attributes
options:
  token_file:
    description: Path of the C(.p7m) token file from Apple Business Manager (an S/MIME message).
    type: path
  token_name:
    description: Name of the token in Esper. Required with O(token_file); also finds the record.
    type: str
  token_id:
    description: Id (UUID) of the DEP token record.
    type: str
  public_key_path:
    description:
      - Where to write the public key (PEM) when no O(token_file) is given. Written only when its
        content differs (not in check mode).
    type: path
  force:
    description: Upload O(token_file) even when the record already holds a token named O(token_name).
    type: bool
    default: false
'''

EXAMPLES = r'''
- name: Get the public key to upload to Apple Business Manager
  mdmkit.mdm.esper_dep_token:
    token_name: Main ABM server
    public_key_path: /secure/esper-dep-public.pem

- name: Upload the token downloaded from Apple Business Manager
  mdmkit.mdm.esper_dep_token:
    token_name: Main ABM server
    token_file: /secure/Esper_Token_2025-05-01.p7m
'''

RETURN = r'''
dep_token:
  description: The DEP token record after the task (what it would be, in check mode).
  returned: always
  type: dict
  contains:
    id:
      description: Id of the record.
      type: str
      returned: when it exists
      sample: 8d7c6b5a-4e3f-4a2b-9c1d-0e9f8a7b6c5d
    token_name:
      description: Name of the token.
      type: str
      returned: success
      sample: Main ABM server
    token_uploaded:
      description: Whether a token was uploaded to the record.
      type: bool
      returned: success
      sample: true
    server_name:
      description: Name of the MDM server in Apple Business Manager, once a token is uploaded.
      type: str
      returned: success
      sample: Esper MDM server
    access_token_expiry:
      description: Expiry of the uploaded token.
      type: str
      returned: success
      sample: '2026-05-01T10:00:00Z'
  sample: {id: 8d7c6b5a-4e3f-4a2b-9c1d-0e9f8a7b6c5d, token_name: Main ABM server, token_uploaded: true,
           server_name: Esper MDM server, access_token_expiry: '2026-05-01T10:00:00Z'}
public_key:
  description: The public key (PEM) to upload to Apple Business Manager (null in check mode when it would be generated).
  returned: when O(token_file) is not given
  type: str
  sample: "-----BEGIN PUBLIC KEY-----\nMFkw...\n-----END PUBLIC KEY-----\n"
'''

import os

from ansible_collections.mdmkit.mdm.plugins.module_utils import esper_tenant as et
from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError
from ansible_collections.mdmkit.mdm.plugins.module_utils.esper_commands import content, v2_paginate
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.state import Resource

PATH = 'tenant/v0/deptokens/'
KEYS = ['id', 'token_name', 'token_uploaded', 'server_name', 'access_token_expiry']


def uploaded(record):
    return bool(record.get('access_token_expiry') or record.get('server_name')
                or str(record.get('status') or '').upper() in ('TOKEN_UPLOADED', 'ACTIVE', 'VALID'))


def view(record):
    shown = dict((k, record.get(k)) for k in KEYS)
    shown['token_uploaded'] = uploaded(record)
    return shown


def pick(records, params):
    if params['token_id']:
        found = [r for r in records if r.get('id') == params['token_id']]
        if not found:
            raise ConfigError('token_id: no DEP token record has the id %s.' % params['token_id'])
        return found[0]
    if params['token_name']:
        found = [r for r in records if r.get('token_name') == params['token_name']]
        if len(found) > 1:
            raise ConfigError('token_name: %d DEP token records are named %r; give token_id.'
                              % (len(found), params['token_name']))
        if found:
            return found[0]
    pending = [r for r in records if not uploaded(r)]
    return pending[-1] if pending else None


def check_p7m(path):
    if not os.path.isfile(path):
        raise ConfigError('token_file: %s does not exist or is not a file.' % path)
    head = et.read_bytes(path, 'token_file')[:4096].decode('utf-8', 'replace').lower()
    if 'pkcs7-mime' not in head and 'smime.p7m' not in head:
        raise ConfigError('token_file: %s is not an S/MIME (.p7m) message as Apple Business Manager downloads '
                          'it (no application/pkcs7-mime part).' % path)


def main():
    module = MdmModule(
        'esper',
        argument_spec=dict(
            token_file=dict(type='path'),
            token_name=dict(type='str'),
            token_id=dict(type='str', no_log=False),
            public_key_path=dict(type='path'),
            force=dict(type='bool', default=False),
        ),
        required_by={'token_file': 'token_name'},
        supports_check_mode=True,
    )
    p = module.params
    client = module.client
    with module.errors():
        et.check_uuid(p['token_id'], 'token_id')
        if p['token_file']:
            check_p7m(p['token_file'])
        record = pick(list(v2_paginate(client, PATH)), p)

        if not p['token_file']:
            before = view(record) if record else {}
            changed = record is None
            if record is None and not module.check_mode:
                body = {'token_name': p['token_name']} if p['token_name'] else {}
                record = content(client.post(PATH, json_body=body)) or {}
            key = (record or {}).get('public_key')
            changed = et.write_text(module, p['public_key_path'], key) or changed
            current = view(record) if record else None
            module.exit_json(changed=changed, dep_token=current, public_key=key,
                             diff=dict(before=before, after=current or {}))

        token = Resource('dep token', keys=KEYS, equal={
            'token_uploaded': (lambda current, desired: False) if p['force'] else (lambda current, desired: current)})
        desired = {'token_name': p['token_name'], 'token_uploaded': True}

        def upload(record_id):
            with open(p['token_file'], 'rb') as handle:
                data = handle.read()
            return view(content(client.request('PUT', '%s%s/' % (PATH, record_id), data={'token_name': p['token_name']},
                                               files={'file': (os.path.basename(p['token_file']), data)}).body) or {})

        def create(desired):
            return upload((content(client.post(PATH, json_body={})) or {})['id'])

        result = token.ensure(module, view(record) if record else None, desired, create=create,
                              update=lambda changes, current: upload(current['id']))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
