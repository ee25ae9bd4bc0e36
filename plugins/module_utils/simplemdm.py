# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SimpleMDM adapter: HTTP Basic with the API key as user, cursor paging, error titles."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

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
    """One device by id, serial number or name, with the fewest requests.

    Digits are tried as an id first (one GET). Otherwise one ``search`` listing, matched
    exactly on serial number, then name, then device name; an ambiguous name fails.
    Returns the raw API object or None.
    """
    from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import NotFoundError
    from ansible_collections.mdmkit.mdm.plugins.module_utils.lookup import find
    ref = str(ref).strip()
    if ref.isdigit():
        try:
            return client.get('devices/%s' % ref)['data']
        except NotFoundError:
            pass
    params = {'search': ref}
    if include_awaiting_enrollment:
        params['include_awaiting_enrollment'] = 'true'
    candidates = list(client.paginate('devices', params=params))
    return find(candidates, ref, ('serial_number', 'name', 'device_name'), 'device', option)
