# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Resolve names, serials or ids to API objects from one listing (no request per item)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError


def attribute(item, key):
    """``id`` or an attribute of a JSON:API-style object ({id, attributes: {...}}) or a flat dict."""
    if key == 'id':
        return item.get('id')
    attrs = item.get('attributes')
    if isinstance(attrs, dict) and key in attrs:
        return attrs.get(key)
    return item.get(key)


def find(items, value, keys, label, option):
    """The one object whose ``keys`` (tried in order) match ``value``; None when none does.

    An id match wins; a name that matches several objects is an error naming ``option``.
    """
    wanted = str(value)
    for key in keys:
        matches = [item for item in items if attribute(item, key) is not None
                   and str(attribute(item, key)) == wanted]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise ConfigError('%s: %r matches %d %ss by %s (ids %s); use the id instead.'
                              % (option, value, len(matches), label, key,
                                 ', '.join(str(m.get('id')) for m in matches)))
    return None


def resolve_all(items, values, keys, label, option):
    """Resolve each value; unknown ones fail together, naming the option, before any write."""
    found, missing = [], []
    for value in values:
        item = find(items, value, keys, label, option)
        if item is None:
            missing.append(str(value))
        else:
            found.append(item)
    if missing:
        raise ConfigError('%s: no %s matches %s.' % (option, label, ', '.join(missing)))
    return found
