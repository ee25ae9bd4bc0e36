"""MicroMDM management API (2016 reference), mounted at /micromdm/management/v1.

Auth: HTTP Basic, user "micromdm", password = the API key; otherwise 401 with
`WWW-Authenticate: Basic realm="micromdm"` and MicroMDM's own body
`{"error": "you need to log in"}` (sent as text/plain, as MicroMDM's http.Error does).
Other errors: {"error": message}.

The reference documents paths only.  The simulator answers:
  GET /devices          -> {"devices": [DEVICE, ...]}  (every device: the API has no paging)
  GET /devices/{uuid}   -> DEVICE, or 404 {"error": "not found"}
where DEVICE is
  {"uuid", "udid", "serial_number" ("" when not reported yet), "product_name" ("iPhone14,5"),
   "model" ("MLPF3LL"), "model_name", "device_name", "os_version", "build_version", "imei",
   "meid", "color", "workflow_uuid" ("" when none), "dep_device", "dep_profile_status"
   (assigned|pushed|removed|empty), "dep_profile_uuid", "enrolled", "awaiting_configuration",
   "last_seen" (RFC 3339)}

Fixtures (under "micromdm"): "devices", a list of DEVICE objects keyed by "uuid".
"""

from . import fleet_micromdm as generated
from .server import HTTPError, Response, Vendor, json_response
from .store import Table

DEFAULT_API_KEY = "sim-micromdm-key"
API_USER = "micromdm"


def authenticate(request):
    if request.basic_auth() == (API_USER, request.app.options.micromdm_api_key):
        return None
    return Response(401, b'{"error": "you need to log in"}\n', "text/plain; charset=utf-8",
                    {"WWW-Authenticate": 'Basic realm="micromdm"', "X-Content-Type-Options": "nosniff"})


def error_body(status, message, details):
    return {"error": message}


class MicroMDMState:
    def __init__(self, app):
        fleet = app.fleet
        self.devices = Table(fleet.size, lambda i: generated.device_uuid(fleet, i),
                             lambda i: generated.device(fleet, i), id_field="uuid")

    def load(self, data, replace):
        if "devices" in data:
            self.devices.load(data["devices"], replace)


vendor = Vendor("micromdm", {"micromdm": "/micromdm/management/v1"}, authenticate, error_body, MicroMDMState)


@vendor.get("/devices")
def list_devices(request):
    devices = request.state.devices
    return json_response(200, {"devices": devices.records(devices.ids())})


@vendor.get("/devices/{uuid}")
def show_device(request):
    device = request.state.devices.get(request.params["uuid"])
    if device is None:
        raise HTTPError(404, "not found")
    return json_response(200, device)
