#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: micromdm_blueprint
short_description: Create, update or delete a MicroMDM 1.x blueprint
version_added: 0.1.0
description:
  - A blueprint is MicroMDM 1.x's set of configuration profiles, applications (by manifest URL) and
    local user accounts that it installs on devices. It takes the place of the workflows of the
    C(/management/v1) API (M(mdmkit.mdm.micromdm_workflow)). Blueprints are not assigned to devices;
    MicroMDM applies every blueprint whose O(apply_at) holds C(Enroll) to each device that enrolls.
  - Needs O(flavor=micromdm). The blueprint is read with C(POST /v1/blueprints), applied with
    C(PUT /v1/blueprints) (the whole blueprint, under the key C(blueprint)) and deleted with
    C(DELETE /v1/blueprints) (its name in the list C(names)).
  - Blueprints are identified by O(name). A new blueprint gets a random UUID; an update keeps the UUID,
    which MicroMDM requires (it refuses a second blueprint with the same name).
  - O(profiles) are payload identifiers of profiles stored in MicroMDM (M(mdmkit.mdm.micromdm_profile));
    they are checked against one profile listing before anything is sent, as MicroMDM refuses a
    blueprint naming an unknown profile.
  - Lists are compared as sets; their order does not matter.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.micromdm
  - mdmkit.mdm.attributes
options:
  name:
    description: Name of the blueprint.
    type: str
    required: true
  profiles:
    description:
      - Payload identifiers of the profiles the blueprint installs (C(profile_ids)).
      - Unset leaves them untouched (empty for a new blueprint); a list (even empty) replaces them.
    type: list
    elements: str
  applications:
    description:
      - HTTPS URLs of the manifests of the applications the blueprint installs
        (C(install_application_manifest_urls)). Unset leaves them untouched; a list replaces them.
    type: list
    elements: str
  user_uuids:
    description:
      - UUIDs of MicroMDM user accounts created on enrollment (C(user_uuids)). Unset leaves them
        untouched; a list replaces them.
    type: list
    elements: str
  skip_primary_setup_account_creation:
    description: Skip the creation of the primary account in Setup Assistant. Unset leaves it untouched.
    type: bool
  set_primary_setup_account_as_regular_user:
    description: Make the primary Setup Assistant account a standard user. Unset leaves it untouched.
    type: bool
  apply_at:
    description:
      - When MicroMDM applies the blueprint. C(Enroll) (the only value MicroMDM acts on) applies it to
        every device that enrolls. Unset leaves it untouched (C([Enroll]) for a new blueprint); an
        empty list keeps the blueprint without applying it.
    type: list
    elements: str
    choices: [Enroll]
  state:
    description: V(present) creates or updates the blueprint, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Deleting a blueprint removes nothing from the devices it was applied to.
'''

EXAMPLES = r'''
- name: Every enrolling Mac gets the baseline profiles and Munki
  mdmkit.mdm.micromdm_blueprint:
    flavor: micromdm
    name: baseline
    profiles: [com.example.loginwindow, com.example.wifi]
    applications: ["https://mdm.example.com/repo/munkitools.plist"]

- name: Remove it
  mdmkit.mdm.micromdm_blueprint:
    flavor: micromdm
    name: baseline
    state: absent
