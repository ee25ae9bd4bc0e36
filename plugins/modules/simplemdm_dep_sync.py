#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: simplemdm_dep_sync
short_description: Sync SimpleMDM DEP servers with Apple now
version_added: 0.1.0
description:
  - SimpleMDM syncs its DEP server records with Apple every couple of hours; this asks for a sync now,
    of the server O(server) or of every DEP server of the account.
  - An action; each run sends the request and reports C(changed). Check mode sends nothing. A request
    whose outcome is unknown is not resent.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.simplemdm
  - mdmkit.mdm.attributes.action
options:
  server:
    description: Id or server name of the DEP server. Unset syncs every DEP server.
    type: str
'''

EXAMPLES = r'''
- name: Pull newly assigned devices from Apple Business Manager
  mdmkit.mdm.simplemdm_dep_sync:
    server: My DEP MDM Server
'''

RETURN = r'''
synced:
  description: The servers synced (or that would be, in check mode), with the HTTP status.
  returned: always
  type: list
  elements: dict
  sample: [{id: 1, server_name: My DEP MDM Server, status: 202}]
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.lookup import find
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule


def main():
    module = MdmModule(
        'simplemdm',
        argument_spec=dict(server=dict(type='str')),
        supports_check_mode=True,
    )
    client = module.client
    with module.errors():
        servers = list(client.paginate('dep_servers'))
        if module.params['server']:
            one = find(servers, module.params['server'], ('id', 'server_name'), 'DEP server', 'server')
            if one is None:
                module.fail_on('server', 'no SimpleMDM DEP server has the id or name %r.' % module.params['server'])
            servers = [one]
    synced = [dict(id=s['id'], server_name=(s.get('attributes') or {}).get('server_name'), status=None)
              for s in servers]
    if not module.check_mode:
        for entry in synced:
            with module.errors(changed=any(e['status'] for e in synced), synced=synced):
                entry['status'] = client.request('POST', 'dep_servers/%s/sync' % entry['id']).status
    module.exit_json(changed=bool(synced), synced=synced)


if __name__ == '__main__':
    main()
