#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: esper_vpp_token_info
short_description: List the VPP tokens of an Esper tenant
version_added: 0.1.0
description:
  - Lists the VPP (Apps and Books) tokens of the tenant with their organisation and expiry date. The API does not return the secret token.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.esper
  - mdmkit.mdm.attributes.info_module
'''

EXAMPLES = r'''
- name: Every VPP token
  mdmkit.mdm.esper_vpp_token_info:
  register: found
'''

RETURN = r'''
vpp_tokens:
  description: The VPP tokens.
  returned: always
  type: list
  elements: dict
  sample: [{id: 101, org_name: Example Org, expiry_date: '2026-05-01T10:00:00+0000', status: ACTIVE}]
count:
  description: Number of records returned.
  returned: always
  type: int
  sample: 1
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.esper_commands import v2_paginate
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule

PATH = 'tenant/v0/vpptokens/'


def main():
    module = MdmModule('esper', argument_spec=dict(), supports_check_mode=True)
    client = module.client
    with module.errors():
        records = list(v2_paginate(client, PATH))
    module.exit_json(changed=False, vpp_tokens=records, count=len(records))


if __name__ == '__main__':
    main()