'''

RETURN = r'''
blueprint:
  description: The blueprint after the task (what it would be, in check mode); null once deleted.
  returned: always
  type: dict
  contains:
    uuid:
      description: UUID of the blueprint (chosen by the module for a new one).
      type: str
      returned: success
      sample: 3f8c1d2e-5b6a-4c7d-8e9f-0a1b2c3d4e5f
    name:
      description: Name of the blueprint.
      type: str
      returned: success
      sample: baseline
    profiles:
      description: Payload identifiers of its profiles, sorted.
      type: list
      elements: str
      returned: success
      sample: [com.example.loginwindow]
    applications:
      description: Manifest URLs of its applications, sorted.
      type: list
      elements: str
      returned: success
      sample: ["https://mdm.example.com/repo/munkitools.plist"]
    user_uuids:
      description: UUIDs of the user accounts it creates, sorted.
      type: list
      elements: str
      returned: success
      sample: []
    skip_primary_setup_account_creation:
      description: Whether Setup Assistant skips the primary account.
      type: bool
      returned: success
      sample: false
    set_primary_setup_account_as_regular_user:
      description: Whether the primary account is a standard user.
      type: bool
      returned: success
      sample: false
    apply_at:
      description: When MicroMDM applies it.
      type: list
      elements: str
      returned: success
      sample: [Enroll]
'''

import uuid as uuidlib

from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm import check_flavor
from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm_profiles import (
    APPLY_AT_ENROLL, blueprint_body, find_blueprint, list_profiles)
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.state import Resource

KEYS = ['name', 'profiles', 'applications', 'user_uuids', 'skip_primary_setup_account_creation',
        'set_primary_setup_account_as_regular_user', 'apply_at']
LISTS = ('profiles', 'applications', 'user_uuids', 'apply_at')
BLUEPRINT = Resource('blueprint', keys=KEYS)


def main():
    module = MdmModule(
        'micromdm',
        argument_spec=dict(
            name=dict(type='str', required=True),
            profiles=dict(type='list', elements='str'),
            applications=dict(type='list', elements='str'),
            user_uuids=dict(type='list', elements='str'),
            skip_primary_setup_account_creation=dict(type='bool'),
            set_primary_setup_account_as_regular_user=dict(type='bool'),
            apply_at=dict(type='list', elements='str', choices=[APPLY_AT_ENROLL]),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        supports_check_mode=True,
    )
    params = module.params
    name = params['name'].strip()
    with module.errors():
        check_flavor(params['flavor'], ('micromdm',), 'micromdm_blueprint',
                     hint='The /management/v1 API has workflows instead (mdmkit.mdm.micromdm_workflow).')
    if not name:
        module.fail_on('name', 'must not be empty.')
    for url in params['applications'] or []:
        if not url.startswith('https://'):
            module.fail_on('applications', '%r is not an https:// manifest URL; nothing was sent.' % url)
    client = module.client

    with module.errors():
        current = find_blueprint(client, name)
        desired = dict((k, sorted(set(params[k])) if k in LISTS else params[k])
                       for k in KEYS if k != 'name' and params.get(k) is not None)
        desired['name'] = name
        if params['state'] == 'present' and params['profiles']:
            known = set(p.get('payload_identifier') for p in list_profiles(client))
            missing = sorted(set(params['profiles']) - known)
            if missing:
                module.fail_on('profiles', 'no MicroMDM profile has the payload identifier %s (MicroMDM refuses a '
                               'blueprint naming one); nothing was sent.' % ', '.join(missing))
        if current is None:
            full = {'uuid': str(uuidlib.uuid4()), 'name': name, 'profiles': [], 'applications': [], 'user_uuids': [],
                    'skip_primary_setup_account_creation': False, 'set_primary_setup_account_as_regular_user': False,
                    'apply_at': [APPLY_AT_ENROLL]}
            full.update(desired)
            desired = full

        def save(view):
            client.put('v1/blueprints', json_body=blueprint_body(view))  # answers {}: read it back
            return find_blueprint(client, name)

        def update(changes, current):
            return save(dict(current, **changes))

        def delete(current):
            client.delete('v1/blueprints', json_body={'names': [current['name']]})

        result = BLUEPRINT.ensure(module, current, desired, create=save, update=update, delete=delete,
                                  state=params['state'])
    if result.get('blueprint') is not None and current is None and module.check_mode:
        result['blueprint'].pop('uuid', None)  # a new blueprint's UUID is chosen when it is sent
    module.exit_json(**result)


if __name__ == '__main__':
    main()
