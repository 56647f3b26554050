"""Per-user facts in Parquet, and GitHub's team recipe run over them by DuckDB in process.

A collected day becomes three tables under `facts/` in the store, one Parquet
file per day (Hive-style partitions, which Athena, Trino, Spark and DuckDB read
as a `day` column):

    facts/user_days/day=YYYY-MM-DD/part-0.parquet    one row per user: counters, flags,
                                                      credits, adoption phase, breakdowns
    facts/user_teams/day=YYYY-MM-DD/part-0.parquet   one row per (user, team)
    facts/org_days/day=YYYY-MM-DD/part-0.parquet     the organisation's day (OrgDay: GitHub's
                                                      numbers as recorded; breakdowns as JSON)

Day partitions, not months: a provisional day fetched again replaces its own
files and nothing else, so each write stays the size of one day.

    with FactsEngine() as engine:
        facts = engine.day(day, users.raw_parts, user_teams.raw_parts, org_day)
        facts.team_days["platform"].active_users
        facts.store(store)         # writes the day's facts/ files

The SQL lives in `sql/` (one query a file); this module only feeds it files. The
columns of each table are the contract's (`contract/facts.py`).
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import duckdb

from ..contract.counters import COUNTER_FIELDS
from ..contract.days import OrgDay, TeamDay
from ..contract.facts import ORG_DAY_COLUMNS, USER_DAY_COLUMNS, USER_TEAM_COLUMNS
from ..contract.keys import (
    GZIP_MAGIC,
    ORG_DAYS,
    ORGANIZATION,
    TEAM_DAYS,
    USER_DAYS,
    USER_TEAM_DAYS,
    USER_TEAMS,
    USERS,
    fact_key,
)
from ..errors import MalformedReport
from ..github.reports import parse_report
from ..store.base import Store
from .sql import create_models, load

REPORT_NAMES = {"users": USERS, USER_TEAM_DAYS: USER_TEAMS, "org": ORGANIZATION}


@dataclass
class DayFacts:
    """One day's facts (local Parquet files) and what the recipe made of them."""

    day: date
    files: dict[str, Path]
    team_days: dict[str, TeamDay] = field(default_factory=dict)
    members: dict[str, list[str]] = field(default_factory=dict)  # slug -> licensed logins
    team_ids: dict[str, int | None] = field(default_factory=dict)  # slug -> GitHub's team id

    def store(self, store: Store) -> int:
        """Write the day's facts/ files where they differ from the stored ones (a provisional
        day fetched again replaces its copy); returns how many were written. The files are
        deterministic: the same reports give the same bytes."""
        written = 0
        for table, path in self.files.items():
            body = path.read_bytes()
            if store.read_bytes(fact_key(table, self.day)) != body:
                store.write_bytes(fact_key(table, self.day), body)
                written += 1
        return written


