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
import socket
import threading
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
from ansible_collections.mdmkit.mdm.plugins.module_utils.retries import (
    IDEMPOTENT_METHODS,
    RetryPolicy,
    SendOncePolicy,
)

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import DecodeError, ProtocolError, ReadTimeoutError
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:
    HTTPAdapter = object
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

USER_AGENT = 'mdmkit.mdm/0.1.0 (+https://github.com/mdmkit/mdm)'
MASK = '********'
EXCERPT_CHARS = 200
READ_CHUNK = 65536


class Response:
    """What callers get back: status, headers, the decoded JSON body (or None), the text and raw bytes."""

    def __init__(self, status, headers, body, text='', content=b''):
        self.status = status
        self.headers = headers
        self.body = body
        self.text = text
        self.content = content
        # True when a non-empty body is not JSON (an HTML page, a CSV file): ``body`` is None then
        self.not_json = False


class _PolicyAdapter(HTTPAdapter):
    """The session's adapter: the shared retry policy, or, for a request sent with
    ``resend=False``, the policy that never resends once the request may have reached the server.
    (requests chooses an adapter by URL only, so the request carries the choice.)"""

    def __init__(self, policy, send_once_policy, **kwargs):
        super(_PolicyAdapter, self).__init__(max_retries=policy, **kwargs)
        self.send_once = HTTPAdapter(max_retries=send_once_policy, **kwargs)

    def send(self, request, **kwargs):  # pylint: disable=arguments-differ
        if getattr(request, 'mdmkit_send_once', False):
            return self.send_once.send(request, **kwargs)
        return super(_PolicyAdapter, self).send(request, **kwargs)

    def close(self):
        self.send_once.close()
        super(_PolicyAdapter, self).close()


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
        self.max_retries = max_retries
        self.rate_limit_max_wait = rate_limit_max_wait
        self.waits = []  # (seconds, reason) of every retry wait, for results and benchmarks
        self.request_count = 0
        self.basic_auth = None  # (user, password), sent to our own API host only
        self._secrets = set()
        self._local = threading.local()  # retries of the request in flight on this thread
        # Given with every request: requests would otherwise let REQUESTS_CA_BUNDLE or
        # CURL_CA_BUNDLE override ca_path and validate_certs: false (a session's verify loses to them).
        self.verify = ca_path if ca_path else validate_certs
        self.session = requests.Session()
        self.session.headers['User-Agent'] = USER_AGENT
        self.session.headers['Accept'] = 'application/json'
        self.session.verify = self.verify
        self.retry_policy = RetryPolicy(total=max_retries, rate_limit_max_wait=rate_limit_max_wait,
                                        on_wait=self._record_wait)
        send_once = SendOncePolicy(total=max_retries, rate_limit_max_wait=rate_limit_max_wait,
                                   on_wait=self._send_once_wait)
        adapter = _PolicyAdapter(self.retry_policy, send_once, pool_maxsize=16)
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
        return strip_userinfo(text)

    # ---- requests ------------------------------------------------------------------

    def url_for(self, path):
        if path.startswith('http://') or path.startswith('https://'):
            return path
        return self.base_url + '/' + path.lstrip('/')

    # The JSON helpers return the decoded body; a 2xx answer whose body is not JSON (a captive
    # portal's or a proxy's login page) is an ApiError there. ``request()`` returns any body.

    def get(self, path, params=None, **kwargs):
        return self._json('GET', path, params=params, **kwargs)

    def post(self, path, json_body=None, data=None, **kwargs):
        return self._json('POST', path, json_body=json_body, data=data, **kwargs)

    def put(self, path, json_body=None, data=None, **kwargs):
        return self._json('PUT', path, json_body=json_body, data=data, **kwargs)

    def patch(self, path, json_body=None, data=None, **kwargs):
        return self._json('PATCH', path, json_body=json_body, data=data, **kwargs)

    def delete(self, path, params=None, **kwargs):
        return self._json('DELETE', path, params=params, **kwargs)

    def _json(self, method, path, **kwargs):
        return self.request(method, path, expect_json=True, **kwargs).body

    def request(self, method, path, params=None, json_body=None, data=None, files=None,
                headers=None, ok_statuses=None, resend=True, expect_json=False):
        """Send one request (with the retry policy) and return a ``Response``.

        ``ok_statuses``: extra non-2xx statuses the caller handles itself (e.g. 409).
        ``expect_json``: a non-empty body that is not JSON is an ``ApiError`` (as in ``get()``...);
        otherwise any body is returned (downloads: CSV, profiles).
        ``resend=False``: the request is a command the server runs each time it receives it,
        sent with PUT, DELETE or GET (a POST or PATCH is never resent anyway). It is then not
        resent once it may have reached the server (read timeout, dropped connection, 5xx), and
        a lost answer raises ``OutcomeUnknownError``; a 429, a 503 with Retry-After and a
        failure before sending are still retried.
        """
        method = method.upper()
        response = self._send(method, path, params, json_body, data, files, headers, resend)
        if response.status_code == 401 and self.on_auth_failure(method, path):
            response = self._send(method, path, params, json_body, data, files, headers, resend)
        answer = self._handle(method, path, response, ok_statuses or ())
        if expect_json and answer.not_json:
            raise ApiError(self.scrub('%s %s %s answered HTTP %s with a non-JSON body (%s): %s'
                                      % (self.vendor_label, method, self._display_path(path), answer.status,
                                         answer.headers.get('Content-Type') or 'no Content-Type',
                                         _excerpt(answer.text))),
                           status=answer.status, method=method, path=self._display_path(path))
        return answer

    def _send(self, method, path, params, json_body, data, files, extra_headers, resend=True):
        headers = dict(extra_headers or {})
        url = self.url_for(path)
        # Credentials go to the vendor's API only, never to another host named by a full URL
        # (ABM's activity log downloadUrl points at a blob store).
        own = url.startswith(self.base_url + '/') or url == self.base_url
        if own:
            self.authenticate(headers, url)
        self.request_count += 1
        self._local.retries = 0
        try:
            prepared = self.session.prepare_request(requests.Request(
                method, url, params=params, json=json_body, data=data, files=files, headers=headers,
                auth=self.basic_auth if own else None))
            prepared.mdmkit_send_once = not resend
            settings = self.session.merge_environment_settings(prepared.url, {}, True, self.verify, None)
            # stream=True so the body is read under our own deadline: requests' read timeout
            # applies per socket read, and a server trickling bytes would otherwise hang us.
            response = self.session.send(prepared, timeout=self.timeout, allow_redirects=False, **settings)
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
                raise TransportError(self.scrub('Could not connect to %s for %s %s: %s%s'
                                                % (self.vendor_label, method, url, _root_cause(exc),
                                                   self._retried())),
                                     method=method, path=self._display_path(path))
            raise self._after_send_error(method, path, url, exc, resend)
        except requests.exceptions.RequestException as exc:
            raise self._after_send_error(method, path, url, exc, resend)

    def _read_body(self, response, deadline):
        """Read the whole body by ``deadline``: one socket read at a time, each allowed only the
        time left, so a server trickling a small answer cannot hold the task beyond the timeout."""
        raw = response.raw
        chunks = []
        complete = False
        try:
            if not hasattr(raw, 'read1'):  # urllib3 < 2.3: the deadline is checked between reads
                for chunk in response.iter_content(chunk_size=READ_CHUNK):
                    chunks.append(chunk)
                    if time.monotonic() > deadline:
                        raise _body_timeout(self.timeout)
            else:
                while True:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise _body_timeout(self.timeout)
                    _limit_socket_timeout(raw, left)
                    chunk = raw.read1(READ_CHUNK, decode_content=True)
                    if not chunk:
                        break
                    chunks.append(chunk)
            complete = True
        except (ReadTimeoutError, socket.timeout) as exc:
            raise _body_timeout(self.timeout, exc)
        except ProtocolError as exc:
            raise requests.exceptions.ChunkedEncodingError(exc)
        except DecodeError as exc:
            raise requests.exceptions.ContentDecodingError(exc)
        finally:
            if complete:
                response._content = b''.join(chunks)  # what response.text/json() read from
                response._content_consumed = True  # close() then returns the connection to the pool
            response.close()  # else it drops the connection: the rest of the body is unread

    def _retried(self):
        """' (gave up after N retries)' when the retry policy retried the request in flight, else ''."""
        retries = getattr(self._local, 'retries', 0)
        return ' (gave up after %d %s)' % (retries, 'retry' if retries == 1 else 'retries') if retries else ''

    def _after_send_error(self, method, path, url, exc, resend=True):
        """A timeout or dropped connection once the request may have been sent."""
        what = 'timed out after %ss' % self.timeout if _is_timeout(exc) \
            else 'lost its connection (%s)' % _root_cause(exc)
        if resend and method in IDEMPOTENT_METHODS:
            return TransportError(self.scrub('%s %s %s%s.' % (method, url, what, self._retried())),
                                  method=method, path=self._display_path(path))
        return OutcomeUnknownError(self.scrub(
            '%s %s %s after the request was sent. The outcome is unknown: %s may have acted on it. '
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
            answer = Response(status, response.headers, body, text, response.content)
            answer.not_json = parse_error is not None
            return answer
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
            msg += ' (rate limited)' + self._retried()
        return cls(self.scrub(msg), **kwargs)

    def _display_path(self, path):
        url = self.url_for(path)
        return url[len(self.base_url):] if url.startswith(self.base_url) else strip_userinfo(re.sub(r'\?.*', '', url))

    def _send_once_wait(self, seconds, reason):
        """Waits of the send-once policy go through ``retry_policy.on_wait`` too, looked up at each
        wait: callers may wrap it (simplemdm_devices' shared backoff)."""
        self.retry_policy.on_wait(seconds, reason)

    def _record_wait(self, seconds, reason):
        self.waits.append((round(seconds, 3), reason))
        self._local.retries = getattr(self._local, 'retries', 0) + 1


def strip_userinfo(text):
    """``https://user:password@host/`` -> ``https://host/`` wherever a URL appears in ``text``
    (credentials in a URL option must not reach a message)."""
    return _USERINFO.sub(r'\1', text)


_USERINFO = re.compile(r'(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@]+@')


def _excerpt(text):
    """A short, tag-free excerpt of an unexpected body (HTML error pages, truncated JSON)."""
    text = re.sub(r'<[^>]+>', ' ', text or '')
    text = re.sub(r'\s+', ' ', text).strip()
    return text[:EXCERPT_CHARS] + ('...' if len(text) > EXCERPT_CHARS else '')


def _looks_like_json(response):
    ctype = response.headers.get('Content-Type', '')
    return 'json' in ctype or not ctype


def _is_timeout(exc):
    """True when ``exc`` or an exception it wraps is a timeout (requests reports a read timeout
    that outlasted the retries as a ConnectionError wrapping urllib3's MaxRetryError)."""
    seen = exc
    while isinstance(seen, BaseException):
        if isinstance(seen, (requests.exceptions.Timeout, ReadTimeoutError, socket.timeout)):
            return True
        inner = getattr(seen, 'reason', None) or (seen.args[0] if getattr(seen, 'args', None) else None)
        if inner is seen:
            break
        seen = inner
    return False


def _body_timeout(timeout, cause=None):
    return requests.exceptions.ReadTimeout('the answer did not arrive within the timeout (%ss)%s'
                                           % (timeout, ': %s' % cause if cause else ''))


def _limit_socket_timeout(raw, seconds):
    """Let the next socket read wait ``seconds`` at most (urllib3 sets it again for the next request)."""
    sock = getattr(getattr(raw, 'connection', None), 'sock', None)
    if sock is not None and hasattr(sock, 'settimeout'):
        sock.settimeout(max(seconds, 0.01))


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
