# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmarks of mdmkit.mdm against the local simulator (issues 8 and 12).

    python bench/run.py --quick                    # CI: N=1,000, a few minutes on 2 cores
    python bench/run.py                            # full: inventories at 1k and 10k, bulk at 1k/10k
    python bench/run.py --sizes 100000 --vendors simplemdm,abm --scenarios inventory
    python bench/run.py --scenarios commands,overhead --quick

Every scenario runs real ``ansible-inventory`` / ``ansible-playbook`` processes (the venv's,
beside this interpreter) against ``tests/simulator`` started with the chosen latency and
device count, with ANSIBLE_COLLECTIONS_PATH pointing at a temporary
``ansible_collections/mdmkit/mdm`` symlink to this repository. Requests are counted from the
simulator's request log (``/_sim/requests``); peak RSS is the ``ru_maxrss`` of the ansible
process tree (``os.wait4`` in a small launcher process: the largest single process, the
controller). Baselines are measured in the same run, except where the table says ``computed``;
request minimums are computed from the simulator's generated fleet, never from the run checked.

Scenarios (``--scenarios``, comma separated; default all, in this order):
  inventory  ansible-inventory --list per vendor plugin, against two floors: F, Ansible's own
             (the same hosts, vars and groups replayed from a local file by the trivial plugin
             bench/plugins/inventory/mdmkit_floor.py, with the same add_host/set_variable calls),
             and B, the network's (the fleet's minimum requests x latency, sequential). Targets:
             wall <= 1.15 max(F, B), RSS <= 1.1 F (issue 12); wall <= A + 1.2 B and RSS <= 1.3 A
             with A = a static JSON file through the ``yaml`` plugin (issue 8; --baselines);
             requests = the fleet's minimum. Also: stream=false, the plugin's network time alone
             (bench/fetch_only.py) vs B, and without its overlap (SimpleMDM read one way, Esper
             with one page worker), a cached second run (zero requests, wall vs A). Full runs
             (--variants) add 5 attributes (vs the untrimmed run, and F of those 5).
  commands   simplemdm_device_command refresh on N devices vs a loop of ansible.builtin.uri
             POSTs: wall <= 1/4 of the loop's, requests <= the loop's + the device lookups
             allowed (see lookup_allowance); again on a fleet of 10 N, for N and for 5 devices.
  abm        abm_device_assignment of N serials, half already on the server; requests vs the
             minimum computed from the fleet (token, server list, the target server's device
             list, org device list, ceil(moved / batch_size) activities, one poll each) and vs a
             naive uri loop's request count, computed for N and measured on a sample of N/20
             (at most 100 serials: a loop of 2N tasks would take hours).
  noop       a 20-resource SimpleMDM baseline playbook run twice: second run 0 writes,
             changed=0, and per module invocation and resource type at most one list (any number
             of pages) and at most one GET of a single resource (no read per item), from the
             request log split by the invocation times bench/plugins/callback/mdmkit_timeline.py
             records.
  overhead   per-task cost of simplemdm_device_info vs an ansible.builtin.uri GET of the same
             endpoint (target ratio <= 1.15), and which non-ABM modules import cryptography.

