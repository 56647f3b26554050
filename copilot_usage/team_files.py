"""Team files, the record of team days: one file per team, merged one team at a time.

    teams/{slug}.json     one team's `{"team", "data": [TeamDay…]}`, one day a line
    teams_summary.json    every team's scalar fields per day, as columns (no breakdowns), one team a line
    teams_index.json      written last: per team its name, days and the sha256 of its file
    teams_history.json    all teams, `[{"team", "data"}…]`, assembled from the team files as a stream

A team file is JSON with a layout that makes the daily merge cheap:

    {"team":{"name":"Platform","slug":"platform",…},"data":[
    {"interactions":12,…,"date":"2026-05-01",…},
    {"interactions":9,…,"date":"2026-05-02",…}
    ]}

Merging new days splices lines: each line's date is found without parsing the
line, so a daily run costs the bytes of the file, not a parse of its history.
Files in any other layout (written by an older version, or a history moved in)
are parsed whole once and rewritten in this one.

The team page reads the index and one team file; the overview reads the summary
(`frames.summary_frame`). No pandas here: the collector runs without it.

    merge_team_days(store, team, {date: TeamDay})  # -> TeamMerge (what changed)
    index = load_index(store)                       # {slug: IndexEntry} or None
    history = load_team_file(store, "platform")     # TeamHistory or None
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Iterator

from pydantic import BaseModel, TypeAdapter, ValidationError

from .errors import InvalidStoreFile, StoreConflict
from .models import Team, TeamDay, TeamHistory
from .store import Store

INDEX_KEY = "teams_index.json"
SUMMARY_KEY = "teams_summary.json"
HISTORY_KEY = "teams_history.json"
# The scalar fields of a day, in the summary's column order (breakdowns stay in the team files).
SUMMARY_COLUMNS = ["date", "source", *(name for name in TeamDay.model_fields
                                       if name not in ("date", "source") and not name.startswith("by_"))]
CONFLICT_RETRIES = 8

_DATE = re.compile(rb'"date":"(\d{4}-\d{2}-\d{2})"')
_LEGACY = b'"source":"legacy-metrics"'
_HEAD_END = b',"data":['


def team_key(slug: str) -> str:
    return f"teams/{slug}.json"


class IndexEntry(BaseModel):
    team: Team
    days: int
    first_day: date
    last_day: date
    sha256: str


_index = TypeAdapter(dict[str, IndexEntry])


# ---------------------------------------------------------------- the team file layout

def team_file_bytes(team: Team, day_lines: Iterable[bytes]) -> bytes:
    """A team file: the head line, one compact TeamDay a line, the closing line."""
    lines = list(day_lines)
    body = b",\n".join(lines) + b"\n" if lines else b""
    return b'{"team":' + team.model_dump_json().encode() + _HEAD_END + b"\n" + body + b"]}\n"


def day_line(day: TeamDay) -> bytes:
    return day.model_dump_json().encode()


def _day_lines(body: bytes, key: str) -> dict[date, bytes] | None:
    """{date: line} of a file in the line layout; None for any other layout (parse it whole)."""
    lines = body.rstrip(b"\n").split(b"\n")
    if len(lines) < 2 or not lines[0].endswith(_HEAD_END) or lines[-1] != b"]}":
        return None
    out: dict[date, bytes] = {}
    for line in lines[1:-1]:
        line = line.removesuffix(b",")
        found = _DATE.search(line)
        if found is None:
            return None  # not a line this module wrote: read the file as JSON instead
        out[date.fromisoformat(found.group(1).decode())] = line
    return out


def _parsed_lines(body: bytes, store: Store, key: str) -> tuple[Team, dict[date, bytes]]:
    """Any team file (an older layout included) -> its team and {date: line}."""
    history = _parse_team_file(body, store, key)
    return history.team, {day.date: day_line(day) for day in history.data}


# ---------------------------------------------------------------- merging one team

@dataclass
class TeamMerge:
    """What merging new days into one team file did."""

    entry: IndexEntry | None
    added: int = 0
    replaced: int = 0
    written: dict[date, TeamDay] = field(default_factory=dict)  # the days now recorded from `new`


def merge_team_days(store: Store, team: Team, new: dict[date, TeamDay]) -> TeamMerge:
    """Upsert `new` into the team's file by date, conditionally on the version read.

    Newer data replaces a day (provisional days settle), except a day recorded in
    the legacy shape, which is kept so migrated history never changes meaning. New
    team metadata (a renamed team) replaces the old. Merging the same days twice
    writes nothing the second time.
    """
    key = team_key(team.slug)
    new_lines = {day: day_line(team_day) for day, team_day in new.items()}
    for _ in range(CONFLICT_RETRIES):
        found = store.read_bytes_versioned(key)
        body, tag = found if found else (b"", None)
        lines = (_day_lines(body, key) if found else {})
        if lines is None:
            _, lines = _parsed_lines(body, store, key)
        result = TeamMerge(entry=None)
        for day, line in new_lines.items():
            old = lines.get(day)
            if old is None:
                result.added += 1
            elif _LEGACY in old:
                continue
            elif old != line:
                result.replaced += 1
            else:
                continue
            lines[day] = line
            result.written[day] = new[day]
        merged = team_file_bytes(team, (lines[d] for d in sorted(lines)))
        if lines:
            result.entry = IndexEntry(team=team, days=len(lines), first_day=min(lines), last_day=max(lines),
                                      sha256=hashlib.sha256(merged).hexdigest())
        if merged == body:
            return result
        try:
            store.write_bytes_if(key, merged, if_tag=tag)
            return result
        except StoreConflict:
            continue  # another collector wrote this team: merge into theirs
    raise StoreConflict(f"{key} kept changing under this run ({CONFLICT_RETRIES} tries): "
                        "is another collector looping? Run again later.", key=key)


def write_team_history(store: Store, history: TeamHistory) -> IndexEntry | None:
    """Write one team's whole history in the line layout (a migration, a repair)."""
    if not history.data:
        return None
    body = team_file_bytes(history.team, (day_line(d) for d in history.data))
    store.write_bytes(team_key(history.team.slug), body)
    return IndexEntry(team=history.team, days=len(history.data), first_day=history.data[0].date,
                      last_day=history.data[-1].date, sha256=hashlib.sha256(body).hexdigest())


