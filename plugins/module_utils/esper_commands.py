# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Esper helpers shared by the esper_* modules and the inventory plugin.

- ``COMMANDS``: every command of the reference's DeviceCommandEnum with the arguments it needs,
  and ``check_command_args`` that validates (and normalises) them before anything is sent.
- ``resolve_devices``: ids, serials or names from one device listing; ``resolve_groups``: each
  group's devices (an unknown group fails before anything is sent).
- ``create_command`` / ``wait_for_requests``: one command request, never resent (POST), and
  polling of its statuses until every device the API gave a status is in a final state.
- ``read_device_states``: bounded parallel reads of ``devicestate``.
- ``device_view``: a flat, tolerant view of a device record.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import time

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError
from ansible_collections.mdmkit.mdm.plugins.module_utils.esper import unwrap
from ansible_collections.mdmkit.mdm.plugins.module_utils.lookup import resolve_all
from ansible_collections.mdmkit.mdm.plugins.module_utils.parallel import bounded_map

DEVICES_PATH = 'device/v0/devices/'
COMMANDS_PATH = 'commands/v0/commands/'
STATUS_PATH = 'commands/v0/status/'

UUID_RE = re.compile(r'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$')

# ---- command states -------------------------------------------------------------------

STATES = ('Command Queued', 'Command Initiated', 'Command Acknowledged', 'Command In Progress',
          'Command TimeOut', 'Command Success', 'Command Failure', 'Command Scheduled',
          'Command Cancelled')
FINAL_STATES = ('Command Success', 'Command Failure', 'Command TimeOut', 'Command Cancelled')
FAILED_STATES = ('Command Failure', 'Command TimeOut')
CANCELLED = 'Command Cancelled'


def is_final(state):
    return state in FINAL_STATES


# ---- argument checks --------------------------------------------------------------------

