#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: esper_apns_certificate
short_description: Request the APNs CSR, upload the signed APNs certificate, delete it (Esper)
version_added: 0.1.0
description:
  - "Without O(certificate): makes sure the tenant has an APNs certificate record with a CSR to sign
    in Apple's Push Certificates Portal, and returns the CSR (also written to O(csr_path)). A record
    still waiting for its certificate is reused; otherwise (every record already holds a certificate,
    or there is none) a new CSR is requested (C(POST /tenant/v0/apnscertificates/)). With
    O(certificate_id), that record's CSR is returned."
  - "With O(certificate): uploads the signed certificate with O(apple_id) (multipart
    C(PUT /tenant/v0/apnscertificates/{id}/)). The record is O(certificate_id), else the record
    already holding this certificate, else the one with the same APNs topic (a renewal), else the one
    waiting for a certificate, else the only record; when there is none, a CSR record is requested
    first."
  - "Idempotence: the API returns the serial number, expiry and topic of the uploaded certificate
    (not the certificate itself). The upload is skipped when the record's serial number and expiry
    equal the file's and its Apple ID equals O(apple_id)."
  - "O(state=absent) deletes O(certificate_id), else the record holding O(certificate), else the only
    record; with several records and neither option, the module fails."
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.esper
  - mdmkit.mdm.attributes
requirements:
  - cryptography (to read O(certificate))
options:
  certificate:
    description: Path of the signed APNs certificate (PEM or DER) from Apple.
    type: path
  apple_id:
    description: Apple ID the certificate was created with. Required with O(certificate).
    type: str
  certificate_id:
    description: Id of the APNs certificate record.
    type: str
  csr_path:
    description:
      - Where to write the CSR when no O(certificate) is given. Written only when its content differs
        (not in check mode).
    type: path
  state:
    description: V(present) requests a CSR or uploads the certificate; V(absent) deletes the record.
    type: str
    choices: [present, absent]
    default: present
'''

EXAMPLES = r'''
- name: Get a CSR to sign at https://identity.apple.com
  mdmkit.mdm.esper_apns_certificate:
    csr_path: /secure/esper-apns.csr

- name: Upload the signed certificate (skipped when the same one is already there)
  mdmkit.mdm.esper_apns_certificate:
    certificate: /secure/MDM_Esper_Certificate.pem
    apple_id: mdm-admin@example.com
'''

RETURN = r'''
apns_certificate:
  description: The APNs certificate record after the task (what it would be, in check mode); null once deleted.
  returned: always
  type: dict
  contains:
    id:
      description: Id of the record.
      type: str
      returned: when it exists
      sample: 2f1e0d9c-8b7a-4e6d-9c5b-4a3f2e1d0c9b
    serial_number:
      description: Serial number of the uploaded certificate (hexadecimal).
      type: str
      returned: once uploaded
      sample: 5A3C9E01B2
    expires_on:
      description: Expiry of the uploaded certificate (UTC).
      type: str
      returned: once uploaded
      sample: '2026-05-01T10:00:00Z'
    topic:
      description: APNs topic of the certificate.
      type: str
      returned: once uploaded
      sample: com.apple.mgmt.External.5b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d
    apple_id:
      description: Apple ID the certificate belongs to.
      type: str
      returned: once uploaded
      sample: mdm-admin@example.com
  sample: {id: 2f1e0d9c-8b7a-4e6d-9c5b-4a3f2e1d0c9b, serial_number: 5A3C9E01B2, expires_on: '2026-05-01T10:00:00Z',
           apple_id: mdm-admin@example.com}
csr:
  description: The CSR (PEM) to sign, when no certificate was given (null in check mode when it would be requested).
  returned: when O(certificate) is not given and O(state=present)
  type: str
  sample: "-----BEGIN CERTIFICATE REQUEST-----\nMIIB...\n-----END CERTIFICATE REQUEST-----\n"
