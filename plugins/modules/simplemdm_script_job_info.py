#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: simplemdm_script_job_info
short_description: List SimpleMDM script jobs, or show one with every device's result
version_added: 0.1.0
description:
  - Lists the script jobs of a SimpleMDM account (jobs stay listed for one month), or, with O(job),
    returns one job with each device's status, status code and output.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.simplemdm
  - mdmkit.mdm.attributes.info_module
options:
  job:
    description:
      - Id of one script job.
    type: int
  status:
    description:
      - Only return jobs with this status.
    type: str
    choices: [pending, completed, completed-with-errors, cancelled]
seealso:
  - module: mdmkit.mdm.simplemdm_script_job
'''

EXAMPLES = r'''
- name: Every pending job
  mdmkit.mdm.simplemdm_script_job_info:
    status: pending
  register: pending

- name: One job's results
  mdmkit.mdm.simplemdm_script_job_info:
    job: 341
  register: job
'''

RETURN = r'''
script_jobs:
  description:
    - The jobs, flattened. C(id), every attribute the API returns (C(script_name), C(job_id),
      C(status), C(pending_count), C(success_count), C(errored_count), C(created_at)...),
      C(custom_attribute), and C(devices) with each device's C(id), C(status), C(status_code) and
      C(response) (the output; C(null) in the list, where SimpleMDM leaves it out).
  returned: always
  type: list
  elements: dict
  sample:
    - id: 331
      script_name: Say Hi
      status: pending
      pending_count: 2
      success_count: 1
      errored_count: 0
      custom_attribute: greeting_attribute
      devices:
        - {id: 28, status: completed, status_code: '0', response: "Hello!\n"}
        - {id: 33, status: pending, status_code: null, response: null}
count:
  description: Number of jobs returned.
  returned: always
  type: int
  sample: 1
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import NotFoundError
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm_config import job_view


def main():
    module = MdmModule(
        'simplemdm',
        argument_spec=dict(
            job=dict(type='int'),
            status=dict(type='str', choices=['pending', 'completed', 'completed-with-errors', 'cancelled']),
        ),
        supports_check_mode=True,
    )
    params = module.params
    client = module.client
    with module.errors():
        if params['job'] is not None:
            try:
                objects = [client.get('script_jobs/%s' % params['job'])['data']]
            except NotFoundError:
                module.fail_on('job', 'no script job has the id %s (jobs stay listed for one month).' % params['job'])
        else:
            objects = client.paginate('script_jobs')
        jobs = [job_view(obj) for obj in objects]
    if params['status']:
        jobs = [job for job in jobs if job.get('status') == params['status']]
    module.exit_json(changed=False, script_jobs=jobs, count=len(jobs))


if __name__ == '__main__':
    main()
