# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared client against the simulator: paging, retries, write safety, auth, errors, secrets."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

import pytest

from ansible_collections.mdmkit.mdm.plugins.module_utils import abm as abm_module
from ansible_collections.mdmkit.mdm.plugins.module_utils.connection import client_from_options
from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import (
    AuthError,
    ApiError,
    ConfigError,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitedError,
    TransportError,
)

WRITES = ('POST', 'PUT', 'PATCH', 'DELETE')


def options(sim, vendor, **overrides):
    cfg = sim.config
    values = {
        'simplemdm': dict(api_key=cfg['simplemdm_api_key'], base_url=cfg['simplemdm_base_url']),
        'abm': dict(client_id=cfg['abm_client_id'], key_id=cfg['abm_key_id'],
                    private_key_path=cfg['abm_private_key_path'], base_url=cfg['abm_base_url'],
                    token_url=cfg['abm_token_url'], api='business'),
        'esper': dict(api_key=cfg['esper_api_key'], base_url=cfg['esper_base_url']),
        'micromdm': dict(api_key=cfg['micromdm_api_key'], server_url=cfg['micromdm_url']),
    }[vendor]
    values.update(timeout=5, max_retries=4, validate_certs=True, rate_limit_max_wait=30)
    values.update(overrides)
    return values


def client(sim, vendor, **overrides):
    return client_from_options(vendor, options(sim, vendor, **overrides).get)


def logged(sim, **match):
    return [r for r in sim.requests() if all(r.get(k) == v for k, v in match.items())]


@pytest.fixture(autouse=True)
def fresh_tokens():
    abm_module._TOKENS.clear()
    yield
    abm_module._TOKENS.clear()


# ---- paging ---------------------------------------------------------------------------

def test_simplemdm_pages_every_device(sim):
    api = client(sim, 'simplemdm')
    ids = [d['id'] for d in api.paginate('devices', params={'include_awaiting_enrollment': 'true'})]
    assert len(ids) == 250 and len(set(ids)) == 250
    pages = logged(sim, vendor='simplemdm', method='GET')
    assert len(pages) == 3  # ceil(250 / 100)
    assert pages[1]['query']['starting_after'] == str(ids[99])


def test_abm_pages_with_cursor(sim):
    api = client(sim, 'abm')
    serials = [d['id'] for d in api.paginate('v1/orgDevices', limit=100)]
    assert len(serials) == 250 and len(set(serials)) == 250
    gets = logged(sim, vendor='abm', method='GET')
    assert len(gets) == 3
    assert 'cursor' not in gets[0]['query'] and 'cursor' in gets[1]['query']


@pytest.mark.parametrize('workers', [1, 4])
def test_esper_pages_by_offset(sim, workers):
    api = client(sim, 'esper')
    ids = [d['id'] for d in api.paginate('device/v0/devices/', limit=50, workers=workers)]
    assert len(ids) == 250 and len(set(ids)) == 250
    offsets = sorted(int(r['query']['offset']) for r in logged(sim, vendor='esper', method='GET'))
    assert offsets == [0, 50, 100, 150, 200]


def test_micromdm_lists_all_devices(sim):
    api = client(sim, 'micromdm')
    devices = api.list_all('devices', 'devices')
    assert len(devices) == 250
    assert len(logged(sim, vendor='micromdm')) == 1


# ---- retries --------------------------------------------------------------------------

def test_429_waits_for_retry_after_before_the_next_request(sim):
    sim.faults([{'kind': 'rate_limit', 'vendor': 'simplemdm', 'every': 3, 'retry_after': 1}])
    api = client(sim, 'simplemdm')
    devices = list(api.paginate('devices', limit=50, params={'include_awaiting_enrollment': 'true'}))
    assert len(devices) == 250
    log = logged(sim, vendor='simplemdm')
    limited = [i for i, r in enumerate(log) if r['status'] == 429]
    assert limited, 'the fault never fired'
    for i in limited:
        assert log[i + 1]['start'] >= log[i]['end'] + 1.0, 'a request went out before Retry-After ended'
    assert all(reason == 'HTTP 429' for _seconds, reason in api.waits)


