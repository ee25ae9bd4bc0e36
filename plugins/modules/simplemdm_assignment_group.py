#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: simplemdm_assignment_group
short_description: Manage SimpleMDM assignment groups, their apps, devices and profiles
version_added: 0.1.0
description:
  - Creates, updates, clones and deletes assignment groups, which pair apps and profiles with
    device groups and devices.
  - "Members (O(apps), O(device_groups), O(devices), O(profiles)): an unset list is left untouched;
    a list replaces the members unless O(append=true), which only adds. Names, serial numbers or
    ids are resolved from one listing per kind, and every unknown value fails before anything is
    written. An assign answered with 409 (already assigned) is not a change: a run whose only
    writes are such assigns reports no change."
  - "Fields SimpleMDM does not return are unknown, not different. SimpleMDM's group object (as
    documented) shows only C(name), C(auto_deploy) and the C(apps), C(device_groups) and
    C(devices) members. So, on an existing group: O(priority), O(type), O(install_type) and
    O(app_track_location) are compared only when the API returns them, and otherwise left as they
    are (with a warning); O(profiles) are assigned (each already assigned one answers 409, which
    is no change) but others cannot be seen, so none is unassigned (a warning says so). They are
    all set when the group is created."
  - After a change to the group (creation, settings or members), O(push_apps), O(update_apps) and
    O(sync_profiles) send those commands once. Nothing is sent when nothing changed.
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.simplemdm
  - mdmkit.mdm.attributes
