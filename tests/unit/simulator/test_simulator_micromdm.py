# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator's MicroMDM 1.x (/micromdm/v1) and NanoMDM (/nanomdm/v1) routes against plain HTTP
calls: the paths, methods, bodies, statuses and answers of micromdm_v1.py and micromdm_nanomdm.py
(which cite the micromdm/micromdm and micromdm/nanomdm sources they follow).

Uses the session simulator of tests/unit/conftest.py (reset before each test).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import datetime
import plistlib

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

TIMEOUT = 30
PROFILE = {'PayloadType': 'Configuration', 'PayloadVersion': 1, 'PayloadIdentifier': 'com.example.unit',
           'PayloadUUID': '6B0E5B2C-3C41-4F5B-9C51-0A1F0E6C2A11'}


def v1(sim, method, path, password=None, **kwargs):
    auth = ('micromdm', password or sim.config['micromdm_api_key'])
    return requests.request(method, sim.config['micromdm_url'] + '/v1' + path, auth=auth, timeout=TIMEOUT, **kwargs)


def nano(sim, method, path, user='nanomdm', **kwargs):
    url = sim.config['micromdm_url'].rsplit('/micromdm', 1)[0] + '/nanomdm/v1' + path
    return requests.request(method, url, auth=(user, sim.config['micromdm_api_key']), timeout=TIMEOUT, **kwargs)


def devices(sim):
    return v1(sim, 'POST', '/devices', json={}).json()['devices']


def enrolled(sim):
    return [d for d in devices(sim) if d['enrollment_status']]


def mobileconfig(profile=None, fmt=plistlib.FMT_XML):
    return base64.b64encode(plistlib.dumps(profile or PROFILE, fmt=fmt)).decode()


def test_devices_are_listed_with_post_and_filters(sim):
    everything = devices(sim)
    assert len(everything) == 250
    assert set(everything[0]) == {'serial_number', 'udid', 'enrollment_status', 'last_seen', 'dep_profile_status'}
    one = [d for d in everything if d['serial_number']][0]
    assert v1(sim, 'POST', '/devices', json={'filter_serial': [one['serial_number']]}).json()['devices'] == [one]
    assert v1(sim, 'POST', '/devices', json={'filter_udid': [one['udid']]}).json()['devices'] == [one]
    assert v1(sim, 'POST', '/devices', json={'filter_udid': 'not a list'}).status_code == 400
    assert v1(sim, 'GET', '/devices').status_code == 405  # a GET with a body became a POST (micromdm #522)
    refused = v1(sim, 'POST', '/devices', json={}, password='wrong')
    assert refused.status_code == 401 and refused.headers['WWW-Authenticate'] == 'Basic realm="micromdm"'


def test_commands_are_queued_as_plists_viewed_and_cleared(sim):
    udid = enrolled(sim)[0]['udid']
    answer = v1(sim, 'POST', '/commands', json={'udid': udid, 'request_type': 'DeviceLock', 'pin': '123456'})
    assert answer.status_code == 200
    command_uuid = answer.json()['payload']['CommandUUID']
    assert answer.json()['payload']['Command'] == {'request_type': 'DeviceLock', 'pin': '123456'}
    queue = v1(sim, 'GET', '/commands/' + udid).json()
    assert list(queue) == ['device_command']
    entry = queue['device_command']['commands'][0]
    assert entry['uuid'] == command_uuid
    assert plistlib.loads(base64.b64decode(entry['payload'])) == {
        'CommandUUID': command_uuid, 'Command': {'RequestType': 'DeviceLock', 'PIN': '123456'}}
    profile = mobileconfig()
    v1(sim, 'POST', '/commands', json={'udid': udid, 'request_type': 'InstallProfile', 'payload': profile})
    queued = v1(sim, 'GET', '/commands/' + udid).json()['device_command']['commands']
    assert plistlib.loads(base64.b64decode(queued[1]['payload']))['Command']['Payload'] == base64.b64decode(profile)
    assert v1(sim, 'POST', '/commands', json={'request_type': 'SecurityInfo'}).status_code == 400
    assert v1(sim, 'DELETE', '/commands/' + udid).json() == {}
    assert v1(sim, 'GET', '/commands/' + udid).json() == {'device_command': {'commands': []}}


def test_push_needs_an_enrolled_device(sim):
    udid = enrolled(sim)[0]['udid']
    pushed = v1(sim, 'POST', '/push/' + udid)
    assert pushed.status_code == 200
    assert pushed.json()['status'] == 'success' and len(pushed.json()['push_notification_id']) == 36
    unknown = v1(sim, 'POST', '/push/NO-SUCH-UDID')
    assert unknown.status_code == 500
    assert unknown.json()['error'].startswith('retrieving PushInfo by UDID')


