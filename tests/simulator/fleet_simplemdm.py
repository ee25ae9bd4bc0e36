"""SimpleMDM records: devices (ids 101..100+N), device groups, custom attributes and the
per-device profiles, installed apps and users.

Devices are stored in wire shape with every attribute of the reference's device sample;
`relationships.custom_attribute_values` holds the values set on the device or its group as
{"secret", "value", "source"} (account defaults are merged in when sent, secrets blanked).
"""

from datetime import timedelta, timezone

from .fixtures import CARRIERS, SALT_SIMPLEMDM, below, later, mix, moment, pick, rng

FIRST_DEVICE_ID = 101
AWAITING_EVERY = 50  # every 50th device (index 49, 99, ...) is awaiting enrollment
DEVICE_GROUPS = ((37, "Retail"), (38, "Office"), (39, "Warehouse"))
CUSTOM_ATTRIBUTES = (("asset_tag", ""), ("department", "unassigned"), ("site_code", "HQ"), ("wifi_psk", ""))
SECRET_ATTRIBUTES = frozenset({"wifi_psk"})
PACIFIC = timezone(timedelta(hours=-7))
PROFILES = ((13, "Disable AFP", "com.unwiredmdm.aabc717175a3467b93af177aa5f1992b"),
            (14, "Office Wi-Fi", "com.unwiredmdm.2f0e8d1c6b7a4e3f9d5c1b0a8e7f6d5c"),
            (15, "Restrictions", "com.unwiredmdm.9c8b7a6f5e4d4c3b2a1f0e9d8c7b6a5f"))
APPS = (("1Password", "com.agilebits.onepassword-ios", "601004", "6.0.1", True),
        ("Slack", "com.tinyspeck.chatlyio", "240512", "24.05.10", True),
        ("Microsoft Outlook", "com.microsoft.Office.Outlook", "4.2419.0", "4.2419.0", True),
        ("Airbnb", "com.airbnb.app", "485", "15.39", False),
        ("Zoom", "us.zoom.videomeetings", "6.0.11", "6.0.11", False),
        ("Google Chrome", "com.google.chrome.ios", "125.0", "125.0.6422.80", False))


def device_id(index):
    return FIRST_DEVICE_ID + index


def is_awaiting(index):
    return index % AWAITING_EVERY == AWAITING_EVERY - 1


def pool_index(fleet, index):
    """The Apple serial pool index of device `index` (None while awaiting enrollment)."""
    if is_awaiting(index):
        return None
    return index if mix(fleet.seed, SALT_SIMPLEMDM, index) % 10 else fleet.size + index


def group_id(fleet, index):
    return DEVICE_GROUPS[mix(fleet.seed, SALT_SIMPLEMDM, index, 3) % len(DEVICE_GROUPS)][0]


def stamp(when):
    """SimpleMDM style: 2022-07-13T16:00:54.000-07:00"""
    return when.astimezone(PACIFIC).isoformat(timespec="milliseconds")


def short_model(hardware):
    return {"Mac": " ".join(hardware.device_model.split()[:2]), "AppleTV": "Apple TV"}.get(
        hardware.family, hardware.family)


