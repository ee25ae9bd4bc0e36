# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""MicroMDM adapter: HTTP Basic ``micromdm:<api key>``; the management API does not page."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.mdmkit.mdm.plugins.module_utils.client import ApiClient

API_PREFIX = '/management/v1'


class MicroMDMClient(ApiClient):
    vendor = 'micromdm'
    vendor_label = 'MicroMDM'

    def __init__(self, api_key, server_url, **kwargs):
        super(MicroMDMClient, self).__init__(server_url.rstrip('/') + API_PREFIX, **kwargs)
        self.add_secret(api_key)
        self.basic_auth = ('micromdm', api_key)

    def vendor_message(self, body):
        if isinstance(body, dict):
            return body.get('error') or body.get('message')
        return None

    def list_all(self, path, key):
        """The reference lists whole collections in one answer: ``{key: [...]}``."""
        body = self.get(path) or {}
        if isinstance(body, list):
            return body
        return body.get(key) or []
