# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault suite: for every vendor an inventory run, an info module, a resource module and a
command module against the simulator's fault rules (tests/simulator/faults.py): rate limits,
5xx bursts (reads, resource writes, commands), a connection reset or a read timeout after a
command reached the server, slow answers (info, command, inventory), malformed JSON and HTML
pages (reads and writes), ABM token expiry, and inventories under 401/403."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import time

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
        # releasing a device cannot be undone: the command a duplicate would hurt most
        'command': {'mdmkit.mdm.abm_device_release': {
            'serial_numbers': ['{{ movable[1] }}'], 'confirm': True, 'wait': False}},
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

# Resource writes under 5xx bursts: (task, fails?) in order, and per (method, path) the statuses
# the log must show (None: any 2xx). A PUT or DELETE recovers through the bursts; a POST or
# PATCH fails after exactly one request (the server may have acted on it) and the task run
# again afterwards succeeds. ABM has POST writes only.
RESOURCE_WRITES = {
    'simplemdm': {
        'faults': [('POST', r'/custom_attributes$', [503]), ('PATCH', r'/custom_attributes/fault_5xx$', [502]),
                   ('PUT', r'/custom_attribute_values/fault_5xx$', [503, 503]),
                   ('DELETE', r'/custom_attributes/fault_5xx$', [500, 500])],
        'tasks': [({'mdmkit.mdm.simplemdm_custom_attribute': {'name': 'fault_5xx', 'default_value': 'x'}}, True),
                  ({'mdmkit.mdm.simplemdm_custom_attribute': {'name': 'fault_5xx', 'default_value': 'x'}}, False),
                  ({'mdmkit.mdm.simplemdm_custom_attribute': {'name': 'fault_5xx', 'default_value': 'y'}}, True),
                  ({'mdmkit.mdm.simplemdm_custom_attribute': {'name': 'fault_5xx', 'default_value': 'y'}}, False),
                  ({'mdmkit.mdm.simplemdm_custom_attribute_value': {
                      'name': 'fault_5xx', 'value': 'v', 'device': '{{ fleet.devices[0].id }}'}}, False),
                  ({'mdmkit.mdm.simplemdm_custom_attribute': {'name': 'fault_5xx', 'state': 'absent'}}, False)],
    },
    'abm': {
        'faults': [('POST', r'/orgDeviceActivities$', [503])],
        'tasks': [(VENDORS['abm']['resource'], True), (VENDORS['abm']['resource'], False)],
    },
    'esper': {
        'setup': [{'mdmkit.mdm.esper_device_info': {'platform': 'APPLE'}, 'register': 'apple'}],
        'faults': [('POST', r'/commands/v0/commands/$', [503]), ('DELETE', r'/device/v0/devices/[^/]+/$', [500, 503])],
        'tasks': [(VENDORS['esper']['resource'], True), (VENDORS['esper']['resource'], False),
                  ({'mdmkit.mdm.esper_device': {'device': '{{ apple.devices[0].id }}', 'state': 'absent'}}, False)],
    },
    'micromdm': {
        'faults': [('POST', r'/workflows$', [503]), ('PATCH', r'/devices/[^/]+$', [502]),
                   ('DELETE', r'/workflows/[^/]+$', [503, 500])],
        'tasks': [({'mdmkit.mdm.micromdm_workflow': {'name': 'fault-5xx', 'profiles': []}}, True),
                  ({'mdmkit.mdm.micromdm_workflow': {'name': 'fault-5xx', 'profiles': []}}, False),
                  ({'mdmkit.mdm.micromdm_device': {'device': '{{ fleet.devices[0].udid }}',
                                                   'workflow': 'fault-5xx'}}, True),
                  ({'mdmkit.mdm.micromdm_device': {'device': '{{ fleet.devices[0].udid }}',
                                                   'workflow': 'fault-5xx'}}, False),
                  ({'mdmkit.mdm.micromdm_workflow': {'name': 'fault-wf-gone', 'profiles': []}}, False),
                  ({'mdmkit.mdm.micromdm_workflow': {'name': 'fault-wf-gone', 'state': 'absent'}}, False)],
    },
}
# SimpleMDM answers a command with 202 and no body: nothing to trickle ('slow') or cut in half
# ('malformed_json'). Its late answer is covered by 'latency', its wrong answers by 'html'/'portal'.
NO_COMMAND_BODY = ('simplemdm',)


def command_cases(kinds):
    return [(vendor, kind) for vendor in NAMES for kind in kinds
            if not (vendor in NO_COMMAND_BODY and kind in ('slow', 'malformed_json'))]


# A task must end within timeout + this after its slow request reached the server.
SLOW_MARGIN = 2.5
CLOCK = "{{ lookup('pipe', 'date +%s.%N') | float }}"


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


def timed(task, name):
    """The task, registered as ``name``, then a reading of the controller's clock (``ended``)."""
    return [dict(task, register=name),
            {'ansible.builtin.set_fact': {name + '_end': CLOCK}, 'register': name + '_clock', 'ignore_errors': False}]


