"""FakeGitHub: the demo organisation's transport behind a real HTTP server on 127.0.0.1.

    with FakeGitHub(build_demo_org()) as github:
        client = GitHubClient(github.url, token="t")     # real sockets, real HTTP
        github.calls["download"]                          # what was asked

The demo's `handle` answers API calls and report downloads alike; the server only
translates between sockets and httpx requests, so the fake and the in-process demo
can never disagree.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        fake: FakeGitHub = self.server.fake  # type: ignore[attr-defined]
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        request = httpx.Request(self.command, fake.url + self.path, headers=dict(self.headers.items()),
                                content=body)
        response = fake.transport.handle_request(request)
        content = response.read()
        self.send_response(response.status_code)
        for name, value in response.headers.items():
            if name.lower() not in ("content-length", "transfer-encoding", "connection", "content-encoding"):
                self.send_header(name, value)
        self.send_header("content-length", str(len(content)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(content)

    do_GET = do_POST = do_DELETE = do_PATCH = do_HEAD = _serve

    def log_message(self, *args) -> None:  # keep test output quiet
        pass


class FakeGitHub:
    """Serve `org` (a DemoOrg) on a free loopback port, API and downloads on one origin."""

    def __init__(self, org, host: str = "127.0.0.1"):
        self.org = org
        self._server = ThreadingHTTPServer((host, 0), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self  # type: ignore[attr-defined]
        self.url = f"http://{host}:{self._server.server_port}"
        self.transport = org.transport(api_url=self.url, downloads_url=self.url + "/downloads")
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def calls(self):
        return self.transport.calls

    def start(self) -> "FakeGitHub":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "FakeGitHub":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
