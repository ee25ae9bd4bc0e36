# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""MDM commands for MicroMDM 1.x (``POST /v1/commands``, JSON) and NanoMDM
(``PUT /v1/enqueue/{ids}``, a command plist).

``REQUEST_TYPES`` maps each supported request type to its arguments: option name ->
(MicroMDM JSON key, Apple plist key). MicroMDM's JSON keys are those of its Go structs
(github.com/micromdm/micromdm mdm package: ``udid``, ``request_type``, ``queries``, ``payload``,
``identifier``, ``itunes_store_id``, ``manifest_url``, ``management_flags``, ``pin``, ``message``,
``phone_number``); the plist keys are Apple's command keys.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import plistlib
import re
import uuid

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ApiError, ConfigError

MASK = '********'

REQUEST_TYPES = {
    'DeviceInformation': {'queries': ('queries', 'Queries')},
    'SecurityInfo': {},
    'InstallProfile': {'profile': ('payload', 'Payload')},
    'RemoveProfile': {'identifier': ('identifier', 'Identifier')},
    'InstalledApplicationList': {'identifiers': ('identifiers', 'Identifiers'),
                                 'managed_apps_only': ('managed_apps_only', 'ManagedAppsOnly')},
    'InstallApplication': {'itunes_store_id': ('itunes_store_id', 'iTunesStoreID'),
                           'identifier': ('identifier', 'Identifier'),
                           'manifest_url': ('manifest_url', 'ManifestURL'),
                           'management_flags': ('management_flags', 'ManagementFlags')},
    'DeviceLock': {'pin': ('pin', 'PIN'), 'lock_message': ('message', 'Message'),
                   'phone_number': ('phone_number', 'PhoneNumber')},
    'EraseDevice': {'pin': ('pin', 'PIN')},
    'RestartDevice': {},
    'ShutDownDevice': {},
}
ARGUMENTS = sorted(set(name for args in REQUEST_TYPES.values() for name in args))
SECRET_ARGUMENTS = ('pin',)
PIN_RE = re.compile(r'^[0-9]{6}$')


def check_arguments(request_type, args, confirm=False):
    """Raise ConfigError (naming the option) for a command that cannot be sent as given.

    ``args``: option name -> value (None = not given). Returns the arguments that apply."""
    allowed = REQUEST_TYPES[request_type]
    extra = sorted(name for name, value in args.items() if value not in (None, []) and name not in allowed)
    if extra:
        raise ConfigError('%s: %s %s not apply to %s (it takes %s).'
                          % (extra[0], ', '.join(extra), 'does' if len(extra) == 1 else 'do', request_type,
                             ', '.join(sorted(allowed)) or 'no arguments'))
    given = dict((name, args.get(name)) for name in allowed if args.get(name) not in (None, []))
    if request_type == 'InstallProfile' and not given.get('profile'):
        raise ConfigError('profile: InstallProfile needs the profile (profile or profile_path).')
    if request_type == 'RemoveProfile' and not (given.get('identifier') or '').strip():
        raise ConfigError('identifier: RemoveProfile needs the PayloadIdentifier of the profile to remove.')
    if request_type == 'InstallApplication' and not any(
            given.get(k) not in (None, '') for k in ('itunes_store_id', 'identifier', 'manifest_url')):
        raise ConfigError('itunes_store_id: InstallApplication needs itunes_store_id, identifier or manifest_url.')
    if given.get('manifest_url') and not re.match(r'^https://', given['manifest_url']):
        raise ConfigError('manifest_url: must be an https:// URL, got %r.' % given['manifest_url'])
    if 'pin' in given and not PIN_RE.match(str(given['pin'])):
        raise ConfigError('pin: must be six digits.')
    if request_type == 'EraseDevice' and not confirm:
        raise ConfigError('confirm: EraseDevice erases every device in udids and cannot be undone; '
                          'set confirm: true to send it.')
    return given


def json_command(request_type, udid, given):
    """The MicroMDM 1.x ``POST /v1/commands`` body for one device."""
    body = {'udid': udid, 'request_type': request_type}
    for name, value in given.items():
        key = REQUEST_TYPES[request_type][name][0]
        body[key] = base64.b64encode(value).decode('ascii') if name == 'profile' else value
    return body


def plist_command(request_type, given, command_uuid=None):
    """(command_uuid, XML plist bytes) for NanoMDM's enqueue."""
    command = {'RequestType': request_type}
    for name, value in given.items():
        command[REQUEST_TYPES[request_type][name][1]] = value  # bytes for profile: <data>
    command_uuid = command_uuid or str(uuid.uuid4())
    return command_uuid, plistlib.dumps({'CommandUUID': command_uuid, 'Command': command})


def shown_command(request_type, given):
    """The command as the result shows it: secrets masked, a profile as its size."""
    shown = {'request_type': request_type}
    for name, value in given.items():
        if name in SECRET_ARGUMENTS:
            shown[name] = MASK
        elif name == 'profile':
            shown['profile_bytes'] = len(value)
        else:
            shown[name] = value
    return shown


def send_micromdm(client, request_type, udids, given):
    """One ``POST v1/commands`` per device, in order. Per-device results; a device that
    MicroMDM refuses does not stop the others. An unknown outcome is raised at once."""
    results = []
    for udid in udids:
        try:
            answer = client.post('v1/commands', json_body=json_command(request_type, udid, given)) or {}
        except ApiError as exc:
            results.append(dict(id=udid, status='failed', command_uuid=None, error=exc.vendor_message or exc.msg))
            continue
        payload = answer.get('payload') if isinstance(answer, dict) else None
        payload = payload if isinstance(payload, dict) else {}
        results.append(dict(id=udid, status='queued', command_uuid=payload.get('CommandUUID'), error=None))
    return results


def send_nanomdm(client, request_type, ids, given, push=True):
    """One ``PUT v1/enqueue/{id,id,...}`` (never resent). Returns (command_uuid, results, answer)."""
    command_uuid, body = plist_command(request_type, given)
    path = 'v1/enqueue/' + ','.join(ids) + ('' if push else '?nopush=1')
    response = client.request('PUT', path, data=body, headers={'Content-Type': 'application/xml'},
                              ok_statuses=(500,))
    answer = response.body if isinstance(response.body, dict) else {}
    if response.status == 500 and not answer:
        raise ApiError('NanoMDM PUT /v1/enqueue failed with HTTP 500: %s'
                       % (response.text.strip()[:200] or 'no body (the command body could not be read)'),
                       status=500, method='PUT', path='/v1/enqueue')
    statuses = answer.get('status') if isinstance(answer.get('status'), dict) else {}
    overall_error = answer.get('command_error')
    results = []
    for enrollment in ids:
        entry = statuses.get(enrollment) or {}
        error = entry.get('command_error') or (overall_error if response.status == 500 and not entry else None)
        results.append(dict(id=enrollment, status='failed' if error else 'queued',
                            command_uuid=None if error else (answer.get('command_uuid') or command_uuid),
                            error=error or None, push_result=entry.get('push_result'),
                            push_error=entry.get('push_error') or None))
    return answer.get('command_uuid') or command_uuid, results, answer
