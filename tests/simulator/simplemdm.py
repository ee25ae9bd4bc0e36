"""SimpleMDM API v1, mounted at /simplemdm/api/v1.

Auth: HTTP Basic with the API key as user name and an empty password; otherwise
401 {"errors": [{"title": "unauthorized"}]}.  Errors: {"errors": [{"title": ...}]}
(unknown object: 404 "object not found").  Write requests take form-encoded or JSON bodies.

Paging (`paginate`): `limit` 1..100 (default 10), `starting_after` (an object id),
`direction` asc|desc (desc continues downward from `starting_after`); answer
{"data": [...], "has_more": bool}.  The reference does not say what happens outside those
ranges; the simulator is strict and answers 422 with a title naming the parameter, so a
client bug shows up instead of being silently clamped.

Fixtures (`POST /_sim/fixtures` under "simplemdm"): "devices", "device_groups",
"custom_attributes": lists of objects in the API's own shape (devices may carry
relationships.custom_attribute_values.data entries with attributes value/secret/source).
"""

import bisect
import re
import time

from . import fleet_simplemdm as generated
from .server import HTTPError, Vendor, empty_response, json_response
from .store import Table

DEFAULT_API_KEY = "sim-simplemdm-key"
MAX_LIMIT = 100
DEFAULT_LIMIT = 10
ATTRIBUTE_NAME = re.compile(r"^[A-Za-z0-9_]+$")


def authenticate(request):
    user, _password = request.basic_auth()
    if user == request.app.options.simplemdm_api_key:
        return None
    return vendor.error(401, "unauthorized", {"WWW-Authenticate": 'Basic realm="Application"'})


def error_body(status, message, details):
    return {"errors": [{"title": message}]}


def rate_limit_headers(retry_after_seconds):
    return {"X-RateLimit-Reset": int(time.time() + retry_after_seconds)}


class SimpleMDMState:
    def __init__(self, app):
        fleet = self.fleet = app.fleet
        self.devices = Table(fleet.size, generated.device_id, lambda i: generated.device(fleet, i))
        self.device_groups = Table.of(generated.device_groups())
        self.custom_attributes = Table.of(generated.custom_attributes())
        self.value_overrides = {}  # (device id, attribute name) -> custom_attribute_value entry
        self.dropped_attributes = set()  # deleted attribute names: their generated values are gone
        self._definitions = (None, [])

    def definitions(self):
        """The custom attribute definitions, read once per change (every device shows them)."""
        table = self.custom_attributes
        if self._definitions[0] != table.version:
            self._definitions = (table.version, table.records(table.ids()))
        return self._definitions[1]

    def load(self, data, replace):
        for key, table in (("devices", self.devices), ("device_groups", self.device_groups),
                           ("custom_attributes", self.custom_attributes)):
            if key in data:
                table.load(data[key], replace)

    def attribute_values(self, device, include_secret):
        """The device's custom attribute values: its own or its group's, else the account default."""
        own_values = device.get("relationships", {}).get("custom_attribute_values", {}).get("data", [])
        stored = {entry["id"]: entry for entry in own_values if entry["id"] not in self.dropped_attributes}
        values = []
        for definition in self.definitions():
            name = definition["id"]
            entry = self.value_overrides.get((device["id"], name)) or stored.get(name)
            if entry is None:
                default = definition["attributes"].get("default_value") or ""
                if not default:
                    continue
                entry = generated.value(name, default, "account")
            attributes = dict(entry["attributes"])
            if attributes.get("secret") and not include_secret:
                # Listed with an empty value, as the reference's "Get values for device" sample
                # shows a device's secret value ("value": "", "secret": true); the devices'
                # include_secret_custom_attributes "returns all custom attribute values including
                # those marked as secret", i.e. with their values.
                attributes["value"] = ""
            values.append({"type": "custom_attribute_value", "id": name, "attributes": attributes})
        return values

    def find_attribute(self, name):
        """Custom attribute names are case-insensitive."""
        for attribute_id in self.custom_attributes.ids():
            if attribute_id.lower() == name.lower():
                return self.custom_attributes.get(attribute_id)
        return None


vendor = Vendor("simplemdm", {"simplemdm": "/simplemdm/api/v1"}, authenticate, error_body,
                SimpleMDMState, rate_limit_headers)


def query_int(request, name, low, high, default):
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        number = int(raw)
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        raise HTTPError(422, "%s must be an integer between %d and %d" % (name, low, high))
    return number


def paginate(request, ids, present, cursor_type=int):
    """SimpleMDM cursor paging over `ids` sorted ascending; present(id) -> object."""
    limit = query_int(request, "limit", 1, MAX_LIMIT, DEFAULT_LIMIT)
    direction = request.query.get("direction") or "asc"
    if direction not in ("asc", "desc"):
        raise HTTPError(422, "direction must be asc or desc")
    cursor = request.query.get("starting_after")
    if cursor:
        try:
            cursor = cursor_type(cursor)
        except ValueError:
            raise HTTPError(422, "starting_after must be an object id")
    if direction == "asc":
        start = bisect.bisect_right(ids, cursor) if cursor else 0
        chunk, has_more = ids[start:start + limit], start + limit < len(ids)
    else:
        end = bisect.bisect_left(ids, cursor) if cursor else len(ids)
        chunk, has_more = ids[max(0, end - limit):end][::-1], end - limit > 0
    return json_response(200, {"data": [present(i) for i in chunk], "has_more": has_more})


def one(payload, status=200):
    return json_response(status, {"data": payload})


def int_id(raw):
    try:
        return int(raw)
    except ValueError:
        raise HTTPError(404, "object not found")


