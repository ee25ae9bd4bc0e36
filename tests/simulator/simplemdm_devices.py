"""SimpleMDM device writes and fleet operations (reference sections Devices, Device Groups,
Enrollments, Installed Apps, Lost Mode, DEP Servers, Logs), on the `vendor` of simplemdm.py.

Writes change the simulator's state and later reads show it:
  POST /devices (name, group_id) creates a device "awaiting enrollment" with an enrollment_url;
  PATCH /devices/{id} (name, device_name); DELETE /devices/{id} removes it (204).
  POST /device_groups/{gid}/devices/{id} moves a device (202, no body); POST .../clone (201).
  Device commands answer 202 without a body (set_time_zone 204), as the reference shows.  The
  reference's conditions are enforced: lock of a macOS device needs a 6-digit pin (422),
  update_os of a macOS device needs os_update_mode (422), set_admin_password needs new_password,
  set_time_zone needs time_zone, delete_user answers 422 for devices other than supervised Macs.
  A refresh of a device refreshed in the last REFRESH_WINDOW seconds answers 429 ("may return an
  HTTP 429 Too Many Requests if the API deems the frequency of requests to be excessive").
  remote_desktop POST/DELETE set the device's remote_desktop_enabled; unenroll and wipe set its
  status to "unenrolled".  Lost mode is kept per device (the device object does not show it:
  the reference has no such attribute), visible at GET /_sim/simplemdm/lost_mode.
  Installed apps: request_management makes the app managed; update needs a managed app (422
  otherwise); DELETE uninstalls a managed app (202) and refuses an unmanaged one (422).  The
  device's installed-app list shows these changes.
  Enrollments: the reference's four samples (ids 2, 3, 4, 7).  Retrieve one answers the bare object, without a "data" wrapper, exactly as
  the reference sample shows.  Invitations answer 200 without a body; Account Driven enrollments
  (url null) refuse them with 422.
  DEP servers: the reference's two servers; DEP devices are the fleet's DEP-assigned devices
  (first 40 on server 1, the rest of the first 100 devices on server 2); sync answers 202 and
  updates last_synced_at.
  Logs: generated per device plus admin sign-ins, newest ids last; every command sent through
  this file adds a log entry for its device.  serial_number filters them.
"""

import time
from datetime import datetime, timezone

from . import fleet_simplemdm as generated
from .fixtures import SALT_SIMPLEMDM, mix, moment, rng
from .server import HTTPError, empty_response, json_response
from .simplemdm import find_device, int_id, is_awaiting, is_mac, one, paginate, present_device, vendor

REFRESH_WINDOW = 30.0
FIRST_CREATED_ID = 980190963
PIN_LENGTH = 6
OS_UPDATE_MODES = ("smart_update", "download_only", "notify_only", "install_asap", "force_update")
VERSION_TYPES = ("latest_minor_version", "latest_major_version")
LOG_DEVICES = 60  # the first N devices get generated log entries
DEP_DEVICES_SCANNED = 100
DEP_SERVERS = (
    {"type": "dep_server", "id": 1, "attributes": {
        "server_name": "My DEP MDM Server", "organization_name": "SimpleMDM",
        "token_expires_at": "2023-02-03T10:57:07.000-08:00", "last_synced_at": "2022-02-05T06:00:05.000-08:00"}},
    {"type": "dep_server", "id": 2, "attributes": {
        "server_name": "Another MDM Server", "organization_name": "Acme Corp",
        "token_expires_at": "2023-02-03T10:57:07.000-08:00", "last_synced_at": "2022-02-05T06:00:05.000-08:00"}},
)
ENROLLMENT_SAMPLES = (
    (2, "https://a.simplemdm.com/enroll/?c=12345678", True, False, None),
    (3, None, True, False, None),
    (4, "https://a.simplemdm.com/enroll/?c=87654321", False, True, 2),
    (7, "https://a.simplemdm.com/enroll/?c=09876543", False, False, 4),
)


# ---- state kept by this file (attached to the SimpleMDM state object on first use) ----------

