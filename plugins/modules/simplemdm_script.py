#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: simplemdm_script
short_description: Manage SimpleMDM scripts
version_added: 0.1.0
description:
  - Creates, updates and deletes the scripts of a SimpleMDM account (macOS shell scripts run by
    M(mdmkit.mdm.simplemdm_script_job)).
  - Idempotent on content. The script SimpleMDM holds is compared with O(content) or O(src)
    without regard to line endings (CRLF or LF) or trailing newlines, and uploaded only when different.
  - Like the API, the module refuses a script that does not begin with a shebang (C(#!/bin/sh)),
    before anything is sent.
  - Updating or deleting a script does not change script jobs already created from it.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.simplemdm
  - mdmkit.mdm.attributes
options:
  name:
    description:
      - Name of the script. Without O(id), the script is found by this exact name.
    type: str
    required: true
  id:
    description:
      - Id of an existing script. With it, O(name) renames the script.
    type: int
  content:
    description:
      - The script's text. Mutually exclusive with O(src). Required (or O(src)) to create a script;
        unset leaves the content untouched.
    type: str
  src:
    description:
      - Path to a file holding the script (UTF-8 text). Mutually exclusive with O(content).
    type: path
  variable_support:
    description:
      - Let SimpleMDM replace custom attribute variables in the script. Unset leaves it untouched
        (SimpleMDM defaults to V(false) on creation).
    type: bool
  state:
    description:
      - V(present) creates or updates the script, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Scripts are not available with every SimpleMDM subscription; the API then answers with an error.
seealso:
  - module: mdmkit.mdm.simplemdm_script_job
'''

EXAMPLES = r'''
- name: A script from a file
  mdmkit.mdm.simplemdm_script:
    name: Say hi
    src: files/say-hi.sh

- name: Inline, with variables
  mdmkit.mdm.simplemdm_script:
    name: Greeting
    variable_support: true
    content: |
      #!/bin/bash
      echo "Hello {{ '{{' }}greeting_attribute{{ '}}' }}"

- name: Remove it
  mdmkit.mdm.simplemdm_script:
    name: Greeting
    state: absent
'''

RETURN = r'''
script:
  description: The script after the task (what it would be, in check mode); null once deleted.
  returned: always
  type: dict
  contains:
    id:
      description: Script id (absent when created in check mode).
      type: int
      returned: when it exists
      sample: 35
    name:
      description: Name.
      type: str
      returned: success
      sample: Say hi
    content:
      description: The script's text.
      type: str
      returned: success
      sample: "#!/bin/bash\necho \"Hello!\""
    variable_support:
      description: Variables are replaced.
      type: bool
      returned: success
      sample: false
    updated_at:
      description: Last change, as SimpleMDM reports it.
      type: str
      returned: when it exists
      sample: '2022-06-01T12:30:01.590-07:00'
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm_config import (
    find_named,
    load_script,
    normal_script,
)
from ansible_collections.mdmkit.mdm.plugins.module_utils.state import Resource

SCRIPT = Resource('script', keys=['name', 'content', 'variable_support'],
                  equal={'content': lambda cur, want: normal_script(cur) == normal_script(want),
                         'variable_support': lambda cur, want: bool(cur) == want})


def view(raw):
    attrs = raw.get('attributes') or {}
    return dict(id=raw.get('id'), name=attrs.get('name'), content=attrs.get('content'),
                variable_support=attrs.get('variable_support'), updated_at=attrs.get('updated_at'))


def main():
    module = MdmModule(
        'simplemdm',
        argument_spec=dict(
            name=dict(type='str', required=True),
            id=dict(type='int'),
            content=dict(type='str'),
            src=dict(type='path'),
            variable_support=dict(type='bool'),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        mutually_exclusive=[('content', 'src')],
        supports_check_mode=True,
    )
    params = module.params
    state = params['state']
    with module.errors():
        content = None
        if state == 'present':
            content = load_script(params['content'], params['src'], 'src' if params['src'] else 'content')
        client = module.client
        obj = find_named(client, 'scripts', params['name'], params['id'], search=False)
        if state == 'present' and obj is None and content is None:
            raise ConfigError('content: required (or src) to create the script %r, which does not exist.'
                              % params['name'])
        current = view(obj) if obj is not None else None
        desired = dict(name=params['name'])
        if content is not None:
            desired['content'] = content
        if params['variable_support'] is not None:
            desired['variable_support'] = params['variable_support']

        def send(method, path, changes):
            data = {}
            if 'name' in changes:
                data['name'] = changes['name']
            if 'variable_support' in changes:
                data['variable_support'] = '1' if changes['variable_support'] else '0'
            files = None
            if 'content' in changes:
                files = {'file': ('script.sh', changes['content'].encode('utf-8'), 'text/x-shellscript')}
            return view(client.request(method, path, data=data, files=files).body['data'])

        def create(want):
            return send('POST', 'scripts', want)

        def update(changes, cur):
            return send('PATCH', 'scripts/%s' % cur['id'], changes)

        def delete(cur):
            client.delete('scripts/%s' % cur['id'])

        result = SCRIPT.ensure(module, current, desired, create=create, update=update, delete=delete,
                               state=state)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
