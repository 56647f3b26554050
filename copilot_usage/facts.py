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
        joined = engine.day(day, users.raw_parts, user_teams.raw_parts, org_day)
        joined.team_days["platform"].active_users
        joined.store(store)        # writes the day's facts/ files

The SQL lives in `sql/` (one query a file); this module only feeds it files.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from .errors import MalformedReport
from .github.reports import ORGANIZATION, USER_TEAMS, USERS, parse_report
from .models import COUNTER_FIELDS, OrgDay, TeamDay
from .sql import load
from .store import Store

FACT_TABLES = ("user_days", "user_teams", "org_days")

# Report counter names (the facts keep GitHub's names, so Athena users read GitHub's docs).
REPORT_COUNTERS = ("user_initiated_interaction_count", "code_generation_activity_count",
                   "code_acceptance_activity_count", "loc_suggested_to_add_sum",
                   "loc_suggested_to_delete_sum", "loc_added_sum", "loc_deleted_sum")
_COUNTERS = ", ".join(f"{name} BIGINT" for name in REPORT_COUNTERS)

# The columns read from each report: the facts' schema (plus `day`, which becomes the partition).
USER_COLUMNS = {
    "day": "VARCHAR", "user_id": "BIGINT", "user_login": "VARCHAR", "organization_id": "VARCHAR",
    "enterprise_id": "VARCHAR",
    **{name: "BIGINT" for name in REPORT_COUNTERS},
    "used_chat": "BOOLEAN", "used_agent": "BOOLEAN", "used_cli": "BOOLEAN",
    "used_copilot_code_review_active": "BOOLEAN", "used_copilot_code_review_passive": "BOOLEAN",
    "ai_credits_used": "DOUBLE",
    "ai_adoption_phase": "STRUCT(phase VARCHAR, phase_number BIGINT, version VARCHAR)",
    "totals_by_ide": f"STRUCT(ide VARCHAR, {_COUNTERS}, "
                     "last_known_ide_version STRUCT(ide_version VARCHAR, sampled_at VARCHAR), "
                     "last_known_plugin_version STRUCT(plugin VARCHAR, plugin_version VARCHAR, "
                     "sampled_at VARCHAR))[]",
    "totals_by_feature": f"STRUCT(feature VARCHAR, {_COUNTERS})[]",
    "totals_by_language_feature": f"STRUCT(language VARCHAR, feature VARCHAR, {_COUNTERS})[]",
    "totals_by_language_model": f"STRUCT(language VARCHAR, model VARCHAR, {_COUNTERS})[]",
    "totals_by_model_feature": f"STRUCT(model VARCHAR, feature VARCHAR, {_COUNTERS})[]",
    # Shapes GitHub has not settled (token_usage, newer arrays) are kept as JSON text.
    "totals_by_cli": "JSON", "totals_by_copilot_app": "JSON", "totals_by_3rd_party_agent": "JSON",
}
USER_TEAM_COLUMNS = {"day": "VARCHAR", "user_id": "BIGINT", "user_login": "VARCHAR",
                     "organization_id": "VARCHAR", "team_id": "BIGINT", "slug": "VARCHAR"}
# The organisation's line as the collector records it (OrgDay, GitHub's own numbers cleaned).
ORG_COLUMNS = {"date": "VARCHAR", **{
    name: ("JSON" if name.startswith("by_") or name == "pull_requests" else
           "DOUBLE" if name == "ai_credits" else "VARCHAR" if name == "source" else "BIGINT")
    for name in OrgDay.model_fields if name not in ("date", "legacy")}}  # legacy: never a collected day
GZIP_MAGIC = b"\x1f\x8b"


REPORT_NAMES = {"users": USERS, "user_teams": USER_TEAMS, "org": ORGANIZATION}


def fact_key(table: str, day: date) -> str:
    return f"facts/{table}/day={day.isoformat()}/part-0.parquet"


@dataclass
class JoinedDay:
    """One day's facts (local Parquet files) and what the recipe made of them."""

    day: date
    files: dict[str, Path]
    team_days: dict[str, TeamDay] = field(default_factory=dict)
    members: dict[str, list[str]] = field(default_factory=dict)  # slug -> licensed logins

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
        # days joined at once by the fetch workers only add their working sets up (measured
        # in a 90-day backfill of 300 teams: 13 MB lower peak, the same time).
        self._joining = threading.Lock()

    def __enter__(self) -> "FactsEngine":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()
        shutil.rmtree(self.root, ignore_errors=True)

    def refresh(self) -> None:
        """A new in-memory database in place of the old one (the working folder stays).

        DuckDB keeps memory from each day's Parquet writes until its database is closed:
        writing 300 days of 3,000 users' facts grew the process by 46 MB with one database,
        by 5 MB with a new one every 30 days. Call it where no cursor is open (the collector
        does at each checkpoint: its fetch threads wait, the main thread has no cursor)."""
        with self._joining, self._lock:
            old, self.db = self.db, duckdb.connect(config=self._config)
        old.close()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        with self._lock:  # making cursors is not thread-safe; using them is
            return self.db.cursor()

    def day(self, day: date, user_parts: list[bytes], user_team_parts: list[bytes],
            org_day: OrgDay | None = None) -> JoinedDay:
        """One day's report files -> its facts (Parquet) and its TeamDays.

        Raises MalformedReport when a file cannot be read as the report it should be
        (the day is then fetched again next run, never recorded with users missing).
        """
        with self._joining:
            return self._day(day, user_parts, user_team_parts, org_day)

    def _day(self, day: date, user_parts: list[bytes], user_team_parts: list[bytes],
             org_day: OrgDay | None) -> JoinedDay:
        folder = Path(tempfile.mkdtemp(prefix=f"day-{day.isoformat()}-", dir=self.root))
        cursor = self.cursor()
        try:
            cursor.execute("SET VARIABLE day = ?", [day.isoformat()])
            org_parts = [org_day.model_dump_json(exclude={"legacy"}).encode()] if org_day else []
            files = {
                "user_days": _fact(cursor, folder, "users", user_parts, USER_COLUMNS, "fact_user_days"),
                "user_teams": _fact(cursor, folder, "user_teams", user_team_parts, USER_TEAM_COLUMNS,
                                    "fact_user_teams"),
                "org_days": _fact(cursor, folder, "org", org_parts, ORG_COLUMNS, None),
            }
            joined = JoinedDay(day, files)
            # The recipe reads the day's facts where they are, in memory: the same rows as the files.
            for table, fact in (("user_days", "fact_users"), ("user_teams", "fact_user_teams")):
                cursor.execute(f"CREATE OR REPLACE TEMP VIEW {table} AS "
                               f"SELECT DATE '{day.isoformat()}' AS day, * FROM {fact}")
            joined.team_days, joined.members = team_days(cursor)
            return joined
        finally:
            cursor.close()

    def discard(self, joined: JoinedDay) -> None:
        """Remove a day's local files once they are stored."""
        if joined.files:
            shutil.rmtree(next(iter(joined.files.values())).parent, ignore_errors=True)


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
        # zstd's fastest level: a 50,000-user day wrote in 0.15 s instead of 0.21 s, 1 % larger.
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


