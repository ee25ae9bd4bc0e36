# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reliability and security suites (docs/reliability.md): real ansible-playbook and
ansible-inventory runs against simulators started here (tests/simulator/harness.py), with the
options each suite needs (sentinel credentials, an ABM key of our own, HTTPS).

Fixtures:
  collections_path  a directory holding ansible_collections/mdmkit/mdm
  sentinel_sim      a simulator whose credentials are the sentinel secrets of SENTINELS
  ansible           an Ansible runner (playbooks of tasks, inventory sources) bound to a tmp dir
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import shutil
import subprocess
import sys
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
SIMULATOR_DIR = os.path.join(COLLECTION_ROOT, 'tests', 'simulator')
BIN = os.path.dirname(sys.executable)

# Sentinel secrets: distinctive values, so any appearance in output is a leak.
SENTINELS = {
    'simplemdm_api_key': 'smdmSENTINELkey7f3a9c1e',
    'esper_api_key': 'esperSENTINELkey4b8d2e6a',
    'micromdm_api_key': 'mmdmSENTINELkey9c1f7a3b',
    'admin_password': 'AdminSENTINELpw5e2d8c',
    'lock_pin': '739154',
    'esper_lockscreen_password': 'LockSENTINELpw3a7f1b',
    'esper_wifi_password': 'WifiSENTINELpw8b2c6d',
    'profile_password': 'ProfileSENTINELpw1d9e4f',
    'attribute_secret': 'AttrSENTINELpsk6c4e2a',  # a secret SimpleMDM custom attribute's value
    'managed_config_secret': 'ConfigSENTINELkey2b7d9f',  # a managed app config value with secret: true
    'vpp_token': 'VppSENTINELtoken5a3c8e',  # the token inside an Apple VPP (.vpptoken) file
}


def sim_module():
    if SIMULATOR_DIR not in sys.path:
        sys.path.insert(0, SIMULATOR_DIR)
    import harness  # pylint: disable=import-outside-toplevel
    return harness


def generate_abm_key(directory):
    """A P-256 private key of our own (so the test knows it), and its public half for the simulator."""
    from cryptography.hazmat.primitives import serialization  # pylint: disable=import-outside-toplevel
    from cryptography.hazmat.primitives.asymmetric import ec  # pylint: disable=import-outside-toplevel

    key = ec.generate_private_key(ec.SECP256R1())
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode()
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    private_path = os.path.join(directory, 'abm-private.pem')
    public_path = os.path.join(directory, 'abm-public.pem')
    with open(private_path, 'w') as handle:
        handle.write(private_pem)
    os.chmod(private_path, 0o600)
    with open(public_path, 'w') as handle:
        handle.write(public_pem)
    return private_pem, private_path, public_path


@pytest.fixture(scope='session')
def collections_path(tmp_path_factory):
    parent = os.path.dirname(os.path.dirname(COLLECTION_ROOT))
    if os.path.basename(parent) == 'ansible_collections':
        return os.path.dirname(parent)
    root = tmp_path_factory.mktemp('collections')
    os.makedirs(str(root / 'ansible_collections' / 'mdmkit'))
    os.symlink(COLLECTION_ROOT, str(root / 'ansible_collections' / 'mdmkit' / 'mdm'))
    return str(root)


