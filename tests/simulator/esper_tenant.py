"""Esper tenant setup: seamless provisioning, APNs certificates, DEP tokens, VPP tokens.

Routes (mounted at /esper/api, like esper.py):
    POST   /v2/seamless/upload              multipart csv_file -> wrapped REQUEST; 400 bad CSV
    POST   /v2/seamless                     {assigned_blueprint_id, group_id, seamless_info} -> wrapped REQUEST
    GET    /tenant/v0/apnscertificates/      wrapped page of APNS
    POST   /tenant/v0/apnscertificates/      {} -> wrapped APNS with a new CSR (status CSR_GENERATED)
    GET    /tenant/v0/apnscertificates/{id}/ wrapped APNS; 404 unknown
    PUT    /tenant/v0/apnscertificates/{id}/ multipart file (PEM or DER certificate) and apple_id, both
                                             required -> wrapped APNS (status UPLOADED); 400 bad input
    DELETE /tenant/v0/apnscertificates/{id}/ 204
    POST   /tenant/v0/deptokens/             {} or {"token_name"} -> wrapped DEP (status PUBLIC_KEY_GENERATED)
    GET    /tenant/v0/deptokens/             wrapped page of DEP
    GET    /tenant/v0/deptokens/{id}/        wrapped DEP; 404 unknown
    PUT    /tenant/v0/deptokens/{id}/        multipart file (.p7m) and token_name, both required
                                             -> wrapped DEP (status TOKEN_UPLOADED); 400 bad input
    GET    /tenant/v0/vpptokens/             wrapped page of VPP
    POST   /tenant/v0/vpptokens/             multipart filename (the .vpptoken file) -> 201 wrapped VPP
    DELETE /tenant/v0/vpptokens/{id}         204; 404 unknown (integer ids)
The reference has no DELETE for DEP tokens, so neither has the simulator.

Shapes (the reference elides them):
    REQUEST {id, status: "CREATED", source: "CSV" | "API", assigned_blueprint_id, group_id,
             device_count, devices: [{serial_number, imei}], created_on}
             seamless_info is {"devices": [{"serial_number", "imei"}]}; a CSV has a header with
             serial_number and/or imei (and optional group_id, blueprint_id) columns.
    APNS    {id, status, csr (PEM), apple_id, serial_number (hex), topic, expires_on, created_on, updated_on}
    DEP     {id, status, public_key (PEM), token_name, server_name, server_uuid, org_name,
             access_token_expiry, created_on, updated_on}
    VPP     {id, org_name, location_name, expiry_date, status: "ACTIVE", created_on}
A .p7m is S/MIME (Content-Type application/pkcs7-mime) encrypted to the tenant's public key; the
simulator cannot decrypt, so it reads the base64 body as the decrypted JSON token
{consumer_key, consumer_secret, access_token, access_secret, access_token_expiry[, server_name]}
(test files are made that way). A .vpptoken is base64 of {token, expDate, orgName}.
"""

import base64
import binascii
import csv
import io
import json
import uuid

from .esper import UUID, HTTPError, paginate, vendor, wrapped
from .esper_apps import form_parts
from .esper_commands import now_stamp
from .server import empty_response


class TenantState:
    def __init__(self):
        self.seamless = []
        self.apns = {}
        self.dep = {}
        self.vpp = {}
        self.next_vpp = 100


def tenant_of(state):
    if getattr(state, "tenant_setup", None) is None:
        state.tenant_setup = TenantState()
    return state.tenant_setup


def public(record):
    return {k: v for k, v in record.items() if not k.startswith("_")}


# ---- seamless provisioning -----------------------------------------------------------------

def check_device_entry(entry, where):
    if not isinstance(entry, dict):
        raise HTTPError(400, "%s: each device must be an object" % where)
    serial, imei = (entry.get("serial_number") or "").strip(), (entry.get("imei") or "").strip()
    if not serial and not imei:
        raise HTTPError(400, "%s: each device needs a serial_number or an imei" % where)
    if imei and not (imei.isdigit() and len(imei) in (14, 15)):
        raise HTTPError(400, "%s: invalid IMEI %s" % (where, imei))
    return {"serial_number": serial or None, "imei": imei or None}


def check_ids(state, blueprint_id, group_id):
    if blueprint_id and not UUID.match(str(blueprint_id)):
        raise HTTPError(400, "assigned_blueprint_id: must be a UUID")
    if group_id and not UUID.match(str(group_id)):
        raise HTTPError(400, "group_id: must be a UUID")
    if group_id and state.groups.get(str(group_id).lower()) is None:
        raise HTTPError(400, "group_id: unknown group %s" % group_id)


def record_seamless(request, source, blueprint_id, group_id, devices):
    tenant = tenant_of(request.state)
    record = {"id": str(uuid.uuid4()), "status": "CREATED", "source": source,
              "assigned_blueprint_id": blueprint_id, "group_id": group_id, "device_count": len(devices),
              "devices": devices, "created_on": now_stamp()}
    tenant.seamless.append(record)
    return wrapped(record)


