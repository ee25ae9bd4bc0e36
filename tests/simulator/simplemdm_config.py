"""SimpleMDM configuration endpoints: custom configuration profiles (upload, download, members),
profiles (members), a device's direct profiles, push certificate (show, upload, signed CSR),
scripts, script jobs, and custom declarations (declarative device management).

Registered on the SimpleMDM vendor of simplemdm.py (same mount, auth and error bodies). Paths,
shapes and statuses follow the reference (../shared/seeds/001_...txt) except for custom
declarations, which the reference does not cover: their shape follows SimpleMDM's public API
(`/custom_declarations[/{id}]`, `/custom_declarations/{id}/devices/{device_id}`: 204, or 409 when
already assigned).  Where the reference shows no answer the choice is noted on the handler;
assigning an assigned member answers 409 "already assigned" and unassigning one that is not
assigned 404, as the assignment group endpoints do.  Member relationships are shown only where
the reference shows them: custom configuration profiles and "retrieve one" profile carry
`device_groups` only, profile list items none; a device's direct profiles are served by
`GET /devices/{id}/profiles` (this file swaps simplemdm.py's handler for one that sees the
assignments made here).

State lives on the SimpleMDM state as `state.config` (made with the state, so `POST /_sim/reset`
restores the seed data); `state.profiles` answers `id in state.profiles` for every profile id
(used by the assignment group endpoints).

Seed data: custom configuration profiles 13, 14, 15 (the fleet's device profiles, with the
devices the fleet gives them); profiles 145593 APN, 145594 App Restriction (group 37) and
145693 Email Account (the reference's samples); scripts 31 and 32 (the reference's samples); the
push certificate of the reference (devops@example.org, expired 2017-09-21); no script jobs and no
custom declarations.

Script jobs run for `job_seconds` (default 1 s) after creation: then each device is "completed"
with status code "0" and, as output, the text of the script's `echo` lines; a script containing
`exit N` (N > 0) ends "error" with status code N, and the job "completed-with-errors".

Control (no auth, not logged):
POST /_sim/simplemdm/config  {"job_seconds": seconds}  changes how long new script jobs stay
                             pending; {"empty_write_answers": true} makes custom configuration
                             profile create/update answer 201/204 with no body (the reference
                             shows no answer for them); answers the settings.
"""

import base64
import copy
import email.parser
import email.policy
import json
import plistlib
import re
import shlex
import time
from datetime import datetime, timezone

from . import simplemdm as base
from .controls import vendor as controls
from .server import HTTPError, empty_response, json_response
from .store import Table

vendor = base.vendor
generated = base.generated

JOB_SECONDS = 1.0
MEMBERSHIP_FLEET_LIMIT = 20000  # seed profile memberships are derived from fleets up to this size
SEED_PROFILES = [
    {"type": "apn", "id": 145593, "attributes": {
        "name": "APN", "profile_identifier": "com.unwiredmdm.5d91d2df438d4e51b4e1efa9a6f18bdb",
        "user_scope": True, "reinstall_after_os_update": False}, "groups": [], "devices": [101]},
    {"type": "app_restrictions", "id": 145594, "attributes": {
        "name": "App Restriction", "profile_identifier": "com.unwiredmdm.c87dce2487464c19a683263907978cf7",
        "user_scope": False, "reinstall_after_os_update": False}, "groups": [37], "devices": [102]},
    {"type": "email", "id": 145693, "attributes": {
        "name": "Email Account", "profile_identifier": "com.unwiredmdm.f3d2b23b577141eca55d813858daca3d",
        "user_scope": False, "reinstall_after_os_update": False}, "groups": [], "devices": []},
]
SEED_SCRIPTS = [
    {"type": "script", "id": 31, "attributes": {
        "name": "Say hi",
        "content": "#!/bin/bash\r\ncurrentUser=$( echo \"show State:/Users/ConsoleUser\" | scutil | awk '/Name :/ "
                   "{ print $3 }' )\r\nuid=$(id -u \"$currentUser\")\r\nlaunchctl asuser $uid say hi",
        "variable_support": False, "created_at": "2022-01-05T11:33:33.600-08:00",
        "updated_at": "2022-01-05T11:33:33.600-08:00"}},
    {"type": "script", "id": 32, "attributes": {
        "name": "script-8ilpJ", "content": "#!/bin/bash\necho \"Hello!\"", "variable_support": True,
        "created_at": "2022-05-31T10:56:50.232-07:00", "updated_at": "2022-05-31T10:56:50.232-07:00"}},
]
SEED_PUSH_CERTIFICATE = {"apple_id": "devops@example.org", "expires_at": "2017-09-21T15:28:34.000+00:00"}
SIGNED_CSR = base64.encodebytes(plistlib.dumps({
    "PushCertRequestCSR": "U0lNVUxBVE9SIENTUg==", "PushCertSignature": "U0lNVUxBVE9SIFNJR05BVFVSRQ==",
    "PushCertCertificateChain": "-----BEGIN CERTIFICATE-----\nU0lNVUxBVE9S\n-----END CERTIFICATE-----\n",
})).decode()
FLAGS = ("user_scope", "attribute_support", "escape_attributes", "reinstall_after_os_update")


