"""MicroMDM records: N devices sharing the ABM serials (every 61st one has an empty serial).

The 2016 `/management/v1` reference documents no body; the shape follows MicroMDM's device
model in snake_case (see micromdm.py for the response format).
"""

from .fixtures import SALT_MICROMDM, later, mix, moment, pick, rng, uuid_from

EMPTY_SERIAL_EVERY = 61  # devices 30, 91, 152, ... enrolled before reporting a serial
DEP_PROFILE_STATUSES = ("assigned", "pushed", "removed", "empty")


def device_uuid(fleet, index):
    return uuid_from(fleet.seed, SALT_MICROMDM, index)


def device(fleet, index):
    hw = fleet.apple_hardware(index)
    r = rng(fleet.seed, SALT_MICROMDM, index)
    missing_serial = index % EMPTY_SERIAL_EVERY == EMPTY_SERIAL_EVERY // 2
    enrolled = not missing_serial and r.random() < 0.95
    dep_status = pick(r, DEP_PROFILE_STATUSES)
    seen = later(r, moment(r, 300, 1000), 60)
    return {
        "uuid": device_uuid(fleet, index),
        "udid": hw.udid,
        "serial_number": "" if missing_serial else hw.serial,
        "product_name": hw.product_type,
        "model": hw.model_number,
        "model_name": hw.device_model,
        "device_name": "%s's %s" % (fleet.owner_name(SALT_MICROMDM, index), hw.family),
        "os_version": hw.os_version,
        "build_version": hw.build_version,
        "imei": hw.imei or "",
        "meid": hw.meid or "",
        "color": hw.color,
        "workflow_uuid": uuid_from(fleet.seed, SALT_MICROMDM, -1, mix(index) % 3) if r.random() < 0.4 else "",
        "dep_device": dep_status != "empty",
        "dep_profile_status": dep_status,
        "dep_profile_uuid": uuid_from(fleet.seed, SALT_MICROMDM, -2).upper() if dep_status != "empty" else "",
        "enrolled": enrolled,
        "awaiting_configuration": not enrolled,
        "last_seen": seen.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
