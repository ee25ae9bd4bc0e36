#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: micromdm_profile
short_description: Add, replace or delete a MicroMDM configuration profile
version_added: 0.1.0
description:
  - Adds a configuration profile (a C(.mobileconfig)) to MicroMDM, replaces it when its content
    changed, or deletes it.
  - MicroMDM files profiles by payload identifier. The profile is sent base64-encoded with
    C(POST /management/v1/profiles) (C({"payload_identifier", "payload_data"})); posting a
    payload identifier that exists replaces that profile's content and keeps its UUID, so the
    workflows that list it stay valid.
  - With O(flavor=micromdm) (MicroMDM 1.x) the profile is applied with C(PUT /v1/profiles) (a C(profile)
    object with C(Identifier) and the base64 C(Mobileconfig)), read with C(POST /v1/profiles) and deleted
    with C(DELETE /v1/profiles) (its identifier in the list C(ids)). Profiles have no UUID there, so O(uuid) does not apply.
    MicroMDM 1.x reads only XML that starts with C(<?xml) (or signed profiles), so a binary or
    header-less profile is sent as the same content written as XML.
  - O(flavor=nanomdm) has no profile store; the module fails saying so.
  - Idempotent on the profile's content; the stored profile and the given one are compared as parsed
    property lists, so a file that differs only in whitespace, key order or XML versus binary format
    is not sent again.
  - The profile is checked before anything is sent; a file that is not a property list, is not a
    configuration profile, has no C(PayloadIdentifier), or whose C(PayloadIdentifier) is not
    O(payload_identifier), is refused. Signed profiles are refused too; give the unsigned file.
  - Values of payload keys that look secret (C(Password), C(SharedSecret), C(Passphrase)...) are masked
    in the result and the diff; they are still compared.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.micromdm
  - mdmkit.mdm.attributes
options:
  payload_identifier:
    description:
      - The profile's payload identifier (its top-level C(PayloadIdentifier)), under which MicroMDM files it.
      - With O(state=present) it defaults to the profile's own C(PayloadIdentifier), and when set it must
        be equal to it.
      - With O(state=absent), O(payload_identifier) or O(uuid) is required.
    type: str
  path:
    description:
      - Path of the C(.mobileconfig) file (XML or binary property list) on the host the module runs on
        (usually C(localhost)).
      - With O(state=present), O(path) or O(content) is required.
    type: path
  content:
    description:
      - The profile's XML as text, for example from a C(template) lookup.
      - Not logged, since profiles often carry passwords.
    type: str
  uuid:
    description:
      - MicroMDM UUID of the profile, to delete it with O(state=absent) when its payload identifier is
        not known.
      - Given with O(payload_identifier), both must name the same profile, else the task fails and
        nothing is deleted.
      - Not with O(flavor=micromdm), whose profiles have no UUID.
    type: str
  state:
    description:
      - V(present) adds the profile or replaces its content, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Deleting a profile does not remove it from the workflows that list it, nor from devices.
'''

EXAMPLES = r'''
- name: Add the login window profile from a file
  mdmkit.mdm.micromdm_profile:
    path: files/loginwindow.mobileconfig
    payload_identifier: com.example.loginwindow

- name: Add a profile rendered from a template
  mdmkit.mdm.micromdm_profile:
    content: "{{ lookup('ansible.builtin.template', 'wifi.mobileconfig.j2') }}"
  register: wifi

- name: Delete it
  mdmkit.mdm.micromdm_profile:
    payload_identifier: com.example.wifi
    state: absent
