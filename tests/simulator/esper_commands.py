"""Esper command requests, command statuses, device state, device delete, heartbeats, device apps.

Routes (mounted at /esper/api, like esper.py):
    GET  /commands/v0/commands/              list (filters devices, groups, command, schedule,
                                             exclude_internal_commands), v0 paging
    POST /commands/v0/commands/              201, one status per targeted device
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
    GET  /v2/devices/{deviceId}/device-apps/

Statuses move over time: Command Queued -> Initiated -> Acknowledged -> In Progress -> final, one
step every `step_seconds` (default 0.3 s). The final state is Command Success unless an outcome was
set for the device; WINDOW and RECURRING requests stay Command Scheduled. A success applies the
SET_* settings to the device state (so a second esper_device_state run sends nothing).

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
# command -> (argument, device state key, argument -> state value)
SETTINGS = {
    "SET_WIFI_STATE": ("wifi_state", "wifi_state", bool),
    "SET_BLUETOOTH_STATE": ("bluetooth_state", "bluetooth_state", bool),
    "SET_GPS_STATE": ("gps_state", "gps_state", lambda v: GPS[int(v)]),
    "SET_ROTATION_STATE": ("rotate_state", "rotation_state", lambda v: ROTATION[int(v)]),
    "SET_BRIGHTNESS_SCALE": ("brightness_value", "brightness_scale", int),
    "SET_SCREEN_OFF_TIMEOUT": ("screen_off_timeout", "screen_off_timeout", int),
    "USE_ONLY_SAVED_WIFI_AP": ("use_only_saved_ap", "use_only_saved_ap", bool),
}


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
        state.commands = CommandState()
    return state.commands


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
        if status["state"] in FINAL or status["state"] == "Command Scheduled":
            continue
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
                cs.device_states.setdefault(status["device"], {})[key] = convert(request["command_args"][arg])


def public(status):
    return {k: v for k, v in status.items() if not k.startswith("_")}


def request_view(cs, request):
    view = dict(request)
    view["status"] = [public(cs.statuses[s]) for s in cs.status_order if cs.statuses[s]["request"] == request["id"]]
    return view


def check_args(command, args):
    """The argument checks the API documents (400 otherwise)."""
    def need(*names):
        missing = [n for n in names if args.get(n) is None]
        if missing:
            raise HTTPError(400, "command_args: %s requires %s" % (command, ", ".join(missing)))
    if command == "SET_BRIGHTNESS_SCALE":
        need("brightness_value")
        if not isinstance(args["brightness_value"], int) or not 1 <= args["brightness_value"] <= 100:
            raise HTTPError(400, "command_args: brightness_value must be an integer between 1 and 100")
    elif command == "SET_SCREEN_OFF_TIMEOUT":
        need("screen_off_timeout")
        value = args["screen_off_timeout"]
        if not isinstance(value, int) or not (value == -1 or 5000 <= value <= 1800000):
            raise HTTPError(400, "command_args: screen_off_timeout must be -1 or between 5000 and 1800000")
    elif command in SETTINGS:
        need(SETTINGS[command][0])
    elif command == "SET_APP_PERMISSION":
        need("package_name", "grant_state", "permission")
    elif command in ("INSTALL",):
        need("app_version")
    elif command in ("UNINSTALL", "SET_KIOSK_APP", "CLEAR_APP_DATA", "ADD_TO_WHITELIST", "REMOVE_FROM_WHITELIST"):
        need("package_name")


@vendor.post("/commands/v0/commands/")
def create_command(request):
    state = request.state
    cs = commands_of(state)
    body = request.json()
    if not isinstance(body, dict):
        raise HTTPError(400, "request body must be a JSON object")
    command_type = body.get("command_type")
    devices, groups = body.get("devices") or [], body.get("groups") or []
    if command_type not in ("DEVICE", "GROUP", "DYNAMIC"):
        raise HTTPError(400, "command_type: must be one of DEVICE, GROUP, DYNAMIC")
    if command_type in ("DEVICE", "DYNAMIC") and not devices and command_type == "DEVICE":
        raise HTTPError(400, "devices: required when command_type is DEVICE")
    if command_type == "GROUP" and not groups:
        raise HTTPError(400, "groups: required when command_type is GROUP")
    if len(devices) > 1000 or len(groups) > 500:
        raise HTTPError(400, "at most 1000 devices and 500 groups")
    if body.get("command") not in COMMANDS:
        raise HTTPError(400, "command: %r is not a valid choice" % body.get("command"))
    device_type = body.get("device_type") or "active"
    if device_type not in ("active", "inactive", "all"):
        raise HTTPError(400, "device_type: must be one of active, inactive, all")
    schedule = body.get("schedule") or "IMMEDIATE"
    if schedule not in ("IMMEDIATE", "WINDOW", "RECURRING"):
        raise HTTPError(400, "schedule: must be one of IMMEDIATE, WINDOW, RECURRING")
    args = body.get("command_args") or {}
    check_args(body["command"], args)
    targets = []
    for device_id in devices:
        if not UUID.match(str(device_id)) or state.devices.get(str(device_id).lower()) is None:
            raise HTTPError(400, "devices: unknown device %s" % device_id)
        targets.append(str(device_id).lower())
    known_groups = set(state.groups.ids())
    for group_id in groups:
        if group_id not in known_groups:
            raise HTTPError(400, "groups: unknown group %s" % group_id)
    if groups:
        wanted = set(groups)
        for device_id in state.devices.ids():
            if wanted.intersection(state.devices.get(device_id).get("groups") or []) and device_id not in targets:
                targets.append(device_id)
    created = time.time()
    request_id = str(uuid.uuid4())
    record = {"id": request_id, "enterprise": "5e2d3b8a-6b4f-4c1e-9a7d-0f1e2d3c4b5a", "command_type": command_type,
              "devices": devices, "groups": groups, "device_type": device_type, "command": body["command"],
              "command_args": args, "schedule": schedule, "schedule_args": body.get("schedule_args") or {},
              "issued_by": "api-key", "created_on": now_stamp(created)}
    cs.requests[request_id] = record
    cs.order.append(request_id)
    for device_id in targets:
        status_id = str(uuid.uuid4())
        cs.statuses[status_id] = {
            "id": status_id, "request": request_id, "device": device_id,
            "state": "Command Scheduled" if schedule != "IMMEDIATE" else "Command Queued",
            "reason": None, "created_on": now_stamp(created), "updated_on": now_stamp(created),
            "_created": created, "_outcome": cs.outcomes.get(device_id, "Command Success"), "_applied": False}
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

    def wanted(request_id):
        record = cs.requests[request_id]
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

    def wanted(status_id):
        status = cs.statuses[status_id]
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


@vendor.get("/v2/devices/{deviceId}/device-apps/")
def device_apps(request):
    device = device_or_404(request, "deviceId")
    apple = device.get("platform") == "APPLE"
    h = mix(int(device["id"].replace("-", "")[:15], 16), 91)
    apps = [{"id": str(uuid.UUID(int=(h + n) & ((1 << 128) - 1))), "device_id": device["id"],
             "app_name": name, "package_name": package, "version_name": "%d.%d" % (1 + n, h % 10),
             "app_type": ("TENANT_IOS" if apple else "TENANT_ANDROID") if n else ("VPP" if apple else "ESPER"),
             "is_system_app": False}
            for n, (name, package) in enumerate((("Esper Agent", "io.esper.agent"), ("Scanner", "com.example.scan"),
                                                 ("Kiosk Browser", "com.example.kiosk")))]
    wanted = request.query.get("app type") or request.query.get("app_type")
    if wanted:
        apps = [a for a in apps if a["app_type"] == wanted]
    return json_response(200, paginate(request, list(range(len(apps))), lambda i: apps[i]))


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
