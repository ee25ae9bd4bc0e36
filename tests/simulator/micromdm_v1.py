"""MicroMDM 1.x API (`/v1/...` at the server root), served under /micromdm/v1 on the `vendor`
of micromdm.py, next to the 2016 API under /micromdm/management/v1: the same server URL
(`micromdm_url`) serves both, and the flavor option of the modules picks the API.

Auth: as micromdm.py (HTTP Basic "micromdm:<api key>", 401 {"error": "you need to log in"}).
Errors, as micromdm pkg/httputil ErrorEncoder writes them: HTTP 500 {"error": message} (the
services return plain errors, which carry no status), except for bodies that are not JSON (400 here).

Sources (github.com/micromdm/micromdm unless noted): cmd/micromdm/serve.go (which services are
registered), platform/*/server.go / transport (paths and methods; list endpoints are POST since pull
requests #522-#524), the request/response structs of each endpoint file, the stores' validation
(builtin/db.go), tools/api scripts; device fields as read by mdmdirector.

Devices
  POST   /v1/devices            {"filter_serial": [..], "filter_udid": [..]} (both optional; {} or
                                no body lists every device) -> 200 {"devices": [DEVICE_V1, ...]}
                                DEVICE_V1 = {serial_number, udid, enrollment_status, last_seen,
                                dep_profile_status}, from the same fleet as /management/v1
  POST   /v1/devices/{udid}/block    -> 200 {} (platform/remove: any UDID is stored; the device gets
  POST   /v1/devices/{udid}/unblock  -> 200 {}  401 at its next connection). No API lists blocks.
Commands (platform/command)
  POST   /v1/commands           {"udid", "request_type", ...request keys} -> 200 {"payload":
                                {"CommandUUID", "Command": {"request_type", ...}}}; 400 {"error"}
                                without udid or request_type.  Any UDID is queued (MicroMDM does
                                not check it).  The command is queued on the UDID as its plist.
  GET    /v1/commands/{udid}    -> 200 {"device_command": {"commands": [{"uuid", "payload"}]}}: view.go
                                wraps the queue's JSON in "device_command"; the queue's own shape is not
                                in the sources read, so it follows the MicroMDM-compatible queue format
                                a NanoMDM/MicroMDM client library describes ({"commands": [{"uuid",
                                "payload": base64 command plist}]}).  payload is the command plist
                                ({CommandUUID, Command: {RequestType, ...Apple keys}}).
  DELETE /v1/commands/{udid}    -> 200 {} and the queue is empty (pull request #864)
Push (platform/apns)
  POST   /v1/push/{udid}        -> 200 {"status": "success", "push_notification_id"}; a UDID without
                                push info (not enrolled, unknown) -> 500 {"error": "retrieving PushInfo
                                by UDID: ..."} (the endpoint's pushResponse{Err, Status: "failure"}).
Profiles (platform/profile; Profile has no JSON tags: keys "Identifier", "Mobileconfig" base64)
  PUT    /v1/profiles           {"profile": PROFILE} -> 200 {}; 500 "Profile struct must have
                                Identifier", "no Mobileconfig data", "Mobileconfig is not XML nor PKCS7
                                parseable" (data not starting "<?xml" is read as PKCS7), "payload
                                Identifier does not match Profile"
  POST   /v1/profiles           {"id": identifier or ""} -> 200 {"profiles": [PROFILE, ...]};
                                500 "not found: Profile id X" for an unknown id
  DELETE /v1/profiles           {"ids": [identifier, ...]} -> 200 {}; 500 "not found: Profile id X"
Blueprints (platform/blueprint; the JSON keys of blueprint.go)
  PUT    /v1/blueprints         {"blueprint": BLUEPRINT} -> 200 {}; 500 "Blueprint must have Name and
                                UUID", "Blueprint not saved: same name X exists" (another UUID),
                                "Profile ID P in Blueprint X does not exist"
  POST   /v1/blueprints         {} -> 200 {"blueprints": [BLUEPRINT, ...]} (a filter body is accepted
                                and ignored: its JSON key is not established from the sources read)
  DELETE /v1/blueprints         {"names": [name, ...]} -> 200 {}; 500 "not found: Blueprint name X"
  BLUEPRINT = {uuid, name, install_application_manifest_urls, profile_ids, user_uuids,
               skip_primary_setup_account_creation, set_primary_setup_account_as_regular_user, apply_at}
DEP (platform/dep, platform/dep/sync)
  POST   /v1/dep/syncnow        -> 200 with an empty body (the sync runs in the background)
  POST   /v1/dep/devices        {"serials": [...]} -> 200 {"devices": {serial: DEP_DEVICE}} (Apple's
                                device details, which MicroMDM passes through); a serial this server
                                does not hold in DEP gets {"serial_number", "response_status":
                                "NOT_ACCESSIBLE"} (Apple's value for it, from Apple's public docs; not
                                shown in the sources read)
  PUT    /v1/dep/profiles       DEP profile -> 200 {"profile_uuid", "devices": {serial: "SUCCESS"|
                                "NOT_ACCESSIBLE"}} (Apple's define-profile answer, passed through); the
                                serials in "devices" get the new profile (profile_status "assigned")
  POST   /v1/dep/profiles       {"uuid"} -> 200 the DEP profile (Apple's Get a Profile, re-encoded)
  POST   /v1/dep/assign         {"id", "serials"} -> 200 {"profile_uuid", "devices": {serial: status}}
                                (pull request #611; Apple's PUT /profile/devices)
  DELETE /v1/dep/profiles       {"serials"} -> 200 {"serials": {serial: status}} (pull request #687;
                                Apple's DELETE /profile/devices): profile_status becomes "removed"
  GET    /v1/dep/account        -> 200 Apple's account details
  DEP profiles pass through MicroMDM's dep.Profile struct (its dep/profile.go): keys it lacks are
  dropped, and so are false booleans and empty strings or lists (Go omitempty), except
  profile_name, url, is_mdm_removable, org_magic and devices, which are always sent (a missing
  is_mdm_removable is sent as false). Apple's refusals (Define/Get/Assign/Remove a Profile in Apple's
  DEP docs) come back as 500 {"error": "<verb> profile: unexpected dep response. status=400 DEP API
  Error: CODE"} (dep/client.go HTTPError; Apple's body is the bare code). Define checks what Apple
  documents: CONFIG_NAME_INVALID (empty or over 125 characters; MicroMDM always sends the key),
  CONFIG_URL_INVALID, FLAGS_INVALID (is_mdm_removable false without is_supervised),
  DEPARTMENT_INVALID, SUPPORT_PHONE_INVALID, SUPPORT_EMAIL_INVALID, MAGIC_INVALID (too long; an
  empty org_magic, which MicroMDM always sends, is accepted). Assign: PROFILE_UUID_REQUIRED,
  DEVICE_ID_REQUIRED, 404 PROFILE_NOT_FOUND (the code a MicroMDM user reported, micromdm issue
  tracker / MDS issue 553). Get a Profile for an unknown UUID answers 404 PROFILE_NOT_FOUND here:
  Apple documents the 404 without its code, so that code is assumed. Not established either: whether
  Apple clears profile_uuid on removal (kept here, as the seed's "removed" devices have one).

Seed data: profile com.example.sim.baseline (the /management/v1 one) and blueprints "baseline"
(apply_at Enroll, that profile) and "lab-setup" (not applied: apply_at empty); the DEP profile the
fleet's DEP devices name (SEED_DEP_PROFILE, at their dep_profile_uuid).

Imported automatically by server.load_vendors (a micromdm_*.py file of this package).
"""

