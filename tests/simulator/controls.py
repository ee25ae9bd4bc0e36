"""Test controls under /_sim/ (no auth, no faults, not logged).

GET    /_sim/health     {"ok": true}
GET    /_sim/requests   {"requests": [ENTRY, ...]}; filters: since=SEQ, vendor, method, path_regex,
                        status (see requestlog.py for ENTRY)
POST   /_sim/reset      clears the log and the faults and restores the generated fleet
GET    /_sim/faults     the fault rules with their seen/applied counters
POST   /_sim/faults     {"rules": [RULE, ...]} replaces the rules (see faults.py); 400 if invalid
DELETE /_sim/faults     removes every rule
GET    /_sim/fleet      what the tests may need to know about the generated fleet
POST   /_sim/fixtures   loads objects, JSON:
    {"mode": "merge" | "replace",                 (default merge)
     "simplemdm": {"devices": [...], "device_groups": [...], "custom_attributes": [...]},
     "abm":       {"mdm_servers": [...], "devices": [...]},
     "esper":     {"devices": [...]},
     "micromdm":  {"devices": [...]}}
  Objects are in each API's own shape, keyed by their id ("uuid" for MicroMDM).  merge: an
  object whose id exists is deep-merged into it (nested objects merge, lists are replaced),
  others are added.  replace: each collection named is replaced by exactly the objects given
  (generated ones are dropped).  Answers {"loaded": {vendor: {collection: count}}}.
POST   /_sim/abm/expire_tokens   revokes every ABM access token, now or on a later request (see abm.py)
POST   /_sim/abm/token_ttl       the lifetime of the ABM tokens issued from now on (see abm.py)
"""

import re

from . import fleet_abm, fleet_simplemdm
from .server import HTTPError, Vendor, json_response


def error_body(status, message, details):
    return {"error": message}


vendor = Vendor("_sim", {"sim": "/_sim"}, error_body=error_body)


@vendor.get("/health")
def health(request):
    return json_response(200, {"ok": True})


@vendor.get("/requests")
def list_requests(request):
    q = request.query
    try:
        since = int(q.get("since") or 0)
        status = int(q["status"]) if q.get("status") else None
    except ValueError:
        raise HTTPError(400, "since and status must be integers")
    entries = request.app.log.entries(since, q.get("vendor"), q.get("method"), q.get("path_regex"), status)
    return json_response(200, {"requests": entries})


@vendor.post("/reset")
def reset(request):
    request.app.reset()
    return json_response(200, {"reset": True})


@vendor.get("/faults")
def show_faults(request):
    return json_response(200, {"rules": request.app.faults.describe()})


@vendor.post("/faults")
def set_faults(request):
    body = request.json() or {}
    rules = body.get("rules") if isinstance(body, dict) else None
    if not isinstance(rules, list):
        raise HTTPError(400, 'expected {"rules": [...]}')
    try:
        return json_response(200, {"rules": request.app.faults.set(rules)})
    except (ValueError, TypeError, KeyError, re.error) as error:
        raise HTTPError(400, "invalid rule: %s" % error)


@vendor.delete("/faults")
def clear_faults(request):
    request.app.faults.clear()
    return json_response(200, {"rules": []})


@vendor.post("/fixtures")
def load_fixtures(request):
    app, body = request.app, request.json()
    if not isinstance(body, dict):
        raise HTTPError(400, "expected a JSON object")
    mode = body.get("mode", "merge")
    if mode not in ("merge", "replace"):
        raise HTTPError(400, "mode must be merge or replace")
    vendors = {name for name, state in app.states.items() if state is not None}
    unknown = set(body) - {"mode"} - vendors
    if unknown:
        raise HTTPError(400, "unknown vendors: %s" % ", ".join(sorted(unknown)))
    loaded = {}
    for name, collections in body.items():
        if name == "mode":
            continue
        if not isinstance(collections, dict) or not all(isinstance(v, list) for v in collections.values()):
            raise HTTPError(400, "%s: expected {collection: [objects]}" % name)
        try:
            app.states[name].load(collections, mode == "replace")
        except (KeyError, TypeError, AttributeError) as error:
            raise HTTPError(400, "%s: every object needs its id (%s)" % (name, error))
        loaded[name] = {collection: len(items) for collection, items in collections.items()}
    return json_response(200, {"loaded": loaded})


@vendor.get("/fleet")
def describe_fleet(request):
    app = request.app
    fleet, abm = app.fleet, app.states["abm"]
    size = fleet.size
    return json_response(200, {
        "devices": size, "seed": fleet.seed,
        "abm": {"mdm_servers": {s["attributes"]["serverName"]: s["id"] for s in abm.servers.records(abm.servers.ids())},
                "locked_serials": [fleet.serial(i) for i in range(size) if fleet_abm.is_locked(i)]},
        "simplemdm": {"awaiting_enrollment_ids": [fleet_simplemdm.device_id(i) for i in range(size)
                                                  if fleet_simplemdm.is_awaiting(i)]},
    })
