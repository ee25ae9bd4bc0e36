# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Apple Business / School Manager: hosts and scopes, token lifetime, the activity log's host,
request minimums on a large organization, and what the simulator refuses as Apple does."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone

import jwt
import pytest
import requests

from ansible_collections.mdmkit.mdm.plugins.module_utils import abm as abm_module
from ansible_collections.mdmkit.mdm.plugins.module_utils import abm_devices
from ansible_collections.mdmkit.mdm.plugins.module_utils.connection import client_from_options
from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError

TOKEN_PATH = '/abm/auth/oauth2/token'


def options(sim, **overrides):
    cfg = sim.config
    values = dict(client_id=cfg['abm_client_id'], key_id=cfg['abm_key_id'],
                  private_key_path=cfg['abm_private_key_path'], base_url=cfg['abm_base_url'],
                  token_url=cfg['abm_token_url'], api='business', timeout=5, max_retries=2,
                  validate_certs=True, rate_limit_max_wait=30)
    values.update(overrides)
    return values


def client(sim, **overrides):
    return client_from_options('abm', options(sim, **overrides).get)


def tokens_requested(sim, since=0):
    return [r for r in sim.requests(since=since) if r['path'] == TOKEN_PATH]


def last_seq(sim):
    entries = sim.requests()
    return entries[-1]['seq'] if entries else 0


def activity(session, base, activity_type, serials, server=None, deadline=None):
    data = {'type': 'orgDeviceActivities', 'attributes': {'activityType': activity_type},
            'relationships': {'devices': {'data': [{'type': 'orgDevices', 'id': s} for s in serials]}}}
    if server:
        data['relationships']['mdmServer'] = {'data': {'type': 'mdmServers', 'id': server}}
    if deadline:
        data['attributes']['activityTypeMetadata'] = {'mdmMigrationDeadlineDateTime': deadline}
    return session.post(base + '/v1/orgDeviceActivities', json={'data': data}, timeout=10)


def finished(session, created, limit=20):
    stop = time.time() + limit
    while time.time() < stop:
        attributes = session.get(created.json()['data']['links']['self'], timeout=10).json()['data']['attributes']
        if attributes['status'] != 'IN_PROGRESS':
            return attributes
        time.sleep(0.25)
    raise AssertionError('activity still in progress')


def bearer_session(sim, school=False):
    api = client(sim, **({'api': 'school', 'client_id': sim.config['asm_client_id'],
                          'base_url': sim.config['asm_base_url']} if school else {}))
    session = requests.Session()
    session.headers['Authorization'] = 'Bearer ' + api.access_token()
    return session


@pytest.fixture(autouse=True)
def fresh_tokens():
    abm_module._TOKENS.clear()
    yield
    abm_module._TOKENS.clear()


# ---- hosts and scopes ---------------------------------------------------------------------

@pytest.mark.parametrize('api,host,scope,vendor_label', [
    ('business', 'https://api-business.apple.com', 'business.api', 'Apple Business Manager'),
    ('school', 'https://api-school.apple.com', 'school.api', 'Apple School Manager'),
])
def test_api_picks_apple_host_and_scope_without_base_url(sim, api, host, scope, vendor_label):
    """Apple's documented hosts (api-business.apple.com/v1/..., api-school.apple.com/v1/...)."""
    values = options(sim, api=api, client_id=sim.config['asm_client_id' if api == 'school' else 'abm_client_id'])
    del values['base_url']
    abm = client_from_options('abm', values.get)
    assert abm.base_url == host
    assert abm.url_for('v1/orgDevices') == host + '/v1/orgDevices'
    assert abm.scope == scope and abm.vendor_label == vendor_label
    abm.access_token()  # the token URL is the simulator's: see the scope actually asked for
    sent = tokens_requested(sim)
    assert len(sent) == 1 and 'scope=%s' % scope in sent[0]['body_excerpt']


def test_school_mount_takes_only_school_tokens(sim):
    school = bearer_session(sim, school=True)
    business = bearer_session(sim)
    assert school.get(sim.config['asm_base_url'] + '/v1/mdmServers', timeout=10).status_code == 200
    assert business.get(sim.config['asm_base_url'] + '/v1/mdmServers', timeout=10).status_code == 401
    assert school.get(sim.config['abm_base_url'] + '/v1/mdmServers', timeout=10).status_code == 401


