"""MicroMDM device writes, profiles and workflows (2016 `/management/v1` reference), on the
`vendor` of micromdm.py (mounted at /micromdm/management/v1).

The reference gives request bodies only; the answers below are the simulator's, and what the
mdmkit modules document.  Errors are {"error": message}.

Devices
  PATCH  /devices/{uuid}        {"workflow_uuid": W} -> 200 DEVICE (W "" clears it); 404 unknown
                                device; 400 unknown workflow or a body without workflow_uuid
  POST   /devices/{udid}/push   -> 200 {"udid", "status": "sent", "push_id"}; 404 {"error":
                                "no device with udid X"} when no device has that UDID (a device
                                UUID is not a UDID: the reference warns they look alike)
  POST   /devices/fetch         -> 200 {"devices": [DEP_DEVICE, ...], "count": N}: the devices
                                assigned in DEP (dep_device true), in Apple's DEP shape
                                {serial_number, model, description, color, profile_status,
                                profile_uuid, device_assigned_by, device_assigned_date}
Profiles
  POST   /profiles              {"payload_identifier", "payload_data": base64 .mobileconfig}
                                -> 201 PROFILE; a payload_identifier that exists is replaced
                                (its UUID kept) -> 200 PROFILE.  400 when payload_data is not
                                base64 of a property list whose PayloadIdentifier is
                                payload_identifier.
  GET    /profiles              -> {"profiles": [PROFILE, ...]}
  GET    /profiles/{uuid}       -> PROFILE or 404
  DELETE /profiles/{uuid}       -> 204 or 404
  PROFILE = {"uuid", "payload_identifier", "payload_data"}
Workflows (the reference documents only the POST; listing, reading and deleting follow the
profile endpoints; there is no update endpoint, a POST with an existing name replaces it)
  POST   /workflows             {"name", "profiles": [{"payload_identifier", "profile_uuid"}],
                                "applications": [{"name", "manifest-url"}],
                                "included_workflows": [{"workflow_uuid"}]}
                                -> 201 WORKFLOW, or 200 WORKFLOW replacing the workflow of that
                                name (UUID kept, so device assignments stay).  400 on an unknown
                                profile or workflow, a workflow including itself, an application
                                without name or manifest-url.
  GET    /workflows             -> {"workflows": [WORKFLOW, ...]}
  GET    /workflows/{uuid}      -> WORKFLOW or 404
  DELETE /workflows/{uuid}      -> 204 or 404
  WORKFLOW = {"uuid", "name", "profiles", "applications", "included_workflows"} (request shape)

Seed data: the three workflows the generated devices are assigned to (uuid_from(seed,
SALT_MICROMDM, -1, k), k = 0..2: "baseline", "lab-macs", "staff-devices") and one profile,
com.example.sim.baseline, in "baseline".  Pushes are kept per UDID (see `pushes`).

Imported automatically by server.load_vendors (a micromdm_*.py file of this package).
"""

import base64
import binascii
import plistlib
import uuid as uuidlib

from .fixtures import SALT_MICROMDM, uuid_from
from .micromdm import vendor
from .server import HTTPError, empty_response, json_response

WORKFLOW_NAMES = ("baseline", "lab-macs", "staff-devices")
SEED_PROFILE_IDENTIFIER = "com.example.sim.baseline"


def seed_profile_data(seed):
    profile = {
        "PayloadType": "Configuration", "PayloadVersion": 1, "PayloadIdentifier": SEED_PROFILE_IDENTIFIER,
        "PayloadUUID": uuid_from(seed, SALT_MICROMDM, -3, upper=True), "PayloadDisplayName": "Baseline",
        "PayloadContent": [{
            "PayloadType": "com.apple.screensaver", "PayloadVersion": 1,
            "PayloadIdentifier": SEED_PROFILE_IDENTIFIER + ".screensaver",
            "PayloadUUID": uuid_from(seed, SALT_MICROMDM, -4, upper=True), "idleTime": 600}],
    }
    return base64.b64encode(plistlib.dumps(profile)).decode()