options:
  name:
    description:
      - Name of the group. Finds the group when O(group_id) is not given (a name shared by several
        groups fails); with O(group_id), renames it.
    type: str
  group_id:
    description:
      - Id of the group, to rename it or to tell apart groups of the same name.
    type: str
  auto_deploy:
    description:
      - Push the apps automatically to devices when they join one of the group's device groups.
        SimpleMDM defaults it to V(true) on creation.
    type: bool
  priority:
    description:
      - Priority of the group. Sent on creation, and on an update when SimpleMDM returns the
        group's priority and it differs (see the description for fields the API leaves out).
    type: int
  type:
    description:
      - V(standard) for MDM app and media deployments, V(munki) for Munki app deployments.
        Set on creation only (SimpleMDM defaults it to V(standard)); a different type on an
        existing group fails when SimpleMDM returns the group's type.
    type: str
    choices: [standard, munki]
  install_type:
    description:
      - Install type of a Munki group (no effect on standard groups). SimpleMDM defaults it to
        V(managed).
      - Set on creation only (SimpleMDM's update does not take it); a different value on an
        existing group fails when SimpleMDM returns it.
    type: str
    choices: [managed, self_serve, default_installs, managed_updates]
  app_track_location:
    description:
      - Track the location of iOS devices when the SimpleMDM app is installed. SimpleMDM defaults it to
        V(true).
      - Set on creation only, like O(install_type).
    type: bool
  apps:
    description:
      - Apps of the group, by id, name or bundle identifier.
    type: list
    elements: str
  device_groups:
    description:
      - Device groups of the group, by id or name.
    type: list
    elements: str
  devices:
    description:
      - Devices of the group, by id, serial number or name.
    type: list
    elements: str
  profiles:
    description:
      - Profiles of the group, by id or name (from the account's profile list).
      - When SimpleMDM does not list the group's profiles, the listed ones are assigned (409,
        already assigned, is no change) and no other is unassigned; with O(append=false) a warning
        says so.
    type: list
    elements: str
  append:
    description:
      - With V(true) the member lists only add members; with V(false) they replace them.
    type: bool
    default: false
  clone:
    description:
      - Id or name of a group to clone when the group does not exist yet. SimpleMDM's copy has the
        source's apps, profiles and devices, and no device groups. It is then renamed, its
        O(auto_deploy) and O(priority) set, and the member options given applied to it (a member
        option left unset keeps what the clone copied; O(device_groups) unset leaves it without).
        Ignored when the group exists.
      - A clone takes the source's O(type), O(install_type) and O(app_track_location), which
        cannot be changed afterwards; giving one that SimpleMDM does not show for the source, or
        that differs from it, fails before anything is sent.
      - SimpleMDM clones only for accounts in its New Groups Experience.
    type: str
  push_apps:
    description:
      - After a change, install the group's apps on its devices (C(push_apps)).
    type: bool
    default: false
  update_apps:
    description:
      - After a change, update the group's apps on its devices (C(update_apps)).
    type: bool
    default: false
  sync_profiles:
    description:
      - After a change, sync the group's profiles to its devices (C(sync_profiles)).
      - SimpleMDM allows one sync every 30 seconds and answers 429 with C(X-RateLimit-Reset); the
        task then waits (up to O(rate_limit_max_wait)) and sends it again rather than failing.
    type: bool
    default: false
  state:
    description:
      - V(present) creates or updates the group, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
'''

EXAMPLES = r'''
- name: Productivity apps for the sales devices
  mdmkit.mdm.simplemdm_assignment_group:
    name: Productivity Apps
    auto_deploy: false
    apps: [Afterlight, com.readdle.Scanner]
    device_groups: [Sales]
    push_apps: true

- name: Add one device, keep the others
  mdmkit.mdm.simplemdm_assignment_group:
    name: Productivity Apps
    devices: [DNFJE9DNG5MG]
    append: true

- name: A group cloned from a template, with one more profile
  mdmkit.mdm.simplemdm_assignment_group:
    name: Sales Macs
    clone: Mac Template
    profiles: [Munki Configuration]
    append: true
    sync_profiles: true

- name: A Munki self-service group
  mdmkit.mdm.simplemdm_assignment_group:
    name: Self Service Mac
    type: munki
    install_type: self_serve

- name: Delete
  mdmkit.mdm.simplemdm_assignment_group:
    name: Old Group
    state: absent
'''

RETURN = r'''
assignment_group:
  description: The group after the task (what it would be, in check mode); null once deleted.
  returned: success
  type: dict
  contains:
    id:
      description: Id of the group (absent in check mode for a new group).
      type: int
      returned: when it exists
      sample: 43
    name:
      description: Name.
      type: str
      returned: success
      sample: Communication Apps
    auto_deploy:
      description: Automatic deployment.
      type: bool
      returned: when known
      sample: true
    priority:
      description: Priority (null when SimpleMDM does not return it and the task did not set it).
      type: int
      returned: when known
      sample: 3
    type:
      description: V(standard) or V(munki) (null when unknown, as for O(priority)).
      type: str
      returned: when known
      sample: standard
    apps:
      description: Ids of the group's apps.
      type: list
      elements: int
      returned: when known
      sample: [21, 49]
    device_groups:
      description: Ids of the group's device groups.
      type: list
      elements: int
      returned: when known
      sample: [37]
    devices:
      description: Ids of the group's devices.
      type: list
      elements: int
      returned: when known
      sample: [121]
    profiles:
      description:
        - Ids of the group's profiles. When SimpleMDM does not list them, the ones this task
          assigned (null in the diff's C(before)).
      type: list
      elements: int
      returned: when known
      sample: [145593]
  sample: {id: 43, name: Communication Apps, auto_deploy: true, priority: 3, apps: [21], devices: [121]}
actions:
  description: The commands sent (or, in check mode, that would be sent) after the change.
  returned: success
  type: list
  elements: str
  sample: [push_apps, sync_profiles]
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError
from ansible_collections.mdmkit.mdm.plugins.module_utils.lookup import find
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm_catalog import (
    GROUP_MEMBERS,
    assignment_group_view,
    desired_members,
    fill_unknown,
    form_value,
    resolve_ids,
    same_members,
    sync_members,
)
from ansible_collections.mdmkit.mdm.plugins.module_utils.state import Applied, Resource, plan_members

SETTINGS = ('name', 'auto_deploy', 'priority', 'type', 'install_type', 'app_track_location')
UPDATABLE = ('name', 'auto_deploy', 'priority')  # what the reference's Update takes
CREATION_ONLY = ('type', 'install_type', 'app_track_location')
CLONE_COPIES = ('apps', 'devices', 'profiles')  # the reference: "same apps, profiles, and devices"
GROUP = Resource('assignment group', keys=list(SETTINGS) + list(GROUP_MEMBERS),
                 equal=dict((m, same_members) for m in GROUP_MEMBERS))
ACTIONS = ('push_apps', 'update_apps', 'sync_profiles')


def main():
    module = MdmModule(
        'simplemdm',
        argument_spec=dict(
            name=dict(type='str'),
            group_id=dict(type='str'),
            auto_deploy=dict(type='bool'),
            priority=dict(type='int'),
            type=dict(type='str', choices=['standard', 'munki']),
            install_type=dict(type='str', choices=['managed', 'self_serve', 'default_installs', 'managed_updates']),
            app_track_location=dict(type='bool'),
            apps=dict(type='list', elements='str'),
            device_groups=dict(type='list', elements='str'),
            devices=dict(type='list', elements='str'),
            profiles=dict(type='list', elements='str'),
            append=dict(type='bool', default=False),
            clone=dict(type='str'),
            push_apps=dict(type='bool', default=False),
            update_apps=dict(type='bool', default=False),
            sync_profiles=dict(type='bool', default=False),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        required_one_of=[('name', 'group_id')],
        supports_check_mode=True,
    )
    params = module.params
    if params['name'] is not None and not params['name'].strip():
        module.fail_on('name', 'cannot be empty.')
    client = module.client
    present = params['state'] == 'present'

    with module.errors():
        groups = list(client.paginate('assignment_groups'))
        if params['group_id']:
            found = find(groups, params['group_id'], ('id',), 'assignment group', 'group_id')
            if found is None and present:
                module.fail_on('group_id', 'no assignment group has the id %s.' % params['group_id'])
        else:
            found = find(groups, params['name'], ('name',), 'assignment group', 'name')
        current = assignment_group_view(found) if found is not None else None

        source = None
        if current is None and present and params['clone']:
            source = find(groups, params['clone'], ('id', 'name'), 'assignment group', 'clone')
            if source is None:
                module.fail_on('clone', 'no assignment group has the id or name %r.' % params['clone'])
            source = assignment_group_view(source)

        desired = GROUP.desired(dict((k, params[k]) for k in SETTINGS))
        # Settings SimpleMDM sets on creation only: a known different value fails; an unknown one
        # (the API did not return it) is left alone, with a warning.
        existing = current or source
        for key in CREATION_ONLY:
            if key not in desired or existing is None:
                continue
            if existing.get(key) is None:
                if source is not None:
                    module.fail_on(key, 'a clone takes the source group\'s %s, which SimpleMDM does not show for '
                                        'group %s, and it cannot be changed afterwards. Create the group without '
                                        'clone to set it.' % (key, source['id']))
                module.warn('%s: SimpleMDM did not return the %s of group %s, so it cannot be compared; it is set '
                            'on creation only and was left as it is.' % (key, key, current['id']))
                del desired[key]
            elif str(form_value(existing[key])) != str(form_value(desired[key])):
                what = 'a clone of group %s would be' % source['id'] if source is not None else \
                    'group %s is' % current['id']
                module.fail_on(key, '%s of %s %s; SimpleMDM sets it on creation only (its update takes name, '
                                    'priority and auto_deploy). Delete the group and create it again to change it.'
                               % (what, key, existing[key]))
        if current is not None and 'priority' in desired and current.get('priority') is None:
            module.warn('priority: SimpleMDM did not return the priority of group %s, so it cannot be compared '
                        'and was left as it is.' % current['id'])
            del desired['priority']

        # Members: only the options given are applied. A relationship SimpleMDM did not return
        # (profiles, as documented) is unknown: the wanted members are assigned, none unassigned.
        member_options = []
        if present:
            base = current or {}
            if source is not None:
                base = dict((kind, source.get(kind) if kind in CLONE_COPIES else []) for kind in GROUP_MEMBERS)
            for kind in GROUP_MEMBERS:
                wanted = resolve_ids(client, kind, params[kind], kind)
                if wanted is None:
                    if source is not None and base.get(kind) is not None:
                        desired[kind] = base[kind]  # what the clone will have
                    continue
                member_options.append(kind)
                if base.get(kind) is None and (current is not None or source is not None):
                    if not params['append']:
                        module.warn('%s: SimpleMDM did not list the %s of group %s; the ones listed were assigned '
                                    'but others cannot be seen, so none was unassigned.'
                                    % (kind, kind, (current or source)['id']))
                    desired[kind] = sorted(set(wanted), key=str)
                else:
                    desired[kind] = desired_members(base.get(kind) or [], wanted, params['append'])

        def members(group_id, before, after):
            """Assign/unassign the member options given; the number of real changes."""
            path = 'assignment_groups/%s' % group_id
            count = 0
            for kind in member_options:
                if kind in after:
                    known = before.get(kind)
                    to_add, to_remove = plan_members(known or [], after[kind])
                    count += sync_members(client, path, kind, to_add, to_remove if known is not None else [])
            return count

        def reread(group_id, *known):
            """The group as SimpleMDM shows it, with what it leaves out filled from ``known``."""
            return fill_unknown(assignment_group_view(client.get('assignment_groups/%s' % group_id)['data']), *known)

        def settings_data(values, keys=SETTINGS):
            return dict((k, form_value(values[k])) for k in keys if values.get(k) is not None)

        def create(wanted):
            if source is None:
                new = assignment_group_view(client.post('assignment_groups', data=settings_data(wanted))['data'])
                members(new['id'], {}, wanted)
                return reread(new['id'], new, wanted)
            before_ids = set(str(g.get('id')) for g in groups)
            response = client.request('POST', 'assignment_groups/%s/clone' % source['id'])
            data = (response.body or {}).get('data') if isinstance(response.body, dict) else None
            if data:
                new = assignment_group_view(data)
            else:  # the reference's clone answers 204 with no body: find the new group
                fresh = [g for g in client.paginate('assignment_groups') if str(g.get('id')) not in before_ids]
                if len(fresh) != 1:
                    raise ConfigError('clone: SimpleMDM answered the clone of group %s but %d new groups appeared; '
                                      'check the groups in SimpleMDM.' % (source['id'], len(fresh)))
                new = assignment_group_view(fresh[0])
            patch = dict((k, v) for k, v in settings_data(wanted, UPDATABLE).items()
                         if new.get(k) is None or str(form_value(new[k])) != str(v))
            if patch:
                client.patch('assignment_groups/%s' % new['id'], data=patch)
            members(new['id'], new, wanted)
            return reread(new['id'], wanted, fill_unknown(dict(source), dict(device_groups=[])))

        def update(changes, before):
            patch = settings_data(changes, UPDATABLE)
            if patch:
                client.patch('assignment_groups/%s' % before['id'], data=patch)
            count = members(before['id'], before, changes)
            return Applied(reread(before['id'], changes, before), changed=bool(patch) or count > 0)

        def delete(before):
            client.delete('assignment_groups/%s' % before['id'])

        result = GROUP.ensure(module, current, desired, create=create, update=update, delete=delete,
                              state=params['state'])
        result['actions'] = []
        group = result.get('assignment_group')
        if result['changed'] and present:
            for action in ACTIONS:
                if params[action]:
                    if not module.check_mode:
                        client.post('assignment_groups/%s/%s' % (group['id'], action))
                    result['actions'].append(action)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