@pytest.mark.parametrize('client_key,scope', [('abm_client_id', 'school.api'), ('asm_client_id', 'business.api')])
def test_an_account_gets_only_its_own_scope(sim, client_key, scope):
    """An Apple Business account has no school.api scope, and an Apple School account no business.api."""
    with pytest.raises(Exception) as err:
        client(sim, client_id=sim.config[client_key], api=scope.split('.')[0]).access_token()
    assert 'invalid_scope' in str(err.value)


def assertion(sim, lifetime):
    now = int(time.time())
    client_id = sim.config['abm_client_id']
    with open(sim.config['abm_private_key_path']) as handle:
        key = handle.read()
    return jwt.encode({'iss': client_id, 'sub': client_id, 'aud': abm_module.ASSERTION_AUDIENCE, 'iat': now,
                       'exp': now + lifetime, 'jti': str(uuid.uuid4())}, key, algorithm='ES256',
                      headers={'kid': sim.config['abm_key_id']})


@pytest.mark.parametrize('days,status', [(179, 200), (181, 400)])
def test_assertion_valid_over_180_days_is_refused(sim, days, status):
    form = {'grant_type': 'client_credentials', 'client_id': sim.config['abm_client_id'], 'scope': 'business.api',
            'client_assertion_type': 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
            'client_assertion': assertion(sim, days * 86400)}
    answer = requests.post(sim.config['abm_token_url'], data=form, timeout=10)
    assert answer.status_code == status
    if status == 400:
        assert answer.json() == {'error': 'invalid_client'}


# ---- private key ---------------------------------------------------------------------------

def test_bad_key_file_names_private_key_path(sim, tmp_path):
    junk = tmp_path / 'abm.pem'
    junk.write_text('-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----\n')
    with pytest.raises(ConfigError) as err:
        client(sim, private_key_path=str(junk))
    assert err.value.msg.startswith('private_key_path is not a valid unencrypted PEM private key')
    assert 'not base64' not in err.value.msg


def test_bad_inline_key_names_private_key(sim):
    with pytest.raises(ConfigError) as err:
        client(sim, private_key_path=None, private_key='not a key')
    assert err.value.msg.startswith('private_key is not a valid') and 'not a key' not in err.value.msg


# ---- token lifetime ------------------------------------------------------------------------

def test_renewal_margin_is_proportional_to_short_lifetimes():
    assert abm_module.renewal_time(1000, 3600) == 1000 + 3600 - 30  # Apple's one-hour tokens
    assert abm_module.renewal_time(1000, 4) == pytest.approx(1000 + 4 - 0.4)
    assert abm_module.renewal_time(1000, 30) == pytest.approx(1000 + 27)


def test_short_lived_token_is_renewed_once_across_its_expiry(sim):
    """Tokens of 3 s; a run of about 4.5 s with a request every 0.25 s fetches exactly two, never meets a 401."""
    sim.control('POST', 'abm/token_ttl', {'seconds': 3})
    api = client(sim)
    start = time.time()
    reads = 0
    while time.time() - start < 4.5:
        api.get('v1/mdmServers')
        reads += 1
        time.sleep(0.25)
    log = sim.requests(vendor='abm')
    assert reads >= 10
    assert len([r for r in log if r['path'] == TOKEN_PATH]) == 2
    assert [r for r in log if r['status'] == 401] == []


def test_revoked_token_is_renewed_once_on_401(sim):
    """Deterministic: the simulator revokes every token when the third request arrives."""
    api = client(sim)
    api.get('v1/mdmServers')
    sim.control('POST', 'abm/expire_tokens', {'on': '/orgDevices$'})
    api.get('v1/mdmServers')
    list(api.paginate('v1/orgDevices'))
    api.get('v1/mdmServers')
    log = sim.requests(vendor='abm')
    assert [(r['path'], r['status']) for r in log if r['status'] == 401] == [('/abm/v1/orgDevices', 401)]
    assert len([r for r in log if r['path'] == TOKEN_PATH]) == 2


def test_token_cache_file_holds_token_and_times_only(sim, tmp_path):
    api = client(sim, token_cache=True, token_cache_dir=str(tmp_path))
    api.get('v1/mdmServers')
    import json
    entries = json.loads((tmp_path / 'abm-tokens.json').read_text())
    (entry,) = entries.values()
    assert sorted(entry) == ['access_token', 'expires_at', 'renew_at']
    assert entry['expires_at'] - entry['renew_at'] == pytest.approx(30)


# ---- the activity log lives on another host: no credentials go there ----------------------

