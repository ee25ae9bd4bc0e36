# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An inventory plugin's network time alone: its pages fetched and dropped, no host added.

    python bench/fetch_only.py CONFIG.<vendor>.yml OUT.json

Loads the plugin named in CONFIG through Ansible's plugin loader (ANSIBLE_COLLECTIONS_PATH
must reach mdmkit.mdm), reads its options like ``ansible-inventory`` does, and drains
``fetch_all_pages()`` (the plugin's own paging, parallelism and streaming). OUT gets the
seconds from the first request to the last page, and the pages and devices read. ``bench/run.py``
compares that time with the sequential network floor (requests x latency): below 1 only
where the plugin overlaps requests (Esper's parallel pages, SimpleMDM's two ends).
"""

from __future__ import absolute_import, division, print_function

import json
import sys
import time

import yaml
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.inventory import BaseInventoryPlugin
from ansible.plugins.loader import init_plugin_loader, inventory_loader


def main(config_path, out_path):
    init_plugin_loader()
    with open(config_path) as handle:
        name = yaml.safe_load(handle)['plugin']
    plugin = inventory_loader.get(name)
    if plugin is None:
        raise SystemExit('no inventory plugin %s' % name)
    BaseInventoryPlugin.parse(plugin, InventoryData(), DataLoader(), config_path)  # loader and templar
    plugin._read_config_data(config_path)  # pylint: disable=protected-access
    pages = devices = 0
    start = time.monotonic()
    for page in plugin.fetch_all_pages():
        pages += 1
        devices += len(page)
    seconds = time.monotonic() - start
    with open(out_path, 'w') as handle:
        json.dump({'fetch_s': seconds, 'pages': pages, 'devices': devices}, handle)


if __name__ == '__main__':
    main(*sys.argv[1:3])
