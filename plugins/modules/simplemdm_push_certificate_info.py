#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: simplemdm_push_certificate_info
short_description: Show the APNs push certificate of a SimpleMDM account, and get the signed CSR
version_added: 0.1.0
description:
  - Returns the Apple ID and expiry of the push certificate SimpleMDM uses, and how many days are left.
  - With O(signed_csr=true), also returns the signed CSR to upload to the Apple Push Certificates
    Portal when creating or renewing the certificate.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.simplemdm
  - mdmkit.mdm.attributes.info_module
options:
  signed_csr:
    description:
      - Also download the signed CSR (a base64 encoded plist, to be uploaded to Apple as it is).
    type: bool
    default: false
seealso:
  - module: mdmkit.mdm.simplemdm_push_certificate
'''

EXAMPLES = r'''
- name: Warn when the push certificate expires within 30 days
  mdmkit.mdm.simplemdm_push_certificate_info:
  register: apns
  failed_when: apns.push_certificate.expires_in_days < 30

- name: Save the signed CSR for the Apple Push Certificates Portal
  mdmkit.mdm.simplemdm_push_certificate_info:
    signed_csr: true
  register: apns_csr

- name: Write it to a file
  ansible.builtin.copy:
    content: "{{ apns_csr.signed_csr }}"
    dest: simplemdm.plist.b64
    mode: '0600'
'''

RETURN = r'''
push_certificate:
  description: The current push certificate.
  returned: always
  type: dict
  contains:
    apple_id:
      description: Apple ID the certificate was created with.
      type: str
      returned: success
      sample: devops@example.org
    expires_at:
      description: Expiry, as SimpleMDM reports it.
      type: str
      returned: success
      sample: '2017-09-21T15:28:34.000+00:00'
    expires_in_days:
      description: Whole days until the expiry (negative once expired); null when SimpleMDM gives no expiry.
      type: int
      returned: success
      sample: 212
signed_csr:
  description: The signed CSR, a base64 encoded plist, as SimpleMDM returns it.
  returned: when O(signed_csr=true)
  type: str
  sample: VUVRVZ5HSlhkMmRrYlZaNVl6SnNkbUpxTUdsTlV6UjNTV2xDYkdKdFRuWmFS...
'''

import datetime

from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm_config import parse_time


def main():
    module = MdmModule(
        'simplemdm',
        argument_spec=dict(signed_csr=dict(type='bool', default=False)),
        supports_check_mode=True,
    )
    client = module.client
    result = dict(changed=False)
    with module.errors():
        attrs = (client.get('push_certificate').get('data') or {}).get('attributes') or {}
        expires = parse_time(attrs.get('expires_at'))
        days = None
        if expires is not None:
            days = (expires - datetime.datetime.now(datetime.timezone.utc)).days
        result['push_certificate'] = dict(apple_id=attrs.get('apple_id'), expires_at=attrs.get('expires_at'),
                                          expires_in_days=days)
        if module.params['signed_csr']:
            result['signed_csr'] = client.get('push_certificate/scsr').get('data')
    module.exit_json(**result)


if __name__ == '__main__':
    main()
