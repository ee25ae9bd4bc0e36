# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""extensions/eda/rulebooks/enrolled_baseline.yml end to end: ansible-rulebook (Java) runs the
mdmkit.mdm.simplemdm_webhook source; webhooks posted to it make the rule run
playbooks/baseline.yml (as mdmkit.mdm.baseline) against the session simulator.

The harness (conftest.py) skips it when ansible-rulebook or Java is missing
(tests/unit/requirements.txt installs ansible-rulebook; Java 17 comes from the machine).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

import pytest
import requests

TOKEN = 'rulebook-test-token'


@pytest.fixture
def rulebook(sim, start_rulebook):
    """ansible-rulebook running enrolled_baseline.yml; (webhook URL, log path)."""
    return start_rulebook('enrolled_baseline.yml', 'simplemdm', TOKEN, {
        'SIMPLEMDM_API_KEY': sim.config['simplemdm_api_key'],
        'SIMPLEMDM_BASE_URL': sim.config['simplemdm_base_url'],
    })


def baseline_stamp(sim, device_id):
    response = requests.get('%s/devices/%s/custom_attribute_values' % (sim.config['simplemdm_base_url'], device_id),
                            auth=(sim.config['simplemdm_api_key'], ''), timeout=30)
    response.raise_for_status()
    values = {item['id']: item['attributes']['value'] for item in response.json()['data']}
    return values.get('baseline_version')


def post(url, event, token=TOKEN):
    headers = {'Authorization': 'Bearer ' + token} if token else {}
    return requests.post(url, json=event, headers=headers, timeout=30)


def test_enrolled_device_gets_the_baseline(sim, rulebook):
    url, log_path = rulebook
    # refused: no token, a malformed body; neither may start the playbook
    assert post(url, {'type': 'device.enrolled', 'at': '2024-05-01T12:00:00Z',
                      'data': {'device': {'id': 103}}}, token=None).status_code == 401
    assert requests.post(url, data=b'{not json', headers={'Authorization': 'Bearer ' + TOKEN},
                         timeout=30).status_code == 400
    # accepted, but not a rule's event
    assert post(url, {'type': 'device.unenrolled', 'at': '2024-05-01T12:00:00Z',
                      'data': {'device': {'id': 102}}}).status_code == 200
    assert post(url, {'type': 'device.enrolled', 'at': '2024-05-01T12:01:00Z',
                      'data': {'device': {'id': 101, 'serial_number': 'HL52AX202NL9'}}}).status_code == 200

    deadline = time.time() + 180
    stamp = None
    while time.time() < deadline:
        try:
            stamp = baseline_stamp(sim, 101)
        except requests.HTTPError:
            stamp = None
        if stamp == '2024.1':
            break
        time.sleep(1)
    assert stamp == '2024.1', log_path.read_text()
    # the playbook ran once, for the enrolled device only
    assert baseline_stamp(sim, 102) != '2024.1'
    assert baseline_stamp(sim, 103) != '2024.1'
    writes = [entry['path'] for entry in sim.requests(vendor='simplemdm')
              if entry['method'] != 'GET' and 'custom_attribute' in entry['path'] and '/devices/' in entry['path']]
    assert writes and all('/devices/101/' in path for path in writes), writes
    assert 'Baseline Apps' in log_path.read_text()
