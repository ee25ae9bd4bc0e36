#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: micromdm_command
short_description: Queue an MDM command on MicroMDM 1.x or NanoMDM devices
version_added: 0.1.0
description:
  - Queues one MDM command for one or more devices.
  - With O(flavor=micromdm) (MicroMDM 1.x) it sends C(POST /v1/commands) with the JSON body
    C({udid, request_type, ...}), one request per device; MicroMDM pushes to the device itself.
    MicroMDM queues a command for any UDID, even one no device has, so the module first checks every
    one of O(udids) against the device list (one C(POST /v1/devices) request, in check mode too) and
    sends nothing if one is unknown.
  - Queued commands can be read with M(mdmkit.mdm.micromdm_command_queue_info) and dropped with
    M(mdmkit.mdm.micromdm_command_queue_clear).
  - With O(flavor=nanomdm) it sends one C(PUT /v1/enqueue/{id,id,...}) whose body is the command
    plist (C(CommandUUID) generated here), followed by a push unless O(push=false) (C(?nopush=1)).
    Each ID is percent-encoded in the path; an ID with a comma (NanoMDM's separator) is refused.
    An answer of HTTP 207 (some targets failed) or 500 with per-target errors is reported per device.
  - The arguments each request type needs are checked before anything is sent; an argument that
    does not apply to O(request_type) fails naming it.
  - Always reports a change. In check mode nothing is sent. A command is never sent twice; an
    enqueue whose answer was lost fails with an unknown outcome instead of being resent.
  - The command's result reaches MicroMDM users only through its webhook (see the
    C(mdmkit.mdm.micromdm_webhook) event source, if installed); this module only queues.
  - O(flavor=management_v1) has no command API; the module fails saying so.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.micromdm
  - mdmkit.mdm.micromdm_udids
  - mdmkit.mdm.attributes.action
options:
  request_type:
    description: The MDM command.
    type: str
    required: true
    choices: [DeviceInformation, SecurityInfo, InstallProfile, RemoveProfile, InstalledApplicationList,
              InstallApplication, DeviceLock, EraseDevice, RestartDevice, ShutDownDevice]
  queries:
    description: DeviceInformation only. The query keys (for example C(DeviceName), C(OSVersion)).
    type: list
    elements: str
  profile:
    description:
      - InstallProfile only. The C(.mobileconfig) content (XML or binary property list, or signed).
      - Mutually exclusive with O(profile_path); one of them is required for InstallProfile.
      - Not logged, since profiles often carry passwords; results give its size only.
    type: str
  profile_path:
    description: InstallProfile only. Path to the C(.mobileconfig) file.
    type: path
  identifier:
    description:
      - RemoveProfile (required) the C(PayloadIdentifier) of the profile to remove;
        InstallApplication the bundle identifier of the app.
    type: str
  identifiers:
    description: InstalledApplicationList only. Limit the list to these bundle identifiers.
    type: list
    elements: str
  managed_apps_only:
    description: InstalledApplicationList only. List managed apps only.
    type: bool
  itunes_store_id:
    description: InstallApplication only. The App Store ID of the app.
    type: int
  manifest_url:
    description: InstallApplication only. HTTPS URL of the app manifest (enterprise apps).
    type: str
  management_flags:
    description: InstallApplication only. Apple's C(ManagementFlags) (1 remove the app with the MDM profile).
    type: int
  pin:
    description: DeviceLock and EraseDevice only. The six-digit Find My PIN (macOS). Never shown in results.
    type: str
  lock_message:
    description: DeviceLock only. Message shown on the lock screen (C(message) in the command).
    type: str
  phone_number:
    description: DeviceLock only. Phone number shown on the lock screen.
    type: str
  confirm:
    description: Must be V(true) for EraseDevice, which cannot be undone.
    type: bool
    default: false
  push:
    description:
      - NanoMDM only. Send an APNs push after queueing; V(false) adds C(?nopush=1).
        MicroMDM 1.x always pushes, so V(false) fails there.
    type: bool
    default: true
  allow_partial:
    description:
      - When some devices got the command and others did not, succeed (reporting each device) instead
        of failing. The task reports a change either way when any device got it.
    type: bool
    default: false
'''

EXAMPLES = r'''
- name: Ask a MicroMDM 1.x device for its OS version
  mdmkit.mdm.micromdm_command:
    flavor: micromdm
    udids: [00008030-001A2B3C4D5E802E]
    request_type: DeviceInformation
    queries: [OSVersion, DeviceName]

- name: Install a profile on NanoMDM enrollments, without pushing yet
  mdmkit.mdm.micromdm_command:
    flavor: nanomdm
    udids: "{{ lab_udids }}"
    request_type: InstallProfile
    profile_path: files/wifi.mobileconfig
    push: false

- name: Lock a Mac
  mdmkit.mdm.micromdm_command:
    flavor: micromdm
    udid: 00008030-001A2B3C4D5E802E
    request_type: DeviceLock
    pin: "{{ vault_lock_pin }}"
    lock_message: Please return to IT
'''

RETURN = r'''
sent:
  description: Whether the command was sent (false in check mode).
  returned: always
  type: bool
  sample: true
command:
  description: The command, as sent or as it would be; the PIN masked, a profile given by its size.
  returned: always
  type: dict
  sample: {request_type: DeviceLock, pin: '********', lock_message: Please return to IT}
