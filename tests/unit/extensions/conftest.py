# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The harness of the rulebook end-to-end tests (test_rulebook_e2e.py, test_micromdm_rulebook_e2e.py):
ansible-rulebook (Java) runs a rulebook of extensions/eda/rulebooks/ whose webhook event source
listens on a free local port.

A test that uses ``start_rulebook`` is skipped when ansible-rulebook or Java is missing
(tests/unit/requirements.txt installs ansible-rulebook; Java 17 comes from the machine).
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

COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
RULEBOOKS = os.path.join(COLLECTION_ROOT, 'extensions', 'eda', 'rulebooks')
BIN = os.path.dirname(sys.executable)
RULEBOOK_BIN = shutil.which('ansible-rulebook', path=BIN + os.pathsep + os.environ.get('PATH', ''))


# tests/run.sh writes this file when CI=true (ansible-test passes no environment variables on)
CI_MARKER = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), '.ci')
MISSING = ('ansible-rulebook or java is not installed '
           '(pip install ansible-rulebook; apt-get install openjdk-17-jre-headless)')


def rulebook_runnable():
    return bool(RULEBOOK_BIN and shutil.which('java'))


def in_ci():
    return os.environ.get('CI') == 'true' or os.path.exists(CI_MARKER)


def pytest_collection_modifyitems(items):
    # A developer without Java sees these tests skipped, before any fixture runs (the simulator is
    # not started for nothing). CI installs both, so there nothing is skipped: start_rulebook fails the test
    # if either is missing.
    if rulebook_runnable() or in_ci():
        return
    for item in items:
        if 'start_rulebook' in getattr(item, 'fixturenames', ()):
            item.add_marker(pytest.mark.skip(reason=MISSING))


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


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture
def start_rulebook(tmp_path, collections_path):
    """``start(rulebook, source, token, env)`` runs extensions/eda/rulebooks/<rulebook> against a
    localhost inventory, with ``env`` added to the environment and the webhook source's variables
    ``<SOURCE>_WEBHOOK_TOKEN`` (``token``), ``_PORT`` (a free port) and ``_HOST`` (127.0.0.1) passed
    with ``-E``. It waits until the source listens and returns (webhook URL ``/<source>``, log path).
    The rulebook is stopped after the test."""
    processes = []

    def start(rulebook, source, token, env):
        if not rulebook_runnable():
            pytest.fail(MISSING)
        port = free_port()
        inventory = tmp_path / 'inventory.yml'
        inventory.write_text(json.dumps({'all': {'hosts': {'localhost': {
            'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}}}}))
        webhook_vars = dict(('%s_WEBHOOK_%s' % (source.upper(), name), value)
                            for name, value in (('TOKEN', token), ('PORT', str(port)), ('HOST', '127.0.0.1')))
        full_env = dict(os.environ)
        full_env.update({
            'PATH': BIN + os.pathsep + full_env.get('PATH', ''),
            'ANSIBLE_COLLECTIONS_PATH': collections_path,
            'ANSIBLE_NOCOLOR': '1',
        })
        full_env.update(env)
        full_env.update(webhook_vars)
        log_path = tmp_path / 'rulebook.log'
        with open(str(log_path), 'wb') as log:
            process = subprocess.Popen(
                [RULEBOOK_BIN, '--rulebook', os.path.join(RULEBOOKS, rulebook), '-i', str(inventory),
                 '-E', ','.join(webhook_vars)],
                cwd=str(tmp_path), env=full_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        processes.append(process)
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
        return 'http://127.0.0.1:%d/%s' % (port, source), log_path

    yield start
    for process in processes:
        stop(process)
