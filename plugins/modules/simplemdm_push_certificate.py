#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: simplemdm_push_certificate
short_description: Upload the APNs push certificate of a SimpleMDM account
version_added: 0.1.0
description:
  - Replaces the Apple Push Notification service (APNs) certificate SimpleMDM uses to reach the
    account's devices with O(file), the certificate Apple issued from the signed CSR
    (see M(mdmkit.mdm.simplemdm_push_certificate_info)).
  - Uploads only when the certificate differs from the current one. The certificate's expiry
    (read from O(file)) is compared with the C(expires_at) SimpleMDM reports, to the second, and
    O(apple_id), when set, with the Apple ID SimpleMDM holds.
  - An expired certificate is refused before anything is sent.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.simplemdm
  - mdmkit.mdm.attributes
options:
  file:
    description:
      - Path to the push certificate (PEM or DER) as Apple provides it.
    type: path
    required: true
  apple_id:
    description:
      - Email address of the Apple ID the certificate was created with. Unset leaves it to SimpleMDM.
    type: str
requirements:
  - cryptography
notes:
  - Renew with the same Apple ID as before. A certificate made with another Apple ID is a new
    certificate to Apple, and every enrolled device would have to enroll again.
seealso:
  - module: mdmkit.mdm.simplemdm_push_certificate_info
'''

EXAMPLES = r'''
- name: Renew the push certificate
  mdmkit.mdm.simplemdm_push_certificate:
    file: MDM_SimpleMDM_Certificate.pem
    apple_id: devops@example.org
'''

RETURN = r'''
push_certificate:
  description: The push certificate after the task (what it would be, in check mode).
  returned: always
  type: dict
  contains:
    apple_id:
      description: Apple ID of the certificate.
      type: str
      returned: success
      sample: devops@example.org
    expires_at:
      description: Expiry as SimpleMDM reports it (in check mode, the expiry read from O(file)).
      type: str
      returned: success
      sample: '2026-09-21T15:28:34.000+00:00'
'''

import datetime

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm_config import (
    CRYPTOGRAPHY_IMPORT_ERROR,
    HAS_CRYPTOGRAPHY,
    certificate_expiry,
    iso_utc,
    same_moment,
)
from ansible_collections.mdmkit.mdm.plugins.module_utils.state import Resource

PUSH_CERTIFICATE = Resource('push certificate', keys=['expires_at', 'apple_id'],
                            equal={'expires_at': same_moment,
                                   'apple_id': lambda cur, want: (cur or '').lower() == want.lower()})


def view(raw):
    attrs = raw.get('attributes') or {}
    return dict(apple_id=attrs.get('apple_id'), expires_at=attrs.get('expires_at'))


def main():
    module = MdmModule(
        'simplemdm',
        argument_spec=dict(
            file=dict(type='path', required=True),
            apple_id=dict(type='str'),
        ),
        supports_check_mode=True,
    )
    if not HAS_CRYPTOGRAPHY:
        module.fail_json(msg=missing_required_lib('cryptography'), exception=CRYPTOGRAPHY_IMPORT_ERROR)
    params = module.params
    with module.errors():
        expiry = certificate_expiry(params['file'])
        if expiry <= datetime.datetime.now(datetime.timezone.utc):
            raise ConfigError('file: the certificate in %s expired on %s; upload the renewed one Apple issued.'
                              % (params['file'], iso_utc(expiry)))
        client = module.client
        current = view(client.get('push_certificate')['data'])
        desired = dict(expires_at=iso_utc(expiry))
        if params['apple_id'] is not None:
            desired['apple_id'] = params['apple_id']

        def update(changes, cur):
            data = {'apple_id': params['apple_id']} if params['apple_id'] is not None else {}
            with open(params['file'], 'rb') as handle:
                content = handle.read()
            files = {'file': ('push_certificate.pem', content, 'application/x-x509-ca-cert')}
            return view(client.request('PUT', 'push_certificate', data=data, files=files).body['data'])

        result = PUSH_CERTIFICATE.ensure(module, current, desired, update=update)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
