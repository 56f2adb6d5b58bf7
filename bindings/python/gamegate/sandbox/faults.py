"""Broken answers on demand: a test, or a user with --fault or POST
/_sandbox/fault, asks that the next N requests (all, or those to one path)
get one of these instead of the real reply."""

import socket
import struct
import threading
import time

HTML_PAGE = (b"<!DOCTYPE html><html><head><title>We'll be right back</title></head>"
             b"<body><h1>Scheduled maintenance</h1></body></html>")
SUCCESS = b'{"success":true,"padding":"' + b"x" * 200 + b'"}'


def send(handler, status, body, content_type="application/json", extra_headers=(),
         length=None):
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body) if length is None else length))
    for name, value in extra_headers:
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def reset(handler):
    """Closes with a TCP RST rather than a clean FIN."""
    handler.close_connection = True
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.connection.close()


def html(handler):
    send(handler, 200, HTML_PAGE, "text/html")


def empty(handler):
    send(handler, 200, b"")


def wrong_shape(handler):
    send(handler, 200, b'"a string where an object belongs"')


def array(handler):
    send(handler, 200, b'[{"success":true},{"success":true}]')


def null(handler):
    send(handler, 200, b"null")


def invalid_utf8(handler):
    send(handler, 200, b'{"success":true,"username":"\xff\xfe\xc3"}')


def deep_nesting(handler):
    send(handler, 200, b"[" * 100000 + b"]" * 100000)


def http500(handler):
    send(handler, 500, HTML_PAGE, "text/html")


def http400(handler):
    send(handler, 400, b'{"success":false,"error":400,"error_description":"Bad Request"}')


def echo500(handler):
    """A careless server that quotes the request back in its error, keys and all."""
    send(handler, 500, ('{"success":false,"error":500,"error_description":"cannot handle %s"}'
                        % handler.path.replace('"', "")).encode())


def http503(handler):
    send(handler, 503, HTML_PAGE, "text/html", [("Retry-After", "120")])


def http503_soon(handler):
    send(handler, 503, HTML_PAGE, "text/html", [("Retry-After", "1")])


def reset_before_body(handler):
    reset(handler)


def reset_mid_body(handler):
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(SUCCESS)))
    handler.end_headers()
    handler.wfile.write(SUCCESS[:len(SUCCESS) // 2])
    reset(handler)


def truncated(handler):
    """Promises more than it sends, then closes cleanly."""
    handler.close_connection = True
    send(handler, 200, SUCCESS[:40], length=len(SUCCESS))


def gigabyte(handler):
    """1 GiB of valid JSON with no Content-Length: only counting the bytes
    as they arrive can stop it."""
    handler.close_connection = True
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Connection", "close")
    handler.end_headers()
    chunk = b" " * (1 << 20)
    try:
        handler.wfile.write(b'{"success":true,"padding":"')
        for _ in range(1024):
            handler.wfile.write(chunk)
        handler.wfile.write(b'"}')
    except (BrokenPipeError, ConnectionResetError):
        pass


def slow(handler):
    """Answers after 3 s: far beyond any timeout a test sets."""
    time.sleep(3)
    send(handler, 200, b'{"success":true}')


def trickle(handler):
    """A byte every half second: alive, but below any sane minimum speed."""
    handler.close_connection = True
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(SUCCESS)))
    handler.end_headers()
    try:
        for byte in SUCCESS[:60]:
            handler.wfile.write(bytes([byte]))
            time.sleep(0.5)
    except (BrokenPipeError, ConnectionResetError):
        pass


def redirect_other_host(handler):
    send(handler, 302, b"", extra_headers=[
        ("Location", "http://gamegate-redirect.invalid" + handler.path.split("?")[0])])


def redirect_loop(handler):
    send(handler, 302, b"", extra_headers=[("Location", handler.path)])


def big_numbers(handler):
    """Valid JSON with numbers beyond 64 bits and beyond a double."""
    send(handler, 200, b'{"success":true,"items":[],"username":"x","user_id":1,'
                       b'"id":18446744073709551616,"ratio":1e400,"small":-1e-400}')


def success_only(handler):
    """A success that carries none of the fields the call promises."""
    send(handler, 200, b'{"success":true}')


def raw(handler, data):
    """Bytes straight onto the socket, as a broken server or proxy sends them."""
    handler.close_connection = True
    try:
        handler.wfile.write(data)
        handler.wfile.flush()
    except (BrokenPipeError, ConnectionResetError):
        pass


def giant_header(handler):
    """A 200 KB header line: more than any client buffers for one header."""
    raw(handler, b"HTTP/1.1 200 OK\r\nX-Filler: " + b"x" * 200000 +
        b"\r\nContent-Length: 2\r\n\r\n{}")


def no_status_line(handler):
    """A body with no HTTP status line before it."""
    raw(handler, b'{"success":true}\r\n\r\n')


def bad_status(handler):
    """A status line whose code is not a number."""
    raw(handler, b"HTTP/1.1 2OO OK\r\nContent-Length: 16\r\n\r\n" + b'{"success":true}')


def apply_then_drop(handler):
    """The request has been carried out (see APPLIED_FIRST); the answer never comes."""
    reset(handler)


KINDS = {f.__name__: f for f in (
    html, empty, wrong_shape, array, null, invalid_utf8, deep_nesting, http400, http500,
    echo500, http503,
    http503_soon, reset_before_body, reset_mid_body, truncated, gigabyte, slow, trickle,
    redirect_other_host, redirect_loop, apply_then_drop, giant_header, no_status_line,
    bad_status, big_numbers, success_only)}
# These run after the real handler has changed the sandbox's state.
APPLIED_FIRST = {"apply_then_drop"}


class Faults:
    def __init__(self):
        self.lock = threading.Lock()
        self.pending = []  # [kind, remaining, path or None]

    def schedule(self, kind, count=1, path=None):
        if kind not in KINDS:
            raise ValueError("unknown fault %r; known: %s" % (kind, ", ".join(sorted(KINDS))))
        if count < 1:
            raise ValueError("count must be at least 1")
        with self.lock:
            self.pending.append([kind, count, path or None])

    def clear(self):
        with self.lock:
            self.pending = []

    def take(self, path):
        """(kind, fault) for the next request to path, or None."""
        with self.lock:
            for entry in self.pending:
                if entry[2] in (None, path):
                    entry[1] -= 1
                    if entry[1] <= 0:
                        self.pending.remove(entry)
                    return entry[0], KINDS[entry[0]]
        return None


def parse_option(text):
    """--fault KIND[:COUNT][@PATH] -> (kind, count, path)"""
    spec, _, path = text.partition("@")
    kind, _, count = spec.partition(":")
    return kind, int(count or 1), path or None