def test_429_with_http_date_retry_after(sim):
    sim.faults([{'kind': 'rate_limit', 'vendor': 'esper', 'count': 1,
                 'retry_after': time.strftime('%a, %d %b %Y %H:%M:%S GMT', time.gmtime(time.time() + 2))}])
    api = client(sim, 'esper')
    started = time.time()
    api.get('device/v0/devices/', params={'limit': 1})
    assert time.time() - started >= 1.0


@pytest.mark.parametrize('reset,low,high', [
    (lambda: str(time.time() + 20), 18, 20),  # SimpleMDM: epoch seconds
    (lambda: '30', 29.9, 30),                 # a gateway's delta in seconds
])
def test_rate_limit_reset_header_alone_sets_the_wait(reset, low, high):
    from ansible_collections.mdmkit.mdm.plugins.module_utils.retries import RetryPolicy

    class FakeResponse:
        status = 429
        headers = {'X-RateLimit-Reset': reset()}

    wait = RetryPolicy().get_retry_after(FakeResponse())
    assert low < wait <= high


def test_rate_limit_wait_longer_than_allowed_fails_at_once(sim):
    sim.faults([{'kind': 'rate_limit', 'vendor': 'simplemdm', 'retry_after': 120}])
    api = client(sim, 'simplemdm', rate_limit_max_wait=5)
    started = time.time()
    with pytest.raises(RateLimitedError) as err:
        api.get('devices')
    assert time.time() - started < 5
    assert 'asked to wait 120 s' in err.value.msg and 'rate_limit_max_wait' in err.value.msg


def test_503_is_retried_for_reads(sim):
    sim.faults([{'kind': 'status', 'status': 503, 'vendor': 'micromdm', 'count': 2}])
    api = client(sim, 'micromdm')
    assert len(api.list_all('devices', 'devices')) == 250
    assert [r['status'] for r in logged(sim, vendor='micromdm')] == [503, 503, 200]


def test_502_on_post_is_not_retried(sim):
    sim.faults([{'kind': 'status', 'status': 502, 'vendor': 'simplemdm', 'method': 'POST', 'count': 1}])
    api = client(sim, 'simplemdm')
    with pytest.raises(ApiError) as err:
        api.post('custom_attributes', data={'name': 'retry_probe'})
    assert err.value.status == 502
    assert len(logged(sim, vendor='simplemdm', method='POST')) == 1


def test_429_on_post_is_retried_because_nothing_was_done(sim):
    sim.faults([{'kind': 'rate_limit', 'vendor': 'simplemdm', 'method': 'POST', 'count': 1, 'retry_after': 1}])
    api = client(sim, 'simplemdm')
    api.post('custom_attributes', data={'name': 'after_429'})
    assert [r['status'] for r in logged(sim, vendor='simplemdm', method='POST')] == [429, 201]


def test_post_is_not_resent_after_a_read_timeout(sim):
    sim.faults([{'kind': 'slow', 'vendor': 'simplemdm', 'method': 'POST', 'delay': 3, 'count': 1}])
    api = client(sim, 'simplemdm', timeout=1)
    with pytest.raises(OutcomeUnknownError) as err:
        api.post('custom_attributes', data={'name': 'slow_one'})
    assert 'outcome is unknown' in err.value.msg and 'not sent again' in err.value.msg
    assert '/custom_attributes' in err.value.msg
    time.sleep(2.5)  # let the slow request finish on the server
    assert len(logged(sim, vendor='simplemdm', method='POST')) == 1


