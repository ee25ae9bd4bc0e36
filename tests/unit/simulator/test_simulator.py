# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The local API simulator (tests/simulator) against plain HTTP calls.

Uses the session simulator of tests/unit/conftest.py (250 devices, seed 1, reset before each
test) and starts its own for the 100,000-device paging run.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import os
import sys
import time
import uuid

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                                'simulator'))
from harness import start_simulator  # noqa: E402  pylint: disable=wrong-import-position

DEVICES = 250
AUDIENCE = 'https://account.apple.com/auth/oauth2/v2/token'
ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
TIMEOUT = 30


def simplemdm_get(sim, path, **params):
    config = sim.config
    return requests.get(config['simplemdm_base_url'] + path, auth=(config['simplemdm_api_key'], ''),
                        params=params, timeout=TIMEOUT)


def esper_get(sim, path, **params):
    headers = {'Authorization': 'Bearer ' + sim.config['esper_api_key']}
    return requests.get(sim.config['esper_base_url'] + path, headers=headers, params=params, timeout=TIMEOUT)


def micromdm_get(sim, path, password=None):
    auth = ('micromdm', password or sim.config['micromdm_api_key'])
    return requests.get(sim.config['micromdm_url'] + '/management/v1' + path, auth=auth, timeout=TIMEOUT)


def assertion(config, key_pem=None, **changes):
    """A client assertion as ABM-AUTH.md describes; `changes` overrides claims or the kid."""
    now = int(time.time())
    claims = {'iss': config['abm_client_id'], 'sub': config['abm_client_id'], 'aud': AUDIENCE,
              'iat': now, 'exp': now + 300, 'jti': str(uuid.uuid4())}
    kid = changes.pop('kid', config['abm_key_id'])
    claims.update(changes)
    if key_pem is None:
        with open(config['abm_private_key_path'], 'rb') as handle:
            key_pem = handle.read()
    return jwt.encode(claims, key_pem, algorithm='ES256', headers={'kid': kid})


def request_token(sim, scope='business.api', **assertion_changes):
    config = sim.config
    client_id = config['asm_client_id'] if scope == 'school.api' else config['abm_client_id']  # one account per API
    assertion_changes = dict({'iss': client_id, 'sub': client_id}, **assertion_changes)
    form = {'grant_type': 'client_credentials', 'client_id': client_id,
            'client_assertion_type': ASSERTION_TYPE, 'scope': scope,
            'client_assertion': assertion(config, **assertion_changes)}
    return requests.post(config['abm_token_url'], data=form, timeout=TIMEOUT)


def abm_session(sim, scope='business.api'):
    session = requests.Session()
    session.headers['Authorization'] = 'Bearer ' + request_token(sim, scope).json()['access_token']
    return session


def follow(session, url, items_of, next_of, **params):
    """Every item of a paged list, and the number of pages read."""
    items, pages = [], 0
    while url:
        answer = session.get(url, params=params, timeout=TIMEOUT)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        items.extend(items_of(body))
        pages += 1
        url, params = next_of(body), None
    return items, pages


def test_simplemdm_pages_every_device(sim):
    limit, ids, pages, after = 7, [], 0, None
    while True:
        params = {'limit': limit, 'include_awaiting_enrollment': 'true'}
        if after:
            params['starting_after'] = after
        body = simplemdm_get(sim, '/devices', **params).json()
        ids += [device['id'] for device in body['data']]
        pages += 1
        if not body['has_more']:
            break
        after = ids[-1]
    assert len(ids) == DEVICES and len(set(ids)) == DEVICES
    assert pages == math.ceil(DEVICES / limit)
    assert ids == sorted(ids)

    descending = simplemdm_get(sim, '/devices', limit=100, direction='desc', include_awaiting_enrollment='true',
                               starting_after=ids[-50]).json()
    assert [d['id'] for d in descending['data']] == ids[-51::-1][:100] and descending['has_more']

    awaiting = sim.fleet()['simplemdm']['awaiting_enrollment_ids']
    enrolled, after = [], None
    while True:
        body = simplemdm_get(sim, '/devices', limit=100, **({'starting_after': after} if after else {})).json()
        enrolled += [d['id'] for d in body['data']]
        if not body['has_more']:
            break
        after = enrolled[-1]
    assert len(enrolled) == DEVICES - len(awaiting) and not set(awaiting) & set(enrolled)