class Management:
    """Profiles, workflows and pushes of one simulator state (rebuilt by /_sim/reset)."""

    def __init__(self, fleet):
        seed = fleet.seed
        profile_uuid = uuid_from(seed, SALT_MICROMDM, -5)
        self.profiles = {profile_uuid: {"uuid": profile_uuid, "payload_identifier": SEED_PROFILE_IDENTIFIER,
                                        "payload_data": seed_profile_data(seed)}}
        self.workflows = {}
        for k, name in enumerate(WORKFLOW_NAMES):
            workflow_uuid = uuid_from(seed, SALT_MICROMDM, -1, k)
            self.workflows[workflow_uuid] = {
                "uuid": workflow_uuid, "name": name,
                "profiles": [{"payload_identifier": SEED_PROFILE_IDENTIFIER, "profile_uuid": profile_uuid}]
                if name == "baseline" else [],
                "applications": [], "included_workflows": []}
        baseline = uuid_from(seed, SALT_MICROMDM, -1, 0)
        for k in (1, 2):
            self.workflows[uuid_from(seed, SALT_MICROMDM, -1, k)]["included_workflows"] = [{"workflow_uuid": baseline}]
        self.pushes = {}  # udid -> count


def management(request):
    state = request.state
    found = getattr(state, "management", None)
    if found is None:
        found = state.management = Management(request.app.fleet)
    return found


def body_object(request):
    body = request.json()
    if not isinstance(body, dict):
        raise HTTPError(400, "request body must be a JSON object")
    return body


def all_devices(request):
    devices = request.state.devices
    return devices.records(devices.ids())


# ---- devices -------------------------------------------------------------------------------------

@vendor.patch("/devices/{uuid}")
def assign_workflow(request):
    devices = request.state.devices
    device = devices.get(request.params["uuid"])
    if device is None:
        raise HTTPError(404, "not found")
    body = body_object(request)
    if "workflow_uuid" not in body or not isinstance(body["workflow_uuid"], str):
        raise HTTPError(400, "workflow_uuid is required")
    workflow_uuid = body["workflow_uuid"]
    if workflow_uuid and workflow_uuid not in management(request).workflows:
        raise HTTPError(400, "workflow %s not found" % workflow_uuid)
    device["workflow_uuid"] = workflow_uuid
    devices.put(device)
    return json_response(200, device)


@vendor.post("/devices/fetch")
def fetch_dep_devices(request):
    fetched = []
    for device in all_devices(request):
        if not device.get("dep_device"):
            continue
        fetched.append({
            "serial_number": device.get("serial_number"), "model": device.get("model_name"),
            "description": device.get("model"), "color": device.get("color"),
            "profile_status": device.get("dep_profile_status"), "profile_uuid": device.get("dep_profile_uuid"),
            "device_assigned_by": "admin@example.com", "device_assigned_date": device.get("last_seen"),
        })
    management(request).last_fetch = len(fetched)
    return json_response(200, {"devices": fetched, "count": len(fetched)})


@vendor.post("/devices/{udid}/push")
def push(request):
    udid = request.params["udid"]
    if not any((d.get("udid") or "").lower() == udid.lower() for d in all_devices(request)):
        raise HTTPError(404, "no device with udid %s" % udid)
    pushes = management(request).pushes
    pushes[udid] = pushes.get(udid, 0) + 1
    return json_response(200, {"udid": udid, "status": "sent", "push_id": str(uuidlib.uuid4())})


# ---- profiles ------------------------------------------------------------------------------------

def check_profile(identifier, payload_data):
    if not isinstance(identifier, str) or not identifier.strip():
        raise HTTPError(400, "payload_identifier is required")
    if not isinstance(payload_data, str) or not payload_data:
        raise HTTPError(400, "payload_data is required")
    try:
        raw = base64.b64decode(payload_data, validate=True)
    except (binascii.Error, ValueError):
        raise HTTPError(400, "payload_data is not base64")
    try:
        profile = plistlib.loads(raw)
    except Exception:
        raise HTTPError(400, "payload_data is not a property list")
    if not isinstance(profile, dict) or profile.get("PayloadIdentifier") != identifier:
        raise HTTPError(400, "payload_identifier %s does not match the profile's PayloadIdentifier %s"
                        % (identifier, profile.get("PayloadIdentifier") if isinstance(profile, dict) else None))