import base64
import binascii
import plistlib
import uuid as uuidlib
from urllib.parse import unquote, urlsplit

from .fixtures import SALT_MICROMDM, uuid_from
from .micromdm import vendor
from .micromdm_management import SEED_PROFILE_IDENTIFIER, seed_profile_data
from .server import HTTPError, Response, json_response

PREFIX = "/micromdm/v1"
APPLY_AT_ENROLL = "Enroll"
# MicroMDM's dep.Profile (dep/profile.go): (JSON key, type, sent even when empty: no omitempty)
DEP_PROFILE_FIELDS = (
    ("profile_name", str, True), ("profile_uuid", str, False), ("url", str, True), ("allow_pairing", bool, False),
    ("is_supervised", bool, False), ("is_multi_user", bool, False), ("is_mandatory", bool, False),
    ("await_device_configured", bool, False), ("is_mdm_removable", bool, True), ("support_phone_number", str, False),
    ("auto_advance_setup", bool, False), ("support_email_address", str, False), ("org_magic", str, True),
    ("anchor_certs", list, False), ("supervising_host_certs", list, False), ("skip_setup_items", list, False),
    ("department", str, False), ("devices", list, True), ("language", str, False), ("region", str, False),
    ("configuration_web_url", str, False))
# The DEP profile the fleet's DEP devices have (as a body sent to MicroMDM).
SEED_DEP_PROFILE = {"profile_name": "mdmkit simulator", "url": "https://mdm.example.com/mdm/enroll",
                    "is_supervised": True, "is_mandatory": True, "is_mdm_removable": False,
                    "await_device_configured": True, "skip_setup_items": ["AppleID", "Diagnostics"],
                    "department": "IT"}
