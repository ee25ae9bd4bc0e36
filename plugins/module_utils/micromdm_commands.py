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
import importlib.util
import plistlib
import re
import uuid

from ansible.module_utils.six.moves.urllib.parse import quote

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ApiError, ConfigError
from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm import id_path

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
    path = 'v1/enqueue/' + id_path(ids) + ('' if push else '?nopush=1')
    # resend=False: each PUT queues the command again, so a lost answer must not be resent
    response = client.request('PUT', path, data=body, headers={'Content-Type': 'application/xml'},
                              ok_statuses=(500,), resend=False)
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


# ---- pushes ----------------------------------------------------------------------------------

def push_one(client, udid):
    """Ask MicroMDM to push to one device: ``POST /management/v1/devices/{udid}/push`` or, on
    MicroMDM 1.x, ``POST /v1/push/{udid}`` (micromdm platform/apns: answers
    ``{"status": "success", "push_notification_id"}``, or an error with ``{"error"}``).
    A POST is never resent. Returns the answer."""
    if client.flavor == 'micromdm':
        return client.post('v1/push/' + quote(udid, safe='')) or {}
    return client.post('devices/%s/push' % quote(udid, safe='')) or {}


def push_each(client, udids):
    """``push_one`` for each device, in order; a refused push does not stop the others.
    Returns one result per UDID, as ``push_nanomdm`` does."""
    results = []
    for udid in udids:
        try:
            answer = push_one(client, udid)
        except ApiError as exc:
            # the whole message: the HTTP status and the server's own words
            results.append(dict(id=udid, status='failed', push_result=None, error=exc.msg))
            continue
        answer = answer if isinstance(answer, dict) else {}
        push_id = answer.get('push_notification_id') or answer.get('push_id') or answer.get('id')
        results.append(dict(id=udid, status='pushed', push_result=push_id, error=None))
    return results


def push_nanomdm(client, ids):
    """NanoMDM ``GET /v1/push/{id,id,...}`` (docs/openapi.yaml): 200 all pushed, 207 some failed,
    500 all failed, each with an APIResult ``{"status": {id: {"push_result"|"push_error"}}}``.
    Sent once (``resend=False``). Returns (results, answer) with one result per id."""
    response = client.request('GET', 'v1/push/' + id_path(ids), ok_statuses=(207, 500), resend=False)
    answer = response.body if isinstance(response.body, dict) else {}
    if response.status == 500 and not answer:
        raise ApiError('NanoMDM GET /v1/push failed with HTTP 500: %s' % (response.text.strip()[:200] or 'no body'),
                       status=500, method='GET', path='/v1/push')
    statuses = answer.get('status') if isinstance(answer.get('status'), dict) else {}
    results = []
    for enrollment in ids:
        entry = statuses.get(enrollment) or {}
        error = entry.get('push_error') or (answer.get('push_error') if response.status != 200 and not entry
                                            else None)
        if response.status != 200 and not entry and not error:
            error = 'NanoMDM reported no result for this id (HTTP %s)' % response.status
        results.append(dict(id=enrollment, status='failed' if error else 'pushed',
                            push_result=None if error else entry.get('push_result'), error=error or None))
    return results, answer


# ---- the NanoMDM push certificate -------------------------------------------------------------
# PUT /v1/pushcert (docs/openapi.yaml): the body is the PEM certificate and the unencrypted PEM private
# key, concatenated; 200 {"topic", "not_after"}, 400/500 {"error"}. There is no GET.

APNS_TOPIC_OID = '0.9.2342.19200300.100.1.1'  # UID: the APNs topic, as NanoMDM reads it