@vendor.post("/profiles")
def add_profile(request):
    body = body_object(request)
    identifier, payload_data = body.get("payload_identifier"), body.get("payload_data")
    check_profile(identifier, payload_data)
    profiles = management(request).profiles
    existing = next((p for p in profiles.values() if p["payload_identifier"] == identifier), None)
    if existing is not None:
        existing["payload_data"] = payload_data
        return json_response(200, existing)
    profile = {"uuid": str(uuidlib.uuid4()), "payload_identifier": identifier, "payload_data": payload_data}
    profiles[profile["uuid"]] = profile
    return json_response(201, profile)


@vendor.get("/profiles")
def list_profiles(request):
    return json_response(200, {"profiles": list(management(request).profiles.values())})


@vendor.get("/profiles/{uuid}")
def show_profile(request):
    profile = management(request).profiles.get(request.params["uuid"])
    if profile is None:
        raise HTTPError(404, "not found")
    return json_response(200, profile)


@vendor.delete("/profiles/{uuid}")
def delete_profile(request):
    if management(request).profiles.pop(request.params["uuid"], None) is None:
        raise HTTPError(404, "not found")
    return empty_response(204)


# ---- workflows -----------------------------------------------------------------------------------

def workflow_from(body, state, own_uuid):
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise HTTPError(400, "name is required")
    profiles = []
    for entry in body.get("profiles") or []:
        if not isinstance(entry, dict):
            raise HTTPError(400, "profiles: expected objects")
        found = state.profiles.get(entry.get("profile_uuid")) or next(
            (p for p in state.profiles.values() if p["payload_identifier"] == entry.get("payload_identifier")), None)
        if found is None:
            raise HTTPError(400, "profile %s not found" % (entry.get("profile_uuid") or entry.get("payload_identifier")))
        profiles.append({"payload_identifier": found["payload_identifier"], "profile_uuid": found["uuid"]})
    applications = []
    for entry in body.get("applications") or []:
        if not isinstance(entry, dict) or not entry.get("name") or not entry.get("manifest-url"):
            raise HTTPError(400, "applications: name and manifest-url are required")
        applications.append({"name": entry["name"], "manifest-url": entry["manifest-url"]})
    included = []
    for entry in body.get("included_workflows") or []:
        ref = entry.get("workflow_uuid") if isinstance(entry, dict) else None
        if ref not in state.workflows:
            raise HTTPError(400, "workflow %s not found" % ref)
        if ref == own_uuid:
            raise HTTPError(400, "a workflow cannot include itself")
        included.append({"workflow_uuid": ref})
    return {"uuid": own_uuid, "name": name, "profiles": profiles, "applications": applications,
            "included_workflows": included}


@vendor.post("/workflows")
def add_workflow(request):
    body = body_object(request)
    state = management(request)
    existing = next((w for w in state.workflows.values() if w["name"] == body.get("name")), None)
    own_uuid = existing["uuid"] if existing else str(uuidlib.uuid4())
    workflow = workflow_from(body, state, own_uuid)
    state.workflows[own_uuid] = workflow
    return json_response(200 if existing else 201, workflow)


@vendor.get("/workflows")
def list_workflows(request):
    return json_response(200, {"workflows": list(management(request).workflows.values())})


@vendor.get("/workflows/{uuid}")
def show_workflow(request):
    workflow = management(request).workflows.get(request.params["uuid"])
    if workflow is None:
        raise HTTPError(404, "not found")
    return json_response(200, workflow)


@vendor.delete("/workflows/{uuid}")
def delete_workflow(request):
    if management(request).workflows.pop(request.params["uuid"], None) is None:
        raise HTTPError(404, "not found")
    return empty_response(204)
