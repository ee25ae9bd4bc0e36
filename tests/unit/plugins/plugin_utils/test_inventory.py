# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The inventory base (plugin_utils/inventory.py) through Ansible's InventoryManager: the cache
replays exactly what the live run added, and no copy of the fleet outlives its page."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import gc
import weakref

import pytest

from ansible import constants as C
from ansible.inventory.manager import InventoryManager
from ansible.parsing.dataloader import DataLoader

from ansible_collections.mdmkit.mdm.plugins.inventory.simplemdm import InventoryModule as SimpleMDMInventory

PAGES, PAGE_SIZE, DEPTH = 30, 50, 4  # DEPTH: prefetch's, in plugin_utils/inventory.py


@pytest.fixture(autouse=True)
def unparsed_is_failed(monkeypatch):
    monkeypatch.setattr(C, 'INVENTORY_ANY_UNPARSED_IS_FAILED', True)


def load(path):
    return InventoryManager(loader=DataLoader(), sources=[str(path)])


def hosts_of(inventory):
    return dict((host.name, (sorted(g.name for g in host.get_groups()),
                             dict((k, v) for k, v in host.vars.items() if not k.startswith('inventory_'))))
                for host in inventory.get_hosts())


def write_config(tmp_path, **options):
    lines = ['plugin: mdmkit.mdm.simplemdm'] + ['%s: %s' % item for item in options.items()]
    path = tmp_path / 'fleet.simplemdm.yml'
    path.write_text('\n'.join(lines) + '\n')
    return path


def test_cached_run_replays_the_same_hosts_groups_and_vars_when_attributes_are_trimmed(sim, tmp_path, monkeypatch):
    monkeypatch.setenv('SIMPLEMDM_API_KEY', sim.config['simplemdm_api_key'])
    monkeypatch.setenv('SIMPLEMDM_BASE_URL', sim.config['simplemdm_base_url'])
    # neither the host name (serial_number) nor the group (device_group_name) is among the kept attributes
    path = write_config(tmp_path, attributes='[name, os_version]', cache='true',
                        cache_plugin='ansible.builtin.jsonfile', cache_connection=str(tmp_path / 'cache'),
                        cache_timeout=3600)
    live = hosts_of(load(path))
    assert sim.requests(vendor='simplemdm')
    seq = sim.requests()[-1]['seq']

    cached = hosts_of(load(path))

    assert sim.requests(since=seq) == []
    assert cached == live
    assert len(live) > 200
    for name, (groups, host_vars) in live.items():
        assert set(host_vars) == {'simplemdm_name', 'simplemdm_os_version'}
        assert name != host_vars['simplemdm_name']  # named by serial number, not by the kept name
    assert sum(1 for groups, _vars in live.values() if any(g.startswith('simplemdm_group_') for g in groups)) > 100


class Device(dict):
    """A device dict a test can hold a weak reference to."""


def fake_fleet(alive):
    def fetch_pages(self, client):
        for page in range(PAGES):
            gc.collect()
            # devices still referenced: the pages fetched ahead and the one being added
            alive.append(sum(1 for ref in refs if ref() is not None))
            devices = []
            for index in range(page * PAGE_SIZE, (page + 1) * PAGE_SIZE):
                device = Device(id=index, serial_number='SN%06d' % index, name='device %d' % index,
                                os_version='17.%d' % (index % 5), device_group_name='Group %d' % (index % 3))
                refs.append(weakref.ref(device))
                devices.append(device)
            yield devices

    refs = []
    return fetch_pages, refs


@pytest.mark.parametrize('cache', [False, True])
@pytest.mark.parametrize('stream', [True, False])
def test_no_device_outlives_its_page(tmp_path, monkeypatch, cache, stream):
    monkeypatch.setenv('SIMPLEMDM_API_KEY', 'unused')
    alive = []
    fetch_pages, refs = fake_fleet(alive)
    monkeypatch.setattr(SimpleMDMInventory, 'fetch_pages', fetch_pages)
    options = {'stream': str(stream).lower()}
    if cache:
        options.update(cache='true', cache_plugin='ansible.builtin.jsonfile',
                       cache_connection=str(tmp_path / 'cache'))
    inventory = load(write_config(tmp_path, **options))

    assert len(inventory.get_hosts()) == PAGES * PAGE_SIZE
    host = inventory.get_host('SN000007')
    assert host.vars['simplemdm_name'] == 'device 7'
    assert 'simplemdm_group_group_1' in [g.name for g in host.get_groups()]
    gc.collect()
    assert sum(1 for ref in refs if ref() is not None) == 0
    if stream:
        assert max(alive) <= (DEPTH + 1) * PAGE_SIZE
    else:
        assert max(alive) <= PAGE_SIZE  # stream=false: one page at a time, in this thread


def test_hosts_share_one_string_per_variable_name(tmp_path, monkeypatch):
    monkeypatch.setenv('SIMPLEMDM_API_KEY', 'unused')
    fetch_pages, _refs = fake_fleet([])
    monkeypatch.setattr(SimpleMDMInventory, 'fetch_pages', fetch_pages)
    inventory = load(write_config(tmp_path))

    def name_key(host):
        return [key for key in inventory.get_host(host).vars if key == 'simplemdm_name'][0]

    # a string per host and variable would cost 500 MB for 100,000 hosts of 71 variables
    assert name_key('SN000001') is name_key('SN001234')


@pytest.mark.parametrize('fails', [False, True])
def test_garbage_collector_paused_while_hosts_are_added_and_restored_after(tmp_path, monkeypatch, fails):
    monkeypatch.setenv('SIMPLEMDM_API_KEY', 'unused')
    seen = []

    def fetch_pages(self, client):
        seen.append(gc.isenabled())
        yield [{'id': 1, 'serial_number': 'SN1', 'name': 'one'}]
        seen.append(gc.isenabled())
        if fails:
            raise RuntimeError('the listing broke')

    monkeypatch.setattr(SimpleMDMInventory, 'fetch_pages', fetch_pages)
    assert gc.isenabled()
    if fails:
        with pytest.raises(Exception, match='failed to parse'):  # the RuntimeError, as Ansible reports it
            load(write_config(tmp_path, stream='false'))
    else:
        assert [h.name for h in load(write_config(tmp_path, stream='false')).get_hosts()] == ['SN1']
    assert seen == [False, False]
    assert gc.isenabled()


def test_garbage_collector_left_off_when_the_caller_had_turned_it_off(tmp_path, monkeypatch):
    monkeypatch.setenv('SIMPLEMDM_API_KEY', 'unused')
    fetch_pages, _refs = fake_fleet([])
    monkeypatch.setattr(SimpleMDMInventory, 'fetch_pages', fetch_pages)
    gc.disable()
    try:
        load(write_config(tmp_path))
        assert not gc.isenabled()
    finally:
        gc.enable()
