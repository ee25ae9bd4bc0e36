"""Fault injection rules, set with `POST /_sim/faults` `{"rules": [RULE, ...]}` (replaces all rules).

RULE is an object:
    kind         latency | status | rate_limit | reset | slow | malformed_json | html  (required)
    vendor       simplemdm | abm | esper | micromdm   (optional: every vendor)
    method       GET, POST, ...                        (optional: every method)
    path_regex   regular expression searched in the request path (optional)
    every        apply to every Nth matching request (default 1: each one)
    count        apply at most this many times (default: unlimited)
    status       the status code answered (status: default 500; html: default 502)
    retry_after  seconds (number) or an HTTP date (string): adds Retry-After
                 (rate_limit defaults to 1 second; SimpleMDM also gets X-RateLimit-Reset, epoch)
    delay        seconds: latency sleeps before answering, slow trickles the body over it
    phase        reset only: "before" (default) drops the connection without acting;
                 "after" performs the request (the write happens) then drops the connection

Each rule counts the requests it matches on its own.  Latency rules add up; the first
answering rule (status, rate_limit, html, reset before) wins and the handler is not run;
malformed_json cuts the real body in half; slow delays the body, not the headers.
`GET /_sim/faults` shows the rules with their `seen` and `applied` counters.
"""

import re
import threading
import time
from email.utils import parsedate_to_datetime

KINDS = ("latency", "status", "rate_limit", "reset", "slow", "malformed_json", "html")
RULE_KEYS = {"kind", "vendor", "method", "path_regex", "every", "count", "status", "retry_after",
             "delay", "phase"}


class FaultRule:
    def __init__(self, spec):
        if not isinstance(spec, dict):
            raise ValueError("a rule must be an object")
        unknown = set(spec) - RULE_KEYS
        if unknown:
            raise ValueError("unknown rule keys: %s" % ", ".join(sorted(unknown)))
        self.spec = spec
        self.kind = spec.get("kind")
        if self.kind not in KINDS:
            raise ValueError("kind must be one of %s" % ", ".join(KINDS))
        self.vendor = spec.get("vendor")
        self.method = (spec.get("method") or "").upper() or None
        self.path_regex = re.compile(spec["path_regex"]) if spec.get("path_regex") else None
        self.every = int(spec.get("every", 1))
        self.count = None if spec.get("count") is None else int(spec["count"])
        if self.every < 1 or (self.count is not None and self.count < 0):
            raise ValueError("every must be >= 1 and count >= 0")
        self.status = int(spec.get("status") or (502 if self.kind == "html" else 500))
        self.retry_after = spec.get("retry_after", 1 if self.kind == "rate_limit" else None)
        if self.retry_after is not None:
            retry_after_seconds(self.retry_after)  # a number or an HTTP date, else ValueError
        self.delay = float(spec.get("delay", 0))
        self.phase = spec.get("phase", "before")
        if self.phase not in ("before", "after"):
            raise ValueError("phase must be before or after")
        self.seen = 0
        self.applied = 0

    def matches(self, vendor, method, path):
        return ((self.vendor is None or self.vendor == vendor)
                and (self.method is None or self.method == method)
                and (self.path_regex is None or self.path_regex.search(path) is not None))

    def fire(self):
        """Count one matching request; True when the rule applies to it."""
        self.seen += 1
        if self.seen % self.every or (self.count is not None and self.applied >= self.count):
            return False
        self.applied += 1
        return True

    def describe(self):
        return dict(self.spec, seen=self.seen, applied=self.applied)

    @property
    def answers(self):
        return self.kind in ("status", "rate_limit", "html") or (self.kind == "reset" and self.phase == "before")

    def retry_headers(self, vendor):
        if self.retry_after is None:
            return {}
        headers = {"Retry-After": self.retry_after}
        if self.kind == "rate_limit" and vendor is not None and vendor.rate_limit_headers:
            headers.update(vendor.rate_limit_headers(retry_after_seconds(self.retry_after)))
        return headers

    @property
    def answer_status(self):
        return 429 if self.kind == "rate_limit" else self.status


def retry_after_seconds(value):
    """Seconds from now for a Retry-After value: a number of seconds or an HTTP date."""
    try:
        return float(value)
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        raise ValueError("retry_after must be seconds or an HTTP date: %r" % (value,))


class FaultPlan:
    """What the faults do to one request."""

    def __init__(self):
        self.delays = []
        self.answer = None  # the rule answering instead of the handler
        self.drop_before = False
        self.drop_after = False
        self.malformed_json = False
        self.slow_seconds = 0.0
        self.applied = []


class FaultEngine:
    def __init__(self):
        self._lock = threading.Lock()
        self._rules = []

    def set(self, specs):
        rules = [FaultRule(spec) for spec in specs]  # validate all before replacing any
        with self._lock:
            self._rules = rules
        return self.describe()

    def clear(self):
        with self._lock:
            self._rules = []

    def describe(self):
        with self._lock:
            return [rule.describe() for rule in self._rules]

    def plan(self, vendor, method, path):
        plan = FaultPlan()
        with self._lock:
            for rule in self._rules:
                if not rule.matches(vendor, method, path):
                    continue
                if rule.answers and (plan.answer or plan.drop_before):
                    continue  # an earlier rule already answers this request
                if not rule.fire():
                    continue
                plan.applied.append(rule.kind)
                if rule.kind == "latency":
                    plan.delays.append(rule.delay)
                elif rule.kind == "slow":
                    plan.slow_seconds = max(plan.slow_seconds, rule.delay)
                elif rule.kind == "malformed_json":
                    plan.malformed_json = True
                elif rule.kind == "reset":
                    if rule.phase == "before":
                        plan.drop_before = True
                    else:
                        plan.drop_after = True
                else:
                    plan.answer = rule
        return plan
