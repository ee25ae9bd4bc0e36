"""SimpleMDM catalog endpoints: account update, apps (App Store, .ipa/.pkg uploads, installs,
Munki pkginfo), managed app configs, assignment groups (members, push/update apps, profile
sync with its rate limit, clone) and custom attribute value writes.

Registered on the SimpleMDM vendor of simplemdm.py (same mount, auth and error bodies).
Shapes, paths and statuses follow the reference (../shared/seeds/001_...txt); where it shows
no answer the choice is noted on the handler.

State lives on the SimpleMDM state object as `request.state.catalog` (made on first use, so
`POST /_sim/reset` restores the seed catalog with everything else).

Seed catalog: apps 34 Afterlight (app store), 63 Surf Report (enterprise, 2.2), 67 Scanner Pro
(custom b2b), and 90 Shared Keynote (shared catalog: listed only with include_shared, not
changeable); managed configs of app 63 (ids 13, 14, 32 as in the reference); assignment groups
26 "SimpleMDM" and 38 "Productivity Apps" (shown in the reference's shape: see present_group).  The App Store knows the ids and bundle ids in
APP_STORE; anything else is answered 422.

Control (no auth, not logged):
POST /_sim/simplemdm/catalog  {"sync_profiles_interval": seconds}  shortens the 30 s
                              sync_profiles rate limit for tests; {"processing_reads": n} keeps
                              later uploads "processing" for n more reads of the app (default 0:
                              processed at the first read); answers the settings.
GET  /_sim/simplemdm/assignment_groups/{id}  the whole stored group, with what the API does not
                              show (priority, type, install_type, app_track_location, profiles).
"""

import email.parser
import email.policy
import io
import math
import plistlib
import re
import struct
import time
import zipfile
import zlib
from xml.etree import ElementTree

from . import simplemdm as base
from .controls import vendor as controls
from .server import HTTPError, empty_response, json_response
from .store import Table

vendor = base.vendor

APP_STORE = {  # itunes id -> (name, bundle id)
    573116090: ("Afterlight", "com.simonfilip.AfterGlow"),
    1090161858: ("My App", "com.myCompany.MyApp1"),
    310633997: ("WhatsApp Messenger", "net.whatsapp.WhatsApp"),
    951937596: ("Microsoft Outlook", "com.microsoft.Office.Outlook"),
}
SEED_APPS = [
    {"type": "app", "id": 34, "attributes": {
        "name": "Afterlight", "bundle_identifier": "com.simonfilip.AfterGlow", "app_type": "app store",
        "itunes_store_id": 573116090, "installation_channels": ["standard"], "platform_support": "iOS",
        "processing_status": "processed"}},
    {"type": "app", "id": 63, "attributes": {
        "name": "Surf Report", "bundle_identifier": "com.portlandsurfclub.ent.surfreport2.2",
        "app_type": "enterprise", "version": "2.2", "installation_channels": ["standard"],
        "platform_support": "iOS", "processing_status": "processed"}},
    {"type": "app", "id": 67, "attributes": {
        "name": "Scanner Pro", "app_type": "custom b2b", "itunes_store_id": 44827291,
        "installation_channels": ["standard"], "platform_support": "iOS", "processing_status": "processed"}},
]
SHARED_APPS = [
    {"type": "app", "id": 90, "attributes": {
        "name": "Shared Keynote", "bundle_identifier": "com.apple.Keynote", "app_type": "app store",
        "itunes_store_id": 361285480, "installation_channels": ["standard"], "platform_support": "iOS",
        "processing_status": "processed"}},
]
SEED_CONFIGS = {63: [
    {"type": "managed_config", "id": 14, "attributes": {"key": "customer_name", "value": "ACME Inc.",
                                                        "value_type": "string"}},
    {"type": "managed_config", "id": 32, "attributes": {"key": "User IDs", "value": "1,53,3",
                                                        "value_type": "integer array"}},
    {"type": "managed_config", "id": 13, "attributes": {"key": "Device values", "value": "\"$imei\",\"$udid\"",
                                                        "value_type": "string array"}},
]}
SEED_GROUPS = [
    {"id": 26, "name": "SimpleMDM", "auto_deploy": True, "priority": 1, "apps": [34],
     "device_groups": [37], "devices": [101], "profiles": []},
    {"id": 38, "name": "Productivity Apps", "auto_deploy": False, "priority": 2, "apps": [63, 67],
     "device_groups": [37, 38], "devices": [102], "profiles": [145594]},
]
VALUE_TYPES = ("boolean", "date", "float", "float array", "integer", "integer array", "string", "string array")
INSTALL_TYPES = ("managed", "self_serve", "default_installs", "managed_updates")
MEMBER_KINDS = ("apps", "device_groups", "devices", "profiles")
SHOWN_MEMBER_KINDS = ("apps", "device_groups", "devices")  # the relationships the reference shows
SYNC_PROFILES_INTERVAL = 30


