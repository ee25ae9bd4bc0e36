#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: simplemdm_app_info
short_description: List the apps of a SimpleMDM catalog, or show one with its installs
version_added: 0.1.0
description:
  - Lists the apps of the catalog, paging through the whole list (100 per request), optionally
    with the apps assigned from the shared catalog (O(include_shared)).
  - With O(app), returns that one app, found by id, name or bundle identifier in the same listing.
  - With O(installs), also returns the devices the app is installed on (one more paged listing).
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.simplemdm
  - mdmkit.mdm.attributes.info_module
options:
  app:
    description:
      - Id, name or bundle identifier of one app. A name that matches several apps fails.
    type: str
  include_shared:
    description:
      - Also list the apps assigned from the shared catalog.
    type: bool
    default: false
  installs:
    description:
      - Return the app's installs as C(installs) of each app in RV(apps). Requires O(app).
    type: bool
    default: false
'''

EXAMPLES = r'''
- name: Every app in the catalog, shared ones too
  mdmkit.mdm.simplemdm_app_info:
    include_shared: true
  register: catalog

- name: Where is Deliveries installed?
  mdmkit.mdm.simplemdm_app_info:
    app: com.junecloud.Deliveries
    installs: true
  register: deliveries
'''

RETURN = r'''
apps:
  description:
    - The apps, each flattened from the API object (C(id) and every attribute the API returns).
    - With O(installs), C(installs) lists the installs, each with C(device_id).
  returned: success
  type: list
  elements: dict
  sample:
    - id: 34
      name: Afterlight
      bundle_identifier: com.simonfilip.AfterGlow
      app_type: app store
      itunes_store_id: 573116090
      processing_status: processed
      installs:
        - {id: 26409, name: Afterlight, version: 9.2.1, managed: true, device_id: 7}
count:
  description: Number of apps returned.
  returned: success
  type: int
  sample: 1
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.lookup import find
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm import flatten


def main():
    module = MdmModule(
        'simplemdm',
        argument_spec=dict(
            app=dict(type='str'),
            include_shared=dict(type='bool', default=False),
            installs=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if params['installs'] and not params['app']:
        module.fail_on('installs', 'requires app.')
    client = module.client
    with module.errors():
        query = {'include_shared': 'true'} if params['include_shared'] else None
        objects = list(client.paginate('apps', params=query))
        if params['app']:
            found = find(objects, params['app'], ('id', 'name', 'bundle_identifier'), 'app', 'app')
            if found is None:
                module.fail_on('app', 'no app in the catalog has the id, name or bundle identifier %r.'
                               % params['app'])
            objects = [found]
        apps = []
        for obj in objects:
            app = flatten(obj)
            if params['installs']:
                app['installs'] = [flatten(o) for o in client.paginate('apps/%s/installs' % app['id'])]
            apps.append(app)
    module.exit_json(changed=False, apps=apps, count=len(apps))


if __name__ == '__main__':
    main()
