# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SimpleMDM device lists: reading a listing from both ends at once (every device once, at most two
extra pages, errors raised to the caller) and resolving device refs with the fewest requests."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import bisect
import random
import threading
import time

import pytest

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError, NotFoundError
from ansible_collections.mdmkit.mdm.plugins.module_utils.parallel import merge
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm import SimpleMDMClient, find_device
from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm_devices import (
    LOOKUP_HEAD_START,
    resolve_devices,
)


class FakeSimpleMDM(SimpleMDMClient):
    """SimpleMDM's device listing and device reads over ``ids`` (cursor paging as the reference
    describes it), with a random delay per request so the two readers interleave differently."""

    def __init__(self, ids, jitter=0.002, fail_on=None):
        super(FakeSimpleMDM, self).__init__('key', base_url='https://simplemdm.invalid/api/v1')
        self.ids = sorted(ids)
        self.jitter = jitter
        self.fail_on = fail_on  # a direction whose second page fails
        self.log = []
        self.lock = threading.Lock()

    def device(self, device_id):
        serial = 'SN%06d' % device_id
        return {'id': device_id, 'attributes': {'serial_number': serial, 'name': 'Device %d' % (device_id % 7),
                                                'device_name': 'Phone %d' % device_id, 'status': 'enrolled'}}

    def get(self, path, params=None, **kwargs):
        params = dict(params or {})
        with self.lock:
            self.log.append((path, params))
        if self.jitter:
            time.sleep(self.jitter + random.uniform(0, self.jitter))
        if path.startswith('devices/'):
            device_id = int(path.split('/')[1])
            if device_id not in self.ids:
                raise NotFoundError('object not found', status=404)
            return {'data': self.device(device_id)}
        ids = self.ids
        if params.get('search'):
            term = params['search'].lower()
            ids = [i for i in ids if term in self.device(i)['attributes']['serial_number'].lower()
                   or term in self.device(i)['attributes']['name'].lower()]
        limit, after = int(params['limit']), params.get('starting_after')
        if params.get('direction') == 'desc':
            if self.fail_on == 'desc' and after is not None:
                raise ConfigError('the downward read failed')
            end = bisect.bisect_left(ids, int(after)) if after is not None else len(ids)
            chunk, has_more = ids[max(0, end - limit):end][::-1], end - limit > 0
        else:
            start = bisect.bisect_right(ids, int(after)) if after is not None else 0
            chunk, has_more = ids[start:start + limit], start + limit < len(ids)
        return {'data': [self.device(i) for i in chunk], 'has_more': has_more}

    def listing_requests(self):
        return [params for path, params in self.log if path == 'devices' and 'search' not in params]


@pytest.mark.parametrize('count', [0, 1, 99, 100, 101, 200, 250, 1000, 1001])
@pytest.mark.parametrize('attempt', range(3))
def test_both_ends_read_every_device_once_with_at_most_two_extra_pages(count, attempt):
    client = FakeSimpleMDM(range(1000, 1000 + 3 * count, 3))  # ids with gaps, like a real account
    pages = list(client.pages_both_ends('devices', params={'include_awaiting_enrollment': 'true'}))
    ids = [device['id'] for page in pages for device in page]
    assert sorted(ids) == client.ids
    assert len(ids) == len(set(ids))
    requests = client.listing_requests()
    # At most two more than one way: when the two reads end exactly where the other began (a
    # fleet of 2k full pages), neither can tell from ids with gaps that nothing lies between, and
    # both ask for one more page; otherwise the page that crosses the meeting point is the one more.
    assert len(requests) <= max(1, -(-count // 100)) + 2
    assert all(r['include_awaiting_enrollment'] == 'true' and r['limit'] == 100 for r in requests)
    if count > 1000:  # ten pages each way: both readers certainly ran (a short list may be done first)
        assert {r.get('direction', 'asc') for r in requests} == {'asc', 'desc'}
    for page in pages:  # each page in one direction's order
        assert [d['id'] for d in page] in (sorted(d['id'] for d in page), sorted((d['id'] for d in page), reverse=True))


def test_both_ends_raise_a_reader_error_to_the_caller():
    client = FakeSimpleMDM(range(1, 1001), fail_on='desc')
    with pytest.raises(ConfigError, match='the downward read failed'):
        for dummy in client.pages_both_ends('devices'):
            pass


def test_merge_yields_every_item_and_stops_its_workers_when_the_consumer_stops():
    closed = []

    def numbers(start):
        try:
            yield from range(start, start + 1000, 2)
        finally:
            closed.append(start)

    assert sorted(merge([numbers(0), numbers(1)])) == list(range(1000))
    stream = merge([numbers(0), numbers(1)], depth=1)
    next(stream)
    stream.close()
    deadline = time.monotonic() + 2
    while len(closed) < 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert sorted(closed) == [0, 0, 1, 1]


# ---- resolve_devices ------------------------------------------------------------------------

def gets(client):
    return [path for path, params in client.log]


def test_a_few_ids_cost_one_read_each_and_no_listing():
    client = FakeSimpleMDM(range(1, 2001), jitter=0)
    found = resolve_devices(client, ['1999', '5', '700'])
    assert [d['id'] for d in found] == [1999, 5, 700]
    assert sorted(gets(client)) == ['devices/1999', 'devices/5', 'devices/700']


def test_a_few_serial_numbers_cost_one_search_each():
    client = FakeSimpleMDM(range(1, 2001), jitter=0)
    found = resolve_devices(client, ['SN001500', 'SN000003'])
    assert [d['id'] for d in found] == [1500, 3]
    assert sorted(params['search'] for path, params in client.log) == ['SN000003', 'SN001500']


def test_many_refs_cost_at_most_about_twice_the_cheaper_way():
    client = FakeSimpleMDM(range(1, 501), jitter=0)  # a 5-page listing
    refs = [str(i) for i in range(1, 501, 7)]  # 72 ids across the fleet
    found = resolve_devices(client, refs)
    assert [d['id'] for d in found] == [int(r) for r in refs]
    assert len(client.listing_requests()) <= 5
    assert len(client.log) <= 2 * 5 + LOOKUP_HEAD_START

    client = FakeSimpleMDM(range(1, 100001), jitter=0)  # a 1000-page listing, 30 refs
    refs = ['SN%06d' % i for i in range(7, 100000, 3333)]
    assert len(resolve_devices(client, refs)) == len(refs)
    assert len(client.log) <= 2 * len(refs)


def test_a_device_name_and_an_unknown_ref_are_looked_for_in_the_complete_listing():
    client = FakeSimpleMDM(range(1, 251), jitter=0)
    assert find_device(client, 'Phone 42')['id'] == 42  # not searched by the API: the listing finds it
    assert len(client.listing_requests()) == 3
    with pytest.raises(ConfigError, match="^devices: no SimpleMDM device has the id, serial number or name 'NOPE'"):
        resolve_devices(client, ['1', 'NOPE'])
    assert find_device(client, 'NOPE') is None


def test_a_shared_name_fails_naming_the_option_and_the_ids():
    client = FakeSimpleMDM(range(1, 30), jitter=0)
    with pytest.raises(ConfigError, match=r"^device: 'Device 3' matches 4 devices by name \(ids 3, 10, 17, 24\)"):
        find_device(client, 'Device 3')