class DeviceOps:
    def __init__(self, state):
        self.state = state
        self.refreshed_at = {}  # device id -> time of the last accepted refresh
        self.lost_mode = {}  # device id -> {"message", "phone_number", "footnote"}
        self.app_changes = {}  # installed app id -> "managed" | "uninstalled"
        self.deleted_users = set()
        self.next_device_id = FIRST_CREATED_ID
        self.enrollments = None
        self.dep_synced = {}  # server id -> last_synced_at
        self.logs = []  # entries added by writes
        self.log_counter = 0
        self.clones = 0


def ops(request):
    state = request.state
    extra = getattr(state, "device_ops", None)
    if extra is None or extra.state is not state:
        extra = state.device_ops = DeviceOps(state)
    return extra


def now_stamp():
    return generated.stamp(datetime.now(timezone.utc))


def add_log(request, device, event_type, metadata=None):
    extra = ops(request)
    extra.log_counter += 1
    entry_id = "f%031x" % extra.log_counter  # after every generated id
    extra.logs.append({"type": "log", "id": entry_id, "attributes": {
        "namespace": "device", "event_type": event_type, "level": "info", "source": "api",
        "at": datetime.now(timezone.utc).strftime("%m/%d/%y %H:%M:%S"), "metadata": metadata or {},
        "relationships": {
            "account": {"data": {"type": "account", "id": 1, "api_key": "Simulator"}},
            "device": {"data": {"type": "device",
                                "serial_number": device["attributes"].get("serial_number"),
                                "udid": device["attributes"].get("unique_identifier")}}}}})


def group_or_422(request, raw):
    try:
        group_id = int(raw)
    except (TypeError, ValueError):
        raise HTTPError(422, "group_id is invalid")
    if request.state.device_groups.get(group_id) is None:
        raise HTTPError(422, "device group not found")
    return group_id


# ---- devices ----------------------------------------------------------------------------------

@vendor.post("/devices")
def create_device(request):
    form = request.form()
    name = str(form.get("name") or "").strip()
    if not name:
        raise HTTPError(422, "name can't be blank")
    extra = ops(request)
    group_id = group_or_422(request, form["group_id"]) if form.get("group_id") not in (None, "") \
        else generated.DEVICE_GROUPS[0][0]
    while extra.next_device_id in request.state.devices:
        extra.next_device_id += 1
    device_id = extra.next_device_id
    extra.next_device_id += 1
    attributes = generated.awaiting_attributes(request.state.fleet, device_id, name)
    attributes["enrollment_url"] = "https://a.simplemdm.com/e/?c=%08d" % (mix(device_id, 17) % 10 ** 8)
    record = {"type": "device", "id": device_id, "attributes": attributes,
              "relationships": {"device_group": {"data": {"type": "device_group", "id": group_id}},
                                "custom_attribute_values": {"data": []}}}
    request.state.devices.put(record)
    return one(present_device(request, request.state.devices.get(device_id)), 201)


@vendor.patch("/devices/{id}")
def update_device(request):
    device = find_device(request)
    form = request.form()
    for key in ("name", "device_name"):
        if key in form:
            value = str(form[key] or "").strip()
            if not value:
                raise HTTPError(422, "%s can't be blank" % key)
            device["attributes"][key] = value
    request.state.devices.put(device)
    return one(present_device(request, request.state.devices.get(device["id"])))


@vendor.delete("/devices/{id}")
def delete_device(request):
    device = find_device(request)
    request.state.devices.delete(device["id"])
    return empty_response(204)


@vendor.delete("/devices/{id}/users/{user_id}")
def delete_device_user(request):
    device = find_device(request)
    if not (is_mac(device) and device["attributes"].get("is_supervised")):
        raise HTTPError(422, "command is only available for supervised macOS devices")
    user_id = int_id(request.params["user_id"])
    index = request.state.devices.index_of(device["id"])
    users = [] if index is None else generated.users(request.state.fleet, index, True)
    extra = ops(request)
    if user_id not in {u["id"] for u in users} or user_id in extra.deleted_users:
        raise HTTPError(404, "object not found")
    extra.deleted_users.add(user_id)
    add_log(request, device, "device.user.deleted", {"user_id": user_id})
    return empty_response(202)


