# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets never leak: modules of every vendor and every inventory plugin run at -vvvv with
--diff, with sentinel credentials (API keys the simulator accepts, an ABM private key of our own,
the bearer tokens the simulator issues, admin passwords, PINs, Wi-Fi and lock screen passwords,
a password inside a profile). No sentinel may appear in stdout, stderr (warnings included), the
registered results, the diffs or the inventory cache files.

Set MDMKIT_RELIABILITY_PROVE_LEAK=1 to add a task that prints a secret on purpose: the test must
then fail (that is how it was shown to be able to fail).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import glob
import json
import os
import re

import pytest

VENDORS = ('simplemdm', 'abm', 'esper', 'micromdm')

PROFILE = '''<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
  <key>PayloadIdentifier</key><string>com.example.reliability.wifi</string>
  <key>PayloadUUID</key><string>0B5E8C52-8A0C-4E1B-9C0A-6C1E1E2D3F40</string>
  <key>PayloadType</key><string>Configuration</string>
  <key>PayloadVersion</key><integer>1</integer>
  <key>PayloadDisplayName</key><string>Reliability Wi-Fi</string>
  <key>PayloadContent</key><array><dict>
    <key>PayloadType</key><string>com.apple.wifi.managed</string>
    <key>PayloadIdentifier</key><string>com.example.reliability.wifi.1</string>
    <key>PayloadUUID</key><string>6A7B8C9D-0E1F-4A2B-8C3D-4E5F6A7B8C9D</string>
    <key>PayloadVersion</key><integer>1</integer>
    <key>SSID_STR</key><string>corp</string>
    <key>EncryptionType</key><string>WPA2</string>
    <key>Password</key><string>%s</string>
  </dict></array>
</dict></plist>
'''

# Credential shapes that must never be printed, whatever their value.
PATTERNS = [
    re.compile(r'Bearer\s+[A-Za-z0-9._~+/=-]{16,}'),
    re.compile(r'Basic\s+[A-Za-z0-9+/=]{12,}'),
    re.compile(r'eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}'),  # a JWT (the ABM client assertion)
    re.compile(r'-----BEGIN [A-Z ]*PRIVATE KEY-----'),
]


def sentinel_values(rel, sim, token_dirs=()):
    values = dict(rel.SENTINELS)
    for index, line in enumerate(sim.abm_private_pem.splitlines()):
        if len(line) >= 40 and not line.startswith('-----'):
            values['abm_private_key_line_%d' % index] = line
    for vendor, user_first in (('simplemdm', True), ('micromdm', False)):
        key = values['%s_api_key' % vendor]
        raw = ('%s:' % key) if user_first else ('micromdm:%s' % key)
        values['%s_basic_auth' % vendor] = base64.b64encode(raw.encode()).decode()
    for directory in token_dirs:
        for path in glob.glob(os.path.join(directory, '*.json')):
            with open(path) as handle:
                for index, entry in enumerate(json.load(handle).values()):
                    values['abm_access_token_%d' % index] = entry['access_token']
    return values


def leaks(texts, values):
    """[(where, what, context)] for each sentinel or credential pattern found in texts {where: text}."""
    found = []
    for where, text in texts.items():
        for name, value in values.items():
            regex = r'(?<![0-9])%s(?![0-9])' % value if name == 'lock_pin' else re.escape(value)
            match = re.search(regex, text)
            if match:
                found.append((where, name, _context(text, match)))
        for pattern in PATTERNS:
            match = pattern.search(text)
            if match:
                found.append((where, 'pattern %s' % pattern.pattern, _context(text, match)))
    return found


def _context(text, match):
    """Where the secret was found: 120 characters before it, the secret itself cut short."""
    return text[max(0, match.start() - 120):match.start()] + match.group(0)[:6] + '...'


