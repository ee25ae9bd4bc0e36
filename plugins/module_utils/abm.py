# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Apple Business / School Manager adapter.

OAuth 2.0 client credentials with an ES256 JWT client assertion (PyJWT), the access token kept
for the process and fetched again once on 401 or expiry; cursor paging; JSON:API errors.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import os
import time
import traceback
import uuid

from ansible_collections.mdmkit.mdm.plugins.module_utils.client import ApiClient
from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import AuthError, ConfigError, ValidationError

try:
    import jwt
    HAS_JWT = True
    JWT_IMPORT_ERROR = None
except ImportError:
    HAS_JWT = False
    JWT_IMPORT_ERROR = traceback.format_exc()

API_HOSTS = {'business': 'https://api-business.apple.com', 'school': 'https://api-school.apple.com'}
SCOPES = {'business': 'business.api', 'school': 'school.api'}
DEFAULT_TOKEN_URL = 'https://account.apple.com/auth/oauth2/token'
# The audience Apple expects in the assertion (ABM-AUTH.md), distinct from the token URL.
ASSERTION_AUDIENCE = 'https://account.apple.com/auth/oauth2/v2/token'
ASSERTION_LIFETIME = 300
# Renew a little early so a token never expires between our check and Apple's: 30 seconds before
# Apple's one-hour tokens expire, a tenth of the lifetime for short-lived ones (a fixed margin
# would make a token of 30 seconds or less be fetched again before every request).
EXPIRY_MARGIN = 30
MAX_PAGE_SIZE = 1000

# One token per (token URL, client, scope) for the life of the process: a module run or an
# inventory run makes one token exchange however many requests follow.
_TOKENS = {}


def renewal_time(fetched_at, lifetime):
    """When a token that lives ``lifetime`` seconds from ``fetched_at`` should be replaced."""
    return fetched_at + lifetime - min(EXPIRY_MARGIN, lifetime / 10.0)


def load_private_key(pem_text, option='private_key'):
    """Parse the PEM private key; errors name the option it came from, never the key."""
    try:
        from cryptography.hazmat.primitives.serialization import load_pem_private_key
        from cryptography.hazmat.primitives.asymmetric import ec
    except ImportError:
        raise ConfigError('The Python library cryptography is required for Apple Business Manager.')
    try:
        key = load_pem_private_key(pem_text.encode('utf-8') if not isinstance(pem_text, bytes) else pem_text,
                                   password=None)
    except (ValueError, TypeError):
        raise ConfigError('%s is not a valid unencrypted PEM private key (expected the P-256 key file '
                          'downloaded from Apple Business Manager).' % option)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != 'secp256r1':
        raise ConfigError('%s is not a P-256 (ES256) EC key; Apple issues P-256 keys.' % option)
    return key