# JSON keys of MicroMDM's command request (mdm package) -> Apple's plist keys, for the queued plist.
PLIST_KEYS = {"queries": "Queries", "payload": "Payload", "identifier": "Identifier",
              "identifiers": "Identifiers", "managed_apps_only": "ManagedAppsOnly",
              "itunes_store_id": "iTunesStoreID", "manifest_url": "ManifestURL",
              "management_flags": "ManagementFlags", "pin": "PIN", "message": "Message",
              "phone_number": "PhoneNumber"}


class V1State:
    def __init__(self, seed):
        self.queues = {}  # udid -> [{"uuid", "payload": plist bytes}, ...]
        self.pushes = {}  # udid -> count
        self.blocked = set()
        self.dep_syncs = 0
        # Apple's stored DEP profiles by UUID (without "devices")
        seed_uuid = uuid_from(seed, SALT_MICROMDM, -2).upper()  # fleet_micromdm's dep_profile_uuid
        self.dep_profiles = {seed_uuid: apple_profile(micromdm_profile(SEED_DEP_PROFILE), seed_uuid)}
        # the seed profile, as 1.x stores it (XML with its <?xml header)
        self.profiles = {SEED_PROFILE_IDENTIFIER: {
            "Identifier": SEED_PROFILE_IDENTIFIER,
            "Mobileconfig": base64.b64encode(plistlib.dumps(plistlib.loads(
                base64.b64decode(seed_profile_data(seed))))).decode()}}
        self.blueprints = {}
        for k, (name, apply_at, profiles) in enumerate((("baseline", [APPLY_AT_ENROLL], [SEED_PROFILE_IDENTIFIER]),
                                                        ("lab-setup", [], []))):
            blueprint_uuid = uuid_from(seed, SALT_MICROMDM, -6, k)
            self.blueprints[blueprint_uuid] = {
                "uuid": blueprint_uuid, "name": name, "install_application_manifest_urls": [],
                "profile_ids": profiles, "user_uuids": [], "skip_primary_setup_account_creation": False,
                "set_primary_setup_account_as_regular_user": False, "apply_at": apply_at}


def v1(request):
    state = request.state
    found = getattr(state, "v1", None)
    if found is None:
        found = state.v1 = V1State(request.app.fleet.seed)
    return found


def failure(message):
    """What MicroMDM answers for a service error: 500 {"error"} (pkg/httputil ErrorEncoder)."""
    return HTTPError(500, message)


def body_object(request, allow_empty=True):
    body = request.json()
    if body is None and allow_empty:
        return {}
    if not isinstance(body, dict):
        raise HTTPError(400, "request body must be a JSON object")
    return body


def all_devices(request):
    devices = request.state.devices
    return devices.records(devices.ids())


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


def param(request, name):
    return unquote(request.params[name])  # gorilla/mux hands handlers the decoded path variable


# ---- devices -------------------------------------------------------------------------------------

@vendor.post(PREFIX + "/devices", mounted=False)
def list_devices(request):
    body = body_object(request)
    serials = string_list(body, "filter_serial")
    udids = string_list(body, "filter_udid")
    found = []
    for device in all_devices(request):
        if serials and device.get("serial_number") not in serials:
            continue
        if udids and device.get("udid") not in udids:
            continue
        found.append(device_v1(device))
    return json_response(200, {"devices": found})


@vendor.post(PREFIX + "/devices/{udid}/block", mounted=False)
def block_device(request):
    v1(request).blocked.add(param(request, "udid"))
    return json_response(200, {})


@vendor.post(PREFIX + "/devices/{udid}/unblock", mounted=False)
def unblock_device(request):
    v1(request).blocked.discard(param(request, "udid"))
    return json_response(200, {})


# ---- commands ------------------------------------------------------------------------------------

def command_plist(command_uuid, command):
    """The plist MicroMDM queues for a JSON command: Apple's keys, profile data as <data>."""
    apple = {"RequestType": command["request_type"]}
    for key, value in command.items():
        if key == "request_type":
            continue
        name = PLIST_KEYS.get(key) or "".join(part.capitalize() for part in key.split("_"))
        if key == "payload" and isinstance(value, str):
            try:
                value = base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                raise HTTPError(400, "payload is not base64")
        apple[name] = value
    return plistlib.dumps({"CommandUUID": command_uuid, "Command": apple})