@vendor.post("/v2/seamless/upload")
def seamless_upload(request):
    _form, files = form_parts(request)
    if "csv_file" not in files:
        raise HTTPError(400, "csv_file: this field is required")
    try:
        text = files["csv_file"][1].decode("utf-8-sig")
    except UnicodeDecodeError:
        raise HTTPError(400, "csv_file: not UTF-8 text")
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows:
        raise HTTPError(400, "csv_file: no device rows")
    columns = {(c or "").strip().lower().replace(" ", "_") for c in rows[0].keys()}
    if not columns & {"serial_number", "imei"}:
        raise HTTPError(400, "csv_file: the header needs a serial_number or imei column")
    devices, blueprints, groups = [], set(), set()
    for number, row in enumerate(rows, start=2):
        row = {(k or "").strip().lower().replace(" ", "_"): (v or "").strip() for k, v in row.items()}
        devices.append(check_device_entry(row, "csv_file line %d" % number))
        blueprints.add(row.get("blueprint_id") or None)
        groups.add(row.get("group_id") or None)
    for blueprint_id in blueprints:
        check_ids(request.state, blueprint_id, None)
    for group_id in groups:
        check_ids(request.state, None, group_id)
    blueprint = blueprints.pop() if len(blueprints) == 1 else None
    group = groups.pop() if len(groups) == 1 else None
    return record_seamless(request, "CSV", blueprint, group, devices)


@vendor.post("/v2/seamless")
def seamless_create(request):
    body = request.json()
    if not isinstance(body, dict):
        raise HTTPError(400, "request body must be a JSON object")
    blueprint_id, group_id = body.get("assigned_blueprint_id"), body.get("group_id")
    if not blueprint_id:
        raise HTTPError(400, "assigned_blueprint_id: this field is required")
    check_ids(request.state, blueprint_id, group_id)
    info = body.get("seamless_info")
    if not isinstance(info, dict) or not isinstance(info.get("devices"), list) or not info["devices"]:
        raise HTTPError(400, "seamless_info: devices must be a non-empty list")
    devices = [check_device_entry(entry, "seamless_info.devices") for entry in info["devices"]]
    return record_seamless(request, "API", blueprint_id, group_id, devices)


# ---- APNs certificates ---------------------------------------------------------------------

