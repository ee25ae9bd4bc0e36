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
Modules that serve only some flavors call ``check_flavor`` first, so they fail before any request
(and before a check-mode run could promise a change the real run cannot make).

Never resent: NanoMDM's enqueue (a PUT) and push (a GET) act each time the server gets them, so
they are sent with ``resend=False`` (see ``client.request``). MicroMDM 1.x lists devices, profiles
and blueprints with POST (micromdm pull requests #522-#524 turned those GETs with a body into
POSTs): such a read is never resent either, and a lost answer is reported as a plain
``TransportError`` (``read_post``), not as a write whose outcome is unknown.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.module_utils.six.moves.urllib.parse import quote

from ansible_collections.mdmkit.mdm.plugins.module_utils.client import ApiClient
from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import (
    ConfigError, NotFoundError, OutcomeUnknownError, TransportError)

API_PREFIX = '/management/v1'
FLAVORS = ('management_v1', 'micromdm', 'nanomdm')
PREFIXES = {'management_v1': API_PREFIX, 'micromdm': '', 'nanomdm': ''}
USERS = {'management_v1': 'micromdm', 'micromdm': 'micromdm', 'nanomdm': 'nanomdm'}
LABELS = {'management_v1': 'MicroMDM', 'micromdm': 'MicroMDM', 'nanomdm': 'NanoMDM'}
# What each flavor calls the API a module needs, for check_flavor's message.
FLAVOR_NAMES = {'management_v1': 'the MicroMDM /management/v1 API', 'micromdm': 'MicroMDM 1.x',
                'nanomdm': 'NanoMDM'}


def check_flavor(flavor, allowed, what, hint=''):
    """Raise ConfigError naming ``flavor`` when ``what`` (a module or a feature) is not served by it."""
    if flavor in allowed:
        return
    raise ConfigError('flavor: %s needs %s; %s does not serve it.%s Nothing was sent.'
                      % (what, ' or '.join(FLAVOR_NAMES[f] + ' (flavor %s)' % f for f in allowed),
                         FLAVOR_NAMES.get(flavor, flavor), (' ' + hint) if hint else ''))


# The ``udids`` option of the modules that act on devices; its documentation is the
# mdmkit.mdm.micromdm_udids doc fragment.
UDIDS_OPTION = dict(type='list', elements='str', required=True, aliases=['udid'])


def outcome(result, **changes):
    """An action's task result with ``changes``: what a failure at that point reports (how many
    devices were done, whether anything was sent)."""
    failed = dict(result)
    failed.update(changes)
    return failed


def exit_after_each(module, result, udids, send):
    """Exit with ``result`` after ``send(udid)`` for each device, in order, one request each, with
    ``sent`` true; in check mode, at once, having sent nothing. A failure fails the task at once, its
    result saying which devices were done (``done``; ``changed`` and ``sent`` true when any was)."""
    if module.check_mode:
        module.exit_json(**result)
    done = []
    for udid in udids:
        with module.errors(**outcome(result, changed=bool(done), sent=bool(done), done=list(done))):
            send(udid)
        done.append(udid)
    result['sent'] = True
    module.exit_json(**result)


def exit_per_device(module, result, results, done_status, allow_partial, none_done, some_failed):
    """End an action whose ``results`` say, per device, ``{id, status, error, ...}``.

    ``failed_ids`` are the devices whose status is not ``done_status``; the task is changed when any
    device got the action. It fails when none did, or when some did not and ``allow_partial`` is
    false, with ``none_done`` or ``some_failed``: %-templates of ``total`` (devices), ``failed``
    (their number) and ``first`` (the first failure, ``id: error``)."""
    failed = [r for r in results if r['status'] != done_status]
    result.update(sent=True, results=results, failed_ids=[r['id'] for r in failed],
                  changed=len(failed) < len(results))
    if failed and (len(failed) == len(results) or not allow_partial):
        template = none_done if len(failed) == len(results) else some_failed
        module.fail_json(msg=template % dict(total=len(results), failed=len(failed),
                                             first='%s: %s' % (failed[0]['id'], failed[0]['error'])),
                         **result)
    module.exit_json(**result)


def enrollment_ids(values, option='udids'):
    """Device UDIDs / NanoMDM enrollment IDs as given, stripped, duplicates (any case) dropped.

    NanoMDM takes several IDs in one path segment separated by commas, so an ID cannot contain a
    comma; any other character is sent percent-encoded (``id_path``)."""
    ids = []
    for value in values or []:
        value = (value or '').strip()
        if not value or ',' in value or any(ord(c) < 32 for c in value):
            raise ConfigError('%s: %r is not a UDID or enrollment ID (empty, a comma or a control character); '
                              'nothing was sent.' % (option, value))
        if value.lower() not in [i.lower() for i in ids]:
            ids.append(value)
    if not ids:
        raise ConfigError('%s: must name at least one device.' % option)
    return ids


def id_path(ids):
    """``id,id,...`` for a NanoMDM path: each ID percent-encoded (``/``, ``?``, ``#``, spaces...)."""
    return ','.join(quote(i, safe='') for i in ids)


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
        return super(MicroMDMClient, self).request(method, path, *args, **kwargs)

    def read_post(self, path, json_body):
        """A MicroMDM 1.x list read with POST. It changes nothing, so a lost answer is a
        ``TransportError`` (the shared client calls it an unknown outcome: POST may write)."""
        try:
            return self.post(path, json_body=json_body) or {}
        except OutcomeUnknownError as exc:
            raise TransportError('%s POST %s got no answer (timed out or lost its connection). It is a list '
                                 'request, so nothing was changed; run the task again.'
                                 % (self.vendor_label, exc.details.get('path') or path),
                                 method='POST', path=exc.details.get('path'))

    def list_all(self, path, key):
        """The whole collection in one answer: ``{key: [...]}``.

        MicroMDM 1.x lists devices with ``POST v1/devices`` (a filter body; ``{}`` for all) and has
        no workflows: their place is taken by blueprints (``micromdm_profiles.list_blueprints``)."""
        if self.flavor == 'micromdm' and path == 'devices':
            return [normalise_device(d) for d in self.list_devices_v1()]
        if self.flavor == 'micromdm' and path == 'workflows':
            raise ConfigError('flavor: MicroMDM 1.x (flavor micromdm) has no workflows; blueprints take their '
                              'place (mdmkit.mdm.micromdm_blueprint). Nothing was sent.')
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
        answer = self.read_post('v1/devices', body)
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