class CatalogState:
    def __init__(self, state):
        self.account = {"name": "SimpleMDM Simulator", "apple_store_country_code": "US"}
        self.apps = Table.of(SEED_APPS)
        self.shared = Table.of(SHARED_APPS)
        self.configs = dict((app_id, list(configs)) for app_id, configs in SEED_CONFIGS.items())
        self.munki = {}  # app id -> pkginfo bytes
        self.groups = Table.of([dict(g, type="standard", install_type="managed", app_track_location=True)
                                for g in SEED_GROUPS])
        self.group_values = {}  # (device group id, attribute name) -> value
        self.next_id = 1000
        self.last_sync = None
        self.sync_interval = SYNC_PROFILES_INTERVAL
        self.processing_reads = {}  # app id -> GETs left before "processed"
        self.processing_reads_after_upload = 0  # GETs an upload stays "processing" after the first

    def new_id(self):
        self.next_id += 1
        return self.next_id


def catalog(request):
    state = request.state
    if getattr(state, "catalog", None) is None:
        state.catalog = CatalogState(state)
    return state.catalog


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
    text = str(value).strip().lower()
    if text in ("1", "true"):
        return True
    if text in ("0", "false"):
        return False
    raise HTTPError(422, "%s must be true or false" % name)


# ---- account ------------------------------------------------------------------------------

def present_account(request):
    attributes = dict(catalog(request).account)
    total = request.state.devices.count()
    attributes["subscription"] = {"licenses": {"total": total + 500, "available": 500}}
    return {"type": "account", "attributes": attributes}


def show_account(request):
    return base.one(present_account(request))


@vendor.patch("/account")
def update_account(request):
    form, _files = fields(request)
    account = catalog(request).account
    if "name" in form:
        if not str(form["name"]).strip():
            raise HTTPError(422, "name can't be blank")
        account["name"] = str(form["name"])
    if "apple_store_country_code" in form:
        code = str(form["apple_store_country_code"])
        if not re.match(r"^[A-Z]{2}$", code):
            raise HTTPError(422, "apple_store_country_code is not a valid country code")
        account["apple_store_country_code"] = code
    answer = present_account(request)
    del answer["attributes"]["subscription"]  # the reference's answer shows name and country only
    return base.one(answer)


# simplemdm.py answers GET /account with fixed values; serve the stored account instead so an
# update shows in later reads (the first route matching a request wins).
for _number, (_method, _template, _handler, _mounted, _auth) in enumerate(vendor.routes):
    if _method == "GET" and _template == "/account":
        vendor.routes[_number] = (_method, _template, show_account, _mounted, _auth)
        break
else:
    vendor.get("/account")(show_account)


# ---- binaries -----------------------------------------------------------------------------