def _bool(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ('true', 'yes', 'on', '1', 'false', 'no', 'off', '0'):
        return value.lower() in ('true', 'yes', 'on', '1')
    raise ValueError('must be a boolean (true or false)')


def _int_between(low, high, also=()):
    def check(value):
        if isinstance(value, bool):
            raise ValueError('must be an integer')
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValueError('must be an integer')
        if isinstance(value, float) and value != number:
            raise ValueError('must be an integer')
        if number in also or low <= number <= high:
            return number
        extra = ''.join('%s or ' % v for v in also)
        raise ValueError('must be %sbetween %s and %s, got %s' % (extra, low, high, number))
    return check


def _text(value):
    if not isinstance(value, str) or not value.strip():
        raise ValueError('must be a non-empty string')
    return value


def _app_id(value):
    """An Apple app id is a number: YAML gives an int, the API takes it as text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _text(value)


def _choice(*choices):
    def check(value):
        if value not in choices:
            raise ValueError('must be one of %s, got %r' % (', '.join(choices), value))
        return value
    return check


def _locale(value):
    if not isinstance(value, str) or not re.match(r'^[a-z]{2}_[A-Z]{2}$', value):
        raise ValueError('must be a locale in xx_YY form (language_COUNTRY, for example en_US), got %r' % (value,))
    return value


def _access_points(value):
    if not isinstance(value, list) or not value:
        raise ValueError('must be a non-empty list of access points')
    for point in value:
        if not isinstance(point, dict) or not point.get('wifi_ssid'):
            raise ValueError('each access point must be a dict with at least wifi_ssid')
    return value


PACKAGE = ('package_name', _text)

# command -> (required args [(name, check)], optional args [(name, check)])
COMMANDS = {
    'ADD_TO_WHITELIST': ([PACKAGE], []),
    'ADD_WIFI_AP': ([('wifi_access_points', _access_points)], []),
    'CLEAR_APP_DATA': ([PACKAGE], []),
    'CONVERGE': ([], []),
    'INSTALL': ([('app_version', _text)], []),
    'LIST_INSTALLED_PROFILES': ([], []),
    'LOCK': ([], []),
    'REBOOT': ([], []),
    'REMOVE_FROM_WHITELIST': ([PACKAGE], []),
    'REMOVE_PROFILE': ([], []),
    'REMOVE_WIFI_AP': ([('wifi_access_points', _access_points)], []),
    'SET_APP_PERMISSION': ([PACKAGE,
                            ('grant_state', _choice('PERMISSION_GRANT_STATE_DEFAULT', 'PERMISSION_GRANT_STATE_DENIED',
                                                    'PERMISSION_GRANT_STATE_GRANTED')),
                            ('permission', _text)], []),
    'SET_APP_STATE': ([('app_state', _choice('SHOW', 'HIDE', 'DISABLE')), PACKAGE], []),
    'SET_BLUETOOTH_STATE': ([('bluetooth_state', _bool)], []),
    'SET_BRIGHTNESS_SCALE': ([('brightness_value', _int_between(1, 100))], []),
    'SET_DEVICE_LOCKDOWN_STATE': ([('state', _choice('LOCKED', 'UNLOCKED')), ('message', _text)], []),
    'SET_GPS_STATE': ([('gps_state', _int_between(0, 4))], []),
    'SET_KIOSK_APP': ([PACKAGE], []),
    'SET_MULTI_APP_MODE': ([], []),
    'SET_NEW_POLICY': ([('policy_url', _text)], []),
    'SET_ROTATION_STATE': ([('rotate_state', _int_between(0, 2))], []),
    'SET_SCREEN_OFF_TIMEOUT': ([('screen_off_timeout', _int_between(5000, 1800000, also=(-1,)))], []),
    'SET_STREAM_VOLUME': ([('stream', _int_between(0, 3)), ('volume_level', _int_between(0, 100))], []),
    'SET_TIMEZONE': ([('timezone_string', _text)], []),
    'SET_WIFI_STATE': ([('wifi_state', _bool)], []),
    'UNINSTALL': ([PACKAGE], []),
    'UPDATE_DEVICE_CONFIG': ([], []),
    'UPDATE_HEARTBEAT': ([], []),
    'UPDATE_LATEST_DPC': ([], []),
    'WIPE': ([], []),
    'RESET_LOCKSCREEN_PASSWORD': ([('new_lockscreen_password', _text)], []),
    'UPDATE_BLUEPRINT': ([], []),
    'NOTIFY_DEVICE': ([], []),
    'SET_DEVICE_LANGUAGE': ([('locale', _locale)], []),
    'SET_ETHERNET_SETTINGS': ([], []),
    'SET_STATIC_IP': ([('interface', _text), ('dhcp_enabled', _bool), ('static_ip', _text),
                       ('primary_dns', _text), ('subnet_mask', _text), ('gateway', _text)],
                      [('secondary_dns', _text)]),
    'BEEP_DEVICE': ([], []),
    'SET_APP_NOTIFICATIONS': ([('app_notifications_state', _choice('ENABLED', 'DISABLED')), PACKAGE], []),
    'USE_ONLY_SAVED_WIFI_AP': ([('use_only_saved_ap', _bool)], []),
    'DEVICE_INFORMATION': ([], []),
    'VPP_APP_INSTALL': ([('app_id', _app_id), ('bundle_identifier', _text)], []),
    'APPLE_APP_UNINSTALL': ([('app_id', _app_id), ('bundle_identifier', _text)], []),
    'CLEAR_PASSCODE': ([], []),
    'INSTALL_PROFILE': ([], []),
}
COMMAND_NAMES = sorted(COMMANDS)
# command_args values that are secrets (masked in results)
SECRET_ARGS = ('new_lockscreen_password', 'wifi_password')


def check_command_args(command, args):
    """Validate and normalise ``args`` for ``command``; raises ConfigError naming the argument."""
    if command not in COMMANDS:
        raise ConfigError('command: unknown command %r; expected one of %s.' % (command, ', '.join(COMMAND_NAMES)))
    args = dict(args or {})
    required, optional = COMMANDS[command]
    missing = [name for name, _check in required if args.get(name) is None]
    if missing:
        raise ConfigError('command_args: %s requires %s in command_args (missing: %s).'
                          % (command, ', '.join(name for name, _c in required), ', '.join(missing)))
    for name, check in list(required) + list(optional):
        if args.get(name) is None:
            continue
        try:
            args[name] = check(args[name])
        except ValueError as exc:
            raise ConfigError('command_args.%s: %s for %s.' % (name, exc, command))
    return args


SCHEDULE_ARG_KEYS = ('start_datetime', 'end_datetime', 'window_start_time', 'window_end_time')
DATETIME_RE = re.compile(r'^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$')
TIME_RE = re.compile(r'^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$')


def check_schedule(schedule, schedule_args):
    """IMMEDIATE takes no arguments; WINDOW and RECURRING need their window (and days)."""
    args = dict(schedule_args or {})
    if schedule == 'IMMEDIATE':
        if args:
            raise ConfigError('schedule_args: only used with schedule WINDOW or RECURRING.')
        return {}
    needed = list(SCHEDULE_ARG_KEYS) + (['days'] if schedule == 'RECURRING' else [])
    missing = [key for key in needed if not args.get(key)]
    if missing:
        raise ConfigError('schedule_args: schedule %s needs %s (missing: %s).'
                          % (schedule, ', '.join(needed), ', '.join(missing)))
    for key, pattern, form in (('start_datetime', DATETIME_RE, 'an ISO 8601 date and time (2025-01-06T00:00:00Z)'),
                               ('end_datetime', DATETIME_RE, 'an ISO 8601 date and time (2025-01-06T00:00:00Z)'),
                               ('window_start_time', TIME_RE, 'a time of day HH:MM[:SS]'),
                               ('window_end_time', TIME_RE, 'a time of day HH:MM[:SS]')):
        if not pattern.match(str(args[key])):
            raise ConfigError('schedule_args.%s: must be %s, got %r.' % (key, form, args[key]))
    if args.get('time_type', 'device') not in ('device', 'console'):
        raise ConfigError('schedule_args.time_type: must be device or console, got %r.' % args['time_type'])
    if 'days' in args:
        days = args['days']
        valid = ('Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday', 'All days')
        if not isinstance(days, list) or not all(d in valid for d in days):
            raise ConfigError('schedule_args.days: a list of %s.' % ', '.join(valid))
    if not args.get('name'):
        args['name'] = 'mdmkit %s' % schedule.lower()
    return args


def command_type_for(devices, groups):
    if devices and groups:
        return 'DYNAMIC'
    return 'GROUP' if groups else 'DEVICE'


def mask_args(args):
    """command_args with passwords masked (for results)."""
    masked = {}
    for key, value in (args or {}).items():
        if key in SECRET_ARGS:
            value = '********'
        elif key == 'wifi_access_points' and isinstance(value, list):
            value = [dict((k, '********' if k in SECRET_ARGS else v) for k, v in point.items())
                     if isinstance(point, dict) else point for point in value]
        masked[key] = value
    return masked


def mask_request(record):
    """A command request record as the API answers it, its secret command_args masked."""
    if isinstance(record, dict) and isinstance(record.get('command_args'), dict):
        return dict(record, command_args=mask_args(record['command_args']))
    return record


# ---- v2 lists ----------------------------------------------------------------------------

def content(body):
    """The payload of a v0 ``{code, message, content}`` or a v2 ``{content}`` answer."""
    body = unwrap(body)
    if isinstance(body, dict) and 'content' in body and set(body) <= set(('content', 'code', 'message', 'errors')):
        return body['content']
    return body


def v2_paginate(client, path, params=None, limit=100):
    """Offset paging of v2 lists, whose pages may come as ``{content: {results, count}}``,
    ``{results, count}`` or a bare list. (The shared ``EsperClient.pages`` unwraps only the v0 envelope.)"""
    query = dict(params or {}, limit=limit, offset=0)
    while True:
        page = content(client.get(path, params=query))
        if isinstance(page, list):
            yield from page
            return
        page = page or {}
        items = page.get('results') or page.get('data') or []
        yield from items
        count = page.get('count')
        query['offset'] += len(items)  # the page size the server gave, should it cap `limit`
        if not items or (count is not None and query['offset'] >= count) or (count is None and not page.get('next')):
            return


# ---- devices ----------------------------------------------------------------------------

def device_view(device):
    """A flat view of an Esper device record, tolerant of missing keys."""
    hardware = device.get('hardwareInfo') or device.get('hardware_info') or {}
    software = device.get('softwareInfo') or device.get('software_info') or {}
    view = dict(device)
    view['serial'] = device.get('serial') or hardware.get('serialNumber') or device.get('serial_number')
    view['name'] = device.get('device_name') or device.get('name') or device.get('alias_name')
    view['model'] = device.get('model') or hardware.get('model')
    view['os_version'] = software.get('osVersion') or software.get('androidVersion') or device.get('os_version')
    return view


def device_label(device):
    return device.get('serial') or device.get('name') or device.get('id')


def list_devices(client, params=None, workers=4):
    return [device_view(d) for d in client.paginate(DEVICES_PATH, params=params, workers=workers)]


def resolve_devices(client, values, option='devices', workers=4):
    """Device records for ``values`` (ids, serial numbers or names), from one device listing."""
    if not values:
        return []
    devices = list_devices(client, workers=workers)
    found = resolve_all(devices, values, ('id', 'serial', 'name', 'alias_name'), 'Esper device', option)
    unique, seen = [], set()
    for device in found:
        if device['id'] not in seen:
            seen.add(device['id'])
            unique.append(device)
    return unique


def device_ids(client, values, option='devices', workers=4):
    """Ids for ``values`` (ids, serial numbers or names): ids pass as given (no request), the others
    are resolved from one device listing, unknown ones failing naming ``option``."""
    values = list(values or [])
    if all(UUID_RE.match(str(v)) for v in values):
        return [str(v) for v in values]
    return [d['id'] for d in resolve_devices(client, values, option=option, workers=workers)]


def check_groups(values, option='groups'):
    bad = [v for v in values or [] if not UUID_RE.match(str(v))]
    if bad:
        raise ConfigError('%s: Esper group ids are UUIDs; not a UUID: %s.' % (option, ', '.join(bad)))
    return list(values or [])


def resolve_groups(client, groups, option='groups', workers=4):
    """{group id: its devices}, one filtered listing (``group_multi``) per group, at most ``workers``
    in flight. The reference has no group endpoint, so a group is known by its devices: one that
    no device is in (an unknown id, or an empty group no command would reach) fails naming
    ``option``, before anything is sent."""
    groups = check_groups(groups, option)

    def members(group):
        return group, list_devices(client, params={'group_multi': group}, workers=1)

    found = dict(bounded_map(members, groups, workers))
    empty = [group for group in groups if not found[group]]
    if empty:
        raise ConfigError('%s: no Esper device is in group %s (an unknown group id, or an empty group); '
                          'nothing was sent.' % (option, ', '.join(empty)))
    return found


def resolve_targets(client, devices, groups, workers=4):
    """(the devices given, by id/serial/name; {id: record} of those and of every group member)."""
    explicit = resolve_devices(client, devices, workers=workers)
    known = dict((d['id'], d) for d in explicit)
    for members in resolve_groups(client, groups, workers=workers).values():
        for device in members:
            known.setdefault(device['id'], device)
    return explicit, known


# ---- command requests -------------------------------------------------------------------

def command_body(command, args, devices, groups, device_type, schedule, schedule_args):
    return {
        'command_type': command_type_for(devices, groups),
        'devices': list(devices or []),
        'groups': list(groups or []),
        'device_type': device_type,
        'command': command,
        'command_args': args or {},
        'schedule': schedule,
        'schedule_args': schedule_args or {},
    }


def create_command(client, body):
    """POST one command request. The shared client never resends a POST: an unknown outcome
    raises OutcomeUnknownError instead."""
    return unwrap(client.post(COMMANDS_PATH, json_body=body)) or {}


def list_statuses(client, request_id, state=None, workers=4):
    params = {'request': request_id}
    if state:
        params['state'] = state
    return list(client.paginate(STATUS_PATH, params=params, workers=workers))


def get_stats(client, request_id):
    return unwrap(client.get('%s%s/stats/' % (COMMANDS_PATH, request_id))) or {}


def status_view(status, devices_by_id=None):
    device_id = status_device(status)
    device = (devices_by_id or {}).get(device_id) or {}
    return {
        'id': status.get('id'),
        'request': status.get('request'),
        'device': device_id,
        'serial': device.get('serial'),
        'device_name': device.get('name'),
        'state': status.get('state'),
        'reason': status.get('reason'),
        'updated_on': status.get('updated_on'),
    }


def status_device(status):
    device = status.get('device')
    return device.get('id') if isinstance(device, dict) else device


def reported_devices(request):
    """The ids of the devices a command request has statuses for, as the API reported them in
    its `status` list; None when the answer has no such list. Devices the command does not run
    on (offline ones with device_type active, say) get no status, so a wait must not expect one."""
    statuses = request.get('status') if isinstance(request, dict) else None
    if not isinstance(statuses, list):
        return None
    return set(status_device(s) for s in statuses if isinstance(s, dict))


def wait_for_requests(client, request_ids, timeout, interval, expected=None, workers=4):
    """Poll the statuses of each request until all are final or ``timeout`` seconds pass.

    ``expected``: {request_id: device ids} from ``reported_devices`` of the created request. A
    request is done when each of those devices has a status and every status is final; without
    ``expected`` (None), when at least one status exists and all are final.
    Returns ({request_id: [status]}, timed_out).
    """
    deadline = time.time() + timeout
    statuses = {}
    pending = list(request_ids)
    while True:
        still = []
        for request_id in pending:
            found = list_statuses(client, request_id, workers=workers)
            statuses[request_id] = found
            want = (expected or {}).get(request_id)
            if want is None:
                enough = bool(found)
            else:
                enough = set(want) <= set(status_device(s) for s in found)
            if not (enough and all(is_final(s.get('state')) for s in found)):
                still.append(request_id)
        pending = still
        if not pending:
            return statuses, False
        if time.time() + interval > deadline:
            return statuses, True
        time.sleep(interval)


def poll(read, finished, timeout, interval):
    """Call ``read()`` until ``finished(value)`` or ``timeout`` seconds; returns (value, timed_out)."""
    deadline = time.time() + timeout
    while True:
        value = read()
        if finished(value):
            return value, False
        if time.time() + interval > deadline:
            return value, True
        time.sleep(interval)


def summarize(statuses):
    counts = {}
    for status in statuses:
        counts[status.get('state')] = counts.get(status.get('state'), 0) + 1
    return counts


# ---- device state -----------------------------------------------------------------------

def read_device_states(client, device_ids, workers=4):
    """{device id: devicestate} read with at most ``workers`` requests in flight."""
    def read(device_id):
        return device_id, unwrap(client.get('%s%s/devicestate' % (DEVICES_PATH, device_id))) or {}

    return dict(bounded_map(read, list(device_ids), workers))
