#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: simplemdm_app
short_description: Manage the apps of a SimpleMDM app catalog
version_added: 0.1.0
description:
  - Adds an App Store app (by O(app_store_id) or O(bundle_id)), uploads an enterprise C(.ipa) or a
    macOS C(.pkg) (O(binary)), renames, replaces and deletes catalog apps.
  - "How the app is found: by O(app_id) when given; otherwise by its App Store id, its bundle
    identifier (O(bundle_id), or the one read from O(binary)); otherwise by O(name). One listing
    of the catalog is read; a value that matches several apps fails, asking for O(app_id)."
  - "A binary is uploaded only when its version differs from the version the API reports for the
    app, so a second run with the same file uploads nothing. For an C(.ipa) the version is the
    C(CFBundleShortVersionString) (else C(CFBundleVersion)) of C(Payload/<name>.app/Info.plist).
    For a C(.pkg) it is the C(version) of the package's C(PackageInfo) (component package) or of
    its C(Distribution) (product archive); O(version) overrides what is read, and is required
    when the package shows no version. No content fingerprint is compared: the API does not
    report one, so a rebuilt package with an unchanged version is not uploaded again."
  - Shared catalog apps cannot be changed or deleted (the API refuses).
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.simplemdm
  - mdmkit.mdm.attributes