def command(name, check=None, effect=None, status=202):
    """Register POST /devices/{id}/<name>: checks, state effect, log entry, 202 without body."""

    def handler(request):
        device = find_device(request)
        form = request.form()
        if check is not None:
            check(request, device, form)
        if effect is not None:
            effect(request, device, form)
        add_log(request, device, "device.command.%s" % name,
                {k: ("********" if k in ("new_password", "pin") else v) for k, v in form.items()})
        return empty_response(status)

    vendor.post("/devices/{id}/%s" % name)(handler)
    return handler


def check_pin(form, required):
    pin = str(form.get("pin") or "")
    if not pin:
        if required:
            raise HTTPError(422, "pin is required for macOS devices")
        return
    if len(pin) != PIN_LENGTH or not pin.isdigit():
        raise HTTPError(422, "pin must be a 6-digit number")


def check_lock(request, device, form):
    if is_mac(device):
        check_pin(form, required=True)
    elif form.get("pin"):
        raise HTTPError(422, "pin is not supported by iOS devices")


def check_wipe(request, device, form):
    if is_mac(device):
        check_pin(form, required=False)
    elif form.get("pin"):
        raise HTTPError(422, "pin is not supported by iOS devices")


def check_update_os(request, device, form):
    mode = form.get("os_update_mode")
    if is_mac(device) and not mode:
        raise HTTPError(422, "os_update_mode is required for macOS devices")
    if mode and mode not in OS_UPDATE_MODES:
        raise HTTPError(422, "os_update_mode is invalid")
    if form.get("version_type") and form["version_type"] not in VERSION_TYPES:
        raise HTTPError(422, "version_type is invalid")


def check_admin_password(request, device, form):
    if not form.get("new_password"):
        raise HTTPError(422, "new_password is required")


def check_time_zone(request, device, form):
    if not form.get("time_zone"):
        raise HTTPError(422, "time_zone is required")


def check_refresh(request, device, form):
    extra = ops(request)
    last = extra.refreshed_at.get(device["id"])
    if last is not None and time.time() - last < REFRESH_WINDOW:
        raise HTTPError(429, "too many requests")
    extra.refreshed_at[device["id"]] = time.time()


def set_attribute(key, value):
    def effect(request, device, form):
        device["attributes"][key] = value
        request.state.devices.put(device)
    return effect


for _name in ("push_apps", "restart", "shutdown", "clear_passcode", "clear_firmware_password",
              "rotate_firmware_password", "clear_recovery_lock_password", "clear_restrictions_password",
              "rotate_recovery_lock_password", "rotate_filevault_key", "rotate_admin_password"):
    command(_name)
command("refresh", check=check_refresh)
command("lock", check=check_lock)
command("wipe", check=check_wipe, effect=set_attribute("status", "unenrolled"))
command("update_os", check=check_update_os)
command("set_admin_password", check=check_admin_password)
command("set_time_zone", check=check_time_zone, status=204)
command("unenroll", effect=set_attribute("status", "unenrolled"))
command("remote_desktop", effect=set_attribute("remote_desktop_enabled", True))
command("bluetooth")


@vendor.delete("/devices/{id}/remote_desktop")
def disable_remote_desktop(request):
    device = find_device(request)
    set_attribute("remote_desktop_enabled", False)(request, device, {})
    add_log(request, device, "device.command.remote_desktop_disabled")
    return empty_response(202)


@vendor.delete("/devices/{id}/bluetooth")
def disable_bluetooth(request):
    device = find_device(request)
    add_log(request, device, "device.command.bluetooth_disabled")
    return empty_response(202)


# ---- lost mode --------------------------------------------------------------------------------

@vendor.post("/devices/{id}/lost_mode")
def enable_lost_mode(request):
    device = find_device(request)
    form = request.form()
    if not (form.get("message") or form.get("phone_number")):
        raise HTTPError(422, "a message or phone number is required to enable lost mode")
    ops(request).lost_mode[device["id"]] = {k: form.get(k) for k in ("message", "phone_number", "footnote")}
    add_log(request, device, "device.lost_mode.enabled")
    return empty_response(202)


@vendor.delete("/devices/{id}/lost_mode")
def disable_lost_mode(request):
    device = find_device(request)
    ops(request).lost_mode.pop(device["id"], None)
    add_log(request, device, "device.lost_mode.disabled")
    return empty_response(202)


