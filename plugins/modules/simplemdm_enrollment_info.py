#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: simplemdm_enrollment_info
short_description: List SimpleMDM enrollments, or show one
version_added: 0.1.0
description:
  - Lists the enrollments of a SimpleMDM account (not the automated Apple Business Manager / Apple
    School Manager ones), or returns the one with id O(id).
  - An enrollment with a C(device_id) is a one-time enrollment; one whose C(url) is null is an Account
    Driven enrollment.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.simplemdm
  - mdmkit.mdm.attributes.info_module
options:
  id:
    description: Id of one enrollment. Unknown fails.
    type: int
'''

EXAMPLES = r'''
- name: All enrollments
  mdmkit.mdm.simplemdm_enrollment_info:
  register: enrollments

- name: The URL of enrollment 2
  mdmkit.mdm.simplemdm_enrollment_info:
    id: 2
  register: one
'''

RETURN = r'''
enrollments:
  description: The enrollments, flattened (C(id), the attributes, C(device_group_id) and C(device_id)).
  returned: always
  type: list
  elements: dict
  sample:
    - id: 2
      url: https://a.simplemdm.com/enroll/?c=12345678
      user_enrollment: false
      welcome_screen: true
      authentication: false
      device_group_id: 1
count:
  description: Number of enrollments returned.
  returned: always
  type: int
  sample: 1
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import NotFoundError
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm import flatten


def main():
    module = MdmModule(
        'simplemdm',
        argument_spec=dict(id=dict(type='int')),
        supports_check_mode=True,
    )
    client = module.client
    with module.errors():
        if module.params['id'] is not None:
            try:
                body = client.get('enrollments/%s' % module.params['id'])
            except NotFoundError:
                module.fail_on('id', 'no SimpleMDM enrollment has the id %s.' % module.params['id'])
            # The reference shows "Retrieve one" without the ``data`` wrapper; accept both.
            objects = [body['data'] if isinstance(body.get('data'), dict) else body]
        else:
            objects = client.paginate('enrollments')
        enrollments = [flatten(o) for o in objects]
    module.exit_json(changed=False, enrollments=enrollments, count=len(enrollments))


if __name__ == '__main__':
    main()
