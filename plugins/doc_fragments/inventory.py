# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Options shared by the mdmkit.mdm inventory plugins (see plugin_utils/inventory.py).
    DOCUMENTATION = r'''
      options:
        vars_prefix:
          description:
            - Prefix of every host variable the plugin sets, and of the groups it creates.
            - Defaults to the vendor name and an underscore, for example C(simplemdm_).
          type: str
        attributes:
          description:
            - Device attributes to keep as host variables. Unset keeps all of them (except recovery keys
              and passwords, which are kept only when listed here).
            - Fewer attributes make large inventories much faster and smaller, since Ansible's own cost grows
              with the number of host variables. Measured with C(bench/run.py) (see C(docs/performance.md)),
              C(ansible-inventory --list) over 100,000 SimpleMDM devices took 41 s and 734 MB with five
              attributes against 118 s and 4,988 MB with all 71 (0.35 of the time, 0.15 of the memory), on a
              2-core machine.
          type: list
          elements: str
        filters:
          description:
            - Jinja2 conditionals evaluated on each device's host variables (with the prefix); a device
              becomes a host only if all are true.
          type: list
          elements: str
          default: []
        stream:
          description:
            - Add the hosts of each page while the next pages are being fetched, in a worker thread.
          type: bool
          default: true
      notes:
        - A vendor error (bad credentials, 403, a server that keeps failing) fails the inventory source with
          the vendor's message; the plugin never returns an empty fleet instead. Set
          C(ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED=true) (AWX sets the equivalent for inventory updates)
          so that Ansible stops on a failed source instead of warning and going on without it.
    '''
