# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/kiosk.yml, zero_touch.yml, lost_device.yml, offboard.yml and fleet_report.yml run as
AWX jobs (ansible-runner, the credential types' environment) against the session simulator; the
simulator's state is checked afterwards through the vendors' APIs and its request log, and a second
job changes nothing."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib.util
import os
import re
import shutil
import subprocess
import tempfile
import time
from datetime import datetime, timezone

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
    kiosks = [d for d in devices if d['status'] == 1][:3]  # online: device_type active skips offline devices
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
    for device_id in [d['id'] for d in devices if d['id'] in members and d['status'] == 1][:5]:  # online ones
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

    # opened in headless Chromium, as someone opening the report would: the numbers it rendered
    # (its DOM after parsing and layout) are the simulator's, and the screenshot shows the charts
    browser = chromium_or_fail()
    dom = run_chromium(browser, tmp_path, '--dump-dom', 'file://' + dest)
    rendered = {name: int(value) for name, value in re.findall(r'data-metric="([^"]+)">(\d+)<', dom)}
    assert rendered == expected
    assert sorted(re.findall(r'<tr data-serial="([^"]+)">', dom)) == not_enrolled
    screenshot = str(tmp_path / 'fleet.png')
    run_chromium(browser, tmp_path, '--hide-scrollbars', '--window-size=%d,%d' % SCREENSHOT_SIZE,
                 '--screenshot=%s' % screenshot, 'file://' + dest)
    check_screenshot(screenshot)
    # kept beside the junit results (tests/run.sh copies tests/output back) for a person to look at
    output = os.path.join(runner.COLLECTION_ROOT, 'tests', 'output')
    if os.path.isdir(output):
        shutil.copy(screenshot, os.path.join(output, 'fleet_report.png'))


# ---- headless Chromium ------------------------------------------------------------------------

# Flags for a root user on a machine without a display or outside network: no sandbox (root),
# no GPU, and none of the background connections to Google's hosts, which this network refuses.
CHROMIUM_FLAGS = ('--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                  '--disable-background-networking', '--disable-component-update', '--disable-sync')
SCREENSHOT_SIZE = (1280, 2400)
# the bar colours of the four charts (fleet_report.html.j2)
CHART_COLOURS = {'ABM devices': (0x00, 0x71, 0xe3), 'passcode': (0x34, 0xc7, 0x59),
                 'FileVault': (0xff, 0x9f, 0x0a), 'OS versions': (0xaf, 0x52, 0xde)}
# tests/run.sh writes this file when CI=true (ansible-test passes no environment variables on)
CI_MARKER = os.path.join(os.path.dirname(HERE), '.ci')


def chromium_or_fail():
    """Debian's chromium: a failure in CI (which installs it), a visible skip elsewhere."""
    browser = shutil.which('chromium') or shutil.which('chromium-browser') or shutil.which('google-chrome')
    if not browser:
        problem = 'headless Chromium is needed for the fleet report test: apt-get install chromium'
        if os.environ.get('CI') == 'true' or os.path.exists(CI_MARKER):
            pytest.fail(problem)
        pytest.skip(problem)
    return browser


def run_chromium(browser, tmp_path, *args):
    profile = tempfile.mkdtemp(prefix='chromium-', dir=str(tmp_path))  # a new, empty profile
    done = subprocess.run([browser] + list(CHROMIUM_FLAGS) + ['--user-data-dir=' + profile] + list(args),
                          timeout=120, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def check_screenshot(path):
    """A real PNG of the window's size, mostly drawn on, with every chart's bars in it."""
    from PIL import Image  # pylint: disable=import-outside-toplevel
    with Image.open(path) as image:
        assert (image.format, image.size) == ('PNG', SCREENSHOT_SIZE)
        pixels = image.convert('RGB')
    colours = dict((colour, count) for count, colour in pixels.getcolors(maxcolors=SCREENSHOT_SIZE[0] * SCREENSHOT_SIZE[1]))
    total = SCREENSHOT_SIZE[0] * SCREENSHOT_SIZE[1]
    assert colours.get((255, 255, 255), 0) < total * 0.97, 'the screenshot is blank'
    assert len(colours) > 50, 'the screenshot has only %d colours: no text was drawn' % len(colours)
    for chart, colour in CHART_COLOURS.items():
        # each bar is 18 px high; a chart has at least one bar a few dozen px wide
        assert colours.get(colour, 0) >= 18 * 20, '%s chart: %d px of its colour' % (chart, colours.get(colour, 0))


def test_fleet_report_without_inventories_fails(sim, tmp_path, collections_path):
    private_data_dir = str(tmp_path / 'job')
    env = dict(runner.base_env(collections_path), **runner.inject_all(runner.credential_inputs(sim), private_data_dir))
    result = runner.run_job(private_data_dir, env, 'fleet_report.yml', {'fleet_report_dest': str(tmp_path / 'x.html')})
    assert result.status == 'failed'
    assert 'Give the ABM inventory' in result.stdout.read()
    assert not os.path.exists(str(tmp_path / 'x.html'))


# ---- lost_device.yml --------------------------------------------------------------------------

def simplemdm_writes(sim, since):
    return [(e['method'], e['path']) for e in sim.requests(vendor='simplemdm', since=since) if e['method'] != 'GET']


def last_seq(sim):
    entries = sim.requests()
    return entries[-1]['seq'] if entries else 0


def test_lost_device_playbook_job(sim, tmp_path, collections_path):
    device = runner.simplemdm_get(sim, 'devices/101')[1]['data']['attributes']
    mark = last_seq(sim)
    first, stats = job(sim, tmp_path, collections_path, 'job', 'lost_device.yml', ['simplemdm'],
                       {'lost_serials': device['serial_number'] + ', ', 'lost_phone': '+15555555555'})
    assert (first.status, stats['failures']) == ('successful', 0), first.stdout.read()
    base = '/simplemdm/api/v1/devices/101/lost_mode'
    # Lost Mode first, then the sound and the location request, and nothing else
    writes = simplemdm_writes(sim, mark)
    assert writes[0] == ('POST', base)
    assert sorted(writes[1:]) == [('POST', base + '/play_sound'), ('POST', base + '/update_location')]
    assert sim.control('GET', 'simplemdm/lost_mode')['101'] == {
        'message': 'This device is lost. Please call the number below.', 'phone_number': '+15555555555',
        'footnote': None}
    # the report shows where the device is now, as SimpleMDM has it after update_location
    located = runner.simplemdm_get(sim, 'devices/101')[1]['data']['attributes']
    assert located['location_latitude'] and located['location_updated_at']
    report = runner.task_results(first, 'Report')[0]['msg']
    assert report == [{'serial_number': device['serial_number'], 'name': device['name'],
                       'location_latitude': located['location_latitude'],
                       'location_longitude': located['location_longitude'],
                       'location_updated_at': located['location_updated_at']}]

    # found: Lost Mode ends, nothing else is sent
    mark = last_seq(sim)
    found, stats = job(sim, tmp_path, collections_path, 'job2', 'lost_device.yml', ['simplemdm'],
                       {'lost_serials': device['serial_number'], 'lost_found': True})
    assert (found.status, stats['failures'], stats['changed']) == ('successful', 0, 1), found.stdout.read()
    assert simplemdm_writes(sim, mark) == [('DELETE', base)]
    assert '101' not in sim.control('GET', 'simplemdm/lost_mode')

    # a survey without a message or phone number is refused before anything is sent
    mark = last_seq(sim)
    refused, _stats = job(sim, tmp_path, collections_path, 'job3', 'lost_device.yml', ['simplemdm'],
                          {'lost_serials': device['serial_number'], 'lost_message': ''})
    assert refused.status == 'failed'
    assert 'Give lost_serials, and lost_message or lost_phone.' in refused.stdout.read()
    assert sim.requests(since=mark) == []


# ---- offboard.yml -----------------------------------------------------------------------------

def wait_for(label, what, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = what()
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError('timed out waiting for ' + label)


def check_in(sim, device_id):
    """The device contacts SimpleMDM (and takes its queued commands): its last_seen_at moves."""
    stamp = datetime.now(timezone.utc).isoformat(timespec='milliseconds')
    sim.load_fixtures({'simplemdm': {'devices': [{'id': device_id, 'attributes': {'last_seen_at': stamp}}]}})


def offboard_job(sim, tmp_path, collections_path_, name, extravars):
    """Started in the background (the test plays the device meanwhile): (thread, runner)."""
    import ansible_runner  # pylint: disable=import-outside-toplevel
    private_data_dir = str(tmp_path / name)
    env = dict(runner.base_env(collections_path_),
               **runner.inject_all(runner.credential_inputs(sim), private_data_dir, vendors=['simplemdm', 'abm']))
    shutil.copytree(os.path.join(runner.COLLECTION_ROOT, 'playbooks'), os.path.join(private_data_dir, 'project'))
    return ansible_runner.run_async(
        private_data_dir=private_data_dir, playbook='offboard.yml', envvars=env, quiet=True,
        extravars=dict({'offboard_ack_delay': 1}, **extravars), timeout=600,
        inventory={'all': {'hosts': {'localhost': {'ansible_connection': 'local',
                                                   'ansible_python_interpreter': runner.sys.executable}}}})


def finished(thread, result):
    thread.join(600)
    assert not thread.is_alive()
    return result, runner.recap(result)


def test_offboard_playbook_job(sim, tmp_path, collections_path):
    serial = runner.simplemdm_get(sim, 'devices/102')[1]['data']['attributes']['serial_number']
    assert abm_assignments(sim)[serial]  # assigned to a service in ABM (seed-1 fleet)
    mark = last_seq(sim)
    thread, result = offboard_job(sim, tmp_path, collections_path, 'job',
                                  {'offboard_serials': serial.lower(), 'offboard_pin': '123456',
                                   'offboard_ack_timeout': 300})
    lock = wait_for('the lock', lambda: sim.requests(vendor='simplemdm', method='POST', path_regex='/devices/102/lock$'))
    assert len(lock) == 1 and lock[0]['status'] == 202
    assert 'retired+by+IT' in lock[0]['body_excerpt'] or 'retired by IT' in lock[0]['body_excerpt'], lock
    # the job polls the device and keeps its record while the device has not checked in
    wait_for('a poll of the device', lambda: sim.requests(vendor='simplemdm', method='GET', path_regex='/devices/102$',
                                                          since=lock[0]['seq']))
    assert runner.simplemdm_get(sim, 'devices/102')[0] == 200
    assert thread.is_alive()
    checked_in = last_seq(sim)
    check_in(sim, 102)
    first, stats = finished(thread, result)
    assert (first.status, stats['failures']) == ('successful', 0), first.stdout.read()

    writes = [e for e in sim.requests(since=mark) if e['method'] != 'GET' and '/oauth2/' not in e['path']]
    deletes = [e for e in writes if e['method'] == 'DELETE']
    assert [e['path'] for e in deletes] == ['/simplemdm/api/v1/devices/102'] and deletes[0]['seq'] > checked_in
    assert runner.simplemdm_get(sim, 'devices/102')[0] == 404
    # released in ABM: one UNASSIGN_DEVICES activity for the device, and ABM shows it unassigned
    activities = [e for e in writes if e['vendor'] == 'abm']
    assert len(activities) == 1 and 'UNASSIGN_DEVICES' in activities[0]['body_excerpt'], activities
    assert serial in activities[0]['body_excerpt']
    assert abm_assignments(sim)[serial] is None
    assert runner.task_results(first, 'Report')[0]['msg'] == [
        'Removed from SimpleMDM: ' + serial, 'Command sent, record kept until the device checks in (run again later): none',
        'Released from ABM: ' + serial, 'Unknown to both: none']

    mark = last_seq(sim)
    thread, result = offboard_job(sim, tmp_path, collections_path, 'job2', {'offboard_serials': serial})
    again, stats = finished(thread, result)
    assert (again.status, stats['changed']) == ('successful', 0), again.stdout.read()
    assert [e for e in sim.requests(since=mark) if e['method'] != 'GET' and '/oauth2/' not in e['path']] == []


def test_offboard_wipe_keeps_the_record_of_a_device_that_has_not_checked_in(sim, tmp_path, collections_path):
    device = runner.simplemdm_get(sim, 'devices/103')[1]['data']['attributes']
    assert device['status'] == 'enrolled' and not device['product_name'].startswith('Mac')  # an iPhone: no pin
    serial = device['serial_number']
    mark = last_seq(sim)
    thread, result = offboard_job(sim, tmp_path, collections_path, 'job',
                                  {'offboard_serials': serial, 'offboard_wipe': True, 'offboard_ack_timeout': 3})
    first, stats = finished(thread, result)
    assert (first.status, stats['failures']) == ('successful', 0), first.stdout.read()
    assert simplemdm_writes(sim, mark) == [('POST', '/simplemdm/api/v1/devices/103/wipe')]
    assert runner.simplemdm_get(sim, 'devices/103')[0] == 200  # kept: the wipe may not be delivered yet
    assert runner.task_results(first, 'Report')[0]['msg'][:2] == [
        'Removed from SimpleMDM: none', 'Command sent, record kept until the device checks in (run again later): ' + serial]

    # the device took the wipe (SimpleMDM shows it unenrolled): the next job deletes the record and
    # sends nothing more
    assert runner.simplemdm_get(sim, 'devices/103')[1]['data']['attributes']['status'] == 'unenrolled'
    mark = last_seq(sim)
    thread, result = offboard_job(sim, tmp_path, collections_path, 'job2',
                                  {'offboard_serials': serial, 'offboard_wipe': True, 'offboard_ack_timeout': 3})
    second, stats = finished(thread, result)
    assert (second.status, stats['changed']) == ('successful', 1), second.stdout.read()
    assert simplemdm_writes(sim, mark) == [('DELETE', '/simplemdm/api/v1/devices/103')]
    assert runner.task_results(second, 'Report')[0]['msg'][0] == 'Removed from SimpleMDM: ' + serial
