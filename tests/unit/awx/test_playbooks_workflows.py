# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/kiosk.yml and playbooks/zero_touch.yml run as AWX jobs (ansible-runner, the
credential types' environment) against the session simulator; the simulator's state is checked
afterwards through the vendors' APIs, and a second job changes nothing."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib.util
import os

import pytest

pytest.importorskip('ansible_runner')
requests = pytest.importorskip('requests')

HERE = os.path.dirname(os.path.abspath(__file__))


def _load(name):
    spec = importlib.util.spec_from_file_location('_playbooks_' + name, os.path.join(HERE, name + '.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


runner = _load('test_awx_runner')  # its helpers (run_job, inject_all...), not its tests
collections_path = runner.collections_path  # the fixture


def job(sim, tmp_path, collections_path_, name, playbook, vendors, extravars):
    private_data_dir = str(tmp_path / name)  # every AWX job has its own private data dir
    inputs = runner.credential_inputs(sim)
    env = dict(runner.base_env(collections_path_), **runner.inject_all(inputs, private_data_dir, vendors=vendors))
    result = runner.run_job(private_data_dir, env, playbook, extravars)
    return result, runner.recap(result)


def esper_get(sim, path, **params):
    response = requests.get('%s/%s' % (sim.config['esper_base_url'], path), params=params, timeout=30,
                            headers={'Authorization': 'Bearer %s' % sim.config['esper_api_key']})
    response.raise_for_status()
    return response.json()


def esper_devices(sim):
    found, offset = [], 0
    while True:
        content = esper_get(sim, 'device/v0/devices/', limit=100, offset=offset)['content']
        found += content['results']
        offset += 100
        if not content['next']:
            return found


def test_kiosk_playbook_job(sim, tmp_path, collections_path):
    devices = esper_devices(sim)
    kiosks = [d for d in devices if d['state'] == 1][:3]
    targets = '%s, %s, %s' % (kiosks[0]['serial'], kiosks[1]['device_name'], kiosks[2]['id'])
    settings = {'rotation_state': 'LANDSCAPE_ONLY', 'brightness_scale': 70, 'wifi_state': True}
    extravars = {'kiosk_devices': targets, 'kiosk_app': 'io.esper.kioskbrowser', 'kiosk_settings': settings}
    first, stats = job(sim, tmp_path, collections_path, 'job', 'kiosk.yml', ['esper'], extravars)
    assert (first.status, stats['failures'], stats['changed']) == ('successful', 0, 2), first.stdout.read()
    for device in kiosks:
        state = esper_get(sim, 'device/v0/devices/%s/devicestate' % device['id'])
        assert state['rotation_state'] == 'LANDSCAPE_ONLY' and state['brightness_scale'] == 70 and state['wifi_state'] is True, state
    kiosk = esper_get(sim, 'commands/v0/commands/', command='SET_KIOSK_APP')['content']['results']
    assert len(kiosk) == 1
    assert kiosk[0]['command_args'] == {'package_name': 'io.esper.kioskbrowser'}
    assert sorted(kiosk[0]['devices']) == sorted(d['id'] for d in kiosks)
    request = esper_get(sim, 'commands/v0/commands/%s/' % kiosk[0]['id'])['content']
    assert {status['state'] for status in request['status']} == {'Command Success'}

    second, stats = job(sim, tmp_path, collections_path, 'job2', 'kiosk.yml', ['esper'], extravars)
    assert (second.status, stats['changed']) == ('successful', 0), second.stdout.read()
    assert len(esper_get(sim, 'commands/v0/commands/', command='SET_KIOSK_APP')['content']['results']) == 1

    # another kiosk app for the same devices is sent again; nothing is sent without targets
    third, stats = job(sim, tmp_path, collections_path, 'job3', 'kiosk.yml', ['esper'],
                       dict(extravars, kiosk_app='com.example.kiosk'))
    assert (third.status, stats['changed']) == ('successful', 1), third.stdout.read()
    mark = len(sim.requests(vendor='esper'))
    refused, _stats = job(sim, tmp_path, collections_path, 'job4', 'kiosk.yml', ['esper'], {'kiosk_devices': ' , '})
    assert refused.status == 'failed'
    assert 'Give kiosk_devices or kiosk_groups, and kiosk_app.' in refused.stdout.read()
    assert sim.requests(vendor='esper')[mark:] == []


def test_kiosk_playbook_for_a_group(sim, tmp_path, collections_path):
    devices = esper_devices(sim)
    group = {'id': devices[0]['groups'][0]}
    members = [d['id'] for d in devices if group['id'] in d['groups']]
    assert len(members) > 10
    first, stats = job(sim, tmp_path, collections_path, 'job', 'kiosk.yml', ['esper'],
                       {'kiosk_groups': [group['id']], 'kiosk_settings': {'screen_off_timeout': -1}})
    assert (first.status, stats['failures']) == ('successful', 0), first.stdout.read()
    kiosk = esper_get(sim, 'commands/v0/commands/', command='SET_KIOSK_APP')['content']['results']
    assert sorted(kiosk[0]['devices']) == sorted(members)
    for device_id in [d['id'] for d in devices if d['id'] in members and d['state'] == 1][:5]:
        assert esper_get(sim, 'device/v0/devices/%s/devicestate' % device_id)['screen_off_timeout'] == -1


def abm_session(sim):
    import jwt  # pylint: disable=import-outside-toplevel
    import time  # pylint: disable=import-outside-toplevel
    import uuid  # pylint: disable=import-outside-toplevel
    config = sim.config
    with open(config['abm_private_key_path'], encoding='utf-8') as f:
        key = f.read()
    now = int(time.time())
    assertion = jwt.encode({'iss': config['abm_client_id'], 'sub': config['abm_client_id'],
                            'aud': 'https://account.apple.com/auth/oauth2/v2/token', 'iat': now,
                            'exp': now + 600, 'jti': str(uuid.uuid4())},
                           key, algorithm='ES256', headers={'kid': config['abm_key_id']})
    token = requests.post(config['abm_token_url'], timeout=30, data={
        'grant_type': 'client_credentials', 'client_id': config['abm_client_id'], 'scope': 'business.api',
        'client_assertion_type': 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        'client_assertion': assertion}).json()['access_token']
    session = requests.Session()
    session.headers['Authorization'] = 'Bearer ' + token
    return session


def abm_all(session, url):
    items = []
    while url:
        page = session.get(url, params={'limit': 1000} if '?' not in url else None, timeout=30).json()
        items += page['data']
        url = page['links'].get('next')
    return items


def abm_assignments(sim):
    """serial -> assigned server id (or None), from the ABM API."""
    base = sim.config['abm_base_url'] + '/v1'
    session = abm_session(sim)
    assigned = {}
    for server in abm_all(session, base + '/mdmServers'):
        for link in abm_all(session, '%s/mdmServers/%s/relationships/devices' % (base, server['id'])):
            assigned[link['id']] = server['id']
    return {device['id']: assigned.get(device['id']) for device in abm_all(session, base + '/orgDevices')}


def simplemdm_devices(sim):
    found, after = [], None
    while True:
        params = {'limit': 100, 'include_awaiting_enrollment': 'true'}
        if after:
            params['starting_after'] = after
        page = requests.get('%s/devices' % sim.config['simplemdm_base_url'], params=params, timeout=30,
                            auth=(sim.config['simplemdm_api_key'], '')).json()
        found += page['data']
        if not page['has_more']:
            return found
        after = page['data'][-1]['id']


def test_zero_touch_playbook_job(sim, tmp_path, collections_path):
    before = abm_assignments(sim)
    simplemdm_server = sim.fleet()['abm']['mdm_servers']['SimpleMDM']
    known = {d['attributes']['serial_number'] for d in simplemdm_devices(sim) if d['attributes']['serial_number']}
    unassigned = sorted(serial for serial, server in before.items() if server is None)
    new = [serial for serial in unassigned if serial not in known][:3]
    old = [serial for serial in unassigned if serial in known][:1]
    assert len(new) == 3 and len(old) == 1, (unassigned, known)
    serials = new + old
    extravars = {'zero_touch_serials': ','.join(serials).lower(), 'zero_touch_group': 'Warehouse',
                 'zero_touch_delay': 1}
    first, stats = job(sim, tmp_path, collections_path, 'job', 'zero_touch.yml', ['simplemdm', 'abm'], extravars)
    assert (first.status, stats['failures'], stats['changed']) == ('successful', 0, 3), first.stdout.read()

    after = abm_assignments(sim)
    assert all(after[serial] == simplemdm_server for serial in serials)
    assert {s: after[s] for s in after if s not in serials} == {s: before[s] for s in before if s not in serials}
    syncs = [e for e in sim.requests(vendor='simplemdm', method='POST') if e['path'].endswith('/sync')]
    assert [e['path'] for e in syncs] == ['/simplemdm/api/v1/dep_servers/1/sync']
    listed = simplemdm_devices(sim)
    devices = {d['attributes']['serial_number']: d for d in listed}
    for serial in serials:
        assert devices[serial]['relationships']['device_group']['data']['id'] == 39, serial  # Warehouse
    for serial in new:
        assert devices[serial]['attributes']['status'] == 'awaiting enrollment'
        assert devices[serial]['attributes']['dep_assigned'] is True

    mark = len(sim.requests())
    second, stats = job(sim, tmp_path, collections_path, 'job2', 'zero_touch.yml', ['simplemdm', 'abm'], extravars)
    assert (second.status, stats['changed']) == ('successful', 0), second.stdout.read()
    assert [e for e in sim.requests()[mark:] if e['method'] != 'GET' and '/oauth2/' not in e['path']] == []
    assert len(simplemdm_devices(sim)) == len(listed)


def test_zero_touch_takes_every_unassigned_device(sim, tmp_path, collections_path):
    before = abm_assignments(sim)
    unassigned = sorted(serial for serial, server in before.items() if server is None)
    locked = set(sim.fleet()['abm']['locked_serials'])
    first, stats = job(sim, tmp_path, collections_path, 'job', 'zero_touch.yml', ['simplemdm', 'abm'],
                       {'zero_touch_delay': 1})
    assert (first.status, stats['failures']) == ('successful', 0), first.stdout.read()
    after = abm_assignments(sim)
    simplemdm_server = sim.fleet()['abm']['mdm_servers']['SimpleMDM']
    moved = [serial for serial in unassigned if serial not in locked]
    assert moved and all(after[serial] == simplemdm_server for serial in moved)
    devices = {d['attributes']['serial_number']: d for d in simplemdm_devices(sim)}
    assert all(devices[serial]['relationships']['device_group']['data']['id'] == 38 for serial in moved)  # Office


# ---- fleet_report.yml -------------------------------------------------------------------------

INVENTORIES = ('demo.abm.yml', 'demo.simplemdm.yml', 'demo.esper.yml')


def esper_os_label(device):
    return '%s %s' % (device['os'], str(device['softwareInfo'].get('osVersion') or '?').split('.', maxsplit=1)[0])


def simplemdm_os_label(attributes):
    product = attributes.get('product_name') or ''
    name = ('macOS' if product.startswith('Mac') else 'iPadOS' if product.startswith('iPad')
            else 'tvOS' if product.startswith('AppleTV') else 'iOS')
    return '%s %s' % (name, str(attributes.get('os_version') or '?').split('.', maxsplit=1)[0])


def expected_report(sim):
    """The report's numbers, from the vendors' APIs (not through the collection)."""
    abm = abm_assignments(sim)
    simplemdm = {d['attributes']['serial_number']: d['attributes'] for d in simplemdm_devices(sim)
                 if d['attributes']['status'] != 'awaiting enrollment' and d['attributes']['serial_number']}
    esper = {d['serial']: d for d in esper_devices(sim)}
    enrolled = [s for s in abm if s in simplemdm or s in esper]
    not_enrolled = [s for s in abm if s not in simplemdm and s not in esper]
    macs = [a for a in simplemdm.values() if (a.get('product_name') or '').startswith('Mac')]
    metrics = {
        'devices': len(set(abm) | set(simplemdm) | set(esper)), 'abm': len(abm), 'simplemdm': len(simplemdm),
        'esper': len(esper), 'everywhere': len(set(abm) & set(simplemdm) & set(esper)),
        'abm_devices:Enrolled': len(enrolled),
        'abm_devices:Assigned, not enrolled': sum(1 for s in not_enrolled if abm[s]),
        'abm_devices:Unassigned': sum(1 for s in not_enrolled if not abm[s]),
        'passcode:Yes': sum(1 for a in simplemdm.values() if a.get('passcode_compliant') is True),
        'passcode:No': sum(1 for a in simplemdm.values() if a.get('passcode_compliant') is False),
        'passcode:Unknown': sum(1 for a in simplemdm.values() if a.get('passcode_compliant') is None),
        'filevault:On': sum(1 for a in macs if a.get('filevault_enabled') is True),
        'filevault:Off': sum(1 for a in macs if a.get('filevault_enabled') is not True),
        'not_enrolled': len(not_enrolled),
    }
    labels = [simplemdm_os_label(a) for a in simplemdm.values()]
    labels += [esper_os_label(d) for s, d in esper.items() if s not in simplemdm]
    for label in labels:
        metrics['os:' + label] = metrics.get('os:' + label, 0) + 1
    return metrics, sorted(not_enrolled)


def run_report(sim, tmp_path, collections_path_, name, dest):
    import ansible_runner  # pylint: disable=import-outside-toplevel
    private_data_dir = str(tmp_path / name)
    inputs = runner.credential_inputs(sim)
    env = dict(runner.base_env(collections_path_),
               **runner.inject_all(inputs, private_data_dir, vendors=['abm', 'simplemdm', 'esper']))
    project = os.path.join(private_data_dir, 'project')
    runner.shutil.copytree(os.path.join(runner.COLLECTION_ROOT, 'playbooks'), project)
    # an AWX inventory with three sources: the inventory plugins, hosts merged by name (serial)
    result = ansible_runner.run(
        private_data_dir=private_data_dir, playbook='fleet_report.yml', envvars=env, quiet=True,
        inventory=[os.path.join(project, 'inventory', source) for source in INVENTORIES],
        extravars={'fleet_report_dest': dest, 'ansible_python_interpreter': runner.sys.executable}, timeout=600)
    return result, runner.recap(result)


def test_fleet_report_playbook_job(sim, tmp_path, collections_path):
    import re  # pylint: disable=import-outside-toplevel
    import shutil  # pylint: disable=import-outside-toplevel
    import subprocess  # pylint: disable=import-outside-toplevel
    dest = str(tmp_path / 'fleet.html')
    first, stats = run_report(sim, tmp_path, collections_path, 'job', dest)
    assert (first.status, stats['failures'], stats['changed']) == ('successful', 0, 1), first.stdout.read()
    with open(dest, encoding='utf-8') as f:
        html = f.read()
    shown = {name: int(value) for name, value in re.findall(r'data-metric="([^"]+)">(\d+)<', html)}
    expected, not_enrolled = expected_report(sim)
    assert shown == expected
    assert all(expected[key] for key in ('abm_devices:Enrolled', 'abm_devices:Assigned, not enrolled',
                                         'abm_devices:Unassigned', 'filevault:On', 'filevault:Off')), expected
    assert sorted(re.findall(r'<tr data-serial="([^"]+)">', html)) == not_enrolled
    # self-contained: no scripts, no external stylesheets or images; the charts are inline SVG
    assert '<script' not in html and 'http://' not in html.replace('http://www.w3.org/2000/svg', '')
    assert 'https://' not in html and html.count('<svg') == 4

    second, stats = run_report(sim, tmp_path, collections_path, 'job2', dest)
    assert (second.status, stats['changed']) == ('successful', 0), second.stdout.read()

    browser = shutil.which('chromium') or shutil.which('chromium-browser') or shutil.which('google-chrome')
    if browser:  # a look at it, as someone opening the report would have
        screenshot = tmp_path / 'fleet.png'
        subprocess.run([browser, '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars',
                        '--window-size=1280,2000', '--screenshot=%s' % screenshot, 'file://' + dest],
                       check=True, timeout=120, capture_output=True)
        with open(str(screenshot), 'rb') as f:
            assert f.read(8) == b'\x89PNG\r\n\x1a\n'
        if os.environ.get('MDMKIT_SCREENSHOT_DIR'):  # kept for a person to look at
            shutil.copy(str(screenshot), os.path.join(os.environ['MDMKIT_SCREENSHOT_DIR'], 'fleet_report.png'))


def test_fleet_report_without_inventories_fails(sim, tmp_path, collections_path):
    private_data_dir = str(tmp_path / 'job')
    env = dict(runner.base_env(collections_path), **runner.inject_all(runner.credential_inputs(sim), private_data_dir))
    result = runner.run_job(private_data_dir, env, 'fleet_report.yml', {'fleet_report_dest': str(tmp_path / 'x.html')})
    assert result.status == 'failed'
    assert 'Give the ABM inventory' in result.stdout.read()
    assert not os.path.exists(str(tmp_path / 'x.html'))