def test_activity_log_is_read_without_the_bearer_token(sim):
    api = client(sim)
    fleet = sim.fleet()
    locked = fleet['abm']['locked_serials'][0]
    target = fleet['abm']['mdm_servers']['Esper']
    created = abm_devices.create_activity(api, 'ASSIGN_DEVICES', target, [locked])
    pending = abm_devices.wait_for_activities(api, [created], 20, 0.3)
    assert not pending and created['status'] == 'FAILED'
    url = created['download_url']
    assert not url.startswith(api.base_url + '/')  # outside the API: the client treats it as foreign
    # The blob refuses a request carrying Authorization (as pre-signed blob stores do), so a log
    # read back proves no token went with it.
    assert requests.get(url, headers={'Authorization': 'Bearer x'}, timeout=10).status_code == 400
    mark = last_seq(sim)
    outcomes = abm_devices.activity_log(api, created)
    assert outcomes == [{'serial': locked, 'status': 'FAILED', 'ok': False,
                         'message': 'Device is locked and cannot be reassigned'}]
    (download,) = sim.requests(since=mark)
    assert download['path'].startswith('/blobstore/') and download['status'] == 200


# ---- what the simulator refuses as Apple does ------------------------------------------------

def test_release_is_refused_on_the_school_api(sim):
    serial = sim.fleet()['abm']['locked_serials'][0]
    school = activity(bearer_session(sim, school=True), sim.config['asm_base_url'], 'RELEASE_DEVICES', [serial])
    assert school.status_code == 409 and 'RELEASE_DEVICES' not in school.json()['errors'][0]['detail']
    business = activity(bearer_session(sim), sim.config['abm_base_url'], 'RELEASE_DEVICES', [serial])
    assert business.status_code == 201


def stamp(moment):
    return moment.strftime('%Y-%m-%dT%H:%M:%S.000Z')


def test_migration_deadline_range_update_and_cancel(sim):
    session, base = bearer_session(sim), sim.config['abm_base_url']
    fleet = sim.fleet()
    esper = fleet['abm']['mdm_servers']['Esper']
    locked = set(fleet['abm']['locked_serials'])
    serials = [d['id'] for d in session.get(base + '/v1/orgDevices', params={'limit': 20}, timeout=10).json()['data']
               if d['id'] not in locked][:3]
    now = datetime.now(timezone.utc)
    for days in (91, -1):  # beyond Apple's 90 days, or already past: refused at once
        answer = activity(session, base, 'ASSIGN_DEVICES_WITH_MDM_MIGRATION_DEADLINE', serials[:2], esper,
                          stamp(now + timedelta(days=days)))
        assert answer.status_code == 409, days
    deadline = stamp(now + timedelta(days=30))
    created = activity(session, base, 'ASSIGN_DEVICES_WITH_MDM_MIGRATION_DEADLINE', serials[:2], esper, deadline)
    assert finished(session, created)['subStatus'] == 'COMPLETED_WITH_SUCCESS'

    def migration(serial):
        attributes = session.get(base + '/v1/orgDevices/' + serial, timeout=10).json()['data']['attributes']
        return attributes.get('mdmMigrationStatus'), attributes.get('mdmMigrationDeadlineDateTime')

    assert migration(serials[0]) == ('REQUESTED', deadline)
    assert activity(session, base, 'UPDATE_MDM_MIGRATION_DEADLINE', serials, None,
                    stamp(now + timedelta(days=91))).status_code == 409
    later = stamp(now + timedelta(days=60))
    created = activity(session, base, 'UPDATE_MDM_MIGRATION_DEADLINE', serials, None, later)
    assert created.status_code == 201
    done = finished(session, created)
    assert (done['status'], done['subStatus']) == ('COMPLETED', 'COMPLETED_WITH_ERROR')
    log = requests.get(done['downloadUrl'], timeout=10).text
    assert '%s,UPDATE_MDM_MIGRATION_DEADLINE,,FAILED,Device is not undergoing' % serials[2] in log
    assert migration(serials[0]) == ('REQUESTED', later)
    done = finished(session, activity(session, base, 'CANCEL_MDM_MIGRATION', serials[:1]))
    assert done['subStatus'] == 'COMPLETED_WITH_SUCCESS'
    assert migration(serials[0]) == (None, None) and migration(serials[1]) == ('REQUESTED', later)


