# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""When each task started and each module invocation (task, or loop item) ended, for bench/run.py.

The no-op scenario splits the simulator's request log by these times to check "at most one
list per resource type per module invocation". Times are ``time.time()``, the clock of the
simulator's log. The events go, as JSON, to the file named by MDMKIT_BENCH_TIMELINE.
Enabled with ANSIBLE_CALLBACK_PLUGINS=bench/plugins/callback and
ANSIBLE_CALLBACKS_ENABLED=mdmkit_timeline; not part of the collection's plugins.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: mdmkit_timeline
type: aggregate
short_description: Records task and loop item times (benchmark)
description:
  - Writes the start of each task and the end of each module invocation to the JSON file named by
    the E(MDMKIT_BENCH_TIMELINE) environment variable.
author:
  - mdmkit maintainers (@mdmkit)
'''

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):

    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'mdmkit_timeline'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self.events = []

    def mark(self, kind, task, label=None):
        self.events.append({'kind': kind, 'task': task, 'label': label, 'time': time.time()})

    def v2_playbook_on_task_start(self, task, is_conditional):
        self.mark('task', task.get_name())

    def item_end(self, result):
        self.mark('item', result.task.get_name(), str(result.result.get('_ansible_item_label', '')))

    def task_end(self, result, *args, **kwargs):
        self.mark('end', result.task.get_name())

    v2_runner_item_on_ok = v2_runner_item_on_failed = v2_runner_item_on_skipped = item_end
    v2_runner_on_ok = v2_runner_on_failed = v2_runner_on_skipped = task_end

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get('MDMKIT_BENCH_TIMELINE')
        if path:
            with open(path, 'w') as handle:
                json.dump(self.events, handle)