@pytest.mark.parametrize('limit', ['0', '101', 'ten'])
def test_simplemdm_rejects_limits_out_of_range(sim, limit):
    answer = simplemdm_get(sim, '/devices', limit=limit)
    assert answer.status_code == 422
    assert answer.json()['errors'][0]['title'].startswith('limit')


def test_abm_pages_every_device(sim):
    session = abm_session(sim)
    base = sim.config['abm_base_url'] + '/v1'
    devices, pages = follow(session, base + '/orgDevices', lambda b: b['data'], lambda b: b['links'].get('next'),
                            limit=40)
    serials = [device['id'] for device in devices]
    assert len(serials) == DEVICES and len(set(serials)) == DEVICES and pages == math.ceil(DEVICES / 40)
    first = session.get(base + '/orgDevices', params={'limit': 5000}, timeout=TIMEOUT).json()
    assert first['meta']['paging'] == {'limit': 1000, 'total': DEVICES} and 'next' not in first['links']

    servers = session.get(base + '/mdmServers', timeout=TIMEOUT).json()['data']
    assigned = []
    for server in servers:
        links, _pages = follow(session, base + '/mdmServers/%s/relationships/devices' % server['id'],
                               lambda b: b['data'], lambda b: b['links'].get('next'), limit=17)
        assigned += [link['id'] for link in links]
    statuses = {d['id']: d['attributes']['status'] for d in devices}
    assert sorted(assigned) == sorted(s for s, status in statuses.items() if status == 'ASSIGNED')
    assert 0 < len(assigned) < DEVICES


def test_esper_pages_every_device(sim):
    session = requests.Session()
    session.headers['Authorization'] = 'Bearer ' + sim.config['esper_api_key']
    devices, pages = follow(session, sim.config['esper_base_url'] + '/device/v0/devices/',
                            lambda b: b['content']['results'], lambda b: b['content']['next'], limit=30)
    ids = [device['id'] for device in devices]
    assert len(ids) == DEVICES and len(set(ids)) == DEVICES and pages == math.ceil(DEVICES / 30)
    body = esper_get(sim, '/device/v0/devices/', limit=30, offset=30).json()
    assert body['code'] == 200 and body['message'] == 'success' and body['content']['count'] == DEVICES
    assert 'offset' not in body['content']['previous']
    apple = esper_get(sim, '/device/v0/devices/', platform='APPLE', limit=1000).json()['content']
    assert 0.15 * DEVICES < apple['count'] < 0.45 * DEVICES
    one = esper_get(sim, '/device/v0/devices/%s/' % ids[0]).json()
    assert one['content']['id'] == ids[0]


def test_micromdm_lists_every_device(sim):
    devices = micromdm_get(sim, '/devices').json()['devices']
    assert len({device['uuid'] for device in devices}) == DEVICES == len(devices)
    assert any(device['serial_number'] == '' for device in devices)
    assert micromdm_get(sim, '/devices/' + devices[0]['uuid']).json() == devices[0]
    assert micromdm_get(sim, '/devices/nope').status_code == 404


def test_apple_serials_are_shared_across_vendors(sim):
    abm = {d['id'] for d in follow(abm_session(sim), sim.config['abm_base_url'] + '/v1/orgDevices',
                                   lambda b: b['data'], lambda b: b['links'].get('next'), limit=1000)[0]}
    micromdm = {d['serial_number'] for d in micromdm_get(sim, '/devices').json()['devices'] if d['serial_number']}
    esper = {d['serial'] for d in esper_get(sim, '/device/v0/devices/', platform='APPLE', limit=1000)
             .json()['content']['results']}
    simplemdm = {d['attributes']['serial_number'] for d in simplemdm_get(sim, '/devices', limit=100).json()['data']}
    assert micromdm <= abm and esper <= abm
    assert 0.75 < len(simplemdm & abm) / len(simplemdm) < 1


