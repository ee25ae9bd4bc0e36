# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""extensions/eda/rulebooks/enrolled_baseline.yml end to end: ansible-rulebook (Java) runs the
mdmkit.mdm.simplemdm_webhook source; webhooks posted to it make the rule run
playbooks/baseline.yml (as mdmkit.mdm.baseline) against the session simulator.

Skipped when ansible-rulebook or Java is missing (tests/unit/requirements.txt installs
ansible-rulebook; Java 17 comes from the machine).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
RULEBOOK = os.path.join(COLLECTION_ROOT, 'extensions', 'eda', 'rulebooks', 'enrolled_baseline.yml')
BIN = os.path.dirname(sys.executable)
RULEBOOK_BIN = shutil.which('ansible-rulebook', path=BIN + os.pathsep + os.environ.get('PATH', ''))

pytestmark = pytest.mark.skipif(not RULEBOOK_BIN or not shutil.which('java'),
                                reason='ansible-rulebook or java is not installed')

TOKEN = 'rulebook-test-token'


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


@pytest.fixture
def collections_path(tmp_path):
    parent = os.path.dirname(os.path.dirname(COLLECTION_ROOT))
    if os.path.basename(parent) == 'ansible_collections':
        return os.path.dirname(parent)
    os.makedirs(str(tmp_path / 'collections' / 'ansible_collections' / 'mdmkit'))
    os.symlink(COLLECTION_ROOT, str(tmp_path / 'collections' / 'ansible_collections' / 'mdmkit' / 'mdm'))
    return str(tmp_path / 'collections')


@pytest.fixture
def rulebook(sim, tmp_path, collections_path):
    """ansible-rulebook running enrolled_baseline.yml; yields (webhook URL, log path)."""
    port = free_port()
    inventory = tmp_path / 'inventory.yml'
    inventory.write_text(json.dumps({'all': {'hosts': {'localhost': {
        'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}}}}))
    env = dict(os.environ)
    env.update({
        'PATH': BIN + os.pathsep + env.get('PATH', ''),
        'ANSIBLE_COLLECTIONS_PATH': collections_path,
        'ANSIBLE_NOCOLOR': '1',
        'SIMPLEMDM_API_KEY': sim.config['simplemdm_api_key'],
        'SIMPLEMDM_BASE_URL': sim.config['simplemdm_base_url'],
        'SIMPLEMDM_WEBHOOK_TOKEN': TOKEN,
        'SIMPLEMDM_WEBHOOK_PORT': str(port),
        'SIMPLEMDM_WEBHOOK_HOST': '127.0.0.1',
    })
    log_path = tmp_path / 'rulebook.log'
    with open(str(log_path), 'wb') as log:
        process = subprocess.Popen(
            [RULEBOOK_BIN, '--rulebook', RULEBOOK, '-i', str(inventory),
             '-E', 'SIMPLEMDM_WEBHOOK_TOKEN,SIMPLEMDM_WEBHOOK_PORT,SIMPLEMDM_WEBHOOK_HOST'],
            cwd=str(tmp_path), env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = 'http://127.0.0.1:%d/simplemdm' % port
        deadline = time.time() + 120
        while time.time() < deadline:
            assert process.poll() is None, log_path.read_text()
            try:
                socket.create_connection(('127.0.0.1', port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.25)
        else:
            pytest.fail('ansible-rulebook did not listen in 120 s:\n' + log_path.read_text())
        yield url, log_path
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


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