@vendor.post("/devices/{id}/lost_mode/play_sound")
def lost_mode_play_sound(request):
    device = find_device(request)
    add_log(request, device, "device.lost_mode.play_sound")
    return empty_response(202)


@vendor.post("/devices/{id}/lost_mode/update_location")
def lost_mode_update_location(request):
    device = find_device(request)
    if device["id"] in ops(request).lost_mode:
        r = rng(request.state.fleet.seed, SALT_SIMPLEMDM, device["id"], 21)
        device["attributes"].update(location_latitude="%.8f" % r.uniform(-60, 60),
                                    location_longitude="%.8f" % r.uniform(-180, 180),
                                    location_accuracy="60", location_updated_at=now_stamp())
        request.state.devices.put(device)
    add_log(request, device, "device.lost_mode.update_location")
    return empty_response(202)


@vendor.get("/_sim/simplemdm/lost_mode", mounted=False, auth=False)
def show_lost_mode(request):
    return json_response(200, {str(k): v for k, v in ops(request).lost_mode.items()})


# ---- device groups ----------------------------------------------------------------------------

@vendor.post("/device_groups/{id}/devices/{device_id}")
def assign_device_group(request):
    group = request.state.device_groups.get(int_id(request.params["id"]))
    if group is None:
        raise HTTPError(404, "object not found")
    device = request.state.devices.get(int_id(request.params["device_id"]))
    if device is None:
        raise HTTPError(404, "object not found")
    device["relationships"]["device_group"] = {"data": {"type": "device_group", "id": group["id"]}}
    request.state.devices.put(device)
    return empty_response(202)


@vendor.post("/device_groups/{id}/clone")
def clone_device_group(request):
    table = request.state.device_groups
    group = table.get(int_id(request.params["id"]))
    if group is None:
        raise HTTPError(404, "object not found")
    names = {table.get(i)["attributes"]["name"] for i in table.ids()}
    number = 1
    while "%s (%d)" % (group["attributes"]["name"], number) in names:
        number += 1
    new = {"type": "device_group", "id": max(table.ids()) + 1,
           "attributes": {"name": "%s (%d)" % (group["attributes"]["name"], number)}}
    table.put(new)
    body = dict(new, relationships={"devices": {"data": []}})
    return one(body, 201)


# ---- enrollments ------------------------------------------------------------------------------

def enrollment_table(request):
    extra = ops(request)
    if extra.enrollments is None:
        records = {}
        for eid, url, welcome, auth, device_id in ENROLLMENT_SAMPLES:
            record = {"type": "enrollment", "id": eid,
                      "attributes": {"url": url, "user_enrollment": False, "welcome_screen": welcome,
                                     "authentication": auth},
                      "relationships": {"device_group": {"data": {"type": "device_group", "id": 37}}}}
            if device_id is not None:
                record["relationships"]["device"] = {"data": {"type": "device", "id": device_id}}
            records[eid] = record
        extra.enrollments = records
    return extra.enrollments


def find_enrollment(request):
    record = enrollment_table(request).get(int_id(request.params["id"]))
    if record is None:
        raise HTTPError(404, "object not found")
    return record


@vendor.get("/enrollments")
def list_enrollments(request):
    table = enrollment_table(request)
    return paginate(request, sorted(table), table.get)


@vendor.get("/enrollments/{id}")
def show_enrollment(request):
    # The reference's "Retrieve One" sample is the bare object, without {"data": ...}.
    return json_response(200, find_enrollment(request))


@vendor.post("/enrollments/{id}/invitations")
def send_invitation(request):
    record = find_enrollment(request)
    contact = str(request.form().get("contact") or "").strip()
    if not contact:
        raise HTTPError(422, "contact is required")
    if record["attributes"].get("url") is None:
        raise HTTPError(422, "invitations are not supported for account driven enrollments")
    return empty_response(200)


@vendor.delete("/enrollments/{id}")
def delete_enrollment(request):
    record = find_enrollment(request)
    del enrollment_table(request)[record["id"]]
    return empty_response(204)


# ---- installed apps ---------------------------------------------------------------------------