def make_csr():
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    csr = x509.CertificateSigningRequestBuilder().subject_name(x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, "sim tenant APNs"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Esper simulator")])).sign(key, hashes.SHA256())
    return csr.public_bytes(serialization.Encoding.PEM).decode()


def read_certificate(payload):
    from cryptography import x509

    try:
        cert = x509.load_pem_x509_certificate(payload) if b"-----BEGIN" in payload \
            else x509.load_der_x509_certificate(payload)
    except ValueError:
        raise HTTPError(400, "APNs certificate update error: the file is not a valid certificate")
    expires = getattr(cert, "not_valid_after_utc", None) or cert.not_valid_after
    topic = [a.value for a in cert.subject if a.oid.dotted_string == "0.9.2342.19200300.100.1.1"]
    return {"serial_number": "%X" % cert.serial_number, "expires_on": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "topic": topic[0] if topic else None}


def apns_or_404(request):
    record = tenant_of(request.state).apns.get(request.params["id"])
    if record is None:
        raise HTTPError(404, "APNs certificate not found")
    return record


@vendor.get("/tenant/v0/apnscertificates/")
def list_apns(request):
    tenant = tenant_of(request.state)
    return wrapped(paginate(request, list(tenant.apns), lambda i: public(tenant.apns[i])))


@vendor.post("/tenant/v0/apnscertificates/")
def create_apns_csr(request):
    body = request.json()
    if body is not None and not isinstance(body, dict):
        raise HTTPError(400, "request body must be a JSON object")
    stamp = now_stamp()
    record = {"id": str(uuid.uuid4()), "status": "CSR_GENERATED", "csr": make_csr(), "apple_id": None,
              "serial_number": None, "topic": None, "expires_on": None, "created_on": stamp, "updated_on": stamp}
    tenant_of(request.state).apns[record["id"]] = record
    return wrapped(public(record))


@vendor.get("/tenant/v0/apnscertificates/{id}/")
def show_apns(request):
    return wrapped(public(apns_or_404(request)))


@vendor.put("/tenant/v0/apnscertificates/{id}/")
def upload_apns(request):
    record = apns_or_404(request)
    form, files = form_parts(request)
    if "file" not in files:
        raise HTTPError(400, "file: this field is required")
    if not (form.get("apple_id") or "").strip():
        raise HTTPError(400, "apple_id: this field is required")
    record.update(read_certificate(files["file"][1]))
    record.update(apple_id=form["apple_id"].strip(), status="UPLOADED", updated_on=now_stamp())
    return wrapped(public(record))


@vendor.delete("/tenant/v0/apnscertificates/{id}/")
def delete_apns(request):
    record = apns_or_404(request)
    del tenant_of(request.state).apns[record["id"]]
    return empty_response(204)


# ---- DEP tokens --------------------------------------------------------------------------

def make_public_key():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def read_p7m(payload):
    """The token JSON of a simulated .p7m (see the module docstring)."""
    text = payload.decode("utf-8", "replace")
    if "application/pkcs7-mime" not in text:
        raise HTTPError(400, "Upload DEP token by id error - Bad Request: the file is not an S/MIME (.p7m) message")
    body = text.replace("\r\n", "\n").split("\n\n", 1)[-1]
    try:
        token = json.loads(base64.b64decode("".join(body.split()), validate=True))
    except (binascii.Error, ValueError):
        raise HTTPError(400, "Upload DEP token by id error - Bad Request: the token cannot be decrypted")
    needed = ("consumer_key", "access_token", "access_token_expiry")
    if not isinstance(token, dict) or not all(token.get(k) for k in needed):
        raise HTTPError(400, "Upload DEP token by id error - Bad Request: incomplete token")
    return token


def dep_or_404(request):
    record = tenant_of(request.state).dep.get(request.params["id"])
    if record is None:
        raise HTTPError(404, "DEP token not found")
    return record


@vendor.post("/tenant/v0/deptokens/")
def create_dep_key(request):
    body = request.json()
    if body is not None and not isinstance(body, dict):
        raise HTTPError(400, "Public key generation error - Bad Request: body must be a JSON object")
    stamp = now_stamp()
    record = {"id": str(uuid.uuid4()), "status": "PUBLIC_KEY_GENERATED", "public_key": make_public_key(),
              "token_name": (body or {}).get("token_name"), "server_name": None, "server_uuid": None,
              "org_name": None, "access_token_expiry": None, "created_on": stamp, "updated_on": stamp}
    tenant_of(request.state).dep[record["id"]] = record
    return wrapped(public(record))


@vendor.get("/tenant/v0/deptokens/")
def list_dep(request):
    tenant = tenant_of(request.state)
    return wrapped(paginate(request, list(tenant.dep), lambda i: public(tenant.dep[i])))


@vendor.get("/tenant/v0/deptokens/{id}/")
def show_dep(request):
    return wrapped(public(dep_or_404(request)))


@vendor.put("/tenant/v0/deptokens/{id}/")
def upload_dep(request):
    record = dep_or_404(request)
    form, files = form_parts(request)
    if "file" not in files:
        raise HTTPError(400, "file: this field is required")
    if not (form.get("token_name") or "").strip():
        raise HTTPError(400, "token_name: this field is required")
    token = read_p7m(files["file"][1])
    record.update(status="TOKEN_UPLOADED", token_name=form["token_name"].strip(),
                  server_name=token.get("server_name") or "Esper MDM server",
                  server_uuid=str(uuid.uuid5(uuid.NAMESPACE_OID, token["consumer_key"])),
                  org_name=token.get("org_name") or "Simulated Org",
                  access_token_expiry=token["access_token_expiry"], updated_on=now_stamp())
    return wrapped(public(record))


# ---- VPP tokens --------------------------------------------------------------------------

@vendor.get("/tenant/v0/vpptokens/")
def list_vpp(request):
    tenant = tenant_of(request.state)
    return wrapped(paginate(request, sorted(tenant.vpp), lambda i: public(tenant.vpp[i])))


@vendor.post("/tenant/v0/vpptokens/")
def upload_vpp(request):
    _form, files = form_parts(request)
    if "filename" not in files:
        raise HTTPError(400, "filename: this field is required")
    try:
        token = json.loads(base64.b64decode(files["filename"][1].strip(), validate=True))
    except (binascii.Error, ValueError):
        raise HTTPError(400, "Invalid VPP token file")
    if not isinstance(token, dict) or not token.get("token") or not token.get("expDate"):
        raise HTTPError(400, "Invalid VPP token file")
    tenant = tenant_of(request.state)
    tenant.next_vpp += 1
    record = {"id": tenant.next_vpp, "org_name": token.get("orgName"), "location_name": token.get("orgName"),
              "expiry_date": token["expDate"], "status": "ACTIVE", "created_on": now_stamp()}
    tenant.vpp[record["id"]] = record
    return wrapped(public(record), status=201)


@vendor.delete("/tenant/v0/vpptokens/{id}")
def delete_vpp(request):
    tenant = tenant_of(request.state)
    raw = request.params["id"]
    if not raw.isdigit() or int(raw) not in tenant.vpp:
        raise HTTPError(404, "VPP token not found")
    del tenant.vpp[int(raw)]
    return empty_response(204)