options:
  app_id:
    description:
      - Id of the catalog app. Needed to rename an app, or when several apps share a bundle
        identifier or name. An app cannot be created with a given id.
    type: str
  name:
    description:
      - The name SimpleMDM uses for the app. On creation it is sent with a binary, or set right
        after adding an App Store app. Without O(app_id), O(app_store_id), O(bundle_id) or O(binary)
        it also finds the app. Unset leaves it untouched (SimpleMDM takes the binary's name).
    type: str
  app_store_id:
    description:
      - Apple App Store id of an App Store app to add, such as V(1090161858).
      - Mutually exclusive with O(bundle_id) and O(binary).
    type: int
  bundle_id:
    description:
      - Bundle identifier of an App Store app to add, such as V(com.myCompany.MyApp1).
      - Mutually exclusive with O(app_store_id) and O(binary).
    type: str
  binary:
    description:
      - Path to an C(.ipa) or C(.pkg) file to upload (multipart/form-data).
      - Uploaded on creation, and on later runs only when its version differs from the app's.
      - Mutually exclusive with O(app_store_id) and O(bundle_id).
    type: path
  version:
    description:
      - Version of O(binary) to compare with the version the API reports, instead of the one read
        from the file. Required for a C(.pkg) whose C(PackageInfo) or C(Distribution) has no version.
    type: str
  deploy_to:
    description:
      - When a new binary replaces an existing app's, which associated devices it is pushed to once
        processed. V(none) pushes nothing, V(outdated) pushes to devices with an older version,
        V(all) to every associated device. Not sent for a creation or a rename.
    type: str
    choices: [none, outdated, all]
    default: none
  wait:
    description:
      - After an upload, wait until the API reports the app's C(processing_status) as
        V(processed).
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for processing when O(wait=true); the task fails when it runs out.
        SimpleMDM may take up to 15 minutes to process a binary.
    type: int
    default: 900
  munki_pkginfo:
    description:
      - Path to a Munki pkginfo file (XML or property list) for the app, with
        O(munki_pkginfo_state=present).
      - The API does not return the pkginfo, so it cannot be compared. It is uploaded when the app
        is created or its binary replaced by this task, or on every run with
        O(munki_pkginfo_upload=always) (then the task always reports a change).
    type: path
  munki_pkginfo_state:
    description:
      - V(present) uploads O(munki_pkginfo) (see there for when). V(absent) deletes the app's
        pkginfo; the task reports a change only when the API had one.
      - SimpleMDM does not tell whether an app has a pkginfo (only a delete answers 204 or 404), so
        in check mode V(absent) reports no change for an existing app, with a warning that it
        cannot be checked, and C(munki_pkginfo=unknown).
    type: str
    choices: [present, absent]
    default: present
  munki_pkginfo_upload:
    description:
      - V(with_binary) uploads O(munki_pkginfo) only together with a created or replaced app,
        V(always) on every run.
    type: str
    choices: [with_binary, always]
    default: with_binary
  state:
    description:
      - V(present) adds or updates the app, V(absent) deletes it from the catalog (devices keep it).
    type: str
    choices: [present, absent]
    default: present
notes:
  - Uploads are never resent after a dropped connection (POST/PATCH); the task fails saying the
    outcome is unknown.
  - With O(state=absent) and O(binary), the app deleted is the one with the binary's bundle
    identifier (read from the file); a binary without one fails, asking for O(app_id).
'''

EXAMPLES = r'''
- name: Add an App Store app by bundle id
  mdmkit.mdm.simplemdm_app:
    bundle_id: com.microsoft.Office.Outlook

- name: Upload an enterprise app and push it to devices with an older version
  mdmkit.mdm.simplemdm_app:
    binary: /builds/SurfReport.ipa
    name: Surf Report
    deploy_to: outdated

- name: Upload a macOS package with its Munki pkginfo
  mdmkit.mdm.simplemdm_app:
    binary: /builds/Tool-1.4.pkg
    name: Tool
    munki_pkginfo: /builds/Tool-1.4.plist

- name: Remove an app from the catalog
  mdmkit.mdm.simplemdm_app:
    app_id: "63"
    state: absent
'''

RETURN = r'''
app:
  description: The app after the task (what it would be, in check mode); null once deleted.
  returned: success
  type: dict
  contains:
    id:
      description: Id of the app (absent in check mode for a new app).
      type: int
      returned: when the app exists
      sample: 63
    name:
      description: Name of the app in the catalog.
      type: str
      returned: success
      sample: Surf Report
    app_type:
      description: V(app store), V(enterprise), V(custom b2b)...
      type: str
      returned: when the app exists
      sample: enterprise
    bundle_identifier:
      description: Bundle identifier.
      type: str
      returned: success
      sample: com.portlandsurfclub.ent.surfreport2.2
    itunes_store_id:
      description: App Store id of an App Store app.
      type: int
      returned: for App Store apps
      sample: 573116090
    version:
      description: Version of an uploaded binary.
      type: str
      returned: for uploaded apps
      sample: '2.2'
    processing_status:
      description: Processing state of the binary.
      type: str
      returned: when the API shows it
      sample: processed
  sample: {id: 63, name: Surf Report, app_type: enterprise, version: '2.2',
           bundle_identifier: com.portlandsurfclub.ent.surfreport2.2}
uploaded:
  description: Whether a binary was (or, in check mode, would be) uploaded.
  returned: success
  type: bool
  sample: true
munki_pkginfo:
  description:
    - What happened to the Munki pkginfo, V(uploaded), V(deleted) or null; V(unknown) for
      O(munki_pkginfo_state=absent) in check mode on an existing app.
  returned: success
  type: str
  sample: uploaded
'''

import os
import time

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError, NotFoundError
from ansible_collections.mdmkit.mdm.plugins.module_utils.lookup import find
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm import flatten
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm_catalog import binary_info
from ansible_collections.mdmkit.mdm.plugins.module_utils.state import Resource

APP = Resource('app', keys=['name', 'bundle_identifier', 'itunes_store_id', 'version'],
               equal={'version': lambda current, desired: str(current or '') == str(desired)})
PROCESSING = ('processing', 'pending', 'queued', 'uploading')


def locate(apps, params, binary):
    """The current app (raw object) or None."""
    if params['app_id']:
        return find(apps, params['app_id'], ('id',), 'app', 'app_id')
    if params['app_store_id'] is not None:
        return find(apps, params['app_store_id'], ('itunes_store_id',), 'app', 'app_store_id')
    bundle = params['bundle_id'] or (binary or {}).get('bundle_identifier')
    if bundle:
        found = find(apps, bundle, ('bundle_identifier',), 'app', 'bundle_id' if params['bundle_id'] else 'binary')
        if found is not None or not params['name']:
            return found
    if params['name']:
        return find(apps, params['name'], ('name',), 'app', 'name')
    return None


def main():
    module = MdmModule(
        'simplemdm',
        argument_spec=dict(
            app_id=dict(type='str'),
            name=dict(type='str'),
            app_store_id=dict(type='int'),
            bundle_id=dict(type='str'),
            binary=dict(type='path'),
            version=dict(type='str'),
            deploy_to=dict(type='str', default='none', choices=['none', 'outdated', 'all']),
            wait=dict(type='bool', default=True),
            wait_timeout=dict(type='int', default=900),
            munki_pkginfo=dict(type='path'),
            munki_pkginfo_state=dict(type='str', default='present', choices=['present', 'absent']),
            munki_pkginfo_upload=dict(type='str', default='with_binary', choices=['with_binary', 'always']),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        mutually_exclusive=[('app_store_id', 'bundle_id', 'binary')],
        required_one_of=[('app_id', 'name', 'app_store_id', 'bundle_id', 'binary')],
        supports_check_mode=True,
    )
    params = module.params
    state = params['state']
    binary = None
    if params['binary']:
        with module.errors():
            binary = binary_info(params['binary'])
        if params['version']:
            binary['version'] = params['version']
        if state == 'absent' and not params['app_id'] and not binary.get('bundle_identifier'):
            module.fail_on('binary', 'no bundle identifier could be read from %s, so the app to delete is not '
                                     'known; give app_id instead.' % params['binary'])
    if params['munki_pkginfo'] and not os.path.isfile(params['munki_pkginfo']):
        module.fail_on('munki_pkginfo', '%s is not a file.' % params['munki_pkginfo'])
    if params['munki_pkginfo'] and params['munki_pkginfo_state'] == 'absent':
        module.fail_on('munki_pkginfo', 'give a file only with munki_pkginfo_state=present.')
    if params['wait_timeout'] < 0:
        module.fail_on('wait_timeout', 'must be 0 or more, got %s.' % params['wait_timeout'])
    client = module.client
    outcome = {'uploaded': False, 'munki_pkginfo': None}

    def wait_processed(app):
        if not params['wait']:
            return app
        deadline = time.time() + params['wait_timeout']
        delay = 1.0
        while str(app.get('processing_status') or 'processed').lower() in PROCESSING:
            if time.time() >= deadline:
                raise ConfigError('wait_timeout: app %s was still %r after %s s.'
                                  % (app.get('id'), app.get('processing_status'), params['wait_timeout']),
                                  app=app, changed=True)  # the binary was uploaded
            time.sleep(min(delay, max(0.0, deadline - time.time())))
            delay = min(delay * 2, 10.0)
            app = flatten(client.get('apps/%s' % app['id'])['data'])
        status = str(app.get('processing_status') or '').lower()
        if 'fail' in status or 'error' in status:
            raise ConfigError('binary: SimpleMDM could not process the upload of app %s (processing_status %r).'
                              % (app.get('id'), app.get('processing_status')), app=app, changed=True)
        return app

    def upload(method, path, data):
        with open(params['binary'], 'rb') as handle:
            files = {'binary': (os.path.basename(params['binary']), handle, 'application/octet-stream')}
            response = client.request(method, path, data=data, files=files)
        outcome['uploaded'] = True
        return flatten(response.body['data'])

    def create(desired):
        if binary is not None:
            data = {'name': params['name']} if params['name'] else {}
            app = upload('POST', 'apps', data)
        elif params['app_store_id'] is not None:
            app = flatten(client.post('apps', data={'app_store_id': params['app_store_id']})['data'])
        elif params['bundle_id']:
            app = flatten(client.post('apps', data={'bundle_id': params['bundle_id']})['data'])
        else:
            raise ConfigError('name: no app is named %r; to add one give app_store_id, bundle_id or binary.'
                              % params['name'])
        if params['name'] and binary is None and app.get('name') != params['name']:
            app = flatten(client.patch('apps/%s' % app['id'], data={'name': params['name']})['data'])
        if binary is not None:
            app = wait_processed(app)
        return app

    def update(changes, current):
        if binary is not None and ('version' in changes or 'bundle_identifier' in changes):
            data = {'deploy_to': params['deploy_to']}
            # Without a name SimpleMDM takes the binary's; an unset name means untouched.
            name = params['name'] or current.get('name')
            if name:
                data['name'] = name
            app = upload('PATCH', 'apps/%s' % current['id'], data)
            return wait_processed(app)
        if 'itunes_store_id' in changes or 'bundle_identifier' in changes:
            raise ConfigError('app_id: app %s is %s; the App Store app of a catalog entry cannot be changed. '
                              'Add the other app as a new entry instead.'
                              % (current['id'], current.get('bundle_identifier') or current.get('itunes_store_id')))
        return flatten(client.patch('apps/%s' % current['id'], data={'name': changes['name']})['data'])

    def delete(current):
        client.delete('apps/%s' % current['id'])

    with module.errors():
        apps = list(client.paginate('apps'))
        found = locate(apps, params, binary)
        if found is None and params['app_id'] and state == 'present':
            module.fail_on('app_id', 'no app in the catalog has the id %s.' % params['app_id'])
        current = flatten(found) if found is not None else None
        desired = APP.desired(dict(name=params['name'], itunes_store_id=params['app_store_id'],
                                   bundle_identifier=params['bundle_id'] or (binary or {}).get('bundle_identifier'),
                                   version=(binary or {}).get('version')))
        if binary is not None and current is not None and not binary.get('version'):
            module.fail_on('version', 'could not read a version from %s; set version to the version SimpleMDM '
                                      'reports for this package.' % params['binary'])
        if current is None and state == 'present' and binary is None and params['app_store_id'] is None \
                and not params['bundle_id']:
            module.fail_on('name', 'no app is named %r; to add one give app_store_id, bundle_id or binary.'
                           % params['name'])
        result = APP.ensure(module, current, desired, create=create, update=update, delete=delete, state=state)
        if module.check_mode and binary is not None and result['changed']:
            outcome['uploaded'] = True
        app = result.get('app')
        if state == 'present' and params['munki_pkginfo_state'] == 'absent':
            if module.check_mode:
                if current is not None:  # a new app has no pkginfo; an existing one may
                    outcome['munki_pkginfo'] = 'unknown'
                    module.warn('munki_pkginfo_state: SimpleMDM does not tell whether app %s has a Munki pkginfo; '
                                'check mode cannot say whether one would be deleted.' % current['id'])
            elif app and app.get('id') is not None:
                try:
                    client.delete('apps/%s/munki_pkginfo' % app['id'])
                    outcome['munki_pkginfo'] = 'deleted'
                    result['changed'] = True
                except NotFoundError:
                    pass
        elif state == 'present' and params['munki_pkginfo'] and (
                outcome['uploaded'] or params['munki_pkginfo_upload'] == 'always'):
            result['changed'] = True
            outcome['munki_pkginfo'] = 'uploaded'
            if not module.check_mode:
                with open(params['munki_pkginfo'], 'rb') as handle:
                    client.request('POST', 'apps/%s/munki_pkginfo' % app['id'],
                                   files={'file': (os.path.basename(params['munki_pkginfo']), handle,
                                                   'application/xml')})
    result.update(outcome)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