def device(fleet, index):
    group = group_id(fleet, index)
    record = {"type": "device", "id": device_id(index), "attributes": {},
              "relationships": {"device_group": {"data": {"type": "device_group", "id": group}},
                                "custom_attribute_values": {"data": []}}}
    owner = fleet.owner_name(SALT_SIMPLEMDM, index)
    pool = pool_index(fleet, index)
    if pool is None:
        record["attributes"] = awaiting_attributes(fleet, index, "%s's iPad" % owner)
        return record
    hw = fleet.apple_hardware(pool)
    r = rng(fleet.seed, SALT_SIMPLEMDM, index)
    name = "%s's %s" % (owner, short_model(hw))
    enrolled = moment(r, 200, 1100)
    seen = later(r, enrolled, 90)
    carrier, mcc, mnc = pick(r, CARRIERS)
    cellular = hw.cellular
    is_mac = hw.family == "Mac"
    dep = pool < fleet.size and r.random() < 0.8
    free = round(hw.capacity_gb * r.uniform(0.2, 0.9), 2)
    record["attributes"] = {
        "name": name, "last_seen_at": stamp(seen), "last_seen_ip": "203.0.113.%d" % (1 + below(r, 254)),
        "enrolled_at": stamp(enrolled), "status": "enrolled",
        "enrollment_channels": ["device", "user"] if is_mac else ["device"],
        "device_name": name, "os_version": hw.os_version, "build_version": hw.build_version,
        "model_name": hw.device_model, "model": hw.model_number, "product_name": hw.product_type,
        "unique_identifier": hw.udid, "serial_number": hw.serial,
        "processor_architecture": "arm64" if is_mac else None,
        "imei": hw.imei, "meid": hw.meid, "device_capacity": hw.capacity_gb,
        "available_device_capacity": free, "battery_level": "%d%%" % (5 + below(r, 96)),
        "modem_firmware_version": "1.%02d.01" % below(r, 100) if cellular else None,
        "iccid": "8914 8110 %04d %04d %04d" % (below(r, 10000), below(r, 10000), below(r, 10000))
        if cellular else None,
        "bluetooth_mac": hw.bluetooth_mac, "ethernet_macs": [], "wifi_mac": hw.wifi_mac,
        "current_carrier_network": carrier if cellular else None, "sim_carrier_network": None,
        "subscriber_carrier_network": carrier if cellular else None,
        "carrier_settings_version": "60.0.%d" % below(r, 3) if cellular else None,
        "phone_number": "+1555%07d" % below(r, 10 ** 7) if hw.family == "iPhone" else None,
        "voice_roaming_enabled": cellular, "data_roaming_enabled": False if cellular else None,
        "is_roaming": False if cellular else None,
        "subscriber_mcc": mcc if cellular else None, "subscriber_mnc": mnc if cellular else None,
        "simmnc": None, "current_mcc": mcc if cellular else None, "current_mnc": mnc if cellular else None,
        "hardware_encryption_caps": 3, "passcode_present": r.random() < 0.9,
        "passcode_compliant": True, "passcode_compliant_with_profiles": r.random() < 0.95,
        "is_supervised": dep or r.random() < 0.5, "is_dep_enrollment": dep,
        "dep_enrolled": dep, "dep_assigned": dep,
        "is_user_approved_enrollment": True if is_mac else None,
        "is_device_locator_service_enabled": r.random() < 0.3, "is_do_not_disturb_in_effect": False,
        "personal_hotspot_enabled": False if cellular else None,
        "itunes_store_account_is_active": r.random() < 0.5, "cellular_technology": 3 if cellular else 0,
        "last_cloud_backup_date": None, "is_activation_lock_enabled": r.random() < 0.2,
        "is_cloud_backup_enabled": False, "filevault_enabled": is_mac and r.random() < 0.9,
        "filevault_recovery_key": None, "firmware_password_enabled": False,
        "recovery_lock_password_enabled": is_mac and r.random() < 0.5, "remote_desktop_enabled": False,
        "firmware_password": None, "recovery_lock_password": None,
        "managed_apple_id": "%s@example.org" % owner.lower() if r.random() < 0.3 else None,
        "firewall": {"enabled": True if is_mac else None, "block_all_incoming": False if is_mac else None,
                     "stealth_mode": False if is_mac else None},
        "system_integrity_protection_enabled": True if is_mac else None,
        "os_update": {key: None for key in (
            "automatic_os_installation_enabled", "automatic_app_installation_enabled",
            "automatic_check_enabled", "automatic_security_updates_enabled", "background_download_enabled",
            "catalog_url", "default_catalog", "perform_periodic_check", "previous_scan_date",
            "previous_scan_result")},
        "location_latitude": None, "location_longitude": None, "location_accuracy": None,
        "location_updated_at": None,
    }
    record["relationships"]["custom_attribute_values"]["data"] = [
        value("asset_tag", "AT-%06d" % index, "device"),
        value("department", dict(DEVICE_GROUPS)[group].lower(), "group"),
        value("wifi_psk", "%016x" % r.getrandbits(64), "device"),
    ]
    return record