def read_ipa(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = [n for n in archive.namelist() if re.match(r"^Payload/[^/]+\.app/Info\.plist$", n)]
            info = plistlib.loads(archive.read(names[0])) if names else None
    except (zipfile.BadZipFile, plistlib.InvalidFileException, ValueError, KeyError):
        info = None
    if not isinstance(info, dict) or not info.get("CFBundleIdentifier"):
        raise HTTPError(422, "binary is not a valid ipa")
    return {"name": info.get("CFBundleDisplayName") or info.get("CFBundleName") or "App",
            "bundle_identifier": info["CFBundleIdentifier"],
            "version": str(info.get("CFBundleShortVersionString") or info.get("CFBundleVersion") or ""),
            "app_type": "enterprise", "platform_support": "iOS"}


def read_pkg(data, filename):
    try:
        if data[:4] != b"xar!":
            raise ValueError("not xar")
        header_size, _v, toc_length, _u, _c = struct.unpack(">HHQQI", data[4:28])
        toc = ElementTree.fromstring(zlib.decompress(data[header_size:header_size + toc_length]))
        heap = header_size + toc_length
        info = None
        for entry in toc.iter("file"):
            if entry.findtext("name") == "PackageInfo" and entry.find("data") is not None:
                node = entry.find("data")
                offset, length = int(node.findtext("offset")), int(node.findtext("length"))
                raw = data[heap + offset:heap + offset + length]
                encoding = node.find("encoding")
                if encoding is not None and encoding.get("style") == "application/x-gzip":
                    raw = zlib.decompress(raw)
                info = ElementTree.fromstring(raw)
                break
        if info is None or not info.get("identifier"):
            raise ValueError("no PackageInfo")
    except (ValueError, struct.error, zlib.error, ElementTree.ParseError):
        raise HTTPError(422, "binary is not a valid pkg")
    return {"name": re.sub(r"\.pkg$", "", filename or "Package", flags=re.I),
            "bundle_identifier": info.get("identifier"), "version": info.get("version") or "",
            "app_type": "macos", "platform_support": "macOS"}


def read_binary(upload):
    filename, data = upload
    lower = (filename or "").lower()
    if lower.endswith(".ipa"):
        return read_ipa(data)
    if lower.endswith(".pkg"):
        return read_pkg(data, filename)
    raise HTTPError(422, "binary must have an ipa or pkg extension")


# ---- apps ---------------------------------------------------------------------------------

def find_app(request, include_shared=True):
    cat = catalog(request)
    app_id = base.int_id(request.params["id"])
    app = cat.apps.get(app_id)
    if app is None and include_shared:
        app = cat.shared.get(app_id)
    if app is None:
        raise HTTPError(404, "object not found")
    return app


def present_app(request, app):
    """Uploads show processing_status "processing" to the first read after them."""
    cat = catalog(request)
    left = cat.processing_reads.get(app["id"])
    if left is not None:
        if left <= 0:
            cat.processing_reads.pop(app["id"])
            app["attributes"]["processing_status"] = "processed"
            cat.apps.put(app)
        else:
            cat.processing_reads[app["id"]] = left - 1
    return app


@vendor.get("/apps")
def list_apps(request):
    cat = catalog(request)
    records = {app_id: cat.apps.get(app_id) for app_id in cat.apps.ids()}
    if request.flag("include_shared"):
        records.update({app_id: cat.shared.get(app_id) for app_id in cat.shared.ids()})
    return base.paginate(request, sorted(records), records.get)


@vendor.get("/apps/{id}")
def show_app(request):
    app = find_app(request)
    if app["id"] in catalog(request).apps:
        app = present_app(request, app)
    return base.one(app)


@vendor.post("/apps")
def create_app(request):
    cat = catalog(request)
    form, files = fields(request)
    given = [k for k in ("app_store_id", "bundle_id") if form.get(k)] + (["binary"] if "binary" in files else [])
    if len(given) != 1:
        raise HTTPError(422, "One and only one of app_store_id, bundle_id, or binary must be specified")
    attributes = {"installation_channels": ["standard"], "processing_status": "processed"}
    app_id = cat.new_id()
    if given == ["binary"]:
        attributes.update(read_binary(files["binary"]))
        if form.get("name"):
            attributes["name"] = form["name"]
        attributes["processing_status"] = "processing"
        cat.processing_reads[app_id] = cat.processing_reads_after_upload
    else:
        if form.get("name"):
            raise HTTPError(422, "name can only be specified with a binary")
        if given == ["app_store_id"]:
            try:
                store_id = int(form["app_store_id"])
            except ValueError:
                store_id = None
            entry = APP_STORE.get(store_id)
        else:
            store_id, entry = next(((i, e) for i, e in APP_STORE.items() if e[1] == form["bundle_id"]),
                                   (None, None))
        if entry is None:
            raise HTTPError(422, "app could not be found in the App Store")
        attributes.update({"name": entry[0], "bundle_identifier": entry[1], "app_type": "app store",
                           "itunes_store_id": store_id, "platform_support": "iOS"})
    app = {"type": "app", "id": app_id, "attributes": attributes}
    cat.apps.put(app)
    return base.one(app, 201)


@vendor.patch("/apps/{id}")
def update_app(request):
    cat = catalog(request)
    app = find_app(request)
    if app["id"] not in cat.apps:
        raise HTTPError(422, "shared apps cannot be modified")
    form, files = fields(request)
    deploy_to = form.get("deploy_to") or "none"
    if deploy_to not in ("none", "outdated", "all"):
        raise HTTPError(422, "deploy_to must be one of none, outdated or all")
    if "binary" in files:
        read = read_binary(files["binary"])
        if app["attributes"].get("app_type") == "app store":
            raise HTTPError(422, "the binary of an App Store app cannot be replaced")
        app["attributes"].update(read)
        app["attributes"]["processing_status"] = "processing"
        cat.processing_reads[app["id"]] = cat.processing_reads_after_upload
    if form.get("name"):
        app["attributes"]["name"] = form["name"]
    cat.apps.put(app)
    return base.one(app)


@vendor.delete("/apps/{id}")
def delete_app(request):
    cat = catalog(request)
    app = find_app(request)
    if app["id"] not in cat.apps:
        raise HTTPError(422, "shared apps cannot be deleted")
    cat.apps.delete(app["id"])
    cat.configs.pop(app["id"], None)
    cat.munki.pop(app["id"], None)
    for group_id in list(cat.groups.ids()):
        group = cat.groups.get(group_id)
        if app["id"] in group["apps"]:
            group["apps"].remove(app["id"])
            cat.groups.put(group)
    return empty_response(204)


@vendor.get("/apps/{id}/installs")
def list_installs(request):
    app = find_app(request)
    identifier = app["attributes"].get("bundle_identifier")
    installs = {}
    for device_id in request.state.devices.ids()[:40]:
        index = request.state.devices.index_of(device_id)
        if index is None:
            continue
        for item in base.generated.installed_apps(request.state.fleet, index):
            if item["attributes"]["identifier"] == identifier:
                entry = dict(item, relationships={"device": {"data": {"type": "device", "id": device_id}}})
                installs[item["id"]] = entry
    for number, device_id in enumerate(group_devices(request, app["id"])):
        if device_id in request.state.devices:
            install_id = 900000 + app["id"] * 1000 + number
            installs.setdefault(install_id, {
                "type": "installed_app", "id": install_id,
                "attributes": {"name": app["attributes"].get("name"), "identifier": identifier,
                               "version": app["attributes"].get("version") or "1.0",
                               "short_version": app["attributes"].get("version") or "1.0",
                               "bundle_size": 56163003, "dynamic_size": None, "managed": True,
                               "discovered_at": "2021-11-08T09:02:07.000-08:00",
                               "last_seen_at": "2021-12-22T13:01:58.000-08:00"},
                "relationships": {"device": {"data": {"type": "device", "id": device_id}}}})
    return base.paginate(request, sorted(installs), installs.get)


def group_devices(request, app_id):
    cat = catalog(request)
    devices = []
    for group_id in cat.groups.ids():
        group = cat.groups.get(group_id)
        if app_id in group["apps"]:
            devices.extend(d for d in group["devices"] if d not in devices)
    return devices


@vendor.post("/apps/{id}/munki_pkginfo")
def upload_munki_pkginfo(request):
    app = find_app(request, include_shared=False)
    _form, files = fields(request)
    if "file" not in files:
        raise HTTPError(422, "file is required")
    content = files["file"][1]
    try:
        plistlib.loads(content)
    except (plistlib.InvalidFileException, ValueError):
        try:
            ElementTree.fromstring(content)
        except ElementTree.ParseError:
            raise HTTPError(422, "file must be an XML or PLIST file")
    catalog(request).munki[app["id"]] = content
    return empty_response(202)


@vendor.delete("/apps/{id}/munki_pkginfo")
def delete_munki_pkginfo(request):
    app = find_app(request, include_shared=False)
    if catalog(request).munki.pop(app["id"], None) is None:
        raise HTTPError(404, "object not found")  # not in the reference: nothing to delete
    return empty_response(204)


# ---- managed configs ----------------------------------------------------------------------

def check_config_value(value, value_type):
    number = r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?"
    patterns = {
        "boolean": r"[01]",
        "float": number,
        "float array": r"%s(\s*,\s*%s)*" % (number, number),
        "integer": r"[+-]?\d+",
        "integer array": r"[+-]?\d+(\s*,\s*[+-]?\d+)*",
        "string array": r'"[^"]*"(\s*,\s*"[^"]*")*',
        "date": r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)",
        "string": r"(?s).*",
    }
    return re.fullmatch(patterns[value_type], value) is not None