# ---------------------------------------------------------------- summary and index

def summary_row(day: TeamDay) -> list:
    return [day.date.isoformat(), *(getattr(day, c) for c in SUMMARY_COLUMNS[1:])]


def _summary_line(team: Team, rows: list[list]) -> bytes:
    return _compact({"team": team.model_dump(mode="json"), "rows": rows})


def update_summary(store: Store, changes: dict[str, tuple[Team, dict[date, TeamDay]]]) -> None:
    """Replace the summary rows of the days just written, one team's line at a time.

    `changes`: {slug: (team, {date: TeamDay written})}. Teams not named keep their line
    as it is (not parsed). A summary in another layout is rebuilt from the team files.
    """
    for _ in range(CONFLICT_RETRIES):
        found = store.read_bytes_versioned(SUMMARY_KEY)
        body, tag = found if found else (b"", None)
        lines = _summary_lines(body) if found else {}
        if lines is None:
            lines = {}
            changes = {**{e.team.slug: (e.team, {}) for e in (load_index(store) or {}).values()}, **changes}
            rebuild = True
        else:
            rebuild = False
        for slug, (team, days) in changes.items():
            if rebuild or slug not in lines:
                history = load_team_file(store, slug)
                rows = {d.date.isoformat(): summary_row(d) for d in (history.data if history else [])}
            else:
                rows = {row[0]: row for row in json.loads(lines[slug])["rows"]}
            rows.update({day.isoformat(): summary_row(team_day) for day, team_day in days.items()})
            if rows:
                lines[slug] = _summary_line(team, [rows[d] for d in sorted(rows)]).rstrip(b"\n")
        merged = _summary_bytes(lines)
        if merged == body:
            return
        try:
            store.write_bytes_if(SUMMARY_KEY, merged, if_tag=tag)
            return
        except StoreConflict:
            continue
    raise StoreConflict(f"{SUMMARY_KEY} kept changing under this run: run again later.", key=SUMMARY_KEY)


_SUMMARY_HEAD = b'{"columns":'


def _summary_bytes(lines: dict[str, bytes]) -> bytes:
    head = _SUMMARY_HEAD + _compact(SUMMARY_COLUMNS).rstrip(b"\n") + b',"teams":[\n'
    body = b",\n".join(lines[slug] for slug in sorted(lines))
    return head + body + (b"\n" if lines else b"") + b"]}\n"


