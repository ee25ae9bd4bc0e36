# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Build a tiny test .ipa (zip with Payload/<name>.app/Info.plist) or flat .pkg (xar with a
PackageInfo) so the tests never download a binary.

    make_binary.py OUT.ipa BUNDLE_ID VERSION NAME
    make_binary.py OUT.pkg IDENTIFIER VERSION
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import plistlib
import struct
import sys
import zipfile
import zlib


def make_ipa(path, bundle_id, version, name):
    info = {'CFBundleIdentifier': bundle_id, 'CFBundleShortVersionString': version,
            'CFBundleVersion': version.replace('.', ''), 'CFBundleName': name, 'CFBundleDisplayName': name}
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as archive:
        archive.writestr('Payload/%s.app/Info.plist' % name.replace(' ', ''), plistlib.dumps(info))
        archive.writestr('Payload/%s.app/%s' % (name.replace(' ', ''), name.replace(' ', '')), b'\0' * 64)


def make_pkg(path, identifier, version):
    package_info = ('<?xml version="1.0" encoding="utf-8"?>\n'
                    '<pkg-info format-version="2" identifier="%s" version="%s" install-location="/" '
                    'auth="root"/>\n' % (identifier, version)).encode()
    stored = zlib.compress(package_info)
    toc = ('<?xml version="1.0" encoding="UTF-8"?>\n<xar><toc>'
           '<file id="1"><name>PackageInfo</name><type>file</type><data>'
           '<offset>0</offset><length>%d</length><size>%d</size>'
           '<encoding style="application/x-gzip"/></data></file>'
           '</toc></xar>' % (len(stored), len(package_info))).encode()
    toc_compressed = zlib.compress(toc)
    header = b'xar!' + struct.pack('>HHQQI', 28, 1, len(toc_compressed), len(toc), 0)
    with open(path, 'wb') as handle:
        handle.write(header + toc_compressed + stored)


def main(argv):
    if argv[1].endswith('.ipa'):
        make_ipa(argv[1], argv[2], argv[3], argv[4])
    else:
        make_pkg(argv[1], argv[2], argv[3])


if __name__ == '__main__':
    main(sys.argv)
