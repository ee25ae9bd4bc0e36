# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers of the SimpleMDM catalog modules (apps, managed configs, assignment groups, custom
attribute values): names to ids from one listing, member-list sync, reading versions from
``.ipa`` and ``.pkg`` files, and the managed config value formats."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import hashlib
import os
import plistlib
import re
import struct
import zipfile
import zlib
from xml.etree import ElementTree

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError, NotFoundError
from ansible_collections.mdmkit.mdm.plugins.module_utils.lookup import find, resolve_all

# ---- names to ids -------------------------------------------------------------------------

# What each member kind is matched on, in order (an id match wins).
MEMBER_KEYS = {
    'apps': ('id', 'name', 'bundle_identifier'),
    'device_groups': ('id', 'name'),
    'devices': ('id', 'serial_number', 'name', 'device_name'),
    'profiles': ('id', 'name'),
    'assignment_groups': ('id', 'name'),
}
MEMBER_LABELS = {
    'apps': 'app',
    'device_groups': 'device group',
    'devices': 'device',
    'profiles': 'profile',
    'assignment_groups': 'assignment group',
}
LIST_PARAMS = {
    'devices': {'include_awaiting_enrollment': 'true'},
}


def listing(client, kind, params=None):
    """Every object of one list endpoint (one paged listing)."""
    query = dict(LIST_PARAMS.get(kind, {}))
    query.update(params or {})
    return list(client.paginate(kind, params=query))


def resolve_ids(client, kind, values, option, items=None):
    """Ids of ``values`` (names, serials or ids) from ONE listing of ``kind``.

    Unknown or ambiguous values fail together, naming ``option``, before anything is written.
    Returns a sorted list of ints (or strings when the API's ids are not numbers)."""
    if values is None:
        return None
    if not values:
        return []
    if items is None:
        items = listing(client, kind)
    found = resolve_all(items, values, MEMBER_KEYS[kind], MEMBER_LABELS[kind], option)
    return sorted(set(_id(item.get('id')) for item in found), key=str)


def find_one(client, kind, value, option, items=None):
    """One object of ``kind`` by id or name; None when none matches (ambiguity fails)."""
    if items is None:
        items = listing(client, kind)
    return find(items, value, MEMBER_KEYS[kind], MEMBER_LABELS[kind], option)


