"""HTTP plumbing of the MDM API simulator: vendors, routing, requests, responses, dispatch.

Each vendor module declares one `Vendor` and registers its handlers on it with decorators
(`@vendor.get("/devices/{id}")`), so endpoints can be added to one vendor file without
touching the others.  `SimulatorApp` mounts every vendor, applies latency and faults, checks
auth, runs the handler and records the request log.  Handlers run one at a time under
`app.lock` (simple and safe); latency and fault delays are slept outside it.

Paths under `/_sim/` are test controls: no auth, no faults, no latency, never logged.
"""

import base64
import functools
import importlib
import json
import pkgutil
import re
import socket
import ssl
import struct
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, parse_qsl, urlsplit

from .faults import FaultEngine
from .requestlog import RequestLog

JSON_TYPE = "application/json"
CONTROL_PREFIX = "/_sim/"


class Response:
    def __init__(self, status, body=b"", content_type=JSON_TYPE, headers=None):
        self.status = status
        self.body = body
        self.content_type = content_type if body else None
        self.headers = dict(headers or {})


def json_response(status, payload, headers=None, content_type=JSON_TYPE):
    return Response(status, json.dumps(payload, separators=(",", ":")).encode(), content_type, headers)


def empty_response(status=204, headers=None):
    return Response(status, b"", None, headers)


class HTTPError(Exception):
    """Raised by handlers; the vendor turns it into its own error body."""

    def __init__(self, status, message, headers=None, **details):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.details = details


class Request:
    def __init__(self, app, method, target, headers, body, scheme="http"):
        split = urlsplit(target)
        self.app = app
        self.method = method
        self.path = split.path
        self.query_string = split.query
        self.query_lists = parse_qs(split.query, keep_blank_values=True)
        self.query = {name: values[-1] for name, values in self.query_lists.items()}
        self.headers = headers
        self.body = body
        self.root_url = scheme + "://" + (headers.get("Host") or "%s:%s" % app.address)
        self.params = {}
        self.vendor = None
        self.mount = None  # which mount of the vendor was hit (ABM: "business" or "school")
        self.state = None  # the vendor's state object

    @property
    def url(self):
        return self.root_url + self.path + ("?" + self.query_string if self.query_string else "")

    def mount_url(self, path=""):
        return self.root_url + self.vendor.mounts[self.mount] + path

    def authorization(self):
        """(scheme in lower case, credentials) of the Authorization header."""
        scheme, _sep, credentials = self.headers.get("Authorization", "").partition(" ")
        return scheme.lower(), credentials.strip()

    def basic_auth(self):
        """(user, password) sent with HTTP Basic auth, or (None, None)."""
        scheme, credentials = self.authorization()
        try:
            user, _sep, password = base64.b64decode(credentials).decode().partition(":")
        except ValueError:
            return None, None
        return (user, password) if scheme == "basic" else (None, None)

    def bearer_token(self):
        scheme, credentials = self.authorization()
        return credentials if scheme == "bearer" else None

    def json(self):
        if not self.body.strip():
            return None
        try:
            return json.loads(self.body)
        except ValueError:
            raise HTTPError(400, "request body is not valid JSON")

    def form(self):
        """Write parameters sent form-encoded or as a JSON object, as the vendors accept."""
        content_type = self.headers.get("Content-Type", "")
        if "json" in content_type or self.body.lstrip()[:1] == b"{":
            data = self.json() or {}
            if not isinstance(data, dict):
                raise HTTPError(400, "request body must be a JSON object")
            return data
        form = dict(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))
        form.update({k: v for k, v in self.query.items() if k not in form})
        return form

    def flag(self, name, default=False):
        """A boolean query parameter (true/false/1/0)."""
        value = self.query.get(name)
        if value is None or value == "":
            return default
        return value.lower() in ("1", "true", "yes", "on")


