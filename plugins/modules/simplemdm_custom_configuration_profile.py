#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: simplemdm_custom_configuration_profile
short_description: Manage SimpleMDM custom configuration profiles and their assignments
version_added: 0.1.0
description:
  - Uploads, updates and deletes custom configuration profiles (C(.mobileconfig) files) of a
    SimpleMDM account, and assigns them to device groups and devices.
  - Idempotent on content. The profile SimpleMDM holds is downloaded and compared with O(mobileconfig)
    as parsed property lists, so formatting, key order and whitespace do not count; the file is
    uploaded only when the two differ.
  - O(mobileconfig) is parsed before anything is sent. An invalid property list fails naming the option.
  - The diff and the result show the profile's identifier, display name, payload types and a
    SHA-256 fingerprint of its canonical form, never the payload values (which may hold passwords).
    O(mobileconfig) itself is C(no_log), so neither its content nor its path appears in the task's
    output or logs (C(invocation), C(-vvvv), system logs).
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.simplemdm
  - mdmkit.mdm.attributes
options:
  name:
    description:
      - Name of the profile in SimpleMDM. Without O(id), the profile is found by this exact name
        (several profiles with the name fail; give O(id) then).
    type: str
    required: true
  id:
    description:
      - Id of an existing profile. With it, O(name) renames the profile.
    type: int
  mobileconfig:
    description:
      - The profile, as a path to a C(.mobileconfig) file or as its content (XML or binary plist).
      - Required to create a profile. Unset leaves the uploaded profile untouched.
      - Signed profiles are refused; upload the unsigned one.
      - Kept out of output and logs (C(no_log)), path or content alike, because content may hold
        Wi-Fi or account passwords; error messages name the option, not the value.
    type: str
  user_scope:
    description:
      - V(false) deploys the profile as a device profile rather than a user profile on macOS.
        SimpleMDM defaults to V(true) on creation. Unset leaves it untouched.
    type: bool
  attribute_support:
    description:
      - Let SimpleMDM replace custom attribute variables in the profile. Unset leaves it untouched.
    type: bool
  escape_attributes:
    description:
      - Escape the values of custom variables in the profile. Unset leaves it untouched.
    type: bool
  reinstall_after_os_update:
    description:
      - Reinstall the profile after macOS updates. Unset leaves it untouched.
    type: bool
  device_groups:
    description:
      - Device groups (ids or names) the profile is assigned to. Unset leaves the assignments
        untouched; a list replaces them unless O(append=true); V([]) removes every group.
    type: list
    elements: str
  devices:
    description:
      - Devices (ids, serial numbers or names) the profile is assigned to directly. Same list
        semantics as O(device_groups).
      - SimpleMDM does not list a profile's devices, so only the listed devices are checked (one
        request each, C(GET /devices/{id}/profiles)) and a warning says so; devices assigned
        outside the list are left as they are.
    type: list
    elements: str
  append:
    description:
      - Only add the listed O(device_groups) and O(devices); never unassign.
    type: bool
    default: false
  state:
    description:
      - V(present) uploads or updates the profile, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Names of device groups and devices are resolved from one listing of each, before anything is written.
seealso:
  - module: mdmkit.mdm.simplemdm_profile
'''

EXAMPLES = r'''
- name: Upload a Wi-Fi profile and assign it to two groups
  mdmkit.mdm.simplemdm_custom_configuration_profile:
    name: Office Wi-Fi
    mobileconfig: files/office-wifi.mobileconfig
    user_scope: false
    device_groups: [Office, Warehouse]

- name: Inline content from a template, plus one device
  mdmkit.mdm.simplemdm_custom_configuration_profile:
    name: Munki Configuration
    mobileconfig: "{{ lookup('ansible.builtin.template', 'munki.mobileconfig.j2') }}"
    attribute_support: true
    devices: [C02XK1ZZJGH5]
    append: true

- name: Remove it
  mdmkit.mdm.simplemdm_custom_configuration_profile:
    name: Office Wi-Fi
    state: absent
'''

RETURN = r'''
custom_configuration_profile:
  description: The profile after the task (what it would be, in check mode); null once deleted.
  returned: always
  type: dict
  contains:
    id:
      description: Profile id (absent when created in check mode).
      type: int
      returned: when it exists
      sample: 293814
    name:
      description: Name.
      type: str
      returned: success
      sample: Munki Configuration
    profile_identifier:
      description: Identifier SimpleMDM gave the profile.
      type: str
      returned: when it exists
      sample: com.unwiredmdm.aabc717175a3467b93af177aa5f1992d
    mobileconfig:
      description:
        - Summary of the uploaded profile (only when O(mobileconfig) was given). C(payload_identifier),
          C(payload_display_name), C(payload_types) and C(sha256) of the canonical XML form.
      type: dict
      returned: when O(mobileconfig) is set
      sample:
        payload_identifier: com.example.wifi
        payload_display_name: Office Wi-Fi
        payload_types: [com.apple.wifi.managed]
        sha256: 9f2c0e8d1a6b4c3f7e5d2a1b0c9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f
    user_scope:
      description: Deployed as a user profile on macOS.
      type: bool
      returned: success
      sample: true
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
    device_groups:
      description: Ids of the assigned device groups.
      type: list
      elements: int
      returned: success
      sample: [37, 38]
    devices:
      description: Ids of the directly assigned devices (only when O(devices) was given).
      type: list
      elements: int
      returned: when O(devices) is set
      sample: [101]
