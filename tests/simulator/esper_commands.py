"""Esper command requests, command statuses, device state, device delete, heartbeats, device apps.

Routes (mounted at /esper/api, like esper.py):
    GET  /commands/v0/commands/              list (filters devices, groups, command, schedule,
                                             exclude_internal_commands), v0 paging
    POST /commands/v0/commands/              201, one status per device that runs the command
                                             (see device_type below), listed in its `status`
    GET  /commands/v0/commands/{id}/         the request with its `status` list
    GET  /commands/v0/commands/{id}/stats/   {queued, initiated, acknowledged, in_progress, timeout,
                                              success, failure, scheduled, cancelled}
    GET  /commands/v0/status/                filters request, device, state (csv ids)
    GET  /commands/v0/status/{id}/
    PUT  /commands/v0/status/{id}/           {"state": "Command Cancelled"} (400 once final)
    GET  /device/v0/devices/{id}/devicestate (bare object, as the reference shows)
    DELETE /device/v0/devices/{id}/          Apple only (400 for Android)
    GET  /device/v0/heartbeat/{id}/          Apple only
    GET  /device/v2/heartbeat/               last_seen_gt and last_seen_lt required
    GET  /v2/devices/{deviceId}/device-apps/ filter "app type" (the reference's spelling; app_type too)
    GET  /v2/device-apps                     the device apps of every device holding an app: app_id
                                             and/or app_version_id (one at least, 400 otherwise),
                                             {count, prev, next, results} as the reference shows

POST checks (400 with Esper's error body otherwise), as the reference documents them:
- command_type DEVICE needs devices, GROUP needs groups, DYNAMIC needs both. The reference makes
  DYNAMIC the type for devices and groups together, so DEVICE with groups and GROUP with devices
  are refused too (a strict reading: the real API may ignore the extra list).
- every device and group must exist; at most 1000 devices and 500 groups.
- each command's arguments (`ARGUMENTS`), with Django REST framework's parsing: a boolean is a
  JSON boolean or "true"/"false" (and 1/0, yes/no, on/off), an integer a JSON integer or a string
  of digits, in the documented range (gps_state 0-4, rotate_state 0-2...).  SET_DEVICE_LANGUAGE
  is not checked: the reference names no argument.  SET_STATIC_IP takes `dhcp_enabled` or the
  reference's spelling `dhcp_dnabled`.
device_type follows the reference: "active" runs the command on the devices online now (device
`status` 1) and creates no status for the others; "inactive" runs it only on the offline ones;
"all" on every device, queued for the offline ones until they come back online.  Simulated
devices never come back online, so an offline device's status stays Command Queued.

Statuses move over time: Command Queued -> Initiated -> Acknowledged -> In Progress -> final, one
step every `step_seconds` (default 0.3 s). The final state is Command Success unless an outcome was
set for the device; WINDOW and RECURRING requests stay Command Scheduled. A success applies the
SET_* settings to the device state (so a second esper_device_state run sends nothing).

Internal commands: the reference does not say what makes a command internal. The simulator
seeds one request Esper issues itself (issued_by "esper", an UPDATE_HEARTBEAT of the first
device, already successful); exclude_internal_commands=true leaves it out of both lists.

Control: POST /_sim/esper/commands {"outcomes": {device id: "Command Failure" | "Command TimeOut",
...}, "reasons": {device id: text}, "step_seconds": 0.3} merges into the current settings
(reset by /_sim/reset); GET /_sim/esper/commands shows them.
"""

import time
import uuid
from datetime import datetime, timezone


from .esper import HTTPError, UUID, json_response, paginate, vendor, wrapped
from .fixtures import mix

