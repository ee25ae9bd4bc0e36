"""Esper API, mounted at /esper/api (tenant "sim": the real host is https://sim-api.esper.cloud/api).

Auth: `Authorization: Bearer <API key>`; otherwise 401.  Error bodies:
{"errors": [message], "message": message, "status": code}.

Paging (`paginate`): `limit` (default 20) and `offset` (default 0); a page is
{"count", "next", "previous", "results"} with full URLs for next/previous or null (previous
drops `offset` when it would be 0, as Django REST framework does).  The v0 endpoints wrap
answers as {"code": 200, "message": "success", "content": ...} (`wrapped`).

`GET /device/v0/devices/` filters (all optional, combined with AND): serial, udid, state,
platform (ANDROID|APPLE), os (iOS|iPadOS|Android), android_version, ios_version,
ipados_version, is_gms, group_multi (comma-separated group ids), group_multi_immediate (the
group itself, not its subgroups; the simulated groups have none), assigned_blueprint_id,
current_blueprint_id, current_blueprint_version_id, current_blueprint_version_id_net (read as
"not equal to": the reference names the filter without describing it), battery_level_gte,
battery_level_lte, active_connection (WIFI, CELLULAR, ETHERNET), device_source (csv of
ABM, NON_ABM), search (name, alias, serial, imei, model, brand, manufacturer, udid, wifi MAC),
ordering (device_name, created_on, last_seen, serial, state; "-" prefix: descending).
A filter typed <uuid> in the reference answers 400 for a value that is not a UUID, as Django
REST framework's UUID filters do.

Page size: Esper documents no maximum for `limit` (neither the reference nor the public API
docs give one), so none is applied.  POST /_sim/esper/paging {"max_limit": N} (null to lift it,
reset by /_sim/reset) caps it the way Django REST framework's `max_limit` does: a larger `limit`
gets N results and `next` links carry limit=N.  It lets tests check that a client steps through
offsets by the page size the server returned, not the one it asked for.

Fixtures (under "esper"): "devices", a list of device objects in the shape above.
"""

import re
from urllib.parse import urlencode

from . import fleet_esper as generated
from .server import HTTPError, Vendor, json_response
from .store import Table

DEFAULT_API_KEY = "sim-esper-key"
TENANT = "sim"
DEFAULT_LIMIT = 20
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
ORDERING_FIELDS = ("device_name", "created_on", "last_seen", "serial", "state")


def authenticate(request):
    if request.bearer_token() == request.app.options.esper_api_key:
        return None
    return vendor.error(401, "Authentication credentials were not provided or are invalid.")


def error_body(status, message, details):
    return {"errors": [message], "message": message, "status": status}


class EsperState:
    def __init__(self, app):
        fleet = self.fleet = app.fleet
        self.devices = Table(fleet.size, lambda i: generated.device_id(fleet, i), lambda i: generated.device(fleet, i))
        self.groups = Table.of(generated.groups(fleet))
        self.blueprints = generated.blueprints(fleet)
        self.max_limit = None

    def load(self, data, replace):
        if "devices" in data:
            self.devices.load(data["devices"], replace)


vendor = Vendor("esper", {"esper": "/esper/api"}, authenticate, error_body, EsperState)


def wrapped(content, status=200):
    return json_response(status, {"code": status, "message": "success", "content": content})


def query_int(request, name, default, low=0):
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        number = int(raw)
    except ValueError:
        number = low - 1
    if number < low:
        raise HTTPError(400, "Invalid value for '%s': %s" % (name, raw))
    return number


def page_url(request, offset, limit):
    query = [(k, v) for k, values in request.query_lists.items() if k not in ("limit", "offset") for v in values]
    query.append(("limit", str(limit)))
    if offset > 0:
        query.append(("offset", str(offset)))
    return request.root_url + request.path + "?" + urlencode(query)


def paginate(request, ids, present):
    """One Esper page of `ids`: {"count", "next", "previous", "results"}."""
    limit = query_int(request, "limit", DEFAULT_LIMIT, low=1)
    max_limit = getattr(request.state, "max_limit", None)
    if max_limit:
        limit = min(limit, max_limit)
    offset = query_int(request, "offset", 0)
    chunk = ids[offset:offset + limit]
    return {"count": len(ids),
            "next": page_url(request, offset + limit, limit) if offset + limit < len(ids) else None,
            "previous": page_url(request, max(0, offset - limit), limit) if offset > 0 else None,
            "results": [present(i) for i in chunk]}


def software_version(device):
    info = device.get("softwareInfo") or {}
    return str(info.get("androidVersion") or info.get("osVersion") or "")


SEARCHED = (("device_name",), ("alias_name",), ("serial",), ("udid",), ("hardwareInfo", "model"),
            ("hardwareInfo", "brand"), ("hardwareInfo", "manufacturer"), ("networkInfo", "imei1"),
            ("networkInfo", "wifiMacAddress"))


def field(device, path):
    for key in path:
        device = (device or {}).get(key)
    return device


def query_uuid(request, name):
    value = request.query[name]
    if not UUID.match(value):
        raise HTTPError(400, "%s: '%s' is not a valid UUID." % (name, value))
    return value.lower()