@vendor.post(PREFIX + "/commands", mounted=False)
def new_command(request):
    body = body_object(request, allow_empty=False)
    udid, request_type = body.get("udid"), body.get("request_type")
    if not isinstance(udid, str) or not udid:
        raise HTTPError(400, "udid is required")
    if not isinstance(request_type, str) or not request_type:
        raise HTTPError(400, "request_type is required")
    command = dict((k, v) for k, v in body.items() if k != "udid")
    command_uuid = str(uuidlib.uuid4())
    payload = command_plist(command_uuid, command)
    v1(request).queues.setdefault(udid, []).append({"uuid": command_uuid, "payload": payload})
    return json_response(200, {"payload": {"CommandUUID": command_uuid, "Command": command}})


@vendor.get(PREFIX + "/commands/{udid}", mounted=False)
def show_queue(request):
    queue = v1(request).queues.get(param(request, "udid"), [])
    return json_response(200, {"device_command": {"commands": [
        {"uuid": c["uuid"], "payload": base64.b64encode(c["payload"]).decode()} for c in queue]}})


@vendor.delete(PREFIX + "/commands/{udid}", mounted=False)
def clear_queue(request):
    v1(request).queues.pop(param(request, "udid"), None)
    return json_response(200, {})


# ---- push ----------------------------------------------------------------------------------------

@vendor.post(PREFIX + "/push/{udid}", mounted=False)
def push(request):
    state = v1(request)
    udid = param(request, "udid")
    if not any(d.get("udid") == udid and d.get("enrolled") for d in all_devices(request)):
        # PushInfo is stored at TokenUpdate: an unknown or unenrolled device has none
        raise failure("retrieving PushInfo by UDID: not found: PushInfo udid %s" % udid)
    state.pushes[udid] = state.pushes.get(udid, 0) + 1
    return json_response(200, {"status": "success", "push_notification_id": str(uuidlib.uuid4()).upper()})


# ---- profiles ------------------------------------------------------------------------------------

def check_profile_v1(profile):
    identifier, data = profile.get("Identifier"), profile.get("Mobileconfig")
    if not isinstance(identifier, str) or not identifier:
        raise failure("Profile struct must have Identifier")
    if not isinstance(data, str) or not data:
        raise failure("no Mobileconfig data")
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise HTTPError(400, "json: illegal base64 data in Mobileconfig")
    if len(raw) > 5 and raw[:5] != b"<?xml":
        raise failure("Mobileconfig is not XML nor PKCS7 parseable: pkcs7: input data is not a PKCS7 structure")
    try:
        parsed = plistlib.loads(raw)
    except Exception as exc:
        raise failure("plist: %s" % exc)
    own = parsed.get("PayloadIdentifier") if isinstance(parsed, dict) else None
    if not own:
        raise failure("empty PayloadIdentifier in profile")
    if own != identifier:
        raise failure("payload Identifier does not match Profile")


@vendor.put(PREFIX + "/profiles", mounted=False)
def apply_profile(request):
    profile = body_object(request).get("profile")
    if not isinstance(profile, dict):
        raise failure("Profile struct must have Identifier")
    check_profile_v1(profile)
    v1(request).profiles[profile["Identifier"]] = {"Identifier": profile["Identifier"],
                                                   "Mobileconfig": profile["Mobileconfig"]}
    return json_response(200, {})


@vendor.post(PREFIX + "/profiles", mounted=False)
def get_profiles(request):
    wanted = body_object(request).get("id") or ""
    profiles = v1(request).profiles
    if wanted:
        if wanted not in profiles:
            raise failure("not found: Profile id %s" % wanted)
        return json_response(200, {"profiles": [profiles[wanted]]})
    return json_response(200, {"profiles": list(profiles.values())})


@vendor.delete(PREFIX + "/profiles", mounted=False)
def remove_profiles(request):
    ids = string_list(body_object(request), "ids") or []
    profiles = v1(request).profiles
    for identifier in ids:  # one by one, as RemoveProfiles does: the first unknown one stops it
        if identifier not in profiles:
            raise failure("not found: Profile id %s" % identifier)
        del profiles[identifier]
    return json_response(200, {})


# ---- blueprints ----------------------------------------------------------------------------------

