#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: simplemdm_device_command
short_description: Send a command to one or many SimpleMDM devices
version_added: 0.1.0
description:
  - Sends one device command (lock, restart, wipe, refresh, update the OS...) to each device in
    O(devices), and returns the HTTP outcome for each device.
  - Devices are given by id, serial number or name, resolved with the fewest requests before
    anything is sent. Up to ten devices cost one request each (an id is read directly, a serial
    number or name is searched for); for more, the account's device listing (100 devices per request)
    is read alongside the lookups, and whichever covers every device first ends it. A device name shown
    on the device (C(device_name)), which SimpleMDM does not search, and an unknown ref are looked for
    in the complete listing.
  - Every option the command needs is checked for every device before anything is sent; for
    example a macOS device needs a 6-digit O(pin) to be locked and an O(os_update_mode) to be updated.
    Whether a device runs macOS is read from its product and model name.
  - Commands are sent in parallel, at most O(parallel) at a time. When SimpleMDM answers HTTP 429 the
    client waits as asked (up to O(rate_limit_max_wait)) and every parallel sender waits with it.
  - A command is never sent twice. If a request may have reached SimpleMDM but no answer came back
    (a timeout or dropped connection after sending), that device is reported with outcome
    C(unknown), and no further device is sent to; the remaining ones are reported C(not_sent), and
    the task fails so that a person checks those devices before running it again.
  - The task fails when any device has outcome C(failed), C(unknown) or C(not_sent); the result still
    lists every device. A C(refresh) that SimpleMDM refuses with HTTP 429 (refreshed too often) is
    reported as C(rate_limited) for that device, with a warning, and does not fail the task.
  - A command refused with HTTP 429 and a wait (C(Retry-After) or C(X-RateLimit-Reset)) is sent again
    after that wait, as O(max_retries) and O(rate_limit_max_wait) allow. A bare 429, which is how
    SimpleMDM refuses a refresh of a device it refreshed recently, is that device's answer at once;
    a few seconds of backoff would not change it.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.simplemdm
  - mdmkit.mdm.attributes.action
options:
  devices:
    description:
      - Ids, serial numbers or names of the devices. A name that matches several devices fails.
      - Devices awaiting enrollment are found too.
    type: list
    elements: str
    required: true
    aliases: [device]
  command:
    description:
      - The command to send.
      - V(enable_remote_desktop)/V(disable_remote_desktop) and V(enable_bluetooth)/V(disable_bluetooth) are
        the POST and DELETE of the same endpoint.
    type: str
    required: true
    choices:
      - push_apps
      - refresh
      - restart
      - shutdown
      - lock
      - clear_passcode
      - clear_firmware_password
      - rotate_firmware_password
      - clear_recovery_lock_password
      - clear_restrictions_password
      - rotate_recovery_lock_password
      - rotate_filevault_key
      - set_admin_password
      - rotate_admin_password
      - wipe
      - update_os
      - enable_remote_desktop
      - disable_remote_desktop
      - enable_bluetooth
      - disable_bluetooth
      - set_time_zone
      - unenroll
      - delete_user
  rebuild_kernel_cache:
    description: V(restart) only. Rebuild the kernel cache during restart (macOS 11 or later).
    type: bool
  notify_user:
    description: V(restart) only. Let a signed-in user choose to restart (macOS 11.3 or later).
    type: bool
  lock_message:
    description:
      - V(lock) only. Message shown on the lock screen.
      - Sent as the API's C(message) (an option cannot be named C(message) in Ansible).
    type: str
  phone_number:
    description: V(lock) only. Phone number shown on the lock screen.
    type: str
  pin:
    description:
      - V(lock) and V(wipe). A 6-digit number the device will require to be unlocked.
      - Required to lock a macOS device; needed to wipe a macOS device without a T2 chip.
      - Sent to macOS devices only (iOS does not support it).
    type: str
  new_password:
    description: V(set_admin_password) only (and required by it). The new macOS Auto Admin password.
    type: str
  os_update_mode:
    description:
      - V(update_os) only. Required for macOS devices, sent to macOS devices only (iOS ignores it).
    type: str
    choices: [smart_update, download_only, notify_only, install_asap, force_update]
  version_type:
    description: V(update_os) only. Which version to update to; SimpleMDM defaults to the latest major version.
    type: str
    choices: [latest_minor_version, latest_major_version]
  time_zone:
    description: V(set_time_zone) only (and required by it). A TZ identifier such as C(Europe/Paris).
    type: str
  user_id:
    description:
      - V(delete_user) only (and required by it). Id of the user account on the device, as listed by
        M(mdmkit.mdm.simplemdm_device_info) with C(include=[users]).
    type: int
  parallel:
    description: How many requests are in flight at most.
    type: int
    default: 8
'''

EXAMPLES = r'''
- name: Lock a lost Mac and an iPad
  mdmkit.mdm.simplemdm_device_command:
    command: lock
    devices: [C02XK1JQJG5H, "Sara's iPad"]
    lock_message: Please call IT
    phone_number: "+15555555555"
    pin: "123456"

