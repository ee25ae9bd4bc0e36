"""Apple Business Manager records: MDM servers and org devices (pool serials 0..N-1).

Records are stored in wire shape (`type`, `id`, `attributes`) plus simulator-only keys that
start with "_" and are never sent: `_server` (the assigned MDM server id, or None) and
`_locked` (true: assignment activities fail for this device).  `links`, `relationships` and
`attributes.status` are added when a record is sent.
"""

from .fixtures import SALT_ABM, below, iso_z, later, mix, moment, rng

# name, share of the fleet assigned to it (percent); the rest is unassigned
MDM_SERVERS = (("SimpleMDM", 40), ("Esper", 20), ("MicroMDM", 20), ("Staging", 5))
LOCKED_EVERY, LOCKED_AT = 83, 41  # devices 41, 124, 207, ... are locked
PURCHASE_SOURCES = (("APPLE", 55), ("RESELLER", 40), ("MANUALLY_ADDED", 5))


def mdm_servers(fleet):
    servers = []
    for number, (name, _share) in enumerate(MDM_SERVERS):
        r = rng(fleet.seed, SALT_ABM, -1, number)
        created = moment(r, 0, 400)
        servers.append({
            "type": "mdmServers",
            "id": "%016X%016X" % (mix(fleet.seed, SALT_ABM, number, 1), mix(fleet.seed, SALT_ABM, number, 2)),
            "attributes": {
                "serverName": name,
                "serverType": "MDM",
                "createdDateTime": iso_z(created),
                "updatedDateTime": iso_z(later(r, created, 30)),
            },
        })
    return servers


def default_server_number(fleet, index):
    """Which MDM_SERVERS entry device `index` is assigned to as generated, or None."""
    bucket = mix(fleet.seed, SALT_ABM, index) % 100
    threshold = 0
    for number, (_name, share) in enumerate(MDM_SERVERS):
        threshold += share
        if bucket < threshold:
            return number
    return None


def is_locked(index):
    return index % LOCKED_EVERY == LOCKED_AT


def org_device(fleet, server_ids, index):
    hardware = fleet.apple_hardware(index)
    r = rng(fleet.seed, SALT_ABM, index)
    ordered = moment(r, 0, 1300)
    added = later(r, ordered, 20)
    source = r.choices(*zip(*PURCHASE_SOURCES))[0]
    number = default_server_number(fleet, index)
    attributes = {
        "serialNumber": hardware.serial,
        "addedToOrgDateTime": iso_z(added),
        "updatedDateTime": iso_z(later(r, added, 60)),
        "deviceModel": hardware.device_model,
        "productFamily": hardware.family,
        "productType": hardware.product_type,
        "deviceCapacity": hardware.capacity,
        "partNumber": hardware.part_number,
        "orderNumber": "" if source == "MANUALLY_ADDED" else "W%09d" % below(r, 10 ** 9),
        "color": hardware.color,
        "orderDateTime": iso_z(ordered),
        "imei": [hardware.imei] if hardware.imei else [],
        "meid": [hardware.meid] if hardware.meid else [],
        "eid": hardware.eid or "",
        "wifiMacAddress": hardware.wifi_mac.upper(),
        "bluetoothMacAddress": hardware.bluetooth_mac.upper(),
        "purchaseSourceId": {"APPLE": "%07d" % below(r, 10 ** 7), "RESELLER": "%06X" % r.getrandbits(24)}
        .get(source, ""),
        "purchaseSourceType": source,
        # Apple Business API 2.3 / School 1.6; mdmMigrationStatus and mdmMigrationDeadlineDateTime
        # appear once a migration is requested (see abm.py).
        "isMdmMigrationCapable": True,
    }
    return {"type": "orgDevices", "id": hardware.serial, "attributes": attributes,
            "_server": None if number is None else server_ids[number], "_locked": is_locked(index)}
