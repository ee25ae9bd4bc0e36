#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: simplemdm_account
short_description: Set the name and App Store country of a SimpleMDM account
version_added: 0.1.0
description:
  - Sets the account's O(name) and O(apple_store_country_code), sending one C(PATCH) only when one
    of them differs from what the API shows.
  - The account always exists; there is no O(ignore:state).
  - To read the account and its subscription, use M(mdmkit.mdm.simplemdm_account_info).
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.simplemdm
  - mdmkit.mdm.attributes
options:
  name:
    description:
      - Name of the account. Unset leaves it untouched.
    type: str
  apple_store_country_code:
    description:
      - The App Store country SimpleMDM uses for the account, as a two-letter code (V(US), V(AU)).
        Compared without regard to case. Unset leaves it untouched.
    type: str
'''

EXAMPLES = r'''
- name: Use the Australian App Store
  mdmkit.mdm.simplemdm_account:
    apple_store_country_code: AU

- name: Rename the account
  mdmkit.mdm.simplemdm_account:
    name: ACME Devices
'''

RETURN = r'''
account:
  description: The account after the task (what it would be, in check mode).
  returned: success
  type: dict
  contains:
    name:
      description: Name of the account.
      type: str
      returned: success
      sample: SimpleMDM
    apple_store_country_code:
      description: App Store country code.
      type: str
      returned: success
      sample: AU
    subscription:
      description: Licence counts; only for accounts on a manual billing plan.
      type: dict
      returned: when the API shows it
      sample: {licenses: {total: 500, available: 123}}
  sample: {name: SimpleMDM, apple_store_country_code: AU}
'''

import re

from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.state import Resource

ACCOUNT = Resource('account', keys=['name', 'apple_store_country_code'],
                   equal={'apple_store_country_code': lambda current, desired: (current or '').upper() == desired.upper()})


def view(body):
    return dict(((body or {}).get('data') or {}).get('attributes') or {})


def main():
    module = MdmModule(
        'simplemdm',
        argument_spec=dict(
            name=dict(type='str'),
            apple_store_country_code=dict(type='str'),
        ),
        supports_check_mode=True,
    )
    code = module.params['apple_store_country_code']
    if code is not None and not re.match(r'^[A-Za-z]{2}$', code):
        module.fail_on('apple_store_country_code', 'a two-letter country code such as US or AU, got %r.' % code)
    if module.params['name'] is not None and not module.params['name'].strip():
        module.fail_on('name', 'the account name cannot be empty.')
    client = module.client

    def update(changes, current):
        after = view(client.patch('account', data=changes))
        merged = dict(current)
        merged.update(changes)
        merged.update(after)
        return merged

    with module.errors():
        current = view(client.get('account'))
        desired = ACCOUNT.desired(module.params)
        if 'apple_store_country_code' in desired:
            desired['apple_store_country_code'] = desired['apple_store_country_code'].upper()
        result = ACCOUNT.ensure(module, current, desired, update=update)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
