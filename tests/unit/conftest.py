# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared fixtures: one simulator subprocess per test session, reset before each test.

In CI a skipped test is a failure: a test that needs a tool (Chromium, Java, ansible-runner...) is
skipped on a developer's machine without it, but CI installs every such tool, so a skip there means
something that should have been checked was not.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import sys

import pytest

SIMULATOR_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'simulator')
# tests/run.sh writes this file when CI=true (ansible-test passes no environment variables on)
CI_MARKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), '.ci')


def in_ci():
    return os.environ.get('CI') == 'true' or os.path.exists(CI_MARKER)


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin('terminalreporter')
    skipped = reporter.stats.get('skipped', []) if reporter else []
    if skipped and in_ci() and exitstatus == 0:
        reporter.write_line('%d test(s) skipped in CI, where every tool they need is installed: a failure.'
                            % len(skipped), red=True)
        session.exitstatus = 1


@pytest.fixture(scope='session')
def simulator_session():
    sys.path.insert(0, SIMULATOR_DIR)
    from harness import start_simulator  # pylint: disable=import-outside-toplevel
    sim = start_simulator(devices=250, seed=1)
    yield sim
    sim.stop()


@pytest.fixture
def sim(simulator_session):
    simulator_session.reset()
    yield simulator_session
    simulator_session.clear_faults()
