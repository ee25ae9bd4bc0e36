# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection doc fragments are rendered from module_utils/connection.py: keep them in step."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def test_doc_fragments_match_the_option_table():
    run = subprocess.run([sys.executable, os.path.join(ROOT, 'tools', 'render_doc_fragments.py'), '--check'],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