- name: Refresh the inventory of every device of a group
  mdmkit.mdm.simplemdm_device_command:
    command: refresh
    devices: "{{ groups['simplemdm_group_retail'] }}"
    parallel: 16
  register: refreshed

- name: Show what a wipe would send, without sending it
  mdmkit.mdm.simplemdm_device_command:
    command: wipe
    devices: [DNFJE9DNG5MG]
  check_mode: true

- name: Update macOS on one Mac
  mdmkit.mdm.simplemdm_device_command:
    command: update_os
    devices: [C02XK1JQJG5H]
    os_update_mode: install_asap
    version_type: latest_minor_version
'''

RETURN = r'''
results:
  description:
    - One entry per device, in the order of O(devices). In check mode, what would be sent, with outcome
      C(check_mode).
  returned: always
  type: list
  elements: dict
  contains:
    device:
      description: The device's id, serial number and name.
      type: dict
      returned: always
      sample: {id: 121, serial_number: DNFJE9DNG5MG, name: "Mike's iPhone"}
    method:
      description: HTTP method.
      type: str
      returned: always
      sample: POST
    path:
      description: Request path under the API root.
      type: str
      returned: always
      sample: devices/121/lock
    data:
      description: The form parameters sent (O(new_password) masked).
      type: dict
      returned: always
      sample: {message: Please call IT}
    status:
      description: HTTP status of the answer; null when there was none.
      type: int
      returned: always
      sample: 202
    outcome:
      description:
        - C(sent), C(rate_limited), C(failed), C(unknown) (may have reached SimpleMDM; not resent),
          C(not_sent) (skipped after an unknown outcome) or C(check_mode).
      type: str
      returned: always
      sample: sent
    msg:
      description: What happened, with SimpleMDM's error title for a refusal.
      type: str
      returned: always
      sample: HTTP 202
  sample:
    - device: {id: 121, serial_number: DNFJE9DNG5MG, name: "Mike's iPhone"}
      method: POST
      path: devices/121/refresh
      data: {}
      status: 202
      outcome: sent
      msg: HTTP 202
summary:
  description: Number of devices per outcome.
  returned: always
  type: dict
  sample: {sent: 10, rate_limited: 1}
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm_devices import (
    COMMANDS,
    check_command_options,
    command_request,
    failure_message,
    label,
    resolve_devices,
    send_each,
    shown_data,
    summarize,
)


def main():
    module = MdmModule(
        'simplemdm',
        argument_spec=dict(
            devices=dict(type='list', elements='str', required=True, aliases=['device']),
            command=dict(type='str', required=True, choices=list(COMMANDS)),
            rebuild_kernel_cache=dict(type='bool'),
            notify_user=dict(type='bool'),
            lock_message=dict(type='str'),
            phone_number=dict(type='str'),
            pin=dict(type='str', no_log=True),
            new_password=dict(type='str', no_log=True),
            os_update_mode=dict(type='str', choices=['smart_update', 'download_only', 'notify_only',
                                                     'install_asap', 'force_update']),
            version_type=dict(type='str', choices=['latest_minor_version', 'latest_major_version']),
            time_zone=dict(type='str'),
            user_id=dict(type='int'),
            parallel=dict(type='int', default=8),
        ),
        supports_check_mode=True,
    )
    params = module.params
    name = params['command']
    if params['parallel'] < 1:
        module.fail_on('parallel', 'must be at least 1.')
    # Options that do not depend on the devices are checked before any request.
    early = [p for p in check_command_options(name, params, []) if p]
    if early:
        module.fail_on(early[0][0], early[0][1], problems=['%s: %s' % p for p in early])
    client = module.client
    with module.errors():
        devices = resolve_devices(client, params['devices'], workers=params['parallel'])
    problems = check_command_options(name, params, devices)
    if problems:
        module.fail_on(problems[0][0], problems[0][1], problems=['%s: %s' % p for p in problems])

    jobs = []
    for device in devices:
        method, path, data = command_request(name, params, device)
        jobs.append(dict(device=label(device), method=method, path=path, data=data,
                         shown=shown_data(name, data)))
    if module.check_mode:
        results = [dict(device=j['device'], method=j['method'], path=j['path'], data=j['shown'], status=None,
                        outcome='check_mode', msg='Would send %s %s' % (j['method'], j['path']))
                   for j in jobs]
        module.exit_json(changed=True, results=results, summary=summarize(results))

    results = send_each(client, jobs, parallel=params['parallel'], rate_limited_ok=(name == 'refresh'))
    summary = summarize(results)
    for result in results:
        if result['outcome'] == 'rate_limited':
            module.warn('%s %s: SimpleMDM answered HTTP 429 (too many refreshes of this device); not refreshed.'
                        % (name, result['device'].get('serial_number') or result['device'].get('id')))
    problem = failure_message(name, results)
    changed = any(r['outcome'] in ('sent', 'unknown') for r in results)
    if problem:
        module.fail_json(msg=problem, changed=changed, results=results, summary=summary)
    module.exit_json(changed=changed, results=results, summary=summary)


if __name__ == '__main__':
    main()
