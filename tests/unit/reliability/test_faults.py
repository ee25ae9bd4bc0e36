# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault suite: for every vendor an inventory run, an info module, a resource module and a
command module against the simulator's fault rules (tests/simulator/faults.py): rate limits,
5xx bursts, a connection reset after a command reached the server, slow answers, malformed
JSON and HTML error pages, ABM token expiry, and inventories under 401/403."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import pytest

# info, resource and command tasks per vendor; the command's request; the device list request
VENDORS = {
    'simplemdm': {
        'setup': [{'mdmkit.mdm.simplemdm_device_info': {'search': 'iPhone'}, 'register': 'fleet'}],
        'info': {'mdmkit.mdm.simplemdm_device_info': {}},
        'resource': {'mdmkit.mdm.simplemdm_custom_attribute': {'name': 'fault_tag', 'default_value': 'x'}},
        'command': {'mdmkit.mdm.simplemdm_device_command': {'command': 'refresh',
                                                            'devices': ['{{ fleet.devices[0].id }}']}},
        'command_path': r'/devices/\d+/refresh$',
        'list_path': r'/simplemdm/api/v1/devices$',
    },
    'abm': {
        'setup': [{'mdmkit.mdm.abm_device_info': {'product_family': ['Mac'], 'include_assigned_server': True},
                   'register': 'fleet'},
                  {'ansible.builtin.set_fact': {'movable': "{{ fleet.devices | rejectattr('assigned_server_name', "
                                                           "'equalto', 'Staging') | map(attribute='serial_number') "
                                                           "| list }}"}, 'register': 'movable_fact'}],
        'info': {'mdmkit.mdm.abm_mdm_server_info': {}},
        'resource': {'mdmkit.mdm.abm_device_assignment': {
            'serial_numbers': ['{{ movable[0] }}'], 'mdm_server': 'Staging', 'wait': False}},
        'command': {'mdmkit.mdm.abm_device_assignment': {
            'serial_numbers': ['{{ movable[1] }}'], 'mdm_server': 'Staging', 'wait': False}},
        'command_path': r'/orgDeviceActivities$',
        'list_path': r'/abm/v1/orgDevices$',
    },
    'esper': {
        'setup': [{'mdmkit.mdm.esper_device_info': {'platform': 'ANDROID'}, 'register': 'fleet'}],
        'info': {'mdmkit.mdm.esper_device_info': {}},
        'resource': {'mdmkit.mdm.esper_device_state': {'devices': ['{{ fleet.devices[0].serial }}'],
                                                       'brightness_scale': 33, 'wait': False}},
        'command': {'mdmkit.mdm.esper_command': {'devices': ['{{ fleet.devices[1].serial }}'], 'command': 'REBOOT'}},
        'command_path': r'/commands/v0/commands/$',
        'list_path': r'/device/$',
    },
    'micromdm': {
        'setup': [{'mdmkit.mdm.micromdm_device_info': {}, 'register': 'fleet'}],
        'info': {'mdmkit.mdm.micromdm_device_info': {}},
        'resource': {'mdmkit.mdm.micromdm_workflow': {'name': 'fault-wf', 'profiles': []}},
        'command': {'mdmkit.mdm.micromdm_push': {'udid': '{{ fleet.devices[0].udid }}'}},
        'command_path': r'/push$',
        'list_path': r'/devices$',
    },
}
NAMES = sorted(VENDORS)


@pytest.fixture(scope='module')
def fsim(plain_sim):
    return plain_sim


@pytest.fixture(autouse=True)
def fresh(fsim):
    fsim.sim.reset()
    yield
    fsim.sim.clear_faults()


def defaults(sim, vendor, **extra):
    return {'group/mdmkit.mdm.' + vendor: dict(sim.connection(vendor), **extra)}


def four_tasks(vendor):
    spec = VENDORS[vendor]
    return spec['setup'] + [spec['info'], spec['resource'], spec['command']]


def check_waits(entries):
    """Every request after a 429 with Retry-After started only once the wait ended."""
    problems = []
    for index, entry in enumerate(entries):
        if entry['status'] != 429:
            continue
        later = [e for e in entries[index + 1:] if e['path'] == entry['path'] and e['method'] == entry['method']]
        if later and later[0]['start'] < entry['end'] + 1.0:
            problems.append((entry['seq'], later[0]['seq'], later[0]['start'] - entry['end']))
    return problems