COMMANDS = ("ADD_TO_WHITELIST", "ADD_WIFI_AP", "CLEAR_APP_DATA", "CONVERGE", "INSTALL", "LIST_INSTALLED_PROFILES",
            "LOCK", "REBOOT", "REMOVE_FROM_WHITELIST", "REMOVE_PROFILE", "REMOVE_WIFI_AP", "SET_APP_PERMISSION",
            "SET_APP_STATE", "SET_BLUETOOTH_STATE", "SET_BRIGHTNESS_SCALE", "SET_DEVICE_LOCKDOWN_STATE",
            "SET_GPS_STATE", "SET_KIOSK_APP", "SET_MULTI_APP_MODE", "SET_NEW_POLICY", "SET_ROTATION_STATE",
            "SET_SCREEN_OFF_TIMEOUT", "SET_STREAM_VOLUME", "SET_TIMEZONE", "SET_WIFI_STATE", "UNINSTALL",
            "UPDATE_DEVICE_CONFIG", "UPDATE_HEARTBEAT", "UPDATE_LATEST_DPC", "WIPE", "RESET_LOCKSCREEN_PASSWORD",
            "UPDATE_BLUEPRINT", "NOTIFY_DEVICE", "SET_DEVICE_LANGUAGE", "SET_ETHERNET_SETTINGS", "SET_STATIC_IP",
            "BEEP_DEVICE", "SET_APP_NOTIFICATIONS", "USE_ONLY_SAVED_WIFI_AP", "DEVICE_INFORMATION",
            "VPP_APP_INSTALL", "APPLE_APP_UNINSTALL", "CLEAR_PASSCODE", "INSTALL_PROFILE")
PROGRESS = ("Command Queued", "Command Initiated", "Command Acknowledged", "Command In Progress")
FINAL = ("Command Success", "Command Failure", "Command TimeOut", "Command Cancelled")
STATES = PROGRESS + FINAL + ("Command Scheduled",)
STAT_KEYS = {"Command Queued": "queued", "Command Initiated": "initiated", "Command Acknowledged": "acknowledged",
             "Command In Progress": "in_progress", "Command TimeOut": "timeout", "Command Success": "success",
             "Command Failure": "failure", "Command Scheduled": "scheduled", "Command Cancelled": "cancelled"}
GPS = ("LOCATION_MODE_HIGH_ACCURACY", "LOCATION_MODE_SENSORS_ONLY", "LOCATION_MODE_BATTERY_SAVING",
       "LOCATION_MODE_OFF", "LOCATION_MODE_ON")
ROTATION = ("AUTO", "PORTRAIT_ONLY", "LANDSCAPE_ONLY")
TRUE_WORDS = ("true", "t", "yes", "y", "on", "1")
FALSE_WORDS = ("false", "f", "no", "n", "off", "0")
ONLINE = 1  # device `status`: 1 online, 60 offline


def to_bool(value):
    """Django REST framework's BooleanField: "false" is false (bool("false") would be true)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS + FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    raise ValueError("must be a boolean")


def to_int(value):
    """Django REST framework's IntegerField: an integer or a string of digits, not a boolean."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    raise ValueError("must be an integer")


def integer(low, high, also=()):
    def check(value):
        number = to_int(value)
        if number not in also and not low <= number <= high:
            raise ValueError("must be %sbetween %d and %d" % ("".join("%d or " % a for a in also), low, high))
        return number
    return check


def one_of(*choices):
    def check(value):
        if value not in choices:
            raise ValueError("must be one of %s" % ", ".join(choices))
        return value
    return check


def text(value):
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a non-empty string")
    return value


