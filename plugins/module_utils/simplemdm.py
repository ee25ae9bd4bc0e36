# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SimpleMDM adapter: HTTP Basic with the API key as user, cursor paging, error titles."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

from ansible_collections.mdmkit.mdm.plugins.module_utils.client import ApiClient

DEFAULT_BASE_URL = 'https://a.simplemdm.com/api/v1'
MAX_PAGE_SIZE = 100


class SimpleMDMClient(ApiClient):
    vendor = 'simplemdm'
    vendor_label = 'SimpleMDM'

    def __init__(self, api_key, base_url=DEFAULT_BASE_URL, **kwargs):
        super(SimpleMDMClient, self).__init__(base_url, **kwargs)
        self.add_secret(api_key)
        # The key is the Basic user name; the password stays empty (SimpleMDM reference).
        self.basic_auth = (api_key, '')

    def vendor_message(self, body):
        errors = body.get('errors') if isinstance(body, dict) else None
        if not errors:
            return None
        return '; '.join(str(e.get('title') or e.get('detail') or e) if isinstance(e, dict) else str(e)
                         for e in errors)

    def paginate(self, path, params=None, limit=MAX_PAGE_SIZE, direction='asc'):
        """Yield every object of a list endpoint lazily (``limit``/``starting_after``/``has_more``)."""
        for page in self.pages(path, params=params, limit=limit, direction=direction):
            yield from page

    def pages(self, path, params=None, limit=MAX_PAGE_SIZE, direction='asc'):
        """Yield each page (a list of objects) of a list endpoint."""
        query = dict(params or {})
        query['limit'] = limit
        if direction != 'asc':
            query['direction'] = direction
        while True:
            body = self.get(path, params=query) or {}
            data = body.get('data') or []
            if data:
                yield data
            if not body.get('has_more') or not data:
                return
            query['starting_after'] = data[-1]['id']

    def pages_both_ends(self, path, params=None, limit=MAX_PAGE_SIZE):
        """Yield every page of a list endpoint, read from both ends at once.

        Two workers page the same listing, one upward (``direction=asc``) and one downward
        (``direction=desc``), and the pages are yielded as they arrive (the ascending ones in
        ascending order, the descending ones in descending order). Each worker keeps only the
        objects the other has not read (the listing is ordered by id), and both stop where they
        meet: no object twice, none lost, and at most two pages more than reading one way. One
        more is the page that crosses the meeting point, or one already asked for when the other
        worker reached it; two more when the reads end exactly where the other began (a fleet of
        an even number of full pages): ids have gaps, so neither can tell that nothing lies between
        without asking once more. A worker's error is raised to the caller.
        """
        from ansible_collections.mdmkit.mdm.plugins.module_utils.parallel import merge
        meeting = _Meeting()
        return merge([self._half_pages(path, params, limit, direction, meeting) for direction in ('asc', 'desc')],
                     depth=2)

    def _half_pages(self, path, params, limit, direction, meeting):
        query = dict(params or {})
        query['limit'] = limit
        if direction != 'asc':
            query['direction'] = direction
        while not meeting.met:
            body = self.get(path, params=query) or {}
            data = body.get('data') or []
            kept = meeting.keep(direction, data, last=not body.get('has_more') or not data)
            if kept:
                yield kept
            if meeting.met:
                return
            query['starting_after'] = data[-1]['id']


class _Meeting:
    """Where the upward and the downward reads of one listing have got to (ids, one lock)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.highest_up = None  # the highest id the upward read has kept
        self.lowest_down = None  # the lowest id the downward read has kept
        self.met = False

    def keep(self, direction, data, last):
        """The objects of a page the other read has not got, in page order. Sets ``met`` when
        the page reaches what the other read has (everything between is then read) or is the
        last page of the listing; after that every page is dropped."""
        with self.lock:
            if self.met:
                return []
            if direction == 'asc':
                kept = [o for o in data if self.lowest_down is None or o['id'] < self.lowest_down]
                if kept:
                    self.highest_up = kept[-1]['id']
            else:
                kept = [o for o in data if self.highest_up is None or o['id'] > self.highest_up]
                if kept:
                    self.lowest_down = kept[-1]['id']
            self.met = last or len(kept) < len(data)
            return kept


def flatten(obj):
    """A JSON:API object as one flat dict: ``id``, its attributes, and its to-one relationships
    as ``<name>_id`` (e.g. ``device_group_id``). Custom attribute values become a dict."""
    flat = {'id': obj.get('id')}
    flat.update(obj.get('attributes') or {})
    for name, rel in (obj.get('relationships') or {}).items():
        data = (rel or {}).get('data')
        if name == 'custom_attribute_values':
            flat['custom_attributes'] = dict((v.get('id'), (v.get('attributes') or {}).get('value'))
                                             for v in data or [])
        elif isinstance(data, dict):
            flat[name + '_id'] = data.get('id')
        elif isinstance(data, list):
            flat[name + '_ids'] = [item.get('id') for item in data]
    return flat


def find_device(client, ref, include_awaiting_enrollment=True, option='device'):
    """One device by id, serial number or name with the fewest requests (one GET by id, or one
    ``search`` listing; the full listing only for a device name or an unknown ref); None when
    no device has it. An ambiguous name fails naming ``option``. See
    ``simplemdm_devices.resolve_devices``."""
    from ansible_collections.mdmkit.mdm.plugins.module_utils.simplemdm_devices import resolve_devices
    found = resolve_devices(client, [ref], option=option, include_awaiting_enrollment=include_awaiting_enrollment,
                            missing_ok=True)
    return found[0] if found else None