@pytest.mark.parametrize('vendor', NAMES)
def test_rate_limit_every_third_request(fsim, ansible, vendor):
    fsim.sim.faults([{'kind': 'rate_limit', 'vendor': vendor, 'every': 3, 'retry_after': 1}])
    run = ansible.playbook(four_tasks(vendor), module_defaults=defaults(fsim, vendor))
    assert run.rc == 0 and run.results, run
    failed = dict((k, v.get('msg')) for k, v in run.results.items() if v and v.get('failed'))
    assert not failed, failed
    inventory = ansible.inventory_run(vendor, fsim.connection(vendor), env={'ANSIBLE_INVENTORY_UNPARSED_FAILED': 'true'})
    assert inventory.rc == 0 and len(json.loads(inventory.stdout)['_meta']['hostvars']) > 50, inventory
    entries = fsim.sim.requests(vendor=vendor)
    assert sum(1 for e in entries if e['status'] == 429) >= 3, entries
    assert not check_waits(entries), check_waits(entries)
    # no command was sent twice: a 429 is the only reason for a second POST to the same path
    posts = [e for e in entries if e['method'] == 'POST' and e['status'] != 429 and not e['path'].endswith('/token')]
    assert len(posts) == len(set((e['path'], e['body_excerpt']) for e in posts)), posts


@pytest.mark.parametrize('vendor', NAMES)
def test_server_error_bursts(fsim, ansible, vendor):
    spec = VENDORS[vendor]
    fsim.sim.faults([{'kind': 'status', 'status': 503, 'vendor': vendor, 'method': 'GET', 'every': 2, 'count': 4},
                     {'kind': 'status', 'status': 502, 'vendor': vendor, 'method': 'POST',
                      'path_regex': spec['command_path'], 'count': 1}])
    run = ansible.playbook(spec['setup'] + [spec['info'], spec['command']], module_defaults=defaults(fsim, vendor))
    assert run.rc == 0 and run.results, run
    n = len(spec['setup'])
    assert not run.results['fleet'].get('failed') and not run.results['t%d' % n].get('failed'), run  # reads recovered
    command = run.results['t%d' % (n + 1)]
    assert command.get('failed') and '502' in json.dumps(command), command  # an unsafe write is not retried
    fsim.sim.faults([{'kind': 'status', 'status': 500, 'vendor': vendor, 'method': 'GET', 'every': 2, 'count': 3}])
    inventory = ansible.inventory_run(vendor, fsim.connection(vendor), env={'ANSIBLE_INVENTORY_UNPARSED_FAILED': 'true'})
    assert inventory.rc == 0 and len(json.loads(inventory.stdout)['_meta']['hostvars']) > 50, inventory
    entries = fsim.sim.requests(vendor=vendor, method='POST', path_regex=spec['command_path'])
    assert len(entries) == 1 and entries[0]['status'] == 502, entries
    assert [e for e in fsim.sim.requests(vendor=vendor) if e['status'] in (500, 503)], 'no fault applied'


@pytest.mark.parametrize('vendor', NAMES)
def test_reset_after_a_command_reached_the_server(fsim, ansible, vendor):
    spec = VENDORS[vendor]
    fsim.sim.faults([{'kind': 'reset', 'phase': 'after', 'vendor': vendor, 'method': 'POST',
                      'path_regex': spec['command_path']}])
    run = ansible.playbook(spec['setup'] + [spec['command']], module_defaults=defaults(fsim, vendor))
    assert run.rc == 0 and run.results, run
    command = run.results['t%d' % len(spec['setup'])]
    text = json.dumps(command)
    assert command.get('failed') and 'unknown' in text.lower(), command
    assert 'not sent again' in text or 'never resent' in text or 'check' in text.lower(), command
    entries = fsim.sim.requests(vendor=vendor, method='POST', path_regex=spec['command_path'])
    assert len(entries) == 1, entries  # sent once, never twice


