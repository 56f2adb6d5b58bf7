"""Through an HTTP proxy: calls go through it (whatever NO_PROXY says), and
gamegate's check of the request line it sent reads the proxy's absolute form."""

import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import gamegate


class Proxy:
    """A forwarding proxy for plain HTTP, counting what passes through."""

    def __init__(self):
        self.forwarded = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def forward(self):
                proxy.forwarded.append(self.path.split("?")[0])
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                request = urllib.request.Request(self.path, data=body, method=self.command)
                try:
                    with urllib.request.urlopen(request, timeout=30) as answer:
                        status, data = answer.status, answer.read()
                except urllib.error.HTTPError as e:
                    status, data = e.code, e.read()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.server.server_address[1]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def proxy():
    p = Proxy()
    yield p
    p.close()


def test_calls_go_through_the_proxy_whatever_no_proxy_says(sandbox, proxy, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    user_id, username, token = sandbox.player()
    with gamegate.Client(kongregate={"base_url": sandbox.url, "api_key": sandbox.game["api_key"]},
                         proxy=proxy.url) as client:
        assert client.kongregate.authenticate(user_id=user_id,
                                              game_auth_token=token)["username"] == username
        client.kongregate.shared_link_create(user_id=user_id, id="proxied", name="via proxy",
                                             type="invite", link_params="kv_a=1",
                                             expiration=2000000000)
    assert proxy.forwarded == [sandbox.url + "/api/authenticate.json",
                               sandbox.url + "/api/shared_links/create.json"]


def test_without_the_option_no_proxy_is_used(sandbox, proxy, monkeypatch):
    monkeypatch.setenv("http_proxy", proxy.url)
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    user_id, _, token = sandbox.player()
    with gamegate.Client(kongregate={"base_url": sandbox.url,
                                     "api_key": sandbox.game["api_key"]}) as client:
        client.kongregate.authenticate(user_id=user_id, game_auth_token=token)
    assert proxy.forwarded == []