'''

from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm_config import (
    desired_members,
    device_members,
    find_named,
    form_bool,
    load_mobileconfig,
    parse_downloaded,
    parse_plist,
    plist_summary,
    relationship_ids,
    resolve_ids,
    same_members,
    sync_members,
)
from ansible_collections.mdmkit.mdm.plugins.module_utils.state import Applied, Resource

FLAGS = ('user_scope', 'attribute_support', 'escape_attributes', 'reinstall_after_os_update')
KIND = 'custom_configuration_profiles'


def main():
    module = MdmModule(
        'simplemdm',
        argument_spec=dict(
            name=dict(type='str', required=True),
            id=dict(type='int'),
            mobileconfig=dict(type='str', no_log=True),
            user_scope=dict(type='bool'),
            attribute_support=dict(type='bool'),
            escape_attributes=dict(type='bool'),
            reinstall_after_os_update=dict(type='bool'),
            device_groups=dict(type='list', elements='str'),
            devices=dict(type='list', elements='str'),
            append=dict(type='bool', default=False),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        supports_check_mode=True,
    )
    params = module.params
    state = params['state']
    parsed = {}  # 'desired' and 'current' parsed plists, compared as such
    content = None

    with module.errors():
        if state == 'present' and params['mobileconfig'] is not None:
            content = load_mobileconfig(params['mobileconfig'])
            parsed['desired'] = parse_plist(content)
        client = module.client
        obj = find_named(client, KIND, params['name'], params['id'], retrieve=False)
        if state == 'present' and obj is None and params['mobileconfig'] is None:
            raise ConfigError('mobileconfig: required to create the profile %r, which does not exist.'
                              % params['name'])
        group_ids = device_ids = None
        if state == 'present':
            group_ids = resolve_ids(client, 'device_groups', params['device_groups'], 'device_groups')
            device_ids = resolve_ids(client, 'devices', params['devices'], 'devices')

        def view(raw, with_devices):
            attrs = raw.get('attributes') or {}
            result = dict(id=raw.get('id'), profile_identifier=attrs.get('profile_identifier'),
                          name=attrs.get('name'))
            result.update((flag, attrs.get(flag)) for flag in FLAGS)
            result['device_groups'] = relationship_ids(raw, 'device_groups') or []
            if with_devices is not None:
                result['devices'] = with_devices
            return result

        current = None
        if obj is not None:
            current = view(obj, device_members(client, obj, device_ids, module.warn)
                           if device_ids is not None else None)
            if 'desired' in parsed and state == 'present':
                download = client.request('GET', '%s/%s/download' % (KIND, obj['id']))
                body = download.body
                raw = body.get('data') if isinstance(body, dict) else download.text
                parsed['current'] = parse_downloaded(to_bytes(raw or ''))
                current['mobileconfig'] = plist_summary(parsed['current'])

        desired = dict(name=params['name'])
        desired.update((flag, params[flag]) for flag in FLAGS if params[flag] is not None)
        if 'desired' in parsed:
            desired['mobileconfig'] = plist_summary(parsed['desired'])
        for kind, wanted in (('device_groups', group_ids), ('devices', device_ids)):
            if wanted is not None:
                desired[kind] = desired_members((current or {}).get(kind), wanted, params['append'])

        resource = Resource(
            'custom configuration profile',
            keys=['name', 'mobileconfig'] + list(FLAGS) + ['device_groups', 'devices'],
            equal={'mobileconfig': lambda cur, want: parsed.get('current') is not None
                   and parsed['current'] == parsed['desired'],
                   'device_groups': same_members, 'devices': same_members})

        def send(path, method, changes):
            data = dict((k, form_bool(v) if k in FLAGS else v)
                        for k, v in changes.items() if k in ('name',) + FLAGS)
            files = None
            if 'mobileconfig' in changes:
                files = {'mobileconfig': ('profile.mobileconfig', content, 'application/x-apple-aspen-config')}
            if not data and not files:
                return None
            body = client.request(method, path, data=data, files=files).body
            # The reference shows no answer for create/update: use the object when there is one.
            return body.get('data') if isinstance(body, dict) and isinstance(body.get('data'), dict) else {}

        def sync(profile_id, before, changes):
            count = 0
            for kind in ('device_groups', 'devices'):
                if kind in changes:
                    count += sync_members(client, '%s/%s' % (KIND, profile_id), kind,
                                          (before or {}).get(kind), changes[kind])
            return count

        def create(want):
            created = send(KIND, 'POST', want)
            if created.get('id') is None:  # no object in the answer: find the new profile by its name
                created = find_named(client, KIND, want['name'], retrieve=False)
                if created is None:
                    raise ConfigError('name: SimpleMDM accepted the profile %r but does not list it; check the '
                                      'profiles in SimpleMDM.' % want['name'])
            sync(created['id'], None, want)
            after = view(created, None)
            after.update(want)
            return after

        def update(changes, cur):
            answer = send('%s/%s' % (KIND, cur['id']), 'PATCH', changes)
            count = sync(cur['id'], cur, changes)
            after = dict(cur)
            if answer:
                after.update((k, v) for k, v in view(answer, None).items() if k not in ('device_groups',))
            after.update(changes)
            return Applied(after, changed=answer is not None or count > 0)

        def delete(cur):
            client.delete('%s/%s' % (KIND, cur['id']))

        result = resource.ensure(module, current, desired, create=create, update=update, delete=delete,
                                 state=state)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
