# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``MdmModule``: AnsibleModule plus the vendor's connection options and client."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.mdmkit.mdm.plugins.module_utils import connection
from ansible_collections.mdmkit.mdm.plugins.module_utils.client import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import MdmError, OutcomeUnknownError


class MdmModule(AnsibleModule):
    """A module of one vendor: its connection options are added to ``argument_spec``."""

    def __init__(self, vendor, argument_spec, **kwargs):
        spec = connection.argument_spec(vendor)
        spec.update(argument_spec)
        for key, values in connection.module_constraints(vendor).items():
            kwargs[key] = list(kwargs.get(key) or []) + values
        super(MdmModule, self).__init__(argument_spec=spec, **kwargs)
        self.vendor = vendor
        self._client = None
        if not HAS_REQUESTS:
            self.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
        if vendor == 'abm':
            from ansible_collections.mdmkit.mdm.plugins.module_utils.abm import HAS_JWT, JWT_IMPORT_ERROR
            if not HAS_JWT:
                self.fail_json(msg=missing_required_lib('PyJWT'), exception=JWT_IMPORT_ERROR)

    @property
    def client(self):
        if self._client is None:
            with self.errors():
                self._client = connection.client_from_options(self.vendor, self.params.get)
        return self._client

    @contextlib.contextmanager
    def errors(self, **result):
        """Turn the client's typed errors into ``fail_json`` with the error's details."""
        try:
            yield
        except MdmError as exc:
            failed = dict(result)
            failed.update(exc.result())
            if isinstance(exc, OutcomeUnknownError):
                failed['changed'] = True  # the write may have happened: never report "nothing done"
            self.fail_json(msg=exc.msg, **failed)

    def fail_on(self, option, problem, **result):
        """A bad option: fail naming it, before anything is sent."""
        self.fail_json(msg='%s: %s' % (option, problem), **result)