def awaiting_attributes(fleet, index, name):
    """A device created but not enrolled yet: only its name is known (the reference's Create sample)."""
    return {"name": name, "last_seen_at": None, "last_seen_ip": None, "enrolled_at": None,
            "status": "awaiting enrollment",
            "enrollment_url": "https://a.simplemdm.com/e/?c=%08d" % (mix(fleet.seed, index) % 10 ** 8),
            "device_name": None, "os_version": None, "build_version": None, "model_name": "Unknown",
            "model": None, "product_name": None, "unique_identifier": None, "serial_number": None,
            "imei": None, "meid": None, "device_capacity": None, "available_device_capacity": None,
            "battery_level": None, "modem_firmware_version": None, "iccid": None, "bluetooth_mac": None,
            "wifi_mac": None, "current_carrier_network": None, "sim_carrier_network": None,
            "subscriber_carrier_network": None, "carrier_settings_version": None, "phone_number": None,
            "voice_roaming_enabled": None, "data_roaming_enabled": None, "is_roaming": None,
            "subscriber_mcc": None, "simmnc": None, "current_mcc": None, "current_mnc": None,
            "hardware_encryption_caps": None, "passcode_present": None, "passcode_compliant": None,
            "passcode_compliant_with_profiles": None, "is_supervised": None,
            "is_device_locator_service_enabled": None, "is_do_not_disturb_in_effect": None,
            "personal_hotspot_enabled": None, "itunes_store_account_is_active": None,
            "cellular_technology": None, "last_cloud_backup_date": None, "is_activation_lock_enabled": None,
            "is_cloud_backup_enabled": None, "location_latitude": None, "location_longitude": None,
            "location_accuracy": None, "location_updated_at": None}


def value(name, text, source):
    return {"type": "custom_attribute_value", "id": name,
            "attributes": {"value": text, "secret": name in SECRET_ATTRIBUTES, "source": source}}


def device_groups():
    return [{"type": "device_group", "id": gid, "attributes": {"name": name}} for gid, name in DEVICE_GROUPS]


def custom_attributes():
    return [{"type": "custom_attribute", "id": name, "attributes": {"name": name, "default_value": default}}
            for name, default in CUSTOM_ATTRIBUTES]


def profiles(fleet, index):
    picks = mix(fleet.seed, SALT_SIMPLEMDM, index, 11)
    return [{"type": "custom_configuration_profile", "id": pid,
             "attributes": {"name": name, "profile_identifier": ident, "user_scope": False,
                            "attribute_support": False}}
            for bit, (pid, name, ident) in enumerate(PROFILES) if picks >> bit & 1]


def installed_apps(fleet, index):
    r = rng(fleet.seed, SALT_SIMPLEMDM, index, 12)
    apps = []
    for number, (name, ident, version, short, managed) in enumerate(APPS):
        if number < 2 or r.random() < 0.5:
            discovered = moment(r, 300, 900)
            apps.append({"type": "installed_app", "id": 1000000 + index * len(APPS) + number,
                         "attributes": {"name": name, "identifier": ident, "version": version,
                                        "short_version": short, "bundle_size": 10 ** 7 + below(r, 29 * 10 ** 7),
                                        "dynamic_size": 10 ** 4 + below(r, 5 * 10 ** 7 - 10 ** 4), "managed": managed,
                                        "discovered_at": stamp(discovered),
                                        "last_seen_at": stamp(later(r, discovered, 200))}})
    return apps


def users(fleet, index, is_mac):
    """Local accounts; SimpleMDM lists them for macOS devices only."""
    if not is_mac:
        return []
    r = rng(fleet.seed, SALT_SIMPLEMDM, index, 13)
    owner = fleet.owner_name(SALT_SIMPLEMDM, index)
    accounts = [("admin", "Administrator", 501), (owner.lower(), owner, 502)]
    return [{"type": "device_user", "id": 5000000 + index * 2 + number,
             "attributes": {"username": username, "full_name": full, "uid": uid,
                            "user_guid": "%08X-%04X-%04X-%04X-%012X" % (
                                r.getrandbits(32), r.getrandbits(16), r.getrandbits(16), r.getrandbits(16),
                                r.getrandbits(48)),
                            "data_quota": None, "data_used": None, "data_to_sync": False,
                            "secure_token": True, "logged_in": number == 1, "mobile_account": False}}
            for number, (username, full, uid) in enumerate(accounts)]
