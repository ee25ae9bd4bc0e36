# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""MicroMDM helpers: configuration profiles (.mobileconfig), devices, workflows and (MicroMDM 1.x)
blueprints.

Profiles: read from a path or inline content, parsed with ``plistlib`` (XML or binary plists;
signed profiles are refused), checked (a top-level dict of PayloadType ``Configuration`` with a
PayloadIdentifier), compared as parsed plists (so whitespace, key order or XML vs binary make no
difference), and shown with secret-looking values masked.

The 2016 ``/management/v1`` reference documents request bodies only; the answers read here are
those of the mdmkit simulator, and every reader below ignores keys it does not know and accepts a
bare object or an object wrapped in ``{"<kind>": {...}}``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import datetime
import hashlib
import json
import plistlib
import re

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError, NotFoundError

MASK = 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
# Keys of profile payloads whose values are secrets (Wi-Fi/VPN/802.1X passwords, shared secrets,
# PKCS#12 passphrases, certificate data): masked in results and diffs, still compared.
SECRET_KEY = re.compile(r'(?i)(password|passphrase|secret|privatekey)')
UUID_RE = re.compile(r'^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$')


# ---- profiles ----------------------------------------------------------------------------------

def read_profile(path=None, content=None, option='path'):
    """The raw bytes of a profile from a file or from inline text."""
    if path is not None:
        try:
            with open(path, 'rb') as f:
                return f.read()
        except (IOError, OSError) as exc:
            raise ConfigError('%s: cannot read %s: %s' % (option, path, exc))
    if isinstance(content, bytes):
        return content
    return (content or '').encode('utf-8')


def parse_profile(data, option='content'):
    """The profile as a dict; a ConfigError naming ``option`` when it is not a usable profile."""
    if not data or not data.strip():
        raise ConfigError('%s: the profile is empty.' % option)
    if data[:1] == b'\x30':  # DER SEQUENCE: a CMS-signed profile
        raise ConfigError('%s: this looks like a signed (CMS) profile; give the unsigned .mobileconfig '
                          '(MicroMDM signs profiles itself when configured to).' % option)
    try:
        profile = plistlib.loads(data)
    except Exception as exc:  # plistlib raises ExpatError, InvalidFileException, ValueError...
        raise ConfigError('%s: not a valid property list (%s).' % (option, str(exc) or type(exc).__name__))
    if not isinstance(profile, dict):
        raise ConfigError('%s: the property list must be a dictionary at the top level, got %s.'
                          % (option, type(profile).__name__))
    if profile.get('PayloadType', 'Configuration') != 'Configuration':
        raise ConfigError('%s: PayloadType is %r; a configuration profile has PayloadType '
                          '"Configuration" at the top level.' % (option, profile.get('PayloadType')))
    identifier = profile.get('PayloadIdentifier')
    if not isinstance(identifier, str) or not identifier.strip():
        raise ConfigError('%s: the profile has no PayloadIdentifier.' % option)
    return profile


def check_identifier(profile, payload_identifier, option='payload_identifier'):
    """The identifier to register the profile under; it must be the profile's own."""
    own = profile['PayloadIdentifier']
    if payload_identifier is not None and payload_identifier != own:
        raise ConfigError('%s: %r does not match the PayloadIdentifier of the profile, %r. MicroMDM '
                          'files profiles by that identifier; set %s to %r or fix the profile.'
                          % (option, payload_identifier, own, option, own))
    return own


def encode(data):
    return base64.b64encode(data).decode('ascii')


def decode(payload_data):
    """The bytes of a profile as stored (base64), or None when they cannot be decoded."""
    if payload_data is None:
        return None
    if isinstance(payload_data, bytes):
        return payload_data
    try:
        return base64.b64decode(payload_data.encode('ascii'), validate=False)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None