def _summary_lines(body: bytes) -> dict[str, bytes] | None:
    """{slug: line} of a summary in this module's layout, for the current columns; else None."""
    lines = body.rstrip(b"\n").split(b"\n")
    expected_head = _SUMMARY_HEAD + _compact(SUMMARY_COLUMNS).rstrip(b"\n") + b',"teams":['
    if len(lines) < 2 or lines[0] != expected_head or lines[-1] != b"]}":
        return None
    out = {}
    for line in lines[1:-1]:
        line = line.removesuffix(b",")
        slug = re.search(rb'"slug":"([a-z0-9_-]+)"', line)
        if slug is None:
            return None
        out[slug.group(1).decode()] = line
    return out


def update_index(store: Store, entries: dict[str, IndexEntry]) -> None:
    """Set the index entries of the teams just written (others are kept), conditionally."""
    for _ in range(CONFLICT_RETRIES):
        found = store.read_json(INDEX_KEY)
        current = parse_index(found.data, store) or {}
        merged = dict(sorted({**current, **entries}.items()))
        if found.tag is not None and merged == current:
            return
        try:
            store.write_json(INDEX_KEY, {slug: e.model_dump(mode="json") for slug, e in merged.items()},
                             if_tag=found.tag)
            return
        except StoreConflict:
            continue
    raise StoreConflict(f"{INDEX_KEY} kept changing under this run: run again later.", key=INDEX_KEY)


def _compact(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def summary_payload(histories: Iterable[TeamHistory]) -> dict:
    """`{"columns": [...], "teams": [{"team": {...}, "rows": [[...], ...]}]}` of whole histories."""
    teams = []
    for history in histories:
        if history.data:
            teams.append({"team": history.team.model_dump(mode="json"),
                          "rows": [summary_row(day) for day in history.data]})
    return {"columns": SUMMARY_COLUMNS, "teams": teams}


def write_read_side(store: Store, histories: Iterable[TeamHistory]) -> int:
    """Write whole histories as team files, then the summary, then the index (a migration).

    One team at a time: `histories` may be a generator. Returns the team files written.
    """
    entries, lines = {}, {}
    for history in histories:
        entry = write_team_history(store, history)
        if entry is not None:
            entries[history.team.slug] = entry
            lines[history.team.slug] = _summary_line(
                history.team, [summary_row(d) for d in history.data]).rstrip(b"\n")
    store.write_bytes(SUMMARY_KEY, _summary_bytes(lines))
    store.write_json(INDEX_KEY, {slug: e.model_dump(mode="json") for slug, e in sorted(entries.items())},
                     if_tag=store.tag(INDEX_KEY))
    return len(entries)


# ---------------------------------------------------------------- teams_history.json

def history_chunks(store: Store, index: dict[str, IndexEntry]) -> Iterator[bytes]:
    """`teams_history.json` as chunks: the team files one at a time, never all in memory."""
    yield b"[\n"
    first = True
    for slug in sorted(index):
        body = store.read_bytes(team_key(slug))
        if body is None:
            continue
        yield (b"" if first else b",\n") + body.rstrip(b"\n")
        first = False
    yield b"\n]\n"


def assemble_history(store: Store) -> str:
    """Write `teams_history.json` from the team files (older tools and the seed read it);
    returns its version tag."""
    return store.write_stream(HISTORY_KEY, history_chunks(store, load_index(store) or {}))


# ---------------------------------------------------------------- reading

def load_index(store: Store) -> dict[str, IndexEntry] | None:
    """The index, or None when this store has none yet (read `teams_history.json` instead)."""
    return parse_index(store.read_json(INDEX_KEY).data, store)


def parse_index(data, store: Store) -> dict[str, IndexEntry] | None:
    if data is None:
        return None
    try:
        return _index.validate_python(data)
    except ValidationError:
        raise invalid(store, INDEX_KEY) from None


def load_team_file(store: Store, slug: str) -> TeamHistory | None:
    """One team's history from its own file, or None when the file is missing."""
    body = store.read_bytes(team_key(slug))
    if body is None:
        return None
    return _parse_team_file(body, store, team_key(slug))


def _parse_team_file(body: bytes, store: Store, key: str) -> TeamHistory:
    try:
        return TeamHistory.model_validate(json.loads(body))
    except (ValueError, ValidationError):  # ValueError: not JSON (or not UTF-8)
        raise invalid(store, key) from None


def invalid(store: Store, key: str) -> InvalidStoreFile:
    return InvalidStoreFile(f"{key} in {store.url} does not have the expected shape; "
                            "delete it and the next collection writes it again", key=key)
