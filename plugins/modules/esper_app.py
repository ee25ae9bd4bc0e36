#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: esper_app
short_description: Upload, describe and delete Esper tenant apps and their versions
version_added: 0.1.0
description:
  - Uploads an app file (an Android C(.apk), or an C(.ipa) with O(platform=APPLE)) to the tenant's
    app library, sets the description of an app version, deletes a version, or deletes an app.
  - "How a version is identified: by the package name and the version code. They are read from the
    file: for an APK the C(package) and C(android:versionCode) attributes of the C(<manifest>) element
    of C(AndroidManifest.xml) (the compiled binary XML of a built APK, or a plain-text manifest); for
    an C(.ipa) C(CFBundleIdentifier) and C(CFBundleVersion) of C(Payload/<name>.app/Info.plist).
    O(package_name) and O(version_code), when given, are used when the file cannot be read; when
    the file can be read they must agree with it."
  - "Idempotence: the file is uploaded only when the tenant has no app with that package name
    (and platform) holding a version with that version code. Only those two values are compared:
    the content of the file is not. When the API shows a SHA-256 (C(hash_string)) of the existing
    version that differs from the file's, the module warns and still uploads nothing (the API
    refuses a second upload of one version code: raise the version code)."
  - O(description) is compared with the version's description and set with a PUT when it differs.
  - "The API has no call to delete an app: with O(state=absent) and no version selected, the module
    deletes every version of the app, and the API removes the app with its last version."
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.esper
  - mdmkit.mdm.attributes
options:
  file:
    description:
      - Path of the app file to upload (multipart/form-data C(POST /v2/tenant-apps)).
      - Also selects the version (its package name and version code) for O(description) and
        O(state=absent).
    type: path
  platform:
    description:
      - Platform of the app. V(APPLE) uploads an C(.ipa) and sends C(platform=APPLE).
    type: str
    choices: [ANDROID, APPLE]
    default: ANDROID
  package_name:
    description:
      - Package name (bundle identifier for Apple) of the app. Finds the app without O(file);
        with O(file), it is the comparison key when the file's manifest cannot be read.
    type: str
  version_code:
    description:
      - Version code (Android C(versionCode), Apple C(CFBundleVersion)) of the version to manage.
        With O(file), it is the comparison key when the file's manifest cannot be read.
    type: str
  app_id:
    description: Id (UUID) of the app, instead of its package name.
    type: str
  version_id:
    description: Id (UUID) of the version, instead of its version code.
    type: str
  description:
    description:
      - Description of the version. Unset leaves it untouched; an empty string clears it.
    type: str
  state:
    description:
      - V(present) uploads the file when the version is missing and sets its description.
      - V(absent) deletes the selected version (O(version_id), O(version_code) or the version of
        O(file)), or, when none is selected, every version of the app (and so the app).
    type: str
    choices: [present, absent]
    default: present
notes:
  - An upload is a POST and is never resent after a dropped connection; the task then fails
    saying the outcome is unknown.
'''

EXAMPLES = r'''
- name: Upload a build (nothing is sent when this version code is already there)
  mdmkit.mdm.esper_app:
    file: /builds/fieldnotes-1.4.0.apk
    description: Spring release

- name: Upload a package whose manifest the module cannot read
  mdmkit.mdm.esper_app:
    file: /builds/obfuscated.apk
    package_name: com.example.scanner
    version_code: "4021"

- name: Delete one version
  mdmkit.mdm.esper_app:
    package_name: com.example.fieldnotes
    version_code: "12"
    state: absent

- name: Delete the app and all its versions
  mdmkit.mdm.esper_app:
    package_name: com.example.fieldnotes
    state: absent
'''

RETURN = r'''
app:
  description: The app (null when it does not exist, or once deleted).
  returned: always
  type: dict
  sample: {id: 5b0c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3, app_name: Fieldnotes, package_name: com.example.fieldnotes,
           platform: ANDROID, version_count: 2}
version:
  description: The selected version after the task (what it would be, in check mode); null once deleted.
  returned: when a version is selected
  type: dict
  contains:
    id:
      description: Id of the version (absent in check mode for a new upload).
      type: str
      returned: when the version exists
      sample: 0f9e8d7c-6b5a-4c3d-9e2f-1a0b9c8d7e6f
    package_name:
      description: Package name of the app.
      type: str
      returned: success
      sample: com.example.fieldnotes
    version_code:
      description: Version code.
      type: str
      returned: success
      sample: '12'
    version_name:
      description: Version name.
      type: str
      returned: success
      sample: '1.4.0'
    description:
      description: Description of the version.
      type: str
      returned: success
      sample: Spring release
  sample: {id: 0f9e8d7c-6b5a-4c3d-9e2f-1a0b9c8d7e6f, package_name: com.example.fieldnotes, version_code: '12',
           version_name: '1.4.0', description: Spring release}