def app_id(value):
    """An Apple app id: a number, sent as an integer or a string."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return text(value)


def access_points(value):
    if not isinstance(value, list) or not value or not all(isinstance(p, dict) for p in value):
        raise ValueError("must be a non-empty list of access points")
    return value


PACKAGE = ("package_name", text)
# command -> [(argument, check)], as the reference's DeviceCommandEnum documents them
ARGUMENTS = {
    "ADD_TO_WHITELIST": [PACKAGE], "CLEAR_APP_DATA": [PACKAGE], "REMOVE_FROM_WHITELIST": [PACKAGE],
    "SET_KIOSK_APP": [PACKAGE], "UNINSTALL": [PACKAGE],
    "ADD_WIFI_AP": [("wifi_access_points", access_points)], "REMOVE_WIFI_AP": [("wifi_access_points", access_points)],
    "INSTALL": [("app_version", text)],
    "SET_APP_PERMISSION": [PACKAGE, ("grant_state", one_of("PERMISSION_GRANT_STATE_DEFAULT",
                                                           "PERMISSION_GRANT_STATE_DENIED",
                                                           "PERMISSION_GRANT_STATE_GRANTED")),
                           ("permission", text)],
    "SET_APP_STATE": [("app_state", one_of("SHOW", "HIDE", "DISABLE")), PACKAGE],
    "SET_BLUETOOTH_STATE": [("bluetooth_state", to_bool)],
    "SET_BRIGHTNESS_SCALE": [("brightness_value", integer(1, 100))],
    "SET_DEVICE_LOCKDOWN_STATE": [("state", one_of("LOCKED", "UNLOCKED")), ("message", text)],
    "SET_GPS_STATE": [("gps_state", integer(0, 4))],
    "SET_NEW_POLICY": [("policy_url", text)],
    "SET_ROTATION_STATE": [("rotate_state", integer(0, 2))],
    "SET_SCREEN_OFF_TIMEOUT": [("screen_off_timeout", integer(5000, 1800000, also=(-1,)))],
    "SET_STREAM_VOLUME": [("stream", integer(0, 3)), ("volume_level", integer(0, 100))],
    "SET_TIMEZONE": [("timezone_string", text)],
    "SET_WIFI_STATE": [("wifi_state", to_bool)],
    "RESET_LOCKSCREEN_PASSWORD": [("new_lockscreen_password", text)],
    "SET_STATIC_IP": [("interface", text), ("static_ip", text), ("primary_dns", text), ("subnet_mask", text),
                      ("gateway", text)],
    "SET_APP_NOTIFICATIONS": [("app_notifications_state", one_of("ENABLED", "DISABLED")), PACKAGE],
    "USE_ONLY_SAVED_WIFI_AP": [("use_only_saved_ap", to_bool)],
    "VPP_APP_INSTALL": [("app_id", app_id), ("bundle_identifier", text)],
    "APPLE_APP_UNINSTALL": [("app_id", app_id), ("bundle_identifier", text)],
}
# command -> (argument, device state key, checked argument -> state value)
SETTINGS = {
    "SET_WIFI_STATE": ("wifi_state", "wifi_state", lambda v: v),
    "SET_BLUETOOTH_STATE": ("bluetooth_state", "bluetooth_state", lambda v: v),
    "SET_GPS_STATE": ("gps_state", "gps_state", lambda v: GPS[v]),
    "SET_ROTATION_STATE": ("rotate_state", "rotation_state", lambda v: ROTATION[v]),
    "SET_BRIGHTNESS_SCALE": ("brightness_value", "brightness_scale", lambda v: v),
    "SET_SCREEN_OFF_TIMEOUT": ("screen_off_timeout", "screen_off_timeout", lambda v: v),
    "USE_ONLY_SAVED_WIFI_AP": ("use_only_saved_ap", "use_only_saved_ap", lambda v: v),
}


ENTERPRISE = "5e2d3b8a-6b4f-4c1e-9a7d-0f1e2d3c4b5a"


def now_stamp(when=None):
    return datetime.fromtimestamp(when or time.time(), timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class CommandState:
    """Attached lazily to the Esper state, so /_sim/reset (a new Esper state) clears it."""

    def __init__(self):
        self.requests = {}  # id -> request (without status)
        self.order = []
        self.statuses = {}  # id -> status (+ "_created", "_outcome", "_applied")
        self.status_order = []
        self.device_states = {}  # device id -> changed state keys
        self.outcomes = {}
        self.reasons = {}
        self.step_seconds = 0.3


def commands_of(state):
    if getattr(state, "commands", None) is None:
        cs = CommandState()
        seed_internal_request(state, cs)
        state.commands = cs
    return state.commands


def seed_internal_request(state, cs):
    """One request Esper issued itself, to be left out by exclude_internal_commands."""
    ids = state.devices.ids()[:1]
    if not ids:
        return
    created = time.time()
    request_id = str(uuid.UUID(int=mix(state.fleet.seed, 4711) << 64 | mix(state.fleet.seed, 4712)))
    cs.requests[request_id] = {
        "id": request_id, "enterprise": ENTERPRISE, "command_type": "DEVICE", "devices": ids, "groups": [],
        "device_type": "active", "command": "UPDATE_HEARTBEAT", "command_args": {}, "schedule": "IMMEDIATE",
        "schedule_args": {}, "issued_by": "esper", "created_on": now_stamp(created), "_internal": True}
    cs.order.append(request_id)
    status_id = str(uuid.UUID(int=mix(state.fleet.seed, 4713) << 64 | mix(state.fleet.seed, 4714)))
    cs.statuses[status_id] = {
        "id": status_id, "request": request_id, "device": ids[0], "state": "Command Success", "reason": None,
        "created_on": now_stamp(created), "updated_on": now_stamp(created), "_created": created,
        "_outcome": "Command Success", "_applied": True, "_offline": False}
    cs.status_order.append(status_id)


def generated_state(device_id):
    h = mix(int(device_id.replace("-", "")[:15], 16), 77)
    return {
        "gps_state": GPS[h % 3], "wifi_state": h % 5 != 0, "adb_enabled": False, "adb_timeout": 0,
        "remote_adb_enabled": False, "remote_adb_ip": None, "remote_adb_port": 0,
        "audio_settings": {"ring": 5, "notification": 5, "alarm": 6, "music": 8},
        "rotation_state": ROTATION[(h >> 3) % 3], "bluetooth_state": (h >> 5) % 2 == 0,
        "brightness_scale": 20 + (h >> 7) % 60, "screen_off_timeout": (30000, 60000, 120000)[(h >> 9) % 3],
        "use_only_saved_ap": (h >> 11) % 4 == 0,
    }


def advance(state):
    """Move every status along its timeline; apply successful settings once."""
    cs = commands_of(state)
    now = time.time()
    for status in cs.statuses.values():
        if status["state"] in FINAL or status["state"] == "Command Scheduled" or status["_offline"]:
            continue  # an offline device's command stays queued: simulated devices never come back
        steps = int((now - status["_created"]) / cs.step_seconds) if cs.step_seconds > 0 else len(PROGRESS)
        if steps < len(PROGRESS):
            new = PROGRESS[steps]
        else:
            new = status["_outcome"]
        if new != status["state"]:
            status["state"] = new
            status["updated_on"] = now_stamp()
            if new == "Command Failure":
                status["reason"] = cs.reasons.get(status["device"], "Command failed on the device")
            elif new == "Command TimeOut":
                status["reason"] = "Device did not respond in time"
        if status["state"] == "Command Success" and not status["_applied"]:
            status["_applied"] = True
            request = cs.requests[status["request"]]
            setting = SETTINGS.get(request["command"])
            if setting:
                arg, key, convert = setting
                cs.device_states.setdefault(status["device"], {})[key] = convert(request["_checked_args"][arg])


def public(record):
    return {k: v for k, v in record.items() if not k.startswith("_")}


def request_view(cs, request):
    view = public(request)
    view["status"] = [public(cs.statuses[s]) for s in cs.status_order if cs.statuses[s]["request"] == request["id"]]
    return view


def check_args(command, args):
    """The argument checks the reference documents; returns the parsed arguments (400 otherwise)."""
    if not isinstance(args, dict):
        raise HTTPError(400, "command_args: must be an object")
    checked = dict(args)
    rules = list(ARGUMENTS.get(command, []))
    if command == "SET_STATIC_IP":
        spelled = "dhcp_dnabled" if "dhcp_dnabled" in args and "dhcp_enabled" not in args else "dhcp_enabled"
        rules.insert(1, (spelled, to_bool))
    missing = [name for name, _check in rules if args.get(name) is None]
    if missing:
        raise HTTPError(400, "command_args: %s requires %s" % (command, ", ".join(missing)))
    for name, check in rules:
        try:
            checked[name] = check(args[name])
        except ValueError as exc:
            raise HTTPError(400, "command_args: %s %s for %s, got %r" % (name, exc, command, args[name]))
    return checked


def check_targets(command_type, devices, groups):
    """The reference's rules for command_type, devices and groups."""
    if command_type not in ("DEVICE", "GROUP", "DYNAMIC"):
        raise HTTPError(400, "command_type: must be one of DEVICE, GROUP, DYNAMIC")
    if not isinstance(devices, list) or not isinstance(groups, list):
        raise HTTPError(400, "devices and groups: must be lists of ids")
    if command_type in ("DEVICE", "DYNAMIC") and not devices:
        raise HTTPError(400, "devices: required when command_type is %s" % command_type)
    if command_type in ("GROUP", "DYNAMIC") and not groups:
        raise HTTPError(400, "groups: required when command_type is %s" % command_type)
    if command_type == "DEVICE" and groups:
        raise HTTPError(400, "groups: not used when command_type is DEVICE (DYNAMIC targets devices and groups)")
    if command_type == "GROUP" and devices:
        raise HTTPError(400, "devices: not used when command_type is GROUP (DYNAMIC targets devices and groups)")
    if len(devices) > 1000 or len(groups) > 500:
        raise HTTPError(400, "at most 1000 devices and 500 groups")


