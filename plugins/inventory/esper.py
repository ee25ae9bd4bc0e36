# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: esper
short_description: Esper devices as Ansible hosts
version_added: 0.1.0
description:
  - One host per Esper device, named by serial number by default, so that hosts from the ABM,
    SimpleMDM and MicroMDM plugins merge with them (Esper Apple devices share their ABM serials).
  - Every device attribute becomes a host variable prefixed C(esper_), plus C(esper_serial),
    C(esper_name), C(esper_model) and C(esper_os_version) taken from the nested hardware and software records.
  - Groups C(esper_platform_<platform>), C(esper_os_<os>), C(esper_state_<state>) (active, inactive,
    provisioning, or the number) and C(esper_group_<group id>) for each Esper group of the device, named by
    the group's id since device records carry group ids only (lower case, characters other than letters,
    digits and underscores replaced by underscores).
  - The device list pages by offset, so after the first page the others are fetched in parallel by at most
    O(page_workers) workers; an error on any page fails the inventory. There is no request per host.
  - "Should the tenant answer with fewer devices per page than O(page_size) (a server-side cap), the offsets
    step by the page size it returned, so no device is skipped."
  - The configuration file name must end in C(.esper.yml) or C(.esper.yaml).
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.esper.plugins
  - mdmkit.mdm.inventory
  - constructed
  - inventory_cache
options:
  plugin:
    description: The name of this plugin.
    required: true
    type: str
    choices: [mdmkit.mdm.esper]
  hostnames:
    description:
      - Device attributes tried in order for the host name; the first that is set wins.
    type: list
    elements: str
    default: [serial, device_name, id]
  page_workers:
    description:
      - Device list pages fetched in parallel after the first one (1 fetches them one by one).
    type: int
    default: 4
  page_size:
    description:
      - Devices per list request, 1 to 1000; a fleet of N devices takes ceil(N / O(page_size)) requests.
      - Esper documents no maximum for C(limit) (its API reference gives only the default of 20), so the
        plugin asks for 1000 and follows the page size the tenant actually returns.
    type: int
    default: 1000
  platform:
    description: Only devices of this platform (API filter).
    type: str
    choices: [ANDROID, APPLE]
  os:
    description: Only devices of this operating system (API filter).
    type: str
    choices: [iOS, iPadOS, Android]
  state:
    description: Only devices in this state (API filter; 1 is active).
    type: int
  group:
    description: Only devices of this Esper group id (API filter C(group_multi)).
    type: str
  search:
    description: Only devices whose name, serial number, IMEI or model matches (API filter).
    type: str
'''

EXAMPLES = r'''
# Two inventory sources, each in its own file.
---
# fleet.esper.yml: every device, API key from ESPER_API_KEY, tenant from ESPER_TENANT
plugin: mdmkit.mdm.esper
page_workers: 8
keyed_groups:
  - key: esper_hardwareInfo.manufacturer | default('unknown') | lower
    prefix: maker
---
# kiosks.esper.yml: active Android devices of one group, a few vars each
plugin: mdmkit.mdm.esper
platform: ANDROID
state: 1
group: 3e41fd18-d53d-4673-a10a-23089cbb6b73
attributes: [id, serial, name, os_version, groups]
'''

import re

from ansible.errors import AnsibleParserError

from ansible_collections.mdmkit.mdm.plugins.module_utils.esper_commands import DEVICES_PATH, device_view
from ansible_collections.mdmkit.mdm.plugins.plugin_utils.inventory import MdmInventory

_NOT_WORD = re.compile(r'[^A-Za-z0-9_]')
STATE_NAMES = {1: 'active', 20: 'inactive', 30: 'provisioning'}
FILTERS = {'platform': 'platform', 'os': 'os', 'state': 'state', 'group': 'group_multi', 'search': 'search'}


class InventoryModule(MdmInventory):

    NAME = 'mdmkit.mdm.esper'
    VENDOR = 'esper'
    DEFAULT_HOSTNAMES = ('serial', 'device_name', 'id')

    def fetch_pages(self, client):
        workers = self.get_option('page_workers')
        size = self.get_option('page_size')
        if not 1 <= workers <= 32:
            raise AnsibleParserError('esper inventory: page_workers must be between 1 and 32, got %s' % workers)
        if not 1 <= size <= 1000:
            raise AnsibleParserError('esper inventory: page_size must be between 1 and 1000, got %s' % size)
        params = dict((name, self.get_option(option)) for option, name in FILTERS.items()
                      if self.get_option(option) is not None)
        for page in client.pages(DEVICES_PATH, params=params, limit=size, workers=workers):
            yield [device_view(device) for device in page]

    def device_groups(self, device):
        groups = []
        for key in ('platform', 'os'):
            if device.get(key):
                groups.append('%s_%s' % (key, str(device[key]).lower()))
        state = device.get('state')
        if state is not None:
            groups.append('state_%s' % STATE_NAMES.get(state, state))
        for group in device.get('groups') or []:
            if isinstance(group, dict):
                group = group.get('name') or group.get('id')
            if group:
                groups.append('group_%s' % str(group).lower())
        return [_NOT_WORD.sub('_', group) for group in groups]
