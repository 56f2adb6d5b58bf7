"""HTTP plumbing of the sandbox: parameters from the query, a form or a JSON
body; routes of both back ends; JSONP; and controls for tests and users:
  POST /_sandbox/reset                      back to the seed data, no faults
  POST /_sandbox/fault?kind=K&count=N[&path=P]  the next N service requests (to path P)
                                            get fault K (see faults.py)
  POST /_sandbox/barrier?parties=N&timeout=S  hold the next N requests until all arrive
  GET  /_sandbox/stats      connections accepted, service requests answered, and
                            requests held at the barrier now
  POST /_sandbox/purchase  (api_key, buyer_id, callback_url[, recipient_id, order_info,
                            forge=1]) play Kongregate's side of a purchase toward a game
  GET  /_sandbox/last_request  the method, path (no query), headers and parameters of the
                            latest service request (to check what a client added or sent,
                            e.g. traceparent, or which token)
"""

import json
import re
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import kickapps, kongregate, portal
from .faults import APPLIED_FIRST, Faults
from .refusal import Refusal
from .state import State

MAX_REQUEST_BYTES = 1 << 20


class Request:
    def __init__(self, method, path, params, client_ip):
        self.method = method
        self.path = path
        self.params = params
        self.client_ip = client_ip


def compile_template(template):
    """/a/{x}/{y}.json -> a regex whose groups take one raw path segment each."""
    pattern = ""
    for literal, name in re.findall(r"([^{]*)(?:\{(\w+)\})?", template):
        pattern += re.escape(literal)
        if name:
            pattern += "(?P<%s>[^/]+?)" % name
    return re.compile(pattern + "$")


def compile_routes():
    """Each service module's ROUTES (routes.py), with the module that says
    how a missing parameter is answered, and whether it answers JSONP. A
    route's method is carried for readers and tests, and not enforced:
    services.md names no answer to another method, and a KickApps token's
    METHOD says which one it allows (R tokens: GET only)."""
    return [(compile_template(route.template), route, module, module is kickapps)
            for module in (kongregate, kickapps) for route in module.ROUTES]


def absent(route, params):
    return [name for name in route.required if not params.get(name, "").strip()]


def match(pattern, raw_path):
    found = pattern.match(raw_path)
    if not found:
        return None
    return {name: urllib.parse.unquote(value, errors="strict")
            for name, value in found.groupdict().items()}


