#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: simplemdm_custom_declaration
short_description: Manage SimpleMDM custom declarations (declarative device management)
version_added: 0.1.0
description:
  - Creates, updates and deletes the custom declarations of a SimpleMDM account, the declarative
    device management (DDM) counterpart of custom configuration profiles, and assigns them to devices.
  - Idempotent on the payload. O(payload) and the payload SimpleMDM holds are compared as parsed
    JSON, so key order and whitespace do not count.
  - The endpoints and object shapes (C(/api/v1/custom_declarations[/{id}]) and
    C(/api/v1/custom_declarations/{id}/devices/{device_id})) come from SimpleMDM's public API
    documentation, not from the API reference this collection was built from (which predates
    custom declarations).
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.simplemdm
  - mdmkit.mdm.attributes
options:
  name:
    description:
      - Name of the declaration. Without O(id), the declaration is found by this exact name.
    type: str
    required: true
  id:
    description:
      - Id of an existing declaration. With it, O(name) renames the declaration.
    type: int
  declaration_type:
    description:
      - The declaration's type, for example C(com.apple.configuration.management.status-subscriptions).
      - Required to create a declaration. Unset leaves it untouched.
    type: str
  payload:
    description:
      - The declaration's payload, as JSON text or as a dictionary. Invalid JSON fails before
        anything is sent. Required to create a declaration; unset leaves it untouched.
      - Shown in the result and the diff (it is not C(no_log)). Declarative device management keeps
        credentials out of declarations by design (passwords, certificates and identities are
        assets that declarations reference), so a payload is configuration, and seeing what
        changed is what the diff is for. Do not put secrets in it; if you must, run the task with
        C(no_log=true).
    type: raw
  activation_predicate:
    description:
      - Predicate that decides when the declaration activates on a device. Unset leaves it
        untouched; an empty string clears it.
    type: str
  user_scope:
    description:
      - Scope the declaration to users (V(true)) or to devices (V(false)). Unset leaves it untouched.
    type: bool
  attribute_support:
    description:
      - Let SimpleMDM replace custom attribute variables in the payload. Unset leaves it untouched.
    type: bool
  escape_attributes:
    description:
      - Escape the values of custom variables in the payload. Unset leaves it untouched.
    type: bool
  reinstall_after_os_update:
    description:
      - Reinstall the declaration after macOS updates. Unset leaves it untouched.
    type: bool
  devices:
    description:
      - Devices (ids, serial numbers or names) the declaration is assigned to. Unset leaves the
        assignments untouched; a list replaces them unless O(append=true); V([]) removes every device.
    type: list
    elements: str
  append:
    description:
      - Only add the listed O(devices); never unassign.
    type: bool
    default: false
  state:
    description:
      - V(present) creates or updates the declaration, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
seealso:
  - module: mdmkit.mdm.simplemdm_custom_declaration_info
  - module: mdmkit.mdm.simplemdm_custom_configuration_profile
'''

EXAMPLES = r'''
- name: Subscribe devices to status items
  mdmkit.mdm.simplemdm_custom_declaration:
    name: Status subscriptions
    declaration_type: com.apple.configuration.management.status-subscriptions
    payload:
      StatusItems:
        - Name: device.model.family
        - Name: softwareupdate.install-state
    user_scope: false
    devices: [C02XK1ZZJGH5, "101"]

- name: Payload from a file
  mdmkit.mdm.simplemdm_custom_declaration:
    name: Passcode
    declaration_type: com.apple.configuration.passcode.settings
    payload: "{{ lookup('ansible.builtin.file', 'passcode.json') }}"

- name: Remove it
  mdmkit.mdm.simplemdm_custom_declaration:
    name: Passcode
    state: absent
'''

RETURN = r'''
custom_declaration:
  description: The declaration after the task (what it would be, in check mode); null once deleted.
  returned: always
  type: dict
  contains:
    id:
      description: Declaration id (absent when created in check mode).
      type: int
      returned: when it exists
      sample: 42
    name:
      description: Name.
      type: str
      returned: success
      sample: Status subscriptions
    declaration_type:
      description: Declaration type.
      type: str
      returned: success
      sample: com.apple.configuration.management.status-subscriptions
    payload:
      description: The payload, parsed.
      type: dict
      returned: success
      sample: {StatusItems: [{Name: device.model.family}]}
    activation_predicate:
      description: Activation predicate.
      type: str
      returned: success
      sample: ''
    user_scope:
      description: Scoped to users.
      type: bool
      returned: success
      sample: false
    attribute_support:
      description: Variables are processed.
      type: bool
      returned: success
      sample: false
    escape_attributes:
      description: Variable values are escaped.
      type: bool
      returned: success
      sample: false
    reinstall_after_os_update:
      description: Reinstalled after macOS updates.
      type: bool
      returned: success
      sample: false
    devices:
      description: Ids of the assigned devices.
      type: list
      elements: int
      returned: success
      sample: [101, 102]
