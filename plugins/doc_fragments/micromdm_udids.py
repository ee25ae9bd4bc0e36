# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The udids option of the MicroMDM modules that act on devices: its argument spec is
    # UDIDS_OPTION in plugins/module_utils/micromdm.py.
    DOCUMENTATION = r'''
      options:
        udids:
          description:
            - UDIDs of the devices (C(udid) in M(mdmkit.mdm.micromdm_device_info)), or, with O(flavor=nanomdm),
              NanoMDM enrollment IDs.
            - Compared without regard to case; duplicates count once.
          type: list
          elements: str
          required: true
          aliases: [udid]
    '''
