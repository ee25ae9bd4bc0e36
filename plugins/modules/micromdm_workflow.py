#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: micromdm_workflow
short_description: Create, update or delete a MicroMDM workflow
version_added: 0.1.0
description:
  - A workflow is a named set of configuration profiles, applications and other (included) workflows
    that MicroMDM installs on the devices it is assigned to (see M(mdmkit.mdm.micromdm_device)).
  - Workflows are identified by O(name), which is unique on the server.
  - O(profiles) are given by payload identifier or profile UUID and O(included_workflows) by name or
    UUID; all are resolved from one profile listing and one workflow listing before anything is sent,
    and an unknown one fails naming the option.
  - B(Updates.) The management API has no update endpoint. C(POST /management/v1/workflows) with the
    name of an existing workflow replaces that workflow's profiles, applications and included workflows
    and keeps its UUID, so devices stay assigned to it. This module updates a workflow that way, with
    one POST carrying the whole workflow (options left unset are sent with their current value).
    It never deletes and re-creates a workflow to update it.
  - Profiles, applications and included workflows are compared as sets; their order does not matter.
  - Needs O(flavor=management_v1). MicroMDM 1.x has blueprints instead (M(mdmkit.mdm.micromdm_blueprint));
    with another flavor the module fails before reading anything, in check mode too.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.micromdm
  - mdmkit.mdm.attributes
options:
  name:
    description: Name of the workflow.
    type: str
    required: true
  profiles:
    description:
      - Payload identifiers or MicroMDM UUIDs of the configuration profiles of the workflow.
      - Unset leaves them untouched; a list (even empty) replaces them.
    type: list
    elements: str
  applications:
    description:
      - Applications the workflow installs. Unset leaves them untouched; a list (even empty) replaces them.
    type: list
    elements: dict
    suboptions:
      name:
        description: Name of the application (package).
        type: str
        required: true
      manifest_url:
        description: URL of the application's manifest (sent as C(manifest-url)).
        type: str
        required: true
  included_workflows:
    description:
      - Names or UUIDs of other workflows whose content this workflow includes.
      - Unset leaves them untouched; a list (even empty) replaces them. A workflow cannot include itself.
    type: list
    elements: str
  state:
    description:
      - V(present) creates or updates the workflow, V(absent) deletes it
        (C(DELETE /management/v1/workflows/{uuid})).
    type: str
    choices: [present, absent]
    default: present
notes:
  - The 2016 reference documents only the C(POST) of workflows; the listing, the deletion and the
    replace-by-name behaviour follow the profile endpoints and are what the mdmkit simulator implements.
'''

EXAMPLES = r'''
- name: Lab Macs get the login window profile and munki
  mdmkit.mdm.micromdm_workflow:
    name: lab-macs
    profiles: [com.example.loginwindow]
    applications:
      - name: munkitools-latest
        manifest_url: https://mdm.example.com/pkgs/munkitools.plist
    included_workflows: [baseline]

- name: Delete it
  mdmkit.mdm.micromdm_workflow:
    name: lab-macs
    state: absent
'''

RETURN = r'''
workflow:
  description:
    - The workflow after the task (what it would be, in check mode); null once deleted.
    - C(uuid) is missing when the workflow would be created in check mode.
  returned: always
  type: dict
  contains:
    uuid:
      description: MicroMDM UUID of the workflow.
      type: str
      returned: success
      sample: bd5191c1-6bc1-49e5-b9fc-b33accc0656e
    name:
      description: Name of the workflow.
      type: str
      returned: success
      sample: lab-macs
    profiles:
      description: Payload identifiers of its profiles, sorted.
      type: list
      elements: str
      returned: success
      sample: [com.example.loginwindow]
    applications:
      description: Its applications, sorted by name.
      type: list
      elements: dict
      returned: success
      sample: [{name: munkitools-latest, manifest_url: "https://mdm.example.com/pkgs/munkitools.plist"}]
    included_workflows:
      description: Names of the workflows it includes (the UUID when a workflow is unknown), sorted.
      type: list
      elements: str
      returned: success
      sample: [baseline]
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError
from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm import check_flavor
from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm_profiles import (
    find_workflow, list_profiles, list_workflows, same_id, unwrap, workflow_view)
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.state import Resource

WORKFLOW = Resource('workflow', keys=['name', 'profiles', 'applications', 'included_workflows'])


