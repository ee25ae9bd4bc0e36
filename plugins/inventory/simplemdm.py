# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: simplemdm
short_description: SimpleMDM devices as Ansible hosts
version_added: 0.1.0
description:
  - One host per SimpleMDM device, named by serial number by default, so that hosts from the ABM,
    Esper and MicroMDM plugins merge with them.
  - Every device attribute becomes a host variable prefixed C(simplemdm_), with C(simplemdm_id),
    C(simplemdm_device_group_id), C(simplemdm_device_group_name) and C(simplemdm_custom_attributes).
  - One group per device group, C(simplemdm_group_<name>).
  - All data comes from the device list (100 devices per request, read from both ends at once unless
    O(read_both_ends) is off) and one device group list; there is no request per host.
  - The configuration file name must end in C(.simplemdm.yml) or C(.simplemdm.yaml).
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.simplemdm.plugins
  - mdmkit.mdm.inventory
  - constructed
  - inventory_cache
options:
  plugin:
    description: The name of this plugin.
    required: true
    type: str
    choices: [mdmkit.mdm.simplemdm]
  hostnames:
    description:
      - Device attributes tried in order for the host name; the first that is set wins. Devices awaiting
        enrollment have no serial number yet, hence the fallbacks.
    type: list
    elements: str
    default: [serial_number, name, device_name, id]
  search:
    description: Only devices whose name, UDID, serial number, IMEI, MAC address or phone number matches.
    type: str
  include_awaiting_enrollment:
    description: Also add device records still awaiting enrollment.
    type: bool
    default: false
  read_both_ends:
    description:
      - Read the device list from both ends at once, upward and downward (two requests in flight), the
        two reads stopping where they meet. A large fleet is read in about half the time, with one or
        two requests more than reading it one way (two when the reads end exactly where the other
        began; neither can tell from the ids that no device lies between). Hosts are added as the
        pages arrive either way.
      - When two devices would get the same host name (see O(hostnames)), the one added first keeps the
        plain name and the other gets its id appended. With this option the order the pages arrive in,
        and so which device keeps the plain name, can differ from one run to the next; turn it off to
        read upward only, lowest id first.
    type: bool
    default: true
  include_secret_custom_attributes:
    description:
      - Include the values of custom attributes marked secret in C(simplemdm_custom_attributes); without it
        SimpleMDM gives them an empty value.
      - With O(cache), the secret values are written to the cache as they are, in clear text; keep the
        cache where only the inventory's owner can read it, or leave this off when caching.
    type: bool
    default: false
'''

EXAMPLES = r'''
# demo.simplemdm.yml: every device, grouped by device group, plus groups by OS version
plugin: mdmkit.mdm.simplemdm
keyed_groups:
  - key: simplemdm_os_version.split('.')[0]
    prefix: ios
groups:
  supervised_ipads: simplemdm_is_supervised and 'iPad' in (simplemdm_model_name | default(''))
compose:
  ansible_connection: "'local'"

# retail.simplemdm.yml: supervised iPads below iOS 17 in the Retail group, five vars each
plugin: mdmkit.mdm.simplemdm
attributes: [name, os_version, model_name, is_supervised, device_group_name]
filters:
  - simplemdm_is_supervised
  - simplemdm_device_group_name == 'Retail'
  - simplemdm_os_version is version('17', '<')
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm import flatten
from ansible_collections.mdmkit.mdm.plugins.plugin_utils.inventory import MdmInventory


class InventoryModule(MdmInventory):

    NAME = 'mdmkit.mdm.simplemdm'
    VENDOR = 'simplemdm'
    DEFAULT_HOSTNAMES = ('serial_number', 'name', 'device_name', 'id')
    SENSITIVE_ATTRIBUTES = ('filevault_recovery_key', 'firmware_password', 'recovery_lock_password')

    def fetch_pages(self, client):
        group_names = dict((g['id'], (g.get('attributes') or {}).get('name'))
                           for g in client.paginate('device_groups'))
        params = {}
        if self.get_option('search'):
            params['search'] = self.get_option('search')
        for option in ('include_awaiting_enrollment', 'include_secret_custom_attributes'):
            if self.get_option(option):
                params[option] = 'true'
        pages = client.pages_both_ends if self.get_option('read_both_ends') else client.pages
        for page in pages('devices', params=params):
            devices = []
            for obj in page:
                device = flatten(obj)
                device['device_group_name'] = group_names.get(device.get('device_group_id'))
                devices.append(device)
            yield devices

    def device_groups(self, device):
        name = device.get('device_group_name')
        return ['group_%s' % name.lower()] if name else []