@vendor.get("/apps/{id}/managed_configs")
def list_managed_configs(request):
    app = find_app(request)
    configs = {c["id"]: c for c in catalog(request).configs.get(app["id"], [])}
    return base.paginate(request, sorted(configs), configs.get)


@vendor.post("/apps/{id}/managed_configs")
def create_managed_config(request):
    cat = catalog(request)
    app = find_app(request, include_shared=False)
    form, _files = fields(request)
    key = form.get("key")
    if not key:
        raise HTTPError(422, "key can't be blank")
    value_type = form.get("value_type") or "string"
    if value_type not in VALUE_TYPES:
        raise HTTPError(422, "value_type is not included in the list")
    value = str(form.get("value") or "")
    if not check_config_value(value, value_type):
        raise HTTPError(422, "value is not a valid %s" % value_type)
    configs = cat.configs.setdefault(app["id"], [])
    if any(c["attributes"]["key"] == key for c in configs):
        raise HTTPError(422, "key has already been taken")
    config = {"type": "managed_config", "id": cat.new_id(),
              "attributes": {"key": key, "value": value, "value_type": value_type}}
    configs.append(config)
    return base.one(config, 201)


@vendor.delete("/apps/{id}/managed_configs/{config_id}")
def delete_managed_config(request):
    app = find_app(request, include_shared=False)
    config_id = base.int_id(request.params["config_id"])
    configs = catalog(request).configs.get(app["id"], [])
    kept = [c for c in configs if c["id"] != config_id]
    if len(kept) == len(configs):
        raise HTTPError(404, "object not found")
    catalog(request).configs[app["id"]] = kept
    return empty_response(204)  # status not in the reference


