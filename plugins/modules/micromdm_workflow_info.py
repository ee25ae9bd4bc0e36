#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: micromdm_workflow_info
short_description: List the workflows of a MicroMDM server, or show one
version_added: 0.1.0
description:
  - Lists the workflows of a MicroMDM server (one request), with their profiles (by payload identifier),
    applications and included workflows (by name).
  - With O(workflow), returns the one workflow with that name or UUID.
  - Needs O(flavor=management_v1). MicroMDM 1.x has blueprints instead
    (M(mdmkit.mdm.micromdm_blueprint_info)); with another flavor the module fails saying so.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.micromdm
  - mdmkit.mdm.attributes.info_module
options:
  workflow:
    description: Name or UUID of one workflow. One that no workflow has fails.
    type: str
'''

EXAMPLES = r'''
- name: Every workflow
  mdmkit.mdm.micromdm_workflow_info:
  register: workflows

- name: One workflow
  mdmkit.mdm.micromdm_workflow_info:
    workflow: lab-macs
  register: lab
'''

RETURN = r'''
workflows:
  description: The workflows.
  returned: always
  type: list
  elements: dict
  contains:
    uuid:
      description: MicroMDM UUID of the workflow.
      type: str
      returned: always
      sample: bd5191c1-6bc1-49e5-b9fc-b33accc0656e
    name:
      description: Name of the workflow.
      type: str
      returned: always
      sample: lab-macs
    profiles:
      description: Payload identifiers of its profiles, sorted.
      type: list
      elements: str
      returned: always
      sample: [com.example.loginwindow]
    applications:
      description: Its applications (C(name), C(manifest_url)), sorted by name.
      type: list
      elements: dict
      returned: always
      sample: [{name: munkitools-latest, manifest_url: "https://mdm.example.com/pkgs/munkitools.plist"}]
    included_workflows:
      description: Names of the workflows it includes (the UUID when a workflow is unknown), sorted.
      type: list
      elements: str
      returned: always
      sample: [baseline]
count:
  description: Number of workflows returned.
  returned: always
  type: int
  sample: 1
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError
from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm import check_flavor
from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm_profiles import (
    find_workflow, list_workflows, workflow_view)
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule


def main():
    module = MdmModule(
        'micromdm',
        argument_spec=dict(workflow=dict(type='str')),
        supports_check_mode=True,
    )
    with module.errors():
        check_flavor(module.params['flavor'], ('management_v1',), 'micromdm_workflow_info',
                     hint='MicroMDM 1.x has blueprints instead (mdmkit.mdm.micromdm_blueprint_info).')
    client = module.client
    with module.errors():
        workflows = list_workflows(client)
        by_uuid = dict((str(w.get('uuid')).lower(), w) for w in workflows)
        selected = workflows
        if module.params['workflow'] is not None:
            try:
                found = find_workflow(workflows, module.params['workflow'], 'workflow')
            except ConfigError as exc:
                module.fail_json(msg=exc.msg)
            if found is None:
                module.fail_on('workflow', 'no MicroMDM workflow has the name or UUID %r.' % module.params['workflow'])
            selected = [found]
        views = [workflow_view(w, by_uuid) for w in selected]
    module.exit_json(changed=False, workflows=views, count=len(views))


if __name__ == '__main__':
    main()
