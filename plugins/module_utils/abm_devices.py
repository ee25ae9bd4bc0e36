# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Apple Business / School Manager helpers shared by the abm_* modules and the abm inventory.

- ``flatten``: a JSON:API object to a flat dict with snake_case keys (``serialNumber`` ->
  ``serial_number``), so host vars and results read like the rest of the collection.
- ``assignments``: serial -> server id for the whole org, from ONE paged list per server
  (``GET /v1/mdmServers/{id}/relationships/devices``, 1000 per page), never a request per device.
- ``plan_moves`` / ``activity_batches``: the devices not yet in the desired state, cut into as few
  ``orgDeviceActivities`` as ``batch_size`` allows (one per source server for unassignment).
- ``wait_for_activities``: poll each activity with capped exponential backoff until it is
  COMPLETED, FAILED or STOPPED, or the deadline passes.
- ``add_applecare``: each device's AppleCare coverage (one request per device, bounded parallel).
- ``parse_deadline`` / ``migrating``: the MDM migration deadline and the migration activity types.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv
import io
import re
import time

from ansible_collections.mdmkit.mdm.plugins.module_utils.abm import MAX_PAGE_SIZE, pages_left
from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError, MdmError, NotFoundError, OutcomeUnknownError
from ansible_collections.mdmkit.mdm.plugins.module_utils.lookup import find
from ansible_collections.mdmkit.mdm.plugins.module_utils.parallel import bounded_map

# Apple documents no limit on the devices of one activity; its list endpoints accept at most
# 1000 items per page (limit=1000) and public clients send their whole serial list in one
# activity. 1000 keeps each activity within the size Apple handles for a page.
MAX_BATCH_SIZE = 1000
TERMINAL_STATUSES = ('COMPLETED', 'FAILED', 'STOPPED')
SUCCESS_SUB_STATUS = 'COMPLETED_WITH_SUCCESS'
POLL_MAX_INTERVAL = 60.0
POLL_BACKOFF = 1.5

SERVERS_PATH = 'v1/mdmServers'
SERVER_DEVICES_PATH = 'v1/mdmServers/%s/relationships/devices'
DEVICES_PATH = 'v1/orgDevices'
DEVICE_PATH = 'v1/orgDevices/%s'
DEVICE_SERVER_LINK_PATH = 'v1/orgDevices/%s/relationships/assignedServer'
ACTIVITIES_PATH = 'v1/orgDeviceActivities'
ACTIVITY_PATH = 'v1/orgDeviceActivities/%s'
APPLECARE_PATH = 'v1/orgDevices/%s/appleCareCoverage'
DEFAULT_WORKERS = 4
MAX_WORKERS = 16

_CAMEL = re.compile(r'(?<=[a-z0-9])([A-Z])')

# assignments_for(only=...): the device is on a service other than the one asked about.
ELSEWHERE = '(another service)'

# Outcomes the activity log uses for a device that moved.
LOG_SUCCESS = frozenset(['SUCCESS', 'SUCCEEDED', 'COMPLETED', 'OK'])


def snake(name):
    return _CAMEL.sub(r'_\1', name).lower()


def flatten(obj):
    """``{type, id, attributes}`` -> ``{id, <snake_case attributes>}``."""
    flat = {'id': obj.get('id')}
    for key, value in (obj.get('attributes') or {}).items():
        flat[snake(key)] = value
    return flat


def normalize_serial(value):
    return str(value).strip().upper()


# ---- servers ---------------------------------------------------------------------------

def list_servers(client):
    """Every device management service as flat dicts (one paged request)."""
    return [flatten(obj) for obj in client.paginate(SERVERS_PATH)]


def find_server(servers, value, option='mdm_server'):
    """The server whose id or name is ``value``; ConfigError naming the option if none."""
    server = find(servers, value, ('id', 'server_name'), 'device management service', option)
    if server is None:
        raise ConfigError('%s: no device management service has the id or name %r (known: %s).'
                          % (option, value, ', '.join(sorted(str(s.get('server_name')) for s in servers))
                             or 'none'))
    return server


def server_serials(client, server_id):
    """Serial numbers assigned to one server, paged 1000 at a time."""
    return [item.get('id') for item in client.paginate(SERVER_DEVICES_PATH % server_id, limit=MAX_PAGE_SIZE)]


