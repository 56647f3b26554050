"""Serving it: GitHub's REST API and the report download host, as an httpx transport.

`DemoTransport` answers the collector's requests for a `DemoOrg`: teams,
members, seats and report links at the API, signed NDJSON parts at the
download host, with GitHub's paging, errors and expiring links.
"""

from __future__ import annotations

import collections
import json
import math
import re
import threading
import zlib
from datetime import date
from typing import Any, Protocol

import httpx

from ..contract.keys import DAILY_REPORTS, ORGANIZATION, USER_TEAMS, USERS
from .randomness import S_SIG, mix


class ServedOrganisation(Protocol):
    """What DemoTransport serves: an organisation as GitHub reports it (a `DemoOrg`)."""

    org: str
    seed: int
    first_day: date
    end_day: date
    users: list[dict[str, Any]]
    teams: list[dict[str, Any]]
    members: dict[str, list[str]]

    def seats(self) -> list[dict[str, Any]]: ...
    def user_lines(self, day: date | str) -> list[dict[str, Any]]: ...
    def user_team_lines(self, day: date | str) -> list[dict[str, Any]]: ...
    def org_lines(self, day: date | str) -> list[dict[str, Any]]: ...


_DOCS = "https://docs.github.com/rest"
_ROUTES = (
    ("teams", re.compile(r"/orgs/(?P<org>[^/]+)/teams")),
    ("members", re.compile(r"/orgs/(?P<org>[^/]+)/teams/(?P<slug>[^/]+)/members")),
    ("seats", re.compile(r"/orgs/(?P<org>[^/]+)/copilot/billing/seats")),
    ("report-links", re.compile(r"/orgs/(?P<org>[^/]+)/copilot/metrics/reports/(?P<report>[a-z0-9-]+)")),
)
_DOWNLOAD = re.compile(r"/(?P<report>[a-z0-9-]+)/(?P<day>\d{4}-\d{2}-\d{2})/part-(?P<part>\d+)\.ndjson")
_AUTH = re.compile(r"(?i)^(bearer|token)\s+\S+")
_SPLIT_USERS_OVER = 50  # GitHub hands large reports out as several files


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(
        status,
        content=json.dumps(body).encode(),
        headers={"content-type": "application/json; charset=utf-8", **(headers or {})},
    )


def _error(status: int, message: str) -> httpx.Response:
    return _json(status, {"message": message, "documentation_url": _DOCS, "status": str(status)})


