# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""MicroMDM adapter: HTTP Basic ``micromdm:<api key>`` (``nanomdm:<api key>`` for NanoMDM).

Three server APIs (the ``flavor`` connection option):

* ``management_v1``: the early MicroMDM API under ``/management/v1`` (the reference); it does not page.
* ``micromdm``: MicroMDM 1.x, paths ``v1/...`` at the server root (``POST v1/commands``,
  ``POST v1/devices`` lists devices, ...).
* ``nanomdm``: NanoMDM, paths ``v1/...`` at the server root (``PUT v1/enqueue/{ids}``,
  ``v1/push/{ids}``, ``v1/pushcert``).

The ``management_v1`` modules call paths without ``v1/``; with another flavor such a call fails
with a ``ConfigError`` naming the flavor instead of reaching a path the server does not serve.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.mdmkit.mdm.plugins.module_utils.client import ApiClient
from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import (
    ConfigError, NotFoundError, OutcomeUnknownError, TransportError)
from ansible_collections.mdmkit.mdm.plugins.module_utils.retries import RetryPolicy

try:
    from requests.adapters import HTTPAdapter
except ImportError:  # pragma: no cover - ApiClient reports the missing library
    HTTPAdapter = None

API_PREFIX = '/management/v1'
FLAVORS = ('management_v1', 'micromdm', 'nanomdm')
PREFIXES = {'management_v1': API_PREFIX, 'micromdm': '', 'nanomdm': ''}
USERS = {'management_v1': 'micromdm', 'micromdm': 'micromdm', 'nanomdm': 'nanomdm'}
LABELS = {'management_v1': 'MicroMDM', 'micromdm': 'MicroMDM', 'nanomdm': 'NanoMDM'}
# Paths sent without the retry of idempotent methods (NanoMDM's enqueue is a PUT that queues
# a new command each time: resending it after a lost answer could queue the command twice).
SEND_ONCE_PATHS = ('v1/enqueue/',)


class NoResendRetry(RetryPolicy):
    """The shared policy, minus resending after the request may have reached the server:
    only refusals (429, 503 with Retry-After) and failures before sending are retried."""

    def __init__(self, *args, **kwargs):
        kwargs['allowed_methods'] = frozenset(['GET', 'HEAD', 'OPTIONS'])
        super(NoResendRetry, self).__init__(*args, **kwargs)

    def is_retry(self, method, status_code, has_retry_after=False):
        if status_code == 429:
            return True
        return status_code == 503 and has_retry_after


class MicroMDMClient(ApiClient):
    vendor = 'micromdm'
    vendor_label = 'MicroMDM'

    def __init__(self, api_key, server_url, flavor='management_v1', **kwargs):
        if flavor not in FLAVORS:
            raise ConfigError('flavor must be one of %s, got %r.' % (', '.join(FLAVORS), flavor))
        super(MicroMDMClient, self).__init__(server_url.rstrip('/') + PREFIXES[flavor], **kwargs)
        self.flavor = flavor
        self.vendor_label = LABELS[flavor]
        self.add_secret(api_key)
        self.basic_auth = (USERS[flavor], api_key)
        if HTTPAdapter is not None:
            # requests picks the adapter with the longest matching prefix.
            once = NoResendRetry(total=self.retry_policy.total, rate_limit_max_wait=self.rate_limit_max_wait,
                                 on_wait=self._record_wait)
            for path in SEND_ONCE_PATHS:
                self.session.mount(self.base_url + '/' + path, HTTPAdapter(max_retries=once))

    def vendor_message(self, body):
        if isinstance(body, dict):
            return body.get('error') or body.get('message') or body.get('command_error') or body.get('push_error')
        return None

    def request(self, method, path, *args, **kwargs):
        if self.flavor == 'micromdm' and method.upper() == 'GET' and re.match(r'^/?devices/[^/]+$', path):
            # 1.x reads no single device by id: callers (find_device) fall back to the device list
            raise NotFoundError('MicroMDM 1.x has no GET /v1/devices/{id}; the device list is read instead.',
                                status=404, method='GET', path=path)
        if self.flavor != 'management_v1' and not (
                path.startswith('v1/') or path.startswith('/v1/') or path.startswith('http')):
            raise ConfigError('This module uses the MicroMDM /management/v1 API (%s %s), which a server of '
                              'flavor %s does not serve. Use flavor: management_v1 for such a server.'
                              % (method, path, self.flavor))
        try:
            return super(MicroMDMClient, self).request(method, path, *args, **kwargs)
        except TransportError as exc:
            if any(path.lstrip('/').startswith(p) for p in SEND_ONCE_PATHS) and 'retries exhausted' in exc.msg:
                # the shared client treats PUT as idempotent: say what really happened
                raise OutcomeUnknownError(
                    '%s The request may have reached %s and queued the command; it was not sent again. '
                    'Check the device queue before running this task again.' % (exc.msg, self.vendor_label),
                    method=method, path=exc.details.get('path'), outcome='unknown')
            raise

    def list_all(self, path, key):
        """The whole collection in one answer: ``{key: [...]}``.

        MicroMDM 1.x lists devices with ``POST v1/devices`` (a filter body; ``{}`` for all) and has
        no workflows (their place is taken by blueprints): the workflow list is empty there."""
        if self.flavor == 'micromdm' and path == 'devices':
            return [normalise_device(d) for d in self.list_devices_v1()]
        if self.flavor == 'micromdm' and path == 'workflows':
            return []
        body = self.get(path) or {}
        if isinstance(body, list):
            return body
        return body.get(key) or []

    def list_devices_v1(self, serials=None, udids=None):
        """MicroMDM 1.x: ``POST v1/devices`` with ``filter_serial`` / ``filter_udid`` (lists)."""
        if self.flavor != 'micromdm':
            raise ConfigError('Listing devices with POST /v1/devices needs flavor: micromdm (got %s).'
                              % self.flavor)
        body = {}
        if serials:
            body['filter_serial'] = list(serials)
        if udids:
            body['filter_udid'] = list(udids)
        answer = self.post('v1/devices', json_body=body) or {}
        if isinstance(answer, list):
            return answer
        return answer.get('devices') or []


def normalise_device(device):
    """A MicroMDM 1.x device (``{serial_number, udid, enrollment_status, last_seen, ...}``) with the
    keys the management_v1 modules read: ``uuid`` (the UDID: 1.x has no separate record id) and
    ``enrolled``. Keys MicroMDM sends are kept."""
    if not isinstance(device, dict):
        return device
    device = dict(device)
    device.setdefault('uuid', device.get('udid'))
    if 'enrolled' not in device and 'enrollment_status' in device:
        device['enrolled'] = bool(device.get('enrollment_status'))
    device.setdefault('workflow_uuid', '')
    return device