@vendor.post("/apps/{id}/managed_configs/push")
def push_managed_configs(request):
    find_app(request)
    return empty_response(202)  # status not in the reference


# ---- assignment groups --------------------------------------------------------------------

def present_group(group):
    """The reference's group object (List all, Retrieve one): attributes `name` and `auto_deploy`,
    relationships `apps`, `device_groups` and `devices`; nothing else.

    The group also has a priority, a type, an install type, app_track_location and profiles (the
    Create arguments; the profile assign endpoints), but the reference never shows them on a read.
    Public clients of SimpleMDM's API read some of them as optional fields
    (DavidKrau/terraform-provider-simplemdm provider/assignment_group_helpers.go: `priority` and
    `app_track_location` as optional pointers, `type`, `install_type`, a `profiles`
    relationship); SimpleMDM's API documentation (api.simplemdm.com, as far as it could be read with
    the search tool) shows no more than the reference. So they are kept here but not shown: the
    modules must cope with an API that leaves them out. `GET /_sim/simplemdm/assignment_groups/{id}`
    shows the whole stored group to tests."""
    return {"type": "assignment_group", "id": group["id"],
            "attributes": {"name": group["name"], "auto_deploy": group["auto_deploy"]},
            "relationships": dict((kind, {"data": [{"type": kind[:-1], "id": i} for i in group[kind]]})
                                  for kind in SHOWN_MEMBER_KINDS)}