def test_wrong_or_missing_credentials_answer_401(sim):
    config = sim.config
    answer = requests.get(config['simplemdm_base_url'] + '/devices', auth=('wrong', ''), timeout=TIMEOUT)
    assert answer.status_code == 401 and answer.json() == {'errors': [{'title': 'unauthorized'}]}
    assert requests.get(config['simplemdm_base_url'] + '/devices', timeout=TIMEOUT).status_code == 401

    answer = requests.get(config['esper_base_url'] + '/device/v0/devices/', headers={'Authorization': 'Bearer x'},
                          timeout=TIMEOUT)
    assert answer.status_code == 401 and set(answer.json()) == {'errors', 'message', 'status'}

    answer = micromdm_get(sim, '/devices', password='wrong')
    assert answer.status_code == 401 and answer.headers['WWW-Authenticate'] == 'Basic realm="micromdm"'

    for headers in ({}, {'Authorization': 'Bearer not-a-token'}):
        answer = requests.get(config['abm_base_url'] + '/v1/orgDevices', headers=headers, timeout=TIMEOUT)
        assert answer.status_code == 401 and answer.json()['errors'][0]['code'] == 'NOT_AUTHORIZED'
    business = abm_session(sim)
    assert business.get(config['asm_base_url'] + '/v1/orgDevices', timeout=TIMEOUT).status_code == 401
    school = abm_session(sim, 'school.api')
    assert school.get(config['asm_base_url'] + '/v1/orgDevices', timeout=TIMEOUT).status_code == 200


def test_abm_token_exchange(sim):
    answer = request_token(sim)
    assert answer.status_code == 200
    token = answer.json()
    assert token['token_type'] == 'Bearer' and token['expires_in'] == 300 and token['access_token']

    other_key = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    now = int(time.time())
    for changes in ({'key_pem': other_key}, {'kid': 'another-key'}, {'aud': 'https://example.com'},
                    {'sub': 'BUSINESSAPI.other'}, {'iat': now - 600, 'exp': now - 60}):
        answer = request_token(sim, **changes)
        assert (answer.status_code, answer.json()) == (400, {'error': 'invalid_client'}), changes
    answer = request_token(sim, scope='everything')
    assert (answer.status_code, answer.json()) == (400, {'error': 'invalid_scope'})

    logged = sim.requests(path_regex='oauth2/token')[0]
    assert 'client_assertion=[REDACTED]' in logged['body_excerpt'] and 'eyJ' not in logged['body_excerpt']


def test_abm_tokens_can_be_expired_mid_run(sim):
    session = abm_session(sim)
    url = sim.config['abm_base_url'] + '/v1/mdmServers'
    assert session.get(url, timeout=TIMEOUT).status_code == 200
    sim.expire_abm_tokens()
    assert session.get(url, timeout=TIMEOUT).status_code == 401
    assert abm_session(sim).get(url, timeout=TIMEOUT).status_code == 200


def test_abm_assignment_activity(sim):
    session = abm_session(sim)
    base = sim.config['abm_base_url'] + '/v1'
    fleet = sim.fleet()
    staging = fleet['abm']['mdm_servers']['Staging']
    serials = [d['id'] for d in session.get(base + '/orgDevices', params={'limit': 3}, timeout=TIMEOUT).json()['data']]
    body = {'data': {'type': 'orgDeviceActivities', 'attributes': {'activityType': 'ASSIGN_DEVICES'},
                     'relationships': {'mdmServer': {'data': {'type': 'mdmServers', 'id': staging}},
                                       'devices': {'data': [{'type': 'orgDevices', 'id': s} for s in serials]}}}}
    created = session.post(base + '/orgDeviceActivities', json=body, timeout=TIMEOUT)
    assert created.status_code == 201
    attributes = created.json()['data']['attributes']
    assert (attributes['status'], attributes['subStatus']) == ('IN_PROGRESS', 'SUBMITTED')
    activity = wait_for_activity(session, created.json()['data']['links']['self'])
    assert (activity['status'], activity['subStatus']) == ('COMPLETED', 'COMPLETED_WITH_SUCCESS')
    for serial in serials:
        link = session.get(base + '/orgDevices/%s/relationships/assignedServer' % serial, timeout=TIMEOUT).json()
        assert link['data'] == {'type': 'mdmServers', 'id': staging}

    locked = fleet['abm']['locked_serials'][0]
    body['data']['relationships']['devices']['data'].append({'type': 'orgDevices', 'id': locked})
    created = session.post(base + '/orgDeviceActivities', json=body, timeout=TIMEOUT).json()
    activity = wait_for_activity(session, created['data']['links']['self'])
    assert (activity['status'], activity['subStatus']) == ('COMPLETED', 'COMPLETED_WITH_ERROR')
    log = requests.get(activity['downloadUrl'], timeout=TIMEOUT).text
    assert locked in log and 'FAILED' in log