def assignments(client, servers):
    """serial -> server id for every assigned device: one paged list per server."""
    assigned = {}
    for server in servers:
        for serial in server_serials(client, server['id']):
            assigned[serial] = server['id']
    return assigned


def assignments_for(client, servers, serials, statuses=None, only=None):
    """serial -> the id of the service each device is on (None: unassigned), in few requests.

    ``statuses``: serial -> the device's ``status`` when its record was already read; Apple
    documents ASSIGNED/UNASSIGNED there, so an UNASSIGNED device needs no request at all.
    ``only``: a service id when all that matters is whether each device is on that service:
    then only its list is read, and a device on another service maps to ``ELSEWHERE``.

    A service's device list costs one request per page of 1000, a device's ``assignedServer``
    link one request. Lists are read while the devices still unplaced outnumber the list pages
    still to read (a list's ``meta.paging.total`` tells its pages), then each remaining device
    is asked for on its own.
    """
    found, todo = {}, []
    for serial in serials:
        if statuses is not None and str(statuses.get(serial) or '').upper() == 'UNASSIGNED':
            found[serial] = None
        elif serial not in todo:
            todo.append(serial)
    lists = [s['id'] for s in servers if only is None or s['id'] == only]
    unplaced = set(todo)
    lists_done = 0
    for number, server_id in enumerate(lists):
        if len(unplaced) <= len(lists) - number:  # each unread list costs at least one request
            break
        finished = True
        for pages_read, body in enumerate(client.page_bodies(SERVER_DEVICES_PATH % server_id), 1):
            for item in body.get('data') or []:
                if item.get('id') in unplaced:
                    found[item['id']] = server_id
                    unplaced.discard(item['id'])
            left = pages_left(body, pages_read)
            if left and len(unplaced) <= left + len(lists) - number - 1:
                finished = False
                break
        if not finished:
            break
        lists_done += 1
    if lists_done == len(lists):  # every list read: the rest are on none of them
        for serial in unplaced:
            found[serial] = None if only is None else ELSEWHERE
        unplaced = set()
    for serial in todo:
        if serial in unplaced:
            found[serial] = assigned_server_id(client, serial)
    return dict((serial, found.get(serial)) for serial in serials)


def assigned_server_id(client, serial):
    """The id of the service one device is on, or None (its ``assignedServer`` link)."""
    try:
        body = client.get(DEVICE_SERVER_LINK_PATH % serial) or {}
    except NotFoundError:
        return None
    data = body.get('data') or {}
    return data.get('id') if isinstance(data, dict) else None


# ---- devices ---------------------------------------------------------------------------

def list_devices(client):
    """Every org device as a flat dict (pages of 1000)."""
    for page in client.pages(DEVICES_PATH, limit=MAX_PAGE_SIZE):
        for obj in page:
            yield flatten(obj)


def device_pages(client):
    for page in client.pages(DEVICES_PATH, limit=MAX_PAGE_SIZE):
        yield [flatten(obj) for obj in page]


def get_devices(client, serials):
    """The org devices with these serial numbers (serial -> flat device), and the serials the
    organization does not have, in few requests.

    One serial: one GET. More: the org list, 1000 per page, until every serial is found; once
    the serials still missing are no more than the pages left, one GET each for them instead.
    """
    wanted = []
    for value in serials:
        serial = normalize_serial(value)
        if serial not in wanted:
            wanted.append(serial)
    found = {}
    if len(wanted) > 1:
        for pages_read, body in enumerate(client.page_bodies(DEVICES_PATH, limit=MAX_PAGE_SIZE), 1):
            for obj in body.get('data') or []:
                device = flatten(obj)
                serial = normalize_serial(device.get('serial_number') or device.get('id'))
                if serial in wanted:
                    found[serial] = device
            left = [s for s in wanted if s not in found]
            remaining = pages_left(body, pages_read)
            if not left or not remaining:
                return found, left
            if len(left) <= remaining:
                break
    for serial in wanted:
        if serial not in found:
            try:
                found[serial] = flatten((client.get(DEVICE_PATH % serial) or {}).get('data') or {})
            except NotFoundError:
                pass
    return found, [s for s in wanted if s not in found]


# ---- assignment plan -------------------------------------------------------------------

