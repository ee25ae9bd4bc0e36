# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Esper adapter: bearer API key, tenant-derived URL, offset paging (optionally parallel)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.mdmkit.mdm.plugins.module_utils.client import ApiClient
from ansible_collections.mdmkit.mdm.plugins.module_utils.parallel import bounded_map

DEFAULT_PAGE_SIZE = 100
# Keys of the answer envelopes: v0 `{code, message, content}`, some v2 answers `{content}` alone.
ENVELOPE_KEYS = frozenset(['code', 'message', 'content', 'status', 'errors'])


def tenant_base_url(tenant):
    return 'https://%s-api.esper.cloud/api' % tenant


def unwrap(body):
    """Take the answer out of its envelope (``{code, message, content}`` or ``{content}``)."""
    if isinstance(body, dict) and 'content' in body and set(body) <= ENVELOPE_KEYS:
        return body['content']
    return body


class EsperClient(ApiClient):
    vendor = 'esper'
    vendor_label = 'Esper'

    def __init__(self, api_key, tenant=None, base_url=None, **kwargs):
        super(EsperClient, self).__init__(base_url or tenant_base_url(tenant), **kwargs)
        self.add_secret(api_key)
        self._api_key = api_key

    def authenticate(self, headers, url):
        headers['Authorization'] = 'Bearer %s' % self._api_key

    def vendor_message(self, body):
        if not isinstance(body, dict):
            return None
        parts = []
        errors = body.get('errors')
        if isinstance(errors, list):
            parts.extend(str(e.get('message') or e.get('detail') or e) if isinstance(e, dict) else str(e)
                         for e in errors)
        elif isinstance(errors, dict):
            parts.extend('%s: %s' % (k, v) for k, v in errors.items())
        if body.get('message') and body.get('message') not in parts:
            parts.insert(0, str(body['message']))
        return '; '.join(parts) or None

    def get_content(self, path, params=None):
        return unwrap(self.get(path, params=params))

    def paginate(self, path, params=None, limit=DEFAULT_PAGE_SIZE, workers=1):
        for page in self.pages(path, params=params, limit=limit, workers=workers):
            yield from page

    def pages(self, path, params=None, limit=DEFAULT_PAGE_SIZE, workers=1):
        """Yield result pages in order. The first page gives ``count``; with ``workers`` > 1 the
        remaining offsets are fetched in parallel (bounded), since offset paging allows it.

        Offsets step by the size of the first page when the server returned fewer results than
        asked for while more exist: a server that caps ``limit`` (Django REST framework's
        ``max_limit``) would otherwise have every page skip devices."""
        query = dict(params or {})
        query['limit'] = limit
        query['offset'] = 0
        first = self.get_content(path, params=query) or {}
        results = first.get('results') or []
        yield results
        step = page_step(limit, len(results), first.get('count'))
        count = first.get('count')
        if count is None:  # no total: follow offsets one by one
            page = first
            while page.get('next') and page.get('results'):
                query['offset'] += len(page['results'])
                page = self.get_content(path, params=query) or {}
                yield page.get('results') or []
            return
        offsets = list(range(step, count, step))

        def fetch(offset):
            page_query = dict(query, offset=offset)
            return (self.get_content(path, params=page_query) or {}).get('results') or []

        yield from bounded_map(fetch, offsets, workers)


def page_step(asked, returned, count):
    """The offset step: the page size asked for, or the one the server returned when it gave
    fewer results than asked while more exist."""
    if 0 < returned < asked and (count is None or count > returned):
        return returned
    return asked
