#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: simplemdm_enrollment
short_description: Send SimpleMDM enrollment invitations, or delete an enrollment
version_added: 0.1.0
description:
  - Sends an invitation of an enrollment to an email address or a phone number (O(contact)). An
    invitation is an action, sent on every run (check mode sends nothing).
  - With O(state=absent), deletes the enrollment; an enrollment already gone is left unchanged.
  - The SimpleMDM API cannot create or change enrollments (do that in the console), and it lists only
    enrollments that are not automated (Apple Business Manager / Apple School Manager ones are absent).
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.simplemdm
  - mdmkit.mdm.attributes
options:
  id:
    description: Id of the enrollment.
    type: int
    required: true
  contact:
    description:
      - Email address or phone number to send an invitation to (international numbers with a leading C(+)).
        Account Driven enrollments (with no URL) cannot send invitations.
      - O(state=present) only.
    type: str
  state:
    description:
      - V(present) checks that the enrollment exists (and sends the invitation), V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
'''

EXAMPLES = r'''
- name: Invite a user to enroll their device
  mdmkit.mdm.simplemdm_enrollment:
    id: 2
    contact: user@example.com

- name: Delete an enrollment
  mdmkit.mdm.simplemdm_enrollment:
    id: 2
    state: absent
'''

RETURN = r'''
enrollment:
  description: The enrollment (flattened) before the task; null when it does not exist.
  returned: always
  type: dict
  sample:
    id: 2
    url: https://a.simplemdm.com/enroll/?c=12345678
    user_enrollment: false
    welcome_screen: true
    authentication: false
    device_group_id: 1
invitation:
  description: The invitation sent (or that would be sent, in check mode).
  returned: when O(contact) is set
  type: dict
  sample: {contact: user@example.com, status: 200}
'''

import re

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import NotFoundError
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm import flatten

EMAIL_RE = re.compile(r'^[^@\s]+@[^@\s]+\.[^@\s]+$')
PHONE_RE = re.compile(r'^\+?[0-9][0-9 ().-]{4,}$')


def unwrap(body):
    """An enrollment object: SimpleMDM's reference shows "Retrieve one" without the ``data`` wrapper."""
    if isinstance(body, dict) and isinstance(body.get('data'), dict):
        return body['data']
    return body


def main():
    module = MdmModule(
        'simplemdm',
        argument_spec=dict(
            id=dict(type='int', required=True),
            contact=dict(type='str'),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        supports_check_mode=True,
    )
    params = module.params
    contact = params['contact']
    if contact is not None:
        if params['state'] == 'absent':
            module.fail_on('contact', 'is used only with state=present.')
        if not (EMAIL_RE.match(contact) or PHONE_RE.match(contact)):
            module.fail_on('contact', 'must be an email address or a phone number, got %r.' % contact)
    client = module.client
    path = 'enrollments/%s' % params['id']
    with module.errors():
        try:
            current = flatten(unwrap(client.get(path)))
        except NotFoundError:
            current = None
        result = dict(changed=False, enrollment=current)
        if params['state'] == 'absent':
            if current is not None:
                result['changed'] = True
                if not module.check_mode:
                    client.delete(path)
            result['diff'] = dict(before={'id': current['id']} if current else {}, after={})
            module.exit_json(**result)
        if current is None:
            module.fail_on('id', 'no SimpleMDM enrollment has the id %s.' % params['id'])
        if contact is not None:
            if current.get('url') is None:
                module.fail_on('contact', 'enrollment %s is an Account Driven enrollment (it has no URL), which '
                                          'cannot send invitations.' % params['id'])
            result['changed'] = True
            result['invitation'] = dict(contact=contact, status=None)
            if not module.check_mode:
                response = client.request('POST', path + '/invitations', data={'contact': contact})
                result['invitation']['status'] = response.status
        result['diff'] = dict(before={}, after={'invitation': contact} if contact else {})
    module.exit_json(**result)


if __name__ == '__main__':
    main()
