"""Apple Business Manager (/abm/v1, scope business.api) and Apple School Manager (/asm/v1,
scope school.api) APIs; both mounts serve the same simulated organisation.

Auth (ABM-AUTH.md): `POST /abm/auth/oauth2/token`, form-encoded client credentials with an
ES256 JWT client assertion, verified against the registered public key (alg, kid, iss, sub,
aud, exp; an exp more than 180 days ahead is refused, as Apple documents).  Two API accounts
share the key pair: `--abm-client-id` (BUSINESSAPI.*, scope business.api) and `--asm-client-id`
(SCHOOLAPI.*, scope school.api).  Bad client or assertion: 400 {"error": "invalid_client"};
an unknown scope or the other account's scope: 400 {"error": "invalid_scope"}; grant_type
other than client_credentials: 400 {"error": "unsupported_grant_type"}.  Tokens are opaque,
live `--abm-token-ttl` seconds and are valid only on the mount of their scope; otherwise 401
NOT_AUTHORIZED (JSON:API).  Tokens survive `/_sim/reset`.
POST /_sim/abm/expire_tokens            revokes every token now
POST /_sim/abm/expire_tokens {"on": RE} revokes every token when the next ABM request whose
                                        path matches RE arrives (that request answers 401)
POST /_sim/abm/token_ttl {"seconds": N} lifetime of the tokens issued from now on (until reset;
                                        null: back to --abm-token-ttl)

Paging (`paginate`): `limit` (default 100; capped silently at 1000 on orgDevices and server
device lists, 100 on mdmServers), opaque `cursor`; `links.self`, `links.next` (only when more)
and `meta.paging` {`limit`, `total`, `nextCursor` (only when more)}.

Activities finish `--abm-activity-seconds` after creation (lazily, on the next ABM request):
COMPLETED/COMPLETED_WITH_SUCCESS; COMPLETED/COMPLETED_WITH_ERROR when some devices fail
(locked or unknown serials, UNASSIGN of a device not on the named server, a migration update or
cancel for a device with no migration in progress); FAILED/COMPLETED_WITH_ERROR when all fail.
Assignments change only then.  Activity types per Apple's OrgDeviceActivityType: both APIs take
ASSIGN_DEVICES, UNASSIGN_DEVICES, ASSIGN_DEVICES_WITH_MDM_MIGRATION_DEADLINE,
UPDATE_MDM_MIGRATION_DEADLINE and CANCEL_MDM_MIGRATION; RELEASE_DEVICES is Apple Business only
(409 on the school mount).  A migration deadline more than 90 days ahead answers 409, as does a
past one when assigning (an update may set a past deadline: the device then migrates at once).
A migration leaves the device's `mdmMigrationStatus` REQUESTED with `mdmMigrationDeadlineDateTime`.
The CSV log at `downloadUrl` lists each device's result; it is served from another path
(`/blobstore/...`, like Apple's pre-signed blob URLs) without auth, and, like a pre-signed blob
store, refuses a request that also carries an Authorization header (400).

Fixtures (under "abm"): "mdm_servers" and "devices" in the API shape; a device may carry the
simulator-only keys "_server" (assigned server id or null) and "_locked" (bool).
"""

import base64
import csv
import io
import re
import secrets
import time
import uuid
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

import jwt

from . import fleet_abm as generated
from .fixtures import iso_z
from .server import HTTPError, Response, Vendor, json_response
from .store import Table

DEFAULT_CLIENT_ID = "BUSINESSAPI.00000000-0000-4000-8000-000000000001"
DEFAULT_SCHOOL_CLIENT_ID = "SCHOOLAPI.00000000-0000-4000-8000-000000000002"
DEFAULT_KEY_ID = "00000000-0000-4000-8000-0000000000aa"
AUDIENCE = "https://account.apple.com/auth/oauth2/v2/token"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
SCOPES = {"business": "business.api", "school": "school.api"}
DEFAULT_LIMIT = 100
MAX_DEVICE_LIMIT = 1000
MAX_SERVER_LIMIT = 100
ERROR_CODES = {400: "PARAMETER_ERROR.INVALID", 401: "NOT_AUTHORIZED", 403: "FORBIDDEN_ERROR",
               404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 409: "ENTITY_ERROR", 429: "RATE_LIMIT_EXCEEDED",
               503: "SERVICE_UNAVAILABLE"}