def runs_on(device, device_type):
    """Whether a device of the request gets a status, by device_type (see the docstring)."""
    online = device.get("status") == ONLINE
    return device_type == "all" or online == (device_type == "active")


@vendor.post("/commands/v0/commands/")
def create_command(request):
    state = request.state
    cs = commands_of(state)
    body = request.json()
    if not isinstance(body, dict):
        raise HTTPError(400, "request body must be a JSON object")
    command_type = body.get("command_type")
    devices, groups = body.get("devices") or [], body.get("groups") or []
    check_targets(command_type, devices, groups)
    if body.get("command") not in COMMANDS:
        raise HTTPError(400, "command: %r is not a valid choice" % body.get("command"))
    device_type = body.get("device_type") or "active"
    if device_type not in ("active", "inactive", "all"):
        raise HTTPError(400, "device_type: must be one of active, inactive, all")
    schedule = body.get("schedule") or "IMMEDIATE"
    if schedule not in ("IMMEDIATE", "WINDOW", "RECURRING"):
        raise HTTPError(400, "schedule: must be one of IMMEDIATE, WINDOW, RECURRING")
    args = body.get("command_args") or {}
    checked_args = check_args(body["command"], args)
    targets = []
    for device_id in devices:
        if not UUID.match(str(device_id)) or state.devices.get(str(device_id).lower()) is None:
            raise HTTPError(400, "devices: unknown device %s" % device_id)
        targets.append(str(device_id).lower())
    known_groups = set(state.groups.ids())
    for group_id in groups:
        if str(group_id).lower() not in known_groups:
            raise HTTPError(400, "groups: unknown group %s" % group_id)
    if groups:
        wanted = set(str(g).lower() for g in groups)
        for device_id in state.devices.ids():
            if wanted.intersection(state.devices.get(device_id).get("groups") or []) and device_id not in targets:
                targets.append(device_id)
    records = dict((device_id, state.devices.get(device_id)) for device_id in targets)
    targets = [device_id for device_id in targets if runs_on(records[device_id], device_type)]
    created = time.time()
    request_id = str(uuid.uuid4())
    record = {"id": request_id, "enterprise": ENTERPRISE, "command_type": command_type,
              "devices": devices, "groups": groups, "device_type": device_type, "command": body["command"],
              "command_args": args, "schedule": schedule, "schedule_args": body.get("schedule_args") or {},
              "issued_by": "api-key", "created_on": now_stamp(created), "_checked_args": checked_args}
    cs.requests[request_id] = record
    cs.order.append(request_id)
    for device_id in targets:
        status_id = str(uuid.uuid4())
        cs.statuses[status_id] = {
            "id": status_id, "request": request_id, "device": device_id,
            "state": "Command Scheduled" if schedule != "IMMEDIATE" else "Command Queued",
            "reason": None, "created_on": now_stamp(created), "updated_on": now_stamp(created),
            "_created": created, "_outcome": cs.outcomes.get(device_id, "Command Success"), "_applied": False,
            "_offline": records[device_id].get("status") != ONLINE}
        cs.status_order.append(status_id)
    return wrapped(request_view(cs, record), 201)