BLUEPRINT_LISTS = ("install_application_manifest_urls", "profile_ids", "user_uuids", "apply_at")


@vendor.put(PREFIX + "/blueprints", mounted=False)
def apply_blueprint(request):
    blueprint = body_object(request).get("blueprint")
    if not isinstance(blueprint, dict):
        raise failure("Blueprint must have Name and UUID")
    state = v1(request)
    name, blueprint_uuid = blueprint.get("name"), blueprint.get("uuid")
    if not isinstance(name, str) or not name or not isinstance(blueprint_uuid, str) or not blueprint_uuid:
        raise failure("Blueprint must have Name and UUID")
    if any(b["name"] == name and b["uuid"] != blueprint_uuid for b in state.blueprints.values()):
        raise failure("Blueprint not saved: same name %s exists" % name)
    for key in BLUEPRINT_LISTS:
        if not isinstance(blueprint.get(key) or [], list):
            raise HTTPError(400, "json: cannot unmarshal %s into a list" % key)
    for profile_id in blueprint.get("profile_ids") or []:
        if profile_id not in state.profiles:
            raise failure("Profile ID %s in Blueprint %s does not exist" % (profile_id, name))
    stored = {"uuid": blueprint_uuid, "name": name,
              "skip_primary_setup_account_creation": bool(blueprint.get("skip_primary_setup_account_creation")),
              "set_primary_setup_account_as_regular_user":
                  bool(blueprint.get("set_primary_setup_account_as_regular_user"))}
    for key in BLUEPRINT_LISTS:
        stored[key] = list(blueprint.get(key) or [])
    state.blueprints[blueprint_uuid] = stored
    return json_response(200, {})


@vendor.post(PREFIX + "/blueprints", mounted=False)
def get_blueprints(request):
    body_object(request)
    return json_response(200, {"blueprints": list(v1(request).blueprints.values())})


@vendor.delete(PREFIX + "/blueprints", mounted=False)
def remove_blueprints(request):
    state = v1(request)
    for name in string_list(body_object(request), "names") or []:
        found = [k for k, b in state.blueprints.items() if b["name"] == name]
        if not found:
            raise failure("not found: Blueprint name %s" % name)
        del state.blueprints[found[0]]
    return json_response(200, {})


# ---- DEP -----------------------------------------------------------------------------------------

def dep_record(device):
    return {"serial_number": device.get("serial_number"), "model": device.get("model_name"),
            "description": device.get("model"), "color": device.get("color"),
            "profile_status": device.get("dep_profile_status"), "profile_uuid": device.get("dep_profile_uuid"),
            "device_assigned_by": "admin@example.com", "device_assigned_date": device.get("last_seen")}


@vendor.post(PREFIX + "/dep/syncnow", mounted=False)
def dep_sync_now(request):
    v1(request).dep_syncs += 1
    return Response(200)  # encodeEmptyResponse writes nothing


@vendor.post(PREFIX + "/dep/devices", mounted=False)
def dep_devices(request):
    serials = string_list(body_object(request), "serials") or []
    by_serial = dep_devices_by_serial(request)
    details = {}
    for serial in serials:
        device = by_serial.get(serial)
        details[serial] = dep_record(device) if device else {"serial_number": serial,
                                                             "response_status": "NOT_ACCESSIBLE"}
    return json_response(200, {"devices": details})


def dep_error(verb, status, code):
    """Apple's refusal as MicroMDM reports it (dep/client.go HTTPError, wrapped by the dep client)."""
    return failure("%s profile: unexpected dep response. status=%d DEP API Error: %s" % (verb, status, code))


def micromdm_profile(body):
    """The profile MicroMDM sends Apple: the body read into dep.Profile and encoded again."""
    profile = {}
    for key, kind, always in DEP_PROFILE_FIELDS:
        value = body.get(key)
        if value is not None and not isinstance(value, kind):
            raise HTTPError(400, "json: cannot unmarshal %s into Go struct field Profile.%s"
                            % (type(value).__name__, key))
        if kind is list and value is not None and not all(isinstance(v, str) for v in value):
            raise HTTPError(400, "json: cannot unmarshal %s into Go struct field Profile.%s" % (value, key))
        if value or always:
            profile[key] = value if value is not None else ({bool: False, str: "", list: None}[kind])
    return profile


