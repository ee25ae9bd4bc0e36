# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SimpleMDM device helpers: device refs resolved with the fewest requests, the device command
table, and the per-device fan-out of commands (bounded parallel, one shared rate-limit backoff,
never resent, one result per device).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import re
import threading
import time

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import (
    ApiError,
    ConfigError,
    MdmError,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitedError,
)
from ansible_collections.mdmkit.mdm.plugins.module_utils.lookup import attribute, find
from ansible_collections.mdmkit.mdm.plugins.module_utils.parallel import bounded_map

DEVICE_KEYS = ('id', 'serial_number', 'name', 'device_name')
MASK = 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
PIN_RE = re.compile(r'^[0-9]{6}$')
AWAITING = 'awaiting enrollment'
# Refs looked up one request each before the device listing is read at all (resolve_devices).
LOOKUP_HEAD_START = 10


# ---- device refs -------------------------------------------------------------------

def list_devices(client, include_awaiting_enrollment=True, search=None):
    params = {}
    if include_awaiting_enrollment:
        params['include_awaiting_enrollment'] = 'true'
    if search:
        params['search'] = search
    return list(client.paginate('devices', params=params))


def look_up_device(client, ref, include_awaiting_enrollment=True, option='devices'):
    """One device in about one request; None when a lookup cannot tell (the listing decides).

    Digits: ``GET devices/{id}``. Otherwise (or for digits that are no id) one ``search``
    listing, matched exactly on serial number, then name: the API searches both, so the match is
    complete and a name shared by several devices fails here. The API does not search device
    names (reference, Devices > List all), so a device name is only found by the listing.
    """
    if ref.isdigit():
        try:
            device = client.get('devices/%s' % ref)['data']
            if include_awaiting_enrollment or attr(device, 'status') != AWAITING:
                return device
        except NotFoundError:
            pass
    params = {'search': ref}
    if include_awaiting_enrollment:
        params['include_awaiting_enrollment'] = 'true'
    return find(list(client.paginate('devices', params=params)), ref, ('serial_number', 'name'), 'device',
                option)


def resolve_devices(client, refs, option='devices', include_awaiting_enrollment=True, workers=8,
                    missing_ok=False):
    """The raw device objects for ``refs`` (ids, serial numbers or names), in order, deduplicated.

    SimpleMDM reads devices one at a time or by listing the account (100 per request), and the
    listing does not say how long it is, so which is cheaper is not known in advance. Rent or buy:
    the first LOOKUP_HEAD_START refs are looked up (``look_up_device``, ``workers`` at a time);
    after that one listing page is read per further lookup, and whichever covers every ref first
    ends it. A few devices cost one request each; many cost at most about twice the listing, and
    at most about twice the lookups on a large fleet. Ids are looked up from the highest down
    while the listing reads upward from the lowest, and each page settles the ids it covers and
    the serial numbers it shows, so the two meet instead of doing the same work.

    A ref no lookup found (a device name, or an unknown ref) is matched in the complete listing:
    id, then serial number, then name, then device name. Unknown refs fail together naming
    ``option`` (or are left out with ``missing_ok``); a name shared by several devices fails naming
    their ids. Nothing is sent before this returns.
    """
    refs = list(collections.OrderedDict((str(r).strip(), None) for r in refs if str(r).strip()))
    if not refs:
        raise ConfigError('%s: at least one device id, serial number or name is required.' % option)
    params = {'include_awaiting_enrollment': 'true'} if include_awaiting_enrollment else {}
    found = {}
    ids = sorted((r for r in refs if r.isdigit()), key=int, reverse=True)
    to_look_up = collections.deque(ids + [r for r in refs if not r.isdigit()])
    pages = client.pages('devices', params=params)
    listed, pages_read, lookups, complete = [], 0, 0, False

    def look_up(ref):
        return look_up_device(client, ref, include_awaiting_enrollment, option)

    while not complete and any(ref not in found for ref in refs):
        budget = min(pages_read + LOOKUP_HEAD_START - lookups, max(1, workers))
        batch = []
        while to_look_up and len(batch) < budget:
            ref = to_look_up.popleft()
            if ref not in found:
                batch.append(ref)
        if batch:
            for ref, device in zip(batch, bounded_map(look_up, batch, len(batch))):
                lookups += 1
                if device is not None:
                    found[ref] = device
            continue
        page = next(pages, None)
        if page is None:
            complete = True
            continue
        pages_read += 1
        listed.extend(page)
        settle_from_page(page, refs, found)

    missing = []
    for ref in refs:
        if ref not in found:
            device = find(listed, ref, DEVICE_KEYS, 'device', option)
            if device is None:
                missing.append(ref)
            else:
                found[ref] = device
    if missing and not missing_ok:
        raise ConfigError('%s: no SimpleMDM device has the id, serial number or name %s.'
                          % (option, ', '.join(repr(r) for r in missing)))
    unique, seen = [], set()
    for device in (found[ref] for ref in refs if ref in found):
        if device.get('id') not in seen:
            seen.add(device.get('id'))
            unique.append(device)
    return unique