The table goes to stdout and to bench/output/<timestamp>/table.txt, with every measurement in
results.json beside it. Exit status: 0 when every scenario ran (targets missed are reported,
not fatal), 1 when a scenario failed to run.
"""

from __future__ import absolute_import, division, print_function

import argparse
import bisect
import collections
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
BENCH = os.path.join(REPO, 'bench')
sys.path.insert(0, os.path.join(REPO, 'tests'))

from simulator.harness import start_simulator  # noqa: E402  pylint: disable=wrong-import-position

SCENARIOS = ('inventory', 'commands', 'abm', 'noop', 'overhead')
VENDORS = ('simplemdm', 'abm', 'esper', 'micromdm')
SEED = 1  # the simulator's default fleet seed (start_simulator)
TRIM_ATTRIBUTES = {
    'simplemdm': ['name', 'os_version', 'model_name', 'device_group_name', 'status'],
    'abm': ['serial_number', 'device_model', 'product_family', 'status', 'assigned_server_name'],
    'esper': ['device_name', 'platform', 'os', 'state', 'serial'],
    'micromdm': ['serial_number', 'udid', 'enrolled', 'model', 'workflow_name'],
}
# Vendors whose API lets a client go below the sequential network floor (issue 8): Esper pages by
# offset (pages in parallel), SimpleMDM lists from both ends (direction=asc and desc). The plugin
# option that turns the overlap off, for the sequential reference.
SEQUENTIAL_OPTION = {'simplemdm': ('read_both_ends', False, 'one way'), 'esper': ('page_workers', 1, '1 worker')}
# Requests allowed above the minimum: SimpleMDM's two readers only see where they meet when a page
# comes back overlapping, and each may have one request in flight then, so reading from both ends
# may cost up to two pages more (measured: 100 and 101 device-list requests for 98 pages at 10k).
EXTRA_REQUESTS = {'simplemdm': 2}
# Query parameters that make a GET the next page of a list already counted (SimpleMDM, ABM, Esper).
CONTINUATION_PARAMS = ('starting_after', 'ending_before', 'cursor')
FLOOR_PLUGINS = os.path.join(BENCH, 'plugins', 'inventory')
CALLBACK_PLUGINS = os.path.join(BENCH, 'plugins', 'callback')
REPLAY = os.path.join(BENCH, 'replay.py')
FETCH_ONLY = os.path.join(BENCH, 'fetch_only.py')
COLUMNS = ('scenario', 'N', 'wall s', 'requests', 'peak RSS MB', 'baseline', 'base wall s', 'base req',
           'base RSS MB', 'ratio', 'target', 'ok')


def log(message):
    sys.stderr.write('[bench %s] %s\n' % (time.strftime('%H:%M:%S'), message))
    sys.stderr.flush()


def pages(count, size):
    return int(math.ceil(count / float(size)))


# ---- processes --------------------------------------------------------------------------

class Run(object):
    """One measured process: wall seconds, peak RSS (MB) of its tree, exit code."""

    def __init__(self, wall, rss_mb, rc, stdout_path, stderr_text):
        self.wall, self.rss, self.rc = wall, rss_mb, rc
        self.stdout_path, self.stderr_text = stdout_path, stderr_text
        self.cpu = None


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


def run_json(argv, env=None):
    """Run a helper that prints one JSON line; its answer."""
    done = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                          stdin=subprocess.DEVNULL, check=False)
    if done.returncode != 0:
        raise RuntimeError('%s exited %s\n%s' % (' '.join(argv), done.returncode, done.stderr[-3000:]))
    return json.loads(done.stdout)


class Bench(object):
    def __init__(self, args):
        self.args = args
        self.rows = []
        self.bin = os.path.dirname(os.path.abspath(sys.executable))
        self.work = tempfile.mkdtemp(prefix='mdmkit-bench.')
        collections_dir = os.path.join(self.work, 'collections', 'ansible_collections', 'mdmkit')
        os.makedirs(collections_dir)
        os.symlink(REPO, os.path.join(collections_dir, 'mdm'))
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
        self.sim = start_simulator(devices=devices, seed=SEED, latency_ms=latency_ms,
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
            ratio=None, target='', ok=None, base_rss=None, **details):
        details['loadavg_1m'] = os.getloadavg()[0]  # other work on the machine skews single runs
        row = dict(scenario=scenario, n=n, wall=wall, requests=requests, rss=rss, baseline=baseline,
                   base_wall=base_wall, base_req=base_req, base_rss=base_rss, ratio=ratio, target=target, ok=ok,
                   details=details)
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
                       format_number(row.get('base_rss'), 0), format_number(row['ratio']), row['target'] or '-',
                       ok])


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
        from ansible.release import __version__ as ansible_version  # pylint: disable=import-outside-toplevel
        info['ansible_core'] = ansible_version
    except ImportError:
        pass
    try:
        info['loadavg'] = os.getloadavg()
    except OSError:
        pass
    return info


# ---- the request log ---------------------------------------------------------------------------

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


def network_times(requests):
    """(span, busy, sum): first start to last end; the time at least one request was in flight
    (the union of their intervals); the sum of their durations (a sequential client's wait)."""
    if not requests:
        return 0.0, 0.0, 0.0
    intervals = sorted((r['start'], r['end']) for r in requests)
    busy, current_start, current_end = 0.0, intervals[0][0], intervals[0][1]
    for begin, end in intervals[1:]:
        if begin > current_end:
            busy += current_end - current_start
            current_start, current_end = begin, end
        else:
            current_end = max(current_end, end)
    busy += current_end - current_start
    return (max(r['end'] for r in requests) - intervals[0][0], busy, sum(e - b for b, e in intervals))


# ---- scenario 1: inventories ------------------------------------------------------------------

def fleet_minimum(bench, vendor, size):
    """(requests, devices listed, how) for the whole fleet, from the simulator's generated fleet
    and its page sizes: never from the run being checked."""
    if vendor == 'simplemdm':
        from simulator import fleet_simplemdm  # pylint: disable=import-outside-toplevel
        listed = sum(1 for index in range(size) if not fleet_simplemdm.is_awaiting(index))
        groups = pages(len(fleet_simplemdm.device_groups()), 100)
        return (pages(listed, 100) + groups, listed,
                '%d device pages of 100 (awaiting enrollment not listed) + %d device_groups page'
                % (pages(listed, 100), groups))
    if vendor == 'abm':
        server_pages, servers = abm_server_pages(bench, size)
        org = pages(size, 1000)
        how = ('1 token + %d mdmServers page + %d pages of the %d seeded servers\' device lists (1000 each, '
               'at least 1 per server) + %d orgDevices pages of 1000')
        return 1 + pages(servers, 100) + server_pages + org, size, how % (pages(servers, 100), server_pages, servers, org)
    if vendor == 'esper':
        return pages(size, 1000), size, '%d device pages of 1000' % pages(size, 1000)
    return 2, size, 'workflows + devices (the API does not page)'


def abm_server_devices(bench, size):
    """Devices on each MDM server the simulator seeded, in its order (SimpleMDM first)."""
    from simulator import fleet_abm  # pylint: disable=import-outside-toplevel
    from simulator.fixtures import Fleet  # pylint: disable=import-outside-toplevel
    seeded = bench.sim.fleet()['abm']['mdm_servers']
    if len(seeded) != len(fleet_abm.MDM_SERVERS):
        raise RuntimeError('the simulator holds %d MDM servers, its generator %d'
                           % (len(seeded), len(fleet_abm.MDM_SERVERS)))
    fleet = Fleet(size, SEED)
    per_server = collections.Counter(fleet_abm.default_server_number(fleet, index) for index in range(size))
    return [per_server.get(number, 0) for number in range(len(seeded))]


def abm_server_pages(bench, size):
    """Device-list pages of every seeded MDM server (1000 per page, at least one each), servers."""
    counts = abm_server_devices(bench, size)
    return sum(max(1, pages(count, 1000)) for count in counts), len(counts)


def inventory_config(bench, vendor, name, **options):
    lines = ['plugin: mdmkit.mdm.%s' % vendor]
    for key, value in options.items():
        lines.append('%s: %s' % (key, json.dumps(value)))
    return bench.write('%s.%s.yml' % (name, vendor), '\n'.join(lines) + '\n')


def replay_files(bench, listing_path, tag):
    """Baseline A (static JSON) and the floor F's file from a plugin's --list output, with the
    listing's digest (hosts, groups, vars)."""
    static_path = bench.path('static-%s.json' % tag)
    floor_path = bench.path('replay-%s.floor.pickle' % tag)
    summary = run_json([sys.executable, REPLAY, 'write', listing_path, static_path, floor_path])
    return static_path, floor_path, summary


def run_floor(bench, floor_path, tag, expected):
    """Ansible's floor: the trivial plugin replays the same hosts, vars and groups."""
    env = bench.env(ANSIBLE_INVENTORY_PLUGINS=FLOOR_PLUGINS, ANSIBLE_INVENTORY_ENABLED='mdmkit_floor')
    floor = bench.inventory(floor_path, 'floor-%s' % tag, env=env)
    replayed = run_json([sys.executable, REPLAY, 'digest', floor.stdout_path])
    if replayed != expected:
        raise RuntimeError('the floor plugin did not replay the same inventory: %s vs %s' % (replayed, expected))
    return floor


def fetch_only(bench, config, tag):
    """The plugin's pages fetched and dropped: (seconds, requests)."""
    out = bench.path('fetch-%s.json' % tag)
    run_measured([sys.executable, FETCH_ONLY, config, out], bench.env(), bench.work, bench.path('fetch-%s.log' % tag))
    requests = bench.new_requests()
    with open(out) as handle:
        return json.load(handle), requests


def scenario_inventory(bench, sizes, vendors, latency_ms, variants, static):
    for n in sizes:
        bench.simulator(n, latency_ms)
        for vendor in vendors:
            inventory_rows(bench, vendor, n, latency_ms / 1000.0, variants, static)
            for name in os.listdir(bench.work):  # the listings are large at 100k
                if '-%s-%d' % (vendor, n) in name and not os.path.isdir(bench.path(name)):
                    os.unlink(bench.path(name))


def inventory_rows(bench, vendor, n, latency, variants, static):
    tag = '%s-%d' % (vendor, n)
    minimum, listed, how = fleet_minimum(bench, vendor, n)
    floor_b = minimum * latency

    bench.new_requests()
    run = bench.inventory(inventory_config(bench, vendor, 'plain'), 'inv-%s' % tag)
    requests = bench.new_requests()
    static_path, floor_path, listing = replay_files(bench, run.stdout_path, tag)
    floor = run_floor(bench, floor_path, tag, listing)
    span, busy, total = network_times(requests)
    top = max(floor.wall, floor_b)
    bench.row('inv %s' % vendor, n, run.wall, len(requests), run.rss, 'max(F, B)', top, minimum,
              run.wall / top, '<= 1.15', run.wall <= 1.15 * top, base_rss=floor.rss, hosts=listing['hosts'],
              vars_per_host=listing['vars_per_host'], groups=listing['groups'], cpu=run.cpu, floor_wall=floor.wall,
              floor_cpu=floor.cpu, network_floor_s=floor_b, network_span_s=span, network_busy_s=busy,
              request_seconds=total)
    bench.row('  %s Ansible floor F' % vendor, n, floor.wall, 0, floor.rss, 'B = min x latency', floor_b, minimum,
              floor.wall / floor_b if floor_b else None, 'info', None, cpu=floor.cpu)
    bench.row('  %s RSS vs F' % vendor, n, None, None, run.rss, 'F in-memory replay', floor.wall, None,
              run.rss / floor.rss, '<= 1.1', run.rss <= 1.1 * floor.rss, base_rss=floor.rss)
    base = None
    if static:
        base = bench.inventory(static_path, 'static-%s' % tag, env=bench.env(ANSIBLE_INVENTORY_ENABLED='yaml'))
        same = run_json([sys.executable, REPLAY, 'digest', base.stdout_path]) == listing
        limit = base.wall + 1.2 * floor_b
        bench.row('  %s vs A + 1.2 B' % vendor, n, run.wall, len(requests), None, 'A static JSON + 1.2 B', limit,
                  minimum, run.wall / limit, '<= 1', run.wall <= limit, static_wall=base.wall,
                  static_cpu=base.cpu, static_same_inventory=same)
        bench.row('  %s RSS vs A' % vendor, n, None, None, run.rss, 'A static JSON', base.wall, None,
                  run.rss / base.rss, '<= 1.3', run.rss <= 1.3 * base.rss, base_rss=base.rss)
    extra = EXTRA_REQUESTS.get(vendor, 0)
    bench.row('  %s req vs min' % vendor, n, None, len(requests), None, 'fleet minimum', None, minimum,
              len(requests) / float(minimum), '<= min%s, all hosts' % (' + %d' % extra if extra else ''),
              len(requests) <= minimum + extra and listing['hosts'] == listed,
              hosts=listing['hosts'], devices_listed=listed, minimum_is=how, by_path=count_paths(requests))

    # the plugin's network time alone, vs the sequential floor B, and with its overlap turned off
    fetched, fetch_requests = fetch_only(bench, inventory_config(bench, vendor, 'plain'), tag)
    f_span, f_busy, f_total = network_times(fetch_requests)
    device_pages = sum(1 for r in fetch_requests
                       if r['method'] == 'GET' and resource_of(r['path']).lower().endswith('devices'))
    overlap = vendor in SEQUENTIAL_OPTION and device_pages > 1
    bench.row('  %s network vs B' % vendor, n, fetched['fetch_s'], len(fetch_requests), None, 'B = min x latency',
              floor_b, minimum, fetched['fetch_s'] / floor_b, '< 1' if overlap else 'info',
              fetched['fetch_s'] < floor_b if overlap else None, devices=fetched['devices'], device_pages=device_pages,
              network_span_s=f_span, network_busy_s=f_busy, request_seconds=f_total,
              requests_in_flight=(f_total / f_busy) if f_busy else None)
    if vendor in SEQUENTIAL_OPTION:
        option, value, label = SEQUENTIAL_OPTION[vendor]
        config = inventory_config(bench, vendor, 'sequential', **{option: value})
        sequential, sequential_requests = fetch_only(bench, config, 'sequential-' + tag)
        s_span, s_busy, s_total = network_times(sequential_requests)
        bench.row('  %s network, %s' % (vendor, label), n, sequential['fetch_s'], len(sequential_requests), None,
                  'gain: overlapped / this', fetched['fetch_s'], len(fetch_requests),
                  fetched['fetch_s'] / sequential['fetch_s'], 'info', None, vs_network_floor=sequential['fetch_s'] / floor_b,
                  network_span_s=s_span, network_busy_s=s_busy, request_seconds=s_total)

    nostream = bench.inventory(inventory_config(bench, vendor, 'nostream', stream=False), 'nostream-%s' % tag)
    nostream_requests = bench.new_requests()
    bench.row('  %s stream=false' % vendor, n, nostream.wall, len(nostream_requests), nostream.rss, 'max(F, B)', top,
              minimum, nostream.wall / top, 'info', None, base_rss=floor.rss, cpu=nostream.cpu,
              vs_streaming=nostream.wall / run.wall, rss_vs_floor=nostream.rss / floor.rss)

    # caching: a fill run, then a run that must make no request
    cache_dir = bench.path('cache-%s' % tag)
    cached = inventory_config(bench, vendor, 'cached-%d' % n, cache=True, cache_plugin='ansible.builtin.jsonfile',
                              cache_connection=cache_dir, cache_timeout=3600)
    fill = bench.inventory(cached, 'fill-%s' % tag)
    fill_requests = len(bench.new_requests())
    second = bench.inventory(cached, 'cached-%s' % tag)
    second_requests = len(bench.new_requests())
    reference, label = (base, 'A static JSON') if base is not None else (floor, 'F in-memory replay')
    bench.row('  %s cached 2nd run' % vendor, n, second.wall, second_requests, second.rss, label,
              reference.wall, 0, second.wall / reference.wall, '0 req, <= 1.2',
              second_requests == 0 and second.wall <= 1.2 * reference.wall, base_rss=reference.rss,
              fill_wall=fill.wall, fill_requests=fill_requests, fill_rss=fill.rss, cpu=second.cpu,
              rss_vs_floor=second.rss / floor.rss, fill_rss_vs_floor=fill.rss / floor.rss)
    shutil.rmtree(cache_dir, ignore_errors=True)

    if variants:
        trimmed = bench.inventory(inventory_config(bench, vendor, 'trim', attributes=TRIM_ATTRIBUTES[vendor]),
                                  'trim-%s' % tag)
        trimmed_requests = len(bench.new_requests())
        _static, trimmed_floor_path, trimmed_listing = replay_files(bench, trimmed.stdout_path, 'trim-' + tag)
        trimmed_floor = run_floor(bench, trimmed_floor_path, 'trim-' + tag, trimmed_listing)
        bench.row('  %s 5 attributes' % vendor, n, trimmed.wall, trimmed_requests, trimmed.rss, 'untrimmed run',
                  run.wall, len(requests), trimmed.wall / run.wall, '<= 0.3', trimmed.wall <= 0.3 * run.wall,
                  base_rss=run.rss, cpu=trimmed.cpu, untrimmed_cpu=run.cpu, vars_per_host=trimmed_listing['vars_per_host'],
                  vs_own_floor=trimmed.wall / max(trimmed_floor.wall, floor_b))
        bench.row('  %s F, 5 attributes' % vendor, n, trimmed_floor.wall, 0, trimmed_floor.rss, 'F untrimmed',
                  floor.wall, None, trimmed_floor.wall / floor.wall, 'info', None, base_rss=floor.rss,
                  cpu=trimmed_floor.cpu)


# ---- scenario 2: bulk device commands ---------------------------------------------------------

# Refs the module may look up before any device listing (its head start, see lookup_allowance).
LOOKUP_HEAD_START = 10
SMALL_REFRESH = 5  # devices in the "few devices of a large fleet" row


def lookup_allowance(refs, fleet):
    """Requests allowed to find ``refs`` device ids in a fleet of ``fleet`` devices.

    The cheapest is min(one GET per device, the whole listing at 100 per page), but SimpleMDM's
    listing does not say how long it is, so a module cannot know in advance which is cheaper; a
    strategy that starts with lookups and switches to the listing (rent or buy) pays at most
    twice the cheaper one after a head start. A module that always lists the whole fleet fails
    this for a few devices of a large fleet.
    """
    cheapest = min(refs, pages(fleet, 100))
    return min(refs, LOOKUP_HEAD_START) + 2 * cheapest, cheapest


def enrolled_simplemdm_ids(count, fleet=None):
    """Ids of `count` enrolled devices (the simulator's fleet: every 50th awaits enrollment): the
    first ones, or spread evenly over a fleet of `fleet` devices (at least 2 apart), the last one
    near its end."""
    from simulator import fleet_simplemdm  # pylint: disable=import-outside-toplevel
    if fleet:
        indexes = [int(round((number + 1) * float(fleet) / count)) - 1 for number in range(count)]
        # one step back from a device awaiting enrollment: the one before it is enrolled
        indexes = [index - 1 if fleet_simplemdm.is_awaiting(index) else index for index in indexes]
    else:
        indexes = [index for index in range(count + count // 49 + 1) if not fleet_simplemdm.is_awaiting(index)]
    ids = [fleet_simplemdm.device_id(index) for index in indexes[:count]]
    if len(set(ids)) != count:
        raise RuntimeError('could not pick %d distinct enrolled devices' % count)
    return ids


COMMAND_PLAY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - mdmkit.mdm.simplemdm_device_command:
        devices: "{{ device_ids }}"
        command: refresh
      register: sent
    - assert:
        that: sent.results | selectattr('outcome', 'equalto', 'sent') | list | length == device_ids | length
        fail_msg: >-
          {{ sent.results | length }} results for {{ device_ids | length }} ids; not sent:
          {{ sent.results | rejectattr('outcome', 'equalto', 'sent') | list | to_json }}
'''
URI_PLAY = '''
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
'''


def refresh(bench, ids, name):
    """The module's refresh of ``ids`` on a freshly reset simulator: (run, requests)."""
    ids_path = bench.write('ids-%s.json' % name, json.dumps({'device_ids': [str(i) for i in ids]}))
    bench.reset()  # the simulator refuses a second refresh of a device within its window
    run = bench.playbook(bench.write('command.yml', COMMAND_PLAY), name, ['-e', '@' + ids_path])
    return run, bench.new_requests()


def scenario_commands(bench, count, latency_ms, fleet_factor):
    fleet = int(math.ceil(count * 50 / 49.0))
    bench.simulator(fleet, latency_ms)
    ids = enrolled_simplemdm_ids(count)
    module, module_requests = refresh(bench, ids, 'command-%d' % count)
    ids_path = bench.write('ids-loop.json', json.dumps({'device_ids': [str(i) for i in ids]}))
    bench.reset()
    loop = bench.playbook(bench.write('command_uri.yml', URI_PLAY), 'command-uri-%d' % count, ['-e', '@' + ids_path])
    loop_requests = bench.new_requests()

    def refresh_row(label, run, requests, refs, fleet_size, wall_target):
        allowance, cheapest = lookup_allowance(refs, fleet_size)
        posts = sum(1 for r in requests if r['method'] == 'POST')
        limit = refs + allowance  # a uri loop sends exactly one POST per device
        wall_ok = run.wall <= 0.25 * loop.wall if wall_target else True
        bench.row(label, refs, run.wall, len(requests), run.rss, 'uri loop' if wall_target else 'uri loop (computed)',
                  loop.wall if wall_target else None, refs, run.wall / loop.wall if wall_target else None,
                  'req <= %d%s' % (limit, ', <= 0.25' if wall_target else ''),
                  len(requests) <= limit and posts == refs and wall_ok, base_rss=loop.rss if wall_target else None,
                  fleet=fleet_size, module_posts=posts, lookups=len(requests) - posts, lookups_allowed=allowance,
                  lookups_cheapest=cheapest, module_by_path=count_paths(requests))

    uri_posts = sum(1 for r in loop_requests if r['method'] == 'POST')
    if len(loop_requests) != count or uri_posts != count:
        raise RuntimeError('the uri loop made %d requests (%d POSTs) for %d devices'
                           % (len(loop_requests), uri_posts, count))
    refresh_row('refresh module', module, module_requests, count, fleet, True)

    # the same on a fleet much larger than the targets (spread over it): a module that lists the
    # whole fleet shows
    big = count * fleet_factor
    bench.simulator(big, latency_ms)
    run, requests = refresh(bench, enrolled_simplemdm_ids(count, big), 'command-big-%d' % count)
    refresh_row('refresh, fleet %dx' % fleet_factor, run, requests, count, big, True)
    few = enrolled_simplemdm_ids(SMALL_REFRESH, big)
    run, requests = refresh(bench, few, 'command-few-%d' % count)
    refresh_row('refresh %d, fleet %dx' % (SMALL_REFRESH, fleet_factor), run, requests, len(few), big, False)


# ---- scenario 3: ABM assignment -----------------------------------------------------------------

ABM_BATCH_SIZE = 1000


def scenario_abm(bench, count, latency_ms):
    from simulator import fleet_abm  # pylint: disable=import-outside-toplevel
    from simulator.fixtures import Fleet  # pylint: disable=import-outside-toplevel
    half = count // 2
    size = int(math.ceil(half / 0.38)) + 10  # 40% of the fleet sits on the first server (SimpleMDM)
    fleet = Fleet(size, SEED)
    on_target, elsewhere = [], []
    for index in range(size):
        if fleet_abm.is_locked(index):
            continue
        if fleet_abm.default_server_number(fleet, index) == 0:
            if len(on_target) < half:
                on_target.append(fleet.serial(index))
        elif len(elsewhere) < count - half:
            elsewhere.append(fleet.serial(index))
    if len(on_target) + len(elsewhere) != count:
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
        batch_size: %d
        poll_interval: 1
      register: assigned
    - assert:
        that:
          - assigned.unchanged == %d
          - assigned.moved | length == %d
''' % (ABM_BATCH_SIZE, half, count - half))
    bench.reset()
    run = bench.playbook(play, 'abm-%d' % count, ['-e', '@' + bench.path('serials.json')])
    requests = bench.new_requests()
    by_path = count_paths(requests)

    # the minimum, from the fleet: the server list (name -> id), the target server's device list
    # (what is already there; where the others are does not matter to an assignment), the org
    # device list (that each serial exists), as few activities as batch_size allows, one poll each
    # (the simulator finishes an activity within 1 s, the first poll interval)
    moved = count - half
    servers = abm_server_devices(bench, size)
    parts = collections.OrderedDict([
        ('token', 1), ('mdmServers pages', pages(len(servers), 100)),
        ('target server device-list pages', max(1, pages(servers[0], 1000))),
        ('orgDevices pages', pages(size, 1000)), ('activities', pages(moved, ABM_BATCH_SIZE)),
        ('polls', pages(moved, ABM_BATCH_SIZE))])
    minimum = sum(parts.values())
    # a naive uri loop: the token, the server list, one assignedServer GET per serial, one activity
    # per device to move, and at least one poll per activity
    naive = 2 + count + moved + moved
    bench.row('abm assign', count, run.wall, len(requests), run.rss, 'uri loop (computed)', None, naive,
              len(requests) / float(naive), 'req <= min %d' % minimum, len(requests) <= minimum,
              fleet=size, minimum_parts=parts, by_path=by_path)
    sample = serials[:max(2, min(count // 20, 100))]
    loop_wall = abm_uri_loop(bench, sample)
    scaled = loop_wall * count / float(len(sample))  # the loop's time is linear in its tasks
    bench.row('abm assign vs uri loop time', count, run.wall, len(requests), run.rss,
              'uri loop, sample time x N/%d' % len(sample), scaled, naive, run.wall / scaled,
              'info', None, sample=len(sample), sample_wall=loop_wall)


ABM_URI_PLAY = '''
- hosts: localhost
  gather_facts: false
  vars:
    auth: {Authorization: "Bearer {{ token }}"}
  tasks:
    - name: The MDM servers, to find the target's id
      ansible.builtin.uri: {url: "{{ base }}/v1/mdmServers", headers: "{{ auth }}"}
      register: servers
    - name: Where each device is
      ansible.builtin.uri:
        url: "{{ base }}/v1/orgDevices/{{ item }}/relationships/assignedServer"
        headers: "{{ auth }}"
      loop: "{{ serials }}"
      register: where
    - name: One activity per device not on the target
      vars:
        target: "{{ (servers.json.data | selectattr('attributes.serverName', 'equalto', 'SimpleMDM') | first).id }}"
      ansible.builtin.uri:
        url: "{{ base }}/v1/orgDeviceActivities"
        method: POST
        status_code: 201
        body_format: json
        headers: "{{ auth }}"
        body:
          data:
            type: orgDeviceActivities
            attributes: {activityType: ASSIGN_DEVICES}
            relationships:
              mdmServer: {data: {type: mdmServers, id: "{{ target }}"}}
              devices: {data: [{type: orgDevices, id: "{{ item.item }}"}]}
      loop: "{{ where.results }}"
      when: ((item.json.data or {}).id | default('')) != target
      register: created
    - name: Each activity until it has finished
      ansible.builtin.uri:
        url: "{{ base }}/v1/orgDeviceActivities/{{ item.json.data.id }}"
        headers: "{{ auth }}"
      loop: "{{ created.results | selectattr('json', 'defined') | list }}"
      register: polled
      until: polled.json.data.attributes.status != 'IN_PROGRESS'
      retries: 30
      delay: 1
'''


def abm_uri_loop(bench, serials):
    """The uri-loop baseline, run on a sample (a loop of 20,000 tasks would take hours): its
    requests against the computed count for the sample, which the full-N row extrapolates."""
    sys.path.insert(0, os.path.join(bench.work, 'collections'))
    from ansible_collections.mdmkit.mdm.plugins.module_utils.connection import client_from_options
    config = bench.sim.config
    options = {'client_id': config['abm_client_id'], 'key_id': config['abm_key_id'],
               'private_key_path': config['abm_private_key_path'], 'base_url': config['abm_base_url'],
               'token_url': config['abm_token_url']}
    bench.reset()  # the devices the module moved are back where the fleet puts them
    token = client_from_options('abm', options.get).access_token()  # as a script would, before the loop
    bench.write('abm-uri.json', json.dumps({'serials': serials, 'token': token, 'base': config['abm_base_url']}))
    run = bench.playbook(bench.write('abm_uri.yml', ABM_URI_PLAY), 'abm-uri-%d' % len(serials),
                         ['-e', '@' + bench.path('abm-uri.json')])
    requests = bench.new_requests()
    moved = sum(1 for r in requests if r['method'] == 'POST' and r['path'].endswith('/orgDeviceActivities'))
    computed = 2 + len(serials) + moved + moved
    bench.row('abm uri loop (sample)', len(serials), run.wall, len(requests), run.rss, 'computed for the sample', None,
              computed, len(requests) / float(computed), 'info: req >= computed', None, moved=moved,
              by_path=count_paths(requests))
    return run.wall


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


def invocations(events):
    """[(task, item label, start, end)], one per module invocation, from the timeline callback."""
    windows, start, task, items = [], None, None, 0
    for event in events:
        if event['kind'] == 'task':
            start, task, items = event['time'], event['task'], 0
        elif event['kind'] == 'item':
            windows.append((task, event['label'], start, event['time']))
            start, items = event['time'], items + 1
        elif event['kind'] == 'end' and items == 0:
            windows.append((task, None, start, event['time']))
    return windows


def reads_per_invocation(requests, windows):
    """{(task, label, resource type, 'list' or 'get'): reads} and the requests no invocation holds.

    A list is a GET of a collection, counted once whatever its pages (later pages carry a paging
    cursor); a get is a GET of one resource. The resource type is the path with ids folded and a
    trailing id dropped (``custom_attributes/{id}`` and ``custom_attributes`` are one type)."""
    starts = [w[2] for w in windows]
    reads, outside = collections.Counter(), []
    for entry in requests:
        index = bisect.bisect_right(starts, entry['start']) - 1
        if index < 0 or entry['start'] > windows[index][3]:
            outside.append(entry)
            continue
        if entry['method'] != 'GET' or any(k in (entry.get('query') or {}) for k in CONTINUATION_PARAMS):
            continue
        kind, read = resource_of(entry['path']), 'list'
        if kind.endswith('/{id}'):
            kind, read = kind[:-len('/{id}')], 'get'
        reads[windows[index][:2] + (kind, read)] += 1
    return reads, outside


def scenario_noop(bench, latency_ms):
    bench.simulator(250, latency_ms)
    bench.reset()
    resources = sum(len(v) for v in NOOP_VARS.values())
    bench.write('noop-vars.json', json.dumps(NOOP_VARS))
    extra = ['-e', '@' + bench.path('noop-vars.json')]
    play = os.path.join(REPO, 'playbooks', 'baseline.yml')
    results = []
    for attempt in (1, 2):
        timeline = bench.path('noop-%d.timeline.json' % attempt)
        env = bench.env(ANSIBLE_CALLBACK_PLUGINS=CALLBACK_PLUGINS, ANSIBLE_CALLBACKS_ENABLED='mdmkit_timeline',
                        MDMKIT_BENCH_TIMELINE=timeline)
        run = bench.playbook(play, 'noop-%d' % attempt, extra, env=env)
        requests = bench.new_requests()
        with open(timeline) as handle:
            windows = invocations(json.load(handle))
        reads, outside = reads_per_invocation(requests, windows)
        results.append((run, requests, windows, reads, outside))
    (first, first_requests, _w, first_reads, _o), (second, second_requests, windows, reads, outside) = results
    with open(second.stdout_path) as handle:
        recap = ''.join(line for line in handle if 'changed=' in line)
    writes = [r for r in second_requests if r['method'] != 'GET']
    most = max(reads.values()) if reads else 0
    over = dict(('%s [%s] %s %s' % key, n) for key, n in reads.items() if n > 1)
    module_invocations = len(set(key[:2] for key in reads))
    bench.row('noop 1st run', resources, first.wall, len(first_requests), first.rss, '', None, None, None, 'info',
              None, writes=sum(1 for r in first_requests if r['method'] != 'GET'),
              most_lists_or_gets_per_type_per_invocation=max(first_reads.values()) if first_reads else 0,
              by_path=count_paths(first_requests))
    bench.row('noop 2nd run', resources, second.wall, len(second_requests), second.rss, '1st run', first.wall,
              len(first_requests), most, '0 writes, <= 1 list/type/call',
              not writes and 'changed=0' in recap and most <= 1 and not outside and module_invocations >= resources,
              base_rss=first.rss, writes=len(writes), invocations=len(windows),
              invocations_with_reads=module_invocations, requests_outside_invocations=len(outside),
              over_one=over, reads_by_path=count_paths([r for r in second_requests if r['method'] == 'GET']),
              recap=recap.strip())


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
              base_rss=rss['uri'], walls=walls, empty_play=median['empty'], tasks_per_play=tasks)
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
                        help='5-attribute rows, with their floor (auto: not with --quick)')
    parser.add_argument('--baselines', choices=('floor', 'floor,static'), default='floor,static',
                        help='inventory baselines: the in-memory floor F always; static: also A, the static JSON file '
                             '(issue 8; about twice the plugin\'s time at 100k)')
    parser.add_argument('--fleet-factor', type=int, default=10,
                        help='refresh scenario: the large fleet, in multiples of --commands (default 10)')
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
        'inventory': lambda: scenario_inventory(bench, args.sizes, args.vendors, args.latency_ms, args.variants,
                                                'static' in args.baselines),
        'commands': lambda: scenario_commands(bench, args.commands, args.latency_ms, args.fleet_factor),
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
