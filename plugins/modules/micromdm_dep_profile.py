#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mdmkit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: micromdm_dep_profile
short_description: Define a DEP enrollment profile through MicroMDM 1.x and assign it to devices
version_added: 0.1.0
description:
  - Defines an Automated Device Enrollment (DEP) profile with Apple through MicroMDM 1.x and assigns it
    to serial numbers, or clears the profile of serial numbers.
  - Needs O(flavor=micromdm). MicroMDM passes Apple's DEP API through. The devices' DEP records are read
    with C(POST /v1/dep/devices), a profile with C(POST /v1/dep/profiles) (its UUID as C(uuid)). A profile
    is defined with C(PUT /v1/dep/profiles), which assigns it to the serials in its C(devices) too. An
    existing profile is assigned with C(POST /v1/dep/assign) (C(id), C(serials)). A profile is cleared
    with C(DELETE /v1/dep/profiles) (C(serials)).
  - How idempotence works. Apple keeps no list of profiles and never changes one. Each define makes a new
    profile with a new UUID. A profile can be read back only by its UUID, and each device's DEP record
    names the UUID of its profile. So the module reads the profiles the O(serials) have (or
    O(profile_uuid)) and compares them with the options. When one has the same settings, it is kept, and
    only the serials that lack it are assigned to it. Otherwise a new profile is defined and assigned to
    every serial. Its UUID is returned in RV(profile.profile_uuid).
  - The task describes the whole profile. An option not given has Apple's default (false, empty;
    O(is_mdm_removable) true), not the value of the profile defined before, because a profile can only
    be replaced, not changed.
  - Without O(serials) and O(profile_uuid) there is nothing to compare with, so the module refuses to run
    rather than define a new profile on every run.
  - O(serials) are checked against the DEP records before anything is written. A serial that Apple does
    not hold for this MicroMDM server (C(NOT_ACCESSIBLE)) fails the task, and nothing is sent.
  - Apple's answer gives a status per serial. The task fails, reporting RV(assignments), when a serial is
    not C(SUCCESS).
author:
  - mdmkit maintainers (@mdmkit)
extends_documentation_fragment:
  - mdmkit.mdm.micromdm
  - mdmkit.mdm.attributes
