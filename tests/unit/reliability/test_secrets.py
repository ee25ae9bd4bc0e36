# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets never leak: every module (one playbook per vendor, a table of rows) and every
inventory plugin run at -vvvv with --diff, with sentinel credentials (API keys the simulator
accepts, an ABM private key of our own, the bearer tokens the simulator issues, admin passwords,
PINs, Wi-Fi and lock screen passwords, a password inside a profile given inline or as a file, a
secret custom attribute value, a secret managed app config value, a VPP token, a push
certificate's private key). No sentinel may appear in stdout, stderr (warnings included), the
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


# ---- every module, at -vvvv with --diff ------------------------------------------------------
#
# One playbook per vendor: setup tasks (which register facts the table refers to), then every
# module of that vendor, at least once, with the sentinels wherever a module takes a secret.
# A row is (module, arguments, expect, extra task keys): expect 'ok' (must not fail: the module
# really ran, and its secret really was used) or 'fails' (the error path, which must not print
# the secret either). test_every_module_has_a_row keeps the table in step with plugins/modules.

OK, FAILS = 'ok', 'fails'

DIFF = {'diff': True}
CHECK = {'check_mode': True, 'diff': True}
MICROMDM_1X = {'flavor': 'micromdm'}


def setup_tasks(vendor):
    return {
        'simplemdm': [
            {'mdmkit.mdm.simplemdm_device_info': {'include_awaiting_enrollment': False}, 'register': 'smdm'},
            {'ansible.builtin.set_fact': {
                'mac': "{{ smdm.devices | selectattr('status', 'equalto', 'enrolled') "
                       "| selectattr('product_name', 'match', '(Mac|iMac)') | first }}",
                'iphone': "{{ smdm.devices | selectattr('status', 'equalto', 'enrolled') "
                          "| selectattr('product_name', 'match', 'iPhone') | first }}"}},
            {'mdmkit.mdm.simplemdm_device_info': {'device': '{{ mac.id }}', 'include': ['installed_apps']},
             'register': 'mac_apps'},
        ],
        'abm': [{'mdmkit.mdm.abm_device_info': {'product_family': ['iPad']}, 'register': 'abm_devices'},
                {'ansible.builtin.set_fact': {
                    'ipads': "{{ abm_devices.devices | map(attribute='serial_number') | list }}"}}],
        'esper': [{'mdmkit.mdm.esper_device_info': {'platform': 'ANDROID'}, 'register': 'esper'},
                  {'mdmkit.mdm.esper_device_info': {'platform': 'APPLE'}, 'register': 'esper_apple'}],
        'micromdm': [{'mdmkit.mdm.micromdm_device_info': {}, 'register': 'mmdm'},
                     {'ansible.builtin.set_fact': {
                         'enrolled': "{{ mmdm.devices | selectattr('enrolled') | list }}"}}],
    }[vendor]


def module_rows(s, files):
    """[(module, arguments, expect, extra task keys)] per vendor. ``s``: the sentinels; ``files``:
    paths of the files written for the run (see write_files)."""
    return {
        'simplemdm': [
            ('simplemdm_account', {'apple_store_country_code': 'AU'}, OK, DIFF),
            ('simplemdm_account_info', {}, OK, {}),
            ('simplemdm_app', {'binary': files['ipa'], 'name': 'Reliability Tool'}, OK, DIFF),
            ('simplemdm_app_info', {}, OK, {}),
            ('simplemdm_assignment_group', {'name': 'Reliability Apps', 'devices': ['{{ mac.id }}']}, OK, DIFF),
            ('simplemdm_assignment_group_info', {}, OK, {}),
            ('simplemdm_custom_attribute', {'name': 'reliability_tag', 'default_value': 'x'}, OK, DIFF),
            # wifi_psk is a secret attribute (the simulator's seed): its value is masked everywhere
            ('simplemdm_custom_attribute_value', {'name': 'wifi_psk', 'value': s['attribute_secret'],
                                                  'device': '{{ mac.id }}'}, OK, DIFF),
            ('simplemdm_custom_configuration_profile', {'name': 'Reliability Wi-Fi',
                                                        'mobileconfig': PROFILE % s['profile_password']}, OK, DIFF),
            ('simplemdm_custom_configuration_profile', {'name': 'Reliability Wi-Fi file',
                                                        'mobileconfig': files['profile']}, OK, DIFF),
            ('simplemdm_custom_declaration', {
                'name': 'Reliability status',
                'declaration_type': 'com.apple.configuration.management.status-subscriptions',
                'payload': {'StatusItems': [{'Name': 'device.model.family'}]}}, OK, DIFF),
            ('simplemdm_custom_declaration_info', {}, OK, {}),
            ('simplemdm_dep_server_info', {}, OK, {}),
            ('simplemdm_dep_sync', {'server': 'Another MDM Server'}, OK, {}),
            ('simplemdm_device', {'name': 'Reliability iPad', 'device_group': 'Office'}, OK, DIFF),
            ('simplemdm_device_command', {'command': 'lock', 'devices': ['{{ mac.serial_number }}'],
                                          'pin': s['lock_pin'], 'lock_message': 'call IT'}, OK, CHECK),
            ('simplemdm_device_command', {'command': 'lock', 'devices': ['{{ mac.serial_number }}'],
                                          'pin': s['lock_pin'], 'lock_message': 'call IT'}, OK, DIFF),
            ('simplemdm_device_command', {'command': 'set_admin_password', 'devices': ['{{ mac.id }}'],
                                          'new_password': s['admin_password']}, OK, DIFF),
            ('simplemdm_device_command', {'command': 'lock', 'devices': ['NO-SUCH-DEVICE'],
                                          'pin': s['lock_pin']}, FAILS, {}),
            ('simplemdm_device_group', {'group': 'Retail', 'devices': ['{{ mac.id }}']}, OK, DIFF),
            ('simplemdm_device_group_info', {}, OK, {}),
            ('simplemdm_device_info', {'base_url': '{{ simplemdm_url }}/nope'}, FAILS, {}),  # HTTP 404
            ('simplemdm_enrollment', {'id': 2, 'contact': 'user@example.com'}, OK, {}),
            ('simplemdm_enrollment_info', {}, OK, {}),
            ('simplemdm_installed_app', {'device': '{{ mac.id }}', 'action': 'request_management',
                                         'bundle_identifier': "{{ (mac_apps.devices[0].installed_apps "
                                                              "| rejectattr('managed') | first).identifier }}"},
             OK, DIFF),
            ('simplemdm_log_info', {'limit': 5}, OK, {}),
            ('simplemdm_lost_mode', {'devices': ['{{ iphone.serial_number }}'], 'state': 'enabled',
                                     'lost_message': 'Please return', 'phone_number': '+15555550100'}, OK, {}),
            ('simplemdm_managed_config', {'app': 'Surf Report', 'key': 'licenseKey', 'secret': True,
                                          'value': s['managed_config_secret']}, OK, DIFF),
            ('simplemdm_profile', {'profile': 'App Restriction', 'devices': ['{{ mac.id }}']}, OK, DIFF),
            ('simplemdm_profile_info', {}, OK, {}),
            ('simplemdm_push_certificate', {'file': files['simplemdm_push_pem'], 'apple_id': 'devops@example.org'},
             OK, DIFF),
            ('simplemdm_push_certificate_info', {}, OK, {}),
            ('simplemdm_script', {'name': 'Reliability script', 'content': '#!/bin/sh\necho hello\n'}, OK, DIFF),
            ('simplemdm_script_job', {'script': 'script-8ilpJ', 'devices': ['{{ mac.id }}']}, OK, {}),
            ('simplemdm_script_job_info', {}, OK, {}),
        ],
        'abm': [
            ('abm_mdm_server_info', {}, OK, {}),
            ('abm_mdm_server_info', {'key_id': 'not-the-key', 'token_cache': False}, FAILS, {}),  # token refused
            ('abm_device_info', {'product_family': ['iPad'], 'include_assigned_server': True}, OK, {}),
            ('abm_device_assignment', {'serial_numbers': '{{ ipads[:3] }}', 'mdm_server': 'MicroMDM',
                                       'poll_interval': 0.5}, OK, DIFF),
            ('abm_device_activity_info', {'ids': "{{ abm_device_assignment_0.activities | map(attribute='id') "
                                                 "| list }}"}, OK, {}),
            ('abm_device_release', {'serial_numbers': ['{{ ipads[3] }}'], 'confirm': True, 'wait': False}, OK, DIFF),
        ],
        'esper': [
            ('esper_apns_certificate', {'csr_path': files['dir'] + '/apns.csr'}, OK, {}),
            ('esper_apns_certificate_info', {}, OK, {}),
            ('esper_app', {'file': files['apk'], 'description': 'Reliability build'}, OK, DIFF),
            ('esper_app_info', {}, OK, {}),
            ('esper_command', {'devices': ['{{ esper.devices[0].serial }}'], 'command': 'RESET_LOCKSCREEN_PASSWORD',
                               'command_args': {'new_lockscreen_password': s['esper_lockscreen_password']}}, OK, DIFF),
            ('esper_command', {'devices': ['{{ esper.devices[0].serial }}'], 'command': 'ADD_WIFI_AP',
                               'command_args': {'wifi_access_points': [
                                   {'wifi_ssid': 'corp', 'wifi_security': 'WPA2',
                                    'wifi_password': s['esper_wifi_password']}]}}, OK, DIFF),
            ('esper_command', {'devices': ['{{ esper.devices[0].serial }}'], 'command': 'REBOOT'}, OK, DIFF),
            ('esper_command_info', {'devices': ['{{ esper.devices[0].serial }}']}, OK, {}),
            ('esper_converge', {'device': '{{ esper.devices[1].serial }}', 'converge_with_provision_option': True,
                                'wait': False}, OK, {}),
            ('esper_converge_info', {}, OK, {}),
            ('esper_dep_sync', {'poll_interval': 0.2, 'wait_timeout': 30}, OK, {}),
            ('esper_dep_sync_info', {}, OK, {}),
            ('esper_dep_token', {'token_name': 'Reliability server', 'public_key_path': files['dir'] + '/dep.pem'},
             OK, {}),
            ('esper_dep_token_info', {}, OK, {}),
            ('esper_device', {'device': '{{ esper_apple.devices[0].serial }}', 'state': 'absent'}, OK, DIFF),
            ('esper_device_info', {'device': 'NO-SUCH-DEVICE'}, FAILS, {}),
            ('esper_device_state', {'devices': ['{{ esper.devices[0].serial }}'], 'brightness_scale': 42}, OK, DIFF),
            ('esper_seamless_provisioning', {'csv_file': files['esper_csv']}, OK, {}),
            ('esper_vpp_token', {'token_file': files['vpptoken']}, OK, DIFF),
            ('esper_vpp_token_info', {}, OK, {}),
        ],
        'micromdm': [
            ('micromdm_blueprint', dict(MICROMDM_1X, name='reliability-bp', profiles=[]), OK, DIFF),
            ('micromdm_blueprint_info', dict(MICROMDM_1X), OK, {}),
            ('micromdm_command', dict(MICROMDM_1X, udids=['{{ enrolled[0].udid }}'], request_type='DeviceLock',
                                      pin=s['lock_pin'], lock_message='call IT'), OK, DIFF),
            ('micromdm_command', dict(MICROMDM_1X, udids=['{{ enrolled[0].udid }}'], request_type='InstallProfile',
                                      profile=PROFILE % s['profile_password']), OK, DIFF),
            ('micromdm_command', dict(MICROMDM_1X, udids=['{{ enrolled[0].udid }}'], request_type='InstallProfile',
                                      profile_path=files['profile']), OK, DIFF),
            ('micromdm_command_queue_clear', dict(MICROMDM_1X, udids=['{{ enrolled[0].udid }}']), OK, {}),
            ('micromdm_command_queue_info', dict(MICROMDM_1X, udids=['{{ enrolled[0].udid }}']), OK, {}),
            ('micromdm_dep_fetch', {}, OK, {}),
            ('micromdm_dep_profile', dict(MICROMDM_1X, profile_name='reliability', url='https://mdm.example.com/enroll',
                                          serials=["{{ (mmdm.devices | selectattr('dep_device') "
                                                   "| selectattr('serial_number') | first).serial_number }}"]),
             OK, DIFF),
            ('micromdm_workflow', {'name': 'reliability-wf', 'profiles': []}, OK, DIFF),
            ('micromdm_workflow_info', {}, OK, {}),
            ('micromdm_device', {'device': '{{ enrolled[0].serial_number }}', 'workflow': 'reliability-wf'}, OK, DIFF),
            ('micromdm_device_block', dict(MICROMDM_1X, udids=['{{ enrolled[1].udid }}'], blocked=True), OK, {}),
            ('micromdm_device_info', {}, OK, {}),
            ('micromdm_profile', {'content': PROFILE % s['profile_password']}, OK, DIFF),
            ('micromdm_profile', {'content': PROFILE % s['profile_password']}, OK, DIFF),  # unchanged
            ('micromdm_profile', {'path': files['profile']}, OK, DIFF),
            ('micromdm_profile_info', {'payload_identifier': 'com.example.reliability.wifi'}, OK, {}),
            ('micromdm_push', {'udids': ['{{ enrolled[0].udid }}']}, OK, {}),
            ('micromdm_push', {'udids': ['NO-SUCH-UDID']}, FAILS, {}),
            ('micromdm_push_certificate', {'flavor': 'nanomdm', 'server_url': '{{ nanomdm_url }}',
                                           'certificate': files['push_certificate'], 'private_key': files['push_key']},
             OK, {}),
        ],
    }


def write_files(directory, sentinels):
    """The files the rows read: app packages, profiles, tokens, certificates (made here, from the
    integration targets' generators where there is one)."""
    import subprocess  # pylint: disable=import-outside-toplevel
    import sys  # pylint: disable=import-outside-toplevel
    targets = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                           'integration', 'targets')
    files = {'dir': directory, 'ipa': os.path.join(directory, 'Reliability-1.0.ipa'),
             'apk': os.path.join(directory, 'reliability-7.apk'),
             'profile': os.path.join(directory, 'wifi.mobileconfig'),
             'vpptoken': os.path.join(directory, 'reliability.vpptoken'),
             'simplemdm_push_pem': os.path.join(targets, 'simplemdm_push_certificate', 'files', 'apns-2035.pem'),
             'esper_csv': os.path.join(targets, 'esper_seamless_provisioning', 'files', 'devices.csv')}
    subprocess.check_call([sys.executable, os.path.join(targets, 'simplemdm_app', 'files', 'make_binary.py'),
                           files['ipa'], 'com.mdmkit.test.reliability', '1.0', 'Reliability'])
    subprocess.check_call([sys.executable, os.path.join(targets, 'esper_app', 'files', 'make_package.py'),
                           'apk', files['apk'], 'com.example.reliability', '7', '0.7'])
    subprocess.check_call([sys.executable, os.path.join(targets, 'micromdm_push_certificate', 'files',
                                                        'make_pushcert.py'), directory])
    with open(os.path.join(directory, 'push.pem')) as handle:
        files['push_certificate'] = handle.read()
    with open(os.path.join(directory, 'push.key')) as handle:
        files['push_key'] = handle.read()
    with open(files['profile'], 'w') as handle:
        handle.write(PROFILE % sentinels['profile_password'])
    with open(files['vpptoken'], 'wb') as handle:
        handle.write(base64.b64encode(json.dumps({'token': sentinels['vpp_token'], 'expDate': '2035-01-01T00:00:00+0000',
                                                  'orgName': 'Reliability Org'}).encode()))
    return files


