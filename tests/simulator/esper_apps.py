"""Esper apps: tenant apps and versions, Esper apps, iTunes app info, VPP licences.

Routes (mounted at /esper/api, like esper.py):
    POST   /v2/tenant-apps                                multipart: file (APK, or .ipa with platform=APPLE);
                                                          200 {"content": {"application": APP, "version": VERSION}};
                                                          400 when the file is missing or unreadable, or when
                                                          the app already has that version code
    GET    /v2/tenant-apps                                {"content": page}; filters platform, package_name
                                                          (exact), app_name (contains, any case)
    GET    /v2/tenant-apps/{appId}                        {"content": APP}; 400 not a UUID, 404 unknown
    GET    /v2/tenant-apps/{appId}/versions               {"content": page}, newest first; filter app_name
                                                          (contains, on the version name)
    GET    /v2/tenant-apps/{appId}/versions/{versionId}   {"content": VERSION}; 404 unknown
    PUT    /v2/tenant-apps/{appId}/versions/{versionId}   {"description": str} -> {"content": VERSION}
    DELETE /v2/tenant-apps/{appId}/versions/{versionId}   {"content": {}}; the app goes with its last version
    GET    /v2/tenant-esper-apps                          {"content": page}; filter package_name
    GET    /v2/itunesapps                                 {"content": ITUNES_APP}; app_id (UUID) or
                                                          apple_app_id required (400), 404 unknown
    GET    /apps/v0/vpp                                   wrapped {"count", "results": [LICENCE]} (not paged)
    GET    /apps/v0/vpp/{appId}                           wrapped LICENCE; appId is the integer Apple id

The reference elides every body; the shapes used here:
    APP      {id, app_name, package_name, platform, app_type: "TENANT", version_count,
              latest_version: {id, version_code, version_name}, created_on, updated_on}
    VERSION  {id, app_id, version_code (Android versionCode / CFBundleVersion, a string),
              version_name, build_number (= version_code), description, hash_string (SHA-256 of
              the file), size_in_mb, min_sdk_version, target_sdk_version, download_url,
              created_on, updated_on}
An APK's package name and versions come from its AndroidManifest.xml, the compiled binary XML of a
built APK (a plain-text manifest is accepted too); an .ipa's from Payload/*.app/Info.plist.
"""

import email.parser
import email.policy
import hashlib
import io
import plistlib
import re
import struct
import uuid
import zipfile
from xml.etree import ElementTree

from .esper import UUID, HTTPError, json_response, paginate, vendor, wrapped
from .esper_commands import now_stamp

ESPER_APPS = (
    ("io.shoonya.shoonyadpc", "Esper Agent", "7.6.2047", 76204700),
    ("io.esper.settings", "Esper Settings", "3.2.1102", 3021102),
    ("io.esper.remoteviewer", "Esper Remote Viewer", "1.4.0", 140),
    ("io.esper.kioskbrowser", "Esper Kiosk Browser", "2.1.5", 215),
)
ITUNES_APPS = (  # apple_app_id, bundle id, name, version, seller, genre
    ("310633997", "net.whatsapp.WhatsApp", "WhatsApp Messenger", "24.20.79", "WhatsApp Inc.", "Social Networking"),
    ("586447913", "com.microsoft.Office.Word", "Microsoft Word", "2.86", "Microsoft Corporation", "Productivity"),
    ("1274495053", "com.microsoft.skype.teams", "Microsoft Teams", "6.15.1", "Microsoft Corporation", "Business"),
)
VPP_LICENCES = (  # apple app id, name, bundle id, total, assigned
    (586447913, "Microsoft Word", "com.microsoft.Office.Word", 50, 12),
    (1274495053, "Microsoft Teams", "com.microsoft.skype.teams", 120, 87),
    (361309726, "Pages", "com.apple.Pages", 25, 25),
)
ITUNES_NAMESPACE = uuid.UUID("6f1c5a1e-4d7b-4a52-9a57-0c3f4b2e8d11")


class AppsState:
    """Attached lazily to the Esper state, so /_sim/reset clears it."""

    def __init__(self):
        self.apps = {}
        self.app_order = []
        self.versions = {}  # id -> version
        self.version_order = []