def find_group(request):
    group = catalog(request).groups.get(base.int_id(request.params["id"]))
    if group is None:
        raise HTTPError(404, "object not found")
    return group


def group_settings(group, form, creating):
    """Create takes name, priority, auto_deploy, type, install_type and app_track_location; the
    reference's Update takes name, priority and auto_deploy only (other fields are ignored, as an
    API ignores parameters it does not permit)."""
    if "name" in form:
        if not str(form["name"]).strip():
            raise HTTPError(422, "name can't be blank")
        group["name"] = str(form["name"])
    if form.get("priority") not in (None, ""):
        try:
            group["priority"] = int(form["priority"])
        except ValueError:
            raise HTTPError(422, "priority must be an integer")
    if form.get("auto_deploy") not in (None, ""):
        group["auto_deploy"] = truthy(form["auto_deploy"], "auto_deploy")
    if not creating:
        return
    if form.get("app_track_location") not in (None, ""):
        group["app_track_location"] = truthy(form["app_track_location"], "app_track_location")
    if form.get("type") not in (None, ""):
        if form["type"] not in ("standard", "munki"):
            raise HTTPError(422, "type must be one of standard or munki")
        group["type"] = form["type"]
    if form.get("install_type") not in (None, ""):
        if form["install_type"] not in INSTALL_TYPES:
            raise HTTPError(422, "install_type must be one of %s" % ", ".join(INSTALL_TYPES))
        group["install_type"] = form["install_type"]


@vendor.get("/assignment_groups")
def list_groups(request):
    groups = catalog(request).groups
    return base.paginate(request, sorted(groups.ids()), lambda i: present_group(groups.get(i)))


@vendor.get("/assignment_groups/{id}")
def show_group(request):
    return base.one(present_group(find_group(request)))


@vendor.post("/assignment_groups")
def create_group(request):
    cat = catalog(request)
    form, _files = fields(request)
    if not str(form.get("name") or "").strip():
        raise HTTPError(422, "name can't be blank")
    group = {"id": cat.new_id(), "name": "", "auto_deploy": True, "priority": 0, "type": "standard",
             "install_type": "managed", "app_track_location": True,
             "apps": [], "device_groups": [], "devices": [], "profiles": []}
    group_settings(group, form, creating=True)
    cat.groups.put(group)
    answer = present_group(group)
    answer["priority"] = group["priority"]  # the reference's answer shows it beside the attributes
    return base.one(answer, 201)


@vendor.patch("/assignment_groups/{id}")
def update_group(request):
    group = find_group(request)
    form, _files = fields(request)
    group_settings(group, form, creating=False)
    catalog(request).groups.put(group)
    return empty_response(204)


@vendor.delete("/assignment_groups/{id}")
def delete_group(request):
    group = find_group(request)
    catalog(request).groups.delete(group["id"])
    return empty_response(204)


def member_exists(request, kind, member_id):
    state = request.state
    if kind == "apps":
        return member_id in catalog(request).apps or member_id in catalog(request).shared
    if kind == "device_groups":
        return member_id in state.device_groups
    if kind == "devices":
        return member_id in state.devices
    profiles = getattr(state, "profiles", None)  # served by another simulator file when present
    if profiles is not None and hasattr(profiles, "__contains__"):
        try:
            return member_id in profiles
        except TypeError:
            pass
    return member_id in [p[0] for p in base.generated.PROFILES]


