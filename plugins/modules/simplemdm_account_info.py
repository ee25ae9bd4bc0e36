#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: simplemdm_account_info
short_description: Show a SimpleMDM account and its subscription
version_added: 0.1.0
description:
  - Returns the account's name, App Store country and, for accounts on a manual billing plan,
    the subscription's licence counts (one request).
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.simplemdm
  - mdmkit.mdm.attributes.info_module
options: {}
'''

EXAMPLES = r'''
- name: Read the account
  mdmkit.mdm.simplemdm_account_info:
  register: account

- name: Warn when licences run low
  ansible.builtin.debug:
    msg: "Only {{ account.account.subscription.licenses.available }} licences left"
  when:
    - account.account.subscription is defined
    - account.account.subscription.licenses.available < 10
'''

RETURN = r'''
account:
  description: The account's attributes.
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
      sample: US
    subscription:
      description: Licence counts (C(licenses.total), C(licenses.available)).
      type: dict
      returned: for accounts on a manual billing plan
      sample: {licenses: {total: 500, available: 123}}
  sample: {name: SimpleMDM, apple_store_country_code: US, subscription: {licenses: {total: 500, available: 123}}}
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule


def main():
    module = MdmModule('simplemdm', argument_spec=dict(), supports_check_mode=True)
    with module.errors():
        body = module.client.get('account') or {}
    account = dict((body.get('data') or {}).get('attributes') or {})
    module.exit_json(changed=False, account=account)


if __name__ == '__main__':
    main()
