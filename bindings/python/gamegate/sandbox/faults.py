"""Broken answers on demand: a test (or a user, with /_sandbox/fault) asks
that the next N service requests get one of these instead of the real reply."""

import threading
import time

HTML_PAGE = (b"<!DOCTYPE html><html><head><title>We'll be right back</title></head>"
             b"<body><h1>Scheduled maintenance</h1></body></html>")


def send(handler, status, body, content_type, extra_headers=()):
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in extra_headers:
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def html(handler):
    send(handler, 200, HTML_PAGE, "text/html")


def empty(handler):
    send(handler, 200, b"", "application/json")


def wrong_shape(handler):
    send(handler, 200, b'"a string where an object belongs"', "application/json")


def http500(handler):
    send(handler, 500, HTML_PAGE, "text/html")


def http503(handler):
    send(handler, 503, HTML_PAGE, "text/html", [("Retry-After", "120")])


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
    send(handler, 200, b'{"success":true}', "application/json")


KINDS = {"slow": slow, "html": html, "empty": empty, "wrong_shape": wrong_shape,
         "http500": http500, "http503": http503, "gigabyte": gigabyte}


class Faults:
    def __init__(self):
        self.lock = threading.Lock()
        self.pending = []  # [kind, remaining]

    def schedule(self, kind, count):
        if kind not in KINDS:
            raise ValueError("unknown fault %r; known: %s" % (kind, ", ".join(sorted(KINDS))))
        with self.lock:
            self.pending.append([kind, count])

    def clear(self):
        with self.lock:
            self.pending = []

    def take(self):
        """The fault the next request gets, or None."""
        with self.lock:
            if not self.pending:
                return None
            entry = self.pending[0]
            entry[1] -= 1
            if entry[1] <= 0:
                self.pending.pop(0)
            return KINDS[entry[0]]