def apply_app_changes(request, apps):
    changes = ops(request).app_changes
    kept = []
    for app in apps:
        change = changes.get(app["id"])
        if change == "uninstalled":
            continue
        if change == "managed":
            app["attributes"]["managed"] = True
        kept.append(app)
    return kept


def find_installed_app(request):
    app_id = int_id(request.params["id"])
    index = (app_id - 1000000) // len(generated.APPS)
    if index < 0 or generated.device_id(index) not in request.state.devices:
        raise HTTPError(404, "object not found")
    apps = apply_app_changes(request, generated.installed_apps(request.state.fleet, index))
    for app in apps:
        if app["id"] == app_id:
            return app, request.state.devices.get(generated.device_id(index))
    raise HTTPError(404, "object not found")


def _wrap_installed_app_list():
    """The device's installed-app list (simplemdm.py) shows request_management and uninstalls."""
    for number, (method, template, handler, mounted, auth) in enumerate(vendor.routes):
        if method == "GET" and template == "/devices/{id}/installed_apps":
            original = handler

            def listed(request):
                import json
                response = original(request)
                if response.status != 200 or not ops(request).app_changes:
                    return response
                body = json.loads(response.body)
                body["data"] = apply_app_changes(request, body["data"])
                return json_response(200, body)

            vendor.routes[number] = (method, template, listed, mounted, auth)
            return


_wrap_installed_app_list()


@vendor.get("/installed_apps/{id}")
def show_installed_app(request):
    return one(find_installed_app(request)[0])


@vendor.post("/installed_apps/{id}/request_management")
def request_app_management(request):
    app, device = find_installed_app(request)
    ops(request).app_changes[app["id"]] = "managed"
    add_log(request, device, "app.management_requested", {"identifier": app["attributes"]["identifier"]})
    return empty_response(202)


@vendor.post("/installed_apps/{id}/update")
def update_installed_app(request):
    app, device = find_installed_app(request)
    if not app["attributes"]["managed"]:
        raise HTTPError(422, "app is not managed")
    add_log(request, device, "app.update_requested", {"identifier": app["attributes"]["identifier"]})
    return empty_response(202)


@vendor.delete("/installed_apps/{id}")
def uninstall_app(request):
    app, device = find_installed_app(request)
    if not app["attributes"]["managed"]:
        raise HTTPError(422, "app is not managed")
    ops(request).app_changes[app["id"]] = "uninstalled"
    add_log(request, device, "app.uninstall_requested", {"identifier": app["attributes"]["identifier"]})
    return empty_response(202)


# ---- DEP servers ------------------------------------------------------------------------------

def dep_server(request, server_id=None):
    if server_id is None:
        server_id = int_id(request.params["id"])
    for server in DEP_SERVERS:
        if server["id"] == server_id:
            record = {"type": server["type"], "id": server_id, "attributes": dict(server["attributes"])}
            synced = ops(request).dep_synced.get(server_id)
            if synced:
                record["attributes"]["last_synced_at"] = synced
            return record
    raise HTTPError(404, "object not found")


def dep_devices(request, server_id):
    """The DEP-assigned devices among the first devices of the fleet, split between the servers."""
    state = request.state
    found = {}
    count = 0
    for index in range(min(DEP_DEVICES_SCANNED, state.fleet.size)):
        device = state.devices.get(generated.device_id(index))
        if device is None or is_awaiting(state, device["id"]):
            continue
        attributes = device["attributes"]
        if not attributes.get("dep_assigned"):
            continue
        count += 1
        if (server_id == 1) != (count <= 40):
            continue
        dep_id = 7000 + index
        r = rng(state.fleet.seed, SALT_SIMPLEMDM, index, 31)
        found[dep_id] = {"type": "dep_device", "id": dep_id, "attributes": {
            "serial_number": attributes["serial_number"], "model": attributes.get("model_name"),
            "description": "%s %s" % (attributes.get("model_name"), attributes.get("model")),
            "color": "SPACE GRAY", "asset_tag": None, "profile_status": "pushed",
            "profile_uuid": "%032X" % mix(state.fleet.seed, index, 31),
            "profile_assign_time": generated.stamp(moment(r, 100, 300)),
            "profile_push_time": generated.stamp(moment(r, 300, 100)),
            "device_assigned_date": generated.stamp(moment(r, 0, 100)),
            "device_assigned_by": "admin@example.org", "os": "OSX" if is_mac(device) else "iOS",
            "device_family": "Mac" if is_mac(device) else attributes.get("model_name", "").split(" ")[0]},
            "relationships": {"device": {"data": {"type": "device", "id": device["id"]}}}}
    return found