def jsonable(value, mask=False, key=None):
    """A plist value as JSON data (bytes as base64, dates as ISO 8601); secrets masked if asked."""
    if mask and key is not None and SECRET_KEY.search(key) and isinstance(value, (str, bytes)) and value:
        return MASK
    if isinstance(value, dict):
        return dict((str(k), jsonable(v, mask, str(k))) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [jsonable(v, mask, key) for v in value]
    if isinstance(value, bytes):
        return encode(value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, plistlib.UID):
        return value.data
    return value


def digest(profile):
    """SHA-256 of the parsed profile (unmasked): equal for the same content however it is written."""
    if profile is None:
        return None
    canonical = json.dumps(jsonable(profile), sort_keys=True, separators=(',', ':'))
    return hashlib.sha256(canonical.encode('utf-8')).hexdigest()


def summary(profile):
    """The profile's top-level identity, for results."""
    if profile is None:
        return {}
    inner = profile.get('PayloadContent')
    return {
        'payload_uuid': profile.get('PayloadUUID'),
        'payload_display_name': profile.get('PayloadDisplayName'),
        'payload_version': profile.get('PayloadVersion'),
        'payload_types': [p.get('PayloadType') for p in inner if isinstance(p, dict)]
        if isinstance(inner, list) else [],
    }


def unwrap(body, kind):
    """``{"profile": {...}}`` or the bare object."""
    if isinstance(body, dict) and isinstance(body.get(kind), dict):
        return body[kind]
    return body if isinstance(body, dict) else {}


def profile_record(obj):
    """A stored profile (``{uuid, payload_identifier, payload_data}``) as a view: identity, the
    parsed content (masked) and its digest. A stored body that does not parse has no content."""
    obj = unwrap(obj, 'profile')
    parsed = None
    raw = decode(obj.get('payload_data'))
    if raw:
        try:
            parsed = plistlib.loads(raw)
        except Exception:  # not our profile to judge: it is simply different from any valid one
            parsed = None
    if not isinstance(parsed, dict):
        parsed = None
    view = {
        'uuid': obj.get('uuid'),
        'payload_identifier': obj.get('payload_identifier'),
        'payload': jsonable(parsed, mask=True) if parsed is not None else None,
        'payload_sha256': digest(parsed),
    }
    view.update(summary(parsed))
    return view


def list_profiles(client):
    """Stored profiles as ``{uuid, payload_identifier, payload_data}`` (``uuid`` None on MicroMDM 1.x)."""
    if client.flavor == 'micromdm':
        answer = client.read_post('v1/profiles', {})
        return [profile_from_v1(p) for p in answer.get('profiles') or [] if isinstance(p, dict)]
    return [unwrap(p, 'profile') for p in client.list_all('profiles', 'profiles')]


# MicroMDM 1.x (micromdm platform/profile): ``Profile{Identifier, Mobileconfig []byte}`` has no JSON
# tags, so its JSON keys are ``Identifier`` and ``Mobileconfig`` (base64, as Go encodes []byte).
#   PUT    /v1/profiles {"profile": PROFILE}     -> 200 {}  (create or replace by Identifier)
#   POST   /v1/profiles {"id": ""}               -> 200 {"profiles": [PROFILE, ...]}
#   DELETE /v1/profiles {"ids": [Identifier]}    -> 200 {}
# Errors: HTTP 500 {"error": "..."} (pkg/httputil ErrorEncoder), e.g. "not found: Profile id X" or
# "payload Identifier does not match Profile". Profiles have no UUID there, only the identifier.
# MicroMDM reads Mobileconfig as XML only when it starts with "<?xml", else as a signed (PKCS7)
# profile (Mobileconfig.GetPayloadIdentifier), so anything else is sent re-encoded as XML.

def profile_from_v1(obj):
    return {'uuid': None, 'payload_identifier': obj.get('Identifier'), 'payload_data': obj.get('Mobileconfig')}


def xml_for_micromdm(raw, parsed):
    """The bytes MicroMDM 1.x can read: the file as given when it is XML with a ``<?xml`` header,
    else the parsed profile written as XML (same content: idempotence compares parsed profiles)."""
    if raw[:5] == b'<?xml':
        return raw
    return plistlib.dumps(parsed, fmt=plistlib.FMT_XML)


def save_profile(client, identifier, raw, parsed):
    """Create or replace a profile; returns the stored profile when the answer has it, else None."""
    if client.flavor == 'micromdm':
        stored = {'Identifier': identifier, 'Mobileconfig': encode(xml_for_micromdm(raw, parsed))}
        client.put('v1/profiles', json_body={'profile': stored})
        return None
    return client.post('profiles', json_body={'payload_identifier': identifier, 'payload_data': encode(raw)})


def delete_profile(client, record):
    if client.flavor == 'micromdm':
        client.delete('v1/profiles', json_body={'ids': [record['payload_identifier']]})
    else:
        client.delete('profiles/%s' % record['uuid'])


# ---- blueprints (MicroMDM 1.x) ---------------------------------------------------------------
# micromdm platform/blueprint: the place of /management/v1 workflows. JSON (blueprint.go tags):
#   {uuid, name, install_application_manifest_urls, profile_ids, user_uuids,
#    skip_primary_setup_account_creation, set_primary_setup_account_as_regular_user, apply_at}
#   PUT    /v1/blueprints {"blueprint": BLUEPRINT} -> 200 {}   (builtin/db.go Save: name and uuid
#          required; a name held by another uuid is refused; every profile_ids entry must be a stored
#          profile; the same uuid replaces the blueprint)
#   POST   /v1/blueprints {}                       -> 200 {"blueprints": [BLUEPRINT, ...]}
#   DELETE /v1/blueprints {"names": [name]}        -> 200 {}
# Errors: HTTP 500 {"error"}. Blueprints are not assigned to devices: MicroMDM applies every
# blueprint whose apply_at holds "Enroll" (case-insensitive) to each device that enrolls.
APPLY_AT_ENROLL = 'Enroll'


def list_blueprints(client):
    answer = client.read_post('v1/blueprints', {})
    return [b for b in answer.get('blueprints') or [] if isinstance(b, dict)]


def blueprint_view(obj):
    """A stored blueprint as compared and returned: lists sorted, options spelled as the module's."""
    return {
        'uuid': obj.get('uuid'),
        'name': obj.get('name'),
        'profiles': sorted(obj.get('profile_ids') or []),
        'applications': sorted(obj.get('install_application_manifest_urls') or []),
        'user_uuids': sorted(obj.get('user_uuids') or []),
        'skip_primary_setup_account_creation': bool(obj.get('skip_primary_setup_account_creation')),
        'set_primary_setup_account_as_regular_user': bool(obj.get('set_primary_setup_account_as_regular_user')),
        'apply_at': sorted(obj.get('apply_at') or []),
    }


def blueprint_views(client, name=None):
    """The stored blueprints as views, sorted by name; with ``name``, only the one(s) so named."""
    views = sorted((blueprint_view(b) for b in list_blueprints(client)), key=lambda b: b['name'] or '')
    return [v for v in views if name is None or v['name'] == name]


def find_blueprint(client, name):
    """The view of the blueprint named ``name``, or None."""
    found = blueprint_views(client, name)
    return found[0] if found else None


def blueprint_body(view):
    """The PUT body of a blueprint view."""
    return {'blueprint': {
        'uuid': view['uuid'], 'name': view['name'], 'profile_ids': list(view['profiles']),
        'install_application_manifest_urls': list(view['applications']), 'user_uuids': list(view['user_uuids']),
        'skip_primary_setup_account_creation': view['skip_primary_setup_account_creation'],
        'set_primary_setup_account_as_regular_user': view['set_primary_setup_account_as_regular_user'],
        'apply_at': list(view['apply_at'])}}


def applies_at_enroll(obj):
    return any(str(a).lower() == APPLY_AT_ENROLL.lower() for a in obj.get('apply_at') or [])


# ---- devices -------------------------------------------------------------------------------------

def list_devices(client):
    return [unwrap(d, 'device') for d in client.list_all('devices', 'devices')]


def same_id(a, b):
    return a is not None and b is not None and str(a).strip().lower() == str(b).strip().lower()


def find_device(client, ref, devices=None):
    """A device by UUID (one GET), else by UDID or serial number from the device list.

    Returns (device, devices) where ``devices`` is the listing if one was read."""
    if devices is None and UUID_RE.match(ref or ''):
        try:
            found = unwrap(client.get('devices/%s' % ref), 'device')
            if found:
                return found, None
        except NotFoundError:
            pass
    if devices is None:
        devices = list_devices(client)
    for key in ('uuid', 'udid', 'serial_number'):
        matches = [d for d in devices if same_id(d.get(key), ref)]
        if len(matches) == 1:
            return matches[0], devices
        if len(matches) > 1:
            raise ConfigError('device: %r matches %d devices by %s (UUIDs %s); use the UUID instead.'
                              % (ref, len(matches), key, ', '.join(str(m.get('uuid')) for m in matches)))
    return None, devices


def device_label(device):
    return device.get('serial_number') or device.get('device_name') or device.get('uuid')


def known_devices(client, udids, option='udids'):
    """The device record of each UDID (in order), from one device list; a UDID no device has fails
    naming ``option`` before anything is sent. UDIDs are compared without regard to case, so the whole
    list is read (MicroMDM 1.x's ``filter_udid`` matches exactly). Given a device's UUID instead of its
    UDID (management_v1: they look alike), the message says so and gives the UDID."""
    devices = list_devices(client)
    found = []
    for udid in udids:
        matches = [d for d in devices if same_id(d.get('udid'), udid)]
        if matches:
            found.append(matches[0])
            continue
        by_uuid = [d for d in devices if same_id(d.get('uuid'), udid) and not same_id(d.get('udid'), udid)]
        if by_uuid:
            device = by_uuid[0]
            raise ConfigError('%s: %r is the UUID of the MicroMDM device record of %s, not a UDID: a push or '
                              'command to it would reach no device. Its UDID is %r; nothing was sent.'
                              % (option, udid, device_label(device), device.get('udid')))
        raise ConfigError('%s: no %s device has the UDID %r (MicroMDM would accept it and reach no device); '
                          'nothing was sent.' % (option, client.vendor_label, udid))
    return found


def known_udids(client, udids, option='udids'):
    """The UDID of each device of ``known_devices``, as MicroMDM spells it."""
    return [d['udid'] for d in known_devices(client, udids, option)]


# ---- workflows -----------------------------------------------------------------------------------

def list_workflows(client):
    return [unwrap(w, 'workflow') for w in client.list_all('workflows', 'workflows')]


def find_workflow(workflows, ref, option):
    """A workflow by UUID, then by name; None when none matches."""
    for key in ('uuid', 'name'):
        matches = [w for w in workflows if w.get(key) is not None and
                   (same_id(w.get(key), ref) if key == 'uuid' else w.get(key) == ref)]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise ConfigError('%s: %r matches %d workflows by %s (UUIDs %s); use the UUID instead.'
                              % (option, ref, len(matches), key, ', '.join(str(m.get('uuid')) for m in matches)))
    return None


def application_view(app):
    """An application entry; the API spells the URL key ``manifest-url``."""
    url = app.get('manifest-url')
    if url is None:
        url = app.get('manifest_url')
    return {'name': app.get('name'), 'manifest_url': url}


def workflow_view(obj, workflows_by_uuid=None, profiles_by_uuid=None):
    """A stored workflow as compared and returned: lists sorted, profiles by payload identifier
    and included workflows by name (when known, else by UUID)."""
    obj = unwrap(obj, 'workflow')
    workflows_by_uuid = workflows_by_uuid or {}
    profiles_by_uuid = profiles_by_uuid or {}
    profiles = []
    for entry in obj.get('profiles') or []:
        identifier = entry.get('payload_identifier')
        if not identifier:
            identifier = (profiles_by_uuid.get(str(entry.get('profile_uuid')).lower()) or {}).get(
                'payload_identifier') or entry.get('profile_uuid')
        profiles.append(identifier)
    included = []
    for entry in obj.get('included_workflows') or []:
        ref = entry.get('workflow_uuid')
        other = workflows_by_uuid.get(str(ref).lower())
        included.append(other.get('name') if other and other.get('name') else ref)
    apps = [application_view(a) for a in obj.get('applications') or []]
    return {
        'uuid': obj.get('uuid'),
        'name': obj.get('name'),
        'profiles': sorted(p for p in profiles if p),
        'applications': sorted(apps, key=lambda a: (a['name'] or '', a['manifest_url'] or '')),
        'included_workflows': sorted(str(i) for i in included if i),
    }
