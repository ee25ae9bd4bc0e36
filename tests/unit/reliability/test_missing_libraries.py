# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A missing Python library (requests, PyJWT) gives a clear message, never a traceback: modules
fail with Ansible's missing_required_lib text, inventory plugins name the library.

The library is hidden from real ansible-playbook / ansible-inventory runs by a directory put
first on PYTHONPATH whose package of that name raises ImportError (modules run by the local
connection inherit it, as they would inherit an interpreter without the library)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest

HIDDEN = {'requests': ('simplemdm', 'simplemdm_device_info', 'requests'),
          'jwt': ('abm', 'abm_mdm_server_info', 'PyJWT')}


def hide(directory, package):
    """PYTHONPATH value under which ``import package`` fails."""
    path = os.path.join(directory, 'hidden-' + package)
    os.makedirs(os.path.join(path, package))
    with open(os.path.join(path, package, '__init__.py'), 'w') as handle:
        handle.write('raise ImportError("No module named %r (hidden by the test)")\n' % package)
    return os.pathsep.join([path] + [p for p in [os.environ.get('PYTHONPATH')] if p])


@pytest.mark.parametrize('package', sorted(HIDDEN))
def test_module_fails_with_missing_required_lib(plain_sim, ansible, tmp_path, package):
    vendor, module, library = HIDDEN[package]
    env = {'PYTHONPATH': hide(str(tmp_path), package)}
    run = ansible.playbook([{'mdmkit.mdm.' + module: {}}],
                           module_defaults={'group/mdmkit.mdm.' + vendor: plain_sim.connection(vendor)}, env=env)
    assert run.rc == 0 and run.results, run
    result = run.results['t0']
    assert result.get('failed'), result
    assert 'Failed to import the required Python library (%s)' % library in result['msg'], result
    assert 'MODULE FAILURE' not in result['msg'] and 'Traceback' not in result['msg'], result
    # the same run without the library hidden works (so it is the library that made it fail)
    assert not ansible.playbook([{'mdmkit.mdm.' + module: {}}], module_defaults={
        'group/mdmkit.mdm.' + vendor: plain_sim.connection(vendor)}).results['t0'].get('failed')


@pytest.mark.parametrize('package', sorted(HIDDEN))
def test_inventory_plugin_names_the_missing_library(plain_sim, ansible, tmp_path, package):
    vendor, _module, library = HIDDEN[package]
    env = {'PYTHONPATH': hide(str(tmp_path), package), 'ANSIBLE_INVENTORY_UNPARSED_FAILED': 'true'}
    run = ansible.inventory_run(vendor, plain_sim.connection(vendor), env=env)
    assert run.rc != 0, run
    assert 'The Python library %s is required' % library in run.stderr, run
    assert 'Traceback' not in run.stderr, run