'''

import os

from ansible_collections.mdmkit.mdm.plugins.module_utils import esper_tenant as et
from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError
from ansible_collections.mdmkit.mdm.plugins.module_utils.esper_commands import content, v2_paginate
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.state import Resource

PATH = 'tenant/v0/apnscertificates/'
KEYS = ['id', 'serial_number', 'expires_on', 'topic', 'apple_id']
APNS = Resource('apns certificate', keys=KEYS,
                equal={'id': lambda current, desired: True,
                       'serial_number': lambda current, desired: (current or '').upper().lstrip('0') == desired.lstrip('0'),
                       'expires_on': lambda current, desired: et.normalise_time(current) == desired})


def view(record):
    return dict((k, record.get(k)) for k in KEYS)


def waiting(record):
    return not record.get('serial_number')


def pick(records, params, cert):
    if params['certificate_id']:
        found = [r for r in records if r.get('id') == params['certificate_id']]
        if not found:
            raise ConfigError('certificate_id: no APNs certificate record has the id %s.' % params['certificate_id'])
        return found[0]
    if cert:
        for test in (lambda r: APNS.equal['serial_number'](r.get('serial_number'), cert['serial_number']),
                     lambda r: cert['topic'] and r.get('topic') == cert['topic']):
            found = [r for r in records if test(r)]
            if found:
                return found[0]
        if params['state'] == 'absent':
            return None
    pending = [r for r in records if waiting(r)]
    if pending and params['state'] == 'present':
        return pending[-1]
    if cert is None and params['state'] == 'present':
        return None  # asking for a CSR: a record that already holds a certificate is not it
    if len(records) == 1:
        return records[0]
    if len(records) > 1:
        raise ConfigError('certificate_id: the tenant has %d APNs certificate records; say which one.' % len(records))
    return None


def main():
    module = MdmModule(
        'esper',
        argument_spec=dict(
            certificate=dict(type='path'),
            apple_id=dict(type='str'),
            certificate_id=dict(type='str'),
            csr_path=dict(type='path'),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        required_by={'certificate': 'apple_id'},
        supports_check_mode=True,
    )
    p = module.params
    client = module.client
    with module.errors():
        cert = None
        if p['certificate']:
            if not os.path.isfile(p['certificate']):
                raise ConfigError('certificate: %s does not exist or is not a file.' % p['certificate'])
            cert = et.certificate_info(p['certificate'])
        records = list(v2_paginate(client, PATH))
        record = pick(records, p, cert)

        if p['state'] == 'absent':
            result = APNS.ensure(module, view(record) if record else None, {}, state='absent',
                                 delete=lambda current: client.delete('%s%s/' % (PATH, current['id'])))
            module.exit_json(**result)

        if cert is None:
            before = view(record) if record else {}
            changed = record is None
            if record is None and not module.check_mode:
                record = content(client.post(PATH, json_body={})) or {}
            csr = (record or {}).get('csr')
            changed = et.write_text(module, p['csr_path'], csr) or changed
            current = view(record) if record else None
            module.exit_json(changed=changed, apns_certificate=current, csr=csr,
                             diff=dict(before=before, after=current or {}))

        desired = dict(serial_number=cert['serial_number'], expires_on=cert['expires_on'], topic=cert['topic'],
                       apple_id=p['apple_id'])
        desired = dict((k, v) for k, v in desired.items() if v is not None)

        def upload(record_id):
            with open(p['certificate'], 'rb') as handle:
                data = handle.read()
            return view(content(client.request('PUT', '%s%s/' % (PATH, record_id), data={'apple_id': p['apple_id']},
                                               files={'file': (os.path.basename(p['certificate']), data)}).body) or {})

        def create(desired):
            new = content(client.post(PATH, json_body={})) or {}
            return upload(new['id'])

        def update(changes, current):
            return upload(current['id'])

        result = APNS.ensure(module, view(record) if record else None, desired, create=create, update=update)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
