# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Esper simulator against the reference: command argument checks (400, never a poisoned
state), command_type rules, device_type, device list filters, GET /v2/device-apps, page cap."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

import pytest
import requests

TIMEOUT = 30


def call(sim, method, path, body=None, **params):
    answer = requests.request(method, sim.config['esper_base_url'] + path, json=body, params=params, timeout=TIMEOUT,
                              headers={'Authorization': 'Bearer ' + sim.config['esper_api_key']})
    return answer.status_code, answer.json()


def devices(sim, **params):
    status, body = call(sim, 'GET', '/device/v0/devices/', limit=1000, **params)
    assert status == 200, body
    return body['content']['results']


def command(sim, device_ids, name, args=None, **extra):
    body = dict({'command_type': 'DEVICE', 'devices': device_ids, 'command': name, 'command_args': args or {}}, **extra)
    return call(sim, 'POST', '/commands/v0/commands/', body)


def online_and_offline(sim):
    android = devices(sim, platform='ANDROID')
    return ([d for d in android if d['status'] == 1], [d for d in android if d['status'] != 1])


@pytest.mark.parametrize('name,args', [
    ('SET_GPS_STATE', {'gps_state': 9}),
    ('SET_GPS_STATE', {'gps_state': 'high'}),
    ('SET_ROTATION_STATE', {'rotate_state': 3}),
    ('SET_WIFI_STATE', {'wifi_state': 'maybe'}),
    ('SET_BRIGHTNESS_SCALE', {'brightness_value': 0}),
    ('SET_STREAM_VOLUME', {'stream': 4, 'volume_level': 10}),
    ('SET_APP_STATE', {'app_state': 'SHOWN', 'package_name': 'com.example.scan'}),
    ('VPP_APP_INSTALL', {'app_id': 586447913}),
])
def test_bad_arguments_are_refused_and_do_not_poison_later_reads(sim, name, args):
    online, _offline = online_and_offline(sim)
    status, body = command(sim, [online[0]['id']], name, args)
    assert status == 400
    assert body['status'] == 400 and body['message'] == body['errors'][0] and 'command_args' in body['message']
    for path in ('/commands/v0/commands/', '/commands/v0/status/', '/device/v0/devices/%s/devicestate' % online[0]['id']):
        assert call(sim, 'GET', path)[0] == 200, path


def test_false_strings_are_false(sim):
    online, _offline = online_and_offline(sim)
    sim.control('POST', 'esper/commands', {'step_seconds': 0.01})
    for name, args in (('SET_WIFI_STATE', {'wifi_state': 'false'}), ('USE_ONLY_SAVED_WIFI_AP', {'use_only_saved_ap': 'false'}),
                       ('SET_GPS_STATE', {'gps_state': '3'})):
        assert command(sim, [online[0]['id']], name, args)[0] == 201
    time.sleep(0.3)
    state = call(sim, 'GET', '/device/v0/devices/%s/devicestate' % online[0]['id'])[1]
    assert (state['wifi_state'], state['use_only_saved_ap'], state['gps_state']) == (False, False, 'LOCATION_MODE_OFF')


def test_command_type_rules(sim):
    online, _offline = online_and_offline(sim)
    device, group = online[0]['id'], online[0]['groups'][0]
    cases = [('DEVICE', [], [], 'devices'), ('DEVICE', [device], [group], 'groups'), ('GROUP', [], [], 'groups'),
             ('GROUP', [device], [group], 'devices'), ('DYNAMIC', [device], [], 'groups'),
             ('DYNAMIC', [], [group], 'devices')]
    for command_type, device_ids, groups, named in cases:
        status, body = call(sim, 'POST', '/commands/v0/commands/', {'command_type': command_type, 'devices': device_ids,
                                                                    'groups': groups, 'command': 'REBOOT'})
        assert status == 400 and body['message'].startswith(named + ':'), (command_type, body)
    for command_type, device_ids, groups in (('DEVICE', [device], []), ('GROUP', [], [group]),
                                             ('DYNAMIC', [device], [group])):
        status, body = call(sim, 'POST', '/commands/v0/commands/', {'command_type': command_type, 'devices': device_ids,
                                                                    'groups': groups, 'command': 'REBOOT'})
        assert status == 201, body