'''

import json

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm_config import (
    canonical_json,
    desired_members,
    find_named,
    form_bool,
    parse_json,
    relationship_ids,
    resolve_ids,
    same_members,
    sync_members,
)
from ansible_collections.mdmkit.mdm.plugins.module_utils.state import Applied, Resource

FLAGS = ('user_scope', 'attribute_support', 'escape_attributes', 'reinstall_after_os_update')
TEXT = ('name', 'declaration_type', 'activation_predicate')
KIND = 'custom_declarations'


def same_json(current, desired):
    return current is not None and canonical_json(current) == canonical_json(desired)


def view(raw):
    attrs = raw.get('attributes') or {}
    payload = attrs.get('payload')
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except ValueError:
            pass  # compared as text: differs from any parsed desired payload, so it is re-sent
    result = dict(id=raw.get('id'), profile_identifier=attrs.get('profile_identifier'), payload=payload)
    result.update((key, attrs.get(key)) for key in TEXT + FLAGS)
    result['devices'] = relationship_ids(raw, 'devices') or []
    return result


def main():
    module = MdmModule(
        'simplemdm',
        argument_spec=dict(
            name=dict(type='str', required=True),
            id=dict(type='int'),
            declaration_type=dict(type='str'),
            payload=dict(type='raw'),
            activation_predicate=dict(type='str'),
            user_scope=dict(type='bool'),
            attribute_support=dict(type='bool'),
            escape_attributes=dict(type='bool'),
            reinstall_after_os_update=dict(type='bool'),
            devices=dict(type='list', elements='str'),
            append=dict(type='bool', default=False),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        supports_check_mode=True,
    )
    params = module.params
    state = params['state']
    with module.errors():
        payload = parse_json(params['payload']) if state == 'present' else None
        if payload is not None and not isinstance(payload, dict):
            raise ConfigError('payload: a declaration payload is a JSON object, got a %s.' % type(payload).__name__)
        client = module.client
        obj = find_named(client, KIND, params['name'], params['id'], search=False)
        if state == 'present' and obj is None:
            missing = [o for o in ('declaration_type', 'payload') if params[o] is None]
            if missing:
                raise ConfigError('%s: required to create the declaration %r, which does not exist.'
                                  % (' and '.join(missing), params['name']))
        device_ids = resolve_ids(client, 'devices', params['devices'], 'devices') if state == 'present' else None
        current = view(obj) if obj is not None else None

        desired = dict((key, params[key]) for key in TEXT + FLAGS if params[key] is not None)
        if payload is not None:
            desired['payload'] = payload
        if device_ids is not None:
            desired['devices'] = desired_members((current or {}).get('devices'), device_ids, params['append'])

        resource = Resource('custom declaration', keys=list(TEXT) + ['payload'] + list(FLAGS) + ['devices'],
                            equal={'payload': same_json, 'devices': same_members,
                                   'activation_predicate': lambda cur, want: (cur or '') == want})

        def form(changes):
            data = {}
            for key, value in changes.items():
                if key in FLAGS:
                    data[key] = form_bool(value)
                elif key == 'payload':
                    data[key] = json.dumps(value)
                elif key in TEXT:
                    data[key] = value
            return data

        def sync(declaration_id, before, changes):
            """Assign/unassign the devices; the number of real changes (409 and 404 are none)."""
            if 'devices' not in changes:
                return 0
            return sync_members(client, '%s/%s' % (KIND, declaration_id), 'devices',
                                (before or {}).get('devices'), changes['devices'])

        def create(want):
            created = view(client.post(KIND, data=form(want))['data'])
            sync(created['id'], None, want)
            created.update(want)
            return created

        def update(changes, cur):
            after = dict(cur)
            data = form(changes)
            if data:
                after.update((k, v) for k, v in view(client.patch('%s/%s' % (KIND, cur['id']), data=data)['data']).items()
                             if k != 'devices')
            count = sync(cur['id'], cur, changes)
            after.update(changes)
            return Applied(after, changed=bool(data) or count > 0)

        def delete(cur):
            client.delete('%s/%s' % (KIND, cur['id']))

        result = resource.ensure(module, current, desired, create=create, update=update, delete=delete,
                                 state=state)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