DEADLINE_TYPE = "ASSIGN_DEVICES_WITH_MDM_MIGRATION_DEADLINE"
UPDATE_DEADLINE_TYPE = "UPDATE_MDM_MIGRATION_DEADLINE"
CANCEL_MIGRATION_TYPE = "CANCEL_MDM_MIGRATION"
RELEASE_TYPE = "RELEASE_DEVICES"
# Apple's OrgDeviceActivityType for each API (developer.apple.com applebusinessapi and
# appleschoolmanagerapi): the school one has no RELEASE_DEVICES.
ACTIVITY_TYPES = {
    "school": ("ASSIGN_DEVICES", "UNASSIGN_DEVICES", DEADLINE_TYPE, UPDATE_DEADLINE_TYPE, CANCEL_MIGRATION_TYPE),
}
ACTIVITY_TYPES["business"] = ACTIVITY_TYPES["school"] + (RELEASE_TYPE,)
NEEDS_SERVER = ("ASSIGN_DEVICES", "UNASSIGN_DEVICES", DEADLINE_TYPE)
MAX_DEADLINE_DAYS = 90  # "The deadline can't be more than 90 days in the future." (Apple)
MAX_ASSERTION_DAYS = 180  # ABM-AUTH.md: Apple accepts a client assertion valid up to 180 days
MIGRATING = ("REQUESTED", "STARTED")  # Apple's MdmMigrationStatus of a migration in progress
BLOB_PATH = "/blobstore/abm-activity-logs/%s.csv"