class DemoTransport(httpx.MockTransport):
    """Serves a DemoOrg at `api_url` (REST) and `downloads_url` (signed report files).

    `handle(request)` is a plain function of a request, so a loopback HTTP
    server can reuse it. `calls` counts requests by kind: "teams", "members",
    "seats", "report-links:<report>", "download", "other". `expire_links()`
    makes every link handed out so far answer 403, as expired links do.

        transport = demo.transport()
        client = httpx.Client(transport=transport, headers={"Authorization": "Bearer x"})
        client.get("https://api.github.com/orgs/octo-demo/teams?per_page=5")
        assert transport.calls["teams"] == 1
    """

    def __init__(
        self,
        demo: ServedOrganisation,
        api_url: str = "https://api.github.com",
        downloads_url: str = "https://copilot-reports.demo.invalid",
        *,
        reject_authorized_downloads: bool = True,
    ) -> None:
        super().__init__(self.handle)
        self.demo = demo
        self.api_url = api_url.rstrip("/")
        self.downloads_url = downloads_url.rstrip("/")
        # Signed storage links must be fetched without GitHub's token: sending
        # it leaks the token to another host, so by default it is refused.
        self.reject_authorized_downloads = reject_authorized_downloads
        self.calls: collections.Counter[str] = collections.Counter()
        self._generation = 0
        self._lock = threading.Lock()
        self._parts: dict[tuple[str, date], list[bytes]] = {}
        # Built once: per-request scans of 50,000 users would dominate benchmarks.
        self._user_objects = {
            u["login"]: {
                **{k: u[k] for k in ("login", "id", "avatar_url", "html_url")},
                "type": "User",
                "site_admin": False,
            }
            for u in demo.users
        }
        self._seats: list[dict[str, Any]] | None = None

    def expire_links(self) -> None:
        """Invalidate every download link handed out so far."""
        with self._lock:
            self._generation += 1

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one request as GitHub (or its download host) would."""
        url = str(request.url)
        if url.startswith(self.downloads_url + "/"):
            self._count("download")
            return self._download(request, url[len(self.downloads_url):].split("?")[0])
        if not url.startswith(self.api_url + "/") or request.method != "GET":
            self._count("other")
            return _error(404, "Not Found")
        path = url[len(self.api_url):].split("?")[0].rstrip("/")
        for kind, pattern in _ROUTES:
            match = pattern.fullmatch(path)
            if match:
                report = match.groupdict().get("report")
                self._count(f"{kind}:{report}" if report else kind)
                return self._api(request, kind, match.groupdict())
        self._count("other")
        return _error(404, "Not Found")

    def _count(self, kind: str) -> None:
        with self._lock:
            self.calls[kind] += 1

    def _api(self, request: httpx.Request, kind: str, params: dict[str, str]) -> httpx.Response:
        if not _AUTH.match(request.headers.get("authorization", "")):
            return _error(401, "Requires authentication")
        if params["org"].lower() != self.demo.org.lower():
            return _error(404, "Not Found")
        if kind == "teams":
            return self._paginate(request, self.demo.teams, 30)
        if kind == "members":
            return self._members(request, params["slug"])
        if kind == "seats":
            if self._seats is None:  # a snapshot as of end_day: the same for every page
                self._seats = self.demo.seats()
            return self._paginate(request, self._seats, 50, wrap="seats")
        return self._report_links(request, params["report"])

    def _members(self, request: httpx.Request, slug: str) -> httpx.Response:
        logins = self.demo.members.get(slug)
        if logins is None:
            return _error(404, "Not Found")
        return self._paginate(request, [self._user_objects[login] for login in logins], 30)

    def _paginate(
        self, request: httpx.Request, items: list[dict[str, Any]], default: int, wrap: str | None = None
    ) -> httpx.Response:
        """One page of `items` with GitHub's Link header (absolute URLs)."""
        per_page = _int_param(request, "per_page", default, 1, 100)
        page = _int_param(request, "page", 1, 1, 10**9)
        last = max(1, math.ceil(len(items) / per_page))
        chunk = items[(page - 1) * per_page : page * per_page]
        rels = []
        if page > 1:
            rels += [("prev", min(page - 1, last)), ("first", 1)]
        if page < last:
            rels = [("next", page + 1), ("last", last)] + rels
        headers = {}
        if rels:
            headers["link"] = ", ".join(
                f'<{request.url.copy_set_param("page", str(n))}>; rel="{rel}"' for rel, n in rels
            )
        body: Any = {"total_seats": len(items), wrap: chunk} if wrap else chunk
        return _json(200, body, headers)

    def _report_links(self, request: httpx.Request, report: str) -> httpx.Response:
        if report not in DAILY_REPORTS:
            return _error(404, "Not Found")
        text = request.url.params.get("day", "")
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ValueError(text)
            day = date.fromisoformat(text)
        except ValueError:
            return _error(422, "Invalid request. 'day' must be a date in YYYY-MM-DD format.")
        if day > self.demo.end_day:
            return _error(404, "Not Found")
        if day < self.demo.first_day:
            return httpx.Response(204)
        parts = self._report_parts(report, day)
        links = [
            f"{self.downloads_url}/{report}/{day.isoformat()}/part-{n}.ndjson?sig={self._sig(report, day, n)}"
            for n in range(1, len(parts) + 1)
        ]
        return _json(200, {"download_links": links, "report_day": day.isoformat()})

    def _sig(self, report: str, day: date, part: int) -> str:
        parts = (self._generation, zlib.crc32(report.encode()), day.toordinal(), part)
        return format(mix(self.demo.seed, S_SIG, *parts), "016x")

    def _report_parts(self, report: str, day: date) -> list[bytes]:
        key = (report, day)
        with self._lock:
            cached = self._parts.get(key)
        if cached is not None:
            return cached
        lines = {
            USERS: self.demo.user_lines,
            USER_TEAMS: self.demo.user_team_lines,
            ORGANIZATION: self.demo.org_lines,
        }[report](day)
        chunks = [lines]
        if report == USERS and len(lines) > _SPLIT_USERS_OVER:
            half = (len(lines) + 1) // 2
            chunks = [lines[:half], lines[half:]]
        parts = [b"".join(_ndjson_line(line) for line in chunk) for chunk in chunks]
        with self._lock:
            if len(self._parts) >= 32:  # bounded: benchmarks fetch many days
                self._parts.pop(next(iter(self._parts)))
            self._parts[key] = parts
        return parts

    def _download(self, request: httpx.Request, path: str) -> httpx.Response:
        if self.reject_authorized_downloads and "authorization" in request.headers:
            return _error(400, "Signed links carry their own credentials: send no Authorization header.")
        match = _DOWNLOAD.fullmatch(path)
        if not match or match["report"] not in DAILY_REPORTS:
            return _error(404, "Not Found")
        try:
            day = date.fromisoformat(match["day"])
        except ValueError:
            return _error(404, "Not Found")
        part = int(match["part"])
        if request.url.params.get("sig") != self._sig(match["report"], day, part):
            return _error(403, "Signature expired or invalid: ask the API for fresh links.")
        if not self.demo.first_day <= day <= self.demo.end_day:
            return _error(404, "Not Found")
        parts = self._report_parts(match["report"], day)
        if not 1 <= part <= len(parts):
            return _error(404, "Not Found")
        return httpx.Response(200, content=parts[part - 1], headers={"content-type": "application/x-ndjson"})


def _ndjson_line(line: dict[str, Any]) -> bytes:
    return json.dumps(line, separators=(",", ":")).encode() + b"\n"


def _int_param(request: httpx.Request, name: str, default: int, low: int, high: int) -> int:
    """GitHub ignores a malformed paging parameter and clamps per_page to 100."""
    try:
        value = int(request.url.params.get(name, default))
    except ValueError:
        return default
    return min(high, max(low, value))