@pytest.mark.parametrize('vendor', NAMES)
@pytest.mark.parametrize('kind', ['latency', 'slow'])
def test_slower_than_timeout(fsim, ansible, vendor, kind):
    spec = VENDORS[vendor]
    fsim.sim.faults([{'kind': kind, 'vendor': vendor, 'method': 'GET', 'delay': 4}])
    run = ansible.playbook([spec['info']], module_defaults=defaults(fsim, vendor, timeout=1, max_retries=0))
    assert run.rc == 0 and run.results, run
    result = run.results['t0']
    assert result.get('failed') and 'timed out' in result['msg'] and '/' in result['msg'], result
    assert run.elapsed < 30, run.elapsed


@pytest.mark.parametrize('vendor', NAMES)
@pytest.mark.parametrize('kind', ['malformed_json', 'html'])
def test_malformed_answers(fsim, ansible, vendor, kind):
    spec = VENDORS[vendor]
    fsim.sim.faults([{'kind': kind, 'vendor': vendor, 'method': 'GET'}])
    run = ansible.playbook([spec['info']], module_defaults=defaults(fsim, vendor, max_retries=1))
    assert run.rc == 0 and run.results, run
    msg = run.results['t0'].get('msg', '')
    assert run.results['t0'].get('failed'), run.results['t0']
    if kind == 'html':
        assert 'HTTP 502' in msg and 'upstream error' in msg and '<' not in msg, msg
    else:
        assert 'malformed JSON' in msg and 'HTTP 200' in msg, msg


def test_abm_token_expiring_mid_run(fsim, ansible, tmp_path):
    token_dir = str(tmp_path / 'tokens')
    expire = {'ansible.builtin.uri': {'url': fsim.config['url'] + '/_sim/abm/expire_tokens', 'method': 'POST'},
              'ignore_errors': False}
    tasks = [{'mdmkit.mdm.abm_mdm_server_info': {}}, expire, {'mdmkit.mdm.abm_device_info': {'product_family': ['Mac']}}]
    run = ansible.playbook(tasks, module_defaults=defaults(fsim, 'abm', token_cache=True, token_cache_dir=token_dir))
    assert run.rc == 0 and not run.results['t2'].get('failed'), run
    entries = fsim.sim.requests(vendor='abm')
    assert [e['status'] for e in entries if e['path'].endswith('/token')] == [200, 200], entries
    assert sum(1 for e in entries if e['status'] == 401) == 1, entries

    # a second 401 after the renewal fails clearly
    fsim.sim.reset()
    fsim.sim.faults([{'kind': 'status', 'status': 401, 'vendor': 'abm', 'method': 'GET', 'path_regex': 'mdmServers'}])
    run = ansible.playbook([{'mdmkit.mdm.abm_mdm_server_info': {}}], module_defaults=defaults(fsim, 'abm'))
    result = run.results['t0']
    assert result.get('failed') and '401' in result['msg'], result
    entries = fsim.sim.requests(vendor='abm')
    assert sum(1 for e in entries if e['path'].endswith('/token')) == 2, entries  # renewed once only
    assert sum(1 for e in entries if e['status'] == 401) == 2, entries


@pytest.mark.parametrize('vendor', NAMES)
@pytest.mark.parametrize('status', [401, 403])
def test_inventory_under_auth_errors_fails(fsim, ansible, tmp_path, vendor, status):
    fsim.sim.faults([{'kind': 'status', 'status': status, 'vendor': vendor, 'method': 'GET'}])
    cache_dir = str(tmp_path / 'cache')
    source = dict(fsim.connection(vendor), cache=True, cache_plugin='ansible.builtin.jsonfile',
                  cache_connection=cache_dir)
    # strict: with unparsed sources fatal, the run fails
    failing = ansible.inventory_run(vendor, dict(source, strict=True),
                                    env={'ANSIBLE_INVENTORY_UNPARSED_FAILED': 'true'})
    assert failing.rc != 0 and str(status) in failing.stderr, failing
    # not strict, with Ansible's defaults (a failed source is a warning): the plugin still fails the
    # source, so no host and no cache, never an empty fleet passed off as the real one
    default = ansible.inventory_run(vendor, dict(source, strict=False))
    assert 'Failed to parse' in default.stderr and str(status) in default.stderr, default
    assert not json.loads(default.stdout)['_meta']['hostvars'], default
    assert not os.path.isdir(cache_dir) or not os.listdir(cache_dir), os.listdir(cache_dir)
