# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers of the SimpleMDM configuration modules (custom configuration profiles, custom
declarations, profiles, scripts, script jobs, push certificate): names to ids from one listing,
member lists, mobileconfig loading and comparison as parsed plists, JSON payloads, script checks
and the push certificate's expiry."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import importlib.util
import hashlib
import json
import os
import plistlib
from xml.parsers.expat import ExpatError

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError, NotFoundError
from ansible_collections.mdmkit.mdm.plugins.module_utils.lookup import find, resolve_all
from ansible_collections.mdmkit.mdm.plugins.module_utils.state import plan_members

# cryptography is imported only when a certificate is read: it costs every other module
# of this file ~60 ms to load. find_spec tells whether it is there without importing it.
HAS_CRYPTOGRAPHY = importlib.util.find_spec('cryptography') is not None
CRYPTOGRAPHY_IMPORT_ERROR = None if HAS_CRYPTOGRAPHY else 'No module named cryptography'

# ---- names to ids -------------------------------------------------------------------------

MEMBER_KEYS = {
    'devices': ('id', 'serial_number', 'name', 'device_name'),
    'device_groups': ('id', 'name'),
    'assignment_groups': ('id', 'name'),
    'scripts': ('id', 'name'),
    'profiles': ('id', 'name'),
    'custom_configuration_profiles': ('id', 'name'),
    'custom_declarations': ('id', 'name'),
}
LABELS = {
    'devices': 'device',
    'device_groups': 'device group',
    'assignment_groups': 'assignment group',
    'scripts': 'script',
    'profiles': 'profile',
    'custom_configuration_profiles': 'custom configuration profile',
    'custom_declarations': 'custom declaration',
}
LIST_PARAMS = {'devices': {'include_awaiting_enrollment': 'true'}}


