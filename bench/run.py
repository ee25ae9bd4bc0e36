# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmarks of mdmkit.mdm against the local simulator (issues 8 and 12).

    python bench/run.py --quick                    # CI: N=1,000, about 3 minutes on 2 cores
    python bench/run.py                            # full: inventories at 1k and 10k, bulk at 1k/10k
    python bench/run.py --sizes 100000 --vendors simplemdm,abm --scenarios inventory
    python bench/run.py --scenarios commands,overhead --quick

Every scenario runs real ``ansible-inventory`` / ``ansible-playbook`` processes (the venv's,
beside this interpreter) against ``tests/simulator`` started with the chosen latency and
device count, with ANSIBLE_COLLECTIONS_PATH pointing at a temporary
``ansible_collections/mdmkit/mdm`` symlink to this repository. Requests are counted from the
simulator's request log (``/_sim/requests``); peak RSS is the ``ru_maxrss`` of the ansible
process tree (``os.wait4`` in a small launcher process: the largest single process, the controller). Each
scenario's baseline is measured in the same run, except where the table says ``computed``.

Scenarios (``--scenarios``, comma separated; default all, in this order):
  inventory  ansible-inventory --list per vendor plugin; baseline A = the same hosts and vars
             from a static JSON inventory written from the plugin's own output (Ansible's
             floor); baseline B = vendor-minimum requests x latency (the sequential network
             floor); target wall <= A + 1.2 B. Also a cached second run (jsonfile cache):
             zero requests, wall vs A. Full runs add stream=false and 5-attribute rows.
  commands   simplemdm_device_command refresh on N devices vs a loop of ansible.builtin.uri
             POSTs; same request count, target wall <= 1/4 of the loop's.
  abm        abm_device_assignment of N serials, half already on the server; requests vs the
             minimum (device-list pages + activities + polls) and vs a naive uri loop's
             request count (computed, not run).
  noop       a 20-resource SimpleMDM baseline playbook run twice; reads per resource type,
             writes on the second run (target 0).
  overhead   per-task cost of simplemdm_device_info vs an ansible.builtin.uri GET of the same
             endpoint (target ratio <= 1.15), and which non-ABM modules import cryptography.

