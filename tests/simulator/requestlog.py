"""The request log behind `GET /_sim/requests`.

Every vendor request is logged (a 429 or a dropped connection sent by a fault too);
`/_sim/` requests are not.  An entry:
    {"seq": 1, "vendor": "simplemdm", "method": "GET", "path": "/simplemdm/api/v1/devices",
     "query": {"limit": "100"}, "status": 200, "start": 1700000000.1, "end": 1700000000.2,
     "faults": [], "body_excerpt": ""}
`query` maps a name to its value (a list when repeated); `status` is null when a fault dropped
the connection; `faults` lists the fault kinds applied; `body_excerpt` is the start of the
request body with secret-looking fields (passwords, secrets, tokens, keys, assertions) redacted.
"""

import json
import re
import threading
from urllib.parse import parse_qsl, urlencode

EXCERPT_CHARS = 2000
REDACTED = "[REDACTED]"
SECRET_NAME = re.compile(r"pass(word|code|phrase)?|secret|token|assertion|api_?key|private|credential"
                         r"|authorization|psk", re.IGNORECASE)


def redact(value):
    if isinstance(value, dict):
        return {k: REDACTED if SECRET_NAME.search(str(k)) else redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


def body_excerpt(body):
    if not body:
        return ""
    text = body.decode("utf-8", "replace")
    try:
        text = json.dumps(redact(json.loads(text)))
    except ValueError:
        if "=" in text and not text.lstrip().startswith("<"):
            pairs = parse_qsl(text, keep_blank_values=True)
            text = urlencode([(k, REDACTED if SECRET_NAME.search(k) else v) for k, v in pairs],
                             safe="[]")
    return text[:EXCERPT_CHARS]


class RequestLog:
    def __init__(self):
        self._lock = threading.Lock()
        self._entries = []
        self._seq = 0

    def clear(self):
        with self._lock:
            self._entries = []
            self._seq = 0

    def add(self, vendor, request, status, start, end, faults):
        query = {k: v[0] if len(v) == 1 else v for k, v in request.query_lists.items()}
        entry = {"seq": None, "vendor": vendor, "method": request.method, "path": request.path, "query": query,
                 "status": status, "start": start, "end": end, "faults": list(faults),
                 "body_excerpt": body_excerpt(request.body)}
        with self._lock:
            self._seq += 1
            entry["seq"] = self._seq
            self._entries.append(entry)

    def entries(self, since=0, vendor=None, method=None, path_regex=None, status=None):
        pattern = re.compile(path_regex) if path_regex else None
        with self._lock:
            entries = list(self._entries)
        return [e for e in entries
                if e["seq"] > since
                and (vendor is None or e["vendor"] == vendor)
                and (method is None or e["method"] == method.upper())
                and (pattern is None or pattern.search(e["path"]))
                and (status is None or e["status"] == status)]