options:
  serials:
    description:
      - Serial numbers of DEP devices. With O(state=present), the devices to assign the profile to. With
        O(state=absent), the devices whose profile to clear.
      - Devices not listed are left alone. Apple cannot list the devices of a profile.
    type: list
    elements: str
  profile_uuid:
    description:
      - UUID of a profile defined before, for example RV(profile.profile_uuid) of an earlier run. With
        O(state=present), it is compared with the options instead of the profiles the O(serials) have. A
        new profile, with a new UUID, is defined when the settings differ. With O(state=absent), only the
        serials that have this profile are cleared.
    type: str
  profile_name:
    description:
      - Name of the profile, shown in Apple Business Manager (at most 125 characters).
      - Required with O(state=present).
    type: str
  url:
    description:
      - The MDM server's enrollment URL that devices fetch their enrollment profile from, for example
        C(https://mdm.example.com/mdm/enroll). Must be C(https://).
      - Required with O(state=present).
    type: str
  configuration_web_url:
    description: An https:// page shown in Setup Assistant to authenticate the user before enrollment.
    type: str
  is_supervised:
    description: Supervise the devices.
    type: bool
    default: false
  is_mandatory:
    description: The user cannot skip enrollment.
    type: bool
    default: false
  is_mdm_removable:
    description:
      - The user can remove the enrollment profile. False needs O(is_supervised=true) (Apple refuses it
        otherwise).
    type: bool
    default: true
  is_multi_user:
    description: Shared iPad.
    type: bool
    default: false
  await_device_configured:
    description: Setup Assistant waits until MicroMDM sends DeviceConfigured.
    type: bool
    default: false
  auto_advance_setup:
    description: Setup Assistant advances through its panes by itself (tvOS, macOS 11 and later).
    type: bool
    default: false
  skip_setup_items:
    description:
      - Setup Assistant panes to skip (Apple's skip keys). Compared as a set.
    type: list
    elements: str
    choices: [Accessibility, ActionButton, AdditionalPrivacySettings, Android, Appearance, AppleID, AppStore,
              Biometric, CameraButton, DeviceToDeviceMigration, Diagnostics, DisplayTone, EnableLockdownMode,
              FileVault, HomeButtonSensitivity, iCloudDiagnostics, iCloudStorage, iMessageAndFaceTime,
              Intelligence, Keyboard, Location, MessagingActivationUsingPhoneNumber, Multitasking, OnBoarding,
              OSShowcase, Passcode, Payment, Privacy, Restore, RestoreCompleted, Safety, SafetyAndHandling,
              ScreenSaver, ScreenTime, SIMSetup, Siri, SoftwareUpdate, SpokenLanguage, TapToSetup,
              TermsOfAddress, Tips, TOS, TVHomeScreenSync, TVProviderSignIn, TVRoom, UnlockWithWatch,
              UpdateCompleted, Wallpaper, WatchMigration, WebContentFiltering, Welcome, Zoom]
  department:
    description: Department or location shown in Setup Assistant (at most 125 characters).
    type: str
  support_phone_number:
    description: Support phone number shown in Setup Assistant (at most 50 characters).
    type: str
  support_email_address:
    description: Support email address shown in Setup Assistant (at most 250 characters).
    type: str
  org_magic:
    description: A string the MDM server can use to identify the organization (at most 256 characters).
    type: str
  language:
    description: Language for Setup Assistant (ISO 639-1 code, tvOS).
    type: str
  region:
    description: Region for Setup Assistant (ISO 3166-1 code, tvOS).
    type: str
  anchor_certs:
    description:
      - Base64 DER certificates the device trusts for the MDM server's TLS connection. Compared as a set.
    type: list
    elements: str
  supervising_host_certs:
    description: Base64 DER certificates of the hosts allowed to pair with a supervised device. Compared as a set.
    type: list
    elements: str
  state:
    description:
      - V(present) defines the profile when needed and assigns it to O(serials).
      - V(absent) clears the profile of O(serials) (only those that have O(profile_uuid), when given).
        The profile itself stays with Apple, which has no way to delete one. The profile options are not
        used.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Evidence for the API. For MicroMDM, its sources are C(platform/dep) and its C(dep) client, its pull
    requests 611 (assign) and 687 (clear), and C(mdmctl get dep-profiles), which says that the DEP API
    does not support listing profiles. For the profile keys, Apple's status codes and the skip keys,
    Apple's DEP documentation (Define a Profile, Get a Profile, Assign a Profile) and
    C(apple/device-management).
  - C(allow_pairing) is not offered. MicroMDM drops a false value (Go C(omitempty)), so Apple's default
    (true) always applies, and Apple deprecated it in iOS 13. MicroMDM also drops profile keys its
    C(dep.Profile) lacks, such as C(do_not_use_profile_from_backup).
  - The comparison relies on the profile Apple returns for a UUID. A key Apple did not return would look
    different on every run and make the module define a new profile each time.
  - Check mode reads the DEP records and profiles (C(POST) reads) and writes nothing.
'''

EXAMPLES = r'''
- name: Supervised, mandatory enrollment for two new Macs
  mdmkit.mdm.micromdm_dep_profile:
    flavor: micromdm
    profile_name: Example Corp
    url: https://mdm.example.com/mdm/enroll
    is_supervised: true
    is_mandatory: true
    is_mdm_removable: false
    await_device_configured: true
    skip_setup_items: [AppleID, Diagnostics, Siri, TOS, ScreenTime]
    support_email_address: it@example.com
    serials: [C02XK1JQJG5H, C02XK1JQJG5J]
  register: dep_profile

- name: Keep the UUID, to check the same profile without serials later
  ansible.builtin.debug:
    msg: "{{ dep_profile.profile.profile_uuid }}"

- name: Clear the DEP profile of a device leaving the fleet
  mdmkit.mdm.micromdm_dep_profile:
    flavor: micromdm
    serials: [C02XK1JQJG5H]
    state: absent
'''

RETURN = r'''
profile:
  description:
    - The profile after the task, with the O(serials) that have it. Null with O(state=absent).
    - In check mode, what it would be; RV(profile.profile_uuid) is then null when a new profile would be
      defined (Apple chooses the UUID).
  returned: always
  type: dict
  contains:
    profile_uuid:
      description: UUID of the profile (Apple's).
      type: str
      returned: success
      sample: 9F8A6C1E2B3D4E5F60718293A4B5C6D7
    devices:
      description: The O(serials) that have this profile, sorted.
      type: list
      elements: str
      returned: success
      sample: [C02XK1JQJG5H, C02XK1JQJG5J]
    profile_name:
      description: Name of the profile.
      type: str
      returned: success
      sample: Example Corp
    url:
      description: Enrollment URL.
      type: str
      returned: success
      sample: https://mdm.example.com/mdm/enroll
    is_supervised:
      description: Whether the devices are supervised. The other booleans of the options are returned too.
      type: bool
      returned: success
      sample: true
    skip_setup_items:
      description: Skipped Setup Assistant panes, sorted. So are C(anchor_certs) and C(supervising_host_certs).
      type: list
      elements: str
      returned: success
      sample: [AppleID, Diagnostics]
defined:
  description: Whether a new profile was defined (would be, in check mode).
  returned: always
  type: bool
  sample: true
assignments:
  description:
    - Apple's status per serial for the define, assign or clear this run sent (C(SUCCESS), C(NOT_ACCESSIBLE),
      C(FAILED)). Empty when nothing was sent.
  returned: always
  type: dict
  sample: {C02XK1JQJG5H: SUCCESS}
'''

from ansible_collections.mdmkit.mdm.plugins.module_utils.errors import ConfigError
from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm import check_flavor
from ansible_collections.mdmkit.mdm.plugins.module_utils.micromdm_dep import (
    ASSIGNED, PROFILE_BOOLEANS, PROFILE_KEYS, PROFILE_STRINGS, SKIP_SETUP_ITEMS, assign_profile,
    assigned_profile, check_profile, define_profile, fetch_profile, profile_view, read_dep_devices,
    remove_profile, same_uuid, serial_numbers, statuses)
from ansible_collections.mdmkit.mdm.plugins.module_utils.module import MdmModule
from ansible_collections.mdmkit.mdm.plugins.module_utils.state import Resource

PROFILE = Resource('profile', keys=PROFILE_KEYS + ['devices'])


def candidates(records, profile_uuid):
    """UUIDs of the profiles to compare with: ``profile_uuid``, else those the devices have, the most
    common first."""
    if profile_uuid:
        return [profile_uuid]
    counts = {}
    for record in records.values():
        found = assigned_profile(record)
        if found:
            key = next((k for k in counts if same_uuid(k, found)), found)
            counts[key] = counts.get(key, 0) + 1
    return sorted(counts, key=lambda k: -counts[k])


def main():
    spec = dict(
        serials=dict(type='list', elements='str'),
        profile_uuid=dict(type='str'),
        skip_setup_items=dict(type='list', elements='str', choices=list(SKIP_SETUP_ITEMS)),
        anchor_certs=dict(type='list', elements='str'),
        supervising_host_certs=dict(type='list', elements='str'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )
    spec.update((key, dict(type='str')) for key in PROFILE_STRINGS)
    spec.update((key, dict(type='bool', default=default)) for key, default in PROFILE_BOOLEANS.items())
    module = MdmModule('micromdm', argument_spec=spec, supports_check_mode=True,
                       required_if=[('state', 'present', ['profile_name', 'url']),
                                    ('state', 'absent', ['serials'])])
    params = module.params
    present = params['state'] == 'present'
    with module.errors():
        check_flavor(params['flavor'], ('micromdm',), 'micromdm_dep_profile (DEP profiles)')
        serials = serial_numbers(params['serials']) if params['serials'] is not None else []
        profile_uuid = (params['profile_uuid'] or '').strip() or None
        if params['profile_uuid'] is not None and not profile_uuid:
            raise ConfigError('profile_uuid: must not be empty; nothing was sent.')
        desired = profile_view(dict((k, params[k]) for k in PROFILE_KEYS))
        if present:
            check_profile(desired)
            if not serials and not profile_uuid:
                raise ConfigError('serials: give the serial numbers to assign the profile to, or profile_uuid: '
                                  'without either there is no profile to compare with, and a new one would be '
                                  'defined on every run. Nothing was sent.')
    client = module.client
    sent = {}

    def finish(view, answer, serials_sent):
        """The view after a write; fail, reporting Apple's statuses, when a serial was not assigned."""
        sent.update(answer)
        refused = sorted(s for s in serials_sent if answer.get(s) != ASSIGNED)
        if refused:
            module.fail_json(msg='serials: Apple did not assign DEP profile %s to %s.%s'
                             % (view.get('profile_uuid'), ', '.join('%s (%s)' % (s, answer.get(s)) for s in refused),
                                ' The profile was defined all the same.' if defined else ''),
                             changed=True, profile=view, defined=defined, assignments=sent)
        return view

    with module.errors():
        records = read_dep_devices(client, serials) if serials else {}
        current = None
        for uuid in candidates(records, profile_uuid) if present else []:
            view = profile_view(fetch_profile(client, uuid))
            view['profile_uuid'] = uuid
            view['devices'] = sorted(s for s, r in records.items() if same_uuid(assigned_profile(r), uuid))
            if not PROFILE.changes(view, desired):  # a profile with these settings: keep it
                current = view
                break
            current = current or view  # else the diff compares with the most common one

        if not present:
            carrying = sorted(s for s, r in records.items() if assigned_profile(r) and (
                profile_uuid is None or same_uuid(assigned_profile(r), profile_uuid)))
            current = {'profile_uuid': profile_uuid, 'devices': carrying} if carrying else None
        else:
            desired['devices'] = sorted(serials) if serials else (current or {}).get('devices', [])
        defined = present and (current is None or bool(set(PROFILE.changes(current, desired)) - {'devices'}))

        def define(view):
            answer = define_profile(client, view, serials)
            new = dict(view, profile_uuid=answer.get('profile_uuid'),
                       devices=sorted(s for s in serials if (answer.get('devices') or {}).get(s) == ASSIGNED))
            return finish(new, statuses(answer, serials), serials)

        def update(changes, current):
            if defined:
                return define(dict(current, **changes))
            missing = sorted(set(serials) - set(current['devices']))
            answer = assign_profile(client, current['profile_uuid'], missing)
            assigned = [s for s in missing if (answer.get('devices') or {}).get(s) == ASSIGNED]
            return finish(dict(current, devices=sorted(current['devices'] + assigned)),
                          statuses(answer, missing), missing)

        def delete(current):
            answer = remove_profile(client, current['devices'])
            sent.update((s, answer.get(s) or 'NO_ANSWER') for s in current['devices'])
            refused = sorted(s for s in current['devices'] if sent[s] != ASSIGNED)
            if refused:
                module.fail_json(msg='serials: Apple did not clear the DEP profile of %s.'
                                 % ', '.join('%s (%s)' % (s, sent[s]) for s in refused),
                                 changed=True, profile=current, defined=False, assignments=sent)

        result = PROFILE.ensure(module, current, desired, create=define, update=update, delete=delete,
                                state=params['state'])
    if defined and module.check_mode:
        result['profile']['profile_uuid'] = None  # Apple chooses the UUID of a new profile
    module.exit_json(defined=defined, assignments=sent, **result)


if __name__ == '__main__':
    main()
