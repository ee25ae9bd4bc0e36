"""Apple Business / School Manager: AppleCare coverage and per-method rate budgets.

GET /v1/orgDevices/{id}/appleCareCoverage (both mounts)
    {"data": [{"type": "appleCareCoverage", "id": ..., "attributes": {"status", "paymentType",
    "description", "startDateTime", "endDateTime", "isRenewable", "isCanceled",
    "contractCancelDateTime", "agreementNumber"}}], "links": {"self": ...}, "meta": {"paging": ...}}
    The shape follows public clients of Apple's API (the attribute list of its `fields[appleCareCoverage]`
    parameter; a "Limited Warranty" record with paymentType NONE and null agreementNumber, an
    "AppleCare+" record with an agreement number; an expired coverage is an INACTIVE record;
    coverage dates carry no fractional seconds).  Generated per serial, deterministically: every
    device has the one-year Limited Warranty from its addedToOrgDateTime; one in three also has
    AppleCare+ for three years.  Unknown serial: 404 NOT_FOUND.  Fixture devices may carry
    "_applecare": [records] to replace the generated ones.

Rate budgets (Apple publishes none; public tools observed about 20 GET a minute and 10 POST an
hour).  Off by default.
POST /_sim/abm/rate_budget  {"GET": {"limit": 20, "window": 60}, "POST": {"limit": 10, "window": 3600}}
    replaces the budgets (an empty object removes them); each method named gets a sliding window
    of `window` seconds in which at most `limit` authenticated ABM/ASM API requests are served.
    Past it: 429 RATE_LIMIT_EXCEEDED with `Retry-After` = whole seconds until the oldest request
    leaves the window.  A refused request does not use the budget.  The token endpoint is not
    counted (Apple serves it from another host).  Budgets are cleared by /_sim/reset.
GET  /_sim/abm/rate_budget  the budgets with the requests counted in each window.
"""

import hashlib
import math
import time
from datetime import datetime, timedelta, timezone

from . import abm
from .server import HTTPError, json_response

vendor = abm.vendor


def _day(text):
    try:
        return datetime.strptime(str(text)[:10], "%Y-%m-%d").replace(tzinfo=timezone.utc)
    except ValueError:
        return datetime(2024, 1, 2, tzinfo=timezone.utc)


def _stamp(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def coverage_records(device):
    if "_applecare" in device:
        return device["_applecare"]
    serial = device["id"]
    start = _day((device.get("attributes") or {}).get("addedToOrgDateTime") or "2024-01-02")
    now = datetime.now(timezone.utc)
    digest = int(hashlib.sha256(serial.encode()).hexdigest(), 16)
    plans = [("Limited Warranty", 365, "NONE", None)]
    if digest % 3 == 0:
        plans.append(("AppleCare+", 3 * 365, "PAID_UP_FRONT", "%010d" % (digest % 10 ** 10)))
    records = []
    for number, (description, days, payment, agreement) in enumerate(plans, 1):
        end = start + timedelta(days=days)
        records.append({"type": "appleCareCoverage", "id": "%s-%d" % (serial, number) if agreement else serial,
                        "attributes": {
                            "status": "ACTIVE" if end > now else "INACTIVE", "paymentType": payment,
                            "description": description, "startDateTime": _stamp(start),
                            "endDateTime": _stamp(end), "isRenewable": bool(agreement) and end > now,
                            "isCanceled": False, "contractCancelDateTime": None,
                            "agreementNumber": agreement}})
    return records


@vendor.get("/orgDevices/{id}/appleCareCoverage")
def show_applecare(request):
    device = abm.find(request.state.devices, "orgDevices", request.params["id"])
    records = coverage_records(device)
    return json_response(200, {"data": records, "links": {"self": request.url},
                               "meta": {"paging": {"total": len(records), "limit": abm.DEFAULT_LIMIT}}})


# ---- rate budgets ----------------------------------------------------------------------------

def _budgets(state):
    if not hasattr(state, "rate_budgets"):
        state.rate_budgets = {}  # method -> {"limit", "window", "served": [times]}
    return state.rate_budgets


_authenticate = vendor.authenticate


def budgeted_authenticate(request):
    """The ABM auth check, then the method's budget (only authenticated requests count)."""
    denied = _authenticate(request)
    if denied is not None:
        return denied
    budget = _budgets(request.state).get(request.method)
    if not budget:
        return None
    now = time.time()
    served = [t for t in budget["served"] if t > now - budget["window"]]
    budget["served"] = served
    if len(served) >= budget["limit"]:
        oldest = served[0] if served else now  # a limit of 0 refuses every request for a window
        wait = max(1, int(math.ceil(oldest + budget["window"] - now)))
        return vendor.error(429, "The request rate limit has been reached.", {"Retry-After": str(wait)},
                            detail="We've received too many requests for this API. Please wait and try "
                                   "again or slow down your request rate.")
    served.append(now)
    return None


vendor.authenticate = budgeted_authenticate


@vendor.post("/_sim/abm/rate_budget", mounted=False, auth=False)
def set_rate_budget(request):
    body = request.json()
    if not isinstance(body, dict):
        raise HTTPError(400, "the body must be an object of METHOD: {limit, window}")
    budgets = {}
    for method, spec in body.items():
        try:
            limit, window = int(spec["limit"]), float(spec["window"])
        except (TypeError, KeyError, ValueError):
            raise HTTPError(400, "%s: give limit (requests) and window (seconds)" % method)
        if limit < 0 or window <= 0:
            raise HTTPError(400, "%s: limit must be >= 0 and window > 0" % method)
        budgets[method.upper()] = {"limit": limit, "window": window, "served": []}
    state_budgets = _budgets(request.state)
    state_budgets.clear()
    state_budgets.update(budgets)
    return show_rate_budget(request)


@vendor.get("/_sim/abm/rate_budget", mounted=False, auth=False)
def show_rate_budget(request):
    now = time.time()
    return json_response(200, {"budgets": {
        method: {"limit": b["limit"], "window": b["window"],
                 "used": sum(1 for t in b["served"] if t > now - b["window"])}
        for method, b in _budgets(request.state).items()}})
