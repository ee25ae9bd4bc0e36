# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run jobs the way AWX does: ansible-runner, with the environment that the credential types of
extensions/awx/credential_types/ inject, against the local simulator.

* a job template: playbooks/demo.yml copied into <private_data_dir>/project, run by
  ``ansible_runner.run`` with all four vendor credentials attached;
* inventory updates: ``ansible-inventory --list --export -i <source>`` through
  ``ansible_runner.run_command`` with one credential each and AWX's inventory-update
  environment (ANSIBLE_INVENTORY_UNPARSED_FAILED and friends), for every inventory plugin.

Uses the session simulator of tests/unit/conftest.py (250 devices per vendor, reset per test).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import importlib.util
import json
import os
import shutil
import sys

import pytest

ansible_runner = pytest.importorskip('ansible_runner')

HERE = os.path.dirname(os.path.abspath(__file__))
COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
CREDENTIAL_TYPES = os.path.join(COLLECTION_ROOT, 'extensions', 'awx', 'credential_types')
PLUGINS = sorted(os.path.splitext(os.path.basename(path))[0]
                 for path in glob.glob(os.path.join(COLLECTION_ROOT, 'plugins', 'inventory', '*.py'))
                 if os.path.isfile(os.path.join(CREDENTIAL_TYPES, os.path.basename(path)[:-3] + '.yml')))