def resolve_profiles(profiles, refs):
    """[(payload_identifier, profile_uuid)] for payload identifiers or UUIDs; unknown ones fail together."""
    found, missing = [], []
    for ref in refs:
        match = [p for p in profiles if same_id(p.get('uuid'), ref)] or \
            [p for p in profiles if p.get('payload_identifier') == ref]
        if match:
            found.append((match[0].get('payload_identifier'), match[0].get('uuid')))
        else:
            missing.append(ref)
    if missing:
        raise ConfigError('profiles: no MicroMDM profile has the payload identifier or UUID %s.'
                          % ', '.join(missing))
    return sorted(set(found))


def resolve_workflows(workflows, refs, name):
    found, missing = [], []
    for ref in refs:
        workflow = find_workflow(workflows, ref, 'included_workflows')
        if workflow is None:
            missing.append(ref)
        elif workflow.get('name') == name:
            raise ConfigError('included_workflows: %r is this workflow; a workflow cannot include itself.' % ref)
        else:
            found.append(workflow)
    if missing:
        raise ConfigError('included_workflows: no MicroMDM workflow has the name or UUID %s.' % ', '.join(missing))
    unique = dict((w.get('uuid'), w) for w in found)
    return sorted(unique.values(), key=lambda w: w.get('name') or '')


def main():
    module = MdmModule(
        'micromdm',
        argument_spec=dict(
            name=dict(type='str', required=True),
            profiles=dict(type='list', elements='str'),
            applications=dict(type='list', elements='dict', options=dict(
                name=dict(type='str', required=True),
                manifest_url=dict(type='str', required=True),
            )),
            included_workflows=dict(type='list', elements='str'),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        supports_check_mode=True,
    )
    params = module.params
    name = params['name']
    with module.errors():
        check_flavor(params['flavor'], ('management_v1',), 'micromdm_workflow', hint='MicroMDM 1.x has blueprints instead (mdmkit.mdm.micromdm_blueprint).')
    if not name.strip():
        module.fail_on('name', 'must not be empty.')
    client = module.client

    with module.errors():
        workflows = list_workflows(client)
        existing = find_workflow([w for w in workflows if w.get('name') == name], name, 'name')
        body = {}
        desired = {'name': name}
        if params['state'] == 'present':
            profiles = list_profiles(client) if params['profiles'] is not None else []
            profiles_by_uuid = dict((str(p.get('uuid')).lower(), p) for p in profiles)
            workflows_by_uuid = dict((str(w.get('uuid')).lower(), w) for w in workflows)
            if params['profiles'] is not None:
                resolved = resolve_profiles(profiles, params['profiles'])
                body['profiles'] = [{'payload_identifier': i, 'profile_uuid': u} for i, u in resolved]
                desired['profiles'] = sorted(i for i, u in resolved)
            if params['applications'] is not None:
                apps = sorted(set((a['name'], a['manifest_url']) for a in params['applications']))
                body['applications'] = [{'name': n, 'manifest-url': u} for n, u in apps]
                desired['applications'] = [{'name': n, 'manifest_url': u} for n, u in apps]
            if params['included_workflows'] is not None:
                included = resolve_workflows(workflows, params['included_workflows'], name)
                body['included_workflows'] = [{'workflow_uuid': w.get('uuid')} for w in included]
                desired['included_workflows'] = sorted(w.get('name') or w.get('uuid') for w in included)
        else:
            profiles_by_uuid = workflows_by_uuid = {}
        current = workflow_view(existing, workflows_by_uuid, profiles_by_uuid) if existing else None

        def view_of(answer):
            obj = unwrap(answer, 'workflow') if answer else {}
            if not obj.get('uuid'):  # an answer without the stored workflow: read it back
                obj = find_workflow([w for w in list_workflows(client) if w.get('name') == name], name, 'name') or {}
            return workflow_view(obj, workflows_by_uuid, profiles_by_uuid) if obj else None

        def send(full):
            """POST the whole workflow: creates it, or replaces the one with this name."""
            data = {'name': name}
            for key in ('profiles', 'applications', 'included_workflows'):
                data[key] = body[key] if key in body else full.get(key, [])
            return view_of(client.post('workflows', json_body=data))

        def create(desired):
            return send({})

        def update(changes, current):
            # keep what the user left unset: rebuild the API form of the current workflow
            full = dict((k, v) for k, v in unwrap(existing, 'workflow').items()
                        if k in ('profiles', 'applications', 'included_workflows'))
            return send(dict((k, v or []) for k, v in full.items()))

        def delete(current):
            client.delete('workflows/%s' % current['uuid'])

        if params['state'] == 'present' and existing is None:
            for key in ('profiles', 'applications', 'included_workflows'):
                desired.setdefault(key, [])
        result = WORKFLOW.ensure(module, current, desired, create=create, update=update, delete=delete,
                                 state=params['state'])
    module.exit_json(**result)


if __name__ == '__main__':
    main()