def test_profiles_put_post_delete(sim):
    listed = v1(sim, 'POST', '/profiles', json={}).json()['profiles']
    assert [p['Identifier'] for p in listed] == ['com.example.sim.baseline']
    assert set(listed[0]) == {'Identifier', 'Mobileconfig'}
    stored = {'Identifier': 'com.example.unit', 'Mobileconfig': mobileconfig()}
    assert v1(sim, 'PUT', '/profiles', json={'profile': stored}).json() == {}
    assert v1(sim, 'POST', '/profiles', json={'id': 'com.example.unit'}).json() == {'profiles': [stored]}
    # MicroMDM reads XML only when it starts with "<?xml"; anything else is taken for PKCS7
    binary = v1(sim, 'PUT', '/profiles', json={'profile': dict(stored, Mobileconfig=mobileconfig(
        fmt=plistlib.FMT_BINARY))})
    assert binary.status_code == 500 and 'not XML nor PKCS7' in binary.json()['error']
    other = v1(sim, 'PUT', '/profiles', json={'profile': dict(stored, Identifier='com.example.other')})
    assert other.status_code == 500 and other.json()['error'] == 'payload Identifier does not match Profile'
    assert v1(sim, 'DELETE', '/profiles', json={'ids': ['com.example.unit']}).json() == {}
    missing = v1(sim, 'DELETE', '/profiles', json={'ids': ['com.example.unit']})
    assert missing.status_code == 500 and missing.json()['error'] == 'not found: Profile id com.example.unit'
    assert v1(sim, 'POST', '/profiles', json={'id': 'com.example.unit'}).status_code == 500


def test_blueprints_put_post_delete(sim):
    seeded = v1(sim, 'POST', '/blueprints', json={}).json()['blueprints']
    assert sorted(b['name'] for b in seeded) == ['baseline', 'lab-setup']
    assert set(seeded[0]) == {'uuid', 'name', 'install_application_manifest_urls', 'profile_ids', 'user_uuids',
                              'skip_primary_setup_account_creation', 'set_primary_setup_account_as_regular_user',
                              'apply_at'}
    blueprint = {'uuid': '3f8c1d2e-5b6a-4c7d-8e9f-0a1b2c3d4e5f', 'name': 'unit', 'profile_ids': [],
                 'install_application_manifest_urls': ['https://mdm.example.com/repo/a.plist'],
                 'apply_at': ['Enroll']}
    assert v1(sim, 'PUT', '/blueprints', json={'blueprint': blueprint}).json() == {}
    stored = [b for b in v1(sim, 'POST', '/blueprints', json={}).json()['blueprints'] if b['name'] == 'unit'][0]
    assert stored['uuid'] == blueprint['uuid'] and stored['user_uuids'] == []
    same_name = v1(sim, 'PUT', '/blueprints', json={'blueprint': dict(blueprint, uuid='other')})
    assert same_name.status_code == 500 and same_name.json()['error'] == 'Blueprint not saved: same name unit exists'
    no_uuid = v1(sim, 'PUT', '/blueprints', json={'blueprint': dict(blueprint, uuid='')})
    assert no_uuid.json()['error'] == 'Blueprint must have Name and UUID'
    bad_profile = v1(sim, 'PUT', '/blueprints', json={'blueprint': dict(blueprint, profile_ids=['com.nope'])})
    assert bad_profile.json()['error'] == 'Profile ID com.nope in Blueprint unit does not exist'
    assert v1(sim, 'DELETE', '/blueprints', json={'names': ['unit']}).json() == {}
    assert v1(sim, 'DELETE', '/blueprints', json={'names': ['unit']}).status_code == 500


def test_block_unblock_and_dep(sim):
    udid = devices(sim)[0]['udid']
    assert v1(sim, 'POST', '/devices/%s/block' % udid).json() == {}
    assert v1(sim, 'POST', '/devices/%s/unblock' % udid).json() == {}
    sync = v1(sim, 'POST', '/dep/syncnow')
    assert sync.status_code == 200 and sync.content == b''
    dep = [d for d in devices(sim) if d['serial_number'] and d['dep_profile_status'] != 'empty'][0]
    details = v1(sim, 'POST', '/dep/devices', json={'serials': [dep['serial_number'], 'NOTINDEP']}).json()
    assert details['devices'][dep['serial_number']]['profile_status'] == dep['dep_profile_status']
    assert details['devices']['NOTINDEP'] == {'serial_number': 'NOTINDEP', 'response_status': 'NOT_ACCESSIBLE'}
    dep_profile = {'profile_name': 'unit', 'url': 'https://mdm.example.com/mdm/enroll', 'is_mdm_removable': True,
                   'devices': [dep['serial_number']]}
    defined = v1(sim, 'PUT', '/dep/profiles', json=dep_profile).json()
    assert defined['devices'] == {dep['serial_number']: 'SUCCESS'}
    assert v1(sim, 'POST', '/dep/profiles', json={'uuid': defined['profile_uuid']}).json()['profile_name'] == 'unit'
    assert v1(sim, 'PUT', '/dep/profiles', json={'profile_name': 'unit'}).status_code == 500
    assert v1(sim, 'GET', '/dep/account').json()['org_name']


