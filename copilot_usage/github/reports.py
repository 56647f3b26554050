"""Copilot usage-metrics reports: signed links, downloads, and the files' lines.

A report day is fetched in two steps (GITHUB_API.md 2): the REST call returns
signed links, and each link is downloaded without the GitHub auth header. The raw
copies the collector keeps of each day live in the store (`store/report_copies.py`).

    day = download_day(client, "my-org", "users-1-day", date(2026, 5, 1), today=today)
    if day.status == "ok":
        lines = day.lines
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from ..contract.keys import GZIP_MAGIC
from ..contract.rules import is_provisional
from ..errors import Forbidden, MalformedReport, NotFound

Status = Literal["ok", "no-data", "not-available"]


@dataclass
class ReportDay:
    report: str
    day: date
    status: Status
    lines: list[dict] = field(default_factory=list)
    from_store: bool = False
    raw_parts: list[bytes] = field(default_factory=list, repr=False)  # as downloaded, for the copy


def parse_report(data: bytes, *, source: str = "report") -> list[dict]:
    """NDJSON (or a JSON array / single object, gzip or not) -> list of objects.

    A line that is not JSON means a truncated or broken file: raise, so the day
    is fetched again rather than recorded with users missing.
    """
    if data[:2] == GZIP_MAGIC:
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
    if data[:2] == GZIP_MAGIC:
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


def _links_path(org: str, report: str) -> str:
    return f"/orgs/{org}/copilot/metrics/reports/{report}"


def _ask_links(client, org: str, report: str, day: date, today: date) -> list[str] | None:
    """The day's download links; [] for 204 (no data), None when not produced yet.

    For a recent day, 204 and 404 both mean "not produced yet" (GITHUB_API.md 2), never
    "zero usage": recording it would join one report's lines with another's silence.
    """
    recent = is_provisional(day, today)
    try:
        body = client.get_json(_links_path(org, report), {"day": day.isoformat()})
    except NotFound:
        if recent:
            return None
        raise
    if body is None:
        return None if recent else []
    return [link for link in body.get("download_links") or [] if isinstance(link, str)]


def download_day(client, org: str, report: str, day: date, *, today: date, parse: bool = True) -> ReportDay:
    """One report for one day from GitHub: its links, then its files.

    parse=False leaves `lines` empty and the files in `raw_parts` (as downloaded), for a
    caller that parses them itself (the collector's DuckDB join): a download cut off is
    still refused (`check_whole`), so the day is fetched again rather than kept broken.
    """
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
