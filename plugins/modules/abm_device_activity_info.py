#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: abm_device_activity_info
short_description: Show the status of Apple Business Manager or Apple School Manager device activities
version_added: 0.1.0
description:
  - Reads device activities (C(GET /v1/orgDeviceActivities/{id})), such as those that
    M(mdmkit.mdm.abm_device_assignment) creates, with their status, sub-status, dates and the URL of the log.
  - Apple keeps activities for 30 days; an unknown id fails the task, naming it.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.abm
  - mdmkit.mdm.attributes.info_module
options:
  ids:
    description:
      - Ids of the activities.
    type: list
    elements: str
    required: true
    aliases: [id]
'''

EXAMPLES = r'''
- name: Follow the activities of an assignment run with wait=false
  mdmkit.mdm.abm_device_activity_info:
    ids: "{{ moved.activities | map(attribute='id') | list }}"
  register: progress
  until: progress.activities | rejectattr('status', 'in', ['COMPLETED', 'FAILED', 'STOPPED']) | list | length == 0
  retries: 20
  delay: 15
'''

RETURN = r'''
activities:
  description: One entry per id, in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Activity id.
      type: str
      sample: 84d7f133-b4a4-41be-ad0a-c2e4e53ea624
    status:
      description: C(IN_PROGRESS), C(COMPLETED), C(FAILED) or C(STOPPED).
      type: str
      sample: COMPLETED
    sub_status:
      description: Sub-status, such as C(SUBMITTED), C(COMPLETED_WITH_SUCCESS) or C(COMPLETED_WITH_ERROR).
      type: str
      sample: COMPLETED_WITH_SUCCESS
    created_date_time:
      description: When the activity was created.
      type: str
      sample: '2025-05-01T18:22:27.106Z'
    completed_date_time:
      description: When it finished (null while in progress).
      type: str
      sample: '2025-05-01T18:22:38.894Z'
    download_url:
      description: URL of the CSV log with the per-device results (null while in progress).
      type: str
      sample: https://store.blobstore.apple.com/...
finished:
  description: Whether every activity is C(COMPLETED), C(FAILED) or C(STOPPED).
  returned: always
  type: bool
  sample: true
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.abm_devices import get_activity, is_terminal
from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import NotFoundError
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule


def main():
    module = MdmModule(
        'abm',
        argument_spec=dict(
            ids=dict(type='list', elements='str', required=True, aliases=['id']),
        ),
        supports_check_mode=True,
    )
    ids = [i.strip() for i in module.params['ids']]
    if not ids or not all(ids):
        module.fail_on('ids', 'give at least one activity id, and no empty one.')
    client = module.client
    activities = []
    with module.errors():
        for activity_id in ids:
            try:
                activities.append(get_activity(client, activity_id))
            except NotFoundError:
                module.fail_on('ids', 'no device activity has the id %s (Apple keeps activities for 30 days).'
                               % activity_id)
    module.exit_json(changed=False, activities=activities, finished=all(is_terminal(a) for a in activities))


if __name__ == '__main__':
    main()