def _load_helper():
    spec = importlib.util.spec_from_file_location('awx_injectors', os.path.join(HERE, 'awx_injectors.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


awx = _load_helper()


@pytest.fixture(scope='module')
def collections_path(tmp_path_factory):
    """A directory holding ansible_collections/mdmkit/mdm: the tree ansible-test made, or a link."""
    parent = os.path.dirname(os.path.dirname(COLLECTION_ROOT))
    if os.path.basename(parent) == 'ansible_collections':
        return os.path.dirname(parent)
    root = tmp_path_factory.mktemp('collections')
    os.makedirs(str(root / 'ansible_collections' / 'mdmkit'))
    os.symlink(COLLECTION_ROOT, str(root / 'ansible_collections' / 'mdmkit' / 'mdm'))
    return str(root)


def credential_inputs(sim):
    """The simulator's credentials, as someone would type them into the four AWX credentials."""
    config = sim.config
    with open(config['abm_private_key_path'], encoding='utf-8') as f:
        private_key = f.read()
    return {
        'simplemdm': {'api_key': config['simplemdm_api_key'], 'base_url': config['simplemdm_base_url']},
        'abm': {'client_id': config['abm_client_id'], 'key_id': config['abm_key_id'], 'private_key': private_key,
                'base_url': config['abm_base_url'], 'token_url': config['abm_token_url']},
        'esper': {'api_key': config['esper_api_key'], 'tenant': config['esper_tenant'],
                  'base_url': config['esper_base_url']},
        'micromdm': {'server_url': config['micromdm_url'], 'api_key': config['micromdm_api_key']},
    }


def secrets_of(inputs):
    values = []
    for vendor, given in inputs.items():
        cred_type = awx.load_credential_type(os.path.join(CREDENTIAL_TYPES, vendor + '.yml'))
        for field in cred_type['inputs']['fields']:
            if field.get('secret') and given.get(field['id']):
                values.append(given[field['id']])
    return values


def base_env(collections_path):
    """What the execution environment provides before credentials are injected."""
    return {
        'PATH': os.path.dirname(sys.executable) + os.pathsep + os.environ.get('PATH', '/usr/bin:/bin'),
        'ANSIBLE_COLLECTIONS_PATH': collections_path,
        'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
        'ANSIBLE_NOCOLOR': '1',
        'HOME': os.environ.get('HOME', '/tmp'),
    }


def test_credential_types_are_valid_awx_types():
    names = sorted(os.path.splitext(name)[0] for name in os.listdir(CREDENTIAL_TYPES) if name.endswith('.yml'))
    assert names == ['abm', 'esper', 'micromdm', 'simplemdm']
    for name in names:
        cred_type = awx.load_credential_type(os.path.join(CREDENTIAL_TYPES, name + '.yml'))
        assert awx.check_credential_type(cred_type) == [], name
        # every env var injected is one the connection options read
        assert all(var.startswith(name.upper() + '_') or name == 'micromdm' and var.startswith('MICROMDM_')
                   for var in cred_type['injectors']['env'])


def test_injection_hides_secrets_and_writes_the_key_file(sim, tmp_path):
    inputs = credential_inputs(sim)
    cred_type = awx.load_credential_type(os.path.join(CREDENTIAL_TYPES, 'abm.yml'))
    injection = awx.inject(cred_type, inputs['abm'], str(tmp_path))
    key_path = injection.env['ABM_PRIVATE_KEY_PATH']
    assert os.path.dirname(key_path) == str(tmp_path / 'env')
    assert oct(os.stat(key_path).st_mode & 0o777) == '0o600'
    with open(key_path, encoding='utf-8') as f:
        assert f.read() == inputs['abm']['private_key']
    assert injection.env['ABM_API'] == 'business'  # the field default
    assert injection.env['ABM_TOKEN_URL'] == sim.config['abm_token_url']
    for vendor in ('simplemdm', 'esper', 'micromdm'):
        cred_type = awx.load_credential_type(os.path.join(CREDENTIAL_TYPES, vendor + '.yml'))
        injection = awx.inject(cred_type, inputs[vendor], str(tmp_path))
        assert injection.safe_env[vendor.upper() + '_API_KEY'] == awx.HIDDEN
        assert injection.env[vendor.upper() + '_API_KEY'] == inputs[vendor]['api_key']


def inject_all(inputs, private_data_dir, inventory_update=False, vendors=None):
    env = {}
    for vendor in vendors or sorted(inputs):
        cred_type = awx.load_credential_type(os.path.join(CREDENTIAL_TYPES, vendor + '.yml'))
        env.update(awx.inject(cred_type, inputs[vendor], private_data_dir, inventory_update).env)
    return env


def task_results(runner, task):
    return [event['event_data']['res'] for event in runner.events
            if event.get('event') in ('runner_on_ok', 'runner_on_failed')
            and event['event_data'].get('task') == task]


def run_job(private_data_dir, env, playbook='demo.yml', extravars=None):
    """One job of a job template whose project holds playbooks/ (survey answers in extravars)."""
    project = os.path.join(private_data_dir, 'project')
    if not os.path.isdir(project):
        shutil.copytree(os.path.join(COLLECTION_ROOT, 'playbooks'), project)
    return ansible_runner.run(
        private_data_dir=private_data_dir, playbook=playbook, envvars=env, quiet=True, extravars=extravars or {},
        inventory={'all': {'hosts': {'localhost': {'ansible_connection': 'local',
                                                   'ansible_python_interpreter': sys.executable}}}},
        timeout=600,
    )


def test_demo_playbook_as_an_awx_job(sim, tmp_path, collections_path):
    inputs = credential_inputs(sim)
    private_data_dir = str(tmp_path / 'job')
    env = dict(base_env(collections_path), **inject_all(inputs, private_data_dir))
    assert set(env) >= {'SIMPLEMDM_API_KEY', 'ABM_PRIVATE_KEY_PATH', 'ESPER_API_KEY', 'MICROMDM_URL'}

    first = run_job(private_data_dir, env)
    stdout = first.stdout.read()
    assert (first.status, first.rc) == ('successful', 0), stdout
    created = task_results(first, 'A custom attribute, defined idempotently')
    assert [res['changed'] for res in created] == [True]
    summary = task_results(first, 'Summary')[0]['msg']
    assert summary[1] == 'SimpleMDM attribute asset_tag: created'
    # the numbers came from the simulator, through each vendor's credential
    assert summary[2] == 'ABM: %d servers' % len(sim.fleet()['abm']['mdm_servers'])
    for vendor in ('simplemdm', 'abm', 'esper', 'micromdm'):
        served = sim.requests(vendor=vendor)
        assert served, vendor
        assert all(entry['status'] < 400 for entry in served), (vendor, served)
    for secret in secrets_of(inputs):  # nothing secret in the job output AWX stores
        for line in secret.strip().splitlines():
            assert line not in stdout

    private_data_dir = str(tmp_path / 'job2')
    env = dict(base_env(collections_path), **inject_all(inputs, private_data_dir))
    second = run_job(private_data_dir, env)
    assert (second.status, second.rc) == ('successful', 0), second.stdout.read()
    assert [res['changed'] for res in task_results(second, 'A custom attribute, defined idempotently')] == [False]
    assert task_results(second, 'Summary')[0]['msg'][1] == 'SimpleMDM attribute asset_tag: already there'


SOURCES = {
    'simplemdm': os.path.join(COLLECTION_ROOT, 'playbooks', 'inventory', 'demo.simplemdm.yml'),
}


def inventory_update(private_data_dir, source, env):
    """AWX's inventory update: ansible-inventory --list --export on the source, through runner."""
    output = os.path.join(private_data_dir, 'inventory.json')
    stdout, stderr, rc = ansible_runner.run_command(
        executable_cmd='ansible-inventory',
        cmdline_args=['--list', '--export', '-i', source, '--output', output,
                      '--playbook-dir', os.path.dirname(source)],
        envvars=env, runner_mode='subprocess', host_cwd=os.path.dirname(source),
        private_data_dir=private_data_dir, quiet=True, timeout=300,
    )
    inventory = None
    if rc == 0:
        with open(output, encoding='utf-8') as f:
            inventory = json.load(f)
    return rc, stdout + stderr, inventory


def source_file(tmp_path, vendor):
    if vendor in SOURCES:
        return SOURCES[vendor]
    path = tmp_path / ('awx.%s.yml' % vendor)
    path.write_text('plugin: mdmkit.mdm.%s\n' % vendor)
    return str(path)


def inventory_env(collections_path, inputs, private_data_dir, vendor):
    env = dict(base_env(collections_path), **awx.STANDARD_INVENTORY_UPDATE_ENV)
    env.update({'INVENTORY_SOURCE_ID': '1', 'INVENTORY_UPDATE_ID': '1'})
    env.update(inject_all(inputs, private_data_dir, inventory_update=True, vendors=[vendor]))
    return env


@pytest.mark.parametrize('vendor', PLUGINS)
def test_inventory_source_as_an_awx_inventory_update(sim, tmp_path, collections_path, vendor):
    inputs = credential_inputs(sim)
    private_data_dir = str(tmp_path / 'update')
    os.makedirs(private_data_dir)
    env = inventory_env(collections_path, inputs, private_data_dir, vendor)
    rc, output, inventory = inventory_update(private_data_dir, source_file(tmp_path, vendor), env)
    assert rc == 0, output
    hosts = inventory['_meta']['hostvars']
    expected = sim.config['devices']
    if vendor == 'simplemdm':  # records awaiting enrollment are left out by default
        expected -= len(sim.fleet()['simplemdm']['awaiting_enrollment_ids'])
    assert len(hosts) == expected, (vendor, len(hosts))
    assert all(any(key.startswith(vendor + '_') for key in hostvars) for hostvars in hosts.values())
    device_lists = [entry for entry in sim.requests(vendor=vendor, method='GET') if entry['status'] == 200]
    assert device_lists, vendor
    for secret in secrets_of(inputs):
        for line in secret.strip().splitlines():
            assert line not in output and line not in json.dumps(inventory)


@pytest.mark.parametrize('vendor', PLUGINS)
def test_inventory_update_with_a_wrong_key_fails(sim, tmp_path, collections_path, vendor):
    """ANSIBLE_INVENTORY_UNPARSED_FAILED (set by AWX) turns a refused credential into a failed
    update, instead of an empty inventory that would remove every host."""
    inputs = credential_inputs(sim)
    wrong = {'simplemdm': 'api_key', 'esper': 'api_key', 'micromdm': 'api_key', 'abm': 'key_id'}[vendor]
    inputs[vendor][wrong] = 'wrong-' + inputs[vendor][wrong]
    private_data_dir = str(tmp_path / 'update')
    os.makedirs(private_data_dir)
    env = inventory_env(collections_path, inputs, private_data_dir, vendor)
    rc, output, inventory = inventory_update(private_data_dir, source_file(tmp_path, vendor), env)
    assert rc != 0 and inventory is None, output
    assert 'Failed to parse' in output or 'failed to parse' in output.lower(), output
    assert inputs[vendor][wrong] not in output or wrong == 'key_id'
    assert any(entry['status'] in (400, 401, 403) for entry in sim.requests(vendor=vendor)), vendor


def simplemdm_get(sim, path):
    import requests  # pylint: disable=import-outside-toplevel
    response = requests.get('%s/%s' % (sim.config['simplemdm_base_url'], path),
                            auth=(sim.config['simplemdm_api_key'], ''), params={'limit': 100}, timeout=30)
    return response.status_code, response.json() if response.content else None


def recap(runner):
    stats = [event['event_data'] for event in runner.events if event.get('event') == 'playbook_on_stats']
    return {key: stats[-1][key].get('localhost', 0) for key in ('changed', 'failures', 'ok')}


def test_baseline_playbook_job(sim, tmp_path, collections_path):
    inputs = credential_inputs(sim)
    private_data_dir = str(tmp_path / 'job')
    env = dict(base_env(collections_path), **inject_all(inputs, private_data_dir, vendors=['simplemdm']))
    first = run_job(private_data_dir, env, 'baseline.yml', {'baseline_device_id': 101})
    assert (first.status, recap(first)['failures']) == ('successful', 0), first.stdout.read()
    assert recap(first)['changed'] >= 5
    groups = simplemdm_get(sim, 'assignment_groups')[1]['data']
    baseline = [g for g in groups if g['attributes']['name'] == 'Baseline Apps']
    assert len(baseline) == 1
    values = {v['id']: v['attributes']['value'] for v in simplemdm_get(sim, 'devices/101/custom_attribute_values')[1]['data']}
    assert values['baseline_version'] == '2024.1'
    private_data_dir = str(tmp_path / 'job2')
    env = dict(base_env(collections_path), **inject_all(inputs, private_data_dir, vendors=['simplemdm']))
    second = run_job(private_data_dir, env, 'baseline.yml', {'baseline_device_id': 101})
    assert (second.status, recap(second)['changed']) == ('successful', 0), second.stdout.read()