def settle_from_page(page, refs, found):
    """Refs one listing page settles on its own: ids (an id is unique) and serial numbers (unique
    in an account). A name needs the complete listing, which may hold it twice."""
    by_id = dict((str(d.get('id')), d) for d in page)
    by_serial = dict((attr(d, 'serial_number'), d) for d in page if attr(d, 'serial_number'))
    for ref in refs:
        if ref not in found:
            device = by_id.get(ref) if ref.isdigit() else by_serial.get(ref)
            if device is not None:
                found[ref] = device


def find_group(client, ref, option='device_group'):
    """A device group by id or name from one listing; fails naming ``option`` when unknown."""
    groups = list(client.paginate('device_groups'))
    group = find(groups, ref, ('id', 'name'), 'device group', option)
    if group is None:
        raise ConfigError('%s: no SimpleMDM device group has the id or name %r (known: %s).'
                          % (option, ref, ', '.join(sorted(str((g.get('attributes') or {}).get('name'))
                                                           for g in groups)) or 'none'))
    return group


def attr(device, key):
    """An attribute of a device, raw (JSON:API) or flattened."""
    return attribute(device, key)


def group_id(device):
    rel = ((device.get('relationships') or {}).get('device_group') or {}).get('data') or {}
    return rel.get('id')


def label(device):
    """A short identification of a device for results and messages."""
    return dict(id=device.get('id'), serial_number=attr(device, 'serial_number'), name=attr(device, 'name'))


def is_macos(device):
    """True for a Mac, from the device's product name (``MacBookPro18,3``, ``iMac21,1``,
    ``Macmini9,1``, ``VirtualMac2,1``) or model name (``MacBook Pro``, ``Mac mini``)."""
    for key in ('product_name', 'model_name'):
        value = (attr(device, key) or '').lower()
        if 'mac' in value:
            return True
    return False


# ---- the command table ---------------------------------------------------------------

class Command:
    """One device command: HTTP method, path under ``devices/{id}/``, and its options."""

    def __init__(self, method, path, options=(), required=(), macos_required=(), macos_only=(),
                 secret=(), description=''):
        self.method = method
        self.path = path
        self.options = tuple(options)          # options sent when set
        self.required = tuple(required)        # options required for every device
        self.macos_required = tuple(macos_required)  # options required for macOS devices
        self.macos_only = tuple(macos_only)    # options sent to macOS devices only
        self.secret = tuple(secret)
        self.description = description


COMMANDS = {
    'push_apps': Command('POST', 'push_apps'),
    'refresh': Command('POST', 'refresh'),
    'restart': Command('POST', 'restart', options=('rebuild_kernel_cache', 'notify_user')),
    'shutdown': Command('POST', 'shutdown'),
    'lock': Command('POST', 'lock', options=('message', 'phone_number', 'pin'),
                    macos_required=('pin',), macos_only=('pin',), secret=('pin',)),
    'clear_passcode': Command('POST', 'clear_passcode'),
    'clear_firmware_password': Command('POST', 'clear_firmware_password'),
    'rotate_firmware_password': Command('POST', 'rotate_firmware_password'),
    'clear_recovery_lock_password': Command('POST', 'clear_recovery_lock_password'),
    'clear_restrictions_password': Command('POST', 'clear_restrictions_password'),
    'rotate_recovery_lock_password': Command('POST', 'rotate_recovery_lock_password'),
    'rotate_filevault_key': Command('POST', 'rotate_filevault_key'),
    'set_admin_password': Command('POST', 'set_admin_password', options=('new_password',),
                                  required=('new_password',), secret=('new_password',)),
    'rotate_admin_password': Command('POST', 'rotate_admin_password'),
    'wipe': Command('POST', 'wipe', options=('pin',), macos_only=('pin',), secret=('pin',)),
    'update_os': Command('POST', 'update_os', options=('os_update_mode', 'version_type'),
                         macos_required=('os_update_mode',), macos_only=('os_update_mode',)),
    'enable_remote_desktop': Command('POST', 'remote_desktop'),
    'disable_remote_desktop': Command('DELETE', 'remote_desktop'),
    'enable_bluetooth': Command('POST', 'bluetooth'),
    'disable_bluetooth': Command('DELETE', 'bluetooth'),
    'set_time_zone': Command('POST', 'set_time_zone', options=('time_zone',), required=('time_zone',)),
    'unenroll': Command('POST', 'unenroll'),
    'delete_user': Command('DELETE', 'users/{user_id}', required=('user_id',)),
}