def test_post_is_not_resent_after_a_reset_once_it_acted(sim):
    sim.faults([{'kind': 'reset', 'phase': 'after', 'vendor': 'simplemdm', 'method': 'POST', 'count': 1}])
    api = client(sim, 'simplemdm')
    with pytest.raises(OutcomeUnknownError):
        api.post('custom_attributes', data={'name': 'reset_after'})
    assert len(logged(sim, vendor='simplemdm', method='POST')) == 1
    # The server did act: the attribute exists.
    assert api.get('custom_attributes/reset_after')['data']['id'] == 'reset_after'


def test_get_is_retried_after_a_reset(sim):
    sim.faults([{'kind': 'reset', 'phase': 'before', 'vendor': 'esper', 'count': 1}])
    api = client(sim, 'esper')
    api.get('device/v0/devices/', params={'limit': 1})
    assert [r['status'] for r in logged(sim, vendor='esper')] == [None, 200]  # dropped, then resent


def test_post_is_retried_when_the_connection_was_refused():
    # Nothing listens on port 9: no byte left, so even a POST may be tried again.
    api = client_from_options('simplemdm', dict(api_key='k' * 12, base_url='http://127.0.0.1:9/api/v1',
                                                timeout=1, max_retries=2).get)
    with pytest.raises(TransportError) as err:
        api.post('custom_attributes', data={'name': 'refused'})
    assert not isinstance(err.value, OutcomeUnknownError)
    assert 'Could not connect' in err.value.msg and 'gave up after 2 retries' in err.value.msg
    assert [reason for _seconds, reason in api.waits] == ['backoff', 'backoff']


def test_small_trickled_answer_is_cut_at_the_timeout(sim):
    # A small body trickled over 6 s, each piece within the socket timeout: only a deadline on the
    # whole body stops it. (Before the body was read one socket read at a time under the time
    # left, this took the full 6 s.)
    sim.faults([{'kind': 'slow', 'vendor': 'simplemdm', 'method': 'GET', 'delay': 6}])
    api = client(sim, 'simplemdm', timeout=1, max_retries=0)
    started = time.time()
    with pytest.raises(TransportError) as err:
        api.get('account')
    assert time.time() - started < 1.8
    assert 'timed out after 1' in err.value.msg and '/account' in err.value.msg


def test_read_timeout_after_retries_says_timed_out(sim):
    sim.faults([{'kind': 'latency', 'vendor': 'micromdm', 'method': 'GET', 'delay': 2}])
    api = client(sim, 'micromdm', timeout=0.5, max_retries=1)
    with pytest.raises(TransportError) as err:
        api.get('devices')
    assert 'timed out after 0.5s (gave up after 1 retry)' in err.value.msg, err.value.msg
    assert 'lost its connection' not in err.value.msg


def test_slow_read_times_out_naming_the_endpoint(sim):
    sim.faults([{'kind': 'slow', 'vendor': 'micromdm', 'delay': 3}])
    api = client(sim, 'micromdm', timeout=0.5, max_retries=1)
    started = time.time()
    with pytest.raises(TransportError) as err:
        api.get('devices')
    assert time.time() - started < 3
    assert 'timed out' in err.value.msg and '/management/v1/devices' in err.value.msg


def test_connection_refused_is_a_transport_error():
    api = client_from_options('simplemdm', dict(api_key='k' * 12, base_url='http://127.0.0.1:9/api/v1',
                                                timeout=1, max_retries=0).get)
    with pytest.raises(TransportError) as err:
        api.get('devices')
    assert 'Could not connect to SimpleMDM' in err.value.msg


# ---- commands sent with PUT or DELETE: request(..., resend=False) ------------------------

BLUETOOTH = r'/devices/\d+/bluetooth$'


def a_device_id(api):
    return api.get('devices', params={'limit': 1})['data'][0]['id']