def plan_moves(current, serials, state, server_id):
    """The serials not yet in the desired state, in the order given.

    ``current``: serial -> server id or None. ``state`` assigned: every device not on
    ``server_id``. unassigned: every device on ``server_id`` (or on any server when None).
    """
    moves = []
    for serial in serials:
        now = current.get(serial)
        if state == 'assigned':
            if now != server_id:
                moves.append(serial)
        elif now is not None and (server_id is None or now == server_id):
            moves.append(serial)
    return moves


def chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def activity_batches(moves, current, state, server_id, batch_size):
    """[(activity type, server id, [serials])]: the fewest activities ``batch_size`` allows.

    Assignment: one server, so ceil(n / batch_size) activities. Unassignment names the server
    the devices leave (the ``mdmServer`` relationship), so one group per current server.
    """
    batches = []
    if state == 'assigned':
        for part in chunks(moves, batch_size):
            batches.append(('ASSIGN_DEVICES', server_id, part))
        return batches
    by_server = {}
    order = []
    for serial in moves:
        source = current[serial]
        if source not in by_server:
            by_server[source] = []
            order.append(source)
        by_server[source].append(serial)
    for source in order:
        for part in chunks(by_server[source], batch_size):
            batches.append(('UNASSIGN_DEVICES', source, part))
    return batches


def activity_body(activity_type, server_id, serials, metadata=None):
    relationships = {}
    if server_id:  # first, as in Apple's example (and so the log excerpt of a big body shows it)
        relationships['mdmServer'] = {'data': {'type': 'mdmServers', 'id': server_id}}
    relationships['devices'] = {'data': [{'type': 'orgDevices', 'id': s} for s in serials]}
    attributes = {'activityType': activity_type}
    if metadata:  # e.g. {'mdmMigrationDeadlineDateTime': ...} for ASSIGN_DEVICES_WITH_MDM_MIGRATION_DEADLINE
        attributes['activityTypeMetadata'] = metadata
    return {'data': {'type': 'orgDeviceActivities', 'attributes': attributes,
                     'relationships': relationships}}


def activity_view(obj):
    attributes = obj.get('attributes') or {}
    return {
        'id': obj.get('id'),
        'status': attributes.get('status'),
        'sub_status': attributes.get('subStatus'),
        'created_date_time': attributes.get('createdDateTime'),
        'completed_date_time': attributes.get('completedDateTime'),
        'download_url': attributes.get('downloadUrl'),
    }


def create_activity(client, activity_type, server_id, serials, metadata=None):
    body = client.post(ACTIVITIES_PATH, json_body=activity_body(activity_type, server_id, serials, metadata)) or {}
    return activity_view(body.get('data') or {})


def get_activity(client, activity_id):
    return activity_view((client.get(ACTIVITY_PATH % activity_id) or {}).get('data') or {})


def is_terminal(activity):
    return activity.get('status') in TERMINAL_STATUSES


def is_success(activity):
    return activity.get('status') == 'COMPLETED' and activity.get('sub_status') in (None, SUCCESS_SUB_STATUS)


def activity_log(client, activity):
    """Per-device outcomes from an activity's CSV log at ``downloadUrl``.

    Apple reports some per-device failures only there (a serial unknown to the organization can
    end COMPLETED). Columns are matched by name, loosely, since Apple does not document them:
    the serial number, a status or result, and a message. Returns [{serial, status, message, ok}],
    or None when the activity has no log or it cannot be read.
    """
    url = activity.get('download_url')
    if not url:
        return None
    try:
        text = client.request('GET', url, headers={'Accept': 'text/csv, */*'}).text
    except MdmError:
        return None
    rows = list(csv.reader(io.StringIO(text)))
    if len(rows) < 2:
        return []
    header = [h.strip().lower() for h in rows[0]]

    def column(*words):
        for index, name in enumerate(header):
            if any(word in name for word in words):
                return index
        return None

    serial_col, status_col, message_col = column('serial'), column('status', 'result'), column('message', 'error', 'reason')
    if serial_col is None or status_col is None:
        return None
    outcomes = []
    for row in rows[1:]:
        if len(row) <= max(serial_col, status_col):
            continue
        status = row[status_col].strip()
        outcomes.append({'serial': normalize_serial(row[serial_col]), 'status': status,
                         'message': row[message_col].strip() if message_col is not None and len(row) > message_col else '',
                         'ok': status.upper() in LOG_SUCCESS})
    return outcomes