class SimInfo:
    """A started simulator plus what the tests need to reach it."""

    def __init__(self, sim, abm_private_pem, abm_private_path, tls_dir=None):
        self.sim = sim
        self.config = sim.config
        self.abm_private_pem = abm_private_pem
        self.abm_private_path = abm_private_path
        self.ca_path = os.path.join(tls_dir, 'cert.pem') if tls_dir else None

    def connection(self, vendor, key_text=False):
        """Connection options of a vendor (module_defaults / inventory source)."""
        c = self.config
        if vendor == 'simplemdm':
            return {'base_url': c['simplemdm_base_url'], 'api_key': c['simplemdm_api_key']}
        if vendor == 'esper':
            return {'base_url': c['esper_base_url'], 'api_key': c['esper_api_key']}
        if vendor == 'micromdm':
            return {'server_url': c['micromdm_url'], 'api_key': c['micromdm_api_key']}
        abm = {'base_url': c['abm_base_url'], 'token_url': c['abm_token_url'],
               'client_id': c['abm_client_id'], 'key_id': c['abm_key_id']}
        if key_text:
            abm['private_key'] = self.abm_private_pem
        else:
            abm['private_key_path'] = self.abm_private_path
        return abm

    def requests(self, **filters):
        """The request log (like harness' Simulator.requests, but trusting our CA under HTTPS)."""
        import requests  # pylint: disable=import-outside-toplevel
        params = dict((k, v) for k, v in filters.items() if v is not None)
        answer = requests.get(self.config['url'] + '/_sim/requests', params=params, timeout=60,
                              verify=self.ca_path or True)
        answer.raise_for_status()
        return answer.json()['requests']

    def mark(self):
        entries = self.requests()
        return max([e['seq'] for e in entries] or [0])

    def writes_since(self, mark, vendor=None):
        return [e for e in self.requests(since=mark, vendor=vendor)
                if e['method'] in ('POST', 'PUT', 'PATCH', 'DELETE') and not e['path'].endswith('/oauth2/token')]


def start_sim(tmp_dir, devices=120, **options):
    """Start a simulator with an ABM key we know; options are harness/command-line options."""
    harness = sim_module()
    os.makedirs(tmp_dir, exist_ok=True)
    private_pem, private_path, public_path = generate_abm_key(tmp_dir)
    sim = harness.start_simulator(devices=devices, seed=1, abm_public_key=public_path, **options)
    return SimInfo(sim, private_pem, private_path, options.get('tls_self_signed'))


@pytest.fixture(scope='module')
def sentinel_sim(tmp_path_factory):
    directory = str(tmp_path_factory.mktemp('sentinel-sim'))
    info = start_sim(directory, simplemdm_api_key=SENTINELS['simplemdm_api_key'],
                     esper_api_key=SENTINELS['esper_api_key'], micromdm_api_key=SENTINELS['micromdm_api_key'])
    yield info
    info.sim.stop()


@pytest.fixture(scope='module')
def plain_sim(tmp_path_factory):
    """A simulator with the default credentials, for the fault and bad-input suites."""
    directory = str(tmp_path_factory.mktemp('plain-sim'))
    info = start_sim(directory)
    yield info
    info.sim.stop()


class Run:
    def __init__(self, argv, rc, stdout, stderr, results, elapsed):
        self.argv = argv
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.results = results
        self.elapsed = elapsed

    @property
    def output(self):
        return self.stdout + '\n' + self.stderr

    def __repr__(self):
        return 'Run(rc=%s, %s)\n--- stdout ---\n%s\n--- stderr ---\n%s' % (
            self.rc, ' '.join(self.argv[:3]), self.stdout[-6000:], self.stderr[-4000:])


def _tool(name):
    found = shutil.which(name, path=BIN + os.pathsep + os.environ.get('PATH', ''))
    return [found] if found else [sys.executable, '-m', 'ansible', name.replace('ansible-', '')]


