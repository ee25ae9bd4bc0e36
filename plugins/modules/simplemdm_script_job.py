#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: simplemdm_script_job
short_description: Run a SimpleMDM script on macOS devices, or cancel a script job
version_added: 0.1.0
description:
  - With O(state=running), creates a script job that runs a script on devices, on the macOS
    devices of device groups and/or of assignment groups. Every run creates a new job, so the task
    always reports a change; the request is never resent.
  - With O(wait=true), polls the job until it is no longer pending and returns every device's
    status, status code and output.
  - With O(state=canceled), cancels the pending job O(job). Jobs can only be canceled before the
    devices received the script; an already canceled job is left as it is.
  - In check mode nothing is created or canceled; devices, groups, the script and the custom
    attribute are still looked up, so bad input fails the same way.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.simplemdm
  - mdmkit.mdm.attributes.action
options:
  script:
    description:
      - Id or exact name of the script to run. Required with O(state=running).
    type: str
  devices:
    description:
      - Devices (ids, serial numbers or names) to run the script on.
      - At least one of O(devices), O(device_groups) and O(assignment_groups) is required with
        O(state=running).
    type: list
    elements: str
  device_groups:
    description:
      - Device groups (ids or names) whose macOS devices run the script.
    type: list
    elements: str
  assignment_groups:
    description:
      - Assignment groups (ids or names) whose macOS devices run the script.
    type: list
    elements: str
  custom_attribute:
    description:
      - Store each device's output in this custom attribute (which must exist).
    type: str
  custom_attribute_regex:
    description:
      - Regular expression SimpleMDM uses to sanitize the output before storing it in
        O(custom_attribute); SimpleMDM recommends C(\n).
    type: str
  job:
    description:
      - Id of the script job to cancel. Required with O(state=canceled).
    type: int
  state:
    description:
      - V(running) creates a job, V(canceled) cancels O(job).
    type: str
    choices: [running, canceled]
    default: running
  wait:
    description:
      - Poll the new job until it is no longer pending (or O(wait_timeout) passes).
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to wait with O(wait=true). When the job is still pending then, the task fails,
        returning the job (whose id O(state=canceled) takes).
    type: int
    default: 600
  poll_interval:
    description:
      - Seconds between two polls with O(wait=true).
    type: float
    default: 10
notes:
  - Scripts run on macOS devices only; devices of other kinds in the groups are skipped by SimpleMDM.
  - Scripts are not available with every SimpleMDM subscription; the API then answers with an error.
seealso:
  - module: mdmkit.mdm.simplemdm_script
  - module: mdmkit.mdm.simplemdm_script_job_info
'''

EXAMPLES = r'''
- name: Run a script on two Macs and wait for the results
  mdmkit.mdm.simplemdm_script_job:
    script: Say hi
    devices: [C02XK1ZZJGH5, "101"]
    wait: true
    wait_timeout: 300
  register: job

- name: Show each Mac's output
  ansible.builtin.debug:
    msg: "{{ item.id }}: {{ item.status }} ({{ item.status_code }}) {{ item.response }}"
  loop: "{{ job.script_job.devices }}"

- name: Run on a device group, storing the output in a custom attribute
  mdmkit.mdm.simplemdm_script_job:
    script: Read asset tag
    device_groups: [Office]
    custom_attribute: asset_tag
    custom_attribute_regex: "\\n"

- name: Cancel it
  mdmkit.mdm.simplemdm_script_job:
    job: "{{ job.script_job.id }}"
    state: canceled
'''

RETURN = r'''
script_job:
  description:
    - The job as SimpleMDM returned it after creation, polling or cancelation (flattened), with
      C(devices) holding each device's C(id), C(status) (pending, completed, error, cancelled),
      C(status_code) and C(response) (the output).
    - In check mode, C(null) for O(state=running).
  returned: always
  type: dict
  sample:
    id: 341
    job_id: '87135'
    script_name: My Script
    status: completed
    pending_count: 0
    success_count: 1
    errored_count: 0
    custom_attribute: greeting_attribute
    devices:
      - {id: 33, status: completed, status_code: '0', response: "Hello World!\n"}
request:
  description: What was sent (or, in check mode, would have been) to create the job.
  returned: with O(state=running)
  type: dict
  sample: {script_id: 35, device_ids: '101,102', group_ids: '37'}