def wait_for_activities(client, activities, timeout, interval, sleep=time.sleep, clock=time.time):
    """Poll every unfinished activity until each is terminal or ``timeout`` seconds pass.

    Waits ``interval`` before the first poll, then 1.5 times longer after each round that
    left one unfinished, up to 60 seconds (Apple allows only a few reads a minute).
    Updates the dicts in place; returns the ones still unfinished.
    """
    deadline = clock() + timeout
    pending = [a for a in activities if not is_terminal(a)]
    delay = max(0.0, float(interval))
    while pending:
        remaining = deadline - clock()
        if remaining <= 0:
            break
        sleep(min(delay, remaining))
        still = []
        for activity in pending:
            activity.update(dict((k, v) for k, v in get_activity(client, activity['id']).items()
                                 if k != 'id' and v is not None))
            if not is_terminal(activity):
                still.append(activity)
        pending = still
        delay = min(POLL_MAX_INTERVAL, max(delay, 0.1) * POLL_BACKOFF)
    return pending


# ---- AppleCare coverage ----------------------------------------------------------------

def applecare(client, serial):
    """The coverage records of one device as flat dicts (``GET .../appleCareCoverage``)."""
    body = client.get(APPLECARE_PATH % serial) or {}
    return [flatten(obj) for obj in body.get('data') or []]


def applecare_summary(records):
    """A few flat fields from the coverage records: the active one that ends last, else the
    one that ended last. Keys ``applecare_status``, ``applecare_description``,
    ``applecare_end_date_time``, ``applecare_agreement_number`` (None when no record)."""
    best = None
    for record in records:
        rank = (record.get('status') == 'ACTIVE', str(record.get('end_date_time') or ''))
        if best is None or rank > best[0]:
            best = (rank, record)
    record = best[1] if best else {}
    return {'applecare_status': record.get('status'), 'applecare_description': record.get('description'),
            'applecare_end_date_time': record.get('end_date_time'),
            'applecare_agreement_number': record.get('agreement_number')}


def add_applecare(client, devices, workers=DEFAULT_WORKERS):
    """Set ``applecare`` (the records) and the summary keys on each device, in place.

    One request per device, at most ``workers`` in flight (the client waits on 429 as asked).
    """
    def fetch(device):
        return applecare(client, device.get('serial_number') or device['id'])

    for device, records in zip(devices, bounded_map(fetch, devices, max(1, min(int(workers), MAX_WORKERS)))):
        device['applecare'] = records
        device.update(applecare_summary(records))
    return devices


# ---- MDM migration deadline ------------------------------------------------------------

# Apple's OrgDeviceActivityType (Apple Business API 2.3, Apple School Manager API 1.6): assign with
# a deadline names the service; update and cancel name only the devices.
DEADLINE_ACTIVITY = 'ASSIGN_DEVICES_WITH_MDM_MIGRATION_DEADLINE'
UPDATE_DEADLINE_ACTIVITY = 'UPDATE_MDM_MIGRATION_DEADLINE'
CANCEL_MIGRATION_ACTIVITY = 'CANCEL_MDM_MIGRATION'
# "The deadline can't be more than 90 days in the future." (Apple: Create an OrgDeviceActivity)
MAX_DEADLINE_DAYS = 90
# Apple's MdmMigrationStatus values of a migration still in progress (SUCCESS and FAILED are final).
MIGRATING = ('REQUESTED', 'STARTED')


