"""FakeGitHub: the demo organisation's transport behind a real HTTP server on 127.0.0.1.

    with FakeGitHub(build_demo_org()) as github:
        client = GitHubClient(github.url, token="t")     # real sockets, real HTTP
        github.calls["download"]                          # what was asked
        github.oauth.calls["access_token"]                # the web flow (see oauth.py)

The demo's `handle` answers API calls and report downloads alike; the server only
translates between sockets and httpx requests, so the fake and the in-process demo
can never disagree. GitHub's web OAuth flow and the viewer endpoints (/user,
/user/teams, ...) are played by `FakeOAuth`, asked first; API and web share one
origin, so an app points both GITHUB_WEB_URL and GITHUB_API_URL at `github.url`.
"""

from __future__ import annotations

import json
import select
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from .faults import Faults
from .oauth import FakeOAuth


def _hung_up_within(connection: socket.socket, seconds: float) -> bool:
    """Wait up to `seconds` for the client to close the connection; True if it did."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        readable, _, _ = select.select([connection], [], [], left)
        if not readable:
            return False
        try:
            if not connection.recv(1, socket.MSG_PEEK):
                return True  # end of stream: closed
        except OSError:
            return True
        time.sleep(max(0.0, deadline - time.monotonic()))  # it sent more (clients never do): be slow
    return False


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        fake: FakeGitHub = self.server.fake  # type: ignore[attr-defined]
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        request = httpx.Request(self.command, fake.url + self.path, headers=dict(self.headers.items()),
                                content=body)
        fault = fake.faults.take(self.path)
        if fault and fault.delay:
            with fake.faults.delaying():
                hung_up = _hung_up_within(self.connection, fault.delay)
            if hung_up:  # the client gave up waiting: no answer is made
                fake.faults.abandoned.append(self.path)
                self.close_connection = True
                return
        if fault and fault.reset:
            self.close_connection = True
            self.connection.shutdown(2)  # the peer sees the connection drop, with no answer
            return
        if fault and fault.status:
            response = httpx.Response(fault.status, headers=fault.headers,
                                      content=json.dumps({"message": fault.message}).encode())
        else:
            response = fake.oauth.handle(request) or fake.transport.handle_request(request)
        content = response.read()
        if fault and fault.truncate:
            content = content[: len(content) // 2]
        self.send_response(response.status_code)
        for name, value in response.headers.items():
            if name.lower() not in ("content-length", "transfer-encoding", "connection", "content-encoding"):
                self.send_header(name, value)
        self.send_header("content-length", str(len(content)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(content)

    do_GET = do_POST = do_DELETE = do_PATCH = do_PUT = do_HEAD = _serve

    def log_message(self, *args) -> None:  # keep test output quiet
        pass


class FakeGitHub:
    """Serve `org` (a DemoOrg) on a free loopback port: API, downloads and OAuth web flow on one origin.

    `client_id` / `client_secret` are the OAuth app's credentials the fake accepts;
    `oauth` is the FakeOAuth with the flow's test controls.
    """

    def __init__(self, org, host: str = "127.0.0.1", *, client_id: str = "fake-client-id",
                 client_secret: str = "fake-client-secret"):
        self.org = org
        self.oauth = FakeOAuth(org, client_id=client_id, client_secret=client_secret)
        self._server = ThreadingHTTPServer((host, 0), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self  # type: ignore[attr-defined]
        self.url = f"http://{host}:{self._server.server_port}"
        self.faults = Faults()
        self.transport = org.transport(api_url=self.url, downloads_url=self.url + "/downloads")
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def web_url(self) -> str:
        return self.url

    @property
    def calls(self):
        return self.transport.calls

    def start(self) -> FakeGitHub:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeGitHub:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
