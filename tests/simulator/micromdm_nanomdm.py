"""NanoMDM API, mounted at /nanomdm (server URL `<sim>/nanomdm`; the API paths are /v1/...).

Registered on the `vendor` of micromdm.py with its own auth: HTTP Basic "nanomdm:<api key>"
(the MicroMDM simulator key); otherwise 401, body "Unauthorized", `WWW-Authenticate: Basic
realm="nanomdm"`.  Source: micromdm/nanomdm docs/openapi.yaml and docs/operations-guide.md.

Enrollment IDs: the UDIDs of the simulated MicroMDM fleet.  {ids} is a comma-separated list.
APIResult = {"status": {id: {"push_result"?, "push_error"?, "command_error"?}}, "no_push"?,
             "command_uuid"?, "request_type"?, "command_error"?, "push_error"?}

  PUT /v1/enqueue/{ids}[?nopush=1]  body: an XML command plist {CommandUUID, Command:
                                {RequestType, ...}}.  Unknown ids get a per-id command_error.
                                200 all queued, 207 some failed, 500 all failed (APIResult); a
                                body that is not such a plist -> 500 with {"command_error"}.
                                Queued ids are pushed (push_result) unless nopush.
  GET /v1/push/{ids}            200 / 207 / 500 APIResult with push_result or push_error per id
  PUT /v1/pushcert              body: PEM certificate + unencrypted private key -> 200
                                {"topic", "not_after"}; a certificate or key it cannot use -> 400
                                {"error"} (the current openapi.yaml: 400/500 APIError {"error"};
                                an older one documented only 500), a key that is not the
                                certificate's -> 400 too (NanoMDM loads them with tls.X509KeyPair)
{ids} is percent-decoded, then split on commas (as NanoMDM reads its path).
Queued commands are kept per id (state.nanomdm.queues) and shown by nothing in the API (NanoMDM
has no queue endpoint); tests read the request log's body_excerpt.

Imported automatically by server.load_vendors (a micromdm_*.py file of this package).
"""

import plistlib
import uuid as uuidlib
from urllib.parse import unquote

from .micromdm import vendor
from .server import Response, json_response

PREFIX = "/nanomdm/v1"
API_USER = "nanomdm"


class NanoState:
    def __init__(self):
        self.queues = {}
        self.topic = None


def nano(request):
    state = request.state
    found = getattr(state, "nanomdm", None)
    if found is None:
        found = state.nanomdm = NanoState()
    return found


def denied(request):
    if request.basic_auth() == (API_USER, request.app.options.micromdm_api_key):
        return None
    return Response(401, b"Unauthorized\n", "text/plain; charset=utf-8",
                    {"WWW-Authenticate": 'Basic realm="nanomdm"'})


def known_ids(request):
    devices = request.state.devices
    return {d.get("udid") for d in devices.records(devices.ids()) if d.get("enrolled")}


def ids_of(request):
    return [i for i in unquote(request.params["ids"]).split(",") if i]


def answer(status_map, failed, total, extra):
    body = dict(extra)
    body["status"] = status_map
    code = 200 if failed == 0 else (500 if failed == total else 207)
    return json_response(code, body)


@vendor.put(PREFIX + "/enqueue/{ids}", mounted=False, auth=False)
def enqueue(request):
    refused = denied(request)
    if refused is not None:
        return refused
    try:
        command = plistlib.loads(request.body)
        request_type = command["Command"]["RequestType"]
        command_uuid = command["CommandUUID"]
        if not isinstance(request_type, str) or not isinstance(command_uuid, str) or not command_uuid:
            raise ValueError("CommandUUID and Command.RequestType must be strings")
    except Exception as exc:  # NanoMDM: the command could not be read
        return json_response(500, {"command_error": "decoding command: %s" % exc})
    state = nano(request)
    known = known_ids(request)
    no_push = request.flag("nopush")
    statuses, failed = {}, 0
    ids = ids_of(request)
    for enrollment in ids:
        if enrollment not in known:
            statuses[enrollment] = {"command_error": "enrollment not found: %s" % enrollment}
            failed += 1
            continue
        state.queues.setdefault(enrollment, []).append(command)
        statuses[enrollment] = {} if no_push else {"push_result": str(uuidlib.uuid4()).upper()}
    extra = {"command_uuid": command_uuid, "request_type": request_type}
    if no_push:
        extra["no_push"] = True
    return answer(statuses, failed, len(ids), extra)


@vendor.get(PREFIX + "/push/{ids}", mounted=False, auth=False)
def push(request):
    refused = denied(request)
    if refused is not None:
        return refused
    known = known_ids(request)
    statuses, failed = {}, 0
    ids = ids_of(request)
    for enrollment in ids:
        if enrollment in known:
            statuses[enrollment] = {"push_result": str(uuidlib.uuid4()).upper()}
        else:
            statuses[enrollment] = {"push_error": "no push info found for id: %s" % enrollment}
            failed += 1
    return answer(statuses, failed, len(ids), {})


@vendor.put(PREFIX + "/pushcert", mounted=False, auth=False)
def pushcert(request):
    refused = denied(request)
    if refused is not None:
        return refused
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization
        from cryptography.x509.oid import NameOID

        cert = x509.load_pem_x509_certificate(request.body)
        start = request.body.find(b"-----BEGIN", request.body.find(b"-----END CERTIFICATE-----"))
        if b"PRIVATE KEY-----" not in request.body or start < 0:
            raise ValueError("tls: failed to find any PEM data in key input")
        key = serialization.load_pem_private_key(request.body[start:], password=None)
        spki = serialization.PublicFormat.SubjectPublicKeyInfo
        if key.public_key().public_bytes(serialization.Encoding.DER, spki) != \
                cert.public_key().public_bytes(serialization.Encoding.DER, spki):
            raise ValueError("tls: private key does not match public key")
        uids = cert.subject.get_attributes_for_oid(NameOID.USER_ID)
        if not uids:
            raise ValueError("the certificate has no UID (topic) attribute")
    except Exception as exc:
        return json_response(400, {"error": str(exc)})
    topic = uids[0].value
    nano(request).topic = topic
    return json_response(200, {"topic": topic,
                               "not_after": cert.not_valid_after_utc.strftime("%Y-%m-%dT%H:%M:%SZ")})
