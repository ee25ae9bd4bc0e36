#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: abm_device_release
short_description: Release devices from the organization in Apple Business Manager
version_added: 0.1.0
description:
  - Releases organization devices (C(orgDeviceActivities) of type C(RELEASE_DEVICES)). A released device
    leaves the organization for good; it can come back only through a new purchase or Apple Configurator.
    Release cannot be undone, so the module does nothing without O(confirm=true).
  - Apple Business Manager only (Apple Business API 2.4). Apple School Manager's API has no
    C(RELEASE_DEVICES) activity, so O(api=school) fails before anything is read or sent.
  - Idempotent. The devices are read first; a serial number the organization no longer has (already
    released, or never there) is unchanged, and when every device is gone nothing is sent.
  - The devices are sent in as few activities as O(batch_size) allows. With O(wait) (the default), each
    activity is polled, with growing intervals, until it is C(COMPLETED), C(FAILED) or C(STOPPED); an
    activity that does not succeed fails the task, naming the devices still in the organization (from the
    activity's log, else by reading the devices again).
  - Activities are never resent; if the answer to a create request is lost, the task fails saying so.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.abm
  - mdmkit.mdm.attributes
attributes:
  check_mode:
    description: Reads the devices and reports what would be released; sends nothing. O(confirm) is required too.
    support: full
  diff_mode:
    description: The diff lists each device to release, with its status before and C(RELEASED) after.
    support: full
options:
  serial_numbers:
    description:
      - Serial numbers of the devices to release (compared in upper case).
    type: list
    elements: str
    required: true
  confirm:
    description:
      - Must be V(true). Releasing a device from the organization cannot be undone.
      - Checked before anything is read or sent, in check mode too.
    type: bool
    default: false
  batch_size:
    description:
      - Most devices sent in one activity, from 1 to 1000.
    type: int
    default: 1000
  wait:
    description:
      - Wait until every activity has finished, and fail if one did not succeed.
      - When V(false), the activities are returned as Apple first reported them; follow them with
        M(mdmkit.mdm.abm_device_activity_info).
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for all activities to finish before failing (the activities keep running at Apple).
    type: int
    default: 600
  poll_interval:
    description:
      - Seconds before the first status check; each later check waits 1.5 times longer, up to 60 seconds.
    type: float
    default: 5
'''

EXAMPLES = r'''
- name: Release the devices sold to a reseller
  mdmkit.mdm.abm_device_release:
    serial_numbers: "{{ sold }}"
    confirm: true
  register: released

- name: What would be released
  mdmkit.mdm.abm_device_release:
    serial_numbers: [DVVS36G1YD3JKQNI]
    confirm: true
  check_mode: true
  diff: true
'''

RETURN = r'''
released:
  description: Serial numbers released (in check mode, that would be released), in the order given.
  returned: always
  type: list
  elements: str
  sample: [DVVS36G1YD3JKQNI]
absent:
  description: Serial numbers the organization did not have (already released); unchanged.
  returned: always
  type: list
  elements: str
  sample: []
activities:
  description:
    - One entry per activity sent (none in check mode), in the state last read, with C(id), C(activity_type)
      (C(RELEASE_DEVICES)), C(devices), C(status), C(sub_status), C(created_date_time),
      C(completed_date_time), C(download_url), and C(device_outcomes) when it did not fully succeed.
  returned: always
  type: list
  elements: dict
  sample:
    - id: b1481656-b267-480d-b284-a809eed8b041
      activity_type: RELEASE_DEVICES
      devices: [DVVS36G1YD3JKQNI]
      status: COMPLETED
      sub_status: COMPLETED_WITH_SUCCESS
failed_devices:
  description: Devices still in the organization after their activity finished (the task then fails).
  returned: when an activity did not succeed
  type: list
  elements: str
  sample: [DVVS36G1YD3JKQNI]
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.abm_devices import (
    MAX_BATCH_SIZE,
    await_outcomes,
    chunks,
    failed_result,
    failure_message,
    get_devices,
    normalize_serial,
    pending_message,
    send_activities,
)
from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import MdmError
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule

RELEASE = 'RELEASE_DEVICES'


def main():
    module = MdmModule(
        'abm',
        argument_spec=dict(
            serial_numbers=dict(type='list', elements='str', required=True),
            confirm=dict(type='bool', default=False),
            batch_size=dict(type='int', default=MAX_BATCH_SIZE),
            wait=dict(type='bool', default=True),
            wait_timeout=dict(type='int', default=600),
            poll_interval=dict(type='float', default=5),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if params['api'] == 'school':
        module.fail_on('api', 'releasing devices is served by the Apple Business API only; Apple School Manager '
                       'has no RELEASE_DEVICES activity. Nothing was read or sent.')
    if not params['confirm']:
        module.fail_on('confirm', 'releasing devices from the organization cannot be undone; set confirm: true '
                       'to release them. Nothing was read or sent.')
    serials = []
    for value in params['serial_numbers']:
        serial = normalize_serial(value)
        if not serial:
            module.fail_on('serial_numbers', 'an empty serial number was given.')
        if serial not in serials:
            serials.append(serial)
    if not serials:
        module.fail_on('serial_numbers', 'give at least one serial number.')
    if not 1 <= params['batch_size'] <= MAX_BATCH_SIZE:
        module.fail_on('batch_size', 'must be between 1 and %d, got %d.' % (MAX_BATCH_SIZE, params['batch_size']))
    if params['wait_timeout'] < 0:
        module.fail_on('wait_timeout', 'must not be negative.')
    if params['poll_interval'] < 0:
        module.fail_on('poll_interval', 'must not be negative.')

    client = module.client
    result = dict(changed=False, released=[], absent=[], activities=[])
    try:
        run(module, client, serials, result)
    except MdmError as exc:
        module.fail_json(msg=exc.msg, **failed_result(result, exc))
    module.exit_json(**result)


def run(module, client, serials, result):
    params = module.params
    found, absent = get_devices(client, serials)
    release = [s for s in serials if s in found]
    result.update(released=release, absent=absent, changed=bool(release))
    result['diff'] = dict(before=dict((s, found[s].get('status')) for s in release),
                          after=dict((s, 'RELEASED') for s in release))
    if not release or module.check_mode:
        return
    send_activities(client, [(RELEASE, None, part) for part in chunks(release, params['batch_size'])], result)
    if not params['wait']:
        return

    def from_devices(activity):
        _still, gone = get_devices(client, activity['devices'])
        return [{'serial': s, 'ok': s in gone, 'status': None,
                 'message': 'from the devices read after the activity'} for s in activity['devices']]

    pending, unsuccessful, failed = await_outcomes(client, result['activities'], params['wait_timeout'],
                                                   params['poll_interval'], from_devices)
    if pending:
        module.fail_json(msg=pending_message(pending, result['activities'], params['wait_timeout']), **result)
    if unsuccessful:
        result['failed_devices'] = failed
        module.fail_json(msg=failure_message(unsuccessful, result['activities'], failed, 'released'), **result)


if __name__ == '__main__':
    main()
