#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: esper_apns_certificate_info
short_description: List the APNs certificate records of an Esper tenant
version_added: 0.1.0
description:
  - Lists the APNs certificate records (the CSR and, once a certificate is uploaded, its serial number,
    topic, expiry and Apple ID), or the one with O(certificate_id).
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.esper
  - mdmkit.mdm.attributes.info_module
options:
  certificate_id:
    description: Id of one APNs certificate record.
    type: str
'''

EXAMPLES = r'''
- name: Every APNs certificate record
  mdmkit.mdm.esper_apns_certificate_info:
  register: found
'''

RETURN = r'''
apns_certificates:
  description: The APNs certificate records.
  returned: always
  type: list
  elements: dict
  sample: [{id: 2f1e0d9c-8b7a-4e6d-9c5b-4a3f2e1d0c9b, status: UPLOADED, serial_number: 5A3C9E01B2,
            expires_on: '2026-05-01T10:00:00Z', apple_id: mdm-admin@example.com}]
count:
  description: Number of records returned.
  returned: always
  type: int
  sample: 1
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.esper_commands import content, v2_paginate
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule

PATH = 'tenant/v0/apnscertificates/'


def main():
    module = MdmModule('esper', argument_spec=dict(certificate_id=dict(type='str')), supports_check_mode=True)
    client = module.client
    with module.errors():
        if module.params['certificate_id']:
            records = [content(client.get('%s%s/' % (PATH, module.params['certificate_id'])))]
        else:
            records = list(v2_paginate(client, PATH))
    module.exit_json(changed=False, apns_certificates=records, count=len(records))


if __name__ == '__main__':
    main()
