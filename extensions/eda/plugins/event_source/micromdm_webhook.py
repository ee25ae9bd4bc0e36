# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""micromdm_webhook: an Event-Driven Ansible source that receives MicroMDM (and NanoMDM) webhooks.

MicroMDM 1.x (``-command-webhook-url``) POSTs one JSON object per event (micromdm/micromdm
platform webhook ``Event``)::

    {"topic": "mdm.Connect", "event_id": "...", "created_at": "2024-05-01T12:00:00Z",
     "acknowledge_event": {"udid", "status", "command_uuid", "url_params", "raw_payload"}}

``checkin_event`` (topics mdm.Authenticate, mdm.TokenUpdate, mdm.CheckOut) has ``udid``,
``url_params`` and ``raw_payload``. ``raw_payload`` is the device's plist, base64-encoded; this
source decodes it into ``payload.<event>.payload`` (a dict; data values become base64 strings,
dates ISO 8601 strings), so a rulebook can match a command result
(``event.payload.acknowledge_event.payload.RequestType``, ``.Status``, ``.CommandUUID``...).

Event: {"payload": <the body with the decoded plist added>, "meta": {"endpoint", "topic",
"event_type" (= topic), "udid", "command_uuid", "status"}}.

Arguments (all optional): host (0.0.0.0), port (5000), path ("/"; "*" any), token (shared secret:
``Authorization: Bearer <token>``, HTTP Basic password, or header ``token_header``),
token_header (X-Webhook-Token), max_body (1048576).
Answers: 200 {"status": "accepted"}; 400 not a JSON object with a string topic and one event
object, or a raw_payload that is not base64 of a plist; 401 bad token; 405 not POST; 404 other
path; 413 too large. Nothing is queued unless the answer is 200.
"""

import asyncio
import base64
import binascii
import datetime
import hmac
import json
import logging
import plistlib
from typing import Any

from aiohttp import web

LOGGER = logging.getLogger(__name__)
EVENT_KEYS = ('acknowledge_event', 'checkin_event')
DEFAULTS = {'host': '0.0.0.0', 'port': 5000, 'path': '/', 'token': None, 'token_header': 'X-Webhook-Token',
            'max_body': 1024 * 1024}


class WebhookConfig:
    """The plugin arguments, checked once at start."""

    def __init__(self, args: dict[str, Any]):
        unknown = sorted(set(args or {}) - set(DEFAULTS))
        if unknown:
            raise ValueError('micromdm_webhook: unknown argument(s) %s' % ', '.join(unknown))
        values = dict(DEFAULTS)
        values.update({k: v for k, v in (args or {}).items() if v is not None})
        self.host = str(values['host'])
        try:
            self.port = int(values['port'])
            self.max_body = int(values['max_body'])
        except (TypeError, ValueError) as error:
            raise ValueError('micromdm_webhook: port and max_body must be integers') from error
        self.path = str(values['path'])
        if self.path != '*' and not self.path.startswith('/'):
            self.path = '/' + self.path
        self.token = None if values['token'] in (None, '') else str(values['token'])
        self.token_header = str(values['token_header'])


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode('utf-8'), expected.encode('utf-8'))


def token_ok(config: WebhookConfig, headers) -> bool:
    if config.token is None:
        return True
    bare = headers.get(config.token_header)
    if bare is not None and _same(bare.strip(), config.token):
        return True
    scheme, _sep, value = headers.get('Authorization', '').strip().partition(' ')
    if scheme.lower() == 'bearer':
        return _same(value.strip(), config.token)
    if scheme.lower() == 'basic':
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode('utf-8')
        except (binascii.Error, UnicodeDecodeError):
            return False
        _user, sep, password = decoded.partition(':')
        return bool(sep) and _same(password, config.token)
    return False


def jsonable(value):
    """A decoded plist as JSON-compatible values."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, bytes):
        return base64.b64encode(value).decode('ascii')
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return value


def parse_event(body: bytes) -> tuple[Any, str]:
    """The event with its raw_payload decoded, and an error text ('' when well formed)."""
    try:
        event = json.loads(body.decode('utf-8'))
    except (UnicodeDecodeError, ValueError):
        return None, 'the body is not JSON'
    if not isinstance(event, dict):
        return event, 'the body is not a JSON object'
    if not isinstance(event.get('topic'), str) or not event['topic']:
        return event, 'the event has no string "topic"'
    found = [k for k in EVENT_KEYS if event.get(k) is not None]
    if len(found) != 1 or not isinstance(event[found[0]], dict):
        return event, 'the event needs one object, acknowledge_event or checkin_event'
    inner = event[found[0]]
    raw = inner.get('raw_payload')
    if raw not in (None, ''):
        try:
            inner['payload'] = jsonable(plistlib.loads(base64.b64decode(raw, validate=True)))
        except Exception:  # pylint: disable=broad-except
            return event, 'raw_payload is not base64 of a property list'
    return event, ''


def _answer(http_status: int, **body) -> web.Response:
    return web.json_response(body, status=http_status)


def make_app(queue: asyncio.Queue, config: WebhookConfig) -> web.Application:
    async def receive(request: web.Request) -> web.Response:
        if request.method != 'POST':
            return _answer(405, status='error', error='only POST is accepted')
        if config.path != '*' and request.path != config.path:
            return _answer(404, status='error', error='unknown path')
        body = await request.content.read(config.max_body + 1)
        if len(body) > config.max_body:
            return _answer(413, status='error', error='the body is larger than %d bytes' % config.max_body)
        if not token_ok(config, request.headers):
            LOGGER.warning('micromdm_webhook: refused a request from %s: bad or missing token', request.remote)
            return _answer(401, status='error', error='bad or missing token')
        event, problem = parse_event(body)
        if problem:
            LOGGER.warning('micromdm_webhook: refused a malformed event from %s: %s', request.remote, problem)
            return _answer(400, status='error', error=problem)
        inner = event.get('acknowledge_event') or event.get('checkin_event')
        meta = {'endpoint': request.path, 'topic': event['topic'], 'event_type': event['topic'],
                'udid': inner.get('udid'), 'command_uuid': inner.get('command_uuid'), 'status': inner.get('status')}
        await queue.put({'payload': event, 'meta': meta})
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
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