def took(run, name, entry):
    """Seconds from the simulator receiving the slow request (``entry``, from its log, on the same
    clock) to the end of the task: the client's wait plus the module's exit."""
    return float(run.results[name + '_clock']['ansible_facts'][name + '_end']) - entry['start']


def check_changed_when_unknown(vendor, command):
    """A command whose outcome is unknown may have acted: the task says changed."""
    assert command.get('changed'), command


def wait_logged(fsim, count, seconds=10, **filters):
    """The log entries once ``count`` are there: a request held by a latency fault is logged only
    when the server answers it, after the client gave up (and must not land in the next test)."""
    deadline = time.time() + seconds
    entries = fsim.sim.requests(**filters)
    while len(entries) < count and time.time() < deadline:
        time.sleep(0.25)
        entries = fsim.sim.requests(**filters)
    return entries


def check_waits(entries):
    """Every retry of a request answered 429 with Retry-After (the same method, path and query:
    a parallel worker's other request is not a retry) started only once the wait ended."""
    problems = []
    for index, entry in enumerate(entries):
        if entry['status'] != 429:
            continue
        later = [e for e in entries[index + 1:]
                 if (e['method'], e['path'], e['query']) == (entry['method'], entry['path'], entry['query'])]
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
    check_changed_when_unknown(vendor, command)


@pytest.mark.parametrize('vendor,kind', command_cases(['latency', 'slow']))
def test_command_answer_slower_than_timeout(fsim, ansible, vendor, kind):
    """The command reached the server, whose answer came too late (headers, or a trickled body):
    one POST, a failure that says the outcome is unknown and how to check, within the timeout."""
    spec = VENDORS[vendor]
    fsim.sim.faults([{'kind': kind, 'vendor': vendor, 'method': 'POST', 'path_regex': spec['command_path'],
                      'delay': 6}])
    run = ansible.playbook(spec['setup'] + timed(spec['command'], 'command'),
                           module_defaults=defaults(fsim, vendor, timeout=1, max_retries=3))
    # max_retries 3, yet sent once: the rule saw one request (counted on arrival), the log holds one
    # (waiting for it, so that a held request does not land in the next test's log)
    entries = wait_logged(fsim, 1, vendor=vendor, method='POST', path_regex=spec['command_path'])
    assert [rule['seen'] for rule in fsim.sim.fault_counters()] == [1]
    assert len(entries) == 1, entries
    assert run.rc == 0 and run.results, run
    command = run.results['command']
    text = json.dumps(command)
    assert command.get('failed') and 'timed out after 1' in text and 'outcome is unknown' in text, command
    assert 'Check its state' in text, command  # says how to check before running the task again
    assert took(run, 'command', entries[0]) < 1 + SLOW_MARGIN, took(run, 'command', entries[0])
    check_changed_when_unknown(vendor, command)


# SimpleMDM commands sent with DELETE: the client's resend=False keeps them from being resent
# like a resource DELETE would be (the method alone says nothing).
DELETE_COMMANDS = {
    'disable_bluetooth': ({'mdmkit.mdm.simplemdm_device_command': {
        'command': 'disable_bluetooth', 'devices': ['{{ fleet.devices[0].id }}']}}, r'/devices/\d+/bluetooth$'),
    'lost_mode_off': ({'mdmkit.mdm.simplemdm_lost_mode': {
        'devices': ['{{ fleet.devices[0].id }}'], 'state': 'disabled'}}, r'/devices/\d+/lost_mode$'),
    'uninstall_app': ({'mdmkit.mdm.simplemdm_installed_app': {
        'device': '{{ fleet.devices[0].id }}', 'bundle_identifier': 'com.agilebits.onepassword-ios',
        'state': 'absent'}}, r'/installed_apps/\d+$'),
}


@pytest.mark.parametrize('case', sorted(DELETE_COMMANDS))
def test_delete_command_dropped_after_it_reached_the_server(fsim, ansible, case):
    task, path = DELETE_COMMANDS[case]
    fsim.sim.faults([{'kind': 'reset', 'phase': 'after', 'vendor': 'simplemdm', 'method': 'DELETE',
                      'path_regex': path}])
    run = ansible.playbook(VENDORS['simplemdm']['setup'] + [task],
                           module_defaults=defaults(fsim, 'simplemdm', max_retries=3))
    assert run.rc == 0 and run.results, run
    command = run.results['t1']
    text = json.dumps(command)
    assert command.get('failed') and 'outcome is unknown' in text and 'not sent again' in text, command
    assert command.get('changed'), command  # it may have happened
    entries = fsim.sim.requests(vendor='simplemdm', method='DELETE', path_regex=path)
    assert [e['status'] for e in entries] == [None], entries  # acted on, dropped, never resent