def _moment(text):
    from datetime import datetime, timezone
    text = str(text).strip()
    moment = datetime.fromisoformat(text[:-1] + '+00:00' if text.endswith(('Z', 'z')) else text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def parse_deadline(value, now=None):
    """An ISO 8601 date-time (``Z`` or an offset; without a zone, UTC) in the future and at most
    90 days ahead, as Apple's UTC form ``YYYY-MM-DDTHH:MM:SSZ``. ConfigError naming the option
    otherwise."""
    from datetime import datetime, timedelta, timezone
    try:
        moment = _moment(value)
    except ValueError:
        raise ConfigError('mdm_migration_deadline: %r is not an ISO 8601 date-time such as '
                          '2026-12-31T17:00:00Z.' % str(value).strip())
    now = now or datetime.now(timezone.utc)
    text = moment.strftime('%Y-%m-%dT%H:%M:%SZ')
    if moment <= now:
        raise ConfigError('mdm_migration_deadline: %s is not in the future.' % text)
    if moment > now + timedelta(days=MAX_DEADLINE_DAYS):
        raise ConfigError('mdm_migration_deadline: %s is more than %d days ahead; Apple accepts a deadline up to '
                          '%s.' % (text, MAX_DEADLINE_DAYS,
                                   (now + timedelta(days=MAX_DEADLINE_DAYS)).strftime('%Y-%m-%dT%H:%M:%SZ')))
    return text


def same_moment(left, right):
    """Whether two ISO 8601 date-times name the same second (Apple may add milliseconds)."""
    try:
        return _moment(left).replace(microsecond=0) == _moment(right).replace(microsecond=0)
    except (TypeError, ValueError):
        return False


def migrating(device):
    """Whether a device (flat record) has a migration in progress."""
    return str(device.get('mdm_migration_status') or '').upper() in MIGRATING


# ---- waiting for activities and reading their outcomes -----------------------------------

SHOWN = 20


def listing(serials):
    """Up to 20 serials, then how many more."""
    shown = ', '.join(serials[:SHOWN])
    return shown + (' and %d more' % (len(serials) - SHOWN) if len(serials) > SHOWN else '')


def await_outcomes(client, activities, timeout, interval, fallback):
    """Wait for ``activities``; give each one that did not fully succeed its ``device_outcomes``.

    Outcomes come from the activity's CSV log, else from ``fallback(activity)`` (a list of
    {serial, ok, status, message} read from the current state). Returns
    (pending, unsuccessful, failed serials); when some are still pending, nothing else is read.
    """
    pending = wait_for_activities(client, activities, timeout, interval)
    if pending:
        return pending, [], []
    unsuccessful = [a for a in activities if not is_success(a)]
    failed = []
    for activity in unsuccessful:
        outcomes = activity_log(client, activity)
        if outcomes is None:
            outcomes = fallback(activity)
        activity['device_outcomes'] = outcomes
        failed.extend(o['serial'] for o in outcomes if not o['ok'])
    return pending, unsuccessful, failed


def pending_message(pending, activities, timeout):
    return ('%d of %d activities had not finished after %s seconds (wait_timeout): %s. '
            'They keep running at Apple; follow them with abm_device_activity_info.'
            % (len(pending), len(activities), timeout,
               ', '.join('%s (%s)' % (a['id'], a.get('status')) for a in pending)))


def failure_message(unsuccessful, activities, failed, state):
    described = '; '.join('%s %s/%s (%d devices%s)' % (
        a['id'], a.get('status'), a.get('sub_status'), len(a['devices']),
        ', log: %s' % a['download_url'] if a.get('download_url') else '') for a in unsuccessful)
    reasons = sorted(set('%s: %s' % (o['serial'], o['message']) for a in unsuccessful
                         for o in a['device_outcomes'] if not o['ok'] and o.get('message')))
    return ('%d of %d activities did not succeed: %s. Devices not %s: %s.%s'
            % (len(unsuccessful), len(activities), described, state,
               listing(failed) if failed else 'none found (see the activity log)',
               (' ' + '; '.join(reasons[:20])) if reasons else ''))


def failed_result(result, exc):
    """The result of a task that failed with ``exc`` after ``result`` was partly filled.

    Changed once an activity exists, or when an activity POST may have reached Apple (outcome
    unknown): it may have acted, and a release cannot be undone.
    """
    failed = dict(result)
    failed['changed'] = bool(result['activities']) or isinstance(exc, OutcomeUnknownError)
    failed.update(exc.result())
    return failed


def send_activities(client, batches, result, metadata_for=None):
    """Create one activity per (type, server, serials) batch, appending each to result['activities'].

    Activities are never resent; a failure after some were created names them.
    """
    for activity_type, target, part in batches:
        metadata = None
        if metadata_for:
            activity_type, metadata = metadata_for(activity_type)
        try:
            activity = create_activity(client, activity_type, target, part, metadata)
        except MdmError as exc:
            if result['activities']:
                exc.msg += (' (%d activities were already created: %s)'
                            % (len(result['activities']), ', '.join(a['id'] for a in result['activities'])))
            raise
        activity.update(activity_type=activity_type, mdm_server_id=target, devices=part)
        result['activities'].append(activity)
