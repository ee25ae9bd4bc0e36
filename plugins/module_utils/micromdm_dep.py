# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""MicroMDM 1.x DEP helpers: Apple's device details and DEP (Automated Device Enrollment) profiles.

MicroMDM 1.x passes Apple's DEP API (mdmenrollment.apple.com) through (micromdm platform/dep,
pull requests #611 and #687; its dep client, dep/profile.go):

* ``POST v1/dep/devices {"serials"}``: ``{"devices": {serial: Apple's device details}}``.
* ``PUT v1/dep/profiles``, Apple's profile (``devices``: serials to assign it to): Apple's define
  answer ``{"profile_uuid", "devices": {serial: status}}``.
* ``POST v1/dep/profiles {"uuid"}``: the profile (Apple's Get a Profile), as MicroMDM re-encodes it.
* ``POST v1/dep/assign {"id", "serials"}``: ``{"profile_uuid", "devices": {serial: status}}``.
* ``DELETE v1/dep/profiles {"serials"}`` clears the serials' profile: ``{"serials": {serial: status}}``.

Apple's errors come back as HTTP 500 ``{"error": "define profile: unexpected dep response.
status=400 DEP API Error: CONFIG_URL_INVALID"}``.

Apple cannot list profiles or change one (mdmctl: "The DEP API does not support listing
profiles"). Each define makes a new profile with a new UUID; a profile is read back by its UUID
only, and a device's details name the UUID of the profile assigned to it. MicroMDM reads the
JSON into its ``dep.Profile`` struct: keys the struct lacks are dropped, and so are false booleans
and empty strings (``omitempty``), except ``is_mdm_removable`` and ``org_magic``, always sent.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii

from ansible.module_utils.six.moves.urllib.parse import urlsplit

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ApiError, AuthError, ConfigError

# Apple's skip keys for Setup Assistant panes (apple/device-management, other/skipkeys.yaml).
SKIP_SETUP_ITEMS = (
    'Accessibility', 'ActionButton', 'AdditionalPrivacySettings', 'Android', 'Appearance', 'AppleID',
    'AppStore', 'Biometric', 'CameraButton', 'DeviceToDeviceMigration', 'Diagnostics', 'DisplayTone',
    'EnableLockdownMode', 'FileVault', 'HomeButtonSensitivity', 'iCloudDiagnostics', 'iCloudStorage',
    'iMessageAndFaceTime', 'Intelligence', 'Keyboard', 'Location', 'MessagingActivationUsingPhoneNumber',
    'Multitasking', 'OnBoarding', 'OSShowcase', 'Passcode', 'Payment', 'Privacy', 'Restore',
    'RestoreCompleted', 'Safety', 'SafetyAndHandling', 'ScreenSaver', 'ScreenTime', 'SIMSetup', 'Siri',
    'SoftwareUpdate', 'SpokenLanguage', 'TapToSetup', 'TermsOfAddress', 'Tips', 'TOS', 'TVHomeScreenSync',
    'TVProviderSignIn', 'TVRoom', 'UnlockWithWatch', 'UpdateCompleted', 'Wallpaper', 'WatchMigration',
    'WebContentFiltering', 'Welcome', 'Zoom')

# The profile keys managed, each with Apple's default (what a profile without the key has).
PROFILE_BOOLEANS = {'is_supervised': False, 'is_mandatory': False, 'is_mdm_removable': True,
                    'is_multi_user': False, 'await_device_configured': False, 'auto_advance_setup': False}
PROFILE_STRINGS = ('profile_name', 'url', 'configuration_web_url', 'department', 'support_phone_number',
                   'support_email_address', 'org_magic', 'language', 'region')
PROFILE_LISTS = ('skip_setup_items', 'anchor_certs', 'supervising_host_certs')
PROFILE_KEYS = list(PROFILE_STRINGS) + sorted(PROFILE_BOOLEANS) + list(PROFILE_LISTS)
# Apple's longest values (Define a Profile: CONFIG_NAME_INVALID, DEPARTMENT_INVALID, ...).
MAX_LENGTHS = {'profile_name': 125, 'url': 2000, 'configuration_web_url': 2000, 'department': 125,
               'support_phone_number': 50, 'support_email_address': 250, 'org_magic': 256}
# profile_status values of a device that has a profile (Apple: empty, assigned, pushed, removed).
HAS_PROFILE = ('assigned', 'pushed')
ASSIGNED = 'SUCCESS'


def serial_numbers(values, option='serials'):
    """Serial numbers as given, stripped, duplicates dropped; a ConfigError naming ``option`` for
    an empty list or an empty serial."""
    serials = []
    for value in values or []:
        value = (value or '').strip()
        if not value or any(ord(c) < 33 for c in value):
            raise ConfigError('%s: %r is not a serial number (empty or with spaces); nothing was sent.'
                              % (option, value))
        if value not in serials:
            serials.append(value)
    if not serials:
        raise ConfigError('%s: must name at least one serial number; nothing was sent.' % option)
    return serials


def check_https_url(value, option):
    """A ConfigError naming ``option`` unless ``value`` is an https:// URL with a host."""
    parts = urlsplit(value or '')
    if parts.scheme != 'https' or not parts.hostname or any(c.isspace() for c in value):
        raise ConfigError('%s: %r is not an https:// URL with a host name (devices fetch their enrollment '
                          'profile from it over HTTPS); nothing was sent.' % (option, value))


def check_profile(profile):
    """Refuse what Apple would refuse (Define a Profile's 400 codes), naming the option."""
    for key, limit in MAX_LENGTHS.items():
        if len(profile.get(key) or '') > limit:
            raise ConfigError('%s: longer than the %d characters Apple accepts; nothing was sent.' % (key, limit))
    if not (profile.get('profile_name') or '').strip():
        raise ConfigError('profile_name: must not be empty; nothing was sent.')
    check_https_url(profile.get('url'), 'url')
    if profile.get('configuration_web_url'):
        check_https_url(profile['configuration_web_url'], 'configuration_web_url')
    if not profile['is_mdm_removable'] and not profile['is_supervised']:
        raise ConfigError('is_mdm_removable: can be false only with is_supervised true (Apple refuses it '
                          'otherwise: FLAGS_INVALID); nothing was sent.')
    for key in ('anchor_certs', 'supervising_host_certs'):
        for cert in profile.get(key) or []:
            try:
                der = base64.b64decode(cert, validate=True)
            except (binascii.Error, ValueError, TypeError):
                der = b''
            if der[:1] != b'\x30':  # a DER certificate is a SEQUENCE
                raise ConfigError('%s: %.20r... is not a base64 DER certificate; nothing was sent.' % (key, cert))


def profile_view(profile):
    """A DEP profile (as the options give it, or as MicroMDM returns it) with every managed key:
    a key MicroMDM left out has Apple's default; lists are sorted (their order means nothing)."""
    profile = profile or {}
    view = {}
    for key in PROFILE_STRINGS:
        view[key] = profile.get(key) or ''
    for key, default in PROFILE_BOOLEANS.items():
        value = profile.get(key)
        view[key] = default if value is None else bool(value)
    for key in PROFILE_LISTS:
        view[key] = sorted(profile.get(key) or [])
    return view


def profile_body(view, serials):
    """The JSON MicroMDM's ``dep.Profile`` reads: every boolean, the strings and lists that are set,
    and ``devices`` (the serials Apple assigns the new profile to)."""
    body = dict((key, view[key]) for key in PROFILE_BOOLEANS)
    body.update((key, view[key]) for key in PROFILE_STRINGS + PROFILE_LISTS if view[key])
    body['devices'] = list(serials)
    return body


def dep_records(answer):
    """Apple's device details (``{"devices": {serial: {...}}}``) as a list, each with its serial."""
    devices = (answer or {}).get('devices') if isinstance(answer, dict) else None
    if isinstance(devices, dict):
        return [dict(record, serial_number=record.get('serial_number') or serial)
                for serial, record in sorted(devices.items()) if isinstance(record, dict)]
    return list(devices or [])


def read_dep_devices(client, serials, option='serials'):
    """{serial: Apple's device details} for ``serials`` (one ``POST v1/dep/devices``); a ConfigError
    naming ``option`` when Apple does not give this server one of them (NOT_ACCESSIBLE)."""
    answer = client.read_post('v1/dep/devices', {'serials': list(serials)})
    records = dict((r.get('serial_number'), r) for r in dep_records(answer))
    missing = [s for s in serials if s not in records or records[s].get('response_status') not in (None, ASSIGNED)]
    if missing:
        why = sorted(set((records.get(s) or {}).get('response_status') or 'no record' for s in missing))
        raise ConfigError('%s: %s not in this MicroMDM server\'s DEP devices (%s): Apple Business Manager has not '
                          'assigned %s to this server. Nothing was sent.'
                          % (option, ', '.join(missing), ', '.join(why), 'it' if len(missing) == 1 else 'them'))
    return records


def assigned_profile(record):
    """The UUID of the DEP profile assigned to a device (its details), or None."""
    if (record.get('profile_status') or '').lower() in HAS_PROFILE and record.get('profile_uuid'):
        return record['profile_uuid']
    return None


def same_uuid(a, b):
    return (a or '').lower() == (b or '').lower()


def fetch_profile(client, profile_uuid, option='profile_uuid'):
    """The profile ``profile_uuid`` as MicroMDM returns it; Apple's refusal (MicroMDM's HTTP 500) is a
    ConfigError naming ``option``."""
    try:
        answer = client.read_post('v1/dep/profiles', {'uuid': profile_uuid})
    except AuthError:
        raise
    except ApiError as exc:
        raise ConfigError('%s: MicroMDM could not read DEP profile %s from Apple: %s' % (option, profile_uuid, exc.msg))
    return answer if isinstance(answer, dict) else {}


def define_profile(client, view, serials):
    """Define a new profile (assigned to ``serials``); Apple's answer ``{profile_uuid, devices}``.
    Never resent: each define makes another profile."""
    return client.put('v1/dep/profiles', json_body=profile_body(view, serials), resend=False) or {}


def assign_profile(client, profile_uuid, serials):
    """Assign an existing profile to ``serials`` (``POST v1/dep/assign``); Apple's answer."""
    return client.post('v1/dep/assign', json_body={'id': profile_uuid, 'serials': list(serials)}) or {}


def remove_profile(client, serials):
    """Clear the profile of ``serials`` (``DELETE v1/dep/profiles``): {serial: status}."""
    answer = client.delete('v1/dep/profiles', json_body={'serials': list(serials)}) or {}
    return answer.get('serials') or {}


def statuses(answer, serials):
    """{serial: Apple's status} for ``serials`` from a define or assign answer."""
    devices = (answer or {}).get('devices') or {}
    return dict((s, devices.get(s) or 'NO_ANSWER') for s in serials)
