# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Esper tenant helpers: apps (APK / IPA metadata), APNs certificates, DEP and VPP tokens.

- ``apk_info(path)``: package name, versionCode and versionName from an APK's
  ``AndroidManifest.xml`` (the compiled binary XML of a built APK, or a plain-text manifest).
- ``ipa_info(path)``: bundle id and versions from an ``.ipa``'s ``Info.plist``.
- ``certificate_info(path)``: serial number, expiry and topic of a PEM or DER certificate.
- ``vpp_token_info(path)``: organisation and expiry of a VPP service token (``.vpptoken``).
- ``items(body)`` / ``list_all(client, path)``: tolerant reading of Esper lists.
- ``write_text(module, path, text)``: write a CSR / public key file only when it differs.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import datetime
import importlib.util
import json
import os
import plistlib
import re
import struct
import zipfile
from xml.etree import ElementTree

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError
from ansible_collections.mdmkit.mdm.plugins.module_utils.esper_commands import content

# cryptography is imported only when a certificate is read: it costs every other module
# of this file ~60 ms to load. find_spec tells whether it is there without importing it.
HAS_CRYPTOGRAPHY = importlib.util.find_spec('cryptography') is not None
CRYPTOGRAPHY_IMPORT_ERROR = None if HAS_CRYPTOGRAPHY else 'No module named cryptography'

UUID_RE = re.compile(r'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$')
ANDROID_NS = 'http://schemas.android.com/apk/res/android'

# ---- Android binary XML (AXML) ------------------------------------------------------------

RES_XML_TYPE = 0x0003
RES_STRING_POOL_TYPE = 0x0001
RES_XML_RESOURCE_MAP_TYPE = 0x0180
RES_XML_START_ELEMENT_TYPE = 0x0102
UTF8_FLAG = 0x100
TYPE_STRING = 0x03
TYPE_INT_DEC = 0x10
TYPE_INT_HEX = 0x11
# android:versionCode, android:versionName: the names an APK's manifest may leave out
ATTRIBUTE_IDS = {0x0101021b: 'versionCode', 0x0101021c: 'versionName'}


def _string_pool(data, start):
    count, _styles, flags, strings_start = struct.unpack_from('<IIII', data, start + 8)
    utf8 = bool(flags & UTF8_FLAG)
    offsets = struct.unpack_from('<%dI' % count, data, start + 28)
    base = start + strings_start
    strings = []
    for offset in offsets:
        pos = base + offset
        if utf8:
            pos += 2 if data[pos] & 0x80 else 1  # length in characters
            size = data[pos]
            if size & 0x80:
                size = ((size & 0x7f) << 8) | data[pos + 1]
                pos += 1
            pos += 1
            strings.append(data[pos:pos + size].decode('utf-8', 'replace'))
        else:
            size = struct.unpack_from('<H', data, pos)[0]
            pos += 2
            if size & 0x8000:
                size = ((size & 0x7fff) << 16) | struct.unpack_from('<H', data, pos)[0]
                pos += 2
            strings.append(data[pos:pos + size * 2].decode('utf-16-le', 'replace'))
    return strings