class Vendor:
    """One vendor API: its mounts, auth check, error body and routes."""

    def __init__(self, name, mounts, authenticate=None, error_body=None, new_state=None,
                 rate_limit_headers=None):
        self.name = name
        self.mounts = mounts  # mount name -> path prefix
        self.authenticate = authenticate  # (request) -> Response | None
        self._error_body = error_body or (lambda status, message, details: {"error": message})
        self.new_state = new_state or (lambda app: None)
        self.rate_limit_headers = rate_limit_headers  # (retry_after_seconds) -> dict
        self.routes = []

    def route(self, method, template, mounted=True, auth=True):
        def register(handler):
            self.routes.append((method, template, handler, mounted, auth))
            return handler

        return register

    get = functools.partialmethod(route, "GET")
    post = functools.partialmethod(route, "POST")
    put = functools.partialmethod(route, "PUT")
    patch = functools.partialmethod(route, "PATCH")
    delete = functools.partialmethod(route, "DELETE")

    def error(self, status, message, headers=None, **details):
        return json_response(status, self._error_body(status, message, details), headers)

    @property
    def roots(self):
        return {"/" + prefix.strip("/").split("/")[0] + "/" for prefix in self.mounts.values()}


class Route:
    def __init__(self, vendor, mount, method, template, handler, auth):
        self.vendor = vendor
        self.mount = mount
        self.method = method
        self.template = template
        self.handler = handler
        self.auth = auth
        self.regex = re.compile("^" + re.sub(
            r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$")


class Router:
    def __init__(self, vendors):
        self.vendors = vendors
        self.routes = []
        for vendor in vendors:
            for method, template, handler, mounted, auth in vendor.routes:
                targets = vendor.mounts.items() if mounted else [(None, "")]
                for mount, prefix in targets:
                    self.routes.append(Route(vendor, mount, method, prefix + template, handler, auth))

    def match(self, method, path):
        """(route, params) for the path, or (None, {}) with the owning vendor's fallback."""
        path_matched = False
        for route in self.routes:
            found = route.regex.match(path)
            if found:
                path_matched = True
                if route.method == method:
                    return route, found.groupdict()
        return None, {"path_matched": path_matched}

    def vendor_for(self, path):
        for vendor in self.vendors:
            if any(path.startswith(root) for root in vendor.roots):
                return vendor
        return None


class SimulatorApp:
    def __init__(self, options, vendors):
        self.options = options
        self.vendors = {vendor.name: vendor for vendor in vendors}
        self.router = Router(vendors)
        self.lock = threading.RLock()
        self.log = RequestLog()
        self.faults = FaultEngine()
        self.address = ("127.0.0.1", 0)
        self.fleet = None
        self.states = {}
        self.reset_state()

    def reset_state(self):
        from .fixtures import Fleet  # noqa: late import keeps server.py free of fleet details

        with self.lock:
            self.fleet = Fleet(self.options.devices, self.options.seed)
            self.states = {name: vendor.new_state(self) for name, vendor in self.vendors.items()}

    def reset(self):
        self.log.clear()
        self.faults.clear()
        self.reset_state()

    def call(self, route, request):
        """Authenticate and run one handler; HTTPError becomes the vendor's error body."""
        vendor = route.vendor
        request.vendor, request.mount = vendor, route.mount
        request.state = self.states.get(vendor.name)
        try:
            with self.lock:
                if route.auth and vendor.authenticate:
                    denied = vendor.authenticate(request)
                    if denied is not None:
                        return denied
                return route.handler(request)
        except HTTPError as error:
            return vendor.error(error.status, error.message, error.headers, **error.details)
        except Exception:  # a simulator bug: answer 500 like a real server, and show it
            traceback.print_exc()
            return vendor.error(500, "internal server error")

    def unrouted(self, request, path_matched):
        vendor = self.router.vendor_for(request.path)
        status, message = (405, "method not allowed") if path_matched else (404, "not found")
        if vendor is None:
            return json_response(status, {"error": message})
        return vendor.error(status, message)


HTML_PAGE = b"<html><head><title>%d</title></head><body><h1>%d</h1><p>upstream error</p></body></html>"


def fault_response(rule, vendor):
    """What an answering fault rule (status, rate_limit, html) sends instead of the handler."""
    headers = rule.retry_headers(vendor)
    status = rule.answer_status
    if rule.kind == "html":
        return Response(status, HTML_PAGE % (status, status), "text/html; charset=utf-8", headers)
    message = "rate limit exceeded" if status == 429 else "simulated server error"
    if vendor is None:
        return json_response(status, {"error": message}, headers)
    return vendor.error(status, message, headers)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "mdmkit-simulator"

    def setup(self):
        super().setup()
        # Headers and body go out in separate writes: without this, Nagle's algorithm and
        # delayed ACKs stall every keep-alive response by tens of milliseconds.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format, *args):  # the request log replaces stderr chatter
        pass

    def do_GET(self):
        self.dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def dispatch(self):
        app = self.server.app
        start = time.time()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        scheme = "https" if isinstance(self.connection, ssl.SSLSocket) else "http"  # links follow TLS
        request = Request(app, self.command, self.path, self.headers, body, scheme)
        route, params = app.router.match(self.command, request.path)
        if route is not None:
            request.params = params
        if request.path.startswith(CONTROL_PREFIX):
            self.send(app.call(route, request) if route else app.unrouted(request, params["path_matched"]))
            return

        vendor = route.vendor if route else app.router.vendor_for(request.path)
        vendor_name = vendor.name if vendor else None
        if app.options.latency_ms:
            time.sleep(app.options.latency_ms / 1000.0)
        plan = app.faults.plan(vendor_name, self.command, request.path)
        for delay in plan.delays:
            time.sleep(delay)

        dropped = False
        if plan.drop_before:
            response, dropped = None, True
        elif plan.answer is not None:
            response = fault_response(plan.answer, vendor)
        else:
            response = app.call(route, request) if route else app.unrouted(request, params["path_matched"])
            if plan.drop_after:
                response, dropped = None, True
            elif plan.malformed_json and response.body:
                response.body = response.body[: max(1, len(response.body) // 2)]
        # Log before answering: a client that reads the log right after its answer must find it.
        app.log.add(vendor_name, request, response.status if response else None, start,
                    time.time(), plan.applied)
        if dropped:
            self.drop_connection()
        else:
            self.send(response, plan.slow_seconds)

    def send(self, response, slow_seconds=0):
        self.send_response(response.status)
        if response.content_type:
            self.send_header("Content-Type", response.content_type)
        for name, value in response.headers.items():
            self.send_header(name, str(value))
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if not slow_seconds or not response.body:
            self.wfile.write(response.body)
            return
        # Trickle the body so clients see a slow read, not a slow connect.
        chunks = 10
        size = max(1, -(-len(response.body) // chunks))
        for offset in range(0, len(response.body), size):
            self.wfile.write(response.body[offset:offset + size])
            self.wfile.flush()
            time.sleep(slow_seconds / chunks)

    def drop_connection(self):
        """Close with a TCP reset and no response, as a dropped proxy connection does."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class SimulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, app):
        super().__init__(address, Handler)
        self.app = app
        app.address = self.server_address[:2]


class Options:
    """Everything the command line sets (see __main__.py for the meaning and defaults)."""

    def __init__(self, **values):
        self.__dict__.update(values)


VENDOR_MODULES = ("simplemdm", "abm", "esper", "micromdm")


def load_vendors():
    """Every vendor, with the routes of its module and of its extension modules: any module of
    this package named `<vendor>_*.py` (simplemdm_catalog.py, ...) is imported, and its
    decorators add endpoints to that vendor.  New endpoints need no change here."""
    package = importlib.import_module(__package__)
    extensions = sorted(info.name for info in pkgutil.iter_modules(package.__path__)
                        if info.name.partition("_")[0] in VENDOR_MODULES)
    for name in VENDOR_MODULES + tuple(extensions):
        importlib.import_module("%s.%s" % (__package__, name))
    vendors = [importlib.import_module("%s.%s" % (__package__, name)).vendor for name in VENDOR_MODULES]
    return vendors + [importlib.import_module(__package__ + ".controls").vendor]


def create_server(options):
    """A bound (not yet serving) server with every vendor mounted."""
    return SimulatorServer((options.host, options.port), SimulatorApp(options, load_vendors()))
