# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ansible's own floor for an inventory (issue 12): the hosts, vars and groups a vendor plugin
produced, replayed from a local file with the same calls the plugins make (``add_host``,
``set_variable``, ``add_group``, ``add_child``), and nothing else: no network, no parsing of
vendor records, no Constructable options.

The file (``<name>.floor.pickle``, written by ``bench/replay.py``) is a sequence of pickled
pages, each a list of ``(host, {var: value}, [group, ...])``. Pages are read one at a time,
like a streaming plugin's, so no second copy of the fleet is held while hosts are added.

Enabled by ``bench/run.py`` with ANSIBLE_INVENTORY_PLUGINS=bench/plugins/inventory and
ANSIBLE_INVENTORY_ENABLED=mdmkit_floor; not part of the collection's plugins.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: mdmkit_floor
short_description: Replays recorded hosts, vars and groups (benchmark floor)
description:
  - Reads a C(.floor.pickle) file written by C(bench/replay.py) and adds its hosts, variables
    and groups, page by page.
author:
  - mdmkit maintainers (@mdmkit)
'''

import pickle

from ansible.plugins.inventory import BaseInventoryPlugin


class InventoryModule(BaseInventoryPlugin):

    NAME = 'mdmkit_floor'

    def verify_file(self, path):
        return path.endswith('.floor.pickle')

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        with open(path, 'rb') as handle:
            while True:
                try:
                    page = pickle.load(handle)  # written by bench/replay.py from the plugin's own output
                except EOFError:
                    break
                for name, host_vars, groups in page:
                    self.inventory.add_host(name)
                    for key, value in host_vars.items():
                        self.inventory.set_variable(name, key, value)
                    for group in groups:
                        group_name = self.inventory.add_group(group)
                        self.inventory.add_child(group_name, name)
