# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Esper commands against the reference: the command list equals its DeviceCommandEnum (module,
module docs and simulator), every command's argument checks, schedules, the wait's expected set,
and offset paging that follows a server-capped page size."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import os
import re

import pytest
import yaml

from ansible_collections.mdmkit.mdm.plugins.module_utils import esper_commands as ec
from ansible_collections.mdmkit.mdm.plugins.module_utils.connection import client_from_options
from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError
from ansible_collections.mdmkit.mdm.plugins.modules import esper_command

SEED = '003_554a6d45cb5f2e02.txt'
# The `Enum:` line of DeviceCommandEnum in the Esper reference (../shared/seeds/003_554a6d45cb5f2e02.txt),
# copied verbatim: the test tree that tests/run.sh builds does not hold the shared folder. When the
# reference is reachable (a run from the repository), the test also checks this copy against it.
REFERENCE_ENUM_LINE = (
    'Enum: "ADD_TO_WHITELIST" "ADD_WIFI_AP" "CLEAR_APP_DATA" "CONVERGE" "INSTALL" "LIST_INSTALLED_PROFILES" '
    '"LOCK" "REBOOT" "REMOVE_FROM_WHITELIST" "REMOVE_PROFILE" "REMOVE_WIFI_AP" "SET_APP_PERMISSION" '
    '"SET_APP_STATE" "SET_BLUETOOTH_STATE" "SET_BRIGHTNESS_SCALE" "SET_DEVICE_LOCKDOWN_STATE" "SET_GPS_STATE" '
    '"SET_KIOSK_APP" "SET_MULTI_APP_MODE" "SET_NEW_POLICY" "SET_ROTATION_STATE" "SET_SCREEN_OFF_TIMEOUT" '
    '"SET_STREAM_VOLUME" "SET_TIMEZONE" "SET_WIFI_STATE" "UNINSTALL" "UPDATE_DEVICE_CONFIG" "UPDATE_HEARTBEAT" '
    '"UPDATE_LATEST_DPC" "WIPE" "RESET_LOCKSCREEN_PASSWORD" "UPDATE_BLUEPRINT" "NOTIFY_DEVICE" '
    '"SET_DEVICE_LANGUAGE" "SET_ETHERNET_SETTINGS" "SET_STATIC_IP" "BEEP_DEVICE" "SET_APP_NOTIFICATIONS" '
    '"USE_ONLY_SAVED_WIFI_AP" "DEVICE_INFORMATION" "VPP_APP_INSTALL" "APPLE_APP_UNINSTALL" "CLEAR_PASSCODE" '
    '"INSTALL_PROFILE"')
HERE = os.path.dirname(os.path.abspath(__file__))
SIMULATOR_COMMANDS = os.path.join(HERE, '..', '..', '..', 'simulator', 'esper_commands.py')


def enum_values(line):
    assert line.startswith('Enum: "ADD_TO_WHITELIST"'), line
    return re.findall(r'"([A-Z_]+)"', line)


def find_reference():
    """The reference beside the repository (<repo>/../shared/seeds), from any ancestor folder."""
    folder = HERE
    while True:
        candidate = os.path.join(folder, 'shared', 'seeds', SEED)
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def reference_enum():
    path = find_reference()
    if path is None:
        return enum_values(REFERENCE_ENUM_LINE)
    with open(path, encoding='utf-8') as handle:
        text = handle.read()
    # DeviceCommandEnum's own Enum line follows its list of "* COMMAND: ..." descriptions
    block = text[text.index('command\nstring (DeviceCommandEnum)'):]
    line = next(li for li in block.splitlines() if li.startswith('Enum: '))
    assert line == REFERENCE_ENUM_LINE, 'the copy in this test differs from %s' % path
    return enum_values(line)


REFERENCE = reference_enum()


def test_the_enum_has_44_commands():
    assert len(REFERENCE) == len(set(REFERENCE)) == 44


def test_module_commands_equal_the_reference_enum():
    assert sorted(ec.COMMANDS) == sorted(REFERENCE)
    assert ec.COMMAND_NAMES == sorted(REFERENCE)


def test_module_documentation_lists_the_reference_enum():
    options = yaml.safe_load(esper_command.DOCUMENTATION)['options']
    assert sorted(options['command']['choices']) == sorted(REFERENCE)


