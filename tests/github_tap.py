"""A tap on the loopback fake GitHub: records what was asked and rewrites chosen answers.

`FakeGitHub` hands every request its OAuth half does not own to `fake.transport`;
`Tap` stands in that place, so it sees the collector's API calls and report
downloads, and can change an answer the way a misbehaving GitHub would:

    with Tap(fake) as tap:
        tap.rewrite("/downloads/users-1-day/", insert_line(b"<html>oops</html>"), times=1)
        tap.rewrite("users-1-day?day=2026-11-21", lambda request, response: httpx.Response(204))
        ...
        tap.paths            # every path (with its query) that reached the demo's transport
        tap.log, tap.fired   # (monotonic time, path) of every request, and of the rewritten ones

Faults that need no knowledge of the body (a status, a delay, a reset) stay with
`fake.faults`; this is only for answers whose content is wrong.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

Rewrite = Callable[[httpx.Request, httpx.Response], httpx.Response]


@dataclass
class _Rule:
    path: str
    rewrite: Rewrite
    times: int


class Tap:
    def __init__(self, fake) -> None:
        self.fake = fake
        self.inner = fake.transport
        self.paths: list[str] = []
        self.log: list[tuple[float, str]] = []
        self.fired: list[tuple[float, str]] = []
        self._rules: list[_Rule] = []
        self._lock = threading.Lock()

    @property
    def calls(self):  # FakeGitHub.calls reads it from whatever stands in as its transport
        return self.inner.calls

    def __enter__(self) -> Tap:
        self.fake.transport = self
        return self

    def __exit__(self, *exc) -> None:
        self.fake.transport = self.inner

    def rewrite(self, path: str, rewrite: Rewrite, *, times: int = 10**9) -> None:
        """Answers to requests whose path (query included) contains `path` go through `rewrite`."""
        with self._lock:
            self._rules.append(_Rule(path, rewrite, times))

    def clear(self) -> None:
        """No more rewrites (what was recorded stays)."""
        with self._lock:
            self._rules.clear()

    def reset(self) -> None:
        """No rewrites, and nothing recorded."""
        with self._lock:
            self._rules.clear()
            self.paths.clear()
            self.log.clear()
            self.fired.clear()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        target = request.url.raw_path.decode("ascii", "replace")
        with self._lock:
            now = time.monotonic()
            self.paths.append(target)
            self.log.append((now, target))
            rule = next((r for r in self._rules if r.times > 0 and r.path in target), None)
            if rule:
                rule.times -= 1
                self.fired.append((now, target))
        response = self.inner.handle_request(request)
        if rule is None:
            return response
        response.read()
        return rule.rewrite(request, response)


def ndjson(response: httpx.Response, edit: Callable[[list[dict]], list[bytes | dict]]) -> httpx.Response:
    """The same answer with its NDJSON lines edited (dicts are dumped, bytes kept as they are)."""
    lines = [json.loads(line) for line in response.content.splitlines() if line.strip()]
    body = b"".join((item if isinstance(item, bytes) else json.dumps(item).encode()) + b"\n"
                    for item in edit(lines))
    return httpx.Response(response.status_code, headers={"content-type": "application/x-ndjson"}, content=body)


def insert_line(raw: bytes) -> Rewrite:
    """A line that is not JSON, in the middle of the file."""
    def rewrite(request, response):
        return ndjson(response, lambda lines: [*lines[: len(lines) // 2], raw, *lines[len(lines) // 2:]])
    return rewrite


def edit_lines(change: Callable[[dict], dict]) -> Rewrite:
    def rewrite(request, response):
        return ndjson(response, lambda lines: [change(dict(line)) for line in lines])
    return rewrite


def answer(status: int, headers: dict[str, str] | Callable[[], dict[str, str]] | None = None,
           message: str | None = None) -> Rewrite:
    """Replace the answer by one with `status` (204: GitHub's "no data"), headers (or a function
    giving them at answer time) and, with `message`, GitHub's JSON error body."""
    def rewrite(request, response):
        head = headers() if callable(headers) else dict(headers or {})
        if message is None:
            return httpx.Response(status, headers=head)
        return httpx.Response(status, headers={"content-type": "application/json", **head},
                              content=json.dumps({"message": message}).encode())
    return rewrite
