"""MicroMDM 1.x API (`/v1/...` at the server root), served under /micromdm/v1 on the `vendor`
of micromdm.py, next to the 2016 API under /micromdm/management/v1: the same server URL
(`micromdm_url`) serves both, and the flavor option of the modules picks the API.

Auth: as micromdm.py (HTTP Basic "micromdm:<api key>", 401 {"error": "you need to log in"}).
Errors: {"error": message}.  Sources: micromdm/micromdm tools/api (get_devices,
commands/install_profile), micromdm/docs tools/paw/curl.sh (POST /v1/commands bodies and the
{"payload": {"CommandUUID", "Command": {"request_type"}}} answer); device fields as read by
mdmdirector (serial_number, udid, enrollment_status, last_seen).

  POST   /v1/devices            {"filter_serial": [..], "filter_udid": [..]} (both optional; {} or
                                no body lists every device) -> 200 {"devices": [DEVICE_V1, ...]}
                                DEVICE_V1 = {serial_number, udid, enrollment_status, last_seen,
                                dep_profile_status}, from the same fleet as /management/v1
  POST   /v1/commands           {"udid", "request_type", ...request keys} -> 200 {"payload":
                                {"CommandUUID", "Command": {"request_type", ...}}}; 400 {"error"}
                                without udid or request_type.  Any UDID is queued (MicroMDM does
                                not check it).  The command is queued on the UDID.
  GET    /v1/commands/{udid}    -> 200 {"commands": [{"uuid", "request_type", "payload"}, ...]}
                                (the queue; the simulator's shape: the real one is not documented)
  DELETE /v1/commands/{udid}    -> 200 {} and the queue is empty
  POST   /v1/push/{udid}        -> 200 {"status": "success", "id": push id}

Imported automatically by server.load_vendors (a micromdm_*.py file of this package).
"""

import uuid as uuidlib

from .micromdm import vendor
from .server import HTTPError, json_response

PREFIX = "/micromdm/v1"


class V1State:
    def __init__(self):
        self.queues = {}  # udid -> [command, ...]
        self.pushes = {}  # udid -> count


def v1(request):
    state = request.state
    found = getattr(state, "v1", None)
    if found is None:
        found = state.v1 = V1State()
    return found


def device_v1(device):
    return {"serial_number": device.get("serial_number", ""), "udid": device.get("udid"),
            "enrollment_status": bool(device.get("enrolled")), "last_seen": device.get("last_seen"),
            "dep_profile_status": device.get("dep_profile_status", "")}


def string_list(body, key):
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise HTTPError(400, "%s must be a list of strings" % key)
    return value


@vendor.post(PREFIX + "/devices", mounted=False)
def list_devices(request):
    body = request.json() or {}
    if not isinstance(body, dict):
        raise HTTPError(400, "request body must be a JSON object")
    serials = string_list(body, "filter_serial")
    udids = string_list(body, "filter_udid")
    devices = request.state.devices
    found = []
    for device in devices.records(devices.ids()):
        if serials and device.get("serial_number") not in serials:
            continue
        if udids and device.get("udid") not in udids:
            continue
        found.append(device_v1(device))
    return json_response(200, {"devices": found})


@vendor.post(PREFIX + "/commands", mounted=False)
def new_command(request):
    body = request.json()
    if not isinstance(body, dict):
        raise HTTPError(400, "request body must be a JSON object")
    udid, request_type = body.get("udid"), body.get("request_type")
    if not isinstance(udid, str) or not udid:
        raise HTTPError(400, "udid is required")
    if not isinstance(request_type, str) or not request_type:
        raise HTTPError(400, "request_type is required")
    command = dict((k, v) for k, v in body.items() if k != "udid")
    command_uuid = str(uuidlib.uuid4())
    v1(request).queues.setdefault(udid, []).append({"uuid": command_uuid, "request_type": request_type,
                                                    "payload": command})
    return json_response(200, {"payload": {"CommandUUID": command_uuid, "Command": command}})


@vendor.get(PREFIX + "/commands/{udid}", mounted=False)
def show_queue(request):
    return json_response(200, {"commands": list(v1(request).queues.get(request.params["udid"], []))})


@vendor.delete(PREFIX + "/commands/{udid}", mounted=False)
def clear_queue(request):
    v1(request).queues.pop(request.params["udid"], None)
    return json_response(200, {})


@vendor.post(PREFIX + "/push/{udid}", mounted=False)
def push(request):
    state = v1(request)
    udid = request.params["udid"]
    state.pushes[udid] = state.pushes.get(udid, 0) + 1
    return json_response(200, {"status": "success", "id": str(uuidlib.uuid4())})