def test_simulator_commands_equal_the_reference_enum():
    with open(SIMULATOR_COMMANDS, encoding='utf-8') as handle:
        tree = ast.parse(handle.read())
    assigned = [node.value for node in tree.body if isinstance(node, ast.Assign)
                and any(getattr(t, 'id', None) == 'COMMANDS' for t in node.targets)]
    assert list(ast.literal_eval(assigned[0])) == REFERENCE


# ---- argument checks: one valid set per command, and what each check refuses ----------------

POINTS = [{'wifi_ssid': 'Store', 'wifi_password': 'secret', 'wifi_security_type': 'WPA'}]
VALID = {
    'ADD_TO_WHITELIST': {'package_name': 'com.android.chrome'},
    'ADD_WIFI_AP': {'wifi_access_points': POINTS},
    'CLEAR_APP_DATA': {'package_name': 'com.example.scan'},
    'CONVERGE': {},
    'INSTALL': {'app_version': '9e8b8c4a-1c1d-4f5e-9a61-2b8f0c3d1e77'},
    'LIST_INSTALLED_PROFILES': {},
    'LOCK': {},
    'REBOOT': {},
    'REMOVE_FROM_WHITELIST': {'package_name': 'com.android.chrome'},
    'REMOVE_PROFILE': {},
    'REMOVE_WIFI_AP': {'wifi_access_points': POINTS},
    'SET_APP_PERMISSION': {'package_name': 'com.example.scan', 'grant_state': 'PERMISSION_GRANT_STATE_GRANTED',
                           'permission': 'android.permission.CAMERA'},
    'SET_APP_STATE': {'app_state': 'HIDE', 'package_name': 'com.example.scan'},
    'SET_BLUETOOTH_STATE': {'bluetooth_state': False},
    'SET_BRIGHTNESS_SCALE': {'brightness_value': 100},
    'SET_DEVICE_LOCKDOWN_STATE': {'state': 'LOCKED', 'message': 'Return to IT'},
    'SET_GPS_STATE': {'gps_state': 4},
    'SET_KIOSK_APP': {'package_name': 'com.example.kiosk'},
    'SET_MULTI_APP_MODE': {},
    'SET_NEW_POLICY': {'policy_url': 'https://example.com/policy'},
    'SET_ROTATION_STATE': {'rotate_state': 2},
    'SET_SCREEN_OFF_TIMEOUT': {'screen_off_timeout': -1},
    'SET_STREAM_VOLUME': {'stream': 3, 'volume_level': 0},
    'SET_TIMEZONE': {'timezone_string': 'Europe/Paris'},
    'SET_WIFI_STATE': {'wifi_state': True},
    'UNINSTALL': {'package_name': 'com.example.scan'},
    'UPDATE_DEVICE_CONFIG': {},
    'UPDATE_HEARTBEAT': {},
    'UPDATE_LATEST_DPC': {},
    'WIPE': {},
    'RESET_LOCKSCREEN_PASSWORD': {'new_lockscreen_password': 'n3w-Pass'},
    'UPDATE_BLUEPRINT': {},
    'NOTIFY_DEVICE': {},
    'SET_DEVICE_LANGUAGE': {'locale': 'fr_FR'},
    'SET_ETHERNET_SETTINGS': {},
    'SET_STATIC_IP': {'interface': 'eth0', 'dhcp_enabled': False, 'static_ip': '10.0.0.5', 'primary_dns': '10.0.0.1',
                      'subnet_mask': '255.255.255.0', 'gateway': '10.0.0.1'},
    'BEEP_DEVICE': {},
    'SET_APP_NOTIFICATIONS': {'app_notifications_state': 'DISABLED', 'package_name': 'com.example.scan'},
    'USE_ONLY_SAVED_WIFI_AP': {'use_only_saved_ap': True},
    'DEVICE_INFORMATION': {},
    'VPP_APP_INSTALL': {'app_id': '586447913', 'bundle_identifier': 'com.microsoft.Office.Word'},
    'APPLE_APP_UNINSTALL': {'app_id': '586447913', 'bundle_identifier': 'com.microsoft.Office.Word'},
    'CLEAR_PASSCODE': {},
    'INSTALL_PROFILE': {},
}
# (command, argument, bad value, what the message says)
REFUSED = [
    ('SET_BRIGHTNESS_SCALE', 'brightness_value', 0, 'between 1 and 100'),
    ('SET_BRIGHTNESS_SCALE', 'brightness_value', 101, 'between 1 and 100'),
    ('SET_BRIGHTNESS_SCALE', 'brightness_value', 50.5, 'integer'),
    ('SET_BRIGHTNESS_SCALE', 'brightness_value', True, 'integer'),
    ('SET_SCREEN_OFF_TIMEOUT', 'screen_off_timeout', 4999, '-1 or between 5000 and 1800000'),
    ('SET_SCREEN_OFF_TIMEOUT', 'screen_off_timeout', 1800001, '-1 or between 5000 and 1800000'),
    ('SET_SCREEN_OFF_TIMEOUT', 'screen_off_timeout', 0, '-1 or between 5000 and 1800000'),
    ('SET_GPS_STATE', 'gps_state', 5, 'between 0 and 4'),
    ('SET_GPS_STATE', 'gps_state', 'high', 'integer'),
    ('SET_ROTATION_STATE', 'rotate_state', 3, 'between 0 and 2'),
    ('SET_ROTATION_STATE', 'rotate_state', -1, 'between 0 and 2'),
    ('SET_STREAM_VOLUME', 'stream', 4, 'between 0 and 3'),
    ('SET_STREAM_VOLUME', 'volume_level', 101, 'between 0 and 100'),
    ('SET_WIFI_STATE', 'wifi_state', 'maybe', 'boolean'),
    ('SET_BLUETOOTH_STATE', 'bluetooth_state', 2, 'boolean'),
    ('USE_ONLY_SAVED_WIFI_AP', 'use_only_saved_ap', 'sometimes', 'boolean'),
    ('SET_STATIC_IP', 'dhcp_enabled', 'perhaps', 'boolean'),
    ('SET_APP_PERMISSION', 'grant_state', 'GRANTED', 'must be one of PERMISSION_GRANT_STATE_DEFAULT'),
    ('SET_APP_STATE', 'app_state', 'SHOWN', 'must be one of SHOW, HIDE, DISABLE'),
    ('SET_DEVICE_LOCKDOWN_STATE', 'state', 'OPEN', 'must be one of LOCKED, UNLOCKED'),
    ('SET_APP_NOTIFICATIONS', 'app_notifications_state', 'ON', 'must be one of ENABLED, DISABLED'),
    ('SET_DEVICE_LANGUAGE', 'locale', 'french', 'xx_YY'),
    ('ADD_WIFI_AP', 'wifi_access_points', [], 'non-empty list'),
    ('REMOVE_WIFI_AP', 'wifi_access_points', [{'wifi_password': 'x'}], 'wifi_ssid'),
    ('VPP_APP_INSTALL', 'app_id', '  ', 'non-empty string'),
    ('SET_TIMEZONE', 'timezone_string', '', 'non-empty string'),
]


