# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""extensions/eda/rulebooks/micromdm_command_results.yml end to end: ansible-rulebook (Java) runs the
mdmkit.mdm.micromdm_webhook source; MicroMDM webhooks carrying command results (mdm.Connect with a
base64 plist) are posted to it. A DeviceInformation answer is printed with the OS version read from
the decoded plist; an Error answer makes the rule run mdmkit.mdm.micromdm_command_queue_info against
the session simulator (flavor micromdm), which the simulator's request log shows.

Needs ansible-rulebook (tests/unit/requirements.txt) and Java 17 (from the machine), as
test_rulebook_e2e.py; the harness (conftest.py) skips it only when one of them is missing.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import plistlib
import time

import pytest
import requests

TOKEN = 'micromdm-rulebook-token'


@pytest.fixture
def rulebook(sim, start_rulebook):
    """ansible-rulebook running micromdm_command_results.yml; (webhook URL, log path)."""
    return start_rulebook('micromdm_command_results.yml', 'micromdm', TOKEN, {
        'MICROMDM_URL': sim.config['micromdm_url'],
        'MICROMDM_API_KEY': sim.config['micromdm_api_key'],
        'MICROMDM_FLAVOR': 'micromdm',
    })


def connect_event(udid, status, command_uuid, **result):
    """A MicroMDM 1.x webhook for a device's answer (docs/Webhooks.md: topic mdm.Connect)."""
    plist = dict(result, UDID=udid, Status=status, CommandUUID=command_uuid)
    return {'topic': 'mdm.Connect', 'event_id': command_uuid + '-event', 'created_at': '2024-05-01T12:00:00Z',
            'acknowledge_event': {'udid': udid, 'status': status, 'command_uuid': command_uuid, 'url_params': None,
                                  'raw_payload': base64.b64encode(plistlib.dumps(plist)).decode()}}


def post(url, event, token=TOKEN):
    headers = {'Authorization': 'Bearer ' + token} if token else {}
    return requests.post(url, json=event, headers=headers, timeout=30)


def queue_reads(sim, udid):
    return [entry for entry in sim.requests(vendor='micromdm')
            if entry['method'] == 'GET' and entry['path'].endswith('/v1/commands/' + udid)]


def test_command_results_drive_the_rules(sim, rulebook):
    url, log_path = rulebook
    devices = requests.post(sim.config['micromdm_url'] + '/v1/devices', json={}, timeout=30,
                            auth=('micromdm', sim.config['micromdm_api_key'])).json()['devices']
    answered, failed, later = [d['udid'] for d in devices if d['enrollment_status']][:3]

    # refused: no token; neither may start a rule
    assert post(url, connect_event(failed, 'Error', 'a0000000-0000-4000-8000-000000000001'),
                token=None).status_code == 401
    # accepted: a NotNow answer (no rule), a DeviceInformation result, a failed command
    assert post(url, connect_event(later, 'NotNow', 'a0000000-0000-4000-8000-000000000002')).status_code == 200
    assert post(url, connect_event(answered, 'Acknowledged', 'a0000000-0000-4000-8000-000000000003',
                                   RequestType='DeviceInformation',
                                   QueryResponses={'OSVersion': '17.4.1', 'DeviceName': 'Lab iPad'})).status_code == 200
    assert post(url, connect_event(failed, 'Error', 'a0000000-0000-4000-8000-000000000004',
                                   ErrorChain=[{'ErrorCode': 12021, 'ErrorDomain': 'MCProfileErrorDomain'}])
                ).status_code == 200

    deadline = time.time() + 180
    while time.time() < deadline and not queue_reads(sim, failed):
        time.sleep(1)
    log = log_path.read_text()
    # the Error answer ran micromdm_command_queue_info for that device, and for no other
    assert len(queue_reads(sim, failed)) == 1, log
    assert queue_reads(sim, answered) == [] and queue_reads(sim, later) == [], log
    # the DeviceInformation answer was printed with the OS version decoded from the plist
    deadline = time.time() + 60
    while time.time() < deadline and 'OS 17.4.1' not in log:
        time.sleep(1)
        log = log_path.read_text()
    assert '%s answered DeviceInformation a0000000-0000-4000-8000-000000000003' % answered in log, log
    assert 'OS 17.4.1' in log, log