def apple_profile(sent, profile_uuid):
    """What Apple keeps of a defined profile (and returns from Get a Profile): the keys sent, its UUID,
    allow_pairing true unless sent (Apple's default); not the devices."""
    stored = dict((k, v) for k, v in sent.items() if k != "devices")
    stored.setdefault("allow_pairing", True)
    stored["profile_uuid"] = profile_uuid
    return stored


def check_define(sent):
    name, url = sent.get("profile_name") or "", sent.get("url") or ""
    if not name or len(name) > 125:
        raise dep_error("define", 400, "CONFIG_NAME_INVALID")
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc or len(url) > 2000 or any(c.isspace() for c in url):
        raise dep_error("define", 400, "CONFIG_URL_INVALID")
    if not sent.get("is_mdm_removable") and not sent.get("is_supervised"):
        raise dep_error("define", 400, "FLAGS_INVALID")
    for key, limit, code in (("department", 125, "DEPARTMENT_INVALID"),
                             ("support_phone_number", 50, "SUPPORT_PHONE_INVALID"),
                             ("support_email_address", 250, "SUPPORT_EMAIL_INVALID"),
                             ("org_magic", 256, "MAGIC_INVALID")):
        if len(sent.get(key) or "") > limit:
            raise dep_error("define", 400, code)


def dep_devices_by_serial(request):
    return dict((d.get("serial_number"), d) for d in all_devices(request)
                if d.get("dep_device") and d.get("serial_number"))


def set_dep_profile(request, serials, profile_uuid, status):
    """Apple's per-serial answer; the DEP devices among ``serials`` get ``status`` (and the UUID)."""
    by_serial = dep_devices_by_serial(request)
    answer = {}
    for serial in serials:
        device = by_serial.get(serial)
        if device is None:
            answer[serial] = "NOT_ACCESSIBLE"
            continue
        device["dep_profile_status"] = status
        if profile_uuid:
            device["dep_profile_uuid"] = profile_uuid
        request.state.devices.put(device)
        answer[serial] = "SUCCESS"
    return answer


@vendor.put(PREFIX + "/dep/profiles", mounted=False)
def dep_define_profile(request):
    sent = micromdm_profile(body_object(request, allow_empty=False))
    check_define(sent)
    profile_uuid = uuidlib.uuid4().hex.upper()
    v1(request).dep_profiles[profile_uuid] = apple_profile(sent, profile_uuid)
    devices = set_dep_profile(request, sent.get("devices") or [], profile_uuid, "assigned")
    return json_response(200, {"profile_uuid": profile_uuid, "devices": devices})


@vendor.post(PREFIX + "/dep/profiles", mounted=False)
def dep_fetch_profile(request):
    wanted = body_object(request).get("uuid") or ""
    if not wanted:
        raise dep_error("fetch", 400, "PROFILE_UUID_REQUIRED")
    profile = v1(request).dep_profiles.get(wanted)
    if profile is None:
        raise dep_error("fetch", 404, "PROFILE_NOT_FOUND")
    return json_response(200, micromdm_profile(profile))  # MicroMDM decodes Apple's answer into dep.Profile


@vendor.post(PREFIX + "/dep/assign", mounted=False)
def dep_assign_profile(request):
    body = body_object(request)
    profile_uuid, serials = body.get("id") or "", string_list(body, "serials") or []
    if not profile_uuid:
        raise dep_error("assign", 400, "PROFILE_UUID_REQUIRED")
    if not serials:
        raise dep_error("assign", 400, "DEVICE_ID_REQUIRED")
    if profile_uuid not in v1(request).dep_profiles:
        raise dep_error("assign", 404, "PROFILE_NOT_FOUND")
    devices = set_dep_profile(request, serials, profile_uuid, "assigned")
    return json_response(200, {"profile_uuid": profile_uuid, "devices": devices})


@vendor.delete(PREFIX + "/dep/profiles", mounted=False)
def dep_remove_profile(request):
    serials = string_list(body_object(request), "serials") or []
    if not serials:
        raise dep_error("remove", 400, "DEVICE_ID_REQUIRED")
    return json_response(200, {"serials": set_dep_profile(request, serials, None, "removed")})


@vendor.get(PREFIX + "/dep/account", mounted=False)
def dep_account(request):
    return json_response(200, {"server_name": "mdmkit simulator", "server_uuid": uuid_from(
        request.app.fleet.seed, SALT_MICROMDM, -7), "admin_id": "admin@example.com",
        "facilitator_id": "admin@example.com", "org_name": "Example Org", "org_email": "it@example.com",
        "org_phone": "+1 555 0100", "org_address": "1 Infinite Loop"})