def test_delete_command_is_not_resent_once_it_reached_the_server(sim):
    api = client(sim, 'simplemdm')
    path = 'devices/%s/bluetooth' % a_device_id(api)
    sim.faults([{'kind': 'reset', 'phase': 'after', 'vendor': 'simplemdm', 'method': 'DELETE',
                 'path_regex': BLUETOOTH}])
    with pytest.raises(OutcomeUnknownError) as err:
        api.request('DELETE', path, resend=False)
    assert 'outcome is unknown' in err.value.msg and 'not sent again' in err.value.msg
    assert err.value.details['outcome'] == 'unknown'
    assert [r['status'] for r in logged(sim, vendor='simplemdm', method='DELETE')] == [None]
    # the same DELETE as a resource write (the default) is resent: the opt-out is what stops it
    sim.reset()
    sim.faults([{'kind': 'reset', 'phase': 'after', 'vendor': 'simplemdm', 'method': 'DELETE',
                 'path_regex': BLUETOOTH, 'count': 1}])
    api.request('DELETE', path)
    assert [r['status'] for r in logged(sim, vendor='simplemdm', method='DELETE')] == [None, 202]


def test_get_command_is_not_resent_either(sim):
    # NanoMDM's push is a GET that acts: resend=False holds for any method
    api = client(sim, 'simplemdm')
    sim.faults([{'kind': 'reset', 'phase': 'after', 'vendor': 'simplemdm', 'method': 'GET', 'path_regex': 'account'}])
    with pytest.raises(OutcomeUnknownError):
        api.request('GET', 'account', resend=False)
    assert [r['status'] for r in logged(sim, vendor='simplemdm', method='GET')] == [None]


def test_delete_command_is_not_resent_after_a_read_timeout_or_a_502(sim):
    api = client(sim, 'simplemdm', timeout=1)
    path = 'devices/%s/bluetooth' % a_device_id(api)
    sim.faults([{'kind': 'latency', 'vendor': 'simplemdm', 'method': 'DELETE', 'delay': 2, 'count': 1}])
    with pytest.raises(OutcomeUnknownError) as err:
        api.request('DELETE', path, resend=False)
    assert 'timed out' in err.value.msg
    sim.faults([{'kind': 'status', 'status': 502, 'vendor': 'simplemdm', 'method': 'DELETE', 'count': 1}])
    with pytest.raises(ApiError) as err:
        api.delete(path, resend=False)
    assert err.value.status == 502
    time.sleep(1.5)  # the delayed one reaches the log once the server has answered it
    assert len(logged(sim, vendor='simplemdm', method='DELETE')) == 2  # one each


def test_delete_command_is_retried_after_a_refusal(sim):
    api = client(sim, 'simplemdm')
    path = 'devices/%s/bluetooth' % a_device_id(api)
    sim.faults([{'kind': 'rate_limit', 'vendor': 'simplemdm', 'method': 'DELETE', 'count': 1, 'retry_after': 1},
                {'kind': 'status', 'status': 503, 'retry_after': 1, 'vendor': 'simplemdm', 'method': 'DELETE',
                 'count': 1}])
    assert api.request('DELETE', path, resend=False).status == 202
    assert [r['status'] for r in logged(sim, vendor='simplemdm', method='DELETE')] == [429, 503, 202]


def test_command_refused_by_a_bare_429_is_not_retried(sim):
    # A 429 without Retry-After or X-RateLimit-Reset (SimpleMDM's refresh of a device refreshed
    # recently) is the command's answer: no blind backoff. A plain GET still backs off and retries.
    api = client(sim, 'simplemdm')
    path = 'devices/%s/bluetooth' % a_device_id(api)
    sim.faults([{'kind': 'status', 'status': 429, 'vendor': 'simplemdm', 'method': 'DELETE', 'count': 1}])
    with pytest.raises(RateLimitedError):
        api.request('DELETE', path, resend=False)
    assert [r['status'] for r in logged(sim, vendor='simplemdm', method='DELETE')] == [429]
    sim.faults([{'kind': 'status', 'status': 429, 'vendor': 'simplemdm', 'method': 'GET', 'path_regex': 'account',
                 'count': 1}])
    api.get('account')
    assert [r['status'] for r in sim.requests() if r['path'].endswith('/account')] == [429, 200]


