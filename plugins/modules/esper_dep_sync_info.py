#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: esper_dep_sync_info
short_description: List Esper DEP sync requests, or show one
version_added: 0.1.0
description:
  - Lists the DEP sync requests of the tenant, newest first, or returns the one with O(sync_id).
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.esper
  - mdmkit.mdm.attributes.info_module
options:
  sync_id:
    description: Id of one DEP sync request.
    type: str
'''

EXAMPLES = r'''
- name: Every DEP sync
  mdmkit.mdm.esper_dep_sync_info:
  register: syncs
'''

RETURN = r'''
syncs:
  description: The DEP sync requests.
  returned: always
  type: list
  elements: dict
  sample: [{id: 7d1f0c2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f, status: SUCCESS, devices_synced: 41}]
count:
  description: Number of sync requests returned.
  returned: always
  type: int
  sample: 1
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.esper_commands import content
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule

PATH = 'onboarding/v0/depsyncs/'


def main():
    module = MdmModule('esper', argument_spec=dict(sync_id=dict(type='str')), supports_check_mode=True)
    client = module.client
    with module.errors():
        if module.params['sync_id']:
            syncs = [content(client.get('%s%s/' % (PATH, module.params['sync_id'])))]
        else:
            syncs = list(client.paginate(PATH))
    module.exit_json(changed=False, syncs=syncs, count=len(syncs))


if __name__ == '__main__':
    main()
