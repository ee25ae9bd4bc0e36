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

import gc
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
        self._var_names = {}

    # ---- Ansible entry points ------------------------------------------------------

    def verify_file(self, path):
        suffixes = tuple('.%s.%s' % (self.VENDOR, ext) for ext in ('yml', 'yaml'))
        return super(MdmInventory, self).verify_file(path) and path.endswith(suffixes)

    def parse(self, inventory, loader, path, cache=True):
        # The cyclic garbage collector is paused while hosts are added: each full collection walks
        # every object already made, and adding 100,000 hosts makes tens of millions, which live as
        # long as the inventory does. Measured at 50,000 SimpleMDM devices: 20 full collections
        # (10.4 s) with it running, none here; the hosts' memory is freed by reference counting.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            self._parse(inventory, loader, path, cache)
        finally:
            if was_enabled:
                gc.enable()

    def _parse(self, inventory, loader, path, cache=True):
        super(MdmInventory, self).parse(inventory, loader, path, cache)
        self._read_config_data(path)
        cache_key = self.get_cache_key(path)
        use_cache = self.get_option('cache')
        cached = None
        if use_cache and cache:
            try:
                cached = self._cache[cache_key]
            except KeyError:
                cached = None
        try:
            if cached is not None:
                self.add_records(cached)
                return
            # Without a cache nothing outlives its page: the hosts are the only copy of the fleet.
            # With one, the records are kept for Ansible's cache API, which takes one whole value;
            # they share their values with the host vars, so only the dicts are extra.
            kept = [] if use_cache else None
            for page in self.fetch_all_pages():
                records = self.populate(page)
                if kept is not None:
                    kept.extend(records)
            if kept is not None:
                self._cache[cache_key] = kept
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
        sensitive = self.SENSITIVE_ATTRIBUTES
        return {k: v for k, v in device.items() if k not in sensitive}

    def hostname(self, device):
        for key in self.get_option('hostnames') or self.DEFAULT_HOSTNAMES:
            name = safe_name(device.get(key)) if device.get(key) not in (None, '') else None
            if name:
                if name in self._host_names:  # two devices, one name: keep both, distinctly
                    name = '%s_%s' % (name, safe_name(device.get('id')))
                return name
        return None

    def record(self, device):
        """What is kept of a device: its trimmed attributes, its groups and its host name sources."""
        record = self.trim(device)
        record['_groups'] = self.device_groups(device)
        record['_hostname_source'] = dict((k, device.get(k)) for k in
                                          list(self.get_option('hostnames') or self.DEFAULT_HOSTNAMES) + ['id'])
        return record

    def populate(self, devices):
        """Add one page of devices as hosts; returns their records (for the cache)."""
        records = [self.record(device) for device in devices]
        self.add_records(records)
        return records

    def add_records(self, records):
        """Add hosts from records, as made by ``record`` (a page, or the cache's whole fleet)."""
        prefix = self.prefix()
        strict = self.get_option('strict')
        filters = self.get_option('filters') or []
        for record in records:
            self.add_device(record, prefix, strict, filters)

    def host_vars(self, record, prefix):
        """The record's attributes as host vars, named ``prefix + attribute``.

        One name string is shared by all hosts: a new one per host and variable would cost about
        70 bytes each, 500 MB for 100,000 hosts of 71 variables.
        """
        names = self._var_names.setdefault(prefix, {})
        host_vars = {}
        for key, value in record.items():
            if key[:1] != '_':
                name = names.get(key)
                if name is None:
                    name = names[key] = prefix + key
                host_vars[name] = value
        return host_vars

    def add_device(self, record, prefix, strict, filters):
        host_vars = self.host_vars(record, prefix)
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
        compose, groups, keyed_groups = (self.get_option(o) for o in ('compose', 'groups', 'keyed_groups'))
        if compose:
            self._set_composite_vars(compose, host_vars, name, strict=strict)
        if groups:
            self._add_host_to_composed_groups(groups, host_vars, name, strict=strict)
        if keyed_groups:
            self._add_host_to_keyed_groups(keyed_groups, host_vars, name, strict=strict)

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
