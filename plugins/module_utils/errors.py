# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed errors raised by the shared client.

Modules turn them into ``fail_json`` (see ``module.py``), plugins into ``AnsibleError``
(see ``plugin_utils/inventory.py``). Every message is safe to print: the client scrubs
secrets from anything it puts here.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class MdmError(Exception):
    """Base class: ``msg`` is user-facing, ``details`` go into the task result."""

    def __init__(self, msg, **details):
        super(MdmError, self).__init__(msg)
        self.msg = msg
        self.details = details

    def result(self):
        """Extra keys for a failed task result (never secrets)."""
        return dict((k, v) for k, v in self.details.items() if v is not None)


class ConfigError(MdmError):
    """An option is missing or invalid; raised before any request is sent."""


class TransportError(MdmError):
    """No usable HTTP answer: refused connection, TLS failure, timeout."""


class OutcomeUnknownError(TransportError):
    """A write may have reached the server but no answer came back.

    Never retried: resending a wipe or a lock could run it twice.
    """


class ApiError(MdmError):
    """The API answered with an error status."""

    def __init__(self, msg, status=None, method=None, path=None, vendor_message=None, **details):
        super(ApiError, self).__init__(msg, status=status, method=method, path=path,
                                       vendor_message=vendor_message, **details)
        self.status = status
        self.method = method
        self.path = path
        self.vendor_message = vendor_message


class AuthError(ApiError):
    """401/403, or credentials the vendor refused."""


class NotFoundError(ApiError):
    """404."""


class ConflictError(ApiError):
    """409: for assign endpoints this means "already done"."""


class ValidationError(ApiError):
    """400/422: the vendor refused the request's content."""


class RateLimitedError(ApiError):
    """429 that outlasted the retries or asked for a longer wait than allowed."""

    def __init__(self, msg, retry_after=None, **kwargs):
        super(RateLimitedError, self).__init__(msg, retry_after=retry_after, **kwargs)
        self.retry_after = retry_after


def error_class_for_status(status):
    """The most specific ApiError subclass for an HTTP status."""
    if status in (401, 403):
        return AuthError
    if status == 404:
        return NotFoundError
    if status == 409:
        return ConflictError
    if status in (400, 422):
        return ValidationError
    if status == 429:
        return RateLimitedError
    return ApiError