def now_stamp():
    return generated.stamp(datetime.now(timezone.utc))


class ConfigState:
    def __init__(self, state):
        self.state = state
        self.custom_profiles = Table.of([seed_custom_profile(pid, name, ident)
                                         for pid, name, ident in generated.PROFILES])
        self.mobileconfigs = {pid: seed_mobileconfig(name, ident) for pid, name, ident in generated.PROFILES}
        self.profiles = Table.of(SEED_PROFILES)
        self.scripts = Table.of(SEED_SCRIPTS)
        self.jobs = Table.of([])
        self.declarations = Table.of([])
        self.push_certificate = dict(SEED_PUSH_CERTIFICATE)
        self.job_seconds = JOB_SECONDS
        self.empty_write_answers = False
        self.next_id = 300000
        self._seed_members = None

    def new_id(self):
        self.next_id += 1
        return self.next_id

    def seed_members(self, profile_id):
        """Devices the generated fleet gives a seed custom profile (computed once)."""
        if self._seed_members is None:
            fleet = self.state.fleet
            members = {pid: [] for pid, _name, _ident in generated.PROFILES}
            if fleet.size <= MEMBERSHIP_FLEET_LIMIT:
                for index in range(fleet.size):
                    for profile in generated.profiles(fleet, index):
                        members[profile["id"]].append(generated.device_id(index))
            self._seed_members = members
        return list(self._seed_members.get(profile_id, []))


class ProfileIds:
    """`id in state.profiles`: any profile or custom configuration profile of the account."""

    def __init__(self, config):
        self.config = config

    def __contains__(self, profile_id):
        return profile_id in self.config.profiles or profile_id in self.config.custom_profiles


def seed_custom_profile(pid, name, ident):
    return {"type": "custom_configuration_profile", "id": pid, "attributes": {
        "name": name, "reinstall_after_os_update": False, "profile_identifier": ident, "user_scope": False,
        "attribute_support": False, "escape_attributes": False}, "groups": [], "devices": None}


def seed_mobileconfig(name, ident):
    return plistlib.dumps({
        "PayloadContent": [], "PayloadDisplayName": name, "PayloadIdentifier": ident,
        "PayloadType": "Configuration", "PayloadUUID": ident.rsplit(".", 1)[-1].upper(), "PayloadVersion": 1})


_base_new_state = vendor.new_state


def new_state(app):
    state = _base_new_state(app)
    state.config = ConfigState(state)
    state.profiles = ProfileIds(state.config)
    return state


vendor.new_state = new_state


def config(request):
    return request.state.config


# ---- request bodies -----------------------------------------------------------------------