def test_unassign_leaves_a_device_on_another_service(sim):
    session, base = bearer_session(sim), sim.config['abm_base_url']
    servers = sim.fleet()['abm']['mdm_servers']
    api = client(sim)
    devices = list(abm_devices.list_devices(api))
    current = abm_devices.assignments(api, abm_devices.list_servers(api))
    on_esper = [d['id'] for d in devices if current.get(d['id']) == servers['Esper']][0]
    done = finished(session, activity(session, base, 'UNASSIGN_DEVICES', [on_esper], servers['Staging']))
    assert (done['status'], done['subStatus']) == ('FAILED', 'COMPLETED_WITH_ERROR')
    assert abm_devices.assigned_server_id(api, on_esper) == servers['Esper']


# ---- request minimums on an organization of 5000 devices (5 pages) ---------------------------

@pytest.fixture(scope='module')
def big_sim():
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', '..', 'simulator'))
    from harness import start_simulator  # pylint: disable=import-outside-toplevel
    sim = start_simulator(devices=5000, seed=3)
    yield sim
    sim.stop()


@pytest.fixture(scope='module')
def org(big_sim):
    api = client(big_sim)
    servers = abm_devices.list_servers(api)
    devices = list(abm_devices.list_devices(api))
    return dict(servers=servers, devices=devices, assigned=abm_devices.assignments(api, servers),
                statuses=dict((d['id'], d['status']) for d in devices))


def counted(sim, func):
    abm_module._TOKENS.clear()
    mark = last_seq(sim)
    value = func(client(sim))
    return value, [r for r in sim.requests(since=mark) if r['path'] != TOKEN_PATH]


def test_few_serials_are_not_looked_up_by_paging_the_whole_org(big_sim, org):
    last = [d['id'] for d in org['devices'][-3:]]  # on the last of 5 pages
    (found, missing), reads = counted(big_sim, lambda api: abm_devices.get_devices(api, last + ['NOSUCHSERIAL1']))
    assert sorted(found) == sorted(last) and missing == ['NOSUCHSERIAL1']
    # one page (it might have held them), then one GET each for the 4 still missing, no more than the 4 pages left
    assert [r['path'].rsplit('/', 1)[-1] for r in reads] == ['orgDevices'] + last + ['NOSUCHSERIAL1']
    first = [d['id'] for d in org['devices'][:3]]
    (found, missing), reads = counted(big_sim, lambda api: abm_devices.get_devices(api, first))
    assert len(found) == 3 and len(reads) == 1  # all on the first page
    many = [d['id'] for d in org['devices'][::400]]  # 13 serials spread over every page: the pages are fewer
    (found, missing), reads = counted(big_sim, lambda api: abm_devices.get_devices(api, many))
    assert len(found) == 13 and len(reads) == 5 and {r['path'] for r in reads} == {'/abm/v1/orgDevices'}


def test_assignments_take_the_fewest_requests(big_sim, org):
    assigned = [d['id'] for d in org['devices'] if d['status'] == 'ASSIGNED']
    unassigned = [d['id'] for d in org['devices'] if d['status'] == 'UNASSIGNED']
    pages = dict((s['id'], -(-sum(1 for v in org['assigned'].values() if v == s['id']) // 1000))
                 for s in org['servers'])

    def check(serials, only=None):
        current, reads = counted(big_sim, lambda api: abm_devices.assignments_for(
            api, org['servers'], serials, statuses=org['statuses'], only=only))
        for serial in serials:
            expected = org['assigned'].get(serial)
            if only and expected and expected != only:
                expected = abm_devices.ELSEWHERE
            assert current[serial] == expected, serial
        return reads

    # unassigned devices need no request at all
    assert check(unassigned[:50]) == []
    # three assigned devices, four services: one link each
    reads = check(assigned[:3])
    assert len(reads) == 3 and all(r['path'].endswith('/relationships/assignedServer') for r in reads)
    # thousands of devices: every list once, page by page, never one request per device
    reads = check(assigned[:3000] + unassigned[:100])
    assert len(reads) == sum(pages.values())
    assert all(r['path'].endswith('/relationships/devices') for r in reads)
    # only one service matters (the target of an assignment without --diff): its list alone
    staging = [s['id'] for s in org['servers'] if s['server_name'] == 'Staging'][0]
    reads = check(assigned[:3000], only=staging)
    assert len(reads) == pages[staging] and all(staging in r['path'] for r in reads)
    # a middle count never costs more than the cheaper of the two ways
    middle = assigned[:9]
    assert len(check(middle)) <= min(len(middle), sum(pages.values()))