def test_nanomdm_enqueue_is_not_resent(sim):
    from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm_commands import send_nanomdm
    api = client(sim, 'micromdm', server_url=sim.config['url'] + '/nanomdm', flavor='nanomdm')
    udid = client(sim, 'micromdm').list_all('devices', 'devices')[0]['udid']
    sim.faults([{'kind': 'reset', 'phase': 'after', 'vendor': 'micromdm', 'method': 'PUT', 'path_regex': 'enqueue'}])
    with pytest.raises(OutcomeUnknownError):
        send_nanomdm(api, 'DeviceInformation', [udid], {})
    assert len(logged(sim, vendor='micromdm', method='PUT')) == 1


# ---- errors ---------------------------------------------------------------------------

def test_malformed_json_reports_status_and_excerpt(sim):
    sim.faults([{'kind': 'malformed_json', 'vendor': 'simplemdm', 'count': 1}])
    api = client(sim, 'simplemdm')
    with pytest.raises(ApiError) as err:
        api.get('account')
    assert 'malformed JSON' in err.value.msg and 'HTTP 200' in err.value.msg


def test_html_error_page_reports_status_and_excerpt(sim):
    sim.faults([{'kind': 'html', 'status': 500, 'vendor': 'esper', 'method': 'POST', 'count': 1}])
    api = client(sim, 'esper')
    with pytest.raises(ApiError) as err:
        api.post('v2/converge', json_body={})
    assert 'HTTP 500' in err.value.msg and '<' not in err.value.msg


@pytest.mark.parametrize('method', ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])
def test_2xx_with_an_html_body_is_an_error_from_the_json_helpers(sim, method):
    # a captive portal or a proxy login page answering 200 instead of the API
    sim.faults([{'kind': 'html', 'status': 200, 'vendor': 'simplemdm', 'method': method}])
    api = client(sim, 'simplemdm')
    with pytest.raises(ApiError) as err:
        getattr(api, method.lower())('custom_attributes/portal_probe')
    assert err.value.status == 200
    assert 'answered HTTP 200 with a non-JSON body (text/html' in err.value.msg, err.value.msg
    assert 'upstream error' in err.value.msg and '<' not in err.value.msg
    assert '%s /custom_attributes/portal_probe' % method in err.value.msg
    # request() still returns any body (downloads: CSV, profiles)
    raw = api.request(method, 'custom_attributes/portal_probe')
    assert raw.status == 200 and raw.body is None and '<html>' in raw.text


def test_userinfo_in_a_url_is_kept_out_of_messages():
    api = client_from_options('simplemdm', dict(api_key='k' * 12, timeout=1, max_retries=0,
                                                base_url='http://admin:UrlSECRETpw@127.0.0.1:9/api/v1').get)
    with pytest.raises(TransportError) as err:
        api.get('devices')
    assert 'UrlSECRETpw' not in err.value.msg and 'admin' not in err.value.msg
    assert 'http://127.0.0.1:9/api/v1/devices' in err.value.msg
    with pytest.raises(ConfigError) as err:
        client_from_options('micromdm', dict(api_key='k' * 12, server_url='ftp://admin:UrlSECRETpw@mdm.example.com').get)
    assert 'UrlSECRETpw' not in err.value.msg and 'ftp://mdm.example.com' in err.value.msg


def test_vendor_error_bodies_become_messages(sim):
    with pytest.raises(NotFoundError) as err:
        client(sim, 'simplemdm').get('custom_attributes/nope_not_here')
    assert 'object not found' in err.value.msg and 'HTTP 404' in err.value.msg
    with pytest.raises(NotFoundError) as err:
        client(sim, 'abm').get('v1/orgDevices/NOSUCHSERIAL0')
    assert 'NOT_FOUND' in err.value.msg


