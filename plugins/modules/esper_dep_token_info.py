#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: esper_dep_token_info
short_description: List the DEP token records of an Esper tenant
version_added: 0.1.0
description:
  - Lists the DEP token records (the public key and, once a token is uploaded, its name, server and expiry), or the one with O(token_id).
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.esper
  - mdmkit.mdm.attributes.info_module
options:
  token_id:
    description: Id (UUID) of one DEP token record.
    type: str
'''

EXAMPLES = r'''
- name: Every DEP token record
  mdmkit.mdm.esper_dep_token_info:
  register: found
'''

RETURN = r'''
dep_tokens:
  description: The DEP token records.
  returned: always
  type: list
  elements: dict
  sample: [{id: 8d7c6b5a-4e3f-4a2b-9c1d-0e9f8a7b6c5d, status: TOKEN_UPLOADED, token_name: Main ABM server,
            server_name: Esper MDM server, access_token_expiry: '2026-05-01T10:00:00Z'}]
count:
  description: Number of records returned.
  returned: always
  type: int
  sample: 1
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.esper_commands import content, v2_paginate
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule

PATH = 'tenant/v0/deptokens/'


def main():
    module = MdmModule('esper', argument_spec=dict(token_id=dict(type='str', no_log=False)), supports_check_mode=True)
    client = module.client
    with module.errors():
        if module.params['token_id']:
            records = [content(client.get('%s%s/' % (PATH, module.params['token_id'])))]
        else:
            records = list(v2_paginate(client, PATH))
    module.exit_json(changed=False, dep_tokens=records, count=len(records))


if __name__ == '__main__':
    main()