@vendor.get("/dep_servers")
def list_dep_servers(request):
    ids = [s["id"] for s in DEP_SERVERS]
    return paginate(request, ids, lambda server_id: dep_server(request, server_id))


@vendor.get("/dep_servers/{id}")
def show_dep_server(request):
    return one(dep_server(request))


@vendor.post("/dep_servers/{id}/sync")
def sync_dep_server(request):
    server = dep_server(request)
    ops(request).dep_synced[server["id"]] = now_stamp()
    return empty_response(202)


@vendor.get("/dep_servers/{id}/dep_devices")
def list_dep_devices(request):
    server = dep_server(request)
    found = dep_devices(request, server["id"])
    return paginate(request, sorted(found), found.get)


@vendor.get("/dep_servers/{id}/dep_devices/{dep_device_id}")
def show_dep_device(request):
    server = dep_server(request)
    record = dep_devices(request, server["id"]).get(int_id(request.params["dep_device_id"]))
    if record is None:
        raise HTTPError(404, "object not found")
    return one(record)


# ---- logs -------------------------------------------------------------------------------------

LOG_EVENTS = ("device.enrolled", "device.checked_in", "profile.installed", "app.installed", "script.ran")


def generated_logs(request):
    state = request.state
    logs = {}
    for index in range(min(LOG_DEVICES, state.fleet.size)):
        device = state.devices.get(generated.device_id(index))
        if device is None or not device["attributes"].get("serial_number"):
            continue
        r = rng(state.fleet.seed, SALT_SIMPLEMDM, index, 41)
        for number in range(3):
            when = moment(r, 1000, 300)
            entry_id = "%010x%022x" % (int(when.timestamp()), mix(state.fleet.seed, index, number) >> 1)
            logs[entry_id] = {"type": "log", "id": entry_id, "attributes": {
                "namespace": "device", "event_type": LOG_EVENTS[(index + number) % len(LOG_EVENTS)],
                "level": "info", "source": "device", "at": when.strftime("%m/%d/%y %H:%M:%S"), "metadata": {},
                "relationships": {
                    "account": {"data": {"type": "account", "id": 1, "api_key": "Simulator"}},
                    "device": {"data": {"type": "device", "serial_number": device["attributes"]["serial_number"],
                                        "udid": device["attributes"].get("unique_identifier")}}}}}
    for number in range(5):
        r = rng(state.fleet.seed, SALT_SIMPLEMDM, 99991, number)
        when = moment(r, 1000, 300)
        entry_id = "%010x%022x" % (int(when.timestamp()), number)
        logs[entry_id] = {"type": "log", "id": entry_id, "attributes": {
            "namespace": "admin", "event_type": "user.signed_in", "level": 0, "source": "admin ui",
            "at": when.strftime("%m/%d/%y %H:%M:%S"), "metadata": {},
            "relationships": {
                "account": {"data": {"type": "account", "id": 123456}},
                "user": {"data": {"type": "user", "id": 123456, "email": "support@simplemdm.com"}}}}}
    for entry in ops(request).logs:
        logs[entry["id"]] = entry
    return logs


def log_serial(entry):
    device = entry["attributes"].get("relationships", {}).get("device", {}).get("data") or {}
    return device.get("serial_number")


@vendor.get("/logs")
def list_logs(request):
    logs = generated_logs(request)
    serial = request.query.get("serial_number")
    ids = sorted(i for i, entry in logs.items() if not serial or log_serial(entry) == serial)
    return paginate(request, ids, logs.get, cursor_type=str)


@vendor.get("/logs/{id}")
def show_log(request):
    entry = generated_logs(request).get(request.params["id"])
    if entry is None:
        raise HTTPError(404, "object not found")
    return one(entry)