def member_route(kind):
    def assign(request):
        group = find_group(request)
        member_id = base.int_id(request.params["member_id"])
        if not member_exists(request, kind, member_id):
            raise HTTPError(404, "object not found")
        if member_id in group[kind]:
            raise HTTPError(409, "already assigned")
        group[kind].append(member_id)
        catalog(request).groups.put(group)
        return empty_response(204)

    def unassign(request):
        group = find_group(request)
        member_id = base.int_id(request.params["member_id"])
        if member_id not in group[kind]:
            raise HTTPError(404, "object not found")
        group[kind].remove(member_id)
        catalog(request).groups.put(group)
        return empty_response(204)

    vendor.post("/assignment_groups/{id}/%s/{member_id}" % kind)(assign)
    vendor.delete("/assignment_groups/{id}/%s/{member_id}" % kind)(unassign)


for _kind in MEMBER_KINDS:
    member_route(_kind)


@vendor.post("/assignment_groups/{id}/push_apps")
def push_apps(request):
    find_group(request)
    return empty_response(202)


@vendor.post("/assignment_groups/{id}/update_apps")
def update_apps(request):
    find_group(request)
    return empty_response(202)


@vendor.post("/assignment_groups/{id}/sync_profiles")
def sync_profiles(request):
    cat = catalog(request)
    find_group(request)
    now = time.time()
    if cat.last_sync is not None and now < cat.last_sync + cat.sync_interval:
        reset_at = cat.last_sync + cat.sync_interval
        # X-RateLimit-Reset is epoch seconds (whole seconds, rounded up so the reset has passed by then)
        return vendor.error(429, "rate limit exceeded", {"X-RateLimit-Reset": "%d" % math.ceil(reset_at)})
    cat.last_sync = now
    return empty_response(204)


@vendor.post("/assignment_groups/{id}/clone")
def clone_group(request):
    cat = catalog(request)
    group = find_group(request)
    copy_number = 1
    names = set(cat.groups.get(i)["name"] for i in cat.groups.ids())
    while "%s (%d)" % (group["name"], copy_number) in names:
        copy_number += 1
    clone = dict(group, id=cat.new_id(), name="%s (%d)" % (group["name"], copy_number),
                 apps=list(group["apps"]), devices=list(group["devices"]), profiles=list(group["profiles"]),
                 device_groups=[])
    cat.groups.put(clone)
    return empty_response(204)


# ---- custom attribute values --------------------------------------------------------------

def attribute_or_404(request, name):
    attribute = request.state.find_attribute(name)
    if attribute is None:
        raise HTTPError(404, "object not found")
    return attribute["id"]


def set_device_value(request, device_id, name, value):
    request.state.value_overrides[(device_id, name)] = base.generated.value(name, str(value), "device")


def value_answer(name, value):
    return {"type": "custom_attribute_value", "id": name, "attributes": {"value": value}}


@vendor.put("/devices/{id}/custom_attribute_values/{name}")
def set_device_attribute_value(request):
    device = base.find_device(request)
    name = attribute_or_404(request, request.params["name"])
    form = request.form()
    if "value" not in form:
        raise HTTPError(422, "value is required")
    set_device_value(request, device["id"], name, form["value"])
    return base.one(value_answer(name, str(form["value"])))


@vendor.put("/devices/{id}/custom_attribute_values")
def set_device_attribute_values(request):
    device = base.find_device(request)
    body = request.json() or {}
    items = body.get("data") if isinstance(body, dict) else None
    if not isinstance(items, list) or not all(isinstance(i, dict) and "name" in i and "value" in i for i in items):
        raise HTTPError(422, "data must be an array of objects with name and value")
    names = [attribute_or_404(request, i["name"]) for i in items]
    for name, item in zip(names, items):
        set_device_value(request, device["id"], name, item["value"])
    return base.one([value_answer(n, str(i["value"])) for n, i in zip(names, items)])