def _id(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def relationship_ids(obj, name):
    """Ids of a to-many relationship of a JSON:API object, or None when the API left it out."""
    rel = (obj.get('relationships') or {}).get(name)
    if rel is None:
        return None
    return sorted(set(_id(item.get('id')) for item in (rel.get('data') or [])), key=str)


def desired_members(current, wanted, append):
    """The member list after the task: None (untouched), ``wanted`` or ``current`` + ``wanted``."""
    if wanted is None:
        return None
    if append:
        return sorted(set(current or []) | set(wanted), key=str)
    return sorted(set(wanted), key=str)


def same_members(current, desired):
    return set(current or []) == set(desired or [])


def sync_members(client, base, kind, to_add, to_remove):
    """Assign and unassign members one request each. A 409 on assign means already assigned,
    a 404 on unassign already gone: neither counts as a change. Returns the number of changes."""
    changed = 0
    for member in to_add:
        response = client.request('POST', '%s/%s/%s' % (base, kind, member), ok_statuses=(409,))
        if response.status != 409:
            changed += 1
    for member in to_remove:
        try:
            client.delete('%s/%s/%s' % (base, kind, member))
            changed += 1
        except NotFoundError:
            pass
    return changed


# ---- binaries -----------------------------------------------------------------------------

IPA_INFO_PLIST = re.compile(r'^Payload/[^/]+\.app/Info\.plist$')


def ipa_info(path):
    """Bundle id, version and name from an ``.ipa``'s ``Payload/<name>.app/Info.plist``.

    ``version`` is ``CFBundleShortVersionString`` (what SimpleMDM reports as the app's version),
    falling back to ``CFBundleVersion``."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if IPA_INFO_PLIST.match(n)]
            if not names:
                raise ConfigError('binary: %s has no Payload/<name>.app/Info.plist; is it an .ipa?' % path)
            info = plistlib.loads(archive.read(names[0]))
    except (zipfile.BadZipFile, OSError) as exc:
        raise ConfigError('binary: cannot read %s as an .ipa (zip) archive: %s' % (path, exc))
    except (plistlib.InvalidFileException, ValueError) as exc:
        raise ConfigError('binary: the Info.plist in %s is not a valid property list: %s' % (path, exc))
    if not isinstance(info, dict):
        raise ConfigError('binary: the Info.plist in %s is not a dictionary.' % path)
    version = info.get('CFBundleShortVersionString') or info.get('CFBundleVersion')
    return {
        'bundle_identifier': info.get('CFBundleIdentifier'),
        'version': str(version) if version is not None else None,
        'name': info.get('CFBundleDisplayName') or info.get('CFBundleName'),
    }


XAR_MAGIC = b'xar!'


def pkg_info(path):
    """Identifier and version of a flat ``.pkg`` (a xar archive), from its ``PackageInfo``
    (component package) or ``Distribution`` (product archive). Empty values when not found."""
    info = {'bundle_identifier': None, 'version': None, 'name': None}
    try:
        with open(path, 'rb') as handle:
            header = handle.read(28)
            if len(header) < 28 or header[:4] != XAR_MAGIC:
                raise ConfigError('binary: %s is not a flat package (xar archive).' % path)
            header_size, dummy, toc_compressed, dummy2, dummy3 = struct.unpack('>HHQQI', header[4:28])
            handle.seek(header_size)
            toc = ElementTree.fromstring(zlib.decompress(handle.read(toc_compressed)))
            heap = header_size + toc_compressed
            files = dict((f.findtext('name'), f) for f in toc.iter('file') if f.findtext('name'))
            for name in ('PackageInfo', 'Distribution'):
                entry = files.get(name)
                if entry is None or entry.find('data') is None:
                    continue
                xml = ElementTree.fromstring(_xar_data(handle, heap, entry.find('data')))
                if name == 'PackageInfo':
                    info['bundle_identifier'] = xml.get('identifier')
                    info['version'] = xml.get('version')
                else:
                    product = xml.find('product')
                    refs = [r for r in xml.iter('pkg-ref') if r.get('version')]
                    if product is not None and product.get('version'):
                        info['bundle_identifier'] = product.get('id')
                        info['version'] = product.get('version')
                    elif refs:
                        info['bundle_identifier'] = refs[0].get('id')
                        info['version'] = refs[0].get('version')
                    title = xml.findtext('title')
                    info['name'] = title.strip() if title else None
                if info['version']:
                    break
    except (OSError, zlib.error, struct.error, ElementTree.ParseError) as exc:
        raise ConfigError('binary: cannot read %s as a flat package: %s' % (path, exc))
    return info


def _xar_data(handle, heap, data):
    offset = int(data.findtext('offset') or 0)
    length = int(data.findtext('length') or 0)
    handle.seek(heap + offset)
    raw = handle.read(length)
    encoding = data.find('encoding')
    style = encoding.get('style') if encoding is not None else ''
    if style == 'application/x-gzip':
        return zlib.decompress(raw)
    if style == 'application/x-bzip2':
        import bz2
        return bz2.decompress(raw)
    return raw


def binary_info(path, option='binary'):
    """What the module compares for an uploaded binary: kind, bundle id, version and sha256."""
    if not os.path.isfile(path):
        raise ConfigError('%s: %s is not a file.' % (option, path))
    lower = path.lower()
    if lower.endswith('.ipa'):
        info = ipa_info(path)
        info['kind'] = 'ipa'
    elif lower.endswith('.pkg'):
        info = pkg_info(path)
        info['kind'] = 'pkg'
    else:
        raise ConfigError('%s: %s must end in .ipa or .pkg, the two kinds SimpleMDM accepts.' % (option, path))
    info['sha256'] = file_sha256(path)
    return info


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, 'rb') as handle:
        for block in iter(lambda: handle.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


# ---- managed config values ----------------------------------------------------------------

VALUE_TYPES = ('boolean', 'date', 'float', 'float array', 'integer', 'integer array', 'string',
               'string array')
_INTEGER = re.compile(r'^[+-]?\d+$')
_FLOAT = re.compile(r'^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$')


def _items(value):
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value]
    return [v.strip() for v in str(value).split(',')]


def managed_config_value(value, value_type, option='value'):
    """``value`` in the format SimpleMDM expects for ``value_type`` (the reference's table),
    or ConfigError naming ``option``. Lists are accepted for the array types."""
    if value_type == 'boolean':
        if isinstance(value, bool):
            return '1' if value else '0'
        text = str(value).strip().lower()
        if text in ('1', 'true', 'yes', 'on'):
            return '1'
        if text in ('0', 'false', 'no', 'off'):
            return '0'
        raise ConfigError('%s: a boolean value is 0 or 1 (or true/false), got %r.' % (option, value))
    if value_type == 'integer':
        text = str(value).strip()
        if isinstance(value, bool) or not _INTEGER.match(text):
            raise ConfigError('%s: an integer value looks like 32, got %r.' % (option, value))
        return str(int(text))
    if value_type == 'float':
        text = str(value).strip()
        if isinstance(value, bool) or not _FLOAT.match(text):
            raise ConfigError('%s: a float value looks like 0.123, got %r.' % (option, value))
        return text
    if value_type == 'integer array':
        items = _items(value)
        bad = [i for i in items if not _INTEGER.match(i)]
        if bad or not items:
            raise ConfigError('%s: an integer array is integers separated by commas (1,452,-129); not '
                              'integers: %s.' % (option, ', '.join(repr(b) for b in bad) or 'empty'))
        return ','.join(str(int(i)) for i in items)
    if value_type == 'float array':
        items = _items(value)
        bad = [i for i in items if not _FLOAT.match(i)]
        if bad or not items:
            raise ConfigError('%s: a float array is floats separated by commas (0.123,923.1,42); not '
                              'floats: %s.' % (option, ', '.join(repr(b) for b in bad) or 'empty'))
        return ','.join(items)
    if value_type == 'date':
        text = str(value).strip()
        try:
            parsed = datetime.datetime.fromisoformat(text.replace('Z', '+00:00'))
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            raise ConfigError('%s: a date is a timestamp with a time zone, like 2017-01-01T12:31:15-07:00, '
                              'got %r.' % (option, value))
        return text
    if value_type == 'string array':
        if isinstance(value, (list, tuple)):
            strings = [str(v) for v in value]
            bad = [s for s in strings if '"' in s]
            if bad:
                raise ConfigError('%s: strings of a string array cannot contain a double quote: %s.'
                                  % (option, ', '.join(repr(b) for b in bad)))
            return ','.join('"%s"' % s for s in strings)
        text = str(value).strip()
        if not re.match(r'^"[^"]*"(\s*,\s*"[^"]*")*$', text):
            raise ConfigError('%s: a string array is strings in double quotes separated by commas '
                              '("First string","Second string"), or a list, got %r.' % (option, value))
        return ','.join(re.findall(r'"[^"]*"', text))
    if value_type == 'string':
        if isinstance(value, (list, tuple, dict)):
            raise ConfigError('%s: a string value cannot be a %s.' % (option, type(value).__name__))
        if isinstance(value, bool):
            return 'true' if value else 'false'
        return str(value)
    raise ConfigError('value_type: must be one of %s, got %r.' % (', '.join(VALUE_TYPES), value_type))


def same_config_value(current, desired, value_type):
    """Compare a value the API returned with a normalised desired one."""
    if current is None:
        return False
    try:
        normal = managed_config_value(current, value_type)
    except ConfigError:
        return str(current) == desired
    if value_type == 'float':
        return float(normal) == float(desired)
    if value_type == 'float array':
        return [float(x) for x in normal.split(',')] == [float(x) for x in desired.split(',')]
    return normal == desired


# ---- assignment groups --------------------------------------------------------------------

GROUP_ATTRIBUTES = ('name', 'auto_deploy', 'priority', 'type', 'install_type', 'app_track_location')
GROUP_MEMBERS = ('apps', 'device_groups', 'devices', 'profiles')


def assignment_group_view(obj):
    """An assignment group as one flat dict: id, attributes, and member id lists. A setting or a
    relationship the API did not return is None: unknown, which the module must not take as
    "different" (the reference's group object shows only name, auto_deploy, apps, device_groups
    and devices; priority only beside the attributes of the create answer)."""
    attributes = obj.get('attributes') or {}
    view = {'id': _id(obj.get('id'))}
    for key in GROUP_ATTRIBUTES:
        view[key] = attributes.get(key)
    if view['priority'] is None:
        view['priority'] = obj.get('priority')  # the reference's create answer puts it here
    for name in GROUP_MEMBERS:
        view[name] = relationship_ids(obj, name)
    for key, value in attributes.items():
        view.setdefault(key, value)
    return view


def fill_unknown(view, *known):
    """``view`` with each key it has as None (the API did not return it) taken from the first of
    ``known`` (dicts: what the task sent, what an earlier answer showed) that has it."""
    filled = dict(view)
    for key, value in filled.items():
        if value is None:
            filled[key] = next((k[key] for k in known if k and k.get(key) is not None), None)
    return filled


def form_value(value):
    """A form field as SimpleMDM reads it (booleans as true/false)."""
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return value
