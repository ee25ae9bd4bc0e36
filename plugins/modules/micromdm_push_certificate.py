#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: micromdm_push_certificate
short_description: Upload the APNs push certificate and key to NanoMDM
version_added: 0.1.0
description:
  - Uploads the MDM push (APNs) certificate and its private key to NanoMDM with C(PUT /v1/pushcert)
    (the two PEM blocks concatenated, as NanoMDM's docs/openapi.yaml describes). NanoMDM answers with
    the certificate's topic and expiry, returned in RV(topic) and RV(not_after). Needs O(flavor=nanomdm).
  - Before anything is sent the certificate is read here. It must be a PEM certificate with an APNs
    topic (the C(UID) of its subject) and the key must be its unencrypted private key; otherwise the
    task fails naming the option.
  - NanoMDM has no API that reads the stored certificate back, so this is an action that always reports
    a change (uploading the same certificate again does no harm). In check mode the certificate is read
    and nothing is sent.
  - The private key is never shown in results or messages.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.micromdm
  - mdmkit.mdm.attributes.action
requirements:
  - cryptography
options:
  certificate:
    description: The PEM certificate. Mutually exclusive with O(certificate_path); one of them is required.
    type: str
  certificate_path:
    description: Path to the PEM certificate file.
    type: path
  private_key:
    description: The unencrypted PEM private key. Mutually exclusive with O(private_key_path); one is required.
    type: str
  private_key_path:
    description: Path to the unencrypted PEM private key file.
    type: path
'''

EXAMPLES = r'''
- name: Renew NanoMDM's push certificate
  mdmkit.mdm.micromdm_push_certificate:
    flavor: nanomdm
    certificate_path: files/mdm_push.pem
    private_key: "{{ vault_mdm_push_key }}"
  register: pushcert

- name: When it expires
  ansible.builtin.debug:
    msg: "{{ pushcert.topic }} until {{ pushcert.not_after }}"
'''

RETURN = r'''
topic:
  description: The APNs topic of the certificate (NanoMDM's answer; read from the certificate in check mode).
  returned: success
  type: str
  sample: com.apple.mgmt.External.e3b8ceac-1f18-2c8e-8a63-dd17d99435d9
not_after:
  description: When the certificate expires (UTC, ISO 8601).
  returned: success
  type: str
  sample: '2026-01-07T04:04:46Z'
subject:
  description: The certificate's subject.
  returned: success
  type: str
  sample: UID=com.apple.mgmt.External.e3b8ceac-1f18-2c8e-8a63-dd17d99435d9,CN=APSP:e3b8ceac
sent:
  description: Whether the certificate was uploaded (false in check mode).
  returned: always
  type: bool
  sample: true
'''

from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError
from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm import check_flavor
from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm_commands import (
    push_certificate_info, upload_push_certificate)
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule


def read(module, text_option, path_option):
    params = module.params
    if params[path_option]:
        try:
            with open(params[path_option], 'rb') as handle:
                return handle.read()
        except (IOError, OSError) as exc:
            module.fail_on(path_option, 'cannot be read: %s' % (exc.strerror or exc))
    return to_bytes(params[text_option])


def main():
    module = MdmModule(
        'micromdm',
        argument_spec=dict(
            certificate=dict(type='str'),
            certificate_path=dict(type='path'),
            private_key=dict(type='str', no_log=True),
            private_key_path=dict(type='path', no_log=False),
        ),
        mutually_exclusive=[('certificate', 'certificate_path'), ('private_key', 'private_key_path')],
        required_one_of=[('certificate', 'certificate_path'), ('private_key', 'private_key_path')],
        supports_check_mode=True,
    )
    with module.errors():
        check_flavor(module.params['flavor'], ('nanomdm',), 'micromdm_push_certificate')
    cert_pem = read(module, 'certificate', 'certificate_path')
    key_pem = read(module, 'private_key', 'private_key_path')
    try:
        info = push_certificate_info(cert_pem, key_pem)
    except ConfigError as exc:
        module.fail_json(msg=exc.msg)
    client = module.client
    client.add_secret(key_pem.decode('utf-8', 'replace').strip())
    if module.check_mode:
        module.exit_json(changed=True, sent=False, **info)
    with module.errors():
        answer = upload_push_certificate(client, cert_pem, key_pem)
    info.update((k, answer[k]) for k in ('topic', 'not_after') if isinstance(answer, dict) and answer.get(k))
    module.exit_json(changed=True, sent=True, **info)


if __name__ == '__main__':
    main()