def find_device(request):
    device = request.state.devices.get(int_id(request.params["id"]))
    if device is None:
        raise HTTPError(404, "object not found")
    return device


def present_device(request, device):
    include_secret = request.flag("include_secret_custom_attributes")
    values = request.state.attribute_values(device, include_secret)
    for entry in values:  # the device object shows value and secret only
        entry["attributes"] = {"secret": entry["attributes"].get("secret", False),
                               "value": entry["attributes"].get("value")}
    device.setdefault("relationships", {})["custom_attribute_values"] = {"data": values}
    return device


def is_awaiting(state, device_id):
    index = state.devices.untouched_index(device_id)
    if index is not None:
        return generated.is_awaiting(index)
    return state.devices.get(device_id).get("attributes", {}).get("status") == "awaiting enrollment"


# Reference, Devices > List all: `search` matches "name, UDID, serial number, IMEI, MAC address,
# or phone number" (not device_name, the name the device reports).
SEARCHED_FIELDS = ("name", "unique_identifier", "serial_number", "imei", "wifi_mac", "bluetooth_mac",
                   "phone_number")


def matches_search(device, term):
    attributes = device.get("attributes", {})
    return any(term in str(attributes.get(field) or "").lower() for field in SEARCHED_FIELDS)


@vendor.get("/account")
def show_account(request):
    total = request.state.devices.count()
    return one({"type": "account", "attributes": {
        "name": "SimpleMDM Simulator", "apple_store_country_code": "US",
        "subscription": {"licenses": {"total": total + 500, "available": 500}}}})


@vendor.get("/devices")
def list_devices(request):
    state = request.state
    include_awaiting = request.flag("include_awaiting_enrollment")
    term = (request.query.get("search") or "").lower()

    def wanted(device_id):
        if not include_awaiting and is_awaiting(state, device_id):
            return False
        return not term or matches_search(state.devices.get(device_id), term)

    ids = state.devices.select(("devices", include_awaiting, term), wanted, sort_key=lambda i: i)
    return paginate(request, ids, lambda i: present_device(request, state.devices.get(i)))


@vendor.get("/devices/{id}")
def show_device(request):
    return one(present_device(request, find_device(request)))


def device_index(request):
    """The generation index behind a device (created devices have none: empty sub-lists)."""
    return request.state.devices.index_of(find_device(request)["id"])


def sub_list(request, make):
    index = device_index(request)
    objects = {} if index is None else {o["id"]: o for o in make(index)}
    return paginate(request, sorted(objects), objects.get)


@vendor.get("/devices/{id}/profiles")
def list_device_profiles(request):
    return sub_list(request, lambda index: generated.profiles(request.state.fleet, index))


@vendor.get("/devices/{id}/installed_apps")
def list_installed_apps(request):
    return sub_list(request, lambda index: generated.installed_apps(request.state.fleet, index))


def is_mac(device):
    """A Mac, from its product or model name (MacBookAir10,1, iMac21,1, VirtualMac2,1, Mac mini)."""
    attributes = device["attributes"]
    text = "%s %s" % (attributes.get("product_name") or "", attributes.get("model_name") or "")
    return "mac" in text.lower()


@vendor.get("/devices/{id}/users")
def list_device_users(request):
    mac = is_mac(find_device(request))
    return sub_list(request, lambda index: generated.users(request.state.fleet, index, mac))


@vendor.get("/devices/{id}/custom_attribute_values")
def list_device_attribute_values(request):
    device = find_device(request)
    return one(request.state.attribute_values(device, request.flag("include_secret_custom_attributes")))


@vendor.get("/custom_attributes")
def list_custom_attributes(request):
    table = request.state.custom_attributes
    return paginate(request, sorted(table.ids()), table.get, cursor_type=str)


def find_custom_attribute(request):
    attribute = request.state.find_attribute(request.params["id"])
    if attribute is None:
        raise HTTPError(404, "object not found")
    return attribute


@vendor.get("/custom_attributes/{id}")
def show_custom_attribute(request):
    return one(find_custom_attribute(request))


@vendor.post("/custom_attributes")
def create_custom_attribute(request):
    form = request.form()
    name = str(form.get("name") or "")
    if not name:
        raise HTTPError(422, "name can't be blank")
    if not ATTRIBUTE_NAME.match(name):
        raise HTTPError(422, "name may only contain alphanumeric characters and underscores")
    if request.state.find_attribute(name) is not None:
        raise HTTPError(422, "name has already been taken")
    attribute = {"type": "custom_attribute", "id": name,
                 "attributes": {"name": name, "default_value": str(form.get("default_value") or "")}}
    request.state.custom_attributes.put(attribute)
    return one(attribute, 201)


@vendor.patch("/custom_attributes/{id}")
def update_custom_attribute(request):
    attribute = find_custom_attribute(request)
    form = request.form()
    if "default_value" in form:
        attribute["attributes"]["default_value"] = str(form["default_value"] or "")
    request.state.custom_attributes.put(attribute)
    return one(attribute)


@vendor.delete("/custom_attributes/{id}")
def delete_custom_attribute(request):
    state = request.state
    name = find_custom_attribute(request)["id"]
    state.custom_attributes.delete(name)
    # Deleting an attribute removes its values too, including the generated ones.
    state.dropped_attributes.add(name)
    state.value_overrides = {key: v for key, v in state.value_overrides.items() if key[1] != name}
    return empty_response(204)


@vendor.get("/device_groups")
def list_device_groups(request):
    table = request.state.device_groups
    return paginate(request, sorted(table.ids()), table.get)


@vendor.get("/device_groups/{id}")
def show_device_group(request):
    group = request.state.device_groups.get(int_id(request.params["id"]))
    if group is None:
        raise HTTPError(404, "object not found")
    return one(group)
