# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The EDA event source extensions/eda/plugins/event_source/simplemdm_webhook.py, over HTTP.

Each test starts the plugin's ``main(queue, args)`` on a free port in an asyncio loop, as
ansible-rulebook does, posts requests to it with aiohttp, and reads what reached the queue.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import asyncio
import base64
import hashlib
import hmac
import importlib.util
import json
import os
import socket

import pytest

aiohttp = pytest.importorskip('aiohttp')

COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
PLUGIN_PATH = os.path.join(COLLECTION_ROOT, 'extensions', 'eda', 'plugins', 'event_source', 'simplemdm_webhook.py')


def load_plugin():
    spec = importlib.util.spec_from_file_location('simplemdm_webhook', PLUGIN_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PLUGIN = load_plugin()

# The event types of the SimpleMDM reference (Webhooks > Events), in its body shape.
EVENTS = [
    {'type': 'device.changed_group', 'at': '2024-05-01T12:00:00.000-07:00',
     'data': {'device': {'id': 121, 'serial_number': 'DMQX7RXXXXXX'}, 'previous_group': {'id': 37},
              'new_group': {'id': 38}}},
    {'type': 'device.enrolled', 'at': '2024-05-01T12:01:00.000-07:00',
     'data': {'device': {'id': 122, 'udid': '0000-1111', 'serial_number': 'F9FXXXXXXXXX'},
              'enrollment': {'id': 5, 'url': None}}},
    {'type': 'device.unenrolled', 'at': '2024-05-01T12:02:00.000-07:00', 'data': {'device': {'id': 123}}},
    {'type': 'device.lock.enabled', 'at': '2024-05-01T12:03:00.000-07:00', 'data': {'device': {'id': 124}}},
    {'type': 'abm.device.added', 'at': '2024-05-01T12:04:00.000-07:00',
     'data': {'serial_number': 'C02XXXXXXXXX', 'dep_server': {'id': 3}}},
]


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


async def wait_listening(port, task, timeout=10.0):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if task.done():
            task.result()  # re-raise the plugin's start error
        try:
            _reader, writer = await asyncio.open_connection('127.0.0.1', port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        writer.close()
        await writer.wait_closed()
        return
    raise AssertionError('the plugin did not listen on port %d' % port)


def run_plugin(args, requests):
    """Start main(queue, args), send `requests` [(method, path, headers, body bytes)], stop it.

    Returns ([(status, json answer)], [queued events])."""

    async def scenario():
        port = free_port()
        queue = asyncio.Queue()
        task = asyncio.create_task(PLUGIN.main(queue, dict(args, host='127.0.0.1', port=port)))
        answers = []
        try:
            await wait_listening(port, task)
            async with aiohttp.ClientSession() as session:
                for method, path, headers, body in requests:
                    async with session.request(method, 'http://127.0.0.1:%d%s' % (port, path),
                                               headers=headers, data=body) as response:
                        answers.append((response.status, await response.json(content_type=None)))
        finally:
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        events = []
        while not queue.empty():
            events.append(queue.get_nowait())
        return answers, events

    return asyncio.run(scenario())


def post(body, headers=None, path='/'):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return ('POST', path, dict({'Content-Type': 'application/json'}, **(headers or {})), data)


def test_every_reference_event_passes_unchanged():
    answers, events = run_plugin({}, [post(event) for event in EVENTS])
    assert answers == [(200, {'status': 'accepted'})] * len(EVENTS)
    assert [event['payload'] for event in events] == EVENTS
    assert [event['meta']['event_type'] for event in events] == [e['type'] for e in EVENTS]
    assert all(event['meta']['endpoint'] == '/' for event in events)
    assert events[0]['meta']['headers']['Content-Type'] == 'application/json'


def test_undocumented_event_type_and_missing_data_pass_on():
    body = {'type': 'device.something.new', 'at': '2024-05-01T00:00:00Z'}
    answers, events = run_plugin({}, [post(body)])
    assert answers == [(200, {'status': 'accepted'})]
    assert events[0]['payload'] == body


@pytest.mark.parametrize('body, error', [
    (b'{"type": "device.enrolled", ', 'the body is not JSON'),
    (b'\xff\xfe', 'the body is not JSON'),
    (b'', 'the body is not JSON'),
    (b'[1, 2]', 'the body is not a JSON object'),
    (b'"device.enrolled"', 'the body is not a JSON object'),
    (b'{"at": "2024-05-01T00:00:00Z", "data": {}}', 'the event has no string "type"'),
    (b'{"type": 7, "at": "2024-05-01T00:00:00Z", "data": {}}', 'the event has no string "type"'),
    (b'{"type": "device.enrolled", "data": {}}', 'the event has no string "at"'),
    (b'{"type": "device.enrolled", "at": "2024-05-01T00:00:00Z", "data": [1]}', '"data" is not a JSON object'),
])
def test_malformed_bodies_are_refused_with_400(body, error):
    answers, events = run_plugin({}, [post(body), post(EVENTS[1])])
    assert answers[0] == (400, {'status': 'error', 'error': error})
    # the refused body queued nothing; the next good one still goes through
    assert answers[1][0] == 200
    assert [event['payload'] for event in events] == [EVENTS[1]]


def test_token_is_required_in_any_accepted_form():
    basic_good = base64.b64encode(b'simplemdm:s3cret').decode()
    basic_bad = base64.b64encode(b'simplemdm:nope').decode()
    requests = [
        post(EVENTS[1]),                                                   # no token
        post(EVENTS[1], {'Authorization': 'Bearer nope'}),                 # wrong bearer
        post(EVENTS[1], {'X-Webhook-Token': 's3cret-not'}),                # wrong bare token
        post(EVENTS[1], {'Authorization': 'Basic ' + basic_bad}),         # wrong basic password
        post(EVENTS[1], {'Authorization': 'Basic !!!'}),                   # not base64
        post(EVENTS[0], {'Authorization': 'Bearer s3cret'}),
        post(EVENTS[2], {'X-Webhook-Token': 's3cret'}),
        post(EVENTS[3], {'Authorization': 'Basic ' + basic_good}),
    ]
    answers, events = run_plugin({'token': 's3cret'}, requests)
    assert [status for status, _body in answers] == [401] * 5 + [200] * 3
    assert answers[0][1] == {'status': 'error', 'error': 'bad or missing token'}
    assert [event['payload'] for event in events] == [EVENTS[0], EVENTS[2], EVENTS[3]]
    for event in events:  # the secret never reaches the rulebook
        assert 's3cret' not in json.dumps(event)
        assert basic_good not in json.dumps(event)
        lowered = [name.lower() for name in event['meta']['headers']]
        assert 'authorization' not in lowered and 'x-webhook-token' not in lowered


def test_custom_token_header():
    answers, events = run_plugin({'token': 'abc', 'token_header': 'X-SimpleMDM-Token'}, [
        post(EVENTS[1], {'X-Webhook-Token': 'abc'}),
        post(EVENTS[1], {'X-SimpleMDM-Token': 'abc'}),
    ])
    assert [status for status, _body in answers] == [401, 200]
    assert len(events) == 1


def test_token_is_checked_before_the_body():
    answers, events = run_plugin({'token': 's3cret'}, [post(b'not json')])
    assert answers == [(401, {'status': 'error', 'error': 'bad or missing token'})]
    assert events == []


def test_hmac_signature():
    body = json.dumps(EVENTS[4]).encode()
    good = hmac.new(b'k3y', body, hashlib.sha256).hexdigest()
    answers, events = run_plugin({'hmac_secret': 'k3y'}, [
        post(body),
        post(body, {'X-Hub-Signature-256': 'sha256=' + '0' * 64}),
        post(body, {'X-Hub-Signature-256': 'sha256=' + good}),
        post(body, {'X-Hub-Signature-256': good.upper()}),
    ])
    assert [status for status, _body in answers] == [401, 401, 200, 200]
    assert answers[0][1]['error'] == 'bad or missing signature'
    assert [event['payload'] for event in events] == [EVENTS[4]] * 2


def test_methods_paths_and_size():
    big = json.dumps(dict(EVENTS[1], data={'pad': 'x' * 2000})).encode()
    answers, events = run_plugin({'path': '/simplemdm', 'max_body': 1000}, [
        ('GET', '/simplemdm', {}, None),
        post(EVENTS[1], path='/other'),
        post(big, path='/simplemdm'),
        post(EVENTS[1], path='/simplemdm'),
    ])
    assert [status for status, _body in answers] == [405, 404, 413, 200]
    assert [event['meta']['endpoint'] for event in events] == ['/simplemdm']


@pytest.mark.parametrize('args, message', [
    ({'prot': 5000}, 'unknown argument(s) prot'),
    ({'port': 'http'}, 'port and max_body must be integers'),
    ({'port': 70000}, 'port must be between 0 and 65535'),
    ({'hmac_secret': 'x', 'hmac_algo': 'crc32'}, 'unsupported hmac_algo crc32'),
])
def test_bad_arguments_fail_at_start(args, message):
    with pytest.raises(ValueError, match=message.replace('(', r'\(').replace(')', r'\)')):
        asyncio.run(PLUGIN.main(asyncio.Queue(), args))
