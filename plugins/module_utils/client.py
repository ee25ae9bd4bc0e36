# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one HTTP client every module and inventory plugin uses.

``ApiClient`` owns the ``requests`` session, TLS, timeouts, the retry policy and the mapping
of vendor answers to typed errors. Vendor adapters (``simplemdm.py``, ``abm.py``, ``esper.py``,
``micromdm.py``) add authentication, paging and the vendor's error-body format.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re
import time
import traceback

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import (
    ApiError,
    MdmError,
    OutcomeUnknownError,
    RateLimitedError,
    TransportError,
    error_class_for_status,
)
from ansible_collections.mdmkit.mdm.plugins.module_utils.retries import IDEMPOTENT_METHODS, RetryPolicy

try:
    import requests
    from requests.adapters import HTTPAdapter
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

USER_AGENT = 'mdmkit.mdm/0.1.0 (+https://github.com/mdmkit/mdm)'
MASK = '********'
EXCERPT_CHARS = 200


class Response:
    """What callers get back: status, headers, the decoded JSON body (or None), the text and raw bytes."""

    def __init__(self, status, headers, body, text='', content=b''):
        self.status = status
        self.headers = headers
        self.body = body
        self.text = text
        self.content = content


class ApiClient:
    """Base client. Subclasses set ``vendor`` and override the hooks below."""

    vendor = 'api'
    vendor_label = 'API'

    def __init__(self, base_url, timeout=30, max_retries=5, validate_certs=True, ca_path=None,
                 rate_limit_max_wait=300):
        if not HAS_REQUESTS:
            raise MdmError('The Python library requests is required by mdmkit.mdm.')
        self.base_url = base_url.rstrip('/')
        self.timeout = timeout
        self.rate_limit_max_wait = rate_limit_max_wait
        self.waits = []  # (seconds, reason) of every retry wait, for results and benchmarks
        self.request_count = 0
        self.basic_auth = None  # (user, password), sent to our own API host only
        self._secrets = set()
        self.session = requests.Session()
        self.session.headers['User-Agent'] = USER_AGENT
        self.session.headers['Accept'] = 'application/json'
        self.session.verify = ca_path if ca_path else validate_certs
        self.retry_policy = RetryPolicy(total=max_retries, rate_limit_max_wait=rate_limit_max_wait,
                                        on_wait=self._record_wait)
        adapter = HTTPAdapter(max_retries=self.retry_policy, pool_maxsize=16)
        self.session.mount('http://', adapter)
        self.session.mount('https://', adapter)

    # ---- hooks for vendor adapters -------------------------------------------------

    def authenticate(self, headers, url):
        """Add credentials to ``headers`` for a request to ``url`` on the vendor's API host."""

    def vendor_message(self, body):
        """The human part of the vendor's error body, or None."""
        return None

    def on_auth_failure(self, method, path):
        """Return True to resend once after a 401 (ABM: fetch a new token)."""
        return False

    # ---- secrets -------------------------------------------------------------------

    def add_secret(self, value):
        """Register a value that must never appear in an error message."""
        if value and len(str(value)) >= 4:
            self._secrets.add(str(value))

    def scrub(self, text):
        text = '' if text is None else str(text)
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return text

    # ---- requests ------------------------------------------------------------------

    def url_for(self, path):
        if path.startswith('http://') or path.startswith('https://'):
            return path
        return self.base_url + '/' + path.lstrip('/')

    def get(self, path, params=None, **kwargs):
        return self.request('GET', path, params=params, **kwargs).body

    def post(self, path, json_body=None, data=None, **kwargs):
        return self.request('POST', path, json_body=json_body, data=data, **kwargs).body

    def put(self, path, json_body=None, data=None, **kwargs):
        return self.request('PUT', path, json_body=json_body, data=data, **kwargs).body

    def patch(self, path, json_body=None, data=None, **kwargs):
        return self.request('PATCH', path, json_body=json_body, data=data, **kwargs).body

    def delete(self, path, params=None, **kwargs):
        return self.request('DELETE', path, params=params, **kwargs).body

    def request(self, method, path, params=None, json_body=None, data=None, files=None,
                headers=None, ok_statuses=None):
        """Send one request (with the retry policy) and return a ``Response``.

        ``ok_statuses``: extra non-2xx statuses the caller handles itself (e.g. 409).
        """
        method = method.upper()
        response = self._send(method, path, params, json_body, data, files, headers)
        if response.status_code == 401 and self.on_auth_failure(method, path):
            response = self._send(method, path, params, json_body, data, files, headers)
        return self._handle(method, path, response, ok_statuses or ())

    def _send(self, method, path, params, json_body, data, files, extra_headers):
        headers = dict(extra_headers or {})
        url = self.url_for(path)
        # Credentials go to the vendor's API only, never to another host named by a full URL
        # (ABM's activity log downloadUrl points at a blob store).
        own = url.startswith(self.base_url + '/') or url == self.base_url
        if own:
            self.authenticate(headers, url)
        self.request_count += 1
        try:
            # stream=True so the body is read under our own deadline: requests' read timeout
            # applies per socket read, and a server trickling bytes would otherwise hang us.
            response = self.session.request(method, url, params=params, json=json_body, data=data,
                                            files=files, headers=headers, timeout=self.timeout,
                                            auth=self.basic_auth if own else None,
                                            allow_redirects=False, stream=True)
            self._read_body(response, time.monotonic() + self.timeout)
            return response
        except MdmError as exc:  # raised by the retry policy (rate-limit wait too long)
            exc.details.update(method=method, path=self._display_path(path))
            exc.msg = '%s %s: %s' % (method, self._display_path(path), exc.msg)
            raise
        except requests.exceptions.SSLError as exc:
            raise TransportError(self.scrub(
                'TLS verification failed for %s %s: %s. Point ca_path at the CA bundle that signed '
                'the server certificate (or, for a lab only, set validate_certs: false).'
                % (method, url, _root_cause(exc))), method=method, path=self._display_path(path))
        except requests.exceptions.ConnectionError as exc:
            if _is_before_send(exc):
                raise TransportError(self.scrub('Could not connect to %s for %s %s: %s'
                                                % (self.vendor_label, method, url, _root_cause(exc))),
                                     method=method, path=self._display_path(path))
            raise self._after_send_error(method, path, url, exc)
        except requests.exceptions.RequestException as exc:
            raise self._after_send_error(method, path, url, exc)

    @staticmethod
    def _read_body(response, deadline):
        chunks = []
        try:
            for chunk in response.iter_content(chunk_size=65536):
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise requests.exceptions.ReadTimeout('the body took longer than the timeout to arrive')
        finally:
            response.close()
        response._content = b''.join(chunks)  # what response.text/json() read from
        response._content_consumed = True

    def _after_send_error(self, method, path, url, exc):
        """A timeout or dropped connection once the request may have been sent."""
        what = 'timed out after %ss' % self.timeout if isinstance(exc, requests.exceptions.Timeout) \
            else 'lost its connection (%s)' % _root_cause(exc)
        if method in IDEMPOTENT_METHODS:
            return TransportError(self.scrub('%s %s %s, retries exhausted.' % (method, url, what)),
                                  method=method, path=self._display_path(path))
        return OutcomeUnknownError(self.scrub(
            '%s %s %s after the request was sent. The outcome is unknown: the %s may have acted on it. '
            'It was not sent again. Check its state (its info module or the %s console) before running '
            'this task again.' % (method, url, what, self.vendor_label, self.vendor_label)),
            method=method, path=self._display_path(path), outcome='unknown')

    def _handle(self, method, path, response, ok_statuses):
        status = response.status_code
        text = response.text or ''
        body = None
        parse_error = None
        if text.strip():
            try:
                body = json.loads(text)
            except ValueError as exc:
                parse_error = exc
        if 200 <= status < 300 or status in ok_statuses:
            if parse_error is not None and _looks_like_json(response):
                raise ApiError(self.scrub('%s %s answered HTTP %s with malformed JSON (%s): %s'
                                          % (method, self._display_path(path), status, parse_error,
                                             _excerpt(text))),
                               status=status, method=method, path=self._display_path(path))
            return Response(status, response.headers, body, text, response.content)
        raise self._error(method, path, status, response.headers, body, text)

    def _error(self, method, path, status, headers, body, text):
        vendor_message = None
        if body is not None:
            try:
                vendor_message = self.vendor_message(body)
            except Exception:  # a surprising error body must not hide the status
                vendor_message = None
        detail = vendor_message or _excerpt(text) or _reason(status)
        msg = '%s %s %s failed with HTTP %s: %s' % (self.vendor_label, method, self._display_path(path),
                                                    status, detail)
        kwargs = dict(status=status, method=method, path=self._display_path(path),
                      vendor_message=self.scrub(vendor_message) if vendor_message else None)
        cls = error_class_for_status(status)
        if cls is RateLimitedError:
            kwargs['retry_after'] = headers.get('Retry-After') or headers.get('X-RateLimit-Reset')
            msg += ' (rate limited; retries exhausted)'
        return cls(self.scrub(msg), **kwargs)

    def _display_path(self, path):
        url = self.url_for(path)
        return url[len(self.base_url):] if url.startswith(self.base_url) else re.sub(r'\?.*', '', url)

    def _record_wait(self, seconds, reason):
        self.waits.append((round(seconds, 3), reason))