def test_every_command_has_a_valid_case():
    assert sorted(VALID) == sorted(REFERENCE)


@pytest.mark.parametrize('command', sorted(VALID))
def test_valid_arguments_pass(command):
    assert ec.check_command_args(command, VALID[command]) == VALID[command]


@pytest.mark.parametrize('command', sorted(c for c in VALID if ec.COMMANDS[c][0]))
def test_each_required_argument_is_named_when_missing(command):
    for name, _check in ec.COMMANDS[command][0]:
        args = dict((k, v) for k, v in VALID[command].items() if k != name)
        with pytest.raises(ConfigError) as failure:
            ec.check_command_args(command, args)
        assert failure.value.msg.startswith('command_args: %s requires' % command)
        assert failure.value.msg.endswith('(missing: %s).' % name)


@pytest.mark.parametrize('command,name,value,problem', REFUSED)
def test_bad_values_are_refused_naming_the_argument(command, name, value, problem):
    with pytest.raises(ConfigError) as failure:
        ec.check_command_args(command, dict(VALID[command], **{name: value}))
    assert failure.value.msg.startswith('command_args.%s: ' % name)
    assert problem in failure.value.msg


def test_values_are_normalised():
    assert ec.check_command_args('SET_WIFI_STATE', {'wifi_state': 'false'}) == {'wifi_state': False}
    assert ec.check_command_args('SET_GPS_STATE', {'gps_state': '3'}) == {'gps_state': 3}
    # an Apple app id is a number in YAML; the API takes text
    assert ec.check_command_args('VPP_APP_INSTALL', {'app_id': 586447913, 'bundle_identifier': 'b'})['app_id'] \
        == '586447913'
    assert ec.check_command_args('APPLE_APP_UNINSTALL', {'app_id': 1, 'bundle_identifier': 'b'})['app_id'] == '1'
    assert ec.check_command_args('SET_STATIC_IP', dict(VALID['SET_STATIC_IP'], secondary_dns='1.1.1.1'))