def fields(request):
    """(form fields, files {name: (filename, bytes)}) of a form, multipart or JSON body."""
    content_type = request.headers.get("Content-Type", "")
    if content_type.startswith("multipart/form-data"):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + request.body)
        if not message.is_multipart():
            raise HTTPError(400, "malformed multipart body")
        form, files = {}, {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            if part.get_filename() is not None:
                files[name] = (part.get_filename(), payload)
            else:
                form[name] = payload.decode("utf-8", "replace")
        return form, files
    return request.form(), {}


def truthy(value, name):
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true"):
        return True
    if text in ("0", "false"):
        return False
    raise HTTPError(422, "%s must be true or false" % name)


def set_flags(attributes, form):
    for flag in FLAGS:
        if flag in form:
            attributes[flag] = truthy(form[flag], flag)


def member_lists(record):
    return {"device_groups": {"data": [{"type": "device_group", "id": g} for g in sorted(record["groups"])]},
            "devices": {"data": [{"type": "device", "id": d} for d in sorted(record["devices"])]}}


def check_member(request, kind, member_id):
    state = request.state
    table = state.device_groups if kind == "device_groups" else state.devices
    if member_id not in table:
        raise HTTPError(404, "object not found")


def search_filter(request, table, fields_searched):
    term = (request.query.get("search") or "").lower()
    ids = sorted(table.ids())
    if term:
        ids = [i for i in ids if any(term in str(v).lower() for v in fields_searched(table.get(i)))]
    return ids


# ---- custom configuration profiles --------------------------------------------------------

def custom_profile_record(request, profile_id):
    cfg = config(request)
    record = cfg.custom_profiles.get(profile_id)
    if record is None:
        raise HTTPError(404, "object not found")
    if record["devices"] is None:  # a seed profile: its fleet members, materialised on first use
        record["devices"] = cfg.seed_members(profile_id)
        cfg.custom_profiles.put(record)
    return record


def present_custom_profile(request, record):
    """The reference's shape (list, create and update): device_groups only. The devices of a
    profile are not listed; `GET /devices/{id}/profiles` shows a device's direct profiles."""
    attributes = dict(record["attributes"])
    attributes["group_count"] = len(record["groups"])
    attributes["device_count"] = len(record["devices"])
    return {"type": "custom_configuration_profile", "id": record["id"], "attributes": attributes,
            "relationships": {"device_groups": member_lists(record)["device_groups"]}}


def read_mobileconfig(files, required):
    upload = files.get("mobileconfig")
    if upload is None:
        if required:
            raise HTTPError(422, "mobileconfig can't be blank")
        return None
    data = upload[1]
    try:
        parsed = plistlib.loads(data)
    except Exception:
        raise HTTPError(422, "mobileconfig is not a valid configuration profile")
    if not isinstance(parsed, dict):
        raise HTTPError(422, "mobileconfig is not a valid configuration profile")
    return data


@vendor.get("/custom_configuration_profiles")
def list_custom_profiles(request):
    table = config(request).custom_profiles
    ids = search_filter(request, table, lambda r: [r["attributes"]["name"]])
    return base.paginate(request, ids, lambda i: present_custom_profile(request, custom_profile_record(request, i)))


@vendor.post("/custom_configuration_profiles")
def create_custom_profile(request):
    cfg = config(request)
    form, files = fields(request)
    name = str(form.get("name") or "")
    if not name:
        raise HTTPError(422, "name can't be blank")
    data = read_mobileconfig(files, required=True)
    profile_id = cfg.new_id()
    attributes = {"name": name, "reinstall_after_os_update": False,
                  "profile_identifier": "com.unwiredmdm.%032x" % profile_id, "user_scope": True,
                  "attribute_support": False, "escape_attributes": False}
    set_flags(attributes, form)
    record = {"type": "custom_configuration_profile", "id": profile_id, "attributes": attributes,
              "groups": [], "devices": []}
    cfg.custom_profiles.put(record)
    cfg.mobileconfigs[profile_id] = data
    if cfg.empty_write_answers:
        return empty_response(201)
    return base.one(present_custom_profile(request, record), 201)


@vendor.patch("/custom_configuration_profiles/{id}")
def update_custom_profile(request):
    cfg = config(request)
    record = custom_profile_record(request, base.int_id(request.params["id"]))
    form, files = fields(request)
    if "name" in form:
        if not form["name"]:
            raise HTTPError(422, "name can't be blank")
        record["attributes"]["name"] = form["name"]
    set_flags(record["attributes"], form)
    data = read_mobileconfig(files, required=False)
    if data is not None:
        cfg.mobileconfigs[record["id"]] = data
    cfg.custom_profiles.put(record)
    if cfg.empty_write_answers:
        return empty_response(204)
    return base.one(present_custom_profile(request, record))


@vendor.get("/custom_configuration_profiles/{id}/download")
def download_custom_profile(request):
    """The reference shows no sample: the uploaded file as it was sent."""
    record = custom_profile_record(request, base.int_id(request.params["id"]))
    from .server import Response
    return Response(200, config(request).mobileconfigs[record["id"]], "application/x-apple-aspen-config",
                    {"Content-Disposition": 'attachment; filename="profile.mobileconfig"'})


@vendor.delete("/custom_configuration_profiles/{id}")
def delete_custom_profile(request):
    cfg = config(request)
    record = custom_profile_record(request, base.int_id(request.params["id"]))
    cfg.custom_profiles.delete(record["id"])
    cfg.mobileconfigs.pop(record["id"], None)
    return empty_response(204)


def member_routes(prefix, lookup, table_of):
    """POST/DELETE {prefix}/{id}/device_groups|devices/{member_id}."""
    for kind, key in (("device_groups", "groups"), ("devices", "devices")):
        def assign(request, kind=kind, key=key):
            record = lookup(request, base.int_id(request.params["id"]))
            member_id = base.int_id(request.params["member_id"])
            check_member(request, kind, member_id)
            if member_id in record[key]:
                raise HTTPError(409, "already assigned")
            record[key].append(member_id)
            table_of(request).put(record)
            return empty_response(204)

        def unassign(request, kind=kind, key=key):
            record = lookup(request, base.int_id(request.params["id"]))
            member_id = base.int_id(request.params["member_id"])
            if member_id not in record[key]:
                raise HTTPError(404, "object not found")
            record[key].remove(member_id)
            table_of(request).put(record)
            return empty_response(204)

        vendor.post("%s/{id}/%s/{member_id}" % (prefix, kind))(assign)
        vendor.delete("%s/{id}/%s/{member_id}" % (prefix, kind))(unassign)


member_routes("/custom_configuration_profiles", custom_profile_record, lambda r: config(r).custom_profiles)


# ---- profiles -----------------------------------------------------------------------------

def profile_record(request, profile_id):
    record = config(request).profiles.get(profile_id)
    if record is None:
        raise HTTPError(404, "object not found")
    return record


def present_profile(record, detail):
    """The reference's shapes: list items carry no relationships; "retrieve one" (`detail`) carries
    device_groups only (never the devices: see `GET /devices/{id}/profiles`)."""
    attributes = dict(record["attributes"])
    attributes["group_count"] = len(record["groups"])
    attributes["device_count"] = len(record["devices"])
    answer = {"type": record["type"], "id": record["id"], "attributes": attributes}
    if detail:
        answer["relationships"] = {"device_groups": member_lists(record)["device_groups"]}
    return answer


@vendor.get("/profiles")
def list_profiles(request):
    table = config(request).profiles
    ids = search_filter(request, table, lambda r: [r["attributes"]["name"], r["type"]])
    return base.paginate(request, ids, lambda i: present_profile(table.get(i), detail=False))


@vendor.get("/profiles/{id}")
def show_profile(request):
    return base.one(present_profile(profile_record(request, base.int_id(request.params["id"])), detail=True))


member_routes("/profiles", profile_record, lambda r: config(r).profiles)


# ---- a device's profiles ------------------------------------------------------------------

def device_profiles(request):
    """`GET /devices/{id}/profiles`: the profiles directly assigned to the device (the reference:
    "Profiles assigned through groups are not shown"), from the assignments this file keeps.
    Seed custom profiles not materialised yet answer from the generated fleet, as before."""
    state = request.state
    device = base.find_device(request)
    cfg = config(request)
    index = state.devices.index_of(device["id"])
    seeded = set(p["id"] for p in generated.profiles(state.fleet, index)) if index is not None else set()
    found = {}
    for profile_id in cfg.custom_profiles.ids():
        record = cfg.custom_profiles.get(profile_id)
        members = record["devices"]
        if (device["id"] in members) if members is not None else (profile_id in seeded):
            attributes = record["attributes"]
            found[profile_id] = {"type": "custom_configuration_profile", "id": profile_id, "attributes": {
                "name": attributes["name"], "profile_identifier": attributes["profile_identifier"],
                "user_scope": attributes["user_scope"], "attribute_support": attributes["attribute_support"]}}
    for profile_id in cfg.profiles.ids():
        record = cfg.profiles.get(profile_id)
        if device["id"] in record["devices"]:
            found[profile_id] = present_profile(record, detail=False)
    return base.paginate(request, sorted(found), found.get)


def _answer_device_profiles_here():
    """simplemdm.py registers `GET /devices/{id}/profiles` from the fleet alone; the assignments
    live in this file's state, so its handler is swapped for `device_profiles` (first match wins
    in the router, so registering a second route would never be reached)."""
    for number, (method, template, _handler, mounted, auth) in enumerate(vendor.routes):
        if method == "GET" and template == "/devices/{id}/profiles":
            vendor.routes[number] = (method, template, device_profiles, mounted, auth)
            return
    vendor.get("/devices/{id}/profiles")(device_profiles)


_answer_device_profiles_here()


# ---- push certificate ---------------------------------------------------------------------

def present_push_certificate(request):
    return {"type": "push_certificate", "attributes": dict(config(request).push_certificate)}


@vendor.get("/push_certificate")
def show_push_certificate(request):
    return base.one(present_push_certificate(request))


@vendor.put("/push_certificate")
def update_push_certificate(request):
    from cryptography import x509

    form, files = fields(request)
    upload = files.get("file")
    if upload is None and form.get("file"):
        upload = ("file", form["file"].encode())
    if upload is None:
        raise HTTPError(422, "file can't be blank")
    data = upload[1]
    try:
        if b"-----BEGIN CERTIFICATE-----" in data:
            cert = x509.load_pem_x509_certificate(data[data.index(b"-----BEGIN CERTIFICATE-----"):])
        else:
            cert = x509.load_der_x509_certificate(data)
    except ValueError:
        raise HTTPError(422, "file is not a valid push certificate")
    expiry = getattr(cert, "not_valid_after_utc", None) or cert.not_valid_after.replace(tzinfo=timezone.utc)
    current = config(request).push_certificate
    current["expires_at"] = expiry.isoformat(timespec="milliseconds")
    if form.get("apple_id"):
        current["apple_id"] = form["apple_id"]
    return base.one(present_push_certificate(request))


@vendor.get("/push_certificate/scsr")
def signed_csr(request):
    return json_response(200, {"data": SIGNED_CSR})


# ---- scripts ------------------------------------------------------------------------------

def script_record(request, script_id):
    record = config(request).scripts.get(script_id)
    if record is None:
        raise HTTPError(404, "object not found")
    return record


def script_content(form, files, required):
    if "file" in files:
        text = files["file"][1].decode("utf-8", "replace")
    elif "file" in form:
        text = str(form["file"])
    elif required:
        raise HTTPError(422, "file can't be blank")
    else:
        return None
    if not text.startswith("#!"):
        raise HTTPError(422, "file must begin with a valid shebang such as #!/bin/sh")
    return text


@vendor.get("/scripts")
def list_scripts(request):
    table = config(request).scripts
    return base.paginate(request, sorted(table.ids()), table.get)


@vendor.get("/scripts/{id}")
def show_script(request):
    return base.one(script_record(request, base.int_id(request.params["id"])))


@vendor.post("/scripts")
def create_script(request):
    cfg = config(request)
    form, files = fields(request)
    name = str(form.get("name") or "")
    if not name:
        raise HTTPError(422, "name can't be blank")
    content = script_content(form, files, required=True)
    stamp = now_stamp()
    record = {"type": "script", "id": cfg.new_id(), "attributes": {
        "name": name, "content": content,
        "variable_support": truthy(form.get("variable_support", "0"), "variable_support"),
        "created_at": stamp, "updated_at": stamp}}
    cfg.scripts.put(record)
    return base.one(record, 201)


@vendor.patch("/scripts/{id}")
def update_script(request):
    cfg = config(request)
    record = script_record(request, base.int_id(request.params["id"]))
    form, files = fields(request)
    attributes = record["attributes"]
    if "name" in form:
        if not form["name"]:
            raise HTTPError(422, "name can't be blank")
        attributes["name"] = form["name"]
    if "variable_support" in form:
        attributes["variable_support"] = truthy(form["variable_support"], "variable_support")
    content = script_content(form, files, required=False)
    if content is not None:
        attributes["content"] = content
    attributes["updated_at"] = now_stamp()
    cfg.scripts.put(record)
    return base.one(record)


@vendor.delete("/scripts/{id}")
def delete_script(request):
    cfg = config(request)
    record = script_record(request, base.int_id(request.params["id"]))
    cfg.scripts.delete(record["id"])
    return empty_response(204)


# ---- script jobs --------------------------------------------------------------------------

def id_list(form, name):
    raw = str(form.get(name) or "").strip()
    if not raw:
        return []
    try:
        return [int(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        raise HTTPError(422, "%s must be a comma separated list of ids" % name)


def is_mac(device):
    product = device["attributes"].get("product_name") or ""
    return product.startswith(("Mac", "iMac"))


def group_devices(request, group_ids):
    """macOS devices of device groups (one scan of the devices)."""
    state = request.state
    wanted = set(group_ids)
    found = []
    for device_id in state.devices.ids():
        device = state.devices.get(device_id)
        group = ((device.get("relationships") or {}).get("device_group") or {}).get("data") or {}
        if group.get("id") in wanted and is_mac(device):
            found.append(device_id)
    return found


def assignment_group_devices(request, group_ids):
    try:
        from .simplemdm_catalog import catalog
    except ImportError:  # assignment groups not served: no devices from them
        return []
    groups = catalog(request).groups
    device_ids, device_group_ids = [], []
    for group_id in group_ids:
        group = groups.get(group_id)
        if group is None:
            raise HTTPError(404, "object not found")
        device_ids.extend(group.get("devices") or [])
        device_group_ids.extend(group.get("device_groups") or [])
    state = request.state
    macs = [d for d in device_ids if d in state.devices and is_mac(state.devices.get(d))]
    return macs + group_devices(request, device_group_ids)


def script_outcome(content):
    """(status, status code, output) a device reports for a script."""
    output = []
    for line in content.replace("\r\n", "\n").split("\n"):
        line = line.strip()
        if line.startswith("echo "):
            try:
                output.append(" ".join(shlex.split(line[5:])))
            except ValueError:
                output.append(line[5:])
        found = re.match(r"^exit\s+(\d+)", line)
        if found and int(found.group(1)):
            return "error", found.group(1), "".join(o + "\n" for o in output)
    return "completed", "0", "".join(o + "\n" for o in output)


def advance(request, job):
    """A job's devices finish `job_seconds` after it was created."""
    if job["status"] != "pending" or time.time() < job["done_at"]:
        return job
    status, code, output = script_outcome(job["attributes"]["content"])
    for device in job["devices"]:
        if device["status"] == "pending":
            device.update(status=status, status_code=code, response=output)
    errors = sum(1 for d in job["devices"] if d["status"] == "error")
    job["status"] = "completed-with-errors" if errors else "completed"
    job["attributes"]["updated_at"] = now_stamp()
    config(request).jobs.put(job)
    return job


def present_job(job, detail=True):
    attributes = dict(job["attributes"])
    devices = job["devices"]
    attributes.update(status=job["status"],
                      pending_count=sum(1 for d in devices if d["status"] == "pending"),
                      success_count=sum(1 for d in devices if d["status"] == "completed"),
                      errored_count=sum(1 for d in devices if d["status"] == "error"))
    entries = []
    for device in devices:
        entry = {"type": "device", "id": device["id"], "status": device["status"]}
        if detail:
            entry.update(status_code=device["status_code"], response=device["response"])
        entries.append(entry)
    relationships = {"device": {"data": entries}}
    if job["custom_attribute"]:
        relationships["custom_attribute"] = {"data": {"type": "custom_attribute", "id": job["custom_attribute"]}}
    return {"type": "script_job", "id": job["id"], "attributes": attributes, "relationships": relationships}


def job_record(request, job_id):
    job = config(request).jobs.get(job_id)
    if job is None:
        raise HTTPError(404, "object not found")
    return advance(request, job)


@vendor.get("/script_jobs")
def list_jobs(request):
    table = config(request).jobs
    return base.paginate(request, sorted(table.ids()), lambda i: present_job(job_record(request, i), detail=False))


@vendor.get("/script_jobs/{id}")
def show_job(request):
    return base.one(present_job(job_record(request, base.int_id(request.params["id"]))))


@vendor.post("/script_jobs")
def create_job(request):
    cfg = config(request)
    state = request.state
    form, _files = fields(request)
    if not str(form.get("script_id") or "").strip():
        raise HTTPError(422, "script_id can't be blank")
    script = script_record(request, base.int_id(str(form["script_id"])))
    device_ids = id_list(form, "device_ids")
    group_ids = id_list(form, "group_ids")
    assignment_group_ids = id_list(form, "assignment_group_ids")
    if not (device_ids or group_ids or assignment_group_ids):
        raise HTTPError(422, "at least one of device_ids, group_ids or assignment_group_ids must be provided")
    for device_id in device_ids:
        if device_id not in state.devices:
            raise HTTPError(404, "object not found")
    for group_id in group_ids:
        if group_id not in state.device_groups:
            raise HTTPError(404, "object not found")
    custom_attribute = form.get("custom_attribute") or None
    if custom_attribute and state.find_attribute(custom_attribute) is None:
        raise HTTPError(404, "object not found")
    targets = list(device_ids) + group_devices(request, group_ids) + assignment_group_devices(
        request, assignment_group_ids)
    unique = sorted(set(targets), key=targets.index)
    job_id = cfg.new_id()
    stamp = now_stamp()
    attributes = script["attributes"]
    job = {"type": "script_job", "id": job_id, "status": "pending", "done_at": time.time() + cfg.job_seconds,
           "custom_attribute": custom_attribute,
           "devices": [{"id": d, "status": "pending", "status_code": None, "response": None} for d in unique],
           "attributes": {"script_name": attributes["name"], "job_name": "API Job", "content": attributes["content"],
                          "job_id": "%05x" % (job_id % 0xFFFFF), "variable_support": attributes["variable_support"],
                          "custom_attribute_regex": form.get("custom_attribute_regex", "\n") if custom_attribute
                          else "\n", "created_by": "API (Simulator)", "created_at": stamp, "updated_at": stamp}}
    cfg.jobs.put(job)
    return base.one(present_job(job), 201)


@vendor.delete("/script_jobs/{id}")
def cancel_job(request):
    """The reference shows 204; a job whose devices already ran answers 422 (not shown there)."""
    job = job_record(request, base.int_id(request.params["id"]))
    if job["status"] != "pending":
        raise HTTPError(422, "job can no longer be canceled")
    for device in job["devices"]:
        if device["status"] == "pending":
            device["status"] = "cancelled"
    job["status"] = "cancelled"
    job["attributes"]["updated_at"] = now_stamp()
    config(request).jobs.put(job)
    return empty_response(204)


# ---- custom declarations (SimpleMDM public API; not in the reference) ---------------------

def declaration_record(request, declaration_id):
    record = config(request).declarations.get(declaration_id)
    if record is None:
        raise HTTPError(404, "object not found")
    return record


def present_declaration(record):
    attributes = dict(record["attributes"])
    attributes["group_count"] = len(record["groups"])
    attributes["device_count"] = len(record["devices"])
    return {"type": "custom_declaration", "id": record["id"], "attributes": attributes,
            "relationships": member_lists(record)}


def declaration_settings(attributes, form, creating):
    for key in ("name", "declaration_type", "payload"):
        if key in form or creating:
            value = str(form.get(key) or "")
            if not value:
                raise HTTPError(422, "%s can't be blank" % key)
            attributes[key] = value
    try:
        payload = json.loads(attributes["payload"])
    except ValueError:
        raise HTTPError(422, "payload is not valid JSON")
    if not isinstance(payload, dict):
        raise HTTPError(422, "payload must be a JSON object")
    if "activation_predicate" in form:
        attributes["activation_predicate"] = str(form["activation_predicate"] or "")
    set_flags(attributes, form)


@vendor.get("/custom_declarations")
def list_declarations(request):
    table = config(request).declarations
    return base.paginate(request, sorted(table.ids()), lambda i: present_declaration(table.get(i)))


@vendor.get("/custom_declarations/{id}")
def show_declaration(request):
    return base.one(present_declaration(declaration_record(request, base.int_id(request.params["id"]))))


@vendor.post("/custom_declarations")
def create_declaration(request):
    cfg = config(request)
    form, _files = fields(request)
    declaration_id = cfg.new_id()
    attributes = {"name": "", "declaration_type": "", "payload": "{}", "activation_predicate": "",
                  "user_scope": True, "attribute_support": False, "escape_attributes": False,
                  "reinstall_after_os_update": False,
                  "profile_identifier": "com.unwiredmdm.declaration.%032x" % declaration_id}
    declaration_settings(attributes, form, creating=True)
    record = {"type": "custom_declaration", "id": declaration_id, "attributes": attributes,
              "groups": [], "devices": []}
    cfg.declarations.put(record)
    return base.one(present_declaration(record), 201)


@vendor.patch("/custom_declarations/{id}")
def update_declaration(request):
    cfg = config(request)
    record = declaration_record(request, base.int_id(request.params["id"]))
    form, _files = fields(request)
    attributes = copy.deepcopy(record["attributes"])
    declaration_settings(attributes, form, creating=False)
    record["attributes"] = attributes
    cfg.declarations.put(record)
    return base.one(present_declaration(record))


@vendor.delete("/custom_declarations/{id}")
def delete_declaration(request):
    record = declaration_record(request, base.int_id(request.params["id"]))
    config(request).declarations.delete(record["id"])
    return empty_response(204)


@vendor.post("/custom_declarations/{id}/devices/{member_id}")
def assign_declaration(request):
    record = declaration_record(request, base.int_id(request.params["id"]))
    member_id = base.int_id(request.params["member_id"])
    check_member(request, "devices", member_id)
    if member_id in record["devices"]:
        raise HTTPError(409, "already assigned")
    record["devices"].append(member_id)
    config(request).declarations.put(record)
    return empty_response(204)


@vendor.delete("/custom_declarations/{id}/devices/{member_id}")
def unassign_declaration(request):
    record = declaration_record(request, base.int_id(request.params["id"]))
    member_id = base.int_id(request.params["member_id"])
    if member_id not in record["devices"]:
        raise HTTPError(404, "object not found")
    record["devices"].remove(member_id)
    config(request).declarations.put(record)
    return empty_response(204)


# ---- test control -------------------------------------------------------------------------

@controls.post("/simplemdm/config")
def config_control(request):
    state = request.app.states["simplemdm"]
    body = request.json() or {}
    if "job_seconds" in body:
        try:
            state.config.job_seconds = max(0.0, float(body["job_seconds"]))
        except (TypeError, ValueError):
            raise HTTPError(400, "job_seconds must be a number")
    if "empty_write_answers" in body:
        state.config.empty_write_answers = bool(body["empty_write_answers"])
    return json_response(200, {"job_seconds": state.config.job_seconds,
                               "empty_write_answers": state.config.empty_write_answers})
