# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""TLS: the simulator serves HTTPS with a self-signed certificate (tests/simulator/tls.py,
generated with cryptography at start). validate_certs defaults to true: without ca_path every
vendor refuses the server with a clear message and sends nothing; with ca_path it works, for
modules and inventory plugins alike."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

VENDORS = {
    'simplemdm': 'simplemdm_device_info',
    'abm': 'abm_mdm_server_info',
    'esper': 'esper_device_info',
    'micromdm': 'micromdm_device_info',
}


@pytest.fixture(scope='module')
def tls_sim(rel, tmp_path_factory):
    directory = tmp_path_factory.mktemp('tls-sim')
    info = rel.start_sim(str(directory), devices=30, tls_self_signed=str(directory / 'tls'))
    yield info
    info.sim.stop()


def test_the_simulator_serves_https(tls_sim):
    assert tls_sim.config['url'].startswith('https://')
    assert tls_sim.config['abm_token_url'].startswith('https://')


@pytest.mark.parametrize('vendor', sorted(VENDORS))
def test_self_signed_refused_without_ca_path_and_accepted_with_it(tls_sim, ansible, vendor):
    connection = tls_sim.connection(vendor)
    module = 'mdmkit.mdm.' + VENDORS[vendor]
    tasks = [{module: {}}, {module: {'ca_path': tls_sim.ca_path}}, {module: {'validate_certs': False}}]
    run = ansible.playbook(tasks, module_defaults={'group/mdmkit.mdm.' + vendor: connection})
    assert run.rc == 0 and run.results, run
    refused, trusted, unverified = run.results['t0'], run.results['t1'], run.results['t2']
    assert refused.get('failed'), refused
    assert 'TLS verification failed' in refused['msg'] and 'ca_path' in refused['msg'], refused['msg']
    assert 'certificate verify failed' in refused['msg'], refused['msg']
    assert not trusted.get('failed'), trusted
    assert not unverified.get('failed'), unverified

    inventory = dict(connection)
    mark = tls_sim.mark()
    refused_inv = ansible.inventory_run(vendor, inventory, env={'ANSIBLE_INVENTORY_UNPARSED_FAILED': 'true'})
    assert refused_inv.rc != 0 and 'TLS verification failed' in refused_inv.stderr, refused_inv
    # nothing got past the handshake, and a refused certificate is not retried with backoff
    assert not tls_sim.requests(since=mark, vendor=vendor)
    assert refused_inv.elapsed < 10, refused_inv.elapsed
    trusted_inv = ansible.inventory_run(vendor, dict(inventory, ca_path=tls_sim.ca_path),
                                        env={'ANSIBLE_INVENTORY_UNPARSED_FAILED': 'true'})
    assert trusted_inv.rc == 0 and json.loads(trusted_inv.stdout)['_meta']['hostvars'], trusted_inv


@pytest.mark.parametrize('variable', ['REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'])
def test_ca_path_and_validate_certs_win_over_a_ca_bundle_variable(tls_sim, ansible, variable):
    """Many hosts and execution environments set REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE to the
    system bundle; requests lets either override a session's verify setting. ca_path and
    validate_certs: false must still apply (before the fix both failed with the variable set)."""
    import certifi  # pylint: disable=import-outside-toplevel
    env = {variable: certifi.where()}  # a real bundle, without the simulator's CA
    tasks, defaults = [], {}
    for vendor in sorted(VENDORS):
        defaults['group/mdmkit.mdm.' + vendor] = tls_sim.connection(vendor)
        module = 'mdmkit.mdm.' + VENDORS[vendor]
        tasks += [{module: {}, 'register': vendor + '_default'},
                  {module: {'ca_path': tls_sim.ca_path}, 'register': vendor + '_ca_path'},
                  {module: {'validate_certs': False}, 'register': vendor + '_unverified'}]
    run = ansible.playbook(tasks, module_defaults=defaults, env=env)
    assert run.rc == 0 and run.results, run
    for vendor in sorted(VENDORS):
        refused = run.results[vendor + '_default']
        assert refused.get('failed') and 'TLS verification failed' in refused['msg'], (vendor, refused)
        for case in ('_ca_path', '_unverified'):
            assert not run.results[vendor + case].get('failed'), (vendor + case, run.results[vendor + case])
    inventory = ansible.inventory_run('simplemdm', dict(tls_sim.connection('simplemdm'), ca_path=tls_sim.ca_path),
                                      env=dict(env, ANSIBLE_INVENTORY_UNPARSED_FAILED='true'))
    assert inventory.rc == 0 and json.loads(inventory.stdout)['_meta']['hostvars'], inventory
