"""Copilot usage-metrics reports: signed links, downloads, raw copies in the store.

A report day is fetched in two steps (GITHUB_API.md 2): the REST call returns
signed links, and each link is downloaded without the GitHub auth header. A copy
of every file is kept under `reports/{report}/day=YYYY-MM-DD/`; a finalized day
(older than three days) is read from that copy instead of being downloaded again.

    day = fetch_report(client, store, "my-org", "users-1-day", date(2026, 5, 1), today=today)
    if day.status == "ok":
        lines = day.lines
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from ..errors import Forbidden, MalformedReport, NotFound, StoreConflict
from ..store import Store

USERS = "users-1-day"
USER_TEAMS = "user-teams-1-day"
ORGANIZATION = "organization-1-day"
DAILY_REPORTS = (USERS, USER_TEAMS, ORGANIZATION)

PROVISIONAL_DAYS = 3  # a day settles within three days; until then it is fetched again
Status = Literal["ok", "no-data", "not-available"]


@dataclass
class ReportDay:
    report: str
    day: date
    status: Status
    lines: list[dict] = field(default_factory=list)
    from_store: bool = False
    raw_parts: list[bytes] = field(default_factory=list, repr=False)  # as downloaded, for the copy


def is_final(day: date, today: date) -> bool:
    return (today - day).days > PROVISIONAL_DAYS


def parse_report(data: bytes, *, source: str = "report") -> list[dict]:
    """NDJSON (or a JSON array / single object, gzip or not) -> list of objects.

    A line that is not JSON means a truncated or broken file: raise, so the day
    is fetched again rather than recorded with users missing.
    """
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise MalformedReport(f"{source}: the gzip file is truncated ({exc})") from None
    text = data.decode("utf-8", errors="replace").strip()
    if not text:
        return []
    if text[0] == "[" or (text[0] == "{" and "\n" not in text):
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            raise MalformedReport(f"{source}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
        return [item for item in (parsed if isinstance(parsed, list) else [parsed]) if isinstance(item, dict)]
    return _ndjson(text, source)


def _ndjson(text: str, source: str) -> list[dict]:
    lines = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
        except json.JSONDecodeError:
            raise MalformedReport(f"{source}: line {number} is not JSON (file truncated?)") from None
        if isinstance(item, dict):
            lines.append(item)
    return lines


def _prefix(report: str, day: date) -> str:
    return f"reports/{report}/day={day.isoformat()}/"


def _links_path(org: str, report: str) -> str:
    return f"/orgs/{org}/copilot/metrics/reports/{report}"


def fetch_report(client, store: Store | None, org: str, report: str, day: date,
                 *, today: date) -> ReportDay:
    """One report for one day: from the store's copy when final, else from GitHub."""
    if store is not None and is_final(day, today):
        cached = read_copy(store, report, day)
        if cached is not None:
            return cached
    result = _download_day(client, org, report, day, today)
    if store is not None and result.status != "not-available":
        _write_copy(store, result, final=is_final(day, today))
    return result


def _ask_links(client, org: str, report: str, day: date, today: date) -> list[str] | None:
    """The day's download links; [] for 204 (no data), None when not produced yet."""
    try:
        body = client.get_json(_links_path(org, report), {"day": day.isoformat()})
    except NotFound:
        if (today - day).days <= PROVISIONAL_DAYS:
            return None
        raise
    if body is None:
        return []
    return [link for link in body.get("download_links") or [] if isinstance(link, str)]


def _download_day(client, org: str, report: str, day: date, today: date) -> ReportDay:
    links = _ask_links(client, org, report, day, today)
    try:
        return _read_links(client, report, day, links)
    except (Forbidden, NotFound, MalformedReport):
        # Signed links expire within minutes and a download can break off midway:
        # ask once for fresh links and read the whole day again.
        return _read_links(client, report, day, _ask_links(client, org, report, day, today))


def _read_links(client, report: str, day: date, links: list[str] | None) -> ReportDay:
    if links is None:
        return ReportDay(report, day, "not-available")
    if not links:
        return ReportDay(report, day, "no-data")
    parts = [client.download(link) for link in links]
    lines = [line for index, data in enumerate(parts)
             for line in parse_report(data, source=f"{report} {day} part {index}")]
    return ReportDay(report, day, "ok", lines, raw_parts=parts)


def _write_copy(store: Store, result: ReportDay, *, final: bool) -> None:
    prefix = _prefix(result.report, result.day)
    for index, data in enumerate(result.raw_parts):
        if data[:2] != b"\x1f\x8b":
            data = gzip.compress(data, mtime=0)  # mtime=0: same input, same bytes
        store.write_bytes(f"{prefix}part-{index}.ndjson.gz", data)
    # The manifest goes last: a copy without one is incomplete and never trusted.
    manifest = {"report": result.report, "day": result.day.isoformat(),
                "status": result.status, "parts": len(result.raw_parts), "final": final}
    current = store.read_json(prefix + "manifest.json")
    if current.data != manifest:
        try:
            store.write_json(prefix + "manifest.json", manifest, if_tag=current.tag)
        except StoreConflict:
            pass  # another collector wrote the same day's copy at the same time


def read_copy(store: Store, report: str, day: date) -> ReportDay | None:
    """The stored copy of a report day, or None when there is no complete copy."""
    prefix = _prefix(report, day)
    manifest = store.read_json(prefix + "manifest.json").data
    # A copy taken while the day was provisional may since have changed upstream.
    if not isinstance(manifest, dict) or not manifest.get("final") \
            or manifest.get("status") not in ("ok", "no-data"):
        return None
    lines = []
    for index in range(int(manifest.get("parts", 0))):
        data = store.read_bytes(f"{prefix}part-{index}.ndjson.gz")
        if data is None:
            return None
        lines.extend(parse_report(data, source=f"{prefix}part-{index}"))
    return ReportDay(report, day, manifest["status"], lines, from_store=True)
