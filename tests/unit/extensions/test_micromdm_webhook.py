# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The EDA event source extensions/eda/plugins/event_source/micromdm_webhook.py, over HTTP.

Each test starts the plugin's ``main(queue, args)`` on a free port in an asyncio loop, as
ansible-rulebook does, posts requests to it with aiohttp, and reads what reached the queue.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import asyncio
import base64
import importlib.util
import json
import os
import plistlib
import socket

import aiohttp  # tests/unit/requirements.txt installs it: a missing one fails here, it is not skipped
import pytest

COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
PLUGIN_PATH = os.path.join(COLLECTION_ROOT, 'extensions', 'eda', 'plugins', 'event_source', 'micromdm_webhook.py')


def load_plugin():
    spec = importlib.util.spec_from_file_location('micromdm_webhook', PLUGIN_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PLUGIN = load_plugin()

RESULT = plistlib.dumps({'UDID': '00008030-001A2B3C4D5E802E', 'Status': 'Acknowledged',
                         'CommandUUID': 'c7fc0872-f22f-4823-8ae0-f3d0174fb48a',
                         'RequestType': 'SecurityInfo',
                         'SecurityInfo': {'FDE_Enabled': True, 'HardwareEncryptionCaps': 3}})
ACK = {'topic': 'mdm.Connect', 'event_id': 'e1', 'created_at': '2024-05-01T12:00:00Z',
       'acknowledge_event': {'udid': '00008030-001A2B3C4D5E802E', 'status': 'Acknowledged',
                             'command_uuid': 'c7fc0872-f22f-4823-8ae0-f3d0174fb48a', 'url_params': None,
                             'raw_payload': base64.b64encode(RESULT).decode()}}
CHECKIN = {'topic': 'mdm.Authenticate', 'event_id': 'e2', 'created_at': '2024-05-01T12:00:01Z',
           'checkin_event': {'udid': 'ABC', 'url_params': {},
                             'raw_payload': base64.b64encode(plistlib.dumps(
                                 {'MessageType': 'Authenticate', 'UDID': 'ABC', 'Token': b'\x01\x02'})).decode()}}


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


def test_command_result_is_decoded():
    answers, events = run_plugin({}, [post(ACK), post(CHECKIN)])
    assert answers == [(200, {'status': 'accepted'})] * 2
    ack = events[0]['payload']['acknowledge_event']
    assert ack['payload']['RequestType'] == 'SecurityInfo'
    assert ack['payload']['SecurityInfo'] == {'FDE_Enabled': True, 'HardwareEncryptionCaps': 3}
    assert ack['raw_payload'] == ACK['acknowledge_event']['raw_payload']
    assert events[0]['meta'] == {'endpoint': '/', 'topic': 'mdm.Connect', 'event_type': 'mdm.Connect',
                                 'udid': '00008030-001A2B3C4D5E802E', 'status': 'Acknowledged',
                                 'command_uuid': 'c7fc0872-f22f-4823-8ae0-f3d0174fb48a'}
    checkin = events[1]['payload']['checkin_event']['payload']
    assert checkin == {'MessageType': 'Authenticate', 'UDID': 'ABC', 'Token': 'AQI='}


@pytest.mark.parametrize('body, error', [
    (b'{"topic": ', 'the body is not JSON'),
    (b'[1]', 'the body is not a JSON object'),
    (b'{"acknowledge_event": {}}', 'the event has no string "topic"'),
    (b'{"topic": "mdm.Connect"}', 'the event needs one object, acknowledge_event or checkin_event'),
    (b'{"topic": "mdm.Connect", "acknowledge_event": {"raw_payload": "!!"}}',
     'raw_payload is not base64 of a property list'),
    (b'{"topic": "mdm.Connect", "acknowledge_event": {"raw_payload": "aGVsbG8="}}',
     'raw_payload is not base64 of a property list'),
])
def test_malformed_events_are_refused(body, error):
    answers, events = run_plugin({}, [post(body)])
    assert answers == [(400, {'status': 'error', 'error': error})]
    assert events == []


def test_token_is_required_when_set():
    answers, events = run_plugin({'token': 's3cret'}, [
        post(ACK), post(ACK, {'Authorization': 'Bearer wrong'}), post(ACK, {'Authorization': 'Bearer s3cret'}),
        post(ACK, {'X-Webhook-Token': 's3cret'})])
    assert [a[0] for a in answers] == [401, 401, 200, 200]
    assert len(events) == 2


def test_get_and_other_paths_are_refused():
    answers, events = run_plugin({'path': '/mdm'}, [('GET', '/mdm', {}, b''), post(ACK, path='/other'),
                                                    post(ACK, path='/mdm')])
    assert [a[0] for a in answers] == [405, 404, 200]
    assert len(events) == 1


def test_a_command_result_carries_what_the_rulebook_reads():
    """The fields extensions/eda/rulebooks/micromdm_command_results.yml matches on, from a MicroMDM
    DeviceInformation answer posted to the source's /micromdm path."""
    result = plistlib.dumps({'UDID': 'A5EF1BA1-586D-4F29-B4F3-759DADAC2DDD', 'Status': 'Acknowledged',
                             'CommandUUID': '41d35de3-a343-4146-ba4b-0069bae2a54f',
                             'QueryResponses': {'OSVersion': '14.5', 'BatteryLevel': 0.86}})
    event = {'topic': 'mdm.Connect', 'event_id': '3444be1d-bbf0-45dc-9da3-f707beeecf1b',
             'created_at': '2018-08-13T14:30:16.789541405Z',
             'acknowledge_event': {'udid': 'A5EF1BA1-586D-4F29-B4F3-759DADAC2DDD', 'status': 'Acknowledged',
                                   'command_uuid': '41d35de3-a343-4146-ba4b-0069bae2a54f', 'url_params': None,
                                   'raw_payload': base64.b64encode(result).decode()}}
    answers, events = run_plugin({'path': '/micromdm', 'token': 't0ken'},
                                 [post(event, {'Authorization': 'Bearer t0ken'}, path='/micromdm')])
    assert answers == [(200, {'status': 'accepted'})]
    assert len(events) == 1
    assert events[0]['meta']['topic'] == 'mdm.Connect'
    assert events[0]['meta']['udid'] == 'A5EF1BA1-586D-4F29-B4F3-759DADAC2DDD'
    assert events[0]['meta']['command_uuid'] == '41d35de3-a343-4146-ba4b-0069bae2a54f'
    acknowledged = events[0]['payload']['acknowledge_event']
    assert acknowledged['status'] == 'Acknowledged'
    assert acknowledged['payload']['QueryResponses'] == {'OSVersion': '14.5', 'BatteryLevel': 0.86}
