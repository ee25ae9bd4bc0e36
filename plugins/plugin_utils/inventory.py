# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Base of the four inventory plugins: one host per device, named by serial number by default.

A vendor plugin sets ``NAME``, ``VENDOR`` and ``DEFAULT_HOSTNAMES`` and implements
``fetch_pages(client)`` (yield lists of flat device dicts) and ``device_groups(device)``.
The base does config, the connection, caching, streaming, host naming, vars, filters,
Constructable options and error handling: a vendor error fails the inventory, it never
yields an empty fleet.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.mdmkit.mdm.plugins.module_utils.connection import client_from_options
from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import MdmError
from ansible_collections.mdmkit.mdm.plugins.module_utils.parallel import prefetch

_UNSAFE_HOST = re.compile(r'[^A-Za-z0-9_.-]')
_UNSAFE_GROUP = re.compile(r'[^A-Za-z0-9_]')


def safe_name(value):
    """A host name made of letters, digits, ``_``, ``.`` and ``-``."""
    return _UNSAFE_HOST.sub('_', str(value)).strip('_') or None


def safe_group_name(value):
    """A group name Ansible accepts without warning: letters, digits and ``_``."""
    return _UNSAFE_GROUP.sub('_', str(value)).strip('_') or None


class MdmInventory(BaseInventoryPlugin, Constructable, Cacheable):
    """Shared inventory logic; see the module docstring."""

    NAME = None
    VENDOR = None
    DEFAULT_HOSTNAMES = ('serial_number', 'name', 'id')
    # Attributes never copied into vars unless listed in ``attributes`` (recovery keys, passwords).
    SENSITIVE_ATTRIBUTES = ()

    def __init__(self):
        super(MdmInventory, self).__init__()
        self.client = None
        self._host_names = set()

    # ---- Ansible entry points ------------------------------------------------------

    def verify_file(self, path):
        suffixes = tuple('.%s.%s' % (self.VENDOR, ext) for ext in ('yml', 'yaml'))
        return super(MdmInventory, self).verify_file(path) and path.endswith(suffixes)

    def parse(self, inventory, loader, path, cache=True):
        super(MdmInventory, self).parse(inventory, loader, path, cache)
        self._read_config_data(path)
        cache_key = self.get_cache_key(path)
        use_cache = self.get_option('cache')
        devices = None
        if use_cache and cache:
            try:
                devices = self._cache[cache_key]
            except KeyError:
                devices = None
        try:
            if devices is not None:
                self.populate(devices)
                return
            pages = self.fetch_all_pages()
            if use_cache:
                kept = []
                for page in pages:
                    kept.extend(self.populate(page))
                self._cache[cache_key] = kept
            else:
                for page in pages:
                    self.populate(page)
        except MdmError as exc:
            raise AnsibleParserError('%s inventory %s: %s' % (self.VENDOR, path, exc.msg))

    # ---- vendor hooks --------------------------------------------------------------

    def fetch_pages(self, client):
        """Yield lists of flat device dicts."""
        raise NotImplementedError

    def device_groups(self, device):
        """Vendor group names (without prefix) this device belongs to."""
        return []

    # ---- fetching and populating ---------------------------------------------------

    def fetch_all_pages(self):
        self.client = client_from_options(self.VENDOR, self.get_option)
        pages = self.fetch_pages(self.client)
        if self.get_option('stream'):
            pages = prefetch(pages, depth=4)
        return pages

    def prefix(self):
        prefix = self.get_option('vars_prefix')
        return '%s_' % self.VENDOR if prefix is None else prefix

    def trim(self, device):
        """The attributes kept as vars: ``attributes`` if set, else all but the sensitive ones."""
        wanted = self.get_option('attributes')
        if wanted:
            return dict((key, device.get(key)) for key in wanted)
        return dict((k, v) for k, v in device.items() if k not in self.SENSITIVE_ATTRIBUTES)

    def hostname(self, device):
        for key in self.get_option('hostnames') or self.DEFAULT_HOSTNAMES:
            name = safe_name(device.get(key)) if device.get(key) not in (None, '') else None
            if name:
                if name in self._host_names:  # two devices, one name: keep both, distinctly
                    name = '%s_%s' % (name, safe_name(device.get('id')))
                return name
        return None

    def populate(self, devices):
        """Add one page of devices as hosts; returns the trimmed records (for the cache)."""
        prefix = self.prefix()
        strict = self.get_option('strict')
        filters = self.get_option('filters') or []
        kept = []
        for device in devices:
            record = self.trim(device)
            record['_groups'] = self.device_groups(device)
            record['_hostname_source'] = dict((k, device.get(k)) for k in
                                              list(self.get_option('hostnames') or self.DEFAULT_HOSTNAMES)
                                              + ['id'])
            kept.append(record)
            self.add_device(record, prefix, strict, filters)
        return kept

    def add_device(self, record, prefix, strict, filters):
        host_vars = dict(('%s%s' % (prefix, k), v) for k, v in record.items() if not k.startswith('_'))
        if filters and not self.matches(filters, host_vars, strict):
            return
        name = self.hostname(record['_hostname_source'])
        if name is None:
            if strict:
                raise AnsibleParserError('No hostname for %s device %s from %s'
                                         % (self.VENDOR, record['_hostname_source'].get('id'),
                                            self.get_option('hostnames')))
            return
        self._host_names.add(name)
        self.inventory.add_host(name)
        for key, value in host_vars.items():
            self.inventory.set_variable(name, key, value)
        for group in record['_groups']:
            group_name = self.inventory.add_group(safe_group_name('%s%s' % (prefix, group)))
            self.inventory.add_child(group_name, name)
        self._set_composite_vars(self.get_option('compose'), host_vars, name, strict=strict)
        self._add_host_to_composed_groups(self.get_option('groups'), host_vars, name, strict=strict)
        self._add_host_to_keyed_groups(self.get_option('keyed_groups'), host_vars, name, strict=strict)

    def matches(self, filters, host_vars, strict):
        for condition in filters:
            try:
                if not self._compose(condition, host_vars):
                    return False
            except Exception as exc:  # a filter that cannot be evaluated for a host excludes it
                if strict:
                    raise AnsibleError('filters: %r failed for a %s device: %s' % (condition, self.VENDOR, exc))
                return False
        return True