command_uuid:
  description: NanoMDM the C(CommandUUID) of the command; MicroMDM null (one UUID per device, see RV(results)).
  returned: always
  type: str
  sample: 7c1d6f1e-58c4-4b67-9d2c-1f8f3a2b9e10
results:
  description: One entry per device, in the order of O(udids); empty in check mode.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The UDID or enrollment ID.
      type: str
      returned: always
    status:
      description: C(queued) or C(failed).
      type: str
      returned: always
    command_uuid:
      description: C(CommandUUID) of the queued command; null when it failed.
      type: str
      returned: always
    error:
      description: Why the server did not queue it; null when queued.
      type: str
      returned: always
    push_result:
      description:
        - NanoMDM only. The APNs push UUID of the push sent after queueing; null with O(push=false)
          or when the push failed.
      type: str
      returned: when flavor is nanomdm
    push_error:
      description: NanoMDM only. The push failed (the command is queued all the same).
      type: str
      returned: when flavor is nanomdm
  sample:
    - {id: 00008030-001A2B3C4D5E802E, status: queued, command_uuid: 7c1d6f1e-58c4-4b67-9d2c-1f8f3a2b9e10, error: null,
       push_result: 6E14E52F-7F07-42C7-8367-4D81441DC85F, push_error: null}
failed_ids:
  description: The devices that did not get the command.
  returned: always
  type: list
  elements: str
  sample: []
'''

import plistlib

from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm import UDIDS_OPTION, enrollment_ids, exit_per_device
from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm_commands import (
    ARGUMENTS, REQUEST_TYPES, check_arguments, send_micromdm, send_nanomdm, shown_command)
from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm_profiles import known_udids
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule


def read_profile(module):
    params = module.params
    if params['profile_path']:
        try:
            with open(params['profile_path'], 'rb') as handle:
                data = handle.read()
        except (IOError, OSError) as exc:
            module.fail_on('profile_path', 'cannot be read: %s' % (exc.strerror or exc))
        option = 'profile_path'
    elif params['profile'] is not None:
        data, option = to_bytes(params['profile']), 'profile'
    else:
        return None
    if not data.lstrip().startswith(b'0'):  # a signed (CMS, DER) profile starts with 0x30
        try:
            plistlib.loads(data)
        except Exception as exc:
            module.fail_on(option, 'is not a property list (%s); nothing was sent.' % exc)
    return data


def main():
    module = MdmModule(
        'micromdm',
        argument_spec=dict(
            udids=UDIDS_OPTION,
            request_type=dict(type='str', required=True, choices=sorted(REQUEST_TYPES)),
            queries=dict(type='list', elements='str'),
            profile=dict(type='str', no_log=True),
            profile_path=dict(type='path'),
            identifier=dict(type='str'),
            identifiers=dict(type='list', elements='str'),
            managed_apps_only=dict(type='bool'),
            itunes_store_id=dict(type='int'),
            manifest_url=dict(type='str'),
            management_flags=dict(type='int'),
            pin=dict(type='str', no_log=True),
            lock_message=dict(type='str'),
            phone_number=dict(type='str'),
            confirm=dict(type='bool', default=False),
            push=dict(type='bool', default=True),
            allow_partial=dict(type='bool', default=False),
        ),
        mutually_exclusive=[('profile', 'profile_path')],
        supports_check_mode=True,
    )
    params = module.params
    flavor = params['flavor']
    request_type = params['request_type']
    if flavor == 'management_v1':
        module.fail_on('flavor', 'the MicroMDM /management/v1 API has no command endpoint; micromdm_command '
                       'needs flavor micromdm (MicroMDM 1.x) or nanomdm. Nothing was sent.')
    with module.errors():
        udids = enrollment_ids(params['udids'])
    if not params['push'] and flavor != 'nanomdm':
        module.fail_on('push', 'false is for NanoMDM only: MicroMDM 1.x pushes after queueing by itself.')
    args = dict((name, params[name]) for name in ARGUMENTS if name != 'profile')
    args['profile'] = None
    with module.errors():
        if params['profile'] is not None or params['profile_path']:
            if request_type != 'InstallProfile':
                module.fail_on('profile_path' if params['profile_path'] else 'profile',
                               'applies to InstallProfile only, not %s.' % request_type)
            args['profile'] = read_profile(module)
        given = check_arguments(request_type, args, confirm=params['confirm'])
        shown = shown_command(request_type, given)
        result = dict(changed=True, sent=False, command=shown, command_uuid=None, results=[], failed_ids=[])
        client = module.client
        if flavor == 'micromdm':
            # MicroMDM queues for any UDID: a typo would reach no device, silently
            udids = known_udids(client, udids)
        if module.check_mode:
            module.exit_json(**result)
        if flavor == 'micromdm':
            results = send_micromdm(client, request_type, udids, given)
        else:
            result['command_uuid'], results, dummy = send_nanomdm(client, request_type, udids, given,
                                                                  push=params['push'])
    # request_type is one of REQUEST_TYPES (no %): safe in a template
    exit_per_device(module, result, results, 'queued', params['allow_partial'],
                    request_type + ' was not queued for any of the %(total)d devices (%(first)s).',
                    request_type + ' was not queued for %(failed)d of %(total)d devices (%(first)s). The others '
                    'got it; to retry, send it again to failed_ids only.')


if __name__ == '__main__':
    main()