@pytest.mark.parametrize('vendor', NAMES)
def test_resource_writes_under_server_error_bursts(fsim, ansible, vendor):
    spec, writes = VENDORS[vendor], RESOURCE_WRITES[vendor]
    fsim.sim.faults([{'kind': 'status', 'status': status, 'vendor': vendor, 'method': method, 'path_regex': path,
                      'count': 1} for method, path, statuses in writes['faults'] for status in statuses])
    tasks = spec['setup'] + writes.get('setup', []) + [dict(task, register='w%d' % i)
                                                       for i, (task, _fails) in enumerate(writes['tasks'])]
    run = ansible.playbook(tasks, module_defaults=defaults(fsim, vendor))
    assert run.rc == 0 and run.results, run
    for index, (_task, fails) in enumerate(writes['tasks']):
        result = run.results['w%d' % index]
        if fails:
            assert result.get('failed') and 'HTTP 50' in result.get('msg', ''), (index, result)
        else:
            assert not result.get('failed') and result.get('changed'), (index, result)
    for method, path, statuses in writes['faults']:
        seen = [e['status'] for e in fsim.sim.requests(vendor=vendor, method=method, path_regex=path)]
        errors, rest = seen[:len(statuses)], seen[len(statuses):]
        assert errors == statuses and rest and all(200 <= s < 300 for s in rest), (method, path, seen)
        if method in ('POST', 'PATCH'):  # not resent: the failed task sent one request
            assert len(statuses) == 1, 'a POST/PATCH burst longer than 1 would fail the second run too'


@pytest.mark.parametrize('vendor', NAMES)
@pytest.mark.parametrize('kind', ['latency', 'slow'])
def test_slower_than_timeout(fsim, ansible, vendor, kind):
    # 'slow' trickles a small body (every info answer here is under 64 KiB), each piece within
    # the socket timeout: only a deadline on the whole answer ends the task in time. (Before it
    # was enforced, the task took the full 8 s.)
    spec = VENDORS[vendor]
    fsim.sim.faults([{'kind': kind, 'vendor': vendor, 'method': 'GET', 'delay': 8}])
    run = ansible.playbook(timed(spec['info'], 'info'), module_defaults=defaults(fsim, vendor, timeout=1, max_retries=0))
    entries = wait_logged(fsim, 1, vendor=vendor, method='GET')
    assert len(entries) == 1 and entries[0]['faults'] == [kind], entries
    assert run.rc == 0 and run.results, run
    result = run.results['info']
    assert result.get('failed') and 'timed out after 1' in result['msg'] and '/' in result['msg'], result
    assert took(run, 'info', entries[0]) < 1 + SLOW_MARGIN, took(run, 'info', entries[0])


@pytest.mark.parametrize('vendor', NAMES)
def test_slow_inventory_run(fsim, ansible, vendor):
    source = dict(fsim.connection(vendor), timeout=1, max_retries=0, strict=True)
    strict = {'ANSIBLE_INVENTORY_UNPARSED_FAILED': 'true'}
    baseline = ansible.inventory_run(vendor, source, env=strict)
    assert baseline.rc == 0, baseline
    fsim.sim.faults([{'kind': 'slow', 'vendor': vendor, 'method': 'GET', 'delay': 8}])
    slow = ansible.inventory_run(vendor, source, env=strict)
    assert slow.rc != 0 and 'timed out after 1' in slow.stderr, slow
    assert slow.elapsed < baseline.elapsed + 1 + SLOW_MARGIN, (slow.elapsed, baseline.elapsed)


MALFORMED = {
    'malformed_json': ({'kind': 'malformed_json'}, ('malformed JSON', 'HTTP 2')),
    'html': ({'kind': 'html'}, ('HTTP 502', 'upstream error')),
    # a captive portal or a proxy login page answering 200 in place of the API
    'portal': ({'kind': 'html', 'status': 200}, ('HTTP 200 with a non-JSON body (text/html', 'upstream error')),
}


@pytest.mark.parametrize('vendor', NAMES)
@pytest.mark.parametrize('kind', sorted(MALFORMED))
def test_malformed_answers(fsim, ansible, vendor, kind):
    spec = VENDORS[vendor]
    rule, expected = MALFORMED[kind]
    fsim.sim.faults([dict(rule, vendor=vendor, method='GET')])
    run = ansible.playbook([spec['info']], module_defaults=defaults(fsim, vendor, max_retries=1))
    assert run.rc == 0 and run.results, run
    msg = run.results['t0'].get('msg', '')
    assert run.results['t0'].get('failed'), run.results['t0']
    assert all(part in msg for part in expected) and '<' not in msg, msg


@pytest.mark.parametrize('vendor,kind', command_cases(sorted(MALFORMED)))
def test_malformed_answers_to_commands(fsim, ansible, vendor, kind):
    """The answer to a command is cut, an HTML error page or a portal's page: the task fails
    clearly, with the status and an excerpt, and the command is not sent again."""
    spec = VENDORS[vendor]
    rule, expected = MALFORMED[kind]
    fsim.sim.faults([dict(rule, vendor=vendor, method='POST', path_regex=spec['command_path'])])
    run = ansible.playbook(spec['setup'] + [spec['command']], module_defaults=defaults(fsim, vendor))
    assert run.rc == 0 and run.results, run
    command = run.results['t%d' % len(spec['setup'])]
    text = json.dumps(command)
    assert command.get('failed'), command
    assert all(part in text for part in expected) and '<html' not in text, command
    entries = fsim.sim.requests(vendor=vendor, method='POST', path_regex=spec['command_path'])
    assert len(entries) == 1, entries


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
