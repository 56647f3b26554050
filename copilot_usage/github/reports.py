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
    text = data.decode("utf-8", errors="replace").lstrip("\ufeff").strip()  # a byte-order mark is no JSON
    if not text:
        return []
    if text[0] == "{" and "\n" in text:
        whole = _one_object(text)  # a pretty-printed object (28-day and enterprise reports)
        if whole is not None:
            return unwrap_report(whole)
    if text[0] == "[" or (text[0] == "{" and "\n" not in text):
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            raise MalformedReport(f"{source}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
        return unwrap_report(parsed)
    return _ndjson(text, source)


def unwrap_report(parsed) -> list[dict]:
    """A parsed report file -> its day lines.

    `{report_start_day, report_end_day, day_totals: [...]}` (GitHub's 28-day and
    enterprise files) is unwrapped to the days it holds; a list is kept; a single
    line object is one line.
    """
    if isinstance(parsed, dict) and isinstance(parsed.get("day_totals"), list):
        parsed = parsed["day_totals"]
    return [item for item in (parsed if isinstance(parsed, list) else [parsed]) if isinstance(item, dict)]


def _one_object(text: str):
    """`text` parsed as one JSON object, or None when it is more (NDJSON) or broken."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return None


def check_whole(data: bytes, *, source: str = "report") -> None:
    """Refuse a file that was cut off, without parsing all of it (parse_report does that).

    gzip must end cleanly and the last line of NDJSON must be JSON; a JSON array or
    a single-line file is parsed whole. A broken line further up is left to the
    caller's parser (the Arrow join falls back to parse_report, which raises).
    """
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise MalformedReport(f"{source}: the gzip file is truncated ({exc})") from None
    end = len(data)
    while end and data[end - 1:end] in b" \t\r\n":
        end -= 1
    start = data.rfind(b"\n", 0, end) + 1
    head = data.lstrip().removeprefix(b"\xef\xbb\xbf")[:1]
    if start == 0 or head == b"[" or (head == b"{" and data[start:end].strip() == b"}"):
        parse_report(data, source=source)
        return
    try:
        json.loads(data[start:end].decode("utf-8", errors="replace"))  # decoded as parse_report does
    except ValueError:
        raise MalformedReport(f"{source}: the last line is not JSON (file truncated?)") from None


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
                 *, today: date, parse: bool = True) -> ReportDay:
    """One report for one day: from the store's copy when final, else from GitHub.

    parse=False leaves `lines` empty and the files in `raw_parts` (as downloaded or
    stored), for a caller that parses them itself (the collector's Arrow join):
    a download cut off is still refused and fetched again (`check_whole`), but
    the copy is left to `keep_copy`, once the caller has read the files whole,
    so that a broken line further up is never kept as a final copy.
    """
    if store is not None and is_final(day, today):
        cached = read_copy(store, report, day, parse=parse)
        if cached is not None:
            return cached
    result = _download_day(client, org, report, day, today, parse)
    if parse:
        keep_copy(store, result, today=today)
    return result


def keep_copy(store: Store | None, result: ReportDay, *, today: date) -> None:
    """Keep a copy of a downloaded report day (fetch_report does it unless parse=False)."""
    if store is not None and not result.from_store and result.status != "not-available":
        _write_copy(store, result, final=is_final(result.day, today))


def _ask_links(client, org: str, report: str, day: date, today: date) -> list[str] | None:
    """The day's download links; [] for 204 (no data), None when not produced yet.

    For a recent day, 204 and 404 both mean "not produced yet" (GITHUB_API.md 2), never
    "zero usage": recording it would join one report's lines with another's silence.
    """
    recent = (today - day).days <= PROVISIONAL_DAYS
    try:
        body = client.get_json(_links_path(org, report), {"day": day.isoformat()})
    except NotFound:
        if recent:
            return None
        raise
    if body is None:
        return None if recent else []
    return [link for link in body.get("download_links") or [] if isinstance(link, str)]


def _download_day(client, org: str, report: str, day: date, today: date, parse: bool = True) -> ReportDay:
    links = _ask_links(client, org, report, day, today)
    try:
        return _read_links(client, report, day, links, parse)
    except (Forbidden, NotFound, MalformedReport):
        # Signed links expire within minutes and a download can break off midway:
        # ask once for fresh links and read the whole day again.
        return _read_links(client, report, day, _ask_links(client, org, report, day, today), parse)


def _read_links(client, report: str, day: date, links: list[str] | None, parse: bool = True) -> ReportDay:
    if links is None:
        return ReportDay(report, day, "not-available")
    if not links:
        return ReportDay(report, day, "no-data")
    parts = [client.download(link) for link in links]
    if not parse:
        for index, data in enumerate(parts):
            check_whole(data, source=f"{report} {day} part {index}")
        return ReportDay(report, day, "ok", raw_parts=parts)
    lines = [line for index, data in enumerate(parts)
             for line in parse_report(data, source=f"{report} {day} part {index}")]
    return ReportDay(report, day, "ok", lines, raw_parts=parts)


def _write_copy(store: Store, result: ReportDay, *, final: bool) -> None:
    prefix = _prefix(result.report, result.day)
    for index, data in enumerate(result.raw_parts):
        if data[:2] != b"\x1f\x8b":
            data = gzip.compress(data, compresslevel=6, mtime=0)  # mtime=0: same input, same bytes
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


def read_copy(store: Store, report: str, day: date, *, parse: bool = True) -> ReportDay | None:
    """The stored copy of a report day, or None when there is no complete copy.

    parse=False: `raw_parts` holds the stored gzip files and `lines` stays empty.
    """
    prefix = _prefix(report, day)
    manifest = store.read_json(prefix + "manifest.json").data
    # A copy taken while the day was provisional may since have changed upstream.
    if not isinstance(manifest, dict) or not manifest.get("final") \
            or manifest.get("status") not in ("ok", "no-data"):
        return None
    lines, parts = [], []
    for index in range(int(manifest.get("parts", 0))):
        data = store.read_bytes(f"{prefix}part-{index}.ndjson.gz")
        if data is None:
            return None
        if parse:
            lines.extend(parse_report(data, source=f"{prefix}part-{index}"))
        else:
            parts.append(data)
    return ReportDay(report, day, manifest["status"], lines, from_store=True, raw_parts=parts)