def use_store_facts(cursor, root: Path) -> None:
    """Views `user_days` and `user_teams` over a folder laid out as the store's facts/."""
    for table in ("user_days", "user_teams"):
        cursor.execute(f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT * FROM read_parquet("
                       f"'{root}/facts/{table}/*/*.parquet', hive_partitioning = true)")


def team_days(cursor) -> tuple[dict[str, TeamDay], dict[str, list[str]]]:
    """Run the recipe over the `user_days`/`user_teams` views of ONE day.

    Returns ({slug: TeamDay}, {slug: licensed logins}).
    """
    by_day = team_days_by_day(cursor)
    if len(by_day) > 1:
        raise ValueError("team_days() is for one day; use team_days_by_day()")
    return next(iter(by_day.values()), ({}, {}))


def team_days_by_day(cursor) -> dict[date, tuple[dict[str, TeamDay], dict[str, list[str]]]]:
    """The recipe over every day the views hold: {day: ({slug: TeamDay}, {slug: logins})}."""
    totals = cursor.execute(load("team_days"))
    names = [column[0] for column in totals.description]
    rows = {(r[0], r[1]): dict(zip(names, r)) for r in totals.fetchall()}
    # Each team-day's breakdowns come as one JSON object shaped by DuckDB, and the TeamDay is
    # validated from JSON in pydantic's core: at 2,000 teams that is ~100,000 breakdown items,
    # which as Python tuples and dicts took most of the day's join.
    breakdowns = {(day, slug): text for day, slug, text in cursor.execute(_BREAKDOWNS_JSON).fetchall()}
    logins = {(day, slug): sorted(names_, key=str.lower)
              for day, slug, names_ in cursor.execute(load("team_members")).fetchall()}
    phases: dict[tuple, dict[str, int]] = {}
    for day, slug, phase, users in cursor.execute(load("team_phases")).fetchall():
        phases.setdefault((day, slug), {})[phase] = users
    out: dict[date, tuple[dict, dict]] = {}
    for (day, slug), row in rows.items():
        row.pop("day"), row.pop("slug")
        head = json.dumps({"date": day.isoformat(), **row, "by_adoption_phase": phases.get((day, slug), {})})
        items = breakdowns.get((day, slug))
        team_days_, members = out.setdefault(day, ({}, {}))
        team_days_[slug] = TeamDay.model_validate_json(f"{head[:-1]}, {items[1:]}" if items else head)
        members[slug] = logins.get((day, slug), [])
    return out


# team_breakdowns.sql's rows as {"by_ide": {item: {"users": …, counters…}}, …} per team-day,
# items in name order (string_agg: DuckDB's json_group_object takes no ORDER BY).
_BREAKDOWNS_JSON = f"""
WITH breakdowns AS (
{load("team_breakdowns")}
), items AS (
    SELECT day, slug, breakdown,
           '{{' || string_agg(to_json(item) || ':' || json_object({", ".join(f"'{n}', {n}" for n in ("users", *COUNTER_FIELDS))}),
                              ',' ORDER BY item) || '}}' AS items
    FROM breakdowns
    GROUP BY day, slug, breakdown
)
SELECT day, slug, '{{' || string_agg(to_json(breakdown) || ':' || items, ',' ORDER BY breakdown) || '}}'
FROM items
GROUP BY day, slug
"""


def join_lines(day: date, user_lines: list[dict], user_team_lines: list[dict]
               ) -> tuple[dict[str, TeamDay], dict[str, list[str]]]:
    """The recipe over report lines given as dicts (tests, one-off checks):
    ({slug: TeamDay}, {slug: licensed logins})."""
    with FactsEngine(memory_limit="256MB", threads=1) as engine:
        joined = engine.day(day, [_ndjson(user_lines)], [_ndjson(user_team_lines)])
        return joined.team_days, joined.members


def _ndjson(lines: list[dict]) -> bytes:
    return "".join(json.dumps(line) + "\n" for line in lines).encode()
