"""Team days as tables (store v3): month partitions of Parquet, merged a month at a time.

    tables/team_days/month=YYYY-MM/part-0.parquet       one row per (team, day): the scalar fields
    tables/team_day_lines/month=YYYY-MM/part-0.parquet  one row per (team, day): the day as recorded
    tables/team_directory/part-0.parquet                 the teams directory, written last

A day's rows are keyed by GitHub's `team_id` (a renamed team keeps one history); a team
known only from an older deployment's file has no id and is told apart by its slug. A run
rewrites the months its days touch, and the directory (one row per team): what it costs
follows the days fetched and the teams, not the years kept (DESIGN.md, "Cost rule").
`teams_history.json` is streamed from the lines (`history_chunks`), a group of teams at a time.

DuckDB does the merging and the Parquet (the collector has no pandas or pyarrow).

    merged = upsert_team_days(store, [TeamDayRow(team, EncodedTeamDay.of(day)), …])
    directory = load_directory(store)              # {slug: DirectoryEntry} or None (older store)
    update_directory(store, teams, merged)         # after the months, never before
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import tempfile
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
from pydantic import Field, ValidationError

from ..contract.days import TEAM_DAY_SCALARS, Record, TeamDay
from ..contract.facts import TEAM_DAY_LINE_COLUMNS, TEAM_DAY_TABLE_COLUMNS, TEAMS_DIRECTORY_COLUMNS
from ..contract.keys import (
    HISTORY_KEY,
    TEAM_DAY_LINES,
    TEAM_DAYS,
    TEAMS_DIRECTORY,
    month_of,
    table_key,
    table_month,
    table_prefix,
)
from ..contract.rules import LEGACY_METRICS
from ..contract.teams import Team, is_valid_slug
from ..errors import InvalidStoreFile
from .base import Store
from .conflicts import retry_on_conflict

# The scalar fields of a day, in the order of EncodedTeamDay.row.
ROW_COLUMNS = ["date", "source", *TEAM_DAY_SCALARS]
# Rows in a partition: a team's days together and in order, so a reader of one team reads
# few row groups and teams_history.json is a merge of the months, not a sort of the years.
ROW_ORDER = "team_id NULLS LAST, CASE WHEN team_id IS NULL THEN slug END, day"
ROW_GROUP = 4096
_CACHE = Path(tempfile.gettempdir()) / "copilot-usage-tables"  # the app's copies of S3 partitions
PARQUET_OPTIONS = f"FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, ROW_GROUP_SIZE {ROW_GROUP}"


def table_select(db, source: str, columns: dict[str, str], params: list | None = None) -> str:
    """The select list of `columns` from the relation `source` (e.g. `read_parquet(?)`). A day's
    field that partitions written by an earlier version lack (one added later, like
    `monthly_licensed_members`) reads as NULL, unknown; a missing key or line is left to fail:
    that file is not this table."""
    present = {row[0] for row in db.execute(f"DESCRIBE SELECT * FROM {source}", params or []).fetchall()}
    return ", ".join(name if name in present or name not in TEAM_DAY_SCALARS else f"CAST(NULL AS {kind}) AS {name}"
                     for name, kind in columns.items())


# ---------------------------------------------------------------- a day as it is written

def day_line(day: TeamDay) -> bytes:
    return day.model_dump_json().encode()


def scalar_row(day: TeamDay) -> list:
    return [day.date.isoformat(), *(getattr(day, c) for c in ROW_COLUMNS[1:])]


@dataclass(frozen=True)
class EncodedTeamDay:
    """A team day as it is written: its line (teams_history.json's JSON) and its scalar row.

    What the collector holds between checkpoints: a tenth of the memory of the TeamDay.
    """

    line: bytes
    row: list

    @classmethod
    def of(cls, day: TeamDay) -> EncodedTeamDay:
        return cls(day_line(day), scalar_row(day))

    @property
    def day(self) -> date:
        return date.fromisoformat(self.row[0])

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
            row[ROW_COLUMNS.index(name)] = int(value)
        return EncodedTeamDay(line, row)


@dataclass(frozen=True)
class TeamDayRow:
    """One team's day, to be written: the team (its id and slug that day) and the day."""

    team: Team
    day: EncodedTeamDay


# ---------------------------------------------------------------- the directory

class DirectoryEntry(Record):
    """One team of the directory: the team as last seen, its days, the slugs it had before.
    `months`: days recorded per month ("YYYY-MM"), recounted from each month a run rewrites or
    reads, so a run that stopped between the tables and the directory is made good by the next."""

    team: Team
    first_day: date
    last_day: date
    months: dict[str, int] = Field(default_factory=dict)
    earlier_slugs: list[str] = Field(default_factory=list)

    @property
    def days(self) -> int:
        return sum(self.months.values())


def team_ref(team: Team) -> int | str:
    """What a team's rows are keyed by: its id, or its slug when it has none."""
    return team.id if team.id is not None else team.slug


# ---------------------------------------------------------------- merging days

@dataclass
class TableMerge:
    """What merging days into the tables did: counts, and per team what the directory needs."""

    added: int = 0
    replaced: int = 0
    # team_ref -> (the team, {month: (its days there, first, last)}) for every team of the months read
    teams: dict[int | str, tuple[Team, dict[str, tuple[int, date, date]]]] = field(default_factory=dict)
    named: dict[int | str, Team] = field(default_factory=dict)  # the teams as the rows written named them


@contextlib.contextmanager
def scratch_database() -> Iterator[tuple[duckdb.DuckDBPyConnection, Path]]:
    """An in-memory DuckDB and a working folder, both gone afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="copilot-tables-"))
    # One thread and a small limit: a month of lines is sorted by spilling, not held (a year's
    # backfill peaked at 2.0 x one day's memory with 256 MB and two threads).
    db = duckdb.connect(config={"memory_limit": "128MB", "threads": 1, "temp_directory": str(folder / "spill"),
                                "preserve_insertion_order": True})
    try:
        yield db, folder
    finally:
        db.close()
        shutil.rmtree(folder, ignore_errors=True)


def columns_spec(columns: dict[str, str]) -> str:
    return "{" + ", ".join(f"'{k}': '{v}'" for k, v in columns.items()) + "}"


_MATCH = ("{a}.day = {b}.day AND {a}.team_id IS NOT DISTINCT FROM {b}.team_id "
          "AND ({a}.team_id IS NOT NULL OR {a}.slug = {b}.slug)")


def upsert_team_days(store: Store, rows: Iterable[TeamDayRow], *, keep_legacy: bool = True) -> TableMerge:
    """Upsert team days into the month partitions of both tables, conditionally on the
    version read (a month another writer changed meanwhile is merged again on top of theirs).

    A newer copy of a day replaces the recorded one (provisional days settle) unless the
    recorded one is a legacy day (`rules.replaces`; `keep_legacy=False`: a later entry of an
    older file wins even so). Writing the same days twice writes nothing the second time.
    """
    months: dict[str, dict[tuple[int | str, date], TeamDayRow]] = {}
    teams: dict[int | str, Team] = {}
    for row in rows:
        ref = team_ref(row.team)
        months.setdefault(month_of(row.day.day), {})[(ref, row.day.day)] = row
        teams[ref] = row.team
    merged = TableMerge()
    with scratch_database() as (db, folder):
        incoming = {}
        for month in sorted(months):
            incoming[month] = folder / f"incoming-{month}.ndjson"
            with incoming[month].open("wb") as out:
                for row in months.pop(month).values():
                    values = dict(zip(ROW_COLUMNS, row.day.row, strict=True))
                    out.write(json.dumps({"team_id": row.team.id, "slug": row.team.slug, "day": values.pop("date"),
                                          **values, "line": row.day.line.decode()}).encode() + b"\n")
        # Every month's days are files now: a caller that let go of its rows (a checkpoint does)
        # holds no line while DuckDB merges.
        for month, path in incoming.items():
            db.execute(f"CREATE OR REPLACE TEMP TABLE incoming AS SELECT * FROM read_json('{path}', "
                       f"format = 'newline_delimited', columns = "
                       f"{columns_spec({**TEAM_DAY_TABLE_COLUMNS, 'line': 'VARCHAR'})})")
            path.unlink()
            retry_on_conflict(table_key(TEAM_DAY_LINES, month),
                              lambda month=month: _merge_month(store, db, folder, month, keep_legacy))
            _count(db, merged, teams, month)
    merged.named = teams
    return merged


def _merge_month(store: Store, db, folder: Path, month: str, keep_legacy: bool) -> None:
    """One month: the lines decide which incoming days are new or changed (`accepted`); the
    scalar rows are written first, the lines last, so a run that stops in between leaves the
    days to be written again by the next (their lines still differ)."""
    lines_tag = _existing(store, db, folder, TEAM_DAY_LINES, month)
    legacy = f"coalesce(e.source = '{LEGACY_METRICS}', false)" if keep_legacy else "false"
    db.execute(f"""
        CREATE OR REPLACE TEMP TABLE accepted AS
        SELECT i.team_id, i.slug, i.day, e.day IS NULL AS is_new
        FROM incoming i LEFT JOIN existing_{TEAM_DAY_LINES} e ON {_MATCH.format(a="i", b="e")}
        WHERE e.day IS NULL OR (NOT {legacy} AND i.line IS DISTINCT FROM e.line)""")
    # Every team's days in this month once merged (those only stored too): the directory's count.
    db.execute(f"""
        CREATE OR REPLACE TEMP TABLE month_days AS
        SELECT team_id, any_value(slug) AS slug, count(*) AS days, min(day) AS first, max(day) AS last
        FROM (SELECT team_id, slug, day FROM existing_{TEAM_DAY_LINES}
              UNION ALL SELECT team_id, slug, day FROM accepted WHERE is_new)
        GROUP BY team_id, CASE WHEN team_id IS NULL THEN slug END""")
    if db.execute("SELECT count(*) FROM accepted").fetchone()[0] == 0:
        return
    groups = _team_groups(db)
    retry_on_conflict(table_key(TEAM_DAYS, month), lambda: _write_month(
        store, db, folder, TEAM_DAYS, month, _existing(store, db, folder, TEAM_DAYS, month), groups))
    _write_month(store, db, folder, TEAM_DAY_LINES, month, lines_tag, groups)


def _existing(store: Store, db, folder: Path, table: str, month: str) -> str | None:
    """The stored partition as the temp table `existing_{table}`; its version tag (None: none yet)."""
    found = store.read_bytes_versioned(table_key(table, month))
    names = ", ".join(_COLUMNS[table])
    if found is None:
        db.execute(f"CREATE OR REPLACE TEMP VIEW existing_{table} AS SELECT {names} FROM incoming WHERE false")
        return None
    path = folder / f"{table}-{month}.parquet"  # read where it lies, not held (removed with the folder)
    path.write_bytes(found[0])
    try:
        source = f"read_parquet('{path}')"
        db.execute(f"CREATE OR REPLACE TEMP VIEW existing_{table} AS "
                   f"SELECT {table_select(db, source, _COLUMNS[table])} FROM {source}")
        db.execute(f"SELECT count(*) FROM existing_{table}").fetchone()  # a file that is not the table fails here
    except duckdb.Error:
        raise InvalidStoreFile(f"{table_key(table, month)} in {store.url} is not the table this version "
                               "writes; move it away and the next collection writes it again",
                               key=table_key(table, month)) from None
    return found[1]


_COLUMNS = {TEAM_DAYS: TEAM_DAY_TABLE_COLUMNS, TEAM_DAY_LINES: TEAM_DAY_LINE_COLUMNS}


# The lines of one group of teams sorted at a time: DuckDB 2.0 sorts rows that carry long
# strings in memory, not spilled (at 5,000 teams a month's merge failed under 128 MB on the
# second daily run; a plain sort of 160,000 such lines, 400 MB, needed a 400 MB limit;
# docs/architecture.md). Groups of this many bytes keep a month's write within the merge's
# limit whatever the number of teams; 8 MB, not 24: what a sort holds adds to a backfill's peak.
GROUP_BYTES = 8 * 2**20


def _team_groups(db) -> list[str]:
    """Conditions on `{t}.team_id` (`t`: a table's alias) splitting the month's teams, stored and
    incoming, into groups in row order, each holding about GROUP_BYTES of lines (teams known
    only by slug last); one condition for a month that fits."""
    rows, size = db.execute("SELECT count(*), coalesce(sum(strlen(line)), 0) FROM incoming").fetchone()
    per_group = max(1, int(GROUP_BYTES / max(size / max(rows, 1), 1)))  # rows, sized like the incoming lines
    counts = db.execute(f"""
        SELECT team_id, count(*) FROM (SELECT team_id FROM existing_{TEAM_DAY_LINES}
                                       UNION ALL SELECT team_id FROM accepted WHERE is_new)
        WHERE team_id IS NOT NULL GROUP BY team_id ORDER BY team_id""").fetchall()
    if sum(count for _, count in counts) <= per_group:
        return ["true"]
    groups: list[list[int]] = [[]]
    held = 0
    for team_id, count in counts:
        if groups[-1] and held + count > per_group:
            groups.append([])
            held = 0
        groups[-1].append(team_id)
        held += count
    return [f"{{t}}.team_id BETWEEN {ids[0]} AND {ids[-1]}" for ids in groups] + ["{t}.team_id IS NULL"]


def _write_month(store: Store, db, folder: Path, table: str, month: str, tag: str | None,
                 groups: list[str]) -> None:
    """The stored rows less the accepted days, plus them, in row order, written conditionally:
    each group of teams sorted into a file of its own, then the files joined in order."""
    names = ", ".join(_COLUMNS[table])
    out = folder / f"out-{table}-{month}.parquet"
    parts = [folder / f"part-{table}-{month}-{n}.parquet" for n in range(len(groups))] if len(groups) > 1 else [out]
    for group, part in zip(groups, parts, strict=True):
        db.execute(f"""
            COPY (SELECT * FROM (
                      SELECT {names} FROM existing_{table} e
                      WHERE ({group.format(t="e")})
                        AND NOT EXISTS (SELECT 1 FROM accepted a WHERE {_MATCH.format(a="a", b="e")})
                      UNION ALL
                      SELECT {", ".join(f"i.{name}" for name in _COLUMNS[table])} FROM incoming i
                      WHERE ({group.format(t="i")})
                        AND EXISTS (SELECT 1 FROM accepted a WHERE {_MATCH.format(a="a", b="i")}))
                  ORDER BY {ROW_ORDER})
            TO '{part}' ({PARQUET_OPTIONS})""")
    if len(parts) > 1:  # one thread, insertion order kept: the files' rows in the order listed
        db.execute(f"COPY (SELECT * FROM read_parquet({[str(p) for p in parts]!r})) TO '{out}' ({PARQUET_OPTIONS})")
        for part in parts:
            part.unlink()
    try:
        store.write_bytes_if(table_key(table, month), out.read_bytes(), if_tag=tag)
    finally:
        out.unlink()


def _count(db, merged: TableMerge, teams: dict[int | str, Team], month: str) -> None:
    added, replaced = db.execute("SELECT count(*) FILTER (is_new), count(*) FILTER (NOT is_new) FROM accepted").fetchone()
    merged.added += added
    merged.replaced += replaced
    for team_id, slug, days, first, last in db.execute("SELECT * FROM month_days").fetchall():
        ref = team_id if team_id is not None else slug
        team, months = merged.teams.get(ref, (None, {}))
        team = teams.get(ref) or team or Team(name=slug, slug=slug, id=team_id)  # a team only stored
        merged.teams[ref] = (team, {**months, month: (days, first, last)})


# ---------------------------------------------------------------- the directory file

def load_directory(store: Store) -> dict[str, DirectoryEntry] | None:
    """The teams directory by current slug, or None when the store has no tables yet."""
    found = store.read_bytes_versioned(table_key(TEAMS_DIRECTORY))
    return None if found is None else parse_directory(found[0], store)


def parse_directory(body: bytes, store: Store) -> dict[str, DirectoryEntry]:
    with scratch_database() as (db, folder):
        path = folder / "teams.parquet"
        path.write_bytes(body)
        try:
            cursor = db.execute(f"SELECT {', '.join(TEAMS_DIRECTORY_COLUMNS)} FROM read_parquet('{path}')")
            names = [column[0] for column in cursor.description]
            rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
            return {row["slug"]: _entry(row) for row in rows}
        except (duckdb.Error, ValidationError, KeyError):
            raise InvalidStoreFile(f"{table_key(TEAMS_DIRECTORY)} in {store.url} is not the teams directory "
                                   "this version writes; move it away and the next collection writes it again",
                                   key=table_key(TEAMS_DIRECTORY)) from None


def _entry(row: dict) -> DirectoryEntry:
    team = Team(name=row["name"], slug=row["slug"], description=row["description"] or "", url=row["url"] or "",
                id=row["team_id"])
    return DirectoryEntry(team=team, first_day=row["first_day"], last_day=row["last_day"],
                          months=dict(row["months"] or {}), earlier_slugs=row["earlier_slugs"] or [])


def write_directory(store: Store, entries: dict[str, DirectoryEntry], *, if_tag: str | None) -> str:
    with scratch_database() as (db, folder):
        source = folder / "teams.ndjson"
        with source.open("wb") as out:
            for slug in sorted(entries):
                entry = entries[slug]
                out.write(json.dumps({"team_id": entry.team.id, "slug": entry.team.slug, "name": entry.team.name,
                                      "description": entry.team.description, "url": entry.team.url,
                                      "first_day": entry.first_day.isoformat(), "last_day": entry.last_day.isoformat(),
                                      "days": entry.days, "months": entry.months,
                                      "earlier_slugs": entry.earlier_slugs}).encode() + b"\n")
        target = folder / "teams.parquet"
        db.execute(f"COPY (SELECT * FROM read_json('{source}', format = 'newline_delimited', columns = "
                   f"{columns_spec(TEAMS_DIRECTORY_COLUMNS)})) TO '{target}' ({PARQUET_OPTIONS})")
        return store.write_bytes_if(table_key(TEAMS_DIRECTORY), target.read_bytes(), if_tag=if_tag)


def update_directory(store: Store, teams: dict[str, Team], merged: TableMerge | None = None) -> dict[str, DirectoryEntry]:
    """The directory with the teams just written (`merged`) and the teams as GitHub names them
    now (`teams`, by slug: a renamed team's entry takes its new slug and keeps the old one).
    Written conditionally, last (readers take its version tag as the tables' version)."""
    by_id = {team.id: team for team in teams.values() if team.id is not None}

    def attempt() -> dict[str, DirectoryEntry]:
        found = store.read_bytes_versioned(table_key(TEAMS_DIRECTORY))
        current = parse_directory(found[0], store) if found else {}
        entries = {team_ref(e.team): e for e in current.values()}
        for ref, (team, months) in (merged.teams.items() if merged else ()):
            old = entries.get(ref)
            first, last = min(m[1] for m in months.values()), max(m[2] for m in months.values())
            counts = {month: days for month, (days, _, _) in months.items()}
            if old is None:
                entries[ref] = DirectoryEntry(team=team, first_day=first, last_day=last, months=counts)
            else:
                entries[ref] = _renamed(old, merged.named.get(ref, old.team)).model_copy(update={
                    "months": dict(sorted({**old.months, **counts}.items())),
                    "first_day": min(first, old.first_day), "last_day": max(last, old.last_day)})
        for ref, entry in list(entries.items()):
            named = by_id.get(ref) if isinstance(ref, int) else None
            if named is None and isinstance(ref, str) and ref in teams and teams[ref].id is None:
                named = teams[ref]
            if named is not None:
                entries[ref] = _renamed(entry, named)
        result = _one_per_slug(entries)
        if found is None or result != current:
            write_directory(store, result, if_tag=found[1] if found else None)
        return result

    return retry_on_conflict(table_key(TEAMS_DIRECTORY), attempt)


def _renamed(entry: DirectoryEntry, team: Team) -> DirectoryEntry:
    """The entry under the team's name now; a slug it had before is kept (URLs, legacy rows)."""
    if team == entry.team:
        return entry
    earlier = entry.earlier_slugs + ([entry.team.slug] if team.slug != entry.team.slug
                                     and entry.team.slug not in entry.earlier_slugs else [])
    return entry.model_copy(update={"team": team, "earlier_slugs": earlier})


def _one_per_slug(entries: dict[int | str, DirectoryEntry]) -> dict[str, DirectoryEntry]:
    """By slug. A team known only by slug from an older file and a team with an id and that
    slug are one team: its days are read by both keys (`rows_of`), listed once."""
    out: dict[str, DirectoryEntry] = {}
    for entry in sorted(entries.values(), key=lambda e: e.team.id is None):  # teams with ids first
        slug = entry.team.slug
        if slug in out:
            kept = out[slug]
            months = {m: kept.months.get(m, 0) + entry.months.get(m, 0) for m in {*kept.months, *entry.months}}
            out[slug] = kept.model_copy(update={"months": dict(sorted(months.items())),
                                                "first_day": min(kept.first_day, entry.first_day),
                                                "last_day": max(kept.last_day, entry.last_day)})
        else:
            out[slug] = entry
    return out


def rows_of(entry: DirectoryEntry) -> str:
    """The SQL condition for a team's rows: its id, and the rows keyed by a slug it had."""
    slugs = ", ".join(f"'{slug}'" for slug in [entry.team.slug, *entry.earlier_slugs])
    by_slug = f"(team_id IS NULL AND slug IN ({slugs}))"
    return f"(team_id = {int(entry.team.id)} OR {by_slug})" if entry.team.id is not None else by_slug


# ---------------------------------------------------------------- whole tables

def table_months(store: Store, table: str) -> list[str]:
    """The months a table has, oldest first."""
    return sorted(m for key in store.list_keys(table_prefix(table)) if (m := table_month(key, table)))


@contextlib.contextmanager
def local_copies(store: Store, table: str, months: list[str]) -> Iterator[list[Path]]:
    """The partitions as local files: where they are in a folder store, else copied for the while."""
    local = [store.local_file(table_key(table, month)) for month in months]
    if all(path is not None for path in local):
        yield [path for path in local if path is not None and path.exists()]
        return
    folder = Path(tempfile.mkdtemp(prefix="copilot-tables-read-"))
    try:
        paths = []
        for month in months:
            body = store.read_bytes(table_key(table, month))
            if body is not None:
                paths.append(folder / f"{month}.parquet")
                paths[-1].write_bytes(body)
        yield paths
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def cached_partitions(store: Store, table: str, months: list[str]) -> list[str]:
    """Local paths of a table's partitions for these months (those that exist), for reading:
    a folder store's own files; an S3 store's copied once into a local cache kept by version
    tag (DuckDB's httpfs extension cannot be downloaded here, and may not be in a locked-down
    host), so after a collection only the month or two it rewrote are copied again."""
    paths = []
    for month in months:
        key = table_key(table, month)
        local = store.local_file(key)
        if local is not None:
            if local.exists():
                paths.append(str(local))
            continue
        tag = store.tag(key)
        if tag is None:
            continue
        name = hashlib.sha256(f"{store.url}\0{key}".encode()).hexdigest()[:24]
        path = _CACHE / f"{name}-{hashlib.sha256(tag.encode()).hexdigest()[:16]}.parquet"
        if not path.exists():
            body = store.read_bytes(key)
            if body is None:
                continue
            _CACHE.mkdir(parents=True, exist_ok=True)
            for older in _CACHE.glob(f"{name}-*.parquet"):  # an earlier version of this month
                older.unlink(missing_ok=True)
            partial = path.with_suffix(f".{threading.get_ident()}.part")
            partial.write_bytes(body)
            partial.replace(path)  # readers never see half a file
        paths.append(str(path))
    return paths


def history_chunks(store: Store, directory: dict[str, DirectoryEntry]) -> Iterator[bytes]:
    """`teams_history.json` as chunks, one team after another, from the lines table. Teams are
    read a group at a time (about HISTORY_ROWS days, from every month: each month's rows are
    in team order, so a group is a few row groups of each), so memory holds one group, whatever
    the years kept. Teams in the order of their rows: by id, then those known by slug only."""
    by_ref = {team_ref(e.team): e for e in directory.values()}
    slug_owner = {slug: e for e in directory.values() for slug in [e.team.slug, *e.earlier_slugs]}
    yield b"[\n"
    first_team, current = True, None
    with local_copies(store, TEAM_DAY_LINES, table_months(store, TEAM_DAY_LINES)) as paths, \
            scratch_database() as (db, _):
        for ref, line in _rows_in_order(db, [str(p) for p in paths], directory):
            entry = by_ref.get(ref) if isinstance(ref, int) else slug_owner.get(ref)
            team = entry.team if entry else Team(name=str(ref), slug=str(ref)) if is_valid_slug(str(ref)) \
                else None
            if team is None:
                continue
            if team != current:
                head = b'{"team":' + team.model_dump_json().encode() + b',"data":[\n'
                yield (b"" if first_team else b"\n]},\n") + head + line
                first_team, current = False, team
            else:
                yield b",\n" + line
    yield b"\n]\n" if first_team else b"\n]}\n]\n"


# Days of teams read and sorted at once for teams_history.json (about 15 MB of lines). 20,000
# made it the highest point of a year's backfill; fewer rows cost more queries (README, "Performance").
HISTORY_ROWS = 5_000


def _rows_in_order(db, paths: list[str], directory: dict[str, DirectoryEntry]) -> Iterator[tuple[int | str, bytes]]:
    """(team_ref, line) of every row, in (team, day) order, a group of teams at a time. The groups'
    bounds cover every id and slug, so rows of a team missing from the directory are read too."""
    if not paths:
        return
    ids = sorted((e.team.id, e.days) for e in directory.values() if e.team.id is not None)
    slugs = sorted((e.team.slug, e.days) for e in directory.values() if e.team.id is None)
    conditions = [*_groups("team_id", ids), *(f"team_id IS NULL AND {c}" for c in _groups("slug", slugs))]
    cursor = db.cursor()
    try:
        for condition in conditions:
            cursor.execute(f"SELECT team_id, slug, line FROM read_parquet(?) WHERE {condition} ORDER BY {ROW_ORDER}",
                           [paths])
            while batch := cursor.fetchmany(512):
                for team_id, slug, line in batch:
                    yield (team_id if team_id is not None else slug), line.encode()
    finally:
        cursor.close()


def _groups(column: str, keys: list[tuple[int | str, int]]) -> Iterator[str]:
    """Conditions on `column` that split its sorted keys into groups of about HISTORY_ROWS days,
    the first and last open-ended."""
    def literal(value):
        return str(int(value)) if isinstance(value, int) else f"'{value}'"
    lower, size = None, 0
    for n, (key, days) in enumerate(keys):
        size += days
        if size >= HISTORY_ROWS and n < len(keys) - 1:
            yield " AND ".join(filter(None, [lower, f"{column} <= {literal(key)}"]))
            lower, size = f"{column} > {literal(key)}", 0
    yield lower or f"{column} IS NOT NULL"


def write_history(store: Store) -> str:
    """Write `teams_history.json` from the tables (older tools and the seed read it); returns its tag."""
    return store.write_stream(HISTORY_KEY, history_chunks(store, load_directory(store) or {}))
