#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: simplemdm_installed_app
short_description: Manage an app installed on a SimpleMDM device
version_added: 0.1.0
description:
  - Acts on one app installed on one device, given by its installed-app O(id), or by O(device) and
    O(bundle_identifier).
  - O(action=request_management) asks the device to let SimpleMDM manage an unmanaged app; an app that
    is already managed is left unchanged.
  - O(action=update) asks the device to update a managed app to the latest version (an action, sent on
    every run).
  - O(state=absent) asks the device to uninstall the app. Only managed apps can be uninstalled; an
    unmanaged app is refused before anything is sent. An app that is not installed is left unchanged.
  - The device carries out these requests when it is next online; the app list shows the result later.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.simplemdm
  - mdmkit.mdm.attributes
options:
  id:
    description: Id of the installed app (from M(mdmkit.mdm.simplemdm_device_info) with C(include=[installed_apps])).
    type: int
  device:
    description: Id, serial number or name of the device. Use with O(bundle_identifier).
    type: str
  bundle_identifier:
    description: Bundle identifier of the app on O(device), for example C(com.agilebits.onepassword-ios).
    type: str
  action:
    description: V(request_management) or V(update). O(state=present) only.
    type: str
    choices: [request_management, update]
  state:
    description: V(present) leaves the app installed (and runs O(action)), V(absent) uninstalls it.
    type: str
    choices: [present, absent]
    default: present
'''

EXAMPLES = r'''
- name: Manage 1Password on a device where the user installed it
  mdmkit.mdm.simplemdm_installed_app:
    device: DNFJE9DNG5MG
    bundle_identifier: com.agilebits.onepassword-ios
    action: request_management

- name: Update it
  mdmkit.mdm.simplemdm_installed_app:
    device: DNFJE9DNG5MG
    bundle_identifier: com.agilebits.onepassword-ios
    action: update

- name: Uninstall an app by installed-app id
  mdmkit.mdm.simplemdm_installed_app:
    id: 6632
    state: absent
'''

RETURN = r'''
installed_app:
  description: The installed app before the task, flattened; null when it is not installed.
  returned: always
  type: dict
  sample:
    id: 578
    name: 1Password
    identifier: com.agilebits.onepassword-ios
    version: '601004'
    short_version: 6.0.1
    managed: true
request:
  description: The request sent (or that would be sent, in check mode), with its HTTP status.
  returned: when changed
  type: dict
  sample: {method: POST, path: installed_apps/578/update, status: 202}
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import NotFoundError
from ansible_collections.mdmkit.mdm.plugins.module_utils.lookup import find
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm import flatten
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm_devices import describe, resolve_devices


def main():
    module = MdmModule(
        'simplemdm',
        argument_spec=dict(
            id=dict(type='int'),
            device=dict(type='str'),
            bundle_identifier=dict(type='str'),
            action=dict(type='str', choices=['request_management', 'update']),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        required_one_of=[('id', 'device')],
        mutually_exclusive=[('id', 'device'), ('id', 'bundle_identifier')],
        required_together=[('device', 'bundle_identifier')],
        supports_check_mode=True,
    )
    params = module.params
    state, action = params['state'], params['action']
    if action and state == 'absent':
        module.fail_on('action', 'is used only with state=present.')
    client = module.client
    with module.errors():
        if params['id'] is not None:
            where = 'installed app %s' % params['id']
            try:
                app = flatten(client.get('installed_apps/%s' % params['id'])['data'])
            except NotFoundError:
                app = None
        else:
            device = resolve_devices(client, [params['device']], option='device')[0]
            where = '%s on device %s' % (params['bundle_identifier'], describe(device))
            apps = list(client.paginate('devices/%s/installed_apps' % device['id']))
            found = find(apps, params['bundle_identifier'], ('identifier',), 'installed app', 'bundle_identifier')
            app = flatten(found) if found else None

    result = dict(changed=False, installed_app=app)
    request = None
    if state == 'absent':
        if app is not None:
            if not app.get('managed'):
                module.fail_on('state', '%s is not managed by SimpleMDM, so it cannot be uninstalled. Request '
                                        'management first (action=request_management) and uninstall it once '
                                        'the device has accepted.' % where, **result)
            request = ('DELETE', 'installed_apps/%s' % app['id'])
        result['diff'] = dict(before={'installed': app is not None}, after={'installed': False})
    else:
        if app is None:
            module.fail_on('id' if params['id'] is not None else 'bundle_identifier',
                           '%s is not installed.' % where, **result)
        if action == 'request_management' and not app.get('managed'):
            request = ('POST', 'installed_apps/%s/request_management' % app['id'])
            result['diff'] = dict(before={'managed': False}, after={'managed': True})
        elif action == 'update':
            if not app.get('managed'):
                module.fail_on('action', '%s is not managed by SimpleMDM, so it cannot be updated; request '
                                         'management first.' % where, **result)
            request = ('POST', 'installed_apps/%s/update' % app['id'])
            result['diff'] = dict(before={'update': None}, after={'update': 'requested'})
    if request is not None:
        result['changed'] = True
        result['request'] = dict(method=request[0], path=request[1], status=None)
        if not module.check_mode:
            with module.errors(**result):
                # resend=False: the uninstall (DELETE) is a device command, never resent
                response = client.request(request[0], request[1], resend=False, expect_json=True)
            result['request']['status'] = response.status
    module.exit_json(**result)


if __name__ == '__main__':
    main()
