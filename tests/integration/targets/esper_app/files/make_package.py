# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write a tiny app package for the tests.

    python make_package.py apk OUT PACKAGE VERSION_CODE VERSION_NAME [--utf8] [--no-names]
    python make_package.py ipa OUT BUNDLE_ID BUNDLE_VERSION SHORT_VERSION

An APK gets a compiled (binary XML) AndroidManifest.xml, as a build produces: a string pool
(UTF-16, or UTF-8 with --utf8), a resource map and a <manifest> element with package,
android:versionCode (an integer) and android:versionName. --no-names leaves the versionCode and
versionName attribute names empty so that readers must use the resource map, as some shrunk
APKs do. An IPA gets Payload/App.app/Info.plist.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import plistlib
import struct
import sys
import zipfile

ANDROID_NS = 'http://schemas.android.com/apk/res/android'


def string_pool(strings, utf8):
    offsets, blob = [], b''
    for text in strings:
        offsets.append(len(blob))
        if utf8:
            raw = text.encode('utf-8')
            blob += bytes([len(text), len(raw)]) + raw + b'\x00'
        else:
            blob += struct.pack('<H', len(text)) + text.encode('utf-16-le') + b'\x00\x00'
    while len(blob) % 4:
        blob += b'\x00'
    header_size = 28
    strings_start = header_size + 4 * len(strings)
    size = strings_start + len(blob)
    return (struct.pack('<HHIIIIII', 0x0001, header_size, size, len(strings), 0, 0x100 if utf8 else 0,
                        strings_start, 0)
            + struct.pack('<%dI' % len(strings), *offsets) + blob)


def binary_manifest(package, code, name, utf8=False, names=True):
    # the first two strings are the attribute names mapped to resource ids
    strings = ['' if not names else 'versionCode', '' if not names else 'versionName', 'package', 'manifest',
               'android', ANDROID_NS, package, name]
    index = dict((s, i) for i, s in enumerate(strings) if s)
    pool = string_pool(strings, utf8)
    resource_map = struct.pack('<HHI', 0x0180, 8, 16) + struct.pack('<II', 0x0101021b, 0x0101021c)
    ns = index[ANDROID_NS]
    start_ns = struct.pack('<HHIIIII', 0x0100, 16, 24, 1, 0xffffffff, index['android'], ns)
    attributes = [
        (ns, 0, 0xffffffff, 0x10, int(code)),
        (ns, 1, index[name], 0x03, index[name]),
        (0xffffffff, index['package'], index[package], 0x03, index[package]),
    ]
    attrs = b''.join(struct.pack('<IIIHBBI', a_ns, a_name, raw, 8, 0, dtype, data)
                     for a_ns, a_name, raw, dtype, data in attributes)
    start = (struct.pack('<HHIII', 0x0102, 16, 36 + len(attrs), 1, 0xffffffff)
             + struct.pack('<IIHHHHHH', 0xffffffff, index['manifest'], 20, 20, len(attributes), 0, 0, 0) + attrs)
    end = struct.pack('<HHIIIII', 0x0103, 16, 24, 1, 0xffffffff, 0xffffffff, index['manifest'])
    end_ns = struct.pack('<HHIIIII', 0x0101, 16, 24, 1, 0xffffffff, index['android'], ns)
    body = pool + resource_map + start_ns + start + end + end_ns
    return struct.pack('<HHI', 0x0003, 8, 8 + len(body)) + body


def main(argv):
    kind, out = argv[0], argv[1]
    with zipfile.ZipFile(out, 'w') as archive:
        if kind == 'apk':
            package, code, name = argv[2], argv[3], argv[4]
            archive.writestr('AndroidManifest.xml', binary_manifest(package, code, name, utf8='--utf8' in argv,
                                                                    names='--no-names' not in argv))
            archive.writestr('classes.dex', b'dex\n035\x00' + package.encode())
        else:
            archive.writestr('Payload/App.app/Info.plist', plistlib.dumps({
                'CFBundleIdentifier': argv[2], 'CFBundleVersion': argv[3], 'CFBundleShortVersionString': argv[4],
                'CFBundleName': 'App'}))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