The table goes to stdout and to bench/output/<timestamp>/table.txt, with every measurement in
results.json beside it. Exit status: 0 when every scenario ran (targets missed are reported,
not fatal), 1 when a scenario failed to run.
"""

from __future__ import absolute_import, division, print_function

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, 'tests'))

from simulator.harness import start_simulator  # noqa: E402  pylint: disable=wrong-import-position

SCENARIOS = ('inventory', 'commands', 'abm', 'noop', 'overhead')
VENDORS = ('simplemdm', 'abm', 'esper', 'micromdm')
# The largest page each vendor's device list serves (MicroMDM lists whole collections).
LARGEST_PAGE = {'simplemdm': 100, 'abm': 1000, 'esper': 1000, 'micromdm': None}
TRIM_ATTRIBUTES = {
    'simplemdm': ['name', 'os_version', 'model_name', 'device_group_name', 'status'],
    'abm': ['serial_number', 'device_model', 'product_family', 'status', 'assigned_server_name'],
    'esper': ['device_name', 'platform', 'os', 'state', 'serial'],
    'micromdm': ['serial_number', 'udid', 'enrolled', 'model', 'workflow_name'],
}
COLUMNS = ('scenario', 'N', 'wall s', 'requests', 'peak RSS MB', 'baseline', 'base wall s', 'base req',
           'ratio', 'target', 'ok')


def log(message):
    sys.stderr.write('[bench %s] %s\n' % (time.strftime('%H:%M:%S'), message))
    sys.stderr.flush()


# ---- processes --------------------------------------------------------------------------

class Run(object):
    """One measured process: wall seconds, peak RSS (MB) of its tree, exit code."""

    def __init__(self, wall, rss_mb, rc, stdout_path, stderr_text):
        self.wall, self.rss, self.rc = wall, rss_mb, rc
        self.stdout_path, self.stderr_text = stdout_path, stderr_text


# A small launcher process starts the ansible command and reports its rusage: a child forked
# straight from this (large) process would count this process's resident pages in ru_maxrss.
LAUNCHER = r'''
import json, os, subprocess, sys, time
start = time.monotonic()
process = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL)
_pid, status, usage = os.wait4(process.pid, 0)
wall = time.monotonic() - start
with open(sys.argv[1], 'w') as handle:
    json.dump({'wall': wall, 'rc': os.waitstatus_to_exitcode(status), 'maxrss_kb': usage.ru_maxrss,
               'cpu': usage.ru_utime + usage.ru_stime}, handle)
'''


def run_measured(argv, env, cwd, stdout_path, check=True):
    """Run argv with stdout to a file; wall time, CPU and peak RSS of its process tree."""
    err_path = stdout_path + '.err'
    usage_path = stdout_path + '.usage'
    with open(stdout_path, 'wb') as out, open(err_path, 'wb') as err:
        subprocess.run([sys.executable, '-c', LAUNCHER, usage_path] + list(argv), env=env, cwd=cwd, stdout=out,
                       stderr=err, stdin=subprocess.DEVNULL, check=False)
    with open(err_path, 'rb') as handle:
        stderr_text = handle.read().decode('utf-8', 'replace')
    try:
        with open(usage_path) as handle:
            usage = json.load(handle)
    except (IOError, ValueError):
        raise RuntimeError('%s: no measurement\n%s' % (' '.join(argv), stderr_text[-3000:]))
    result = Run(usage['wall'], usage['maxrss_kb'] / 1024.0, usage['rc'], stdout_path, stderr_text)
    result.cpu = usage['cpu']  # less sensitive than wall to other load
    if check and result.rc != 0:
        with open(stdout_path, 'rb') as handle:
            tail = handle.read()[-3000:].decode('utf-8', 'replace')
        raise RuntimeError('%s exited %s\n%s\n%s' % (' '.join(argv), result.rc, tail, stderr_text[-3000:]))
    return result


class Bench(object):
    def __init__(self, args):
        self.args = args
        self.rows = []
        self.results = []
        self.bin = os.path.dirname(os.path.abspath(sys.executable))
        self.work = tempfile.mkdtemp(prefix='mdmkit-bench.')
        collections = os.path.join(self.work, 'collections', 'ansible_collections', 'mdmkit')
        os.makedirs(collections)
        os.symlink(REPO, os.path.join(collections, 'mdm'))
        self.out = args.output
        os.makedirs(self.out, exist_ok=True)
        self.sim = None
        self.sim_key = None
        self.seq = 0
        self.failed = []

    def tool(self, name):
        path = os.path.join(self.bin, name)
        return path if os.path.exists(path) else (shutil.which(name) or name)

    # ---- simulator ----------------------------------------------------------------------

    def simulator(self, devices, latency_ms, **options):
        key = (devices, latency_ms, tuple(sorted(options.items())))
        if self.sim is not None and self.sim_key == key:
            return self.sim
        self.stop_simulator()
        log('starting the simulator: %d devices, %s ms latency %s' % (devices, latency_ms, options or ''))
        self.sim = start_simulator(devices=devices, latency_ms=latency_ms,
                                   abm_private_key_out=os.path.join(self.work, 'abm-key.pem'), **options)
        self.sim_key = key
        self.seq = 0
        return self.sim

    def stop_simulator(self):
        if self.sim is not None:
            self.sim.stop()
            self.sim = None

    def reset(self):
        self.sim.reset()
        self.seq = 0

    def new_requests(self):
        """Vendor requests logged since the last call."""
        entries = self.sim.requests(since=self.seq)
        if entries:
            self.seq = entries[-1]['seq']
        return entries

    def env(self, **extra):
        config = self.sim.config
        env = dict(os.environ)
        env.update({
            'PATH': self.bin + os.pathsep + env.get('PATH', ''),
            'ANSIBLE_COLLECTIONS_PATH': os.path.join(self.work, 'collections'),
            'ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED': 'true',
            'ANSIBLE_LOCAL_TEMP': os.path.join(self.work, 'tmp'),
            'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
            'ANSIBLE_RETRY_FILES_ENABLED': 'false',
            'ANSIBLE_NOCOLOR': '1',
            'ANSIBLE_DEPRECATION_WARNINGS': 'false',
            'SIMPLEMDM_API_KEY': config['simplemdm_api_key'],
            'SIMPLEMDM_BASE_URL': config['simplemdm_base_url'],
            'ABM_CLIENT_ID': config['abm_client_id'],
            'ABM_KEY_ID': config['abm_key_id'],
            'ABM_PRIVATE_KEY_PATH': config['abm_private_key_path'],
            'ABM_BASE_URL': config['abm_base_url'],
            'ABM_TOKEN_URL': config['abm_token_url'],
            'ESPER_API_KEY': config['esper_api_key'],
            'ESPER_BASE_URL': config['esper_base_url'],
            'MICROMDM_URL': config['micromdm_url'],
            'MICROMDM_API_KEY': config['micromdm_api_key'],
        })
        env.pop('ANSIBLE_CONFIG', None)
        env.update(extra)
        return env

    # ---- output ---------------------------------------------------------------------------

    def row(self, scenario, n, wall=None, requests=None, rss=None, baseline='', base_wall=None, base_req=None,
            ratio=None, target='', ok=None, **details):
        details['loadavg_1m'] = os.getloadavg()[0]  # other work on the machine skews single runs
        row = dict(scenario=scenario, n=n, wall=wall, requests=requests, rss=rss, baseline=baseline,
                   base_wall=base_wall, base_req=base_req, ratio=ratio, target=target, ok=ok, details=details)
        self.rows.append(row)
        log('%s N=%s: %s' % (scenario, n, format_row(row)))
        self.save()

    def save(self):
        with open(os.path.join(self.out, 'results.json'), 'w') as handle:
            json.dump({'machine': machine(), 'args': vars(self.args), 'rows': self.rows}, handle, indent=1)

    def path(self, name):
        return os.path.join(self.work, name)

    def write(self, name, text):
        path = self.path(name)
        with open(path, 'w') as handle:
            handle.write(text)
        return path

    # ---- running ansible ---------------------------------------------------------------------

    def inventory(self, source, name, env=None):
        return run_measured([self.tool('ansible-inventory'), '-i', source, '--list'], env or self.env(),
                            self.work, self.path(name + '.out.json'))

    def playbook(self, play_path, name, extra=(), env=None):
        return run_measured([self.tool('ansible-playbook'), play_path] + list(extra), env or self.env(),
                            self.work, self.path(name + '.log'))


def format_number(value, digits=2):
    if value is None:
        return '-'
    if isinstance(value, float):
        return '%.*f' % (digits, value)
    return str(value)


def format_row(row):
    ok = {True: 'yes', False: 'NO', None: '-'}[row['ok']]
    return ' | '.join([row['scenario'], format_number(row['n']), format_number(row['wall']),
                       format_number(row['requests']), format_number(row['rss'], 0), row['baseline'] or '-',
                       format_number(row['base_wall']), format_number(row['base_req']),
                       format_number(row['ratio']), row['target'] or '-', ok])


def table(rows):
    cells = [list(COLUMNS)]
    for row in rows:
        cells.append(format_row(row).split(' | '))
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    lines = []
    for index, line in enumerate(cells):
        lines.append('| ' + ' | '.join(cell.ljust(widths[i]) for i, cell in enumerate(line)) + ' |')
        if index == 0:
            lines.append('|' + '|'.join('-' * (w + 2) for w in widths) + '|')
    return '\n'.join(lines)


def machine():
    info = {'nproc': os.cpu_count(), 'python': platform.python_version(), 'platform': platform.platform()}
    try:
        info['free'] = subprocess.run(['free', '-h'], stdout=subprocess.PIPE, universal_newlines=True,
                                      check=False).stdout
    except OSError:
        pass
    try:
        from ansible.release import __version__ as ansible_version
        info['ansible_core'] = ansible_version
    except ImportError:
        pass
    try:
        info['loadavg'] = os.getloadavg()
    except OSError:
        pass
    return info


# ---- scenario 1: inventories ------------------------------------------------------------------

def unwrap_unsafe(value):
    """ansible-core 2.19 writes plugin strings as {"__ansible_unsafe": "..."} in --list output."""
    if isinstance(value, dict):
        if len(value) == 1 and '__ansible_unsafe' in value:
            return value['__ansible_unsafe']
        return dict((k, unwrap_unsafe(v)) for k, v in value.items())
    if isinstance(value, list):
        return [unwrap_unsafe(v) for v in value]
    return value


def static_inventory(listing):
    """The --list output as a yaml-plugin inventory (JSON): same hosts, vars and groups."""
    hostvars = listing.get('_meta', {}).get('hostvars', {})
    children = {}
    for group, body in listing.items():
        if group in ('_meta', 'all', 'ungrouped'):
            continue
        entry = {}
        if body.get('hosts'):
            entry['hosts'] = dict((host, None) for host in body['hosts'])
        if body.get('children'):
            entry['children'] = dict((child, {}) for child in body['children'])
        children[group] = entry
    return {'all': {'hosts': hostvars, 'children': children}}


def minimum_requests(vendor, hostvars, prefix=None):
    """The vendor minimum for the device list: pages at the largest page size, plus auth and
    the group/server lists the plugin needs."""
    hosts = len(hostvars)
    if vendor == 'simplemdm':
        return int(math.ceil(hosts / 100.0)) + 1  # device pages + one device_groups page
    if vendor == 'abm':
        per_server = {}
        for hv in hostvars.values():
            server = hv.get('abm_assigned_server_id')
            if server is not None:
                per_server[server] = per_server.get(server, 0) + 1
        servers = max(len(per_server), 4)
        server_pages = sum(int(math.ceil(n / 1000.0)) for n in per_server.values()) + (servers - len(per_server))
        # token + servers list + each server's device list + org device pages
        return 1 + 1 + server_pages + int(math.ceil(hosts / 1000.0))
    if vendor == 'esper':
        return int(math.ceil(hosts / 1000.0))
    return 2  # micromdm: workflows + devices, no paging


def inventory_config(bench, vendor, name, **options):
    lines = ['plugin: mdmkit.mdm.%s' % vendor]
    for key, value in options.items():
        lines.append('%s: %s' % (key, json.dumps(value)))
    return bench.write('%s.%s.yml' % (name, vendor), '\n'.join(lines) + '\n')


def scenario_inventory(bench, sizes, vendors, latency_ms, variants):
    latency = latency_ms / 1000.0
    for n in sizes:
        bench.simulator(n, latency_ms)
        for vendor in vendors:
            label = 'inv %s' % vendor
            config = inventory_config(bench, vendor, 'plain')
            bench.new_requests()
            run = bench.inventory(config, 'inv-%s-%d' % (vendor, n))
            requests = bench.new_requests()
            with open(run.stdout_path) as handle:
                listing = unwrap_unsafe(json.load(handle))
            hostvars = listing.get('_meta', {}).get('hostvars', {})
            static_path = bench.path('static-%s-%d.json' % (vendor, n))
            with open(static_path, 'w') as handle:
                json.dump(static_inventory(listing), handle)
            del listing
            base = bench.inventory(static_path, 'static-%s-%d' % (vendor, n),
                                   env=bench.env(ANSIBLE_INVENTORY_ENABLED='yaml'))
            with open(base.stdout_path) as handle:
                base_hosts = len(json.load(handle).get('_meta', {}).get('hostvars', {}))
            minimum = minimum_requests(vendor, hostvars)
            hosts = len(hostvars)
            del hostvars
            floor_b = minimum * latency
            span = (requests[-1]['end'] - requests[0]['start']) if requests else 0.0
            limit = base.wall + 1.2 * floor_b
            bench.row(label, n, run.wall, len(requests), run.rss, 'A static JSON + 1.2 B', base.wall, minimum,
                      run.wall / limit, '<= 1', run.wall <= limit and len(requests) <= minimum,
                      hosts=hosts, static_hosts=base_hosts, floor_b=floor_b, base_rss=base.rss,
                      cpu=run.cpu, base_cpu=base.cpu,
                      network_span=span, rss_ratio=run.rss / base.rss if base.rss else None)
            bench.row('  %s RSS vs A' % vendor, n, None, None, run.rss, 'A static JSON', None, None,
                      run.rss / base.rss, '<= 1.3', run.rss <= 1.3 * base.rss, base_rss=base.rss)
            bench.row('  %s req vs min' % vendor, n, None, len(requests), None, 'vendor minimum', None, minimum,
                      len(requests) / float(minimum), '<= 1', len(requests) <= minimum,
                      network_floor_s=floor_b, network_span_s=span, hosts=hosts,
                      by_path=count_paths(requests))

            # caching: a fill run, then a run that must make no request
            cache_dir = bench.path('cache-%s-%d' % (vendor, n))
            cached = inventory_config(bench, vendor, 'cached-%d' % n, cache=True,
                                      cache_plugin='ansible.builtin.jsonfile', cache_connection=cache_dir,
                                      cache_timeout=3600)
            fill = bench.inventory(cached, 'fill-%s-%d' % (vendor, n))
            fill_requests = len(bench.new_requests())
            second = bench.inventory(cached, 'cached-%s-%d' % (vendor, n))
            second_requests = len(bench.new_requests())
            bench.row('  %s cached 2nd run' % vendor, n, second.wall, second_requests, second.rss, 'A static JSON',
                      base.wall, 0, second.wall / base.wall, '0 req, <= 1.2',
                      second_requests == 0 and second.wall <= 1.2 * base.wall,
                      fill_wall=fill.wall, fill_requests=fill_requests, fill_rss=fill.rss, cpu=second.cpu)

            if variants:
                nostream = bench.inventory(inventory_config(bench, vendor, 'nostream', stream=False),
                                           'nostream-%s-%d' % (vendor, n))
                nostream_requests = len(bench.new_requests())
                bench.row('  %s stream=false' % vendor, n, nostream.wall, nostream_requests, nostream.rss,
                          'streaming run', run.wall, len(requests), nostream.wall / run.wall, 'info', None,
                          cpu=nostream.cpu)
                trimmed = bench.inventory(inventory_config(bench, vendor, 'trim', attributes=TRIM_ATTRIBUTES[vendor]),
                                          'trim-%s-%d' % (vendor, n))
                trimmed_requests = len(bench.new_requests())
                bench.row('  %s 5 attributes' % vendor, n, trimmed.wall, trimmed_requests, trimmed.rss,
                          'untrimmed run', run.wall, len(requests), trimmed.wall / run.wall, '<= 0.3',
                          trimmed.wall <= 0.3 * run.wall, cpu=trimmed.cpu, untrimmed_cpu=run.cpu)
                if vendor == 'esper':
                    big = bench.inventory(inventory_config(bench, vendor, 'page1000', page_size=1000),
                                          'page1000-%s-%d' % (vendor, n))
                    big_requests = bench.new_requests()
                    bench.row('  esper page_size=1000', n, big.wall, len(big_requests), big.rss,
                              'A static JSON + 1.2 B', base.wall, minimum, big.wall / limit, '<= 1',
                              big.wall <= limit and len(big_requests) <= minimum)
            for name in os.listdir(bench.work):  # the listings are large at 100k
                if name.endswith(('-%s-%d.json' % (vendor, n), '-%s-%d.out.json' % (vendor, n))):
                    os.unlink(bench.path(name))
            shutil.rmtree(cache_dir, ignore_errors=True)


def count_paths(requests):
    counts = {}
    for entry in requests:
        key = '%s %s' % (entry['method'], resource_of(entry['path']))
        counts[key] = counts.get(key, 0) + 1
    return counts


def resource_of(path):
    """/simplemdm/api/v1/devices/12/refresh -> devices/{id}/refresh (ids folded)."""
    parts = [p for p in path.split('/') if p]
    for marker in ('v1', 'api', 'micromdm', 'abm'):
        if marker in parts:
            parts = parts[parts.index(marker) + 1:]
            break
    folded = ['{id}' if p.isdigit() or (len(p) >= 8 and any(c.isdigit() for c in p)) else p for p in parts]
    return '/'.join(folded)


# ---- scenario 2: bulk device commands ---------------------------------------------------------

def enrolled_simplemdm_ids(bench, count):
    """Ids of `count` enrolled devices (the simulator's fleet: every 50th awaits enrollment)."""
    from simulator import fleet_simplemdm  # pylint: disable=import-outside-toplevel
    ids = []
    index = 0
    while len(ids) < count:
        if not fleet_simplemdm.is_awaiting(index):
            ids.append(fleet_simplemdm.device_id(index))
        index += 1
    return ids


def scenario_commands(bench, count, latency_ms):
    devices = int(math.ceil(count * 50 / 49.0))
    bench.simulator(devices, latency_ms)
    ids = enrolled_simplemdm_ids(bench, count)
    bench.write('ids.json', json.dumps({'device_ids': [str(i) for i in ids]}))
    module_play = bench.write('command.yml', '''
- hosts: localhost
  gather_facts: false
  tasks:
    - mdmkit.mdm.simplemdm_device_command:
        devices: "{{ device_ids }}"
        command: refresh
      register: sent
    - assert:
        that: sent.results | selectattr('outcome', 'equalto', 'sent') | list | length == device_ids | length
''')
    uri_play = bench.write('command_uri.yml', '''
- hosts: localhost
  gather_facts: false
  tasks:
    - ansible.builtin.uri:
        url: "{{ lookup('env', 'SIMPLEMDM_BASE_URL') }}/devices/{{ item }}/refresh"
        method: POST
        url_username: "{{ lookup('env', 'SIMPLEMDM_API_KEY') }}"
        url_password: ""
        force_basic_auth: true
        status_code: 202
      loop: "{{ device_ids }}"
''')
    bench.reset()
    module = bench.playbook(module_play, 'command-%d' % count, ['-e', '@' + bench.path('ids.json')])
    module_requests = bench.new_requests()
    bench.reset()  # the simulator refuses a second refresh of a device within its window
    loop = bench.playbook(uri_play, 'command-uri-%d' % count, ['-e', '@' + bench.path('ids.json')])
    loop_requests = bench.new_requests()
    posts = sum(1 for r in module_requests if r['method'] == 'POST')
    bench.row('refresh module', count, module.wall, len(module_requests), module.rss, 'uri loop', loop.wall,
              len(loop_requests), module.wall / loop.wall, '<= 0.25', module.wall <= 0.25 * loop.wall,
              module_posts=posts, module_gets=len(module_requests) - posts,
              uri_posts=sum(1 for r in loop_requests if r['method'] == 'POST'),
              module_by_path=count_paths(module_requests), loop_rss=loop.rss)


# ---- scenario 3: ABM assignment -----------------------------------------------------------------

def scenario_abm(bench, count, latency_ms):
    from simulator import fleet_abm  # pylint: disable=import-outside-toplevel
    from simulator.fixtures import Fleet  # pylint: disable=import-outside-toplevel
    half = count // 2
    size = int(math.ceil(half / 0.38)) + 10  # 40% of the fleet sits on the first server (SimpleMDM)
    fleet = Fleet(size, 1)
    on_target, elsewhere = [], []
    for index in range(size):
        if fleet_abm.is_locked(index):
            continue
        if fleet_abm.default_server_number(fleet, index) == 0:
            if len(on_target) < half:
                on_target.append(fleet.serial(index))
        elif len(elsewhere) < count - half:
            elsewhere.append(fleet.serial(index))
    serials = on_target + elsewhere
    if len(serials) != count:
        raise RuntimeError('the simulated fleet of %d has too few serials for %d' % (size, count))
    serials = [s for pair in zip(on_target, elsewhere) for s in pair]  # interleaved
    bench.simulator(size, latency_ms, abm_activity_seconds=1)
    bench.write('serials.json', json.dumps({'serials': serials}))
    play = bench.write('abm.yml', '''
- hosts: localhost
  gather_facts: false
  tasks:
    - mdmkit.mdm.abm_device_assignment:
        serial_numbers: "{{ serials }}"
        mdm_server: SimpleMDM
        poll_interval: 1
      register: assigned
    - assert:
        that:
          - assigned.unchanged == %d
          - assigned.moved | length == %d
''' % (half, count - half))
    bench.reset()
    run = bench.playbook(play, 'abm-%d' % count, ['-e', '@' + bench.path('serials.json')])
    requests = bench.new_requests()
    by_path = count_paths(requests)
    activities = by_path.get('POST orgDeviceActivities', 0)
    polls = by_path.get('GET orgDeviceActivities/{id}', 0)
    org_pages = by_path.get('GET orgDevices', 0)
    server_pages = sum(v for k, v in by_path.items() if k.startswith('GET mdmServers/') and k.endswith('devices'))
    lists = by_path.get('GET mdmServers', 0)
    tokens = sum(v for k, v in by_path.items() if 'token' in k)
    moved = count - half
    minimum = (int(math.ceil(size / 1000.0)) + server_pages + lists + tokens
               + int(math.ceil(moved / 1000.0)) + polls)
    # a naive uri loop: one assignedServer GET per serial, one activity per device to move, and
    # at least one poll per activity, plus the token
    naive = 1 + count + moved + moved
    bench.row('abm assign', count, run.wall, len(requests), run.rss, 'uri loop (computed)', None, naive,
              len(requests) / float(naive), 'req <= min %d' % minimum, len(requests) <= minimum,
              fleet=size, org_device_pages=org_pages, server_device_pages=server_pages, activities=activities,
              polls=polls, tokens=tokens, by_path=by_path)


# ---- scenario 4: no-op second run ---------------------------------------------------------------

NOOP_VARS = {
    'baseline_custom_attributes': [{'name': 'bench_attribute_%d' % i, 'default_value': 'v%d' % i} for i in range(8)],
    'baseline_scripts': [{'name': 'Bench script %d' % i, 'variable_support': False,
                          'content': '#!/bin/sh\necho bench %d\n' % i} for i in range(6)],
    'baseline_apps': [{'bundle_id': 'com.microsoft.Office.Outlook'}],
    'baseline_assignment_groups': [{'name': 'Bench Apps %d' % i, 'auto_deploy': True,
                                    'apps': ['Afterlight', 'com.microsoft.Office.Outlook'],
                                    'device_groups': ['Office', 'Retail']} for i in range(4)],
    'baseline_profiles': [{'profile': 'App Restriction', 'device_groups': ['Retail', 'Warehouse'], 'append': True}],
}


def scenario_noop(bench, latency_ms):
    bench.simulator(250, latency_ms)
    bench.reset()
    resources = sum(len(v) for v in NOOP_VARS.values())
    bench.write('noop-vars.json', json.dumps(NOOP_VARS))
    extra = ['-e', '@' + bench.path('noop-vars.json')]
    play = os.path.join(REPO, 'playbooks', 'baseline.yml')
    first = bench.playbook(play, 'noop-1', extra)
    first_requests = bench.new_requests()
    second = bench.playbook(play, 'noop-2', extra)
    second_requests = bench.new_requests()
    with open(second.stdout_path) as handle:
        recap = [line for line in handle if 'changed=' in line]
    writes = [r for r in second_requests if r['method'] != 'GET']
    first_writes = [r for r in first_requests if r['method'] != 'GET']
    reads = count_paths([r for r in second_requests if r['method'] == 'GET'])
    bench.row('noop 1st run', resources, first.wall, len(first_requests), first.rss, '', None, None, None, 'info',
              None, writes=len(first_writes), by_path=count_paths(first_requests))
    bench.row('noop 2nd run', resources, second.wall, len(second_requests), second.rss, '1st run', first.wall,
              len(first_requests), len(second_requests) / float(resources), '0 writes',
              not writes and 'changed=0' in ''.join(recap), writes=len(writes), reads_by_path=reads,
              recap=''.join(recap).strip())


# ---- scenario 5: per-task overhead ---------------------------------------------------------------

IMPORT_CHECK = r'''
import importlib, json, os, sys
sys.path.insert(0, sys.argv[1])
import ansible.module_utils.basic  # noqa: what every module imports anyway
found = {}
for name in sorted(os.listdir(os.path.join(sys.argv[2], 'plugins', 'modules'))):
    if not name.endswith('.py') or name.startswith(('abm_', '_')):
        continue
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # a fresh copy per module: what one module loads, not what an earlier one did
        os.close(read)
        importlib.import_module('ansible_collections.mdmkit.mdm.plugins.modules.' + name[:-3])
        loaded = sorted(set(m.split('.')[0] for m in sys.modules) & set(['cryptography', 'jwt']))
        os.write(write, json.dumps(loaded).encode())
        os._exit(0)
    os.close(write)
    data = b''
    while True:
        chunk = os.read(read, 65536)
        if not chunk:
            break
        data += chunk
    os.close(read)
    os.waitpid(pid, 0)
    loaded = json.loads(data or b'["(import failed)"]')
    if loaded:
        found[name] = loaded
print(json.dumps(found))
'''


def scenario_overhead(bench, latency_ms, repeat):
    bench.simulator(250, latency_ms)
    from simulator import fleet_simplemdm  # pylint: disable=import-outside-toplevel
    device = fleet_simplemdm.device_id(0)
    tasks = 10

    def play(body):
        return '''
- hosts: localhost
  gather_facts: false
  tasks:
%s''' % body

    plays = {
        'empty': play('    - ansible.builtin.meta: noop\n'),
        'info': play(''.join('''    - mdmkit.mdm.simplemdm_device_info:
        device: "%s"
''' % device for _task in range(tasks))),
        'uri': play(''.join('''    - ansible.builtin.uri:
        url: "{{ lookup('env', 'SIMPLEMDM_BASE_URL') }}/devices/%s"
        url_username: "{{ lookup('env', 'SIMPLEMDM_API_KEY') }}"
        url_password: ""
        force_basic_auth: true
''' % device for _task in range(tasks))),
    }
    walls = dict((name, []) for name in plays)
    rss = {}
    counts = {}
    for attempt in range(repeat):
        for name, text in plays.items():
            path = bench.write('overhead-%s.yml' % name, text)
            bench.new_requests()
            run = bench.playbook(path, 'overhead-%s-%d' % (name, attempt))
            walls[name].append(run.wall)
            rss[name] = max(rss.get(name, 0), run.rss)
            counts[name] = len(bench.new_requests())
    median = dict((name, statistics.median(values)) for name, values in walls.items())
    info_task = (median['info'] - median['empty']) / tasks
    uri_task = (median['uri'] - median['empty']) / tasks
    bench.row('task: device_info', 1, info_task, counts['info'] / float(tasks), rss['info'], 'uri GET task',
              uri_task, counts['uri'] / float(tasks), info_task / uri_task, '<= 1.15', info_task <= 1.15 * uri_task,
              walls=walls, empty_play=median['empty'], tasks_per_play=tasks)
    check = subprocess.run([sys.executable, '-c', IMPORT_CHECK, os.path.join(bench.work, 'collections'), REPO],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, check=False)
    if check.returncode != 0:
        raise RuntimeError('import check failed: %s' % check.stderr[-2000:])
    offenders = json.loads(check.stdout)
    bench.row('imports: non-ABM modules', len([n for n in os.listdir(os.path.join(REPO, 'plugins', 'modules'))
                                               if n.endswith('.py') and not n.startswith('abm_')]),
              None, None, None, '', None, None, len(offenders), 'no cryptography/jwt', not offenders,
              offenders=offenders)


# ---- main -----------------------------------------------------------------------------------------

def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--quick', action='store_true', help='N=1,000 inventories, 200 commands, 1,000 serials')
    parser.add_argument('--scenarios', default=','.join(SCENARIOS),
                        help='comma separated subset of: %s' % ', '.join(SCENARIOS))
    parser.add_argument('--vendors', default=','.join(VENDORS), help='inventory plugins to measure')
    parser.add_argument('--sizes', help='inventory sizes, comma separated (quick: 1000; full: 1000,10000)')
    parser.add_argument('--commands', type=int, help='devices for the refresh scenario (quick 200, full 1000)')
    parser.add_argument('--serials', type=int, help='serials for the ABM scenario (quick 1000, full 10000)')
    parser.add_argument('--latency-ms', type=float, default=20.0, help='simulator latency (default 20)')
    parser.add_argument('--variants', choices=('auto', 'yes', 'no'), default='auto',
                        help='stream=false / 5-attribute / esper page_size rows (auto: not with --quick)')
    parser.add_argument('--repeat', type=int, help='runs of each overhead playbook (median; quick 2, full 3)')
    parser.add_argument('--output', help='directory for results (default bench/output/<timestamp>)')
    parser.add_argument('--keep', action='store_true', help='keep the temporary work directory')
    args = parser.parse_args(argv)
    args.scenarios = [s for s in args.scenarios.split(',') if s]
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown:
        parser.error('unknown scenarios: %s' % ', '.join(sorted(unknown)))
    args.vendors = [v for v in args.vendors.split(',') if v]
    if set(args.vendors) - set(VENDORS):
        parser.error('unknown vendors: %s' % ', '.join(sorted(set(args.vendors) - set(VENDORS))))
    args.sizes = [int(s) for s in args.sizes.split(',')] if args.sizes else ([1000] if args.quick else [1000, 10000])
    args.commands = args.commands or (200 if args.quick else 1000)
    args.serials = args.serials or (1000 if args.quick else 10000)
    args.repeat = args.repeat or (2 if args.quick else 3)
    args.variants = args.variants == 'yes' or (args.variants == 'auto' and not args.quick)
    args.output = args.output or os.path.join(REPO, 'bench', 'output', time.strftime('%Y%m%d-%H%M%S'))
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    bench = Bench(args)
    started = time.monotonic()
    steps = {
        'inventory': lambda: scenario_inventory(bench, args.sizes, args.vendors, args.latency_ms, args.variants),
        'commands': lambda: scenario_commands(bench, args.commands, args.latency_ms),
        'abm': lambda: scenario_abm(bench, args.serials, args.latency_ms),
        'noop': lambda: scenario_noop(bench, args.latency_ms),
        'overhead': lambda: scenario_overhead(bench, args.latency_ms, args.repeat),
    }
    try:
        for name in args.scenarios:
            log('scenario %s' % name)
            try:
                steps[name]()
            except Exception as exc:  # pylint: disable=broad-except
                bench.failed.append(name)
                bench.row(name + ' FAILED', None, target=str(exc).splitlines()[0][:60], ok=False,
                          error=traceback.format_exc())
                log(traceback.format_exc())
    finally:
        bench.stop_simulator()
        if not args.keep:
            shutil.rmtree(bench.work, ignore_errors=True)
    info = machine()
    text = table(bench.rows)
    header = ('mdmkit.mdm benchmarks: %s cores, python %s, ansible-core %s, latency %s ms, %.0f s in all'
              % (info.get('nproc'), info.get('python'), info.get('ansible_core'), args.latency_ms,
                 time.monotonic() - started))
    print(header)
    print(text)
    with open(os.path.join(args.output, 'table.txt'), 'w') as handle:
        handle.write(header + '\n' + text + '\n')
    bench.save()
    if args.keep:
        print('work directory kept: %s' % bench.work)
    return 1 if bench.failed else 0


if __name__ == '__main__':
    sys.exit(main())