def module_names():
    modules = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))), 'plugins', 'modules')
    return sorted(name[:-3] for name in os.listdir(modules) if name.endswith('.py') and not name.startswith('_'))


def test_every_module_has_a_row(tmp_path):
    rows = module_rows(dict((k, 'x') for k in SENTINEL_NAMES), dict.fromkeys(FILE_KEYS, 'x'))
    covered = sorted(set(row[0] for vendor_rows in rows.values() for row in vendor_rows))
    assert covered == module_names(), 'modules without a row: %s; rows without a module: %s' % (
        sorted(set(module_names()) - set(covered)), sorted(set(covered) - set(module_names())))
    for vendor, vendor_rows in rows.items():
        assert all(row[0].startswith(vendor + '_') for row in vendor_rows), vendor


SENTINEL_NAMES = ('simplemdm_api_key', 'esper_api_key', 'micromdm_api_key', 'admin_password', 'lock_pin',
                  'esper_lockscreen_password', 'esper_wifi_password', 'profile_password', 'attribute_secret',
                  'managed_config_secret', 'vpp_token')
FILE_KEYS = ('dir', 'ipa', 'apk', 'profile', 'vpptoken', 'simplemdm_push_pem', 'esper_csv', 'push_certificate',
             'push_key')


def row_tasks(rows):
    """Tasks of rows, registered as <module>_<n>; and [(name, expect)]."""
    tasks, names, counts = [], [], {}
    for module, arguments, expect, extra in rows:
        name = '%s_%d' % (module, counts.get(module, 0))
        counts[module] = counts.get(module, 0) + 1
        names.append((name, expect))
        tasks.append(dict(extra, register=name, **{'mdmkit.mdm.' + module: arguments}))
    return tasks, names


