# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""simplemdm_webhook: an Event-Driven Ansible source that receives SimpleMDM webhooks.

SimpleMDM POSTs one JSON object per event to the URL set under Settings > Webhooks::

    {"type": "device.enrolled", "at": "2000-01-01T12:00:00.000-07:00", "data": {...}}

The documented types are ``device.changed_group``, ``device.enrolled``, ``device.unenrolled``,
``device.lock.enabled`` and ``abm.device.added``; other types are passed on too, since SimpleMDM
may add events. Each accepted request becomes one event, the body unchanged::

    {"payload": <the body>, "meta": {"endpoint": "/simplemdm", "event_type": "device.enrolled",
                                     "headers": {...}}}

Arguments (all optional):

    host: str          address to listen on (default 0.0.0.0)
    port: int          port to listen on (default 5000; 0 picks a free port)
    path: str          URL path that accepts events (default /; any path when "*")
    token: str         shared secret; a request must carry it, either as
                       ``Authorization: Bearer <token>``, as the password of HTTP Basic auth
                       (a webhook URL written https://simplemdm:<token>@host/...), or as the whole
                       value of the header named by ``token_header``
    token_header: str  header that carries the bare token (default X-Webhook-Token)
    hmac_secret: str   if set, the request must carry ``hmac_header`` = hex HMAC of the raw body
    hmac_algo: str     hash of that HMAC (default sha256)
    hmac_header: str   default X-Hub-Signature-256; a ``sha256=`` style prefix is accepted
    max_body: int      largest body accepted, in bytes (default 1048576)

Answers: 200 ``{"status": "accepted"}``; 400 for a body that is not JSON or not an object with a
string ``type``, a string ``at`` and an object ``data`` (when present); 401 for a missing or wrong
token or signature; 405 for a method other than POST; 413 for a body over ``max_body``.
Nothing is put on the queue unless the answer is 200. The token and the signature are never
copied into ``meta.headers``.

Example rulebook source::

    sources:
      - mdmkit.mdm.simplemdm_webhook:
          port: 5000
          token: "{{ SIMPLEMDM_WEBHOOK_TOKEN }}"
"""

import asyncio
import base64
import binascii
import hashlib
import hmac
import json
import logging
from typing import Any

from aiohttp import web

LOGGER = logging.getLogger(__name__)

EVENT_TYPES = (
    'device.changed_group',
    'device.enrolled',
    'device.unenrolled',
    'device.lock.enabled',
    'abm.device.added',
)

# headers never copied into meta.headers, whatever their case
HIDDEN_HEADERS = ('authorization', 'cookie', 'proxy-authorization')

DEFAULTS = {
    'host': '0.0.0.0',
    'port': 5000,
    'path': '/',
    'token': None,
    'token_header': 'X-Webhook-Token',
    'hmac_secret': None,
    'hmac_algo': 'sha256',
    'hmac_header': 'X-Hub-Signature-256',
    'max_body': 1024 * 1024,
}


class WebhookConfig:
    """The plugin arguments, checked once at start."""

    def __init__(self, args: dict[str, Any]):
        unknown = sorted(set(args or {}) - set(DEFAULTS))
        if unknown:
            raise ValueError('simplemdm_webhook: unknown argument(s) %s' % ', '.join(unknown))
        values = dict(DEFAULTS)
        values.update({k: v for k, v in (args or {}).items() if v is not None})
        self.host = str(values['host'])
        try:
            self.port = int(values['port'])
            self.max_body = int(values['max_body'])
        except (TypeError, ValueError) as error:
            raise ValueError('simplemdm_webhook: port and max_body must be integers') from error
        if not 0 <= self.port <= 65535:
            raise ValueError('simplemdm_webhook: port must be between 0 and 65535')
        self.path = str(values['path'])
        if self.path != '*' and not self.path.startswith('/'):
            self.path = '/' + self.path
        self.token = None if values['token'] in (None, '') else str(values['token'])
        self.token_header = str(values['token_header'])
        self.hmac_secret = None if values['hmac_secret'] in (None, '') else str(values['hmac_secret'])
        self.hmac_algo = str(values['hmac_algo']).lower()
        if self.hmac_algo not in hashlib.algorithms_guaranteed:
            raise ValueError('simplemdm_webhook: unsupported hmac_algo %s' % self.hmac_algo)
        self.hmac_header = str(values['hmac_header'])
        hidden = set(HIDDEN_HEADERS)
        if self.token:
            hidden.add(self.token_header.lower())
        if self.hmac_secret:
            hidden.add(self.hmac_header.lower())
        self.hidden_headers = frozenset(hidden)


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode('utf-8'), expected.encode('utf-8'))


def token_ok(config: WebhookConfig, headers) -> bool:
    """True when the request carries the token (or no token is configured)."""
    if config.token is None:
        return True
    bare = headers.get(config.token_header)
    if bare is not None and _same(bare.strip(), config.token):
        return True
    scheme, _sep, value = headers.get('Authorization', '').strip().partition(' ')
    value = value.strip()
    if scheme.lower() == 'bearer':
        return _same(value, config.token)
    if scheme.lower() == 'basic':
        try:
            decoded = base64.b64decode(value, validate=True).decode('utf-8')
        except (binascii.Error, UnicodeDecodeError):
            return False
        _user, sep, password = decoded.partition(':')
        return bool(sep) and _same(password, config.token)
    return False


def signature_ok(config: WebhookConfig, headers, body: bytes) -> bool:
    """True when the body's HMAC matches (or no HMAC secret is configured)."""
    if config.hmac_secret is None:
        return True
    given = headers.get(config.hmac_header, '').strip()
    if '=' in given:
        given = given.split('=', 1)[1]
    expected = hmac.new(config.hmac_secret.encode('utf-8'), body, config.hmac_algo).hexdigest()
    return _same(given.lower(), expected)


def parse_event(body: bytes) -> tuple[Any, str]:
    """The decoded body and an error text ('' when the body is a well-formed SimpleMDM event)."""
    try:
        payload = json.loads(body.decode('utf-8'))
    except (UnicodeDecodeError, ValueError):
        return None, 'the body is not JSON'
    if not isinstance(payload, dict):
        return payload, 'the body is not a JSON object'
    if not isinstance(payload.get('type'), str) or not payload['type']:
        return payload, 'the event has no string "type"'
    if not isinstance(payload.get('at'), str) or not payload['at']:
        return payload, 'the event has no string "at"'
    if 'data' in payload and not isinstance(payload['data'], dict):
        return payload, '"data" is not a JSON object'
    return payload, ''


def _answer(http_status: int, **body) -> web.Response:
    return web.json_response(body, status=http_status)


def make_app(queue: asyncio.Queue, config: WebhookConfig) -> web.Application:
    """The aiohttp application: one POST route that validates and queues events."""

    async def receive(request: web.Request) -> web.Response:
        if request.method != 'POST':
            return _answer(405, status='error', error='only POST is accepted')
        if config.path != '*' and request.path != config.path:
            return _answer(404, status='error', error='unknown path')
        if request.content_length is not None and request.content_length > config.max_body:
            return _answer(413, status='error', error='the body is larger than %d bytes' % config.max_body)
        try:
            body = await request.content.read(config.max_body + 1)
        except asyncio.CancelledError:
            raise
        except Exception:  # pylint: disable=broad-except
            return _answer(400, status='error', error='the body could not be read')
        if len(body) > config.max_body:
            return _answer(413, status='error', error='the body is larger than %d bytes' % config.max_body)
        if not token_ok(config, request.headers):
            LOGGER.warning('simplemdm_webhook: refused a request from %s: bad or missing token', request.remote)
            return _answer(401, status='error', error='bad or missing token')
        if not signature_ok(config, request.headers, body):
            LOGGER.warning('simplemdm_webhook: refused a request from %s: bad signature', request.remote)
            return _answer(401, status='error', error='bad or missing signature')
        payload, problem = parse_event(body)
        if problem:
            LOGGER.warning('simplemdm_webhook: refused a malformed event from %s: %s', request.remote, problem)
            return _answer(400, status='error', error=problem)
        if payload['type'] not in EVENT_TYPES:
            LOGGER.info('simplemdm_webhook: passing on an undocumented event type %s', payload['type'])
        meta = {
            'endpoint': request.path,
            'event_type': payload['type'],
            'headers': {k: v for k, v in request.headers.items() if k.lower() not in config.hidden_headers},
        }
        await queue.put({'payload': payload, 'meta': meta})
        return _answer(200, status='accepted')

    app = web.Application(client_max_size=config.max_body + 1)
    app.router.add_route('*', '/{tail:.*}', receive)
    return app


async def main(queue: asyncio.Queue, args: dict[str, Any]) -> None:
    """Serve until cancelled (ansible-rulebook cancels the source task when it stops)."""
    config = WebhookConfig(args)
    runner = web.AppRunner(make_app(queue, config), access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, config.host, config.port)
        await site.start()
        for sock in getattr(site._server, 'sockets', None) or ():  # pylint: disable=protected-access
            LOGGER.info('simplemdm_webhook: listening on %s:%s', *sock.getsockname()[:2])
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


if __name__ == '__main__':
    # Run stand-alone: print the events, e.g. python simplemdm_webhook.py 8080 s3cret

    class _PrintQueue(asyncio.Queue):
        async def put(self, item):
            print(json.dumps(item, indent=2, sort_keys=True), flush=True)

    import sys
    logging.basicConfig(level=logging.INFO)
    _args = {'port': int(sys.argv[1]) if len(sys.argv) > 1 else 5000}
    if len(sys.argv) > 2:
        _args['token'] = sys.argv[2]
    asyncio.run(main(_PrintQueue(), _args))