def test_device_type(sim):
    online, offline = online_and_offline(sim)
    sim.control('POST', 'esper/commands', {'step_seconds': 0.01})
    pair = [online[0]['id'], offline[0]['id']]
    reported = {}
    for device_type in ('active', 'inactive', 'all'):
        status, body = command(sim, pair, 'REBOOT', device_type=device_type)
        assert status == 201
        reported[device_type] = body['content']['id']
    time.sleep(0.3)

    def states(request_id):
        statuses = call(sim, 'GET', '/commands/v0/status/', request=request_id)[1]['content']['results']
        return dict((s['device'], s['state']) for s in statuses)

    assert states(reported['active']) == {online[0]['id']: 'Command Success'}
    assert states(reported['inactive']) == {offline[0]['id']: 'Command Queued'}
    assert states(reported['all']) == {online[0]['id']: 'Command Success', offline[0]['id']: 'Command Queued'}


def test_device_filters(sim):
    fleet = devices(sim)
    blueprint = next(d['blueprint_info']['assigned_blueprint_id'] for d in fleet if d['blueprint_info']['assigned_blueprint_id'])
    version = next(d['blueprint_info']['current_blueprint_version_id'] for d in fleet
                   if d['blueprint_info']['current_blueprint_version_id'])
    group = fleet[0]['groups'][0]
    expected = {
        'assigned_blueprint_id': [d for d in fleet if d['blueprint_info']['assigned_blueprint_id'] == blueprint],
        'current_blueprint_id': [d for d in fleet if d['blueprint_info']['current_blueprint_id'] == blueprint],
        'current_blueprint_version_id': [d for d in fleet if d['blueprint_info']['current_blueprint_version_id'] == version],
        'current_blueprint_version_id_net': [d for d in fleet if d['blueprint_info']['current_blueprint_version_id'] != version],
        'group_multi_immediate': [d for d in fleet if group in d['groups']],
        'battery_level_gte': [d for d in fleet if d['battery_stats']['battery_level'] >= 50],
        'battery_level_lte': [d for d in fleet if d['battery_stats']['battery_level'] <= 50],
        'active_connection': [d for d in fleet if d['network_stats']['current_active_connection'] == 'ETHERNET'],
    }
    values = {'assigned_blueprint_id': blueprint, 'current_blueprint_id': blueprint, 'current_blueprint_version_id': version,
              'current_blueprint_version_id_net': version, 'group_multi_immediate': group, 'battery_level_gte': 50,
              'battery_level_lte': 50, 'active_connection': 'ethernet'}
    for name, wanted in expected.items():
        got = devices(sim, **{name: values[name]})
        assert 0 < len(got) < len(fleet), name
        assert [d['id'] for d in got] == [d['id'] for d in wanted], name
    assert devices(sim, is_gms='false') == [d for d in fleet if not d['is_gms']]
    for name, value in (('assigned_blueprint_id', 'kiosk'), ('group_multi', 'kiosks'), ('battery_level_gte', 'full')):
        assert call(sim, 'GET', '/device/v0/devices/', **{name: value})[0] == 400, name


def test_devices_holding_an_app(sim):
    fleet = devices(sim)
    apps = call(sim, 'GET', '/v2/devices/%s/device-apps/' % fleet[0]['id'])[1]['results']
    status, page = call(sim, 'GET', '/v2/device-apps', app_id=apps[1]['app_id'], limit=10)
    assert status == 200 and set(page) == set(['count', 'prev', 'next', 'results'])
    assert page['count'] == len(fleet) and len(page['results']) == 10 and page['prev'] is None
    by_version = call(sim, 'GET', '/v2/device-apps', app_version_id=apps[1]['app_version_id'], limit=1000)[1]
    assert fleet[0]['id'] in [a['device_id'] for a in by_version['results']]
    assert 0 < by_version['count'] < len(fleet)
    assert all(a['app_version_id'] == apps[1]['app_version_id'] for a in by_version['results'])
    assert call(sim, 'GET', '/v2/device-apps')[0] == 400


def test_page_cap(sim):
    sim.control('POST', 'esper/paging', {'max_limit': 30})
    page = call(sim, 'GET', '/device/v0/devices/', limit=100)[1]['content']
    assert len(page['results']) == 30 and 'limit=30' in page['next'] and 'offset=30' in page['next']
    sim.control('POST', 'esper/paging', {'max_limit': None})
    assert len(call(sim, 'GET', '/device/v0/devices/', limit=100)[1]['content']['results']) == 100