def check_rows(run, names):
    """Every module ran and did what its row says (a test that ran nothing would prove nothing)."""
    assert run.rc == 0 and run.results, run
    wrong = {}
    for name, expect in names:
        result = run.results.get(name) or {}
        crashed = 'MODULE FAILURE' in str(result.get('msg')) or 'module_stderr' in result
        if crashed or not result or bool(result.get('failed')) != (expect == FAILS):
            wrong[name] = result.get('msg', result)
    assert not wrong, 'tasks that did not do what their row says: %s' % json.dumps(wrong, default=str)[:6000]


@pytest.mark.parametrize('vendor', VENDORS)
def test_no_secret_in_module_output(rel, sentinel_sim, ansible, tmp_path, vendor):
    token_dir = str(tmp_path / 'tokens')
    files = write_files(str(tmp_path), rel.SENTINELS)
    defaults = {'group/mdmkit.mdm.%s' % vendor: sentinel_sim.connection(vendor, key_text=True)}
    if vendor == 'abm':
        defaults['group/mdmkit.mdm.abm'].update(token_cache=True, token_cache_dir=token_dir)
    rows = module_rows(rel.SENTINELS, files)[vendor]
    tasks, names = row_tasks(rows)
    if os.environ.get('MDMKIT_RELIABILITY_PROVE_LEAK'):
        tasks.append({'ansible.builtin.debug': {'msg': 'leak: %s' % rel.SENTINELS['admin_password']}})
    play_vars = {'simplemdm_url': sentinel_sim.config['simplemdm_base_url'],
                 'nanomdm_url': sentinel_sim.config['url'] + '/nanomdm'}
    args = ['-vvvv', '--diff']
    run = ansible.playbook(setup_tasks(vendor) + tasks, module_defaults=defaults, play_vars=play_vars, args=args)
    check_rows(run, names)
    results = run.results

    # the secrets did reach the simulator (so they were really used)
    entries = sentinel_sim.sim.requests(vendor=vendor)
    if vendor == 'simplemdm':
        lock = [e for e in entries if e['method'] == 'POST' and e['path'].endswith('/lock')]
        assert lock and 'pin=%s' % rel.SENTINELS['lock_pin'] in lock[-1]['body_excerpt'], lock
        for name in ('attribute_secret', 'managed_config_secret'):
            assert [e for e in entries if rel.SENTINELS[name] in e['body_excerpt']], name
    if vendor == 'abm':
        assert os.path.exists(os.path.join(token_dir, 'abm-tokens.json'))

    values = sentinel_values(rel, sentinel_sim, [token_dir] if vendor == 'abm' else [])
    if vendor == 'abm':
        assert any(name.startswith('abm_access_token') for name in values)
    for index, line in enumerate(files['push_key'].splitlines()):
        if len(line) >= 40 and not line.startswith('-----'):
            values['push_private_key_line_%d' % index] = line
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
