"""Esper records: devices (about 30% Apple sharing ABM serials, the rest Android) and groups.

Esper documents no device shape for the v0 API, so the simulator uses the fields its public
SDK shows: `id`, `device_name`, `alias_name`, `state`/`status` (integers), `platform`, `os`,
`groups` (group ids), `hardwareInfo` (`serialNumber`, `manufacturer`, `brand`, `model`),
`softwareInfo` (`androidVersion` or `osVersion`), `networkInfo`, ..., plus a top-level `serial`
(the `serial` filter matches it).  States: 1 active, 20 inactive, 30 provisioning;
status: 1 online, 60 offline.

The reference filters the device list by blueprint, battery level and active connection but shows
no record; the fields those filters read follow the shape public Esper clients use:
`blueprint_info` {`assigned_blueprint_id`, `current_blueprint_id`, `current_blueprint_version_id`},
`battery_stats` {`battery_level`}, `network_stats` {`current_active_connection`}.  Blueprints are
a fixed set (`blueprints`); a device's current blueprint is its assigned one, and its current
version the blueprint's latest unless the device lags one version behind.
"""

from .fixtures import SALT_ESPER, base_n, below, later, mac_address, mix, moment, pick, rng, uuid_from

GROUPS = ("Kiosks", "Handhelds", "Corporate iOS")
BLUEPRINTS = ("Kiosk Android", "Warehouse Handheld", "Corporate iPhone")
CONNECTIONS = ("WIFI", "CELLULAR", "ETHERNET")
ANDROID_MODELS = (  # manufacturer, brand, model, serial prefix
    ("samsung", "samsung", "SM-T510", "R52"), ("samsung", "samsung", "SM-G991U", "R5C"),
    ("Zebra Technologies", "Zebra", "TC52", "21"), ("LENOVO", "Lenovo", "TB-X606F", "HA"),
    ("Google", "google", "Pixel 7", "2B"),
)
ANDROID_RELEASES = (("10", 29), ("11", 30), ("12", 31), ("13", 33), ("14", 34))
STATES = ((1, 85), (20, 10), (30, 5))


def stamp(when):
    """Esper style: 2024-03-12T10:22:33.123000Z"""
    return when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def group_ids(fleet):
    return [uuid_from(fleet.seed, SALT_ESPER, -1, number) for number in range(len(GROUPS))]


def groups(fleet):
    return [{"id": gid, "name": name} for gid, name in zip(group_ids(fleet), GROUPS)]


def blueprint_ids(fleet):
    return [uuid_from(fleet.seed, SALT_ESPER, -2, number) for number in range(len(BLUEPRINTS))]


def blueprint_version_id(fleet, number, version):
    return uuid_from(fleet.seed, SALT_ESPER, -3, number, version)


def blueprints(fleet):
    """{id, name, latest_version_id, previous_version_id} of each blueprint."""
    return [{"id": bid, "name": name, "latest_version_id": blueprint_version_id(fleet, number, 2),
             "previous_version_id": blueprint_version_id(fleet, number, 1)}
            for number, (bid, name) in enumerate(zip(blueprint_ids(fleet), BLUEPRINTS))]


def blueprint_info(fleet, index):
    """Most devices follow a blueprint; a few have none (None ids)."""
    h = mix(fleet.seed, SALT_ESPER, index, 7)
    if h % 10 == 0:
        return {"assigned_blueprint_id": None, "current_blueprint_id": None, "current_blueprint_version_id": None}
    number = (h >> 4) % len(BLUEPRINTS)
    version = 1 if (h >> 8) % 5 == 0 else 2
    return {"assigned_blueprint_id": blueprint_ids(fleet)[number], "current_blueprint_id": blueprint_ids(fleet)[number],
            "current_blueprint_version_id": blueprint_version_id(fleet, number, version)}


def device_id(fleet, index):
    return uuid_from(fleet.seed, SALT_ESPER, index)


def is_apple(fleet, index):
    """Esper manages iPhones and iPads, so only those pool serials can be Esper Apple devices."""
    return mix(fleet.seed, SALT_ESPER, index) % 2 == 0 and fleet.apple_hardware(index).family in ("iPhone", "iPad")


def device(fleet, index):
    r = rng(fleet.seed, SALT_ESPER, index)
    provisioned = moment(r, 100, 1200)
    seen = later(r, provisioned, 120)
    state = r.choices(*zip(*STATES))[0]
    group_number = mix(fleet.seed, SALT_ESPER, index, 3) % len(GROUPS)
    name = "ESR-%s-%s" % (base_n(mix(fleet.seed, SALT_ESPER, index, 4), 3), base_n(index, 4))
    record = {
        "id": device_id(fleet, index), "device_name": name,
        "alias_name": "Device %d" % (index + 1) if r.random() < 0.6 else None,
        "state": state, "status": 1 if state == 1 and r.random() < 0.7 else 60,
        "groups": [group_ids(fleet)[group_number]], "tags": [],
        "provisioned_on": stamp(provisioned), "created_on": stamp(provisioned),
        "updated_on": stamp(seen), "last_seen": stamp(seen), "is_active": state == 1,
        # from mix(), not r: drawing from r would change every value generated after them
        "blueprint_info": blueprint_info(fleet, index),
        "battery_stats": {"battery_level": 5 + mix(fleet.seed, SALT_ESPER, index, 8) % 96},
        "network_stats": {"current_active_connection": CONNECTIONS[mix(fleet.seed, SALT_ESPER, index, 9) % 3]},
    }
    if is_apple(fleet, index):
        hw = fleet.apple_hardware(index)
        record.update({
            "serial": hw.serial, "udid": hw.udid, "platform": "APPLE", "os": hw.os_name, "is_gms": False,
            "device_source": "ABM", "api_level": None,
            "hardwareInfo": {"serialNumber": hw.serial, "manufacturer": "Apple", "brand": "Apple",
                             "model": hw.device_model, "productType": hw.product_type},
            "softwareInfo": {"osVersion": hw.os_version, "buildNumber": hw.build_version},
            "networkInfo": {"imei1": hw.imei, "wifiMacAddress": hw.wifi_mac},
        })
        return record
    manufacturer, brand, model, prefix = ANDROID_MODELS[mix(fleet.seed, SALT_ESPER, index, 5) % len(ANDROID_MODELS)]
    android, api_level = pick(r, ANDROID_RELEASES)
    serial = prefix + base_n(mix(fleet.seed, SALT_ESPER, index, 6), 4) + base_n(index, 5)
    imei1 = "35%013d" % (r.getrandbits(48) % 10 ** 13) if brand == "samsung" and "G" in model else None
    record.update({
        "serial": serial, "udid": None, "platform": "ANDROID", "os": "Android", "is_gms": brand != "Zebra",
        "device_source": "NON_ABM", "api_level": api_level,
        "hardwareInfo": {"serialNumber": serial, "manufacturer": manufacturer, "brand": brand, "model": model},
        "softwareInfo": {"androidVersion": android, "osVersion": android,
                         "buildNumber": "%s.%06d" % (model, below(r, 10 ** 6)),
                         "esperClientVersion": "7.%d.%d" % (below(r, 3), below(r, 10))},
        "networkInfo": {"imei1": imei1, "wifiMacAddress": mac_address(r)},
    })
    return record