uploaded:
  description: Whether the file was (or, in check mode, would be) uploaded.
  returned: always
  type: bool
  sample: true
deleted_versions:
  description: Version codes deleted (or, in check mode, that would be) when the whole app is deleted.
  returned: when O(state=absent) and no version is selected
  type: list
  elements: str
  sample: ['11', '12']
'''

import hashlib
import os

from ansible_collections.mdmkit.mdm.plugins.module_utils import esper_tenant as et
from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError, NotFoundError
from ansible_collections.mdmkit.mdm.plugins.module_utils.esper_commands import content, v2_paginate
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.state import Resource

APPS_PATH = 'v2/tenant-apps'
VERSION = Resource('version', keys=['package_name', 'version_code', 'version_name', 'description'],
                   equal={'version_name': lambda current, desired: True,
                          'description': lambda current, desired: (current or '') == desired})
APP = Resource('app', keys=['id', 'package_name', 'app_name', 'platform', 'version_codes'])


def version_view(version, package_name):
    code = version.get('version_code', version.get('build_number'))
    return {'id': version.get('id'), 'package_name': package_name,
            'version_code': str(code) if code is not None else None,
            'version_name': version.get('version_name'), 'description': version.get('description') or '',
            'hash_string': version.get('hash_string')}


def file_identity(params):
    """(package name, version code, version name) of O(file), reconciled with the options."""
    path, platform = params['file'], params['platform']
    if not os.path.isfile(path):
        raise ConfigError('file: %s does not exist or is not a file.' % path)
    try:
        info = et.ipa_info(path) if platform == 'APPLE' else et.apk_info(path)
    except ConfigError as exc:
        if params['package_name'] and params['version_code']:
            return params['package_name'], params['version_code'], None
        raise ConfigError('%s (give package_name and version_code to upload it anyway)' % exc.msg.rstrip('.'))
    for option, key in (('package_name', 'package_name'), ('version_code', 'version_code')):
        if params[option] is not None and info[key] is not None and params[option] != info[key]:
            raise ConfigError('%s: %r differs from the %r read from %s.' % (option, params[option], info[key], path))
    package = params['package_name'] or info['package_name']
    code = params['version_code'] or info['version_code']
    if not package or not code:
        raise ConfigError('file: no package name or version code found in %s; give package_name and '
                          'version_code.' % path)
    return package, code, info['version_name']


def main():
    module = MdmModule(
        'esper',
        argument_spec=dict(
            file=dict(type='path'),
            platform=dict(type='str', default='ANDROID', choices=['ANDROID', 'APPLE']),
            package_name=dict(type='str'),
            version_code=dict(type='str'),
            app_id=dict(type='str'),
            version_id=dict(type='str'),
            description=dict(type='str'),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        required_one_of=[('file', 'package_name', 'app_id')],
        supports_check_mode=True,
    )
    params = module.params
    client = module.client
    with module.errors():
        et.check_uuid(params['app_id'], 'app_id')
        et.check_uuid(params['version_id'], 'version_id')
        package, code, name = params['package_name'], params['version_code'], None
        if params['file']:
            package, code, name = file_identity(params)
        if params['state'] == 'present' and not params['file'] and params['description'] is not None \
                and not (code or params['version_id']):
            raise ConfigError('description: select the version with version_code, version_id or file.')

        # the app: by id, else by package name (one filtered listing)
        app = None
        if params['app_id']:
            try:
                app = content(client.get('%s/%s' % (APPS_PATH, params['app_id'])))
            except NotFoundError:
                app = None
            if app and package and app.get('package_name') != package:
                raise ConfigError('app_id: app %s is %s, not %s.' % (params['app_id'], app.get('package_name'), package))
        else:
            query = {'package_name': package}
            if params['platform'] == 'APPLE':
                query['platform'] = 'APPLE'
            apps = [a for a in v2_paginate(client, APPS_PATH, query)
                    if a.get('package_name') == package and (a.get('platform') or 'ANDROID') == params['platform']]
            app = apps[0] if apps else None
        package = package or (app or {}).get('package_name')
        versions = []
        if app:
            versions = [version_view(v, package) for v in v2_paginate(client, '%s/%s/versions' % (APPS_PATH, app['id']))]

        selected = code or params['version_id']
        current = None
        if params['version_id']:
            current = next((v for v in versions if v['id'] == params['version_id']), None)
            if current is None and params['state'] == 'present':
                raise ConfigError('version_id: the app has no version %s.' % params['version_id'])
            if current is not None and code and current['version_code'] != code:
                raise ConfigError('version_id: version %s has version code %s, not %s.'
                                  % (params['version_id'], current['version_code'], code))
        elif code:
            current = next((v for v in versions if v['version_code'] == code), None)
        if params['app_id'] and app is None and params['state'] == 'present':
            raise ConfigError('app_id: no tenant app has the id %s.' % params['app_id'])

        result = {'uploaded': False}
        app_result = dict(app) if app else None

        if params['state'] == 'absent' and not selected:
            current_app = None
            if app:
                current_app = {'id': app['id'], 'package_name': package, 'app_name': app.get('app_name'),
                               'platform': app.get('platform'), 'version_codes': [v['version_code'] for v in versions]}

            def delete_app(current_app):
                for version in versions:
                    client.delete('%s/%s/versions/%s' % (APPS_PATH, app['id'], version['id']))

            result.update(APP.ensure(module, current_app, {}, delete=delete_app, state='absent'))
            result['deleted_versions'] = current_app['version_codes'] if current_app else []
            result['app'] = None
            module.exit_json(**result)

        if params['state'] == 'present' and current is None and not params['file']:
            raise ConfigError('version_code: %s has no version %s, and no file was given to upload.' % (package, code))

        if current is not None and params['file'] and current.get('hash_string'):
            digest = hashlib.sha256()
            with open(params['file'], 'rb') as handle:
                for block in iter(lambda: handle.read(65536), b''):
                    digest.update(block)
            if digest.hexdigest() != current['hash_string']:
                module.warn('%s version code %s is already uploaded with different content; the file was not '
                            'uploaded (raise the version code to upload a new build).' % (package, code))

        desired = {'package_name': package, 'version_code': current['version_code'] if current else code}
        if params['description'] is not None:
            desired['description'] = params['description']

        def create(desired):
            with open(params['file'], 'rb') as handle:
                data = handle.read()
            form = {'platform': 'APPLE'} if params['platform'] == 'APPLE' else None
            answer = content(client.request('POST', APPS_PATH, data=form,
                                            files={'file': (os.path.basename(params['file']), data)}).body) or {}
            version = answer.get('version') or answer
            application = answer.get('application') or answer.get('app') or {}
            app_id = version.get('app_id') or application.get('id')
            if not isinstance(version, dict) or not version.get('id') or not app_id:  # tolerate a bare answer
                found = [a for a in v2_paginate(client, APPS_PATH, {'package_name': package})
                         if a.get('package_name') == package]
                app_id = found[0]['id'] if found else None
                version = next((v for v in v2_paginate(client, '%s/%s/versions' % (APPS_PATH, app_id))
                                if str(v.get('version_code', v.get('build_number'))) == code), {}) if app_id else {}
            view = version_view(version, package)
            if desired.get('description'):
                view = version_view(content(client.put('%s/%s/versions/%s' % (APPS_PATH, app_id, view['id']),
                                                       json_body={'description': desired['description']})), package)
            new_app = content(client.get('%s/%s' % (APPS_PATH, app_id))) if app_id else application
            result['app'] = new_app
            return view

        def update(changes, current):
            return version_view(content(client.put('%s/%s/versions/%s' % (APPS_PATH, app['id'], current['id']),
                                                   json_body={'description': changes['description']})), package)

        def delete(current):
            client.delete('%s/%s/versions/%s' % (APPS_PATH, app['id'], current['id']))

        result['app'] = app_result
        if current is None and params['state'] == 'present':
            result['uploaded'] = True
            desired['version_name'] = name
        outcome = VERSION.ensure(module, current, desired, create=create, update=update, delete=delete,
                                 state=params['state'])
        result.update(outcome)
        if params['state'] == 'absent' and current is not None and len(versions) == 1:
            result['app'] = None  # the API removes an app with its last version
        if result.get('version'):
            result['version'].pop('hash_string', None)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