def module_tasks(sentinels, token_dir):
    s = sentinels
    return [
        # SimpleMDM
        {'mdmkit.mdm.simplemdm_device_info': {}, 'register': 'smdm'},
        {'ansible.builtin.set_fact': {'mac': "{{ smdm.devices | selectattr('status', 'equalto', 'enrolled') "
                                             "| selectattr('product_name', 'match', '(Mac|iMac)') | first }}"}},
        {'mdmkit.mdm.simplemdm_custom_attribute': {'name': 'reliability_tag', 'default_value': 'x'}, 'diff': True},
        {'mdmkit.mdm.simplemdm_device_command': {'command': 'lock', 'devices': ['{{ mac.serial_number }}'],
                                                 'pin': s['lock_pin'], 'lock_message': 'call IT'},
         'check_mode': True, 'diff': True},
        {'mdmkit.mdm.simplemdm_device_command': {'command': 'lock', 'devices': ['{{ mac.serial_number }}'],
                                                 'pin': s['lock_pin'], 'lock_message': 'call IT'}, 'diff': True},
        {'mdmkit.mdm.simplemdm_device_command': {'command': 'set_admin_password', 'devices': ['{{ mac.id }}'],
                                                 'new_password': s['admin_password']}, 'diff': True},
        {'mdmkit.mdm.simplemdm_device_command': {'command': 'lock', 'devices': ['NO-SUCH-DEVICE'],
                                                 'pin': s['lock_pin']}},  # fails: the error path
        {'mdmkit.mdm.simplemdm_device_info': {'base_url': '{{ simplemdm_url }}/nope'}},  # fails with 404
        # ABM: the key as PEM text, the token cached so the test learns the tokens issued
        {'mdmkit.mdm.abm_mdm_server_info': {}, 'register': 'servers'},
        {'mdmkit.mdm.abm_device_info': {'product_family': ['iPad']}, 'register': 'abm_devices'},
        {'mdmkit.mdm.abm_device_assignment': {
            'serial_numbers': "{{ (abm_devices.devices | map(attribute='serial_number') | list)[:3] }}",
            'mdm_server': 'MicroMDM'}, 'diff': True},
        {'mdmkit.mdm.abm_mdm_server_info': {'key_id': 'not-the-key', 'token_cache': False}},  # fails: token refused
        # Esper
        {'mdmkit.mdm.esper_device_info': {'platform': 'ANDROID'}, 'register': 'esper'},
        {'mdmkit.mdm.esper_command': {'devices': ['{{ esper.devices[0].serial }}'],
                                      'command': 'RESET_LOCKSCREEN_PASSWORD',
                                      'command_args': {'new_lockscreen_password': s['esper_lockscreen_password']}},
         'diff': True},
        {'mdmkit.mdm.esper_command': {'devices': ['{{ esper.devices[0].serial }}'], 'command': 'REBOOT'},
         'diff': True},
        {'mdmkit.mdm.esper_device_state': {'devices': ['{{ esper.devices[0].serial }}'], 'brightness_scale': 42},
         'diff': True},
        {'mdmkit.mdm.esper_device_info': {'device': 'NO-SUCH-DEVICE'}},  # fails
        # MicroMDM
        {'mdmkit.mdm.micromdm_device_info': {}, 'register': 'mmdm'},
        {'mdmkit.mdm.micromdm_profile': {'content': PROFILE % s['profile_password']}, 'diff': True},
        {'mdmkit.mdm.micromdm_profile': {'content': PROFILE % s['profile_password']}, 'diff': True},
        {'mdmkit.mdm.micromdm_profile_info': {'payload_identifier': 'com.example.reliability.wifi'}},
        {'mdmkit.mdm.micromdm_push': {'udid': '{{ mmdm.devices[0].udid }}'}},
        {'mdmkit.mdm.micromdm_push': {'udid': 'NO-SUCH-UDID'}},  # fails
    ]


def test_no_secret_in_module_output(rel, sentinel_sim, ansible, tmp_path):
    token_dir = str(tmp_path / 'tokens')
    defaults = {'group/mdmkit.mdm.%s' % v: sentinel_sim.connection(v, key_text=True) for v in VENDORS}
    defaults['group/mdmkit.mdm.abm'].update(token_cache=True, token_cache_dir=token_dir)
    tasks = module_tasks(rel.SENTINELS, token_dir)
    if os.environ.get('MDMKIT_RELIABILITY_PROVE_LEAK'):
        tasks.append({'ansible.builtin.debug': {'msg': 'leak: %s' % rel.SENTINELS['admin_password']}})
    run = ansible.playbook(tasks, module_defaults=defaults,
                           play_vars={'simplemdm_url': sentinel_sim.config['simplemdm_base_url']},
                           args=['-vvvv', '--diff'])
    assert run.rc == 0, run
    results = run.results

    # the runs did what they say (a test that ran nothing would prove nothing)
    for name in ('t4', 't5', 't10', 't13', 't14', 't18'):
        assert results[name].get('changed') and not results[name].get('failed'), (name, results[name])
    for name in ('t6', 't7', 't11', 't16', 't22'):
        assert results[name].get('failed'), (name, results[name])
    # the secrets did reach the simulator (so they were really used): the lock with its pin, the password
    lock = [e for e in sentinel_sim.sim.requests(vendor='simplemdm', method='POST') if e['path'].endswith('/lock')]
    assert lock and 'pin=%s' % rel.SENTINELS['lock_pin'] in lock[-1]['body_excerpt'], lock
    assert os.path.exists(os.path.join(token_dir, 'abm-tokens.json'))

    values = sentinel_values(rel, sentinel_sim, [token_dir])
    assert any(name.startswith('abm_access_token') for name in values)
    texts = {'stdout': run.stdout, 'stderr': run.stderr, 'results': json.dumps(results)}
    found = leaks(texts, values)
    assert not found, 'secrets leaked: %s' % found


