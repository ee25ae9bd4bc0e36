"""Esper converge actions and DEP sync requests (mounted at /esper/api, like esper.py).

    GET  /v2/converge                  {"content": {count, next, previous, results}}; filter device_ids (csv)
    POST /v2/converge                  201 {"content": converge}; device_id (uuid of a known device) and
                                       converge_with_provision_option (boolean) required
    GET  /v2/converge/{id}             {"content": converge}, 404 unknown
    GET  /v2/converge/{id}/commands    {"content": {count, next, previous, results}}: the commands fired
    GET  /onboarding/v0/depsyncs/      wrapped page of sync requests
    POST /onboarding/v0/depsyncs/      200 wrapped sync request, status IN_PROGRESS
    GET  /onboarding/v0/depsyncs/{id}/ wrapped sync request, 404 unknown

A converge is IN_PROGRESS, then SUCCESS after `step_seconds` x 4 (see esper_commands.py), or SCHEDULED
for a WINDOW schedule; it fires UPDATE_BLUEPRINT, CONVERGE (and DEVICE_INFORMATION with the provision
option). A DEP sync is IN_PROGRESS, then SUCCESS after the same time, with the number of devices synced.
"""

import time
import uuid

from .esper import UUID, HTTPError, json_response, paginate, vendor, wrapped
from .esper_commands import commands_of, now_stamp


class OnboardingState:
    def __init__(self):
        self.converges = {}
        self.converge_order = []
        self.syncs = {}
        self.sync_order = []


def onboarding_of(state):
    if getattr(state, "onboarding", None) is None:
        state.onboarding = OnboardingState()
    return state.onboarding


def done(state, record):
    delay = commands_of(state).step_seconds * 4
    return time.time() - record["_created"] >= delay


def converge_view(state, record):
    if record["status"] == "IN_PROGRESS" and done(state, record):
        record["status"] = "SUCCESS"
        record["updated_on"] = now_stamp()
    return {k: v for k, v in record.items() if not k.startswith("_")}


def sync_view(state, record):
    if record["status"] == "IN_PROGRESS" and done(state, record):
        record["status"] = "SUCCESS"
        record["devices_synced"] = len([d for d in state.devices.ids()
                                        if state.devices.get(d).get("device_source") == "ABM"])
        record["updated_on"] = now_stamp()
    return {k: v for k, v in record.items() if not k.startswith("_")}


@vendor.post("/v2/converge")
def create_converge(request):
    state = request.state
    body = request.json() or {}
    device_id = str(body.get("device_id") or "")
    if not UUID.match(device_id) or state.devices.get(device_id.lower()) is None:
        raise HTTPError(400, "device_id: unknown device %s" % device_id)
    if not isinstance(body.get("converge_with_provision_option"), bool):
        raise HTTPError(400, "converge_with_provision_option: this field is required and must be a boolean")
    schedule = body.get("schedule_type") or "IMMEDIATE"
    if schedule not in ("IMMEDIATE", "WINDOW"):
        raise HTTPError(400, "schedule_type: must be IMMEDIATE or WINDOW")
    created = time.time()
    commands = ["UPDATE_BLUEPRINT", "CONVERGE"] + (["DEVICE_INFORMATION"] if body["converge_with_provision_option"]
                                                   else [])
    record = {"id": str(uuid.uuid4()), "device_id": device_id.lower(),
              "converge_with_provision_option": body["converge_with_provision_option"],
              "schedule_type": schedule, "schedule_args": body.get("schedule_args") or {},
              "status": "SCHEDULED" if schedule == "WINDOW" else "IN_PROGRESS",
              "created_on": now_stamp(created), "updated_on": now_stamp(created), "_created": created,
              "_commands": [{"id": str(uuid.uuid4()), "command": name, "device": device_id.lower(),
                             "created_on": now_stamp(created)} for name in commands]}
    onboarding = onboarding_of(state)
    onboarding.converges[record["id"]] = record
    onboarding.converge_order.append(record["id"])
    return json_response(201, {"content": converge_view(state, record)})


@vendor.get("/v2/converge")
def list_converges(request):
    state = request.state
    onboarding = onboarding_of(state)
    wanted = set(filter(None, (request.query.get("device_ids") or "").split(",")))
    ids = [i for i in reversed(onboarding.converge_order)
           if not wanted or onboarding.converges[i]["device_id"] in wanted]
    return json_response(200, {"content": paginate(request, ids,
                                                   lambda i: converge_view(state, onboarding.converges[i]))})


def converge_or_404(request):
    record = onboarding_of(request.state).converges.get(request.params["id"])
    if record is None:
        raise HTTPError(404, "Converge action not found")
    return record


@vendor.get("/v2/converge/{id}")
def show_converge(request):
    return json_response(200, {"content": converge_view(request.state, converge_or_404(request))})


@vendor.get("/v2/converge/{id}/commands")
def converge_commands(request):
    record = converge_or_404(request)
    view = converge_view(request.state, record)
    state = "Command Success" if view["status"] == "SUCCESS" else "Command In Progress"
    commands = [dict(c, state=state if view["status"] != "SCHEDULED" else "Command Scheduled")
                for c in record["_commands"]]
    return json_response(200, {"content": paginate(request, list(range(len(commands))), lambda i: commands[i])})


@vendor.post("/onboarding/v0/depsyncs/")
def create_sync(request):
    body = request.json()
    if body is not None and not isinstance(body, dict):
        raise HTTPError(400, "request body must be a JSON object")
    onboarding = onboarding_of(request.state)
    if any(s["status"] == "IN_PROGRESS" and not done(request.state, s) for s in onboarding.syncs.values()):
        raise HTTPError(400, "A DEP sync is already in progress")
    created = time.time()
    record = {"id": str(uuid.uuid4()), "status": "IN_PROGRESS", "devices_synced": 0,
              "created_on": now_stamp(created), "updated_on": now_stamp(created), "_created": created}
    onboarding.syncs[record["id"]] = record
    onboarding.sync_order.append(record["id"])
    return wrapped(sync_view(request.state, record))


@vendor.get("/onboarding/v0/depsyncs/")
def list_syncs(request):
    onboarding = onboarding_of(request.state)
    ids = list(reversed(onboarding.sync_order))
    return wrapped(paginate(request, ids, lambda i: sync_view(request.state, onboarding.syncs[i])))


@vendor.get("/onboarding/v0/depsyncs/{id}/")
def show_sync(request):
    record = onboarding_of(request.state).syncs.get(request.params["id"])
    if record is None:
        raise HTTPError(404, "DEP sync request not found")
    return wrapped(sync_view(request.state, record))