# API field -> module option, where they differ (Ansible reserves the option name ``message``).
OPTION_FOR_FIELD = {'message': 'lock_message'}


def option_for(field):
    return OPTION_FOR_FIELD.get(field, field)


# Options of simplemdm_device_command that belong to one command or a few.
OPTION_COMMANDS = {}
for _name, _command in COMMANDS.items():
    for _field in _command.options + _command.required:
        OPTION_COMMANDS.setdefault(option_for(_field), set()).add(_name)


def check_command_options(command_name, params, devices):
    """Every problem with the options of one command, before anything is sent.

    Returns a list of (option, problem). ``devices`` are the resolved raw device objects.
    """
    command = COMMANDS[command_name]
    problems = []
    for option, commands in sorted(OPTION_COMMANDS.items()):
        if params.get(option) is not None and command_name not in commands:
            problems.append((option, 'is not used by command %s (only by %s).'
                             % (command_name, ', '.join(sorted(commands)))))
    for option in map(option_for, command.required):
        if params.get(option) in (None, ''):
            problems.append((option, 'is required by command %s.' % command_name))
    if params.get('pin') is not None and not PIN_RE.match(str(params['pin'])):
        problems.append(('pin', 'must be a 6-digit number.'))
    macs = [d for d in devices if is_macos(d)]
    for option in map(option_for, command.macos_required):
        if params.get(option) in (None, '') and macs:
            problems.append((option, 'is required by command %s for macOS devices: %s.'
                             % (command_name, ', '.join(describe(d) for d in macs[:10])
                                + (' and %d more' % (len(macs) - 10) if len(macs) > 10 else ''))))
    return problems


def describe(device):
    return str(attr(device, 'serial_number') or attr(device, 'name') or device.get('id'))


def command_request(command_name, params, device):
    """(method, path, form data) of one command for one device."""
    command = COMMANDS[command_name]
    path = 'devices/%s/%s' % (device['id'], command.path.format(user_id=params.get('user_id')))
    data = {}
    mac = is_macos(device)
    for field in command.options:
        value = params.get(option_for(field))
        if value is None:
            continue
        if field in command.macos_only and not mac:
            continue
        if isinstance(value, bool):
            value = 'true' if value else 'false'
        data[field] = value
    return command.method, path, data


def shown_data(command_name, data):
    secret = COMMANDS[command_name].secret if command_name in COMMANDS else ()
    return dict((k, MASK if k in secret else v) for k, v in data.items())


# ---- sending one request per device ---------------------------------------------------

class SharedBackoff:
    """One rate-limit backoff for every worker thread of a client.

    The client's retry policy calls ``on_wait(seconds, reason)`` before sleeping on a 429; we
    record until when the API asked us to wait, and every worker waits for that moment before
    it sends its next request, so parallel workers slow down together instead of each one
    hammering the API until its own 429.
    """

    def __init__(self, client):
        self.lock = threading.Lock()
        self.until = 0.0
        policy = getattr(client, 'retry_policy', None)
        if policy is not None:
            previous = policy.on_wait

            def on_wait(seconds, reason):
                if reason.startswith('HTTP 429') or reason.startswith('HTTP 503'):
                    with self.lock:
                        self.until = max(self.until, time.time() + seconds)
                if previous is not None:
                    previous(seconds, reason)
            policy.on_wait = on_wait

    def wait(self):
        while True:
            with self.lock:
                delay = self.until - time.time()
            if delay <= 0:
                return
            time.sleep(min(delay, 1.0))