def wait_for_activity(session, url, deadline=20):
    stop = time.time() + deadline
    while time.time() < stop:
        attributes = session.get(url, timeout=TIMEOUT).json()['data']['attributes']
        if attributes['status'] != 'IN_PROGRESS':
            return attributes
        time.sleep(0.25)
    raise AssertionError('activity still in progress')


def test_rate_limit_every_third_request(sim):
    sim.faults([{'kind': 'rate_limit', 'vendor': 'simplemdm', 'every': 3, 'retry_after': 2}])
    answers = [simplemdm_get(sim, '/device_groups') for _attempt in range(9)]
    statuses = [answer.status_code for answer in answers]
    assert statuses == [200, 200, 429] * 3
    limited = answers[2]
    assert limited.headers['Retry-After'] == '2' and int(limited.headers['X-RateLimit-Reset']) > time.time()
    assert limited.json()['errors'][0]['title']
    assert [entry['status'] for entry in sim.requests(vendor='simplemdm')] == statuses


def test_reset_fault_after_a_post_keeps_the_write(sim):
    sim.faults([{'kind': 'reset', 'phase': 'after', 'method': 'POST', 'path_regex': 'custom_attributes$',
                 'count': 1}])
    url = sim.config['simplemdm_base_url'] + '/custom_attributes'
    auth = (sim.config['simplemdm_api_key'], '')
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.post(url, data={'name': 'badge_number'}, auth=auth, timeout=TIMEOUT)
    assert simplemdm_get(sim, '/custom_attributes/badge_number').status_code == 200
    assert sim.requests(method='POST')[-1]['status'] is None

    sim.faults([{'kind': 'reset', 'method': 'POST', 'count': 1}])
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.post(url, data={'name': 'locker'}, auth=auth, timeout=TIMEOUT)
    assert simplemdm_get(sim, '/custom_attributes/locker').status_code == 404


def test_other_faults(sim):
    sim.faults([{'kind': 'html', 'vendor': 'esper', 'count': 1},
                {'kind': 'malformed_json', 'vendor': 'micromdm', 'count': 1},
                {'kind': 'status', 'status': 503, 'vendor': 'abm', 'path_regex': 'mdmServers', 'count': 1},
                {'kind': 'latency', 'vendor': 'simplemdm', 'delay': 0.3, 'count': 1}])
    answer = esper_get(sim, '/device/v0/devices/')
    assert answer.status_code == 502 and answer.headers['Content-Type'].startswith('text/html')
    with pytest.raises(ValueError):
        micromdm_get(sim, '/devices').json()
    answer = abm_session(sim).get(sim.config['abm_base_url'] + '/v1/mdmServers', timeout=TIMEOUT)
    assert answer.status_code == 503 and answer.json()['errors'][0]['status'] == '503'
    started = time.time()
    assert simplemdm_get(sim, '/account').status_code == 200
    assert time.time() - started >= 0.3
    assert all(rule['applied'] == 1 for rule in sim.fault_counters())


def test_custom_attributes_follow_the_reference(sim):
    auth = (sim.config['simplemdm_api_key'], '')
    url = sim.config['simplemdm_base_url'] + '/custom_attributes'
    created = requests.post(url, json={'name': 'Badge_Number', 'default_value': 'none'}, auth=auth, timeout=TIMEOUT)
    assert created.status_code == 201 and created.json()['data']['id'] == 'Badge_Number'
    for name in ('badge_number', 'has space'):
        answer = requests.post(url, data={'name': name}, auth=auth, timeout=TIMEOUT)
        assert answer.status_code == 422 and answer.json()['errors'][0]['title']
    assert simplemdm_get(sim, '/custom_attributes/BADGE_NUMBER').json()['data']['id'] == 'Badge_Number'
    assert simplemdm_get(sim, '/custom_attributes/unknown').json() == {'errors': [{'title': 'object not found'}]}

    hidden = simplemdm_get(sim, '/devices/101/custom_attribute_values').json()['data']
    shown = simplemdm_get(sim, '/devices/101/custom_attribute_values',
                          include_secret_custom_attributes='true').json()['data']
    secret = [v for v in hidden if v['attributes']['secret']]
    assert secret and all(v['attributes']['value'] == '' for v in secret)
    assert all(v['attributes']['value'] for v in shown if v['attributes']['secret'])