def query_number(request, name):
    try:
        return float(request.query[name])
    except ValueError:
        raise HTTPError(400, "%s: enter a number." % name)


def device_filters(request):
    """(name, test) pairs for the filters present in the query."""
    q = request.query
    tests = []
    for name in ("assigned_blueprint_id", "current_blueprint_id", "current_blueprint_version_id"):
        if q.get(name):
            tests.append(lambda d, name=name, wanted=query_uuid(request, name):
                         (field(d, ("blueprint_info", name)) or "").lower() == wanted)
    if q.get("current_blueprint_version_id_net"):
        unwanted = query_uuid(request, "current_blueprint_version_id_net")
        tests.append(lambda d: (field(d, ("blueprint_info", "current_blueprint_version_id")) or "").lower() != unwanted)
    if q.get("battery_level_gte"):
        low = query_number(request, "battery_level_gte")
        tests.append(lambda d: (field(d, ("battery_stats", "battery_level")) or 0) >= low)
    if q.get("battery_level_lte"):
        high = query_number(request, "battery_level_lte")
        tests.append(lambda d: (field(d, ("battery_stats", "battery_level")) or 0) <= high)
    if q.get("active_connection"):
        tests.append(lambda d: (field(d, ("network_stats", "current_active_connection")) or "").upper()
                     == q["active_connection"].upper())
    if q.get("group_multi_immediate"):
        immediate = query_uuid(request, "group_multi_immediate")
        tests.append(lambda d: immediate in (d.get("groups") or []))
    if q.get("serial"):
        tests.append(lambda d: (d.get("serial") or "").lower() == q["serial"].lower())
    if q.get("udid"):
        tests.append(lambda d: (d.get("udid") or "").lower() == q["udid"].lower())
    if q.get("state"):
        state = query_int(request, "state", None)
        tests.append(lambda d: d.get("state") == state)
    if q.get("platform"):
        tests.append(lambda d: d.get("platform") == q["platform"].upper())
    if q.get("os"):
        tests.append(lambda d: (d.get("os") or "").lower() == q["os"].lower())
    for name, os_name in (("android_version", "android"), ("ios_version", "ios"), ("ipados_version", "ipados")):
        if q.get(name):
            tests.append(lambda d, os_name=os_name, wanted=q[name]: (d.get("os") or "").lower() == os_name
                         and software_version(d).startswith(wanted))
    if q.get("is_gms"):
        tests.append(lambda d: bool(d.get("is_gms")) == request.flag("is_gms"))
    if q.get("group_multi"):
        groups = set(g.strip().lower() for g in q["group_multi"].split(","))
        bad = [g for g in groups if not UUID.match(g)]
        if bad:
            raise HTTPError(400, "group_multi: '%s' is not a valid UUID." % bad[0])
        tests.append(lambda d: bool(groups.intersection(d.get("groups") or [])))
    if q.get("device_source"):
        sources = {s.strip().upper() for s in q["device_source"].split(",")}
        tests.append(lambda d: d.get("device_source") in sources)
    if q.get("search"):
        term = q["search"].lower()
        tests.append(lambda d: any(term in str(field(d, path) or "").lower() for path in SEARCHED))
    return tests


@vendor.get("/device/v0/devices/")
def list_devices(request):
    devices = request.state.devices
    tests = device_filters(request)
    ordering = request.query.get("ordering") or ""
    if ordering and ordering.lstrip("-") not in ORDERING_FIELDS:
        raise HTTPError(400, "Invalid ordering field: %s" % ordering)
    key = tuple(sorted((k, v) for k, v in request.query.items() if k not in ("limit", "offset")))
    if tests or ordering:
        def wanted(device_id):
            device = devices.get(device_id)
            return all(test(device) for test in tests)

        def sort_key(device_id):
            value = devices.get(device_id).get(ordering.lstrip("-"))
            return (value is None, value if value is not None else "")

        ids = devices.select(key, wanted if tests else None, sort_key if ordering else None)
        if ordering.startswith("-"):
            ids = ids[::-1]
    else:
        ids = devices.ids()
    return wrapped(paginate(request, ids, devices.get))


@vendor.get("/device/v0/devices/{id}/")
def show_device(request):
    device_id = request.params["id"]
    if not UUID.match(device_id):
        raise HTTPError(400, "Invalid device id: %s" % device_id)
    device = request.state.devices.get(device_id.lower())
    if device is None:
        raise HTTPError(404, "Device not found")
    return wrapped(device)


@vendor.get("/_sim/esper/paging", mounted=False, auth=False)
def show_paging(request):
    return json_response(200, {"max_limit": request.app.states["esper"].max_limit})


@vendor.post("/_sim/esper/paging", mounted=False, auth=False)
def set_paging(request):
    body = request.json() or {}
    max_limit = body.get("max_limit")
    if max_limit is not None and (not isinstance(max_limit, int) or isinstance(max_limit, bool) or max_limit < 1):
        raise HTTPError(400, "max_limit: a positive integer or null")
    request.app.states["esper"].max_limit = max_limit
    return json_response(200, {"max_limit": max_limit})