class ABMClient(ApiClient):
    vendor = 'abm'
    vendor_label = 'Apple Business Manager'

    def __init__(self, client_id, key_id, private_key, api='business', base_url=None,
                 token_url=DEFAULT_TOKEN_URL, token_cache_dir=None, key_option='private_key', **kwargs):
        super(ABMClient, self).__init__(base_url or API_HOSTS[api], **kwargs)
        if not HAS_JWT:
            raise ConfigError('The Python library PyJWT is required for Apple Business Manager.')
        if api == 'school':
            self.vendor_label = 'Apple School Manager'
        self.client_id = client_id
        self.key_id = key_id
        self.scope = SCOPES[api]
        self.token_url = token_url
        self._key = load_private_key(private_key, key_option)
        self.add_secret(private_key)
        self.token_requests = 0
        self.token_store = TokenFile(token_cache_dir) if token_cache_dir else None

    # ---- auth ----------------------------------------------------------------------

    def _cache_key(self):
        return (self.token_url, self.client_id, self.scope)

    def _assertion(self):
        now = int(time.time())
        claims = {'iss': self.client_id, 'sub': self.client_id, 'aud': ASSERTION_AUDIENCE,
                  'iat': now, 'exp': now + ASSERTION_LIFETIME, 'jti': str(uuid.uuid4())}
        return jwt.encode(claims, self._key, algorithm='ES256', headers={'kid': self.key_id, 'typ': 'JWT'})

    def access_token(self):
        cached = _TOKENS.get(self._cache_key())
        if not cached and self.token_store:
            cached = self.token_store.load(self._cache_key())
        if cached and cached[1] > time.time():
            _TOKENS[self._cache_key()] = cached
            self.add_secret(cached[0])
            return cached[0]
        return self._fetch_token()

    def _fetch_token(self):
        assertion = self._assertion()
        self.add_secret(assertion)
        form = {'grant_type': 'client_credentials', 'client_id': self.client_id,
                'client_assertion_type': 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
                'client_assertion': assertion, 'scope': self.scope}
        self.token_requests += 1
        try:
            body = self.request('POST', self.token_url, data=form).body or {}
        except ValidationError as exc:
            raise AuthError(self._token_refusal(exc), status=exc.status, method='POST', path=self.token_url)
        token = body.get('access_token')
        if not token:
            raise AuthError('The token endpoint answered without an access_token.', method='POST',
                            path=self.token_url)
        self.add_secret(token)
        now = time.time()
        lifetime = float(body.get('expires_in') or 3600)
        _TOKENS[self._cache_key()] = (token, renewal_time(now, lifetime))
        if self.token_store:
            self.token_store.save(self._cache_key(), token, now + lifetime, renewal_time(now, lifetime))
        return token

    def _token_refusal(self, exc):
        code = (exc.vendor_message or '').split(':')[0].strip()
        if code == 'invalid_client':
            return ('%s refused the client assertion (invalid_client): client_id, key_id or the private key '
                    'do not belong to one API account, or the key was revoked. Check them in %s > '
                    'Preferences > API.' % (self.vendor_label, self.vendor_label))
        if code == 'invalid_scope':
            return ('%s refused the scope %s (invalid_scope): check that api matches the account '
                    '(business for ABM, school for ASM).' % (self.vendor_label, self.scope))
        return '%s token request failed: %s' % (self.vendor_label, exc.msg)

    def authenticate(self, headers, url):
        if url == self.token_url:
            return  # the token request carries the assertion, not a bearer token
        headers['Authorization'] = 'Bearer %s' % self.access_token()

    def on_auth_failure(self, method, path):
        """A 401 means the token expired or was revoked: fetch a new one and resend once."""
        if path == self.token_url:
            return False
        _TOKENS.pop(self._cache_key(), None)
        if self.token_store:
            self.token_store.forget(self._cache_key())
        return True

    # ---- errors and paging ---------------------------------------------------------

    def vendor_message(self, body):
        if not isinstance(body, dict):
            return None
        if body.get('error'):  # OAuth error body from the token endpoint
            return ('%s: %s' % (body['error'], body.get('error_description') or '')).rstrip(': ')
        parts = []
        for err in body.get('errors') or []:
            if isinstance(err, dict):
                text = ' - '.join(str(err[k]) for k in ('code', 'title', 'detail') if err.get(k))
                parts.append(text)
        return '; '.join(parts) or None

    def paginate(self, path, params=None, limit=MAX_PAGE_SIZE):
        for page in self.pages(path, params=params, limit=limit):
            yield from page

    def pages(self, path, params=None, limit=MAX_PAGE_SIZE):
        """Yield ``data`` lists."""
        for body in self.page_bodies(path, params=params, limit=limit):
            yield body.get('data') or []

    def page_bodies(self, path, params=None, limit=MAX_PAGE_SIZE):
        """Yield each page's whole body (``data``, ``links``, ``meta``). The next page comes from
        ``meta.paging.nextCursor``: Apple's ``links.next`` has been seen with a wrong host, so the
        cursor is the reliable part."""
        query = dict(params or {})
        query['limit'] = limit
        while True:
            body = self.get(path, params=query) or {}
            yield body
            cursor = next_cursor(body)
            if not cursor:
                return
            query['cursor'] = cursor


def next_cursor(body):
    """The cursor of the page after ``body``, or None on the last page."""
    cursor = ((body.get('meta') or {}).get('paging') or {}).get('nextCursor')
    if not cursor or not (body.get('links') or {}).get('next', True):
        return None
    return cursor


def pages_left(body, pages_read, limit=MAX_PAGE_SIZE):
    """How many more pages a list has after ``pages_read`` pages ending with ``body``: from
    ``meta.paging.total`` when Apple gives it, else at least one when there is a next cursor."""
    if not next_cursor(body):
        return 0
    paging = (body.get('meta') or {}).get('paging') or {}
    try:  # the server may serve fewer per page than asked: its meta.paging.limit says so
        return max(1, -(-int(paging['total']) // int(paging.get('limit') or limit)) - pages_read)
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return 1


class TokenFile:
    """Opt-in cross-process token cache: one JSON file, mode 0600, holding access tokens only
    (with when Apple expires each and when we replace it).

    Keyed by a hash of (token URL, client id, scope) so the file names no account. A corrupt or
    unreadable file is ignored (a new token is fetched), never an error.
    """

    def __init__(self, directory):
        self.directory = os.path.expanduser(directory)
        self.path = os.path.join(self.directory, 'abm-tokens.json')

    @staticmethod
    def _key(cache_key):
        return hashlib.sha256('\n'.join(cache_key).encode('utf-8')).hexdigest()

    def _read(self):
        try:
            with open(self.path, 'r') as handle:
                data = json.load(handle)
            return data if isinstance(data, dict) else {}
        except (IOError, OSError, ValueError):
            return {}

    def _write(self, data):
        if not os.path.isdir(self.directory):
            os.makedirs(self.directory, mode=0o700)
        tmp = '%s.%d.tmp' % (self.path, os.getpid())
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, 'w') as handle:
            json.dump(data, handle)
        os.rename(tmp, self.path)  # atomic: parallel tasks never read half a file

    def load(self, cache_key):
        """(token, renew at) of a cached token, or None."""
        entry = self._read().get(self._key(cache_key))
        if isinstance(entry, dict) and entry.get('access_token') and entry.get('renew_at'):
            return (entry['access_token'], float(entry['renew_at']))
        return None

    def save(self, cache_key, token, expires_at, renew_at):
        data = dict((k, v) for k, v in self._read().items()
                    if isinstance(v, dict) and float(v.get('expires_at') or 0) > time.time())
        data[self._key(cache_key)] = {'access_token': token, 'expires_at': expires_at, 'renew_at': renew_at}
        self._write(data)

    def forget(self, cache_key):
        data = self._read()
        if data.pop(self._key(cache_key), None) is not None:
            self._write(data)