def shared_backoff(client):
    """The client's one SharedBackoff (made on first use, so its retry hook is wrapped once)."""
    backoff = getattr(client, '_mdmkit_shared_backoff', None)
    if backoff is None:
        backoff = SharedBackoff(client)
        client._mdmkit_shared_backoff = backoff
    return backoff


def send_each(client, jobs, parallel=8, rate_limited_ok=False):
    """Send one request per job with at most ``parallel`` in flight; one result per job.

    ``jobs``: dicts with ``device`` (label dict), ``method``, ``path``, ``data`` and ``shown``
    (the data as shown in results, secrets masked).

    Each result has ``device``, ``method``, ``path``, ``data`` (shown), ``status`` (HTTP status
    or None), ``outcome`` and ``msg``. Outcomes:

    - ``sent``: the API accepted it (2xx).
    - ``rate_limited``: HTTP 429 after the client's retries (only when ``rate_limited_ok``;
      otherwise ``failed``).
    - ``failed``: the API refused it (4xx/5xx) or it could not be sent.
    - ``unknown``: it may have reached the API but no answer came back. It is NOT resent, and
      no further device is sent to after it: the remaining ones are ``not_sent``. A command
      that may already be running on the server (a wipe, a lock) must be checked by a person
      before the task runs again, and an API that stops answering mid-fleet is not one to
      keep sending to.
    - ``not_sent``: skipped because an earlier send had an unknown outcome.
    """
    stop = threading.Event()
    backoff = shared_backoff(client)

    def send(job):
        result = dict(device=job['device'], method=job['method'], path=job['path'], data=job['shown'],
                      status=None)
        if stop.is_set():
            result.update(outcome='not_sent', msg='Not sent: an earlier request had an unknown outcome.')
            return result
        backoff.wait()
        try:
            # resend=False: a command sent with DELETE (disable_bluetooth, lost mode off, ...) is
            # never resent once it may have reached the API, like one sent with POST.
            # expect_json: a 2xx page that is not the API's (a captive portal) is no success.
            response = client.request(job['method'], job['path'], data=job['data'] or None, resend=False,
                                      expect_json=True)
            result.update(status=response.status, outcome='sent', msg='HTTP %s' % response.status)
            if isinstance(response.body, dict) and 'data' in response.body:
                result['response'] = response.body['data']
        except OutcomeUnknownError as exc:
            stop.set()
            result.update(outcome='unknown', msg=exc.msg)
        except RateLimitedError as exc:
            result.update(status=exc.status or 429, outcome='rate_limited' if rate_limited_ok else 'failed',
                          msg=exc.msg)
        except ApiError as exc:
            result.update(status=exc.status, outcome='failed', msg=exc.msg)
        except MdmError as exc:
            result.update(outcome='failed', msg=exc.msg)
        return result

    return list(bounded_map(send, jobs, max(1, int(parallel))))


def summarize(results):
    counts = {}
    for result in results:
        counts[result['outcome']] = counts.get(result['outcome'], 0) + 1
    return counts


def failure_message(what, results):
    """None when every job was sent (or only rate limited); else a message for fail_json."""
    counts = summarize(results)
    bad = [r for r in results if r['outcome'] in ('failed', 'unknown', 'not_sent')]
    if not bad:
        return None
    parts = []
    for outcome in ('unknown', 'failed', 'not_sent'):
        if counts.get(outcome):
            parts.append('%d %s' % (counts[outcome], outcome.replace('_', ' ')))
    first = [r for r in bad if r['outcome'] != 'not_sent'][:3]
    detail = '; '.join('%s: %s' % (describe_label(r['device']), r['msg']) for r in first)
    tally = ', '.join('%s %d' % (k, v) for k, v in sorted(counts.items()))
    msg = '%s: %s of %d devices (%s). %s' % (what, ', '.join(parts), len(results), tally, detail)
    if counts.get('unknown'):
        msg += (' Requests with an unknown outcome were not resent and no further device was sent to;'
                ' check those devices before running the task again for the devices not sent.')
    return msg


def describe_label(device):
    return str(device.get('serial_number') or device.get('name') or device.get('id'))