@vendor.put("/custom_attribute_values/{name}")
def set_attribute_value_for_devices(request):
    name = attribute_or_404(request, request.params["name"])
    body = request.json() or {}
    items = body.get("data") if isinstance(body, dict) else None
    if not isinstance(items, list) or not all(isinstance(i, dict) and "device_id" in i and "value" in i
                                              for i in items):
        raise HTTPError(422, "data must be an array of objects with device_id and value")
    ids = []
    for item in items:
        try:
            device_id = int(item["device_id"])
        except (TypeError, ValueError):
            device_id = None
        if device_id is None or device_id not in request.state.devices:
            raise HTTPError(404, "object not found")
        ids.append(device_id)
    for device_id, item in zip(ids, items):
        set_device_value(request, device_id, name, item["value"])
    return base.one([{"type": "custom_attribute_value", "id": name,
                      "attributes": {"value": str(i["value"])},
                      "relationships": {"device": {"data": {"type": "device", "id": d}}}}
                     for d, i in zip(ids, items)])


def find_device_group(request):
    group = request.state.device_groups.get(base.int_id(request.params["id"]))
    if group is None:
        raise HTTPError(404, "object not found")
    return group


@vendor.get("/device_groups/{id}/custom_attribute_values")
def list_group_attribute_values(request):
    group = find_device_group(request)
    values = catalog(request).group_values
    answer = []
    for definition in request.state.custom_attributes.records(request.state.custom_attributes.ids()):
        name = definition["id"]
        secret = name in base.generated.SECRET_ATTRIBUTES
        if (group["id"], name) in values:
            value, source = values[(group["id"], name)], "group"
        else:
            value, source = definition["attributes"].get("default_value") or "", "account"
        answer.append({"type": "custom_attribute_value", "id": name,
                       "attributes": {"value": "" if secret else value, "secret": secret, "source": source}})
    return json_response(200, {"data": answer})


@vendor.put("/device_groups/{id}/custom_attribute_values/{name}")
def set_group_attribute_value(request):
    group = find_device_group(request)
    name = attribute_or_404(request, request.params["name"])
    form = request.form()
    if "value" not in form:
        raise HTTPError(422, "value is required")
    catalog(request).group_values[(group["id"], name)] = str(form["value"])
    return base.one(value_answer(name, str(form["value"])))


# ---- test control -------------------------------------------------------------------------

@controls.post("/simplemdm/catalog", auth=False)
def catalog_control(request):
    state = request.app.states.get("simplemdm")
    if getattr(state, "catalog", None) is None:
        state.catalog = CatalogState(state)
    body = request.json() or {}
    if "sync_profiles_interval" in body:
        try:
            state.catalog.sync_interval = float(body["sync_profiles_interval"])
        except (TypeError, ValueError):
            raise HTTPError(400, "sync_profiles_interval must be a number")
    if "processing_reads" in body:
        try:
            state.catalog.processing_reads_after_upload = max(0, int(body["processing_reads"]))
        except (TypeError, ValueError):
            raise HTTPError(400, "processing_reads must be an integer")
    return json_response(200, {"sync_profiles_interval": state.catalog.sync_interval,
                               "processing_reads": state.catalog.processing_reads_after_upload})


@controls.get("/simplemdm/assignment_groups/{id}", auth=False)
def stored_group(request):
    """The whole stored group, with what the API does not show (priority, type, install_type,
    app_track_location, profiles), so tests can check what a module set."""
    state = request.app.states.get("simplemdm")
    if getattr(state, "catalog", None) is None:
        state.catalog = CatalogState(state)
    group = state.catalog.groups.get(base.int_id(request.params["id"]))
    if group is None:
        raise HTTPError(404, "object not found")
    return json_response(200, dict(group))