def csv(request, name):
    value = request.query.get(name)
    return set(v.strip() for v in value.split(",") if v.strip()) if value else None


@vendor.get("/commands/v0/commands/")
def list_commands(request):
    advance(request.state)
    cs = commands_of(request.state)
    devices, groups = csv(request, "devices"), csv(request, "groups")
    q = request.query
    if q.get("schedule") and q["schedule"] not in ("IMMEDIATE", "WINDOW", "RECURRING"):
        raise HTTPError(400, "schedule: must be one of IMMEDIATE, WINDOW, RECURRING")

    exclude_internal = request.flag("exclude_internal_commands")

    def wanted(request_id):
        record = cs.requests[request_id]
        if exclude_internal and record.get("_internal"):
            return False
        if devices and not devices.intersection(record["devices"]):
            return False
        if groups and not groups.intersection(record["groups"]):
            return False
        if q.get("command") and record["command"] != q["command"]:
            return False
        return not (q.get("schedule") and record["schedule"] != q["schedule"])

    ids = [i for i in reversed(cs.order) if wanted(i)]
    return wrapped(paginate(request, ids, lambda i: request_view(cs, cs.requests[i])))


def find_request(request):
    advance(request.state)
    cs = commands_of(request.state)
    record = cs.requests.get(request.params["id"])
    if record is None:
        raise HTTPError(404, "Command request not found")
    return cs, record