class Ansible:
    """Runs ansible-playbook / ansible-inventory in a clean environment rooted in a tmp dir."""

    def __init__(self, collections_path, work):
        self.collections_path = collections_path
        self.work = work
        self.counter = 0
        self.inventory = os.path.join(work, 'hosts.json')
        with open(self.inventory, 'w') as handle:
            json.dump({'all': {'hosts': {'localhost': {
                'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}}}}, handle)

    def env(self, extra=None):
        env = {
            'PATH': BIN + os.pathsep + os.environ.get('PATH', '/usr/bin:/bin'),
            'HOME': os.environ.get('HOME', self.work),
            'LANG': 'C.UTF-8',
            'ANSIBLE_COLLECTIONS_PATH': self.collections_path,
            'ANSIBLE_NOCOLOR': '1',
            'ANSIBLE_FORCE_COLOR': '0',
            'ANSIBLE_RETRY_FILES_ENABLED': '0',
            'ANSIBLE_LOCAL_TEMP': os.path.join(self.work, 'ansible-tmp'),
            'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
            'ANSIBLE_DEPRECATION_WARNINGS': '0',
        }
        for name in ('PYTHONPATH', 'TMPDIR'):
            if os.environ.get(name):
                env[name] = os.environ[name]
        env.update(extra or {})
        return env

    def _run(self, argv, env, timeout):
        start = time.monotonic()
        process = subprocess.run(argv, cwd=self.work, env=self.env(env), stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=timeout,
                                 check=False)
        return process.returncode, process.stdout.decode('utf-8', 'replace'), \
            process.stderr.decode('utf-8', 'replace'), time.monotonic() - start

    def playbook(self, tasks, module_defaults=None, play_vars=None, args=(), env=None, timeout=300):
        """Run tasks (each registered as t0, t1... unless it names its own ``register``, and
        ignore_errors unless it says otherwise) and return a Run whose ``results`` maps those
        names to the registered results."""
        self.counter += 1
        results_path = os.path.join(self.work, 'results-%d.json' % self.counter)
        names = []
        body = []
        for index, task in enumerate(tasks):
            task = dict(task)
            name = 't%d' % index
            task.setdefault('register', name)
            names.append(task['register'])
            task.setdefault('ignore_errors', True)
            task.setdefault('name', name)
            body.append(task)
        content = '{{ {%s} | to_json }}' % ', '.join("'%s': (%s | default(None))" % (n, n) for n in names)
        body.append({'name': 'Save the registered results', 'ansible.builtin.copy': {
            'dest': results_path, 'content': content, 'mode': '0600'}, 'diff': False, 'no_log': True,
            'ignore_errors': False})
        play = [{'name': 'reliability', 'hosts': 'localhost', 'gather_facts': False,
                 'module_defaults': module_defaults or {}, 'vars': play_vars or {}, 'tasks': body}]
        path = os.path.join(self.work, 'play-%d.yml' % self.counter)
        with open(path, 'w') as handle:
            json.dump(play, handle, indent=1)
        argv = _tool('ansible-playbook') + ['-i', self.inventory, path] + list(args)
        rc, out, err, elapsed = self._run(argv, env, timeout)
        results = None
        if os.path.exists(results_path):
            with open(results_path) as handle:
                results = json.load(handle)
        return Run(argv, rc, out, err, results, elapsed)

    def inventory_run(self, vendor, source, args=('--list',), env=None, timeout=300, name=None):
        """Write an inventory source (``<name>.<vendor>.yml``) and run ansible-inventory on it."""
        self.counter += 1
        path = os.path.join(self.work, '%s.%s.yml' % (name or 'src%d' % self.counter, vendor))
        with open(path, 'w') as handle:
            json.dump(dict(source, plugin='mdmkit.mdm.' + vendor), handle)
        extra = {'ANSIBLE_INVENTORY_ENABLED': 'mdmkit.mdm.' + vendor}
        extra.update(env or {})
        argv = _tool('ansible-inventory') + ['-i', path] + list(args)
        rc, out, err, elapsed = self._run(argv, extra, timeout)
        return Run(argv, rc, out, err, None, elapsed)


@pytest.fixture
def ansible(collections_path, tmp_path):
    return Ansible(collections_path, str(tmp_path))


def plain(value):
    """ansible-inventory --list output without the {"__ansible_unsafe": ...} wrappers."""
    if isinstance(value, dict):
        if list(value) == ['__ansible_unsafe']:
            return value['__ansible_unsafe']
        return dict((k, plain(v)) for k, v in value.items())
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


class Helpers:
    SENTINELS = SENTINELS
    plain = staticmethod(plain)
    start_sim = staticmethod(start_sim)


@pytest.fixture(scope='session')
def rel():
    """Helpers for the test modules (constants and functions of this conftest)."""
    return Helpers