def _excerpt(text):
    """A short, tag-free excerpt of an unexpected body (HTML error pages, truncated JSON)."""
    text = re.sub(r'<[^>]+>', ' ', text or '')
    text = re.sub(r'\s+', ' ', text).strip()
    return text[:EXCERPT_CHARS] + ('...' if len(text) > EXCERPT_CHARS else '')


def _looks_like_json(response):
    ctype = response.headers.get('Content-Type', '')
    return 'json' in ctype or not ctype


def _reason(status):
    return requests.status_codes._codes.get(status, ('error',))[0].replace('_', ' ')


def _root_cause(exc):
    """The innermost exception's text, without urllib3's long wrapper chain."""
    seen = exc
    while True:
        inner = getattr(seen, 'reason', None) or (seen.args[0] if getattr(seen, 'args', None) else None)
        if isinstance(inner, BaseException) and inner is not seen:
            seen = inner
            continue
        break
    return str(seen) if str(seen) else type(seen).__name__


def _is_before_send(exc):
    """True when the connection failed before any request byte left (safe for any method)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    try:
        from urllib3.exceptions import NewConnectionError, MaxRetryError
    except ImportError:  # pragma: no cover
        return False
    inner = exc.args[0] if exc.args else None
    if isinstance(inner, MaxRetryError):
        inner = inner.reason
    return isinstance(inner, NewConnectionError)