class Barrier:
    """Holds the next `parties` service requests until all have arrived, so a
    test can prove that several calls are in flight at the same time."""

    def __init__(self):
        self.lock = threading.Lock()
        self.barrier = None
        self.remaining = 0
        self.timeout = 0
        self.held = 0  # requests waiting at the barrier now

    def arm(self, parties, timeout):
        with self.lock:
            self.barrier = threading.Barrier(parties)
            self.remaining = parties
            self.timeout = timeout

    def pass_through(self):
        with self.lock:
            if self.remaining <= 0:
                return True
            self.remaining -= 1
            self.held += 1
            barrier, timeout = self.barrier, self.timeout
        try:
            barrier.wait(timeout)
            return True
        except threading.BrokenBarrierError:
            return False
        finally:
            with self.lock:
                self.held -= 1


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so clients can reuse connections
    # Headers and body leave in separate writes: without this, Nagle and the
    # client's delayed ACK hold every answer back by 40 ms.
    disable_nagle_algorithm = True
    server_version = "gamegate-sandbox"

    def do_GET(self):
        self.handle_any()

    def do_POST(self):
        self.handle_any()

    def log_message(self, format, *args):
        # The default line holds the query string, and with it keys: never log it.
        if self.server.verbose:
            path = self.path.split("?", 1)[0]
            print("%s %s %s" % (self.command, path, args[1] if len(args) > 1 else ""),
                  flush=True)

    def reply(self, status, body, callback=None):
        text = json.dumps(body, separators=(",", ":"))
        content_type = "application/json"
        if callback:
            text = "%s(%s)" % (callback, text)
            content_type = "application/javascript"
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def read_params(self, query):
        params = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_REQUEST_BYTES:
            raise ValueError("request body too large")
        if length:
            body = self.rfile.read(length).decode("utf-8")
            if (self.headers.get("Content-Type") or "").startswith("application/json"):
                decoded = json.loads(body)
                if not isinstance(decoded, dict):
                    raise ValueError("a JSON body must be an object")
                params.update({k: v if isinstance(v, str) else json.dumps(v)
                               for k, v in decoded.items()})
            else:
                params.update(urllib.parse.parse_qsl(body, keep_blank_values=True))
        return params

    def handle_any(self):
        raw_path, _, query = self.path.partition("?")
        try:
            params = self.read_params(query)
        except (ValueError, UnicodeDecodeError) as e:
            self.close_connection = True
            return self.reply(400, {"success": False, "error": 400,
                                    "error_description": "bad request: %s" % e})
        if raw_path.startswith("/_sandbox/"):
            return self.control(raw_path, params)
        for pattern, route, module, jsonp in self.server.routes:
            try:
                captured = match(pattern, raw_path)
            except UnicodeDecodeError:
                captured = None
            if captured is None:
                continue
            fault = self.server.faults.take(raw_path)
            if fault and fault[0] not in APPLIED_FIRST:
                return fault[1](self)
            if not self.server.barrier.pass_through():
                return self.reply(500, {"success": False, "error": 500,
                                        "error_description": "sandbox barrier timed out"})
            with self.server.stats_lock:
                self.server.requests += 1
                self.server.last_request = {
                    "method": self.command, "path": raw_path,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "params": params}
            request = Request(self.command, raw_path, params, self.client_address[0])
            # The one place the state's lock is taken for a request: every
            # handler reads and writes the state under it.
            try:
                left_out = absent(route, params)
                if left_out:
                    raise module.missing(route.method, left_out, route.missing_text)
                with self.server.state.lock:
                    status, body = route.handler(self.server.state, request, **captured)
            except Refusal as refusal:
                status, body = refusal.status, refusal.body
            if fault:
                return fault[1](self)
            callback = params.get("callback") if jsonp else None
            return self.reply(status, body, callback)
        self.reply(404, {"success": False, "error": 404, "error_description": "Not found"})

    def control(self, path, params):
        if path == "/_sandbox/reset":
            self.server.state.reset()
            self.server.faults.clear()
            return self.reply(200, {"success": True})
        if path == "/_sandbox/fault":
            try:
                self.server.faults.schedule(params.get("kind", ""), int(params.get("count", "1")),
                                            params.get("path"))
            except ValueError as e:
                return self.reply(400, {"success": False, "error": 400,
                                        "error_description": str(e)})
            return self.reply(200, {"success": True})
        if path == "/_sandbox/stats":
            with self.server.stats_lock:
                return self.reply(200, {"success": True, "connections": self.server.connections,
                                        "requests": self.server.requests,
                                        "held": self.server.barrier.held})
        if path == "/_sandbox/last_request":
            with self.server.stats_lock:
                return self.reply(200, dict(self.server.last_request, success=True))
        if path == "/_sandbox/purchase":
            status, body = portal.purchase(self.server.state, params)
            return self.reply(status, body)
        if path == "/_sandbox/barrier":
            self.server.barrier.arm(int(params.get("parties", "2")),
                                    float(params.get("timeout", "10")))
            return self.reply(200, {"success": True})
        self.reply(404, {"success": False, "error": 404, "error_description": "Not found"})


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, data_path=None, verbose=False, tls_context=None):
        super().__init__(address, Handler)
        self.state = State(data_path) if data_path else State()
        self.routes = compile_routes()
        self.barrier = Barrier()
        self.faults = Faults()
        self.stats_lock = threading.Lock()
        self.connections = self.requests = 0
        self.last_request = {"method": None, "path": None, "headers": {}}
        self.verbose = verbose
        self.scheme = "http"
        if tls_context:
            self.socket = tls_context.wrap_socket(self.socket, server_side=True)
            self.scheme = "https"

    def process_request(self, request, client_address):
        with self.stats_lock:
            self.connections += 1
        super().process_request(request, client_address)

    @property
    def url(self):
        host, port = self.server_address[:2]
        return "%s://%s:%d" % (self.scheme, host, port)