class FactsEngine:
    """One in-process DuckDB database for a run; each thread works on its own cursor.

    `memory_limit` bounds what DuckDB holds (it spills to the working folder beyond it);
    the working folder holds each day's report files and facts until they are stored.
    """

    def __init__(self, *, memory_limit: str = "512MB", threads: int = 2, workdir: str | None = None):
        self.root = Path(tempfile.mkdtemp(prefix="copilot-usage-", dir=workdir))
        self._config = {"memory_limit": memory_limit, "threads": threads,
                        "temp_directory": str(self.root / "spill"), "preserve_insertion_order": True}
        self.db = duckdb.connect(config=self._config)
        self._lock = threading.Lock()
        # One day joined at a time: DuckDB already spreads one join over its threads, and
        # days joined at once by the fetch workers only add their working sets up.
        self._joining = threading.RLock()

    def __enter__(self) -> FactsEngine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()
        shutil.rmtree(self.root, ignore_errors=True)

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """No day is joined meanwhile (the fetch workers wait): the collector writes its
        checkpoints in a pause, so their working set and a join's are not held at once."""
        with self._joining:
            yield

    def refresh(self) -> None:
        """A new in-memory database in place of the old one (the working folder stays).

        DuckDB keeps memory from each day's Parquet writes until its database is closed
        (docs/architecture.md, "Memory over a long run"). Call it where no cursor is open (the
        collector does at each checkpoint: its fetch threads wait, the main thread has none)."""
        with self._joining, self._lock:
            old, self.db = self.db, duckdb.connect(config=self._config)
        old.close()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        with self._lock:  # making cursors is not thread-safe; using them is
            return self.db.cursor()

    def day(self, day: date, user_parts: list[bytes], user_team_parts: list[bytes],
            org_day: OrgDay | None = None) -> DayFacts:
        """One day's report files -> its facts (Parquet) and its TeamDays.

        Raises MalformedReport when a file cannot be read as the report it should be
        (the day is then fetched again next run, never recorded with users missing).
        """
        with self._joining:
            return self._day(day, user_parts, user_team_parts, org_day)

    def _day(self, day: date, user_parts: list[bytes], user_team_parts: list[bytes],
             org_day: OrgDay | None) -> DayFacts:
        folder = Path(tempfile.mkdtemp(prefix=f"day-{day.isoformat()}-", dir=self.root))
        cursor = self.cursor()
        try:
            cursor.execute("SET VARIABLE day = ?", [day.isoformat()])
            org_parts = [org_day.model_dump_json(exclude={"legacy"}).encode()] if org_day else []
            files = {
                USER_DAYS: _fact(cursor, folder, "users", user_parts, USER_DAY_COLUMNS, "fact_user_days"),
                USER_TEAM_DAYS: _fact(cursor, folder, USER_TEAM_DAYS, user_team_parts, USER_TEAM_COLUMNS,
                                    "fact_user_teams"),
                ORG_DAYS: _fact(cursor, folder, "org", org_parts, ORG_DAY_COLUMNS, None),
            }
            facts = DayFacts(day, files)
            # The recipe reads the day's facts where they are, in memory: the same rows as the files.
            for table, fact in ((USER_DAYS, "fact_users"), (USER_TEAM_DAYS, "fact_user_teams")):
                cursor.execute(f"CREATE OR REPLACE TEMP VIEW {table} AS "
                               f"SELECT DATE '{day.isoformat()}' AS day, * FROM {fact}")
            facts.team_days, facts.members, facts.team_ids = team_days(cursor)
            return facts
        finally:
            cursor.close()

    def discard(self, facts: DayFacts) -> None:
        """Remove a day's local files once they are stored."""
        if facts.files:
            shutil.rmtree(next(iter(facts.files.values())).parent, ignore_errors=True)


def _fact(cursor, folder: Path, name: str, parts: list[bytes], columns: dict[str, str],
          query: str | None) -> Path:
    """Write the parts to files, read them with the declared columns, keep the day's facts."""
    paths = []
    for index, data in enumerate(parts):
        suffix = ".json.gz" if data[:2] == GZIP_MAGIC else ".json"
        path = folder / f"{name}-{index}{suffix}"
        path.write_bytes(data)
        paths.append(str(path))
    out = folder / f"{name}.parquet"
    spec = "{" + ", ".join(f"'{k}': '{v}'" for k, v in columns.items()) + "}"
    source = f"read_json({paths!r}, format = 'auto', columns = {spec})" if paths else \
        f"read_json('{_empty(folder)}', format = 'newline_delimited', columns = {spec})"  # no data: no rows
    try:
        cursor.execute(f"CREATE OR REPLACE TEMP TABLE raw_{name} AS SELECT * FROM {source}")
        if query:
            cursor.execute(load(query))  # keeps the day's lines, once each
        cursor.execute(f"CREATE OR REPLACE TEMP VIEW fact_{name} AS SELECT * EXCLUDE ({'day' if query else 'date'}) "
                       f"FROM raw_{name}")
        # zstd's fastest level: faster to write than the default, hardly larger (docs/architecture.md).
        cursor.execute(f"COPY fact_{name} TO '{out}' (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1)")
    except (duckdb.ConversionException, duckdb.InvalidInputException) as exc:  # not the report's shape
        raise _malformed(name, folder, parts, exc) from None
    finally:
        for path in paths:  # only the Parquet waits for the checkpoint (Lambda's /tmp is small)
            Path(path).unlink(missing_ok=True)
    return out