def test_unknown_command():
    with pytest.raises(ConfigError) as failure:
        ec.check_command_args('EXPLODE', {})
    assert failure.value.msg.startswith('command: unknown command')


# ---- schedules --------------------------------------------------------------------------------

WINDOW = {'start_datetime': '2030-01-01T00:00:00Z', 'end_datetime': '2030-01-31T00:00:00Z',
          'window_start_time': '01:00', 'window_end_time': '03:00:00'}


def test_schedules():
    assert ec.check_schedule('IMMEDIATE', None) == {}
    assert ec.check_schedule('WINDOW', WINDOW)['name'] == 'mdmkit window'
    assert ec.check_schedule('RECURRING', dict(WINDOW, days=['Monday', 'All days']))['days'] == ['Monday', 'All days']


@pytest.mark.parametrize('schedule,args,problem', [
    ('IMMEDIATE', WINDOW, 'schedule_args: only used with schedule WINDOW or RECURRING'),
    ('WINDOW', dict(WINDOW, end_datetime=None), 'missing: end_datetime'),
    ('RECURRING', WINDOW, 'missing: days'),
    ('RECURRING', dict(WINDOW, days=['Someday']), 'schedule_args.days'),
    ('WINDOW', dict(WINDOW, start_datetime='not a date'), 'schedule_args.start_datetime: must be an ISO 8601'),
    ('WINDOW', dict(WINDOW, window_end_time='25:00'), 'schedule_args.window_end_time: must be a time of day'),
    ('WINDOW', dict(WINDOW, time_type='local'), 'schedule_args.time_type'),
])
def test_bad_schedules(schedule, args, problem):
    with pytest.raises(ConfigError) as failure:
        ec.check_schedule(schedule, args)
    assert problem in failure.value.msg


def test_command_type_follows_the_targets():
    assert ec.command_type_for(['d'], []) == 'DEVICE'
    assert ec.command_type_for([], ['g']) == 'GROUP'
    assert ec.command_type_for(['d'], ['g']) == 'DYNAMIC'


def test_reported_devices_come_from_the_status_list():
    assert ec.reported_devices({'status': [{'device': 'a'}, {'device': {'id': 'b'}}]}) == set(['a', 'b'])
    assert ec.reported_devices({'status': []}) == set()
    assert ec.reported_devices({'id': 'r'}) is None


# ---- against the simulator ----------------------------------------------------------------------

def esper_client(sim):
    options = dict(api_key=sim.config['esper_api_key'], base_url=sim.config['esper_base_url'], tenant=None,
                   timeout=10, max_retries=2, validate_certs=True, ca_path=None, rate_limit_max_wait=30)
    return client_from_options('esper', options.get)


def test_pages_follow_a_capped_page_size(sim):
    """A server that caps `limit` (max_limit 40 here) must not make parallel offset paging skip devices."""
    client = esper_client(sim)
    everything = [d['id'] for d in client.paginate(ec.DEVICES_PATH, limit=1000)]
    assert len(everything) == 250
    sim.control('POST', 'esper/paging', {'max_limit': 40})
    mark = max(e['seq'] for e in sim.requests())
    capped = [d['id'] for d in client.paginate(ec.DEVICES_PATH, limit=1000, workers=4)]
    assert capped == everything
    offsets = sorted(int(e['query'].get('offset', 0)) for e in sim.requests(since=mark, vendor='esper'))
    assert offsets == list(range(0, 250, 40))


def test_wait_expects_only_the_devices_the_api_gave_a_status(sim):
    """device_type active: an offline device gets no status, and the wait ends without it."""
    client = esper_client(sim)
    devices = list(client.paginate(ec.DEVICES_PATH, params={'platform': 'ANDROID'}))
    online = next(d['id'] for d in devices if d.get('status') == 1)
    offline = next(d['id'] for d in devices if d.get('status') != 1)
    sim.control('POST', 'esper/commands', {'step_seconds': 0.05})
    created = ec.create_command(client, ec.command_body('REBOOT', {}, [online, offline], [], 'active', 'IMMEDIATE', {}))
    assert ec.reported_devices(created) == set([online])
    statuses, timed_out = ec.wait_for_requests(client, [created['id']], 10, 0.1,
                                               expected={created['id']: ec.reported_devices(created)})
    assert not timed_out
    assert [(s['device'], s['state']) for s in statuses[created['id']]] == [(online, 'Command Success')]
