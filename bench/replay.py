# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The two Ansible baselines of bench/run.py, written from a plugin's ``ansible-inventory --list``:

    python bench/replay.py write LISTING.json STATIC.json FLOOR.floor.pickle
    python bench/replay.py digest LISTING.json

``write``: baseline A, the same hosts, vars and groups as a static JSON inventory (``yaml``
plugin), and the floor F, the same as pages for the in-memory replay plugin
(``bench/plugins/inventory/mdmkit_floor.py``). ``digest``: host, group and var counts and a hash
of the hosts, vars and group memberships, to check that a baseline replayed exactly what the
plugin produced. Both print one JSON line. Run as a separate process so that the benchmark
process stays small while ansible runs (a 100k listing takes gigabytes once parsed).
"""

from __future__ import absolute_import, division, print_function

import hashlib
import json
import pickle
import sys

PAGE = 1000  # hosts per pickled page of the floor file
SPECIAL_GROUPS = ('_meta', 'all', 'ungrouped')


def unwrap_unsafe(value):
    """ansible-core 2.19 writes plugin strings as {"__ansible_unsafe": "..."} in --list output."""
    if isinstance(value, dict):
        if len(value) == 1 and '__ansible_unsafe' in value:
            return value['__ansible_unsafe']
        return dict((k, unwrap_unsafe(v)) for k, v in value.items())
    if isinstance(value, list):
        return [unwrap_unsafe(v) for v in value]
    return value


def load(path):
    with open(path) as handle:
        return unwrap_unsafe(json.load(handle))


def groups_of(listing):
    """group -> {'hosts': [...], 'children': [...]} without all/ungrouped/_meta."""
    return dict((name, {'hosts': sorted(body.get('hosts') or []), 'children': sorted(body.get('children') or [])})
                for name, body in listing.items() if name not in SPECIAL_GROUPS)


def static_inventory(listing):
    """The --list output as a yaml-plugin inventory (JSON): same hosts, vars and groups."""
    children = {}
    for group, body in groups_of(listing).items():
        entry = {}
        if body['hosts']:
            entry['hosts'] = dict((host, None) for host in body['hosts'])
        if body['children']:
            entry['children'] = dict((child, {}) for child in body['children'])
        children[group] = entry
    return {'all': {'hosts': listing.get('_meta', {}).get('hostvars', {}), 'children': children}}


def write_floor(listing, path):
    """Pages of (host, vars, groups), in the order the plugin listed the hosts."""
    membership = {}
    for group, body in groups_of(listing).items():
        if body['children']:
            raise ValueError('group %s has child groups: the floor replays flat groups only' % group)
        for host in body['hosts']:
            membership.setdefault(host, []).append(group)
    hostvars = listing.get('_meta', {}).get('hostvars', {})
    with open(path, 'wb') as handle:
        page = []
        for host, host_vars in hostvars.items():
            page.append((host, host_vars, sorted(membership.get(host, []))))
            if len(page) == PAGE:
                pickle.dump(page, handle, protocol=pickle.HIGHEST_PROTOCOL)
                page = []
        if page:
            pickle.dump(page, handle, protocol=pickle.HIGHEST_PROTOCOL)


def digest(listing):
    hostvars = listing.get('_meta', {}).get('hostvars', {})
    groups = groups_of(listing)
    digest_of = hashlib.sha256()
    digest_of.update(json.dumps(hostvars, sort_keys=True).encode())
    digest_of.update(json.dumps(groups, sort_keys=True).encode())
    return {'hosts': len(hostvars), 'groups': len(groups),
            'vars_per_host': (sum(len(v) for v in hostvars.values()) / float(len(hostvars))) if hostvars else 0,
            'sha256': digest_of.hexdigest()}


def main(argv):
    if argv[:1] == ['write'] and len(argv) == 4:
        listing = load(argv[1])
        with open(argv[2], 'w') as handle:
            json.dump(static_inventory(listing), handle)
        write_floor(listing, argv[3])
        print(json.dumps(digest(listing)))
        return 0
    if argv[:1] == ['digest'] and len(argv) == 2:
        print(json.dumps(digest(load(argv[1]))))
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