@vendor.get("/commands/v0/commands/{id}/")
def show_command(request):
    cs, record = find_request(request)
    return wrapped(request_view(cs, record))


@vendor.get("/commands/v0/commands/{id}/stats/")
def command_stats(request):
    cs, record = find_request(request)
    stats = dict((key, 0) for key in STAT_KEYS.values())
    for status in cs.statuses.values():
        if status["request"] == record["id"]:
            stats[STAT_KEYS[status["state"]]] += 1
    return wrapped(stats)


@vendor.get("/commands/v0/status/")
def list_statuses(request):
    advance(request.state)
    cs = commands_of(request.state)
    requests, devices = csv(request, "request"), csv(request, "device")
    wanted_state = request.query.get("state")
    if wanted_state and wanted_state not in STATES:
        raise HTTPError(400, "state: %r is not a valid choice" % wanted_state)

    exclude_internal = request.flag("exclude_internal_commands")

    def wanted(status_id):
        status = cs.statuses[status_id]
        if exclude_internal and cs.requests[status["request"]].get("_internal"):
            return False
        return ((not requests or status["request"] in requests) and (not devices or status["device"] in devices)
                and (not wanted_state or status["state"] == wanted_state))

    ids = [i for i in cs.status_order if wanted(i)]
    return wrapped(paginate(request, ids, lambda i: public(cs.statuses[i])))


@vendor.get("/commands/v0/status/{id}/")
def show_status(request):
    advance(request.state)
    status = commands_of(request.state).statuses.get(request.params["id"])
    if status is None:
        raise HTTPError(404, "Command status not found")
    return wrapped(public(status))


@vendor.put("/commands/v0/status/{id}/")
def update_status(request):
    advance(request.state)
    status = commands_of(request.state).statuses.get(request.params["id"])
    if status is None:
        raise HTTPError(404, "Command status not found")
    body = request.json() or {}
    if body.get("state") != "Command Cancelled":
        raise HTTPError(400, "state: only 'Command Cancelled' can be set")
    if status["state"] in FINAL and status["state"] != "Command Cancelled":
        raise HTTPError(400, "Command is already in a final state: %s" % status["state"])
    status["state"] = "Command Cancelled"
    status["updated_on"] = now_stamp()
    return wrapped(public(status))


def device_or_404(request, key="id"):
    device_id = request.params[key]
    if not UUID.match(device_id):
        raise HTTPError(400, "Invalid device id: %s" % device_id)
    device = request.state.devices.get(device_id.lower())
    if device is None:
        raise HTTPError(404, "Device not found")
    return device


@vendor.get("/device/v0/devices/{id}/devicestate")
def device_state(request):
    device = device_or_404(request)
    advance(request.state)
    current = generated_state(device["id"])
    current.update(commands_of(request.state).device_states.get(device["id"], {}))
    return json_response(200, current)


@vendor.delete("/device/v0/devices/{id}/")
def delete_device(request):
    device = device_or_404(request)
    if device.get("platform") != "APPLE":
        raise HTTPError(400, "Only Apple devices can be deleted")
    request.state.devices.delete(device["id"])
    return wrapped(device)


def heartbeat(device):
    return {"device_id": device["id"], "serial": device.get("serial"), "platform": device.get("platform"),
            "last_seen": device.get("last_seen"), "is_online": device.get("status") == 1}


@vendor.get("/device/v0/heartbeat/{id}/")
def device_heartbeat(request):
    device = device_or_404(request)
    if device.get("platform") != "APPLE":
        raise HTTPError(400, "Heartbeat is only supported for Apple devices")
    return wrapped(heartbeat(device))


@vendor.get("/device/v2/heartbeat/")
def heartbeats(request):
    q = request.query
    for name in ("last_seen_gt", "last_seen_lt"):
        if not q.get(name):
            raise HTTPError(400, "%s: this query parameter is required" % name)
    if q.get("platform") and q["platform"] not in ("ANDROID", "APPLE"):
        raise HTTPError(400, "platform: must be ANDROID or APPLE")
    devices = request.state.devices

    def wanted(device_id):
        device = devices.get(device_id)
        seen = device.get("last_seen") or ""
        return (q["last_seen_gt"] <= seen <= q["last_seen_lt"]
                and (not q.get("platform") or device.get("platform") == q["platform"]))

    ids = devices.select(("heartbeat", q["last_seen_gt"], q["last_seen_lt"], q.get("platform")), wanted)
    return wrapped(paginate(request, ids, lambda i: heartbeat(devices.get(i))))