def test_dep_profiles_pass_through_dep_profile_struct_assign_and_remove(sim):
    dep = [d['serial_number'] for d in devices(sim) if d['serial_number'] and d['dep_profile_status'] != 'empty'][:2]
    refused = v1(sim, 'PUT', '/dep/profiles', json={'profile_name': 'unit', 'url': 'https://mdm.example.com/enroll'})
    # MicroMDM always sends is_mdm_removable (false when absent): Apple refuses it unsupervised
    assert refused.status_code == 500
    assert refused.json() == {'error': 'define profile: unexpected dep response. status=400 DEP API Error: FLAGS_INVALID'}
    defined = v1(sim, 'PUT', '/dep/profiles', json={
        'profile_name': 'unit', 'url': 'https://mdm.example.com/enroll', 'is_supervised': True,
        'is_mdm_removable': False, 'is_mandatory': False, 'do_not_use_profile_from_backup': True,
        'skip_setup_items': ['AppleID'], 'devices': [dep[0], 'NOTINDEP']}).json()
    assert defined['devices'] == {dep[0]: 'SUCCESS', 'NOTINDEP': 'NOT_ACCESSIBLE'}
    fetched = v1(sim, 'POST', '/dep/profiles', json={'uuid': defined['profile_uuid']}).json()
    # dep.Profile re-encoded: false booleans dropped (omitempty), unknown keys gone, devices null
    assert fetched == {'profile_name': 'unit', 'profile_uuid': defined['profile_uuid'],
                       'url': 'https://mdm.example.com/enroll', 'allow_pairing': True, 'is_supervised': True,
                       'is_mdm_removable': False, 'org_magic': '', 'skip_setup_items': ['AppleID'], 'devices': None}
    record = v1(sim, 'POST', '/dep/devices', json={'serials': [dep[0]]}).json()['devices'][dep[0]]
    assert (record['profile_uuid'], record['profile_status']) == (defined['profile_uuid'], 'assigned')
    assigned = v1(sim, 'POST', '/dep/assign', json={'id': defined['profile_uuid'], 'serials': [dep[1]]}).json()
    assert assigned == {'profile_uuid': defined['profile_uuid'], 'devices': {dep[1]: 'SUCCESS'}}
    unknown = v1(sim, 'POST', '/dep/assign', json={'id': 'NOPE', 'serials': [dep[1]]})
    assert unknown.json()['error'].endswith('status=404 DEP API Error: PROFILE_NOT_FOUND')
    removed = v1(sim, 'DELETE', '/dep/profiles', json={'serials': [dep[1], 'NOTINDEP']}).json()
    assert removed == {'serials': {dep[1]: 'SUCCESS', 'NOTINDEP': 'NOT_ACCESSIBLE'}}
    record = v1(sim, 'POST', '/dep/devices', json={'serials': [dep[1]]}).json()['devices'][dep[1]]
    assert record['profile_status'] == 'removed'
    assert v1(sim, 'DELETE', '/dep/profiles', json={'serials': []}).json()['error'].endswith('DEVICE_ID_REQUIRED')


def enqueue_body(command_uuid='c7fc0872-f22f-4823-8ae0-f3d0174fb48a'):
    return plistlib.dumps({'CommandUUID': command_uuid, 'Command': {'RequestType': 'ProfileList'}})


def test_nanomdm_enqueue_and_push_answer_per_id(sim):
    ids = [d['udid'] for d in enrolled(sim)[:2]]
    queued = nano(sim, 'PUT', '/enqueue/' + ','.join(ids), data=enqueue_body())
    assert queued.status_code == 200
    assert queued.json()['command_uuid'] == 'c7fc0872-f22f-4823-8ae0-f3d0174fb48a'
    assert all(queued.json()['status'][i]['push_result'] for i in ids)
    quiet = nano(sim, 'PUT', '/enqueue/%s?nopush=1' % ids[0], data=enqueue_body())
    assert quiet.json()['no_push'] is True and quiet.json()['status'][ids[0]] == {}
    partial = nano(sim, 'GET', '/push/%s,no%%20such%%2Fid' % ids[0])
    assert partial.status_code == 207
    assert partial.json()['status']['no such/id'] == {'push_error': 'no push info found for id: no such/id'}
    assert nano(sim, 'GET', '/push/unknown-id').status_code == 500
    assert nano(sim, 'GET', '/push/' + ids[0], user='micromdm').status_code == 401
    assert nano(sim, 'PUT', '/enqueue/' + ids[0], data=b'not a plist').status_code == 500


def push_certificate(key, topic='com.apple.mgmt.External.unit'):
    name = x509.Name([x509.NameAttribute(NameOID.USER_ID, topic)])
    now = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=365))
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM)


def key_pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def test_nanomdm_pushcert(sim):
    key, other = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    uploaded = nano(sim, 'PUT', '/pushcert', data=push_certificate(key) + key_pem(key))
    assert uploaded.status_code == 200
    assert uploaded.json() == {'topic': 'com.apple.mgmt.External.unit', 'not_after': '2024-12-31T00:00:00Z'}
    mismatch = nano(sim, 'PUT', '/pushcert', data=push_certificate(key) + key_pem(other))
    assert mismatch.status_code == 400 and 'does not match' in mismatch.json()['error']
    assert nano(sim, 'PUT', '/pushcert', data=push_certificate(key)).status_code == 400
    assert nano(sim, 'GET', '/pushcert').status_code == 405  # NanoMDM has no way to read it back