def test_reset_restores_the_generated_fleet(sim):
    auth = (sim.config['simplemdm_api_key'], '')
    url = sim.config['simplemdm_base_url'] + '/custom_attributes'
    before = simplemdm_get(sim, '/custom_attributes').json()
    requests.post(url, data={'name': 'added'}, auth=auth, timeout=TIMEOUT)
    requests.delete(url + '/asset_tag', auth=auth, timeout=TIMEOUT)
    sim.load_fixtures({'simplemdm': {'devices': [{'id': 101, 'attributes': {'name': 'Renamed'}}]},
                       'micromdm': {'devices': [{'uuid': 'only-one', 'serial_number': 'C02ONLYONE01'}]},
                       'mode': 'replace'})
    assert simplemdm_get(sim, '/devices/101').json()['data']['attributes'] == {'name': 'Renamed'}
    assert [d['uuid'] for d in micromdm_get(sim, '/devices').json()['devices']] == ['only-one']
    sim.load_fixtures({'simplemdm': {'devices': [{'id': 101, 'attributes': {'name': 'Merged'}}]}})
    assert simplemdm_get(sim, '/devices/101').json()['data']['attributes'] == {'name': 'Merged'}

    sim.reset()
    assert sim.requests() == []
    assert simplemdm_get(sim, '/custom_attributes').json() == before
    assert simplemdm_get(sim, '/devices/101').json()['data']['attributes']['name'] != 'Merged'
    assert len(micromdm_get(sim, '/devices').json()['devices']) == DEVICES


def test_request_log_filters(sim):
    simplemdm_get(sim, '/account')
    first = sim.requests()[-1]
    esper_get(sim, '/device/v0/devices/', limit=5)
    later = sim.requests(since=first['seq'])
    assert [entry['vendor'] for entry in later] == ['esper']
    assert later[0]['query'] == {'limit': '5'} and later[0]['start'] <= later[0]['end']


def test_paging_100k_simplemdm_devices():
    with start_simulator(devices=100000) as big:
        session = requests.Session()
        session.auth = (big.config['simplemdm_api_key'], '')
        url = big.config['simplemdm_base_url'] + '/devices'
        started, count, after = time.time(), 0, None
        while True:
            params = {'limit': 100, 'include_awaiting_enrollment': 'true'}
            if after:
                params['starting_after'] = after
            body = session.get(url, params=params, timeout=TIMEOUT).json()
            count += len(body['data'])
            if not body['has_more']:
                break
            after = body['data'][-1]['id']
        print('paged %d SimpleMDM devices in %.1f s' % (count, time.time() - started))
        assert count == 100000


def process_gone(pid):
    """True once ``pid`` has exited (a zombie not yet reaped by init counts as exited)."""
    try:
        with open('/proc/%d/stat' % pid) as handle:
            return handle.read().rsplit(')', 1)[1].split()[0] == 'Z'
    except (IOError, OSError):
        return True


def test_simulator_stops_once_the_process_that_started_it_is_gone():
    # ansible-test runs each unit test in a forked process that exits without tearing down its
    # fixtures: a simulator started there must not outlive it (one leaked per test otherwise)
    import subprocess  # pylint: disable=import-outside-toplevel
    harness_dir = os.path.dirname(sys.modules['harness'].__file__)
    script = ('import sys; sys.path.insert(0, %r); from harness import start_simulator; '
              'print(start_simulator(devices=1).process.pid, flush=True)' % harness_dir)
    started = subprocess.run([sys.executable, '-c', script], capture_output=True, text=True, timeout=120, check=True)
    pid = int(started.stdout.split()[-1])
    deadline = time.monotonic() + 15
    while not process_gone(pid):
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            pytest.fail('the simulator (pid %d) outlived the process that started it by 15 s' % pid)
        time.sleep(0.1)
