# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: micromdm
short_description: MicroMDM devices as Ansible hosts
version_added: 0.1.0
description:
  - One host per device MicroMDM knows, named by serial number when the device has reported one, else by
    UDID, else by the UUID of its MicroMDM record (see O(hostnames)), so that hosts from the ABM,
    SimpleMDM and Esper plugins merge with them.
  - Every device attribute becomes a host variable prefixed C(micromdm_) (C(micromdm_uuid),
    C(micromdm_udid), C(micromdm_serial_number), C(micromdm_os_version), C(micromdm_workflow_uuid)...),
    plus C(micromdm_workflow_name) and C(micromdm_id) (the UUID).
  - One group per assigned workflow, C(micromdm_workflow_<name>) with the name in lower case and every
    character other than letters, digits and underscores replaced by C(_) (workflow C(lab-macs) gives
    C(micromdm_workflow_lab_macs)); devices without a workflow are in none.
  - All data comes from two requests, the device list and the workflow list (the API does not page);
    there is no request per host.
  - With O(flavor=micromdm) (MicroMDM 1.x) the devices come from C(POST /v1/devices) (C(micromdm_udid),
    C(micromdm_serial_number), C(micromdm_enrollment_status), C(micromdm_last_seen)...; C(micromdm_uuid)
    is the UDID) and the blueprints from C(POST /v1/blueprints). 1.x assigns no workflow; it applies every
    blueprint whose C(apply_at) holds C(Enroll) to each enrolling device, so each enrolled device is in one
    group per such blueprint, C(micromdm_blueprint_<name>) (same spelling rule), and has
    C(micromdm_blueprint_names). Devices not enrolled are in none.
  - O(flavor=nanomdm) has no device list; the plugin fails saying so.
  - The configuration file name must end in C(.micromdm.yml) or C(.micromdm.yaml).
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.micromdm.plugins
  - mdmkit.mdm.inventory
  - constructed
  - inventory_cache
options:
  plugin:
    description: The name of this plugin.
    required: true
    type: str
    choices: [mdmkit.mdm.micromdm]
  hostnames:
    description:
      - Device attributes tried in order for the host name; the first that is set (not empty) wins.
        A device enrolled before reporting its serial number has an empty one, hence the fallbacks.
    type: list
    elements: str
    default: [serial_number, udid, uuid]
  enrolled_only:
    description: Only add devices that are enrolled (C(enrolled) true).
    type: bool
    default: false
'''

EXAMPLES = r'''
# fleet.micromdm.yml: every device, grouped by workflow and by OS major version
plugin: mdmkit.mdm.micromdm
keyed_groups:
  - key: micromdm_os_version.split('.')[0]
    prefix: os
compose:
  ansible_connection: "'local'"

# dep.micromdm.yml: enrolled DEP devices only, a few vars each, cached for an hour
plugin: mdmkit.mdm.micromdm
enrolled_only: true
attributes: [uuid, udid, serial_number, os_version, workflow_name, dep_profile_status]
filters:
  - micromdm_dep_profile_status in ['assigned', 'pushed']
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/mdmkit
cache_timeout: 3600
'''

import re

from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm import check_flavor
from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm_profiles import applies_at_enroll, list_blueprints
from ansible_collections.mdmkit.mdm.plugins.plugin_utils.inventory import MdmInventory


class InventoryModule(MdmInventory):

    NAME = 'mdmkit.mdm.micromdm'
    VENDOR = 'micromdm'
    DEFAULT_HOSTNAMES = ('serial_number', 'udid', 'uuid')

    def fetch_pages(self, client):
        check_flavor(client.flavor, ('management_v1', 'micromdm'), 'the mdmkit.mdm.micromdm inventory (a device list)')
        # read before the devices: one request for workflows (management_v1) or blueprints (1.x)
        add_group_names = blueprints_at_enroll(client) if client.flavor == 'micromdm' else workflow_names(client)
        devices = []
        for device in client.list_all('devices', 'devices'):
            if not isinstance(device, dict):
                continue
            if self.get_option('enrolled_only') and not device.get('enrolled'):
                continue
            device = dict(device)
            device['id'] = device.get('uuid')
            add_group_names(device)
            devices.append(device)
        yield devices

    def device_groups(self, device):
        name = device.get('workflow_name')
        groups = ['workflow_%s' % group_name(name)] if name else []
        return groups + ['blueprint_%s' % group_name(b) for b in device.get('blueprint_names') or []]


def group_name(name):
    return re.sub(r'[^a-z0-9_]', '_', name.lower())


def workflow_names(client):
    """management_v1: a function giving a device the name of its workflow (``workflow_name``)."""
    workflows = client.list_all('workflows', 'workflows')
    names = dict((str(w.get('uuid')).lower(), w.get('name')) for w in workflows if isinstance(w, dict))

    def add(device):
        device['workflow_name'] = names.get(str(device.get('workflow_uuid') or '').lower())
    return add


def blueprints_at_enroll(client):
    """MicroMDM 1.x: a function giving an enrolled device the names of the blueprints applied at
    enrollment (``blueprint_names``); 1.x assigns no workflow."""
    at_enroll = sorted(b.get('name') for b in list_blueprints(client) if b.get('name') and applies_at_enroll(b))

    def add(device):
        device.pop('workflow_uuid', None)  # 1.x has no workflows
        device['blueprint_names'] = list(at_enroll) if device.get('enrolled') else []
    return add
