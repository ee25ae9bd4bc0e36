# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared fixtures: one simulator subprocess per test session, reset before each test."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import sys

import pytest

SIMULATOR_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'simulator')


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
