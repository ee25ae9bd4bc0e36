#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: simplemdm_managed_config
short_description: Manage the managed app configuration keys of a SimpleMDM app
version_added: 0.1.0
description:
  - Adds, changes and removes one key of an app's managed configuration.
  - The value is checked against O(value_type) before anything is sent, in the formats of
    SimpleMDM's reference (see O(value_type)).
  - SimpleMDM has no endpoint to change a key, so a changed value or type deletes the key and
    creates it again (its id changes).
  - Changes made through the API reach devices only after a push; set O(push=true) to push once
    after a change (never when nothing changed).
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.simplemdm
  - mdmkit.mdm.attributes
options:
  app:
    description:
      - Id, name or bundle identifier of the catalog app (one listing of the catalog).
    type: str
    required: true
  key:
    description:
      - The configuration key, compared exactly (case matters).
    type: str
    required: true
  value:
    description:
      - The value, in the format of O(value_type). Required with O(state=present).
      - For the array types a list is accepted too; it is joined with commas (and, for
        V(string array), each string is put in double quotes).
    type: raw
  value_type:
    description:
      - "The value's type and format: V(boolean) C(0) or C(1) (true/false accepted); V(date) a
        timestamp with a time zone (C(2017-01-01T12:31:15-07:00)); V(float) (C(0.123)); V(float array)
        floats separated by commas (C(0.123,923.1,42)); V(integer) (C(32)); V(integer array)
        (C(1,452,-129)); V(string); V(string array) strings in double quotes separated by commas
        (C(\"First string\",\"Second string\")). SimpleMDM variables such as C($udid) are kept as they are
        in strings."
    type: str
    choices: [boolean, date, float, float array, integer, integer array, string, string array]
    default: string
  secret:
    description:
      - The value is a secret (a license key, a token, a password). It is compared as usual but
        masked in the result, the diff and the module arguments the result shows (C(invocation)),
        as C(no_log) would. Run the task with C(no_log=true) to keep it out of the system log too.
      - Managed configurations often carry such values; the option is off by default because a
        C(no_log) value masks every occurrence of its text in the output, which would make short
        non-secret values such as C(1) unreadable everywhere.
    type: bool
    default: false
  push:
    description:
      - After a change, push the app's managed configuration to its devices (one request).
    type: bool
    default: false
  state:
    description:
      - V(present) sets the key, V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
'''

EXAMPLES = r'''
- name: Point the app at our server and push the change to devices
  mdmkit.mdm.simplemdm_managed_config:
    app: com.example.field
    key: serverURL
    value: https://field.example.com
    push: true

- name: A string array with device variables
  mdmkit.mdm.simplemdm_managed_config:
    app: "10042"
    key: Device values
    value_type: string array
    value: ["$imei", "$udid"]

- name: A license key, kept out of the output
  mdmkit.mdm.simplemdm_managed_config:
    app: com.example.field
    key: licenseKey
    value: "{{ field_license_key }}"
    secret: true

- name: Remove a key
  mdmkit.mdm.simplemdm_managed_config:
    app: com.example.field
    key: legacyMode
    state: absent
'''

RETURN = r'''
managed_config:
  description: The key after the task (what it would be, in check mode); null once removed.
  returned: success
  type: dict
  contains:
    id:
      description: Id of the managed config (absent in check mode for a new key).
      type: int
      returned: when it exists
      sample: 2
    key:
      description: The key.
      type: str
      returned: success
      sample: serverURL
    value:
      description: The value as SimpleMDM stores it (masked with O(secret=true)).
      type: str
      returned: success
      sample: https://field.example.com
    value_type:
      description: The value's type.
      type: str
      returned: success
      sample: string
  sample: {id: 2, key: serverURL, value: 'http://example.com', value_type: string}
pushed:
  description: Whether the configuration was (or, in check mode, would be) pushed to devices.
  returned: success
  type: bool
  sample: true
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError, NotFoundError
from ansible_collections.mdmkit.mdm.plugins.module_utils.lookup import find
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm import flatten
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm_catalog import (
    VALUE_TYPES,
    find_one,
    managed_config_value,
    same_config_value,
)
from ansible_collections.mdmkit.mdm.plugins.module_utils.state import Resource


def view(obj):
    flat = flatten(obj)
    return dict((k, flat.get(k)) for k in ('id', 'key', 'value', 'value_type'))


def main():
    module = MdmModule(
        'simplemdm',
        argument_spec=dict(
            app=dict(type='str', required=True),
            key=dict(type='str', required=True, no_log=False),
            value=dict(type='raw'),
            value_type=dict(type='str', default='string', choices=list(VALUE_TYPES)),
            secret=dict(type='bool', default=False),
            push=dict(type='bool', default=False),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        required_if=[('state', 'present', ['value'])],
        supports_check_mode=True,
    )
    params = module.params
    value_type = params['value_type']
    if not params['key'].strip():
        module.fail_on('key', 'cannot be empty.')
    value = None
    if params['state'] == 'present':
        try:
            value = managed_config_value(params['value'], value_type)
        except ConfigError as exc:
            module.fail_json(msg=exc.msg)
    config = Resource('managed config', keys=['key', 'value', 'value_type'],
                      secret=['value'] if params['secret'] else [],
                      equal={'value': lambda current, desired: same_config_value(current, desired, value_type)})
    if params['secret']:
        module.no_log_values.update(str(v) for v in (params['value'], value) if v not in (None, ''))
    client = module.client

    with module.errors():
        app = find_one(client, 'apps', params['app'], 'app')
        if app is None:
            module.fail_on('app', 'no app in the catalog has the id, name or bundle identifier %r.' % params['app'])
        base = 'apps/%s/managed_configs' % app['id']

        def create(desired):
            return view(client.post(base, data=desired)['data'])

        def delete(current):
            try:
                client.delete('%s/%s' % (base, current['id']))
            except NotFoundError:
                pass

        def update(changes, current):
            delete(current)
            return create(dict(key=params['key'], value=value, value_type=value_type))

        configs = list(client.paginate(base))
        found = find(configs, params['key'], ('key',), 'managed config', 'key')
        current = view(found) if found is not None else None
        desired = {'key': params['key'], 'value': value, 'value_type': value_type}
        result = config.ensure(module, current, desired, create=create, update=update, delete=delete,
                               state=params['state'])
        result['pushed'] = False
        if result['changed'] and params['push']:
            if not module.check_mode:
                client.post('%s/push' % base)
            result['pushed'] = True
    module.exit_json(**result)


if __name__ == '__main__':
    main()
