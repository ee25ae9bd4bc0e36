#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: esper_app_info
short_description: List Esper tenant apps and versions, Esper apps, iOS app details and VPP licences
version_added: 0.1.0
description:
  - "O(subject=tenant_apps): the tenant's uploaded apps (filters O(platform), O(package_name),
    O(app_name)), or one app with O(app_id)."
  - "O(subject=app_versions): the versions of one app (O(app_id), or O(package_name) resolved from
    one listing), or one version with O(version_id)."
  - "O(subject=esper_apps): the Esper apps available to the tenant (filter O(package_name))."
  - "O(subject=itunes_app): App Store details of one iOS app, by O(app_id) (Esper's UUID) or
    O(apple_app_id)."
  - "O(subject=vpp_licenses): the VPP licences of the tenant's VPP token, or those of one app with
    O(apple_app_id)."
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.esper
  - mdmkit.mdm.attributes.info_module
options:
  subject:
    description: What to list.
    type: str
    choices: [tenant_apps, app_versions, esper_apps, itunes_app, vpp_licenses]
    default: tenant_apps
  app_id:
    description: Id (UUID) of a tenant app (or, for O(subject=itunes_app), of an iOS app).
    type: str
  version_id:
    description: Id (UUID) of one version, with O(subject=app_versions).
    type: str
  package_name:
    description: Package name filter (exact).
    type: str
  app_name:
    description: App name filter of O(subject=tenant_apps) (part of the name, any case).
    type: str
  platform:
    description: Platform filter of O(subject=tenant_apps).
    type: str
    choices: [ANDROID, APPLE]
  apple_app_id:
    description: Apple (App Store) id of an app, for O(subject=itunes_app) or O(subject=vpp_licenses).
    type: str
'''

EXAMPLES = r'''
- name: Every tenant app
  mdmkit.mdm.esper_app_info:
  register: apps

- name: The versions of one app
  mdmkit.mdm.esper_app_info:
    subject: app_versions
    package_name: com.example.fieldnotes

- name: App Store details of an iOS app
  mdmkit.mdm.esper_app_info:
    subject: itunes_app
    apple_app_id: "586447913"

- name: VPP licences
  mdmkit.mdm.esper_app_info:
    subject: vpp_licenses
'''

RETURN = r'''
apps:
  description: Tenant apps (O(subject=tenant_apps)).
  returned: when O(subject=tenant_apps)
  type: list
  elements: dict
  sample: [{id: 5b0c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3, app_name: Fieldnotes, package_name: com.example.fieldnotes,
            platform: ANDROID, version_count: 2}]
versions:
  description: Versions of the app (O(subject=app_versions)), newest first.
  returned: when O(subject=app_versions)
  type: list
  elements: dict
  sample: [{id: 0f9e8d7c-6b5a-4c3d-9e2f-1a0b9c8d7e6f, version_code: '12', version_name: '1.4.0', description: ''}]
esper_apps:
  description: Esper apps (O(subject=esper_apps)).
  returned: when O(subject=esper_apps)
  type: list
  elements: dict
  sample: [{package_name: io.shoonya.shoonyadpc, app_name: Esper Agent, version_name: 7.6.2047}]
itunes_app:
  description: App Store details of the iOS app (O(subject=itunes_app)).
  returned: when O(subject=itunes_app)
  type: dict
  sample: {apple_app_id: '586447913', bundle_id: com.microsoft.Office.Word, app_name: Microsoft Word}
vpp_licenses:
  description: VPP licences (O(subject=vpp_licenses)).
  returned: when O(subject=vpp_licenses)
  type: list
  elements: dict
  sample: [{app_id: 586447913, app_name: Microsoft Word, total_count: 50, assigned_count: 12, available_count: 38}]
count:
  description: Number of records returned.
  returned: always
  type: int
  sample: 1
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils import esper_tenant as et
from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError
from ansible_collections.mdmkit.mdm.plugins.module_utils.esper_commands import content, v2_paginate
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule

APPS_PATH = 'v2/tenant-apps'


def main():
    module = MdmModule(
        'esper',
        argument_spec=dict(
            subject=dict(type='str', default='tenant_apps',
                         choices=['tenant_apps', 'app_versions', 'esper_apps', 'itunes_app', 'vpp_licenses']),
            app_id=dict(type='str'),
            version_id=dict(type='str'),
            package_name=dict(type='str'),
            app_name=dict(type='str'),
            platform=dict(type='str', choices=['ANDROID', 'APPLE']),
            apple_app_id=dict(type='str'),
        ),
        supports_check_mode=True,
    )
    p = module.params
    subject = p['subject']
    client = module.client
    result = {'changed': False}
    with module.errors():
        et.check_uuid(p['version_id'], 'version_id')
        if subject == 'tenant_apps':
            et.check_uuid(p['app_id'], 'app_id')
            if p['app_id']:
                records = [content(client.get('%s/%s' % (APPS_PATH, p['app_id'])))]
            else:
                query = dict((k, p[k]) for k in ('platform', 'package_name', 'app_name') if p[k])
                records = list(v2_paginate(client, APPS_PATH, query))
            result['apps'] = records
        elif subject == 'app_versions':
            et.check_uuid(p['app_id'], 'app_id')
            app_id = p['app_id']
            if not app_id:
                if not p['package_name']:
                    raise ConfigError('app_id: subject app_versions needs app_id or package_name.')
                apps = [a for a in v2_paginate(client, APPS_PATH, {'package_name': p['package_name']})
                        if a.get('package_name') == p['package_name']
                        and (not p['platform'] or (a.get('platform') or 'ANDROID') == p['platform'])]
                if len(apps) > 1:
                    raise ConfigError('package_name: %d apps have the package name %s (one per platform); give '
                                      'platform or app_id.' % (len(apps), p['package_name']))
                app_id = apps[0]['id'] if apps else None
            if app_id is None:
                records = []
            elif p['version_id']:
                records = [content(client.get('%s/%s/versions/%s' % (APPS_PATH, app_id, p['version_id'])))]
            else:
                records = list(v2_paginate(client, '%s/%s/versions' % (APPS_PATH, app_id)))
            result['versions'] = records
        elif subject == 'esper_apps':
            query = {'package_name': p['package_name']} if p['package_name'] else None
            records = list(v2_paginate(client, 'v2/tenant-esper-apps', query))
            result['esper_apps'] = records
        elif subject == 'itunes_app':
            if not p['app_id'] and not p['apple_app_id']:
                raise ConfigError('apple_app_id: subject itunes_app needs apple_app_id or app_id.')
            et.check_uuid(p['app_id'], 'app_id')
            query = dict((k, p[k]) for k in ('app_id', 'apple_app_id') if p[k])
            record = content(client.get('v2/itunesapps', params=query))
            records = [record] if record else []
            result['itunes_app'] = record
        else:
            if p['apple_app_id']:
                if not p['apple_app_id'].isdigit():
                    raise ConfigError('apple_app_id: must be the numeric App Store id, got %r.' % p['apple_app_id'])
                records = et.items(client.get('apps/v0/vpp/%s' % p['apple_app_id']))
            else:
                records = et.list_all(client, 'apps/v0/vpp')
            result['vpp_licenses'] = records
    result['count'] = len(records)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