def to_id(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def listing(client, kind, params=None):
    """Every object of one list endpoint (one paged listing)."""
    query = dict(LIST_PARAMS.get(kind, {}))
    query.update(params or {})
    return list(client.paginate(kind, params=query))


def resolve_ids(client, kind, values, option):
    """Sorted ids of ``values`` (ids, names, serials) from ONE listing of ``kind``; None stays None.

    Unknown or ambiguous values fail together naming ``option``, before anything is written."""
    if values is None:
        return None
    values = [str(v).strip() for v in values if str(v).strip()]
    if not values:
        return []
    found = resolve_all(listing(client, kind), values, MEMBER_KEYS[kind], LABELS[kind], option)
    return sorted(set(to_id(item.get('id')) for item in found), key=str)


def find_named(client, kind, name=None, object_id=None, option='name', search=True, retrieve=True):
    """The raw object of ``kind`` with ``object_id``, or named exactly ``name``; None when absent.

    By id: one GET (``retrieve``), or one listing for endpoints without "retrieve one".
    By name: one listing, narrowed with ``search`` where the endpoint supports it."""
    if object_id is not None:
        if retrieve:
            try:
                return client.get('%s/%s' % (kind, object_id))['data']
            except NotFoundError:
                found = None
        else:
            found = find(listing(client, kind), object_id, ('id',), LABELS[kind], 'id')
        if found is None:
            raise ConfigError('id: no %s has the id %s.' % (LABELS[kind], object_id))
        return found
    params = {'search': name} if search else None
    return find(listing(client, kind, params), name, ('name',), LABELS[kind], option)


def relationship_ids(obj, name):
    """Ids of a to-many relationship, or None when the API left the relationship out."""
    rel = ((obj or {}).get('relationships') or {}).get(name)
    if rel is None:
        return None
    return sorted(set(to_id(item.get('id')) for item in (rel.get('data') or [])), key=str)


def desired_members(current, wanted, append):
    """The member ids after the task: None (untouched), ``wanted``, or ``current`` + ``wanted``."""
    if wanted is None:
        return None
    to_add, to_remove = plan_members(current or [], wanted, append)
    return sorted((set(current or []) - set(to_remove)) | set(to_add), key=str)


def same_members(current, desired):
    return set(current or []) == set(desired or [])


def sync_members(client, base, kind, current, desired):
    """Assign then unassign one request each (``POST``/``DELETE {base}/{kind}/{id}``). A 409 on
    assign means already assigned, a 404 on unassign already gone: neither is a change.
    ``current`` None (the API did not list the members): only assign. Returns the number of
    real changes."""
    to_add, to_remove = plan_members(current or [], desired, append=current is None)
    changed = 0
    for member in to_add:
        if client.request('POST', '%s/%s/%s' % (base, kind, member), ok_statuses=(409,)).status != 409:
            changed += 1
    for member in to_remove:
        try:
            client.delete('%s/%s/%s' % (base, kind, member))
            changed += 1
        except NotFoundError:
            pass
    return changed


def device_members(client, obj, wanted, warn=None):
    """Current device ids of a profile: its ``devices`` relationship, or, when the API leaves it
    out, each wanted device's own profile list (``devices/{id}/profiles``, one request each).
    In that case devices outside ``wanted`` cannot be seen; ``warn`` is told so."""
    current = relationship_ids(obj, 'devices')
    if current is not None:
        return current
    if warn is not None:
        warn('SimpleMDM did not return the devices of %s %s; only the devices listed were checked, '
             'so devices assigned outside that list are left as they are.' % (obj.get('type'), obj.get('id')))
    if not wanted:
        return []
    found = []
    for device_id in wanted:
        ids = set(to_id(p.get('id')) for p in client.paginate('devices/%s/profiles' % device_id))
        if to_id(obj.get('id')) in ids:
            found.append(device_id)
    return sorted(found, key=str)


# ---- mobileconfig -------------------------------------------------------------------------

def load_mobileconfig(value, option='mobileconfig'):
    """The bytes of a mobileconfig given as a path or as the profile itself (XML or binary plist)."""
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    stripped = text.lstrip()
    if stripped.startswith('<') or stripped.startswith('bplist'):
        return text.encode('utf-8')
    path = os.path.expanduser(text.strip())
    if not os.path.isfile(path):
        # The value is not echoed: it may be profile content with passwords (the option is no_log).
        raise ConfigError('%s: the value is neither an existing file nor profile content (a plist starting '
                          'with "<?xml" or "<plist").' % option)
    with open(path, 'rb') as handle:
        return handle.read()


def parse_plist(data, option='mobileconfig', what='the profile'):
    """The parsed property list (a dict), or ConfigError naming ``option``."""
    if data[:2] == b'\x30\x80' or data[:2] == b'\x30\x82':
        raise ConfigError('%s: %s is signed (CMS). Upload the unsigned profile; SimpleMDM signs '
                          'profiles itself.' % (option, what))
    try:
        parsed = plistlib.loads(data)
    except (plistlib.InvalidFileException, ExpatError, ValueError, TypeError, KeyError, IndexError) as exc:
        raise ConfigError('%s: %s is not a valid property list: %s' % (option, what, exc or type(exc).__name__))
    if not isinstance(parsed, dict):
        raise ConfigError('%s: %s must be a dictionary at the top level (a configuration profile), '
                          'got a %s.' % (option, what, type(parsed).__name__))
    return parsed


def plist_fingerprint(parsed):
    """sha256 of the profile's canonical XML form (keys sorted): equal for equal parsed plists."""
    return hashlib.sha256(plistlib.dumps(parsed, fmt=plistlib.FMT_XML, sort_keys=True)).hexdigest()


def plist_summary(parsed):
    """What the diff and the result show of a profile: identity, payload types and fingerprint
    (never the payload values, which may hold passwords)."""
    if parsed is None:
        return None
    payloads = parsed.get('PayloadContent') if isinstance(parsed.get('PayloadContent'), list) else []
    return {
        'payload_identifier': parsed.get('PayloadIdentifier'),
        'payload_display_name': parsed.get('PayloadDisplayName'),
        'payload_types': sorted(str(p.get('PayloadType')) for p in payloads if isinstance(p, dict)),
        'sha256': plist_fingerprint(parsed),
    }


def parse_downloaded(data):
    """The parsed profile the download endpoint returned, or None when it cannot be parsed
    (then the module uploads the desired one)."""
    if isinstance(data, str):
        data = data.encode('utf-8')
    try:
        return parse_plist(data or b'', what='the downloaded profile')
    except ConfigError:
        return None


# ---- JSON payloads ------------------------------------------------------------------------

def parse_json(value, option='payload'):
    """A JSON document given as text or as data; ConfigError naming ``option`` when invalid."""
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        return value
    try:
        return json.loads(value)
    except ValueError as exc:
        raise ConfigError('%s: not valid JSON: %s' % (option, exc))


def canonical_json(value):
    return json.dumps(value, sort_keys=True, separators=(',', ':'))


# ---- scripts ------------------------------------------------------------------------------

def load_script(content, src, option):
    """The script text from ``content`` or the file ``src``; refused without a shebang."""
    if src is not None:
        if not os.path.isfile(src):
            raise ConfigError('src: %s is not a file.' % src)
        with open(src, 'rb') as handle:
            raw = handle.read()
        try:
            content = raw.decode('utf-8')
        except UnicodeDecodeError:
            raise ConfigError('src: %s is not UTF-8 text.' % src)
    if content is None:
        return None
    if not content.startswith('#!'):
        raise ConfigError('%s: the script must begin with a shebang such as #!/bin/sh (SimpleMDM refuses '
                          'scripts without one); it begins with %r.' % (option, content[:20]))
    return content


def normal_script(text):
    """Scripts compared without regard to line endings or a final newline."""
    if text is None:
        return None
    return text.replace('\r\n', '\n').rstrip('\n')


# ---- push certificate ---------------------------------------------------------------------

def certificate_expiry(path, option='file'):
    """The ``not valid after`` moment (aware, UTC) of a PEM or DER certificate file."""
    if not HAS_CRYPTOGRAPHY:
        raise ConfigError('%s: the Python library cryptography is required to read the certificate.' % option)
    from cryptography import x509  # pylint: disable=import-outside-toplevel
    if not os.path.isfile(path):
        raise ConfigError('%s: %s is not a file.' % (option, path))
    with open(path, 'rb') as handle:
        data = handle.read()
    cert = None
    errors = []
    if b'-----BEGIN CERTIFICATE-----' in data:
        start = data.index(b'-----BEGIN CERTIFICATE-----')
        try:
            cert = x509.load_pem_x509_certificate(data[start:])
        except ValueError as exc:
            errors.append(str(exc))
    else:
        try:
            cert = x509.load_der_x509_certificate(data)
        except ValueError as exc:
            errors.append(str(exc))
    if cert is None:
        raise ConfigError('%s: %s is not a PEM or DER X.509 certificate (%s).' % (option, path, '; '.join(errors)))
    expiry = getattr(cert, 'not_valid_after_utc', None)
    if expiry is None:  # cryptography < 42
        expiry = cert.not_valid_after.replace(tzinfo=datetime.timezone.utc)
    return expiry


def parse_time(value):
    """An ISO 8601 time from the API (``2017-09-21T15:28:34.000+00:00``), aware; None if unparsable."""
    if not value:
        return None
    try:
        parsed = datetime.datetime.fromisoformat(str(value).replace('Z', '+00:00'))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed


def same_moment(current, desired):
    """Two times equal to the second (the API keeps milliseconds, certificates whole seconds)."""
    a, b = parse_time(current), parse_time(desired)
    if a is None or b is None:
        return a is None and b is None and current == desired
    return int(a.timestamp()) == int(b.timestamp())


def iso_utc(moment):
    return moment.astimezone(datetime.timezone.utc).isoformat(timespec='milliseconds')


def form_bool(value):
    return 'true' if value else 'false'


# ---- script jobs --------------------------------------------------------------------------

def job_view(raw):
    """A script job flattened: id, attributes, ``custom_attribute`` and ``devices`` (each device's
    id, status, status code and output)."""
    flat = {'id': raw.get('id')}
    flat.update(raw.get('attributes') or {})
    rel = raw.get('relationships') or {}
    devices = (rel.get('device') or rel.get('devices') or {}).get('data') or []
    flat['devices'] = [dict(id=d.get('id'), status=d.get('status'), status_code=d.get('status_code'),
                            response=d.get('response')) for d in devices]
    attribute = (rel.get('custom_attribute') or {}).get('data')
    flat['custom_attribute'] = attribute.get('id') if isinstance(attribute, dict) else None
    return flat
