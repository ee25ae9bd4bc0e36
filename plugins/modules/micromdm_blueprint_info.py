#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: micromdm_blueprint_info
short_description: List the blueprints of a MicroMDM 1.x server, or show one
version_added: 0.1.0
description:
  - Lists the blueprints of a MicroMDM 1.x server (one C(POST /v1/blueprints) request), or the one
    named O(name).
  - Needs O(flavor=micromdm); the C(/management/v1) API has workflows instead
    (M(mdmkit.mdm.micromdm_workflow_info)).
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.micromdm
  - mdmkit.mdm.attributes.info_module
options:
  name:
    description: Name of one blueprint. A name no blueprint has fails.
    type: str
'''

EXAMPLES = r'''
- name: Every blueprint
  mdmkit.mdm.micromdm_blueprint_info:
    flavor: micromdm
  register: blueprints

- name: The ones applied at enrollment
  ansible.builtin.debug:
    msg: "{{ blueprints.blueprints | selectattr('apply_at', 'contains', 'Enroll') | map(attribute='name') }}"
'''

RETURN = r'''
blueprints:
  description: The blueprints, sorted by name.
  returned: always
  type: list
  elements: dict
  contains:
    uuid:
      description: UUID of the blueprint.
      type: str
      returned: always
      sample: 3f8c1d2e-5b6a-4c7d-8e9f-0a1b2c3d4e5f
    name:
      description: Name of the blueprint.
      type: str
      returned: always
      sample: baseline
    profiles:
      description: Payload identifiers of its profiles, sorted.
      type: list
      elements: str
      returned: always
      sample: [com.example.loginwindow]
    applications:
      description: Manifest URLs of its applications, sorted.
      type: list
      elements: str
      returned: always
      sample: ["https://mdm.example.com/repo/munkitools.plist"]
    user_uuids:
      description: UUIDs of the user accounts it creates, sorted.
      type: list
      elements: str
      returned: always
      sample: []
    skip_primary_setup_account_creation:
      description: Whether Setup Assistant skips the primary account.
      type: bool
      returned: always
      sample: false
    set_primary_setup_account_as_regular_user:
      description: Whether the primary account is a standard user.
      type: bool
      returned: always
      sample: false
    apply_at:
      description: When MicroMDM applies it (C(Enroll)).
      type: list
      elements: str
      returned: always
      sample: [Enroll]
count:
  description: Number of blueprints returned.
  returned: always
  type: int
  sample: 1
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm import check_flavor
from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm_profiles import blueprint_views
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule


def main():
    module = MdmModule(
        'micromdm',
        argument_spec=dict(name=dict(type='str')),
        supports_check_mode=True,
    )
    params = module.params
    with module.errors():
        check_flavor(params['flavor'], ('micromdm',), 'micromdm_blueprint_info',
                     hint='The /management/v1 API has workflows instead (mdmkit.mdm.micromdm_workflow_info).')
        views = blueprint_views(module.client, params['name'])
    if params['name'] is not None and not views:
        module.fail_on('name', 'no MicroMDM blueprint is named %r.' % params['name'])
    module.exit_json(changed=False, blueprints=views, count=len(views))


if __name__ == '__main__':
    main()