def apps_of(state):
    if getattr(state, "tenant_apps", None) is None:
        state.tenant_apps = AppsState()
    return state.tenant_apps


# ---- request bodies ------------------------------------------------------------------------

def form_parts(request):
    """(form fields, files {name: (filename, bytes)}) of a multipart/form-data body."""
    content_type = request.headers.get("Content-Type", "")
    if not content_type.startswith("multipart/form-data"):
        raise HTTPError(400, "Content-Type must be multipart/form-data")
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


# ---- package metadata ------------------------------------------------------------------------

def _pool(data, at):
    count, _styles, flags, start = struct.unpack_from("<4I", data, at + 8)
    out = []
    for i in range(count):
        pos = at + start + struct.unpack_from("<I", data, at + 28 + 4 * i)[0]
        if flags & 0x100:  # UTF-8: character count, byte count, bytes
            pos += 2 if data[pos] & 0x80 else 1
            size = data[pos]
            if size & 0x80:
                size, pos = ((size & 0x7F) << 8) | data[pos + 1], pos + 1
            out.append(data[pos + 1:pos + 1 + size].decode("utf-8"))
        else:
            size = struct.unpack_from("<H", data, pos)[0]
            out.append(data[pos + 2:pos + 2 + 2 * size].decode("utf-16-le"))
    return out