'''

RETURN = r'''
profile:
  description:
    - The profile after the task (what it would be, in check mode); null once deleted.
    - C(uuid) is missing when the profile would be created in check mode.
  returned: always
  type: dict
  contains:
    uuid:
      description: MicroMDM UUID of the stored profile; null with O(flavor=micromdm) (no UUIDs there).
      type: str
      returned: success
      sample: 41647409-ec23-4177-8d5b-307363cd55fd
    payload_identifier:
      description: Payload identifier the profile is filed under.
      type: str
      returned: success
      sample: com.example.loginwindow
    payload:
      description: The parsed profile (data as base64, dates as ISO 8601), secret-looking values masked.
      type: dict
      returned: success
      sample: {PayloadIdentifier: com.example.loginwindow, PayloadType: Configuration, PayloadVersion: 1}
    payload_sha256:
      description: SHA-256 of the parsed, unmasked profile in canonical JSON; what decides a change.
      type: str
      returned: success
      sample: 0b6f0e1a5e1f0f6c3a2f7a1d2c5e9b8f0e1a5e1f0f6c3a2f7a1d2c5e9b8f0e1a
    payload_uuid:
      description: The profile's C(PayloadUUID).
      type: str
      returned: success
      sample: 8F1C7C33-4C0B-4D0F-9E36-0D4B6E3B3D11
    payload_display_name:
      description: The profile's C(PayloadDisplayName).
      type: str
      returned: success
      sample: Login window
    payload_version:
      description: The profile's C(PayloadVersion).
      type: int
      returned: success
      sample: 1
    payload_types:
      description: C(PayloadType) of each payload in C(PayloadContent).
      type: list
      elements: str
      returned: success
      sample: [com.apple.loginwindow]
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError
from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm import check_flavor
from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm_profiles import (
    check_identifier, delete_profile, digest, jsonable, list_profiles, parse_profile, profile_record, read_profile,
    same_id, save_profile, summary)
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.state import Resource

PROFILE = Resource('profile', keys=['payload_identifier', 'payload', 'payload_sha256'])


def main():
    module = MdmModule(
        'micromdm',
        argument_spec=dict(
            payload_identifier=dict(type='str'),
            path=dict(type='path'),
            content=dict(type='str', no_log=True),
            uuid=dict(type='str'),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        mutually_exclusive=[('path', 'content')],
        required_if=[('state', 'present', ('path', 'content'), True),
                     ('state', 'absent', ('payload_identifier', 'uuid'), True)],
        supports_check_mode=True,
    )
    params = module.params
    state = params['state']
    with module.errors():
        check_flavor(params['flavor'], ('management_v1', 'micromdm'), 'micromdm_profile (a profile store)')
    if params['flavor'] == 'micromdm' and params['uuid'] is not None:
        module.fail_on('uuid', 'MicroMDM 1.x (flavor micromdm) files profiles by payload identifier only; '
                       'they have no UUID. Use payload_identifier.')
    desired = None
    raw = parsed = None
    if state == 'present':
        option = 'path' if params['path'] is not None else 'content'
        try:
            raw = read_profile(params['path'], params['content'], option=option)
            parsed = parse_profile(raw, option=option)
            identifier = check_identifier(parsed, params['payload_identifier'])
        except ConfigError as exc:
            module.fail_json(msg=exc.msg)
        desired = {'payload_identifier': identifier, 'payload': jsonable(parsed, mask=True),
                   'payload_sha256': digest(parsed)}
        desired.update(summary(parsed))
        if params['uuid'] is not None:
            module.fail_on('uuid', 'only used with state=absent; with state=present the profile is '
                           'found by its payload identifier.')
    client = module.client

    def create(desired):
        body = save_profile(client, desired['payload_identifier'], raw, parsed)
        view = profile_record(body) if body else {}
        if not view.get('payload_identifier'):  # an answer without the stored profile: read it back
            view = find_current(module, list_profiles(client), desired['payload_identifier'], None) or {}
        return view or None

    def update(changes, current):
        return create(dict(current, **changes))

    def delete(current):
        delete_profile(client, current)

    with module.errors():
        current = find_current(module, list_profiles(client), params['payload_identifier'] or
                               (desired or {}).get('payload_identifier'), params['uuid'])
        result = PROFILE.ensure(module, current, desired or {}, create=create, update=update,
                                delete=delete, state=state)
    module.exit_json(**result)


def find_current(module, profiles, payload_identifier, uuid):
    """The stored profile named by ``uuid`` and/or ``payload_identifier``; when both are given they
    must name the same profile (else the task fails: deleting either one could be the wrong one)."""
    by_uuid = [p for p in profiles if uuid and same_id(p.get('uuid'), uuid)]
    by_identifier = [p for p in profiles if payload_identifier and p.get('payload_identifier') == payload_identifier]
    if uuid and payload_identifier and (by_uuid or by_identifier):
        if not by_uuid or not by_identifier or by_uuid[0] is not by_identifier[0]:
            module.fail_on('uuid', '%r and payload_identifier %r name different profiles (%s and %s); '
                           'nothing was changed. Give the one that names the profile to delete.'
                           % (uuid, payload_identifier,
                              by_uuid[0].get('payload_identifier') if by_uuid else 'no profile',
                              by_identifier[0].get('uuid') if by_identifier else 'no profile'))
    found = by_uuid or by_identifier
    return profile_record(found[0]) if found else None


if __name__ == '__main__':
    main()
