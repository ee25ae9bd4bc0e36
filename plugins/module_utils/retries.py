# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Retry policy for every vendor client.

Built on urllib3's ``Retry`` (mounted on the ``requests`` session) rather than a loop of our
own; we only change what it decides, not how it counts or sleeps:

* 429 is retried for every method: the server refused the request without acting on it.
  503 with ``Retry-After`` likewise. Other 5xx are retried for idempotent methods only.
* Read errors (timeout, reset) after a request was sent are retried for idempotent methods
  only; urllib3 never retries a POST/PATCH whose bytes may have reached the server.
  Connection errors before sending (refused, connect timeout) are always retried.
* The wait honours ``Retry-After`` (seconds or HTTP date) and SimpleMDM's
  ``X-RateLimit-Reset`` (epoch seconds; a value below 1e9 is read as seconds from now, as
  some gateways send it), and a wait longer than ``rate_limit_max_wait`` fails at once with a
  message saying how long the vendor asked to wait.
* Backoff without a server hint is exponential with jitter, capped.
* ``SendOncePolicy`` is the same minus every resend after the request may have reached the
  server, for commands sent with PUT, DELETE or even GET (``client.request(..., resend=False)``),
  and a bare 429 (no wait hint) is the command's answer rather than a reason to back off blindly.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random
import time

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import RateLimitedError

try:
    from urllib3.exceptions import MaxRetryError, ResponseError
    from urllib3.util.retry import Retry
    HAS_URLLIB3 = True
except ImportError:  # pragma: no cover - requests always brings urllib3
    Retry = object
    HAS_URLLIB3 = False


IDEMPOTENT_METHODS = frozenset(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'])
RETRYABLE_STATUSES = frozenset([500, 502, 503, 504])
# Retry-After dates have one-second resolution; never wake up before the server said.
_WAKE_MARGIN = 0.05
# X-RateLimit-Reset below this is a number of seconds, not an epoch time (1e9 s is 2001-09-09).
_EPOCH_THRESHOLD = 1e9


class RetryPolicy(Retry):
    """urllib3 ``Retry`` with the write-safety and rate-limit rules above."""

    def __init__(self, total=5, backoff_base=0.5, backoff_cap=30.0, rate_limit_max_wait=300.0,
                 on_wait=None, **kwargs):
        kwargs.setdefault('connect', total)
        kwargs.setdefault('read', total)
        kwargs.setdefault('status', total)
        kwargs.setdefault('redirect', 0)
        kwargs.setdefault('raise_on_status', False)
        kwargs.setdefault('raise_on_redirect', False)
        kwargs.setdefault('allowed_methods', IDEMPOTENT_METHODS)
        kwargs.setdefault('respect_retry_after_header', True)
        super(RetryPolicy, self).__init__(total=total, **kwargs)
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.rate_limit_max_wait = rate_limit_max_wait
        # Called with (seconds, reason) before each wait, so callers can count retries.
        self.on_wait = on_wait

    def new(self, **kw):
        retry = super(RetryPolicy, self).new(**kw)
        retry.backoff_base = self.backoff_base
        retry.backoff_cap = self.backoff_cap
        retry.rate_limit_max_wait = self.rate_limit_max_wait
        retry.on_wait = self.on_wait
        return retry

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
        # A certificate the client does not trust will not be trusted a second later: fail at once
        # instead of retrying the handshake max_retries times with backoff.
        if error is not None and 'CERTIFICATE_VERIFY_FAILED' in str(error):
            raise error
        return super(RetryPolicy, self).increment(method=method, url=url, response=response, error=error,
                                                  _pool=_pool, _stacktrace=_stacktrace)

    def is_retry(self, method, status_code, has_retry_after=False):
        if status_code == 429:
            return True
        if status_code == 503 and has_retry_after:
            return True
        return method.upper() in IDEMPOTENT_METHODS and status_code in RETRYABLE_STATUSES

    def get_retry_after(self, response):
        wait = super(RetryPolicy, self).get_retry_after(response)
        if wait is None and response.status == 429:
            reset = response.headers.get('X-RateLimit-Reset')
            if reset:
                try:
                    reset = float(reset)
                except ValueError:
                    return None
                wait = max(0.0, reset if reset < _EPOCH_THRESHOLD else reset - time.time())
        return wait

    def sleep_for_retry(self, response):
        wait = self.get_retry_after(response)
        if wait is None:
            return False
        if wait > self.rate_limit_max_wait:
            raise RateLimitedError(
                'The API asked to wait %.0f s before retrying (HTTP %s), more than rate_limit_max_wait '
                '(%.0f s). Raise rate_limit_max_wait or run again later.'
                % (wait, response.status, self.rate_limit_max_wait),
                status=response.status, retry_after=wait)
        self._notify(wait, 'HTTP %s' % response.status)
        time.sleep(wait + _WAKE_MARGIN)
        return True

    def get_backoff_time(self):
        retries_so_far = len(self.history)
        if retries_so_far == 0:
            return 0.0
        ceiling = min(self.backoff_cap, self.backoff_base * (2 ** (retries_so_far - 1)))
        # "Equal jitter": at least half the exponential step, so clients spread out but still back off.
        return ceiling / 2.0 + random.uniform(0, ceiling / 2.0)

    def _sleep_backoff(self):
        backoff = self.get_backoff_time()
        if backoff > 0:
            self._notify(backoff, 'backoff')
            time.sleep(backoff)

    def _notify(self, seconds, reason):
        if self.on_wait is not None:
            self.on_wait(seconds, reason)


class SendOncePolicy(RetryPolicy):
    """``RetryPolicy`` minus resending after the request may have reached the server: only
    refusals (429, 503 with Retry-After) and failures before sending are retried. For commands
    sent with a method other than POST/PATCH (PUT, DELETE, NanoMDM's push GET), which the server
    runs each time it gets them."""

    def __init__(self, *args, **kwargs):
        # No read error (a timeout, a reset once sent) is retried, whatever the method. setdefault:
        # urllib3's new() passes the counter on, and a read error takes it below 0 (exhausted).
        kwargs.setdefault('read', 0)
        super(SendOncePolicy, self).__init__(*args, **kwargs)

    def is_retry(self, method, status_code, has_retry_after=False):
        return status_code == 429 or (status_code == 503 and has_retry_after)

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
        # A command refused with a bare 429 (neither Retry-After nor X-RateLimit-Reset) is throttled
        # per target (SimpleMDM's refresh of a device it refreshed recently): a blind backoff of a few
        # seconds does not lift that, so the 429 is the answer. urllib3 returns the response when
        # increment() gives up this way (raise_on_status is off). A 429 that says how long to wait is
        # waited for, as for any request.
        if response is not None and response.status == 429 and self.get_retry_after(response) is None:
            raise MaxRetryError(_pool, url, ResponseError('HTTP 429 without Retry-After or X-RateLimit-Reset'))
        return super(SendOncePolicy, self).increment(method=method, url=url, response=response, error=error,
                                                     _pool=_pool, _stacktrace=_stacktrace)
