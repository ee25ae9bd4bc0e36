# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Resource modules: full check mode and diff.
    DOCUMENTATION = r'''
      options: {}
      attributes:
        check_mode:
          description: Can run in check mode and return the changes it would make, without sending any write.
          support: full
        diff_mode:
          description: Returns the per-key before and after of the resource, with secrets masked.
          support: full
    '''

    # Read-only modules.
    INFO_MODULE = r'''
      options: {}
      attributes:
        check_mode:
          description: Reads only, so it runs the same in check mode.
          support: full
          details: This module never changes anything.
        diff_mode:
          description: Reads only; there is no diff.
          support: none
    '''

    # Modules that send actions (commands, pushes, jobs): never idempotent, never resent.
    ACTION = r'''
      options: {}
      attributes:
        check_mode:
          description: In check mode nothing is sent; the result says what would have been sent.
          support: full
        diff_mode:
          description: Actions have no before and after state.
          support: none
    '''
