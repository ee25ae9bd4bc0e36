# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: abm
short_description: Apple Business Manager or Apple School Manager devices as Ansible hosts
version_added: 0.1.0
description:
  - One host per organization device, named by serial number, so that hosts from the SimpleMDM,
    Esper and MicroMDM plugins merge with them.
  - Every device attribute becomes a host variable prefixed C(abm_) (snake_case, for example
    C(abm_product_family), C(abm_product_type), C(abm_device_model), C(abm_device_capacity),
    C(abm_color), C(abm_status), C(abm_order_number), C(abm_purchase_source_type),
    C(abm_added_to_org_date_time)), plus C(abm_assigned_server_id) and C(abm_assigned_server_name).
  - Groups C(abm_server_<name>) per device management service (name in lower case) and
    C(abm_unassigned).
  - Requests are the minimum, whatever the fleet size; the device list (1000 per request), the
    service list, and one paged list (1000 per request) of the devices of each service. There is no
    request per host, unless O(include_applecare) is set.
  - With O(include_applecare), each device's AppleCare coverage is read too
    (C(GET /v1/orgDevices/{serial}/appleCareCoverage)), one request per device, O(applecare_workers) at a time,
    so it is opt-in. It adds C(abm_applecare) (the records) and C(abm_applecare_status),
    C(abm_applecare_description), C(abm_applecare_end_date_time), C(abm_applecare_agreement_number) (the
    coverage that is active and ends last, else the one that ended last).
  - O(api=school) reads Apple School Manager.
  - The configuration file name must end in C(.abm.yml) or C(.abm.yaml).
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.abm.plugins
  - mdmkit.mdm.inventory
  - constructed
  - inventory_cache
options:
  plugin:
    description: The name of this plugin.
    required: true
    type: str
    choices: [mdmkit.mdm.abm]
  hostnames:
    description:
      - Device attributes (snake_case, without the prefix) tried in order for the host name; the first
        that is set wins.
    type: list
    elements: str
    default: [serial_number, id]
  include_applecare:
    description:
      - Add each device's AppleCare coverage as C(abm_applecare*) variables (one request per device).
    type: bool
    default: false
  applecare_workers:
    description:
      - Most AppleCare coverage requests in flight at once, from 1 to 16.
    type: int
    default: 4
'''

EXAMPLES = r'''
---
# fleet.abm.yml: every device, grouped by service, plus groups by product family
plugin: mdmkit.mdm.abm
private_key_path: ~/.secrets/abm.pem
keyed_groups:
  - key: abm_product_family
    prefix: family

---
# school.abm.yml: Apple School Manager iPads that are not assigned yet, with three vars each
plugin: mdmkit.mdm.abm
api: school
attributes: [product_family, device_model, status]
filters:
  - abm_product_family == 'iPad'
  - abm_assigned_server_id is none

---
# warranty.abm.yml: group devices by AppleCare status (one extra request per device)
plugin: mdmkit.mdm.abm
include_applecare: true
keyed_groups:
  - key: abm_applecare_status
    prefix: applecare
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.abm_devices import (
    MAX_WORKERS,
    add_applecare,
    assignments,
    device_pages,
    list_servers,
)
from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError
from ansible_collections.mdmkit.mdm.plugins.plugin_utils.inventory import MdmInventory


class InventoryModule(MdmInventory):

    NAME = 'mdmkit.mdm.abm'
    VENDOR = 'abm'
    DEFAULT_HOSTNAMES = ('serial_number', 'id')

    def fetch_pages(self, client):
        applecare = self.get_option('include_applecare')
        workers = self.get_option('applecare_workers')
        if applecare and not 1 <= workers <= MAX_WORKERS:  # before the first request
            raise ConfigError('applecare_workers: must be between 1 and %d, got %d.' % (MAX_WORKERS, workers))
        servers = list_servers(client)
        names = dict((s['id'], s.get('server_name')) for s in servers)
        assigned = assignments(client, servers)
        for page in device_pages(client):
            for device in page:
                server_id = assigned.get(device.get('serial_number') or device.get('id'))
                device['assigned_server_id'] = server_id
                device['assigned_server_name'] = names.get(server_id)
            if applecare:
                add_applecare(client, page, workers)
            yield page

    def device_groups(self, device):
        name = device.get('assigned_server_name')
        if device.get('assigned_server_id') is None:
            return ['unassigned']
        return ['server_%s' % str(name or device['assigned_server_id']).lower()]