@pytest.mark.parametrize('vendor', VENDORS)
def test_no_secret_in_inventory_output_or_cache(rel, sentinel_sim, ansible, tmp_path, vendor):
    cache_dir = str(tmp_path / 'cache')
    token_dir = str(tmp_path / 'tokens')
    source = dict(sentinel_sim.connection(vendor, key_text=True), cache=True,
                  cache_plugin='ansible.builtin.jsonfile', cache_connection=cache_dir, cache_timeout=600,
                  compose={'reliability_seen': 'true'})
    if vendor == 'abm':
        source.update(token_cache=True, token_cache_dir=token_dir)
    listing = str(tmp_path / 'list.json')
    first = ansible.inventory_run(vendor, source, args=['--list', '-vvvv', '--output', listing])
    assert first.rc == 0, first
    with open(listing) as handle:
        listed = handle.read()
    hosts = json.loads(listed)['_meta']['hostvars']
    assert len(hosts) > 50
    cached = ansible.inventory_run(vendor, source, args=['--graph', '-vvvv'])
    assert cached.rc == 0, cached

    # a wrong credential: the failure path must not print the right one nor the one tried
    bad = dict(source, cache=False)
    if vendor == 'abm':
        bad.update(key_id='not-the-key', token_cache=False)
    else:
        bad['api_key'] = rel.SENTINELS['%s_api_key' % vendor] + 'X'
    failed = ansible.inventory_run(vendor, bad, args=['--list', '-vvvv'],
                                   env={'ANSIBLE_INVENTORY_UNPARSED_FAILED': 'true'})
    assert failed.rc != 0, failed

    cache_files = glob.glob(os.path.join(cache_dir, '*'))
    assert cache_files, 'the inventory cache was not written'
    texts = {'list': listed, 'stdout': first.stdout, 'stderr': first.stderr, 'cached stdout': cached.stdout,
             'cached stderr': cached.stderr, 'failed stdout': failed.stdout, 'failed stderr': failed.stderr}
    for path in cache_files:
        with open(path) as handle:
            texts['cache ' + os.path.basename(path)] = handle.read()
    values = sentinel_values(rel, sentinel_sim, [token_dir] if vendor == 'abm' else [])
    if vendor == 'abm':
        assert any(name.startswith('abm_access_token') for name in values)
    found = leaks(texts, values)
    assert not found, 'secrets leaked: %s' % found


def test_no_secret_in_esper_wifi_access_point(rel, sentinel_sim, ansible):
    defaults = {'group/mdmkit.mdm.esper': sentinel_sim.connection('esper')}
    tasks = [
        {'mdmkit.mdm.esper_device_info': {'platform': 'ANDROID'}, 'register': 'esper'},
        {'mdmkit.mdm.esper_command': {'devices': ['{{ esper.devices[0].serial }}'], 'command': 'ADD_WIFI_AP',
                                      'command_args': {'wifi_access_points': [
                                          {'wifi_ssid': 'corp', 'wifi_security': 'WPA2',
                                           'wifi_password': rel.SENTINELS['esper_wifi_password']}]}},
         'diff': True},
    ]
    run = ansible.playbook(tasks, module_defaults=defaults, args=['-vvvv', '--diff'])
    assert run.rc == 0, run
    assert run.results['t1'].get('changed') and not run.results['t1'].get('failed'), run.results['t1']
    texts = {'stdout': run.stdout, 'stderr': run.stderr, 'results': json.dumps(run.results)}
    found = leaks(texts, sentinel_values(rel, sentinel_sim))
    assert not found, 'secrets leaked: %s' % found