def _malformed(name: str, folder: Path, parts: list[bytes], exc: Exception) -> MalformedReport:
    """What is wrong with a file DuckDB could not read, in the words of the report parser when
    it finds the fault (a broken line), else DuckDB's first line without our temp paths."""
    day = folder.name[len("day-"):len("day-") + 10]
    for index, data in enumerate(parts):
        parse_report(data, source=f"{REPORT_NAMES.get(name, name)} {day} part {index}")  # raises if broken
    message = str(exc).splitlines()[0].split(' in file "')[0][:300]
    return MalformedReport(f"{REPORT_NAMES.get(name, name)} {day}: a value does not have the report's type "
                           f"({message})")


def _empty(folder: Path) -> Path:
    path = folder / "empty.json"
    path.write_bytes(b"")
    return path


def team_days(cursor) -> tuple[dict[str, TeamDay], dict[str, list[str]], dict[str, int | None]]:
    """Run the recipe over the `user_days`/`user_teams` views of ONE day.

    Returns ({slug: TeamDay}, {slug: licensed logins}, {slug: team id}).
    """
    by_day = team_days_by_day(cursor)
    if len(by_day) > 1:
        raise ValueError("team_days() is for one day; use team_days_by_day()")
    return next(iter(by_day.values()), ({}, {}, {}))


def team_days_by_day(cursor) -> dict[date, tuple[dict[str, TeamDay], dict[str, list[str]], dict[str, int | None]]]:
    """The recipe over every day the views hold: {day: ({slug: TeamDay}, {slug: logins}, {slug: id})}."""
    create_models(cursor)
    totals = cursor.execute(load(TEAM_DAYS))  # the SQL that fills the team_days table
    names = [column[0] for column in totals.description]
    rows = {(r[0], r[1]): dict(zip(names, r, strict=True)) for r in totals.fetchall()}
    # Each team-day's breakdowns come as one JSON object shaped by DuckDB, and the TeamDay is
    # validated from JSON in pydantic's core: at 2,000 teams that is ~100,000 breakdown items,
    # which as Python tuples and dicts took most of the day's join.
    breakdowns = {(day, slug): text for day, slug, text in cursor.execute(breakdowns_json()).fetchall()}
    logins = {(day, slug): sorted(names_, key=str.lower)
              for day, slug, names_ in cursor.execute(load("team_members")).fetchall()}
    phases: dict[tuple, dict[str, int]] = {}
    for day, slug, phase, users in cursor.execute(load("team_phases")).fetchall():
        phases.setdefault((day, slug), {})[phase] = users
    out: dict[date, tuple[dict, dict, dict]] = {}
    for (day, slug), row in rows.items():
        row.pop("day"), row.pop("slug")
        team_id = row.pop("team_id")
        head = json.dumps({"date": day.isoformat(), **row, "by_adoption_phase": phases.get((day, slug), {})})
        items = breakdowns.get((day, slug))
        team_days_, members, ids = out.setdefault(day, ({}, {}, {}))
        team_days_[slug] = TeamDay.model_validate_json(f"{head[:-1]}, {items[1:]}" if items else head)
        members[slug] = logins.get((day, slug), [])
        ids[slug] = team_id
    return out


@cache
def breakdowns_json() -> str:
    """team_breakdowns.sql's rows as {"by_ide": {item: {"users": …, counters…}}, …} per team-day,
    items in name order (string_agg: DuckDB's json_group_object takes no ORDER BY)."""
    fields = ", ".join(f"'{n}', {n}" for n in ("users", *COUNTER_FIELDS))
    return f"""
WITH breakdowns AS (
{load("team_breakdowns")}
), items AS (
    SELECT day, slug, breakdown,
           '{{' || string_agg(to_json(item) || ':' || json_object({fields}), ',' ORDER BY item) || '}}' AS items
    FROM breakdowns
    GROUP BY day, slug, breakdown
)
SELECT day, slug, '{{' || string_agg(to_json(breakdown) || ':' || items, ',' ORDER BY breakdown) || '}}'
FROM items
GROUP BY day, slug
"""