def push_certificate_info(cert_pem, key_pem):
    """{topic, not_after, subject} of an APNs certificate, after checking that ``key_pem`` is its
    unencrypted private key. ConfigError naming the option otherwise; the key is never shown."""
    if importlib.util.find_spec('cryptography') is None:
        raise ConfigError('certificate: the Python library cryptography is needed to read the certificate.')
    from cryptography import x509  # pylint: disable=import-outside-toplevel
    from cryptography.hazmat.primitives import serialization  # pylint: disable=import-outside-toplevel
    try:
        cert = x509.load_pem_x509_certificate(cert_pem)
    except ValueError as exc:
        raise ConfigError('certificate: not a PEM X.509 certificate (%s); nothing was sent.' % exc)
    try:
        key = serialization.load_pem_private_key(key_pem, password=None)
    except (ValueError, TypeError):
        raise ConfigError('private_key: not an unencrypted PEM private key (NanoMDM needs it unencrypted); '
                          'nothing was sent.')
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(serialization.Encoding.DER, public) != \
            cert.public_key().public_bytes(serialization.Encoding.DER, public):
        raise ConfigError('private_key: is not the key of the certificate (their public keys differ); '
                          'nothing was sent.')
    topics = [a.value for a in cert.subject if a.oid.dotted_string == APNS_TOPIC_OID]
    if not topics:
        raise ConfigError('certificate: has no UID (APNs topic) in its subject: not an MDM push certificate; '
                          'nothing was sent.')
    expires = getattr(cert, 'not_valid_after_utc', None) or cert.not_valid_after
    return {'topic': topics[0], 'not_after': expires.strftime('%Y-%m-%dT%H:%M:%SZ'),
            'subject': cert.subject.rfc4514_string()}


def upload_push_certificate(client, cert_pem, key_pem):
    """PUT the certificate and key to NanoMDM; returns its answer (``{topic, not_after}``)."""
    body = cert_pem.rstrip(b'\n') + b'\n' + key_pem
    return client.put('v1/pushcert', data=body, headers={'Content-Type': 'text/plain'}) or {}


# ---- the MicroMDM 1.x command queue ---------------------------------------------------------

def read_queue(client, udid):
    """``GET /v1/commands/{udid}`` (micromdm platform/command view.go: ``{"device_command": <the
    queue as JSON>}``). The queue's own shape is not documented; this reads a list of commands,
    ``{"commands": [...]}`` or Go's ``{"Commands": [...]}``, inside ``device_command`` or not, each
    ``{uuid|UUID, payload|Payload}`` with the payload a command plist (base64) or an object."""
    answer = client.get('v1/commands/' + quote(udid, safe='')) or {}
    queue = answer.get('device_command', answer) if isinstance(answer, dict) else answer
    if isinstance(queue, dict):
        queue = queue.get('commands', queue.get('Commands')) or []
    return [queued_command(entry) for entry in queue if isinstance(entry, dict)]


def clear_queue(client, udid):
    """``DELETE /v1/commands/{udid}`` (micromdm pull request #864): empties the device's queue."""
    return client.delete('v1/commands/' + quote(udid, safe=''))


SECRET_KEY = re.compile(r'(?i)(^pin$|password|passphrase|secret|token)')


def queued_command(entry):
    """One queued command as results show it: ``{command_uuid, request_type, command}``, the command
    with its PIN and secret-looking values masked and a profile (``Payload`` data) given by its size."""
    uuid_value = entry.get('uuid', entry.get('UUID'))
    payload = entry.get('payload', entry.get('Payload'))
    command = {}
    if isinstance(payload, dict):
        command = payload
    elif isinstance(payload, str) and payload:
        try:
            decoded = plistlib.loads(base64.b64decode(payload))
        except Exception:  # not a plist: show what is known (the UUID) and nothing else
            decoded = {}
        command = decoded if isinstance(decoded, dict) else {}
    inner = command.get('Command') if isinstance(command.get('Command'), dict) else command
    uuid_value = uuid_value or command.get('CommandUUID')
    request_type = inner.get('RequestType') or inner.get('request_type')
    return {'command_uuid': uuid_value, 'request_type': request_type, 'command': masked(inner)}


def masked(value, key=None):
    if isinstance(value, dict):
        return dict((str(k), masked(v, str(k))) for k, v in value.items())
    if isinstance(value, list):
        return [masked(v, key) for v in value]
    if key is not None and SECRET_KEY.search(key) and value not in (None, ''):
        return MASK
    if isinstance(value, bytes):
        return '<%d bytes>' % len(value)
    if key in ('Payload', 'payload') and isinstance(value, str):
        return '<%d bytes, base64>' % len(value)
    if hasattr(value, 'isoformat'):
        return value.isoformat()
    return value