def test_bad_credentials_are_auth_errors_without_the_secret(sim):
    for vendor, key_option in (('simplemdm', 'api_key'), ('esper', 'api_key'), ('micromdm', 'api_key')):
        secret = 'SENTINEL-%s-0123456789' % vendor
        with pytest.raises(AuthError) as err:
            client(sim, vendor, **{key_option: secret}).get(
                {'simplemdm': 'devices', 'esper': 'device/v0/devices/', 'micromdm': 'devices'}[vendor])
        assert err.value.status == 401
        assert secret not in err.value.msg and secret not in repr(err.value.result())


# ---- ABM auth -------------------------------------------------------------------------

def test_abm_token_is_fetched_once_per_process_and_again_after_401(sim):
    first = client(sim, 'abm')
    list(first.paginate('v1/mdmServers'))
    second = client(sim, 'abm')  # e.g. the inventory and a lookup in the same process
    list(second.paginate('v1/orgDevices', limit=1000))
    assert len(logged(sim, vendor='abm', method='POST', path='/abm/auth/oauth2/token')) == 1
    sim.expire_abm_tokens()
    list(second.paginate('v1/mdmServers'))
    statuses = [r['status'] for r in logged(sim, vendor='abm')]
    assert statuses.count(401) == 1
    assert len(logged(sim, vendor='abm', method='POST', path='/abm/auth/oauth2/token')) == 2


def test_abm_wrong_key_says_which_credential_without_printing_it(sim, tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    other = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    api = client_from_options('abm', dict(options(sim, 'abm', private_key_path=None), private_key=other).get)
    with pytest.raises(AuthError) as err:
        api.get('v1/mdmServers')
    assert 'invalid_client' in err.value.msg and 'private key' in err.value.msg
    assert other.splitlines()[1] not in err.value.msg


def test_abm_malformed_key_is_a_config_error():
    with pytest.raises(ConfigError) as err:
        client_from_options('abm', dict(client_id='BUSINESSAPI.x', key_id='k', private_key='not a key',
                                        base_url='http://127.0.0.1:9', token_url='http://127.0.0.1:9/t').get)
    assert 'private_key is not a valid' in err.value.msg and 'not a key' not in err.value.msg


def test_school_mode_uses_school_scope(sim):
    api = client(sim, 'abm', api='school', base_url=sim.config['asm_base_url'],
                 client_id=sim.config['asm_client_id'])  # the simulator's Apple School Manager account
    list(api.paginate('v1/mdmServers'))
    token_post = logged(sim, vendor='abm', method='POST', path='/abm/auth/oauth2/token')
    assert len(token_post) == 1
    assert logged(sim, vendor='abm', method='GET')[0]['path'].startswith('/asm/v1/')


# ---- configuration --------------------------------------------------------------------

@pytest.mark.parametrize('vendor,option', [('simplemdm', 'base_url'), ('esper', 'base_url'), ('abm', 'base_url')])
def test_plain_http_to_a_remote_host_is_refused(vendor, option):
    values = dict(api_key='abcdefgh', client_id='c', key_id='k', private_key='x', tenant='t')
    values[option] = 'http://mdm.example.com/api'
    with pytest.raises(ConfigError) as err:
        client_from_options(vendor, values.get)
    assert err.value.msg.startswith(option) and 'HTTPS only' in err.value.msg


def test_abm_token_cache_file_serves_later_processes(sim, tmp_path):
    import os
    import stat
    for _task in range(3):  # three "tasks": each a new process, simulated by clearing the memory cache
        abm_module._TOKENS.clear()
        api = client(sim, 'abm', token_cache=True, token_cache_dir=str(tmp_path))
        list(api.paginate('v1/mdmServers'))
    assert len(logged(sim, vendor='abm', method='POST', path='/abm/auth/oauth2/token')) == 1
    cache_file = tmp_path / 'abm-tokens.json'
    assert stat.S_IMODE(os.stat(cache_file).st_mode) == 0o600
    content = cache_file.read_text()
    assert sim.config['abm_client_id'] not in content and 'PRIVATE KEY' not in content