'''

import time

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError, NotFoundError
from ansible_collections.mdmkit.mdm.plugins.module_utils.lookup import find
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm_config import job_view, listing, resolve_ids

TARGETS = (('devices', 'devices', 'device_ids'), ('device_groups', 'device_groups', 'group_ids'),
           ('assignment_groups', 'assignment_groups', 'assignment_group_ids'))


def find_script(client, ref):
    ref = str(ref).strip()
    if ref.isdigit():
        try:
            return client.get('scripts/%s' % ref)['data']
        except NotFoundError:
            pass
    found = find(listing(client, 'scripts'), ref, ('id', 'name'), 'script', 'script')
    if found is None:
        raise ConfigError('script: no SimpleMDM script has the id or name %r.' % ref)
    return found


def run(module, client):
    params = module.params
    if not any(params[option] for option, kind, field in TARGETS):
        raise ConfigError('devices: at least one of devices, device_groups and assignment_groups must list '
                          'a target.')
    if params['custom_attribute_regex'] is not None and not params['custom_attribute']:
        raise ConfigError('custom_attribute_regex: only used with custom_attribute.')
    script = find_script(client, params['script'])
    data = {'script_id': script['id']}
    for option, kind, field in TARGETS:
        ids = resolve_ids(client, kind, params[option], option)
        if ids:
            data[field] = ','.join(str(i) for i in ids)
    if params['custom_attribute']:
        try:
            client.get('custom_attributes/%s' % params['custom_attribute'])
        except NotFoundError:
            raise ConfigError('custom_attribute: no custom attribute is named %r.' % params['custom_attribute'])
        data['custom_attribute'] = params['custom_attribute']
        if params['custom_attribute_regex'] is not None:
            data['custom_attribute_regex'] = params['custom_attribute_regex']
    if module.check_mode:
        return dict(changed=True, script_job=None, request=data)
    job = job_view(client.post('script_jobs', data=data)['data'])
    result = dict(changed=True, script_job=job, request=data)
    if params['wait']:
        deadline = time.time() + params['wait_timeout']
        while job.get('status') == 'pending':
            if time.time() >= deadline:
                result['msg'] = ('script job %s is still pending after %s seconds (%s of %s devices pending); '
                                 'it keeps running: cancel it with state=canceled and job=%s if needed.'
                                 % (job['id'], params['wait_timeout'], job.get('pending_count'),
                                    len(job.get('devices') or []), job['id']))
                module.fail_json(**result)
            time.sleep(max(0.0, min(params['poll_interval'], deadline - time.time())))
            job = job_view(client.get('script_jobs/%s' % job['id'])['data'])
            result['script_job'] = job
    return result


def cancel(module, client):
    job_id = module.params['job']
    try:
        job = job_view(client.get('script_jobs/%s' % job_id)['data'])
    except NotFoundError:
        raise ConfigError('job: no script job has the id %s (jobs stay listed for one month).' % job_id)
    if job.get('status') in ('cancelled', 'canceled'):
        return dict(changed=False, script_job=job)
    if job.get('status') != 'pending':
        raise ConfigError('job: script job %s has already finished (status %s); only pending jobs can be '
                          'canceled.' % (job_id, job.get('status')))
    if module.check_mode:
        return dict(changed=True, script_job=job)
    client.delete('script_jobs/%s' % job_id)
    try:
        job = job_view(client.get('script_jobs/%s' % job_id)['data'])
    except NotFoundError:
        job = dict(job, status='cancelled')
    return dict(changed=True, script_job=job)


def main():
    module = MdmModule(
        'simplemdm',
        argument_spec=dict(
            script=dict(type='str'),
            devices=dict(type='list', elements='str'),
            device_groups=dict(type='list', elements='str'),
            assignment_groups=dict(type='list', elements='str'),
            custom_attribute=dict(type='str'),
            custom_attribute_regex=dict(type='str'),
            job=dict(type='int'),
            state=dict(type='str', default='running', choices=['running', 'canceled']),
            wait=dict(type='bool', default=False),
            wait_timeout=dict(type='int', default=600),
            poll_interval=dict(type='float', default=10),
        ),
        required_if=[('state', 'running', ['script']), ('state', 'canceled', ['job'])],
        supports_check_mode=True,
    )
    client = module.client
    with module.errors():
        if module.params['state'] == 'canceled':
            result = cancel(module, client)
        else:
            result = run(module, client)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