def generate_key_pair():
    """A P-256 key pair as (private PEM in PKCS#8, public PEM), like the key ABM hands out."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    private_key = ec.generate_private_key(ec.SECP256R1())
    private_pem = private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption())
    public_pem = private_key.public_key().public_bytes(serialization.Encoding.PEM,
                                                       serialization.PublicFormat.SubjectPublicKeyInfo)
    return private_pem, public_pem


def error_body(status, message, details):
    return {"errors": [{"id": str(uuid.uuid4()), "status": str(status),
                        "code": details.get("code") or ERROR_CODES.get(status, "UNEXPECTED_ERROR"),
                        "title": details.get("title") or message, "detail": details.get("detail") or message}]}


def authenticate(request):
    state = request.state
    if state.revoke_on and state.revoke_on.search(request.path):
        state.revoke_on = None
        state.tokens.clear()
    grant = state.tokens.get(request.bearer_token())
    if grant and grant[1] > time.time() and grant[0] == SCOPES[request.mount]:
        return None
    return vendor.error(401, "Authentication credentials are missing or invalid.",
                        detail="Provide a properly configured and signed bearer token, "
                               "and make sure that it has not expired.")


class ABMState:
    def __init__(self, app):
        fleet = self.fleet = app.fleet
        self.options = app.options
        previous = app.states.get("abm")
        self.tokens = previous.tokens if previous else {}  # token -> (scope, expires at)
        self.token_ttl = app.options.abm_token_ttl
        self.revoke_on = None  # compiled regex: revoke every token when a matching request arrives
        self.servers = Table.of(generated.mdm_servers(fleet))
        server_ids = list(self.servers.ids())
        self.default_server_ids = server_ids
        self._devices = Table(fleet.size, fleet.serial, lambda i: generated.org_device(fleet, server_ids, i))
        self.activities = {}  # id -> activity dict

    @property
    def devices(self):
        self.settle()
        return self._devices

    def load(self, data, replace):
        if "mdm_servers" in data:
            self.servers.load(data["mdm_servers"], replace)
        if "devices" in data:
            self._devices.load(data["devices"], replace)

    def server_of(self, serial):
        index = self._devices.untouched_index(serial)
        if index is None:
            return self._devices.get(serial).get("_server")
        number = generated.default_server_number(self.fleet, index)
        return None if number is None else self.default_server_ids[number]

    def settle(self):
        """Finish the activities whose time has come, applying their assignments."""
        now = time.time()
        for activity in self.activities.values():
            if activity["status"] == "IN_PROGRESS" and activity["due"] <= now:
                self._complete(activity)

    def _complete(self, activity):
        results = []
        for serial in activity["serials"]:
            device = self._devices.get(serial)
            if device is None:
                results.append((serial, "FAILED", "Device not found in organization"))
                continue
            if device.get("_locked"):
                results.append((serial, "FAILED", "Device is locked and cannot be reassigned"))
                continue
            refusal = self._apply(activity, device)
            if refusal:
                results.append((serial, "FAILED", refusal))
                continue
            results.append((serial, "SUCCESS", ""))
        failures = sum(1 for result in results if result[1] == "FAILED")
        activity["results"] = results
        activity["status"] = "FAILED" if failures == len(results) else "COMPLETED"
        activity["sub_status"] = "COMPLETED_WITH_ERROR" if failures else "COMPLETED_WITH_SUCCESS"
        activity["completed"] = iso_z(datetime.now(timezone.utc))

    def _apply(self, activity, device):
        """Change one device as the activity asks; a message when it cannot."""
        kind = activity["type"]
        serial = device["id"]
        if kind == RELEASE_TYPE:  # released devices leave the organization
            self._devices.delete(serial)
            return None
        attributes = device.setdefault("attributes", {})
        migrating = attributes.get("mdmMigrationStatus") in MIGRATING
        if kind in (UPDATE_DEADLINE_TYPE, CANCEL_MIGRATION_TYPE):
            # Apple: the activity log reports a failure for a serial with no migration in progress.
            if not migrating:
                return "Device is not undergoing a device management service migration"
            if kind == UPDATE_DEADLINE_TYPE:
                attributes["mdmMigrationDeadlineDateTime"] = activity["deadline"]
            else:
                attributes["mdmMigrationStatus"] = None
                attributes["mdmMigrationDeadlineDateTime"] = None
        elif kind == "UNASSIGN_DEVICES":
            # Apple does not document this case; the activity names the service the devices
            # leave, so a device on another service is reported as failed and left alone.
            if self.server_of(serial) != activity["server"]:
                return "Device is not assigned to the device management service"
            device["_server"] = None
            attributes["mdmMigrationStatus"] = attributes["mdmMigrationDeadlineDateTime"] = None
        else:  # ASSIGN_DEVICES, or with a migration deadline
            device["_server"] = activity["server"]
            deadline = activity.get("deadline")
            attributes["mdmMigrationStatus"] = "REQUESTED" if deadline else None
            attributes["mdmMigrationDeadlineDateTime"] = deadline
        attributes["updatedDateTime"] = iso_z(datetime.now(timezone.utc))
        self._devices.put(device)
        return None


vendor = Vendor("abm", {"business": "/abm/v1", "school": "/asm/v1"}, authenticate, error_body, ABMState)


def token_error(error):
    return json_response(400, {"error": error}, {"Cache-Control": "no-store"})


def registered_clients(options):
    """client id -> the scope its API account grants."""
    return {options.abm_client_id: SCOPES["business"],
            getattr(options, "asm_client_id", DEFAULT_SCHOOL_CLIENT_ID): SCOPES["school"]}


@vendor.post("/abm/auth/oauth2/token", mounted=False, auth=False)
def issue_token(request):
    options, form = request.app.options, request.form()
    if form.get("grant_type") != "client_credentials":
        return token_error("unsupported_grant_type")
    client_id = form.get("client_id")
    clients = registered_clients(options)
    if client_id not in clients or form.get("client_assertion_type") != ASSERTION_TYPE:
        return token_error("invalid_client")
    try:
        assertion = form.get("client_assertion") or ""
        header = jwt.get_unverified_header(assertion)
        if header.get("alg") != "ES256" or header.get("kid") != options.abm_key_id:
            return token_error("invalid_client")
        claims = jwt.decode(assertion, options.abm_public_key, algorithms=["ES256"], audience=AUDIENCE,
                            issuer=client_id, options={"require": ["exp", "iss", "sub", "aud"]})
    except jwt.PyJWTError:
        return token_error("invalid_client")
    if claims.get("sub") != client_id or claims["exp"] > time.time() + MAX_ASSERTION_DAYS * 86400:
        return token_error("invalid_client")
    scope = form.get("scope")
    # RFC 6749 5.2: invalid_scope also covers a scope beyond what the client was granted; an
    # Apple Business account has no school.api and an Apple School account no business.api.
    if scope != clients[client_id]:
        return token_error("invalid_scope")
    token = secrets.token_urlsafe(32)
    ttl = request.state.token_ttl
    request.state.tokens[token] = (scope, time.time() + ttl)
    return json_response(200, {"access_token": token, "token_type": "Bearer", "expires_in": ttl},
                         {"Cache-Control": "no-store"})


@vendor.post("/_sim/abm/expire_tokens", mounted=False, auth=False)
def expire_tokens(request):
    body = request.json() if request.body.strip() else None
    if isinstance(body, dict) and body.get("on"):
        try:
            request.state.revoke_on = re.compile(body["on"])
        except (re.error, TypeError):
            raise HTTPError(400, "on: not a regular expression")
        return json_response(200, {"revoked": 0, "on": body["on"]})
    revoked = len(request.state.tokens)
    request.state.tokens.clear()
    return json_response(200, {"revoked": revoked})


@vendor.post("/_sim/abm/token_ttl", mounted=False, auth=False)
def set_token_ttl(request):
    body = request.json()
    try:
        seconds = int(body["seconds"] or request.app.options.abm_token_ttl)  # null: back to the default
    except (TypeError, KeyError, ValueError):
        raise HTTPError(400, 'give {"seconds": N} (null: the default)')
    if seconds < 1:
        raise HTTPError(400, "seconds must be >= 1")
    request.state.token_ttl = seconds
    return json_response(200, {"seconds": seconds})


def encode_cursor(offset):
    return base64.urlsafe_b64encode(b"sim:v1:%d" % offset).decode().rstrip("=")


def decode_cursor(cursor):
    try:
        prefix, version, offset = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split(":")
        if (prefix, version) == ("sim", "v1") and int(offset) >= 0:
            return int(offset)
    except ValueError:
        pass
    raise HTTPError(400, "The cursor is invalid.", detail="The 'cursor' parameter is not a valid cursor.")


def paginate(request, ids, present, max_limit, extra_links=None):
    """ABM cursor paging over `ids`; present(id) -> resource object."""
    raw_limit = request.query.get("limit")
    try:
        limit = int(raw_limit) if raw_limit else DEFAULT_LIMIT
    except ValueError:
        limit = 0
    if limit < 1:
        raise HTTPError(400, "A parameter has an invalid value",
                        detail="'%s' is not a valid value for the parameter 'limit'." % raw_limit)
    limit = min(limit, max_limit)
    offset = decode_cursor(request.query["cursor"]) if request.query.get("cursor") else 0
    chunk = ids[offset:offset + limit]
    links = {"self": request.url}
    paging = {"total": len(ids), "limit": limit}
    if offset + limit < len(ids):
        paging["nextCursor"] = encode_cursor(offset + limit)
        query = [(k, v) for k, values in request.query_lists.items() if k != "cursor" for v in values]
        links["next"] = request.root_url + request.path + "?" + urlencode(query + [("cursor", paging["nextCursor"])])
    links.update(extra_links or {})
    return json_response(200, {"data": [present(i) for i in chunk], "links": links, "meta": {"paging": paging}})


def present_server(request, server):
    server["relationships"] = {"devices": {"links": {
        "self": request.mount_url("/mdmServers/%s/relationships/devices" % server["id"])}}}
    return server


def present_device(request, device):
    serial = device["id"]
    shown = {k: v for k, v in device.items() if not k.startswith("_")}
    shown.setdefault("attributes", {})["status"] = "ASSIGNED" if device.get("_server") else "UNASSIGNED"
    shown["relationships"] = {"assignedServer": {"links": {
        "self": request.mount_url("/orgDevices/%s/relationships/assignedServer" % serial),
        "related": request.mount_url("/orgDevices/%s/assignedServer" % serial)}}}
    shown["links"] = {"self": request.mount_url("/orgDevices/%s" % serial)}
    return shown


def not_found(resource_type, resource_id):
    return HTTPError(404, "The specified resource does not exist",
                     detail="There is no resource of type '%s' with id '%s'" % (resource_type, resource_id))


def find(table, resource_type, resource_id):
    found = table.get(resource_id)
    if found is None:
        raise not_found(resource_type, resource_id)
    return found


@vendor.get("/mdmServers")
def list_servers(request):
    servers = request.state.servers
    return paginate(request, servers.ids(), lambda i: present_server(request, servers.get(i)), MAX_SERVER_LIMIT)


def server_device_ids(request):
    state = request.state
    server_id = find(state.servers, "mdmServers", request.params["id"])["id"]
    devices = state.devices
    return devices.select(("server", server_id), lambda serial: state.server_of(serial) == server_id)


@vendor.get("/mdmServers/{id}/relationships/devices")
def list_server_device_links(request):
    ids = server_device_ids(request)
    related = request.mount_url("/mdmServers/%s/devices" % request.params["id"])
    return paginate(request, ids, lambda serial: {"type": "orgDevices", "id": serial}, MAX_DEVICE_LIMIT,
                    {"related": related})


@vendor.get("/mdmServers/{id}/devices")
def list_server_devices(request):
    devices = request.state.devices
    return paginate(request, server_device_ids(request), lambda s: present_device(request, devices.get(s)),
                    MAX_DEVICE_LIMIT)


@vendor.get("/orgDevices")
def list_devices(request):
    devices = request.state.devices
    return paginate(request, devices.ids(), lambda s: present_device(request, devices.get(s)), MAX_DEVICE_LIMIT)


@vendor.get("/orgDevices/{id}")
def show_device(request):
    device = find(request.state.devices, "orgDevices", request.params["id"])
    return json_response(200, {"data": present_device(request, device), "links": {"self": request.url}})


@vendor.get("/orgDevices/{id}/relationships/assignedServer")
def show_assigned_server_link(request):
    serial = find(request.state.devices, "orgDevices", request.params["id"])["id"]
    server_id = request.state.server_of(serial)
    return json_response(200, {
        "data": {"type": "mdmServers", "id": server_id} if server_id else None,
        "links": {"self": request.url, "related": request.mount_url("/orgDevices/%s/assignedServer" % serial)}})


@vendor.get("/orgDevices/{id}/assignedServer")
def show_assigned_server(request):
    state = request.state
    server_id = state.server_of(find(state.devices, "orgDevices", request.params["id"])["id"])
    server = state.servers.get(server_id) if server_id else None
    return json_response(200, {"data": present_server(request, server) if server else None,
                               "links": {"self": request.url}})


def invalid_entity(detail, code="ENTITY_ERROR.ATTRIBUTE.INVALID"):
    return HTTPError(409, "The provided entity is invalid", code=code, detail=detail)


def parse_deadline(text):
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00")).astimezone(timezone.utc)
    except ValueError:
        raise HTTPError(400, "A parameter has an invalid value", code="PARAMETER_ERROR.INVALID",
                        detail="'mdmMigrationDeadlineDateTime' must be an ISO 8601 date-time.")


def check_deadline(activity_type, text):
    """Apple's range for a migration deadline: at most 90 days ahead, and for a new migration
    in the future (an update may move it into the past: the device then migrates at once)."""
    if not text:
        raise invalid_entity("'activityTypeMetadata.mdmMigrationDeadlineDateTime' is required for %s."
                             % activity_type)
    moment = parse_deadline(text)
    now = datetime.now(timezone.utc)
    if moment > now + timedelta(days=MAX_DEADLINE_DAYS) or (activity_type == DEADLINE_TYPE and moment <= now):
        raise invalid_entity("The migration deadline %s is outside the allowed range: it can't be more than %d "
                             "days in the future." % (text, MAX_DEADLINE_DAYS), "ENTITY_ERROR.ATTRIBUTE.INVALID")
    return text


@vendor.post("/orgDeviceActivities")
def create_activity(request):
    body = request.json()
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict) or data.get("type") != "orgDeviceActivities":
        raise invalid_entity("The request entity must be of type 'orgDeviceActivities'.", "ENTITY_ERROR.INVALID_TYPE")
    attributes = data.get("attributes") or {}
    activity_type = attributes.get("activityType")
    allowed = ACTIVITY_TYPES[request.mount]
    if activity_type not in allowed:
        raise invalid_entity("'activityType' must be one of %s." % ", ".join(allowed))
    relationships = data.get("relationships") or {}
    server = ((relationships.get("mdmServer") or {}).get("data") or {})
    devices = (relationships.get("devices") or {}).get("data")
    deadline = None
    if activity_type in (DEADLINE_TYPE, UPDATE_DEADLINE_TYPE):
        deadline = check_deadline(activity_type, (attributes.get("activityTypeMetadata") or {})
                                  .get("mdmMigrationDeadlineDateTime"))
    if activity_type not in NEEDS_SERVER:  # update, cancel and release name no service
        server = {"type": "mdmServers", "id": None}
    elif server.get("type") != "mdmServers" or not server.get("id"):
        raise invalid_entity("The 'mdmServer' relationship is required.", "ENTITY_ERROR.RELATIONSHIP.INVALID")
    if not isinstance(devices, list) or not devices or any(
            not isinstance(d, dict) or d.get("type") != "orgDevices" or not d.get("id") for d in devices):
        raise invalid_entity("The 'devices' relationship needs at least one orgDevices entry.",
                             "ENTITY_ERROR.RELATIONSHIP.INVALID")
    state = request.state
    if server["id"]:
        find(state.servers, "mdmServers", server["id"])
    activity_id = str(uuid.uuid4())
    state.activities[activity_id] = {
        "id": activity_id, "type": activity_type, "server": server["id"], "serials": [d["id"] for d in devices],
        "deadline": deadline,
        "status": "IN_PROGRESS", "sub_status": "SUBMITTED", "created": iso_z(datetime.now(timezone.utc)),
        "due": time.time() + state.options.abm_activity_seconds}
    return json_response(201, {"data": present_activity(request, state.activities[activity_id]),
                               "links": {"self": request.mount_url("/orgDeviceActivities")}})


def present_activity(request, activity):
    attributes = {"status": activity["status"], "subStatus": activity["sub_status"],
                  "createdDateTime": activity["created"]}
    if activity.get("completed"):
        attributes["completedDateTime"] = activity["completed"]
        attributes["downloadUrl"] = request.root_url + BLOB_PATH % activity["id"]
    return {"type": "orgDeviceActivities", "id": activity["id"], "attributes": attributes,
            "links": {"self": request.mount_url("/orgDeviceActivities/%s" % activity["id"])}}


@vendor.get("/orgDeviceActivities/{id}")
def show_activity(request):
    state = request.state
    state.settle()
    activity = state.activities.get(request.params["id"])
    if activity is None:
        raise not_found("orgDeviceActivities", request.params["id"])
    return json_response(200, {"data": present_activity(request, activity), "links": {"self": request.url}})


@vendor.get(BLOB_PATH % "{id}", mounted=False, auth=False)
def download_activity_log(request):
    """The per-device log an activity's downloadUrl points at: a pre-signed blob, outside the API
    host's paths, needing no auth.  Like pre-signed blob stores (S3 answers 400 InvalidArgument
    "Only one auth mechanism allowed"), it refuses a request that also sends Authorization: the
    API's bearer token must never leave for it."""
    if request.headers.get("Authorization"):
        return Response(400, b"Only one auth mechanism allowed", "text/plain")
    state = request.state
    state.settle()
    activity = state.activities.get(request.params["id"])
    if activity is None or "results" not in activity:
        return Response(404, b"Not Found", "text/plain")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Serial Number", "Activity Type", "MDM Server", "Status", "Message"])
    for serial, outcome, message in activity["results"]:
        writer.writerow([serial, activity["type"], activity["server"], outcome, message])
    return Response(200, out.getvalue().encode(), "application/octet-stream",
                    {"Content-Disposition": 'attachment; filename="ABM-ActivityLog_%s.csv"' % activity["id"]})
