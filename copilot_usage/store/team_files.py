"""Team files, store v2's record of team days: one file per team, merged one team at a time.

    teams/{slug}.json     one team's `{"team", "data": [TeamDay…]}`, one day a line
    teams_summary.json    every team's scalar fields per day, as columns (no breakdowns), one team a line
    teams_index.json      written last: per team its name, days and the sha256 of its file
    teams_history.json    all teams, `[{"team", "data"}…]`, assembled from the team files as a stream

A team file is JSON with a layout that makes the daily merge cheap:

    {"team":{"name":"Platform","slug":"platform",…},"data":[
    {"interactions":12,…,"date":"2026-05-01",…},
    {"interactions":9,…,"date":"2026-05-02",…}
    ]}

Merging new days splices lines: the file is read from its end back to the first
day the new ones touch (a line's date is found without parsing the line), and the
earlier lines are kept as one block of bytes. A daily run costs a copy of the
file's bytes, not a parse of its history.
Files in any other layout (written by an older version, or a history moved in)
are parsed whole once and rewritten in this one.

The team page reads the index and one team file; the overview reads the summary
(`read/teams.py`). No pandas here: the collector runs without it.

    merge_team_days(store, team, {date: TeamDay})  # -> TeamMerge (what changed)
    index = load_index(store)                       # {slug: IndexEntry} or None
    history = load_team_file(store, "platform")     # TeamHistory or None
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date

from pydantic import TypeAdapter, ValidationError

from ..contract.days import TEAM_DAY_SCALARS, Record, TeamDay
from ..contract.keys import HISTORY_KEY, INDEX_KEY, SUMMARY_KEY, team_key
from ..contract.rules import replaces
from ..contract.teams import Team, TeamHistory
from ..errors import InvalidStoreFile
from ..lookahead import STORE_WORKERS, map_ahead
from .base import Store
from .conflicts import retry_on_conflict

# The scalar fields of a day, in the summary's column order (breakdowns stay in the team files).
SUMMARY_COLUMNS = ["date", "source", *TEAM_DAY_SCALARS]

_DATE = re.compile(rb'"date":"(\d{4}-\d{2}-\d{2})"')
_SOURCE = re.compile(rb'"source":"([a-z-]+)"')
_HEAD_END = b',"data":['


class IndexEntry(Record):
    team: Team
    days: int
    first_day: date
    last_day: date
    sha256: str


_index = TypeAdapter(dict[str, IndexEntry])


# ---------------------------------------------------------------- the team file layout

def team_file_bytes(team: Team, day_lines: Iterable[bytes], *, kept: bytes | memoryview = b"") -> bytes:
    """A team file: the head line, the earlier day lines `kept` as they were stored (joined by
    ",\n", untouched by a merge), then one compact TeamDay a line, the closing line; copied once."""
    parts = [b'{"team":', team.model_dump_json().encode(), _HEAD_END, b"\n"]
    for n, line in enumerate([kept, *day_lines] if kept else day_lines):
        parts += [b",\n", line] if n else [line]
    if len(parts) > 4:
        parts.append(b"\n")
    parts.append(b"]}\n")
    return b"".join(parts)


def day_line(day: TeamDay) -> bytes:
    return day.model_dump_json().encode()


@dataclass(frozen=True)
class EncodedTeamDay:
    """A team day as it is written: its line in the team file and its row in the summary.

    What the collector holds between checkpoints: a tenth of the memory of the TeamDay.
    """

    line: bytes
    row: list

    @classmethod
    def of(cls, day: TeamDay) -> EncodedTeamDay:
        return cls(day_line(day), summary_row(day))

    def with_values(self, **values: int | None) -> EncodedTeamDay:
        """The record with scalar fields that were null set (the rolling counts, known once the
        earlier days are joined), without parsing the line: it is the model's compact JSON,
        where a top-level field appears once, so the bytes are those of `EncodedTeamDay.of`."""
        line, row = self.line, list(self.row)
        for name, value in values.items():
            null = b'"' + name.encode() + b'":null'
            if value is None or null not in line:
                continue
            line = line.replace(null, b'"' + name.encode() + b'":' + str(int(value)).encode(), 1)
            row[SUMMARY_COLUMNS.index(name)] = int(value)
        return EncodedTeamDay(line, row)


@dataclass
class _Split:
    """A team file cut in two: the days before `since`, untouched bytes, and the later lines."""

    kept: bytes | memoryview    # the earlier day lines as stored (joined by ",\n", no final comma)
    kept_days: int
    kept_first: date | None
    kept_last: date | None
    tail: dict[date, bytes]     # {date: line} of the days from `since` on


def _line_date(line: bytes) -> date | None:
    found = _DATE.search(line)
    return date.fromisoformat(found.group(1).decode()) if found else None


def _split(body: bytes, since: date) -> _Split | None:
    """Cut a file in the line layout before the first day on or after `since`, reading lines
    from the end only; None for any other layout (the caller parses it whole). The earlier
    lines stay a view of `body`, not a copy (four merges run at once, a year's file each)."""
    n = len(body)
    while n and body[n - 1] == 0x0A:  # trailing newlines, without copying the file as rstrip would
        n -= 1
    head_end = body.find(b"\n", 0, n)
    if head_end < 0 or not body.endswith(_HEAD_END, 0, head_end) or not body.endswith(b"\n]}", 0, n):
        return None
    stop = n - 3  # the newline before "]}"
    tail: dict[date, bytes] = {}
    while stop > head_end:
        start = body.rfind(b"\n", 0, stop)
        line = body[start + 1:stop].removesuffix(b",")
        day = _line_date(line)
        if day is None:
            return None  # not a line this module wrote: read the file as JSON instead
        if day < since:
            break
        tail[day] = line
        stop = start
    kept_end = stop - 1 if stop > head_end and body[stop - 1] == 0x2C else stop  # without the comma
    if kept_end <= head_end + 1:
        return _Split(b"", 0, None, None, tail)
    first_end = body.find(b"\n", head_end + 1, kept_end)
    first = _line_date(body[head_end + 1:first_end if first_end >= 0 else kept_end])
    last = _line_date(body[body.rfind(b"\n", head_end + 1, kept_end) + 1:kept_end])
    if first is None or last is None:
        return None
    kept = memoryview(body)[head_end + 1:kept_end]
    return _Split(kept, body.count(b"\n", head_end + 1, kept_end) + 1, first, last, tail)


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
    # The summary rows of the days now recorded from `new` (not their lines: a checkpoint
    # holds every team's until the summary is written).
    written: dict[date, list] = field(default_factory=dict)


def merge_team_days(store: Store, team: Team, new: dict[date, TeamDay | EncodedTeamDay], *,
                    keep_legacy: bool = True) -> TeamMerge:
    """Upsert `new` into the team's file by date, conditionally on the version read.

    A newer copy of a day replaces the recorded one (`rules.replaces`: provisional days
    settle, a legacy day stays). New team metadata (a renamed team) replaces the old.
    Merging the same days twice writes nothing the second time. `keep_legacy=False` lets a
    later entry of the same file replace a legacy day too (`histories.one_entry_per_slug`:
    the later of two entries wins).
    """
    key = team_key(team.slug)
    new = {day: value if isinstance(value, EncodedTeamDay) else EncodedTeamDay.of(value) for day, value in new.items()}
    new_lines = {day: record.line for day, record in new.items()}
    since = min(new_lines, default=date.max)

    def attempt() -> TeamMerge:
        found = store.read_bytes_versioned(key)
        body, tag = found if found else (b"", None)
        split = _split(body, since) if found else _Split(b"", 0, None, None, {})
        if split is None:
            _, lines = _parsed_lines(body, store, key)
            split = _Split(b"", 0, None, None, lines)
        tail, result = split.tail, TeamMerge(entry=None)
        for day, line in new_lines.items():
            old = tail.get(day)
            if old is None:
                result.added += 1
            elif keep_legacy and not replaces(_line_source(old)):
                continue
            elif old != line:
                result.replaced += 1
            else:
                continue
            tail[day] = line
            result.written[day] = new[day].row
        merged = team_file_bytes(team, [tail[d] for d in sorted(tail)], kept=split.kept)
        days = [d for d in (split.kept_first, split.kept_last, *tail) if d is not None]
        digest = hashlib.sha256(merged).hexdigest()
        if days:
            result.entry = IndexEntry(team=team, days=split.kept_days + len(tail), first_day=min(days),
                                      last_day=max(days), sha256=digest)
        if merged != body:
            store.write_bytes_if(key, merged, if_tag=tag, sha256=digest)
        return result

    return retry_on_conflict(key, attempt)


def _line_source(line: bytes) -> str | None:
    found = _SOURCE.search(line)
    return found.group(1).decode() if found else None


# ---------------------------------------------------------------- summary and index

def summary_row(day: TeamDay) -> list:
    return [day.date.isoformat(), *(getattr(day, c) for c in SUMMARY_COLUMNS[1:])]


def update_summary(store: Store, changes: dict[str, tuple[Team, dict[date, list]]]) -> None:
    """Replace the summary rows of the days just written, one team's line at a time.

    `changes`: {slug: (team, {date: summary row written})} (TeamMerge.written). Teams not named keep their line
    as it is (not parsed). A summary in another layout is rebuilt from the team files.
    """
    def attempt() -> None:
        found = store.read_bytes_versioned(SUMMARY_KEY)
        body, tag = found if found else (b"", None)
        lines = _summary_lines(body) if found else {}
        todo, rebuild = changes, lines is None
        if rebuild:
            lines = {}
            todo = {**{e.team.slug: (e.team, {}) for e in (load_index(store) or {}).values()}, **changes}
        for slug, (team, days) in todo.items():
            if rebuild or slug not in lines:
                history = load_team_file(store, slug)
                kept, rows = b"", {d.date.isoformat(): summary_row(d) for d in (history.data if history else [])}
            else:
                kept, rows = _split_rows(lines[slug], min(days, default=date.max).isoformat())
            rows.update({day.isoformat(): row for day, row in days.items()})
            if kept or rows:
                tail = [_compact(rows[d]).rstrip(b"\n") for d in sorted(rows)]
                lines[slug] = b"".join([b'{"team":', _compact(team.model_dump(mode="json")).rstrip(b"\n"),
                                        b',"rows":[', b",".join([kept, *tail] if kept else tail), b"]}"])
        merged = _summary_bytes(lines)
        if merged != body:
            store.write_bytes_if(SUMMARY_KEY, merged, if_tag=tag)

    retry_on_conflict(SUMMARY_KEY, attempt)


_SUMMARY_HEAD = b'{"columns":'
_ROWS = b'"rows":['


def _split_rows(line: bytes, since: str) -> tuple[bytes, dict[str, list]]:
    """A team's summary line cut before its first row on or after `since` (rows are sorted
    and start with their date): the earlier rows as bytes, the later ones parsed."""
    start = line.index(_ROWS) + len(_ROWS)
    stop = len(line) - 2  # before the closing "]}"
    rows: dict[str, list] = {}
    while stop > start:
        boundary = line.rfind(b',["', start, stop)
        row_start = boundary + 1 if boundary >= 0 else start
        if line[row_start + 2:row_start + 12].decode() < since:
            break
        row = json.loads(line[row_start:stop])
        rows[row[0]] = row
        stop = max(boundary, start)
    return line[start:stop], rows


def _summary_bytes(lines: dict[str, bytes]) -> bytes:
    parts = [_SUMMARY_HEAD + _compact(SUMMARY_COLUMNS).rstrip(b"\n") + b',"teams":[\n']
    for n, slug in enumerate(sorted(lines)):
        parts += [b",\n", lines[slug]] if n else [lines[slug]]
    return b"".join([*parts, b"\n]}\n" if lines else b"]}\n"])  # copied once


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
    def attempt() -> None:
        found = store.read_json(INDEX_KEY)
        current = parse_index(found.data, store) or {}
        merged = dict(sorted({**current, **entries}.items()))
        if found.tag is None or merged != current:
            store.write_json(INDEX_KEY, {slug: e.model_dump(mode="json") for slug, e in merged.items()},
                             if_tag=found.tag)

    retry_on_conflict(INDEX_KEY, attempt)


def _compact(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


# ---------------------------------------------------------------- teams_history.json

def history_chunks(store: Store, index: dict[str, IndexEntry]) -> Iterator[bytes]:
    """`teams_history.json` as chunks: the team files in order, never all in memory (the next
    few are read while one is written: on S3 each read is a round trip)."""
    yield b"[\n"
    first = True
    with ThreadPoolExecutor(max_workers=STORE_WORKERS) as pool, contextlib.closing(map_ahead(
            pool, lambda slug: store.read_bytes(team_key(slug)), sorted(index), ahead=STORE_WORKERS)) as bodies:
        for body in bodies:
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