DEVICE_APPS = (("Esper Agent", "io.esper.agent"), ("Scanner", "com.example.scan"),
               ("Kiosk Browser", "com.example.kiosk"))
APP_NAMESPACE = uuid.UUID("8f0d7c1e-3b5a-4e2f-9c6d-1a2b3c4d5e6f")


def apps_of(device):
    """The apps installed on a device. app_id and app_version_id are shared by every device that
    holds the same app (version), so GET /v2/device-apps can find them."""
    apple = device.get("platform") == "APPLE"
    h = mix(int(device["id"].replace("-", "")[:15], 16), 91)
    apps = []
    for n, (name, package) in enumerate(DEVICE_APPS):
        version = "%d.%d" % (1 + n, h % 10)
        apps.append({
            "id": str(uuid.UUID(int=(h + n) & ((1 << 128) - 1))), "device_id": device["id"],
            "app_id": str(uuid.uuid5(APP_NAMESPACE, package)),
            "app_version_id": str(uuid.uuid5(APP_NAMESPACE, "%s@%s" % (package, version))),
            "app_name": name, "package_name": package, "version_name": version,
            "app_type": ("TENANT_IOS" if apple else "TENANT_ANDROID") if n else ("VPP" if apple else "ESPER"),
            "is_system_app": False})
    return apps


@vendor.get("/v2/devices/{deviceId}/device-apps/")
def device_apps(request):
    device = device_or_404(request, "deviceId")
    apps = apps_of(device)
    wanted = request.query.get("app type") or request.query.get("app_type")
    if wanted:
        apps = [a for a in apps if a["app_type"] == wanted]
    return json_response(200, paginate(request, list(range(len(apps))), lambda i: apps[i]))


@vendor.get("/v2/device-apps")
def devices_with_app(request):
    """Every device app record (with its device's id) matching app_id and/or app_version_id.
    The reference marks both required but its summary says "by app_id or app_version_id": one
    is enough. Its sample page spells the previous link "prev"."""
    q = request.query
    if not q.get("app_id") and not q.get("app_version_id"):
        raise HTTPError(400, "app_id or app_version_id: one of them is required")
    for name in ("app_id", "app_version_id"):
        if q.get(name) and not UUID.match(q[name]):
            raise HTTPError(400, "%s: '%s' is not a valid UUID." % (name, q[name]))
    devices = request.state.devices

    def holding(device_id):
        return [a for a in apps_of(devices.get(device_id))
                if (not q.get("app_id") or a["app_id"] == q["app_id"].lower())
                and (not q.get("app_version_id") or a["app_version_id"] == q["app_version_id"].lower())]

    ids = devices.select(("device-apps", q.get("app_id"), q.get("app_version_id")), lambda i: bool(holding(i)))
    page = paginate(request, ids, lambda i: holding(i)[0])
    page["prev"] = page.pop("previous")
    return json_response(200, page)


@vendor.get("/_sim/esper/commands", mounted=False, auth=False)
def show_controls(request):
    cs = commands_of(request.app.states["esper"])
    return json_response(200, {"outcomes": cs.outcomes, "reasons": cs.reasons, "step_seconds": cs.step_seconds})


@vendor.post("/_sim/esper/commands", mounted=False, auth=False)
def set_controls(request):
    cs = commands_of(request.app.states["esper"])
    body = request.json() or {}
    outcomes = body.get("outcomes") or {}
    for device_id, outcome in outcomes.items():
        if outcome not in FINAL:
            raise HTTPError(400, "outcomes: %r is not one of %s" % (outcome, ", ".join(FINAL)))
    cs.outcomes.update(dict((k.lower(), v) for k, v in outcomes.items()))
    cs.reasons.update(dict((k.lower(), v) for k, v in (body.get("reasons") or {}).items()))
    if "step_seconds" in body:
        cs.step_seconds = float(body["step_seconds"])
    return json_response(200, {"outcomes": cs.outcomes, "reasons": cs.reasons, "step_seconds": cs.step_seconds})