def binary_manifest(data):
    """Attributes of <manifest> in a compiled AndroidManifest.xml."""
    if struct.unpack_from("<H", data)[0] != 3:
        raise ValueError("not binary XML")
    strings, ids, pos = [], [], struct.unpack_from("<H", data, 2)[0]
    while pos < len(data):
        kind, head, size = struct.unpack_from("<HHI", data, pos)
        if kind == 0x0001:
            strings = _pool(data, pos)
        elif kind == 0x0180:
            ids = [struct.unpack_from("<I", data, pos + head + 4 * i)[0] for i in range((size - head) // 4)]
        elif kind == 0x0102:
            first, step, count = struct.unpack_from("<HHH", data, pos + head + 8)
            found = {}
            for i in range(count):
                _ns, name, raw, _sz, _z, dtype, value = struct.unpack_from("<IIIHBBI", data, pos + head + first + i * step)
                key = strings[name] or {0x0101021B: "versionCode", 0x0101021C: "versionName"}.get(
                    ids[name] if name < len(ids) else 0, "")
                found[key] = strings[value] if dtype == 3 else value if dtype in (0x10, 0x11) else (
                    strings[raw] if raw < len(strings) else value)
            return found
        if size < 8:
            break
        pos += size
    raise ValueError("no <manifest> element")


def package_meta(filename, payload, platform):
    """(package name, version code, version name) of an uploaded APK or IPA."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(payload))
    except zipfile.BadZipFile:
        raise HTTPError(400, "Invalid app file %s: not an APK or IPA archive" % filename)
    with archive:
        if platform == "APPLE":
            plists = [n for n in archive.namelist() if re.match(r"^Payload/[^/]+\.app/Info\.plist$", n)]
            if not plists:
                raise HTTPError(400, "Invalid app file %s: no Payload/<name>.app/Info.plist" % filename)
            try:
                info = plistlib.loads(archive.read(plists[0]))
            except Exception:
                raise HTTPError(400, "Invalid app file %s: unreadable Info.plist" % filename)
            package, code, name = info.get("CFBundleIdentifier"), info.get("CFBundleVersion"), \
                info.get("CFBundleShortVersionString")
        else:
            if "AndroidManifest.xml" not in archive.namelist():
                raise HTTPError(400, "Invalid app file %s: no AndroidManifest.xml" % filename)
            manifest = archive.read("AndroidManifest.xml")
            try:
                if manifest.lstrip()[:1] == b"<":
                    attributes = {k.rpartition("}")[2]: v for k, v in ElementTree.fromstring(manifest).attrib.items()}
                else:
                    attributes = binary_manifest(manifest)
            except Exception:
                raise HTTPError(400, "Invalid app file %s: unreadable AndroidManifest.xml" % filename)
            package, code, name = attributes.get("package"), attributes.get("versionCode"), \
                attributes.get("versionName")
    if not package or code in (None, ""):
        raise HTTPError(400, "Invalid app file %s: no package name or version code" % filename)
    return str(package), str(code), str(name) if name is not None else None


# ---- views --------------------------------------------------------------------------------------

def public(record):
    return {k: v for k, v in record.items() if not k.startswith("_")}


def app_view(apps, app):
    versions = [apps.versions[v] for v in reversed(apps.version_order) if apps.versions[v]["app_id"] == app["id"]]
    view = public(app)
    view["version_count"] = len(versions)
    latest = max(versions, key=lambda v: int(v["version_code"]) if v["version_code"].isdigit() else 0,
                 default=None)
    view["latest_version"] = {k: latest[k] for k in ("id", "version_code", "version_name")} if latest else None
    return view


def app_or_error(request):
    app_id = request.params["appId"]
    if not UUID.match(app_id):
        raise HTTPError(400, "Invalid app id: %s" % app_id)
    app = apps_of(request.state).apps.get(app_id.lower())
    if app is None:
        raise HTTPError(404, "App not found")
    return app


def version_or_error(request):
    app = app_or_error(request)
    version_id = request.params["versionId"]
    if not UUID.match(version_id):
        raise HTTPError(400, "Invalid version id: %s" % version_id)
    version = apps_of(request.state).versions.get(version_id.lower())
    if version is None or version["app_id"] != app["id"]:
        raise HTTPError(404, "App version not found")
    return app, version


def content(payload, status=200):
    return json_response(status, {"content": payload})


# ---- tenant apps --------------------------------------------------------------------------------

@vendor.post("/v2/tenant-apps")
def upload_app(request):
    form, files = form_parts(request)
    if "file" not in files:
        raise HTTPError(400, "file: this field is required")
    platform = (form.get("platform") or "ANDROID").upper()
    if platform not in ("ANDROID", "APPLE"):
        raise HTTPError(400, "platform: must be APPLE (or left out for Android)")
    filename, payload = files["file"]
    package, code, name = package_meta(filename, payload, platform)
    apps = apps_of(request.state)
    app = next((a for a in apps.apps.values() if a["package_name"] == package and a["platform"] == platform), None)
    if app is not None and any(v["app_id"] == app["id"] and v["version_code"] == code for v in apps.versions.values()):
        raise HTTPError(400, "App version already exists: %s version code %s" % (package, code))
    stamp = now_stamp()
    if app is None:
        app = {"id": str(uuid.uuid4()), "app_name": package.rsplit(".", 1)[-1].title(),
               "package_name": package, "platform": platform, "app_type": "TENANT",
               "created_on": stamp, "updated_on": stamp}
        apps.apps[app["id"]] = app
        apps.app_order.append(app["id"])
    app["updated_on"] = stamp
    version_id = str(uuid.uuid4())
    version = {"id": version_id, "app_id": app["id"], "version_code": code, "version_name": name,
               "build_number": code, "description": "", "hash_string": hashlib.sha256(payload).hexdigest(),
               "size_in_mb": round(len(payload) / 1048576.0, 3), "min_sdk_version": "26",
               "target_sdk_version": "33", "file_name": filename,
               "download_url": request.root_url + "/esper/files/%s/%s" % (version_id, filename),
               "created_on": stamp, "updated_on": stamp}
    apps.versions[version_id] = version
    apps.version_order.append(version_id)
    return content({"application": app_view(apps, app), "version": dict(version)})


@vendor.get("/v2/tenant-apps")
def list_apps(request):
    apps = apps_of(request.state)
    q = request.query
    if q.get("platform") and q["platform"].upper() not in ("ANDROID", "APPLE"):
        raise HTTPError(400, "platform: must be APPLE or ANDROID")
    ids = [i for i in apps.app_order
           if (not q.get("platform") or apps.apps[i]["platform"] == q["platform"].upper())
           and (not q.get("package_name") or apps.apps[i]["package_name"] == q["package_name"])
           and (not q.get("app_name") or q["app_name"].lower() in apps.apps[i]["app_name"].lower())]
    return content(paginate(request, ids, lambda i: app_view(apps, apps.apps[i])))


@vendor.get("/v2/tenant-apps/{appId}")
def show_app(request):
    return content(app_view(apps_of(request.state), app_or_error(request)))


@vendor.get("/v2/tenant-apps/{appId}/versions")
def list_versions(request):
    app_id = request.params["appId"]
    if not UUID.match(app_id):
        raise HTTPError(400, "Invalid app id: %s" % app_id)
    apps = apps_of(request.state)
    term = (request.query.get("app_name") or "").lower()
    ids = [v for v in reversed(apps.version_order) if apps.versions[v]["app_id"] == app_id.lower()
           and (not term or term in (apps.versions[v]["version_name"] or "").lower())]
    return content(paginate(request, ids, lambda v: dict(apps.versions[v])))


@vendor.get("/v2/tenant-apps/{appId}/versions/{versionId}")
def show_version(request):
    return content(dict(version_or_error(request)[1]))


@vendor.put("/v2/tenant-apps/{appId}/versions/{versionId}")
def update_version(request):
    _app, version = version_or_error(request)
    body = request.json()
    if not isinstance(body, dict) or not isinstance(body.get("description"), str):
        raise HTTPError(400, "description: this field is required and must be a string")
    version["description"] = body["description"]
    version["updated_on"] = now_stamp()
    return content(dict(version))


@vendor.delete("/v2/tenant-apps/{appId}/versions/{versionId}")
def delete_version(request):
    app, version = version_or_error(request)
    apps = apps_of(request.state)
    del apps.versions[version["id"]]
    apps.version_order.remove(version["id"])
    if not any(v["app_id"] == app["id"] for v in apps.versions.values()):
        del apps.apps[app["id"]]
        apps.app_order.remove(app["id"])
    return content({})


# ---- Esper apps, iTunes, VPP ------------------------------------------------------------------

def esper_app(index):
    package, name, version_name, code = ESPER_APPS[index]
    return {"id": str(uuid.uuid5(ITUNES_NAMESPACE, package)), "app_name": name, "package_name": package,
            "version_name": version_name, "version_code": str(code), "platform": "ANDROID",
            "is_system": index < 2}


@vendor.get("/v2/tenant-esper-apps")
def list_esper_apps(request):
    wanted = request.query.get("package_name")
    ids = [i for i in range(len(ESPER_APPS)) if not wanted or ESPER_APPS[i][0] == wanted]
    return content(paginate(request, ids, esper_app))


def itunes_app(entry):
    apple_id, bundle, name, version, seller, genre = entry
    return {"app_id": str(uuid.uuid5(ITUNES_NAMESPACE, apple_id)), "apple_app_id": apple_id,
            "bundle_id": bundle, "app_name": name, "version": version, "seller_name": seller,
            "primary_genre": genre, "price": 0.0, "currency": "USD", "minimum_os_version": "15.0",
            "icon_url": "https://is1-ssl.mzstatic.com/image/thumb/%s/512x512bb.jpg" % apple_id}


@vendor.get("/v2/itunesapps")
def show_itunes_app(request):
    app_id, apple_id = request.query.get("app_id"), request.query.get("apple_app_id")
    if not app_id and not apple_id:
        raise HTTPError(400, "app_id or apple_app_id is required")
    if app_id and not UUID.match(app_id):
        raise HTTPError(400, "app_id: must be a UUID")
    for entry in ITUNES_APPS:
        view = itunes_app(entry)
        if (apple_id and view["apple_app_id"] == apple_id) or (app_id and view["app_id"] == app_id.lower()):
            return content(view)
    raise HTTPError(404, "iOS app not found")


def licence(entry):
    apple_id, name, bundle, total, assigned = entry
    return {"app_id": apple_id, "app_name": name, "bundle_id": bundle, "product_type": "App",
            "pricing_param": "STDQ", "is_irrevocable": False, "total_count": total,
            "assigned_count": assigned, "available_count": total - assigned}


@vendor.get("/apps/v0/vpp")
def list_licences(request):
    results = [licence(entry) for entry in VPP_LICENCES]
    return wrapped({"count": len(results), "results": results})


@vendor.get("/apps/v0/vpp/{appId}")
def show_licence(request):
    app_id = request.params["appId"]
    if not app_id.isdigit():
        raise HTTPError(400, "appId: must be an integer")
    for entry in VPP_LICENCES:
        if entry[0] == int(app_id):
            return wrapped(licence(entry))
    raise HTTPError(404, "VPP licence not found for app %s" % app_id)