def parse_axml_manifest(data):
    """The attributes of the first element (``<manifest>``) of a binary AndroidManifest.xml."""
    if len(data) < 8 or struct.unpack_from('<H', data, 0)[0] != RES_XML_TYPE:
        raise ValueError('not an Android binary XML document')
    strings, resource_ids = [], []
    pos = struct.unpack_from('<H', data, 2)[0]
    while pos + 8 <= len(data):
        chunk_type, header_size, chunk_size = struct.unpack_from('<HHI', data, pos)
        if chunk_size < 8:
            raise ValueError('corrupt chunk at offset %d' % pos)
        if chunk_type == RES_STRING_POOL_TYPE:
            strings = _string_pool(data, pos)
        elif chunk_type == RES_XML_RESOURCE_MAP_TYPE:
            resource_ids = list(struct.unpack_from('<%dI' % ((chunk_size - header_size) // 4), data, pos + header_size))
        elif chunk_type == RES_XML_START_ELEMENT_TYPE:
            ext = pos + header_size
            _ns, _name, attr_start, attr_size, attr_count = struct.unpack_from('<IIHHH', data, ext)
            attributes = {}
            for index in range(attr_count):
                at = ext + attr_start + index * attr_size
                _ans, name_index, raw, _size, _res0, data_type, value = struct.unpack_from('<IIIHBBI', data, at)
                name = strings[name_index] if name_index < len(strings) else ''
                if not name and name_index < len(resource_ids):
                    name = ATTRIBUTE_IDS.get(resource_ids[name_index], '')
                if data_type == TYPE_STRING:
                    attributes[name] = strings[value] if value < len(strings) else None
                elif data_type in (TYPE_INT_DEC, TYPE_INT_HEX):
                    attributes[name] = value
                elif raw != 0xffffffff and raw < len(strings):
                    attributes[name] = strings[raw]
                else:
                    attributes[name] = value
            return attributes
        pos += chunk_size
    raise ValueError('no element found')


def apk_info(path, option='file'):
    """{package_name, version_code (str), version_name} read from the APK at ``path``."""
    try:
        with zipfile.ZipFile(path) as archive:
            try:
                manifest = archive.read('AndroidManifest.xml')
            except KeyError:
                raise ConfigError('%s: %s has no AndroidManifest.xml; is it an APK?' % (option, path))
    except (zipfile.BadZipFile, OSError) as exc:
        raise ConfigError('%s: cannot read %s as an APK (zip) archive: %s' % (option, path, exc))
    try:
        if manifest.lstrip()[:1] == b'<':
            root = ElementTree.fromstring(manifest)
            attributes = dict((k.split('}')[-1], v) for k, v in root.attrib.items())
        else:
            attributes = parse_axml_manifest(manifest)
    except (ValueError, struct.error, IndexError, ElementTree.ParseError) as exc:
        raise ConfigError('%s: cannot read the AndroidManifest.xml of %s: %s' % (option, path, exc))
    code = attributes.get('versionCode')
    return {'package_name': attributes.get('package') or None,
            'version_code': str(code) if code not in (None, '') else None,
            'version_name': attributes.get('versionName')}


IPA_INFO_PLIST = re.compile(r'^Payload/[^/]+\.app/Info\.plist$')


def ipa_info(path, option='file'):
    """{package_name (bundle id), version_code (CFBundleVersion), version_name} of an ``.ipa``."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if IPA_INFO_PLIST.match(n)]
            if not names:
                raise ConfigError('%s: %s has no Payload/<name>.app/Info.plist; is it an .ipa?' % (option, path))
            info = plistlib.loads(archive.read(names[0]))
    except (zipfile.BadZipFile, OSError) as exc:
        raise ConfigError('%s: cannot read %s as an .ipa (zip) archive: %s' % (option, path, exc))
    except (plistlib.InvalidFileException, ValueError) as exc:
        raise ConfigError('%s: the Info.plist in %s is not a valid property list: %s' % (option, path, exc))
    if not isinstance(info, dict):
        raise ConfigError('%s: the Info.plist in %s is not a dictionary.' % (option, path))
    code = info.get('CFBundleVersion')
    return {'package_name': info.get('CFBundleIdentifier'),
            'version_code': str(code) if code is not None else None,
            'version_name': info.get('CFBundleShortVersionString')}


# ---- certificates and tokens --------------------------------------------------------------

def _utc(value):
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return value.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def certificate_info(path, option='certificate'):
    """{serial_number (hex, upper case), expires_on (UTC ISO 8601), topic, subject} of a certificate."""
    if not HAS_CRYPTOGRAPHY:
        raise ConfigError('%s: the Python library cryptography is needed to read certificates.' % option)
    from cryptography import x509  # pylint: disable=import-outside-toplevel
    from cryptography.hazmat.backends import default_backend  # pylint: disable=import-outside-toplevel
    try:
        with open(path, 'rb') as handle:
            data = handle.read()
    except (IOError, OSError) as exc:
        raise ConfigError('%s: cannot read %s: %s' % (option, path, exc))
    try:
        if b'-----BEGIN CERTIFICATE-----' in data:
            cert = x509.load_pem_x509_certificate(data, default_backend())
        else:
            cert = x509.load_der_x509_certificate(data, default_backend())
    except ValueError as exc:
        raise ConfigError('%s: %s is not a PEM or DER X.509 certificate (%s).' % (option, path, exc))
    expires = getattr(cert, 'not_valid_after_utc', None) or cert.not_valid_after
    topic = None
    for attribute in cert.subject:
        if attribute.oid.dotted_string == '0.9.2342.19200300.100.1.1':  # UID: the APNs topic
            topic = attribute.value
    return {'serial_number': '%X' % cert.serial_number, 'expires_on': _utc(expires), 'topic': topic,
            'subject': cert.subject.rfc4514_string()}


def vpp_token_info(path, option='token_file'):
    """{org_name, expires_on} of a VPP service token: base64 of JSON {token, expDate, orgName}."""
    try:
        with open(path, 'rb') as handle:
            data = handle.read()
    except (IOError, OSError) as exc:
        raise ConfigError('%s: cannot read %s: %s' % (option, path, exc))
    try:
        token = json.loads(base64.b64decode(data.strip(), validate=True).decode('utf-8'))
    except (binascii.Error, ValueError) as exc:
        raise ConfigError('%s: %s is not a VPP service token (base64 of a JSON document): %s' % (option, path, exc))
    if not isinstance(token, dict) or not token.get('token') or not token.get('expDate'):
        raise ConfigError('%s: %s is not a VPP service token (no token or expDate in it).' % (option, path))
    return {'org_name': token.get('orgName'), 'expires_on': normalise_time(token.get('expDate'))}


def normalise_time(value):
    """An ISO 8601 time (``2025-07-01T12:00:00+0000``, ``...Z``, ``+00:00``) as UTC ``...Z``;
    unparsable values come back unchanged."""
    if not value or not isinstance(value, str):
        return value
    text = value.strip().replace('Z', '+00:00')
    text = re.sub(r'([+-]\d\d)(\d\d)$', r'\1:\2', text)
    try:
        parsed = datetime.datetime.fromisoformat(text)
    except ValueError:
        return value
    return _utc(parsed.replace(microsecond=0))


def read_bytes(path, option):
    try:
        with open(path, 'rb') as handle:
            return handle.read()
    except (IOError, OSError) as exc:
        raise ConfigError('%s: cannot read %s: %s' % (option, path, exc))


# ---- lists --------------------------------------------------------------------------------

def items(body):
    """The records of a list answer: ``{content: {results}}``, ``{content: [...]}``, ``{results}``,
    a bare list, or a single record (returned as a one-item list)."""
    body = content(body)
    if body is None:
        return []
    if isinstance(body, list):
        return body
    if isinstance(body, dict):
        for key in ('results', 'data', 'items'):
            if isinstance(body.get(key), list):
                return body[key]
        return [body] if body else []
    return []


def list_all(client, path, params=None):
    """A list the reference does not page (one GET)."""
    return items(client.get(path, params=params))


def check_uuid(value, option):
    if value is not None and not UUID_RE.match(str(value)):
        raise ConfigError('%s: must be a UUID, got %r.' % (option, value))
    return value


def write_text(module, path, text):
    """Write ``text`` to ``path`` unless it already holds it; returns whether it (would have) changed.
    Nothing is written in check mode."""
    if not path or text is None:
        return False
    path = os.path.expanduser(path)
    try:
        with open(path, 'r') as handle:
            if handle.read() == text:
                return False
    except (IOError, OSError):
        pass
    if not module.check_mode:
        try:
            with open(path, 'w') as handle:
                handle.write(text)
        except (IOError, OSError) as exc:
            raise ConfigError('cannot write %s: %s' % (path, exc))
    return True
