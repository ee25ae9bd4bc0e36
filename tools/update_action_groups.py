#!/usr/bin/env python
# Copyright: Contributors to the mdmkit.mdm collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Keep the action_groups of meta/runtime.yml in step with plugins/modules/.

Each module belongs to the group named after its vendor prefix, the part of its
file name before the first underscore (``simplemdm_device.py`` is in
``simplemdm``).  The groups of the known vendors are always written, empty or
not, so that ``module_defaults: group/mdmkit.mdm.esper: ...`` stays valid
before the first module of a vendor lands.

Only the ``action_groups`` block of runtime.yml is rewritten; every other key,
and the comments outside that block, are kept as they are.

Usage (from anywhere):
    python tools/update_action_groups.py           # rewrite meta/runtime.yml
    python tools/update_action_groups.py --check   # exit 1 and show a diff when out of step
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys

import yaml

COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Groups written even when no module of that vendor exists yet.
KNOWN_VENDORS = ('simplemdm', 'abm', 'micromdm', 'esper')

HEADER = '''\
action_groups:
  # Generated from the file names in plugins/modules/ by
  # tools/update_action_groups.py: do not edit this block by hand.
'''

_TOP_LEVEL_KEY = re.compile(r'^[^\s#][^:]*:')


def module_names(collection_root=COLLECTION_ROOT):
    """Return the sorted short names of the modules in plugins/modules/."""
    modules_dir = os.path.join(collection_root, 'plugins', 'modules')
    if not os.path.isdir(modules_dir):
        return []
    names = []
    for file_name in os.listdir(modules_dir):
        base, ext = os.path.splitext(file_name)
        if ext != '.py' or base.startswith('_') or '_' not in base:
            # __init__.py, deprecated/private files and names with no vendor prefix
            continue
        names.append(base)
    return sorted(names)


def expected_action_groups(collection_root=COLLECTION_ROOT):
    """Return {vendor: [module, ...]} as it should appear in meta/runtime.yml."""
    groups = {vendor: [] for vendor in KNOWN_VENDORS}
    for name in module_names(collection_root):
        groups.setdefault(name.split('_', 1)[0], []).append(name)
    return {vendor: groups[vendor] for vendor in sorted(groups)}


def render_action_groups(groups):
    """Render the action_groups block as YAML text, ending in a newline."""
    lines = [HEADER.rstrip('\n')]
    for vendor, modules in groups.items():
        if modules:
            lines.append('  %s:' % vendor)
            lines.extend('    - %s' % module for module in modules)
        else:
            lines.append('  %s: []' % vendor)
    return '\n'.join(lines) + '\n'


def _split_action_groups(text):
    """Return (before, block, after): the text around the top-level action_groups key."""
    lines = text.splitlines(True)
    start = None
    for index, line in enumerate(lines):
        if line.startswith('action_groups:'):
            start = index
            break
    if start is None:
        return text, '', ''
    end = len(lines)
    for index in range(start + 1, len(lines)):
        if _TOP_LEVEL_KEY.match(lines[index]) or lines[index].startswith(('---', '...')):
            end = index
            break
    # Trailing blank lines and unindented comments belong to what follows the block.
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith('#')):
        end -= 1
    return ''.join(lines[:start]), ''.join(lines[start:end]), ''.join(lines[end:])


def updated_runtime_text(current_text, groups):
    """Return the runtime.yml text with its action_groups block replaced by groups."""
    if not current_text.strip():
        current_text = "---\nrequires_ansible: '>=2.16.0'\n"
    before, dummy, after = _split_action_groups(current_text)
    if before and not before.endswith('\n'):
        before += '\n'
    return before + render_action_groups(groups) + after


def check_consistent(text, groups):
    """Return a list of problems when the YAML data of text does not match groups."""
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict):
        return ['meta/runtime.yml is not a mapping']
    actual = data.get('action_groups') or {}
    problems = []
    for vendor in sorted(set(actual) | set(groups)):
        want = groups.get(vendor)
        have = actual.get(vendor)
        if want is None:
            problems.append('group %s lists %s but no module has that prefix' % (vendor, have))
        elif have is None:
            problems.append('group %s is missing (modules: %s)' % (vendor, ', '.join(want) or 'none'))
        elif sorted(str(item) for item in have) != want:
            missing = sorted(set(want) - set(map(str, have)))
            extra = sorted(set(map(str, have)) - set(want))
            problems.append('group %s: missing %s, not a module %s' % (vendor, missing, extra))
    return problems


def main(argv=None):
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--check', action='store_true',
                        help='do not write; exit 1 and print the difference when runtime.yml is out of step')
    parser.add_argument('--root', default=COLLECTION_ROOT, help='collection root (default: %(default)s)')
    args = parser.parse_args(argv)

    runtime_path = os.path.join(args.root, 'meta', 'runtime.yml')
    try:
        with open(runtime_path, encoding='utf-8') as runtime_file:
            current = runtime_file.read()
    except FileNotFoundError:
        current = ''

    groups = expected_action_groups(args.root)
    wanted = updated_runtime_text(current, groups)

    if args.check:
        problems = check_consistent(current, groups) if current else ['meta/runtime.yml does not exist']
        if current == wanted and not problems:
            print('meta/runtime.yml: action_groups are up to date')
            return 0
        for problem in problems:
            print('meta/runtime.yml: %s' % problem)
        sys.stdout.writelines(difflib.unified_diff(
            current.splitlines(True), wanted.splitlines(True),
            fromfile='meta/runtime.yml', tofile='meta/runtime.yml (expected)'))
        print('Run: python tools/update_action_groups.py')
        return 1

    if current == wanted:
        print('meta/runtime.yml: action_groups are up to date')
        return 0
    os.makedirs(os.path.dirname(runtime_path), exist_ok=True)
    with open(runtime_path, 'w', encoding='utf-8') as runtime_file:
        runtime_file.write(wanted)
    print('meta/runtime.yml: action_groups rewritten (%d modules)' % sum(len(m) for m in groups.values()))
    return 0


if __name__ == '__main__':
    sys.exit(main())
