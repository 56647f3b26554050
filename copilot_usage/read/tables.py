"""The team tables as the pages read them (store v3): DuckDB over the month partitions.

    directory = team_directory(store)            # {slug: DirectoryEntry}, None for an older store
    frame = team_days_frame(store, directory, start, end)  # every team's scalar days in a range (the overview)
    history = team_history(store, entry)         # one team's days, breakdowns included

A folder store is read where it lies; an S3 store's partitions through a local cache kept
by version (`store.team_tables.cached_partitions`).
"""

from __future__ import annotations

import threading
from datetime import date

import duckdb
import pandas as pd
import pyarrow as pa

from ..analysis.frames import empty_teams_frame
from ..contract.days import TEAM_DAY_SCALARS
from ..contract.facts import TEAM_DAY_TABLE_COLUMNS
from ..contract.keys import TEAM_DAY_LINES, TEAM_DAYS
from ..contract.rules import LEGACY_METRICS, USAGE_METRICS
from ..contract.teams import TeamHistory
from ..store.base import Store
from ..store.team_tables import (
    DirectoryEntry,
    cached_partitions,
    load_directory,
    rows_of,
    table_months,
    table_select,
)

_SOURCES = [USAGE_METRICS, LEGACY_METRICS]  # by `source = legacy`
_database: duckdb.DuckDBPyConnection | None = None
_lock = threading.Lock()


def cursor() -> duckdb.DuckDBPyConnection:
    """A cursor of the process's in-memory database (opening a database costs tens of ms; each
    cursor has its own temporary tables, so concurrent sessions never see each other's rows)."""
    global _database
    with _lock:
        if _database is None:
            _database = duckdb.connect(config={"threads": 2, "memory_limit": "256MB"})
        return _database.cursor()


def team_directory(store: Store) -> dict[str, DirectoryEntry] | None:
    """The recorded teams by current slug, or None for a store written before the tables."""
    return load_directory(store)


def team_days_frame(store: Store, directory: dict[str, DirectoryEntry], start: date | None = None,
                    end: date | None = None, fields: tuple[str, ...] = TEAM_DAY_SCALARS) -> pd.DataFrame:
    """Every team's scalar days in [start, end] (default: all) as one long frame (`frames.teams_frame`'s
    columns, of `fields` only), each day under the team's current slug and name, whatever slug it
    had that day. Only the months the range touches are read, and DuckDB filters the days and
    names the teams: the frame holds what a page shows, not the years a store keeps."""
    months = [m for m in table_months(store, TEAM_DAYS)
              if (start is None or m >= f"{start:%Y-%m}") and (end is None or m <= f"{end:%Y-%m}")]
    files = cached_partitions(store, TEAM_DAYS, months)
    if not files or not directory:  # no month of the range: the same columns, no rows
        return empty_teams_frame().assign(**{name: pd.Series(dtype="float64") for name in fields})
    by_slug = {slug: e.team for e in sorted(directory.values(), key=lambda e: e.team.id is not None)
               for slug in [*e.earlier_slugs, e.team.slug]}  # a current slug wins over an earlier one
    # Each row comes out as the number of its team's current (slug, name), not as two strings:
    # DuckDB makes a Python string per row and column, most of the read's time at 5,000 teams;
    # Arrow then takes each team's strings by that number, straight into pandas' Arrow-backed
    # strings (an object column would be converted again). Figures: docs/architecture.md, "Pages".
    named = sorted({(e.team.slug, e.team.name) for e in directory.values() if e.team.id is not None}
                   | {(t.slug, t.name) for t in by_slug.values()})
    number = {pair: n for n, pair in enumerate(named)}
    ids = pd.DataFrame([(e.team.id, number[e.team.slug, e.team.name]) for e in directory.values()
                        if e.team.id is not None], columns=["team_id", "n"]).astype({"team_id": "int64"})
    slugs = pd.DataFrame([(old, number[t.slug, t.name]) for old, t in by_slug.items()], columns=["row_slug", "n"])
    with cursor() as db:
        source = "read_parquet(?, union_by_name = true)"  # months written before a field was added lack it
        scalars = table_select(db, source, {name: TEAM_DAY_TABLE_COLUMNS[name] for name in fields}, [files])
        db.register("team_ids", ids)
        db.register("team_slugs", slugs)
        frame = db.execute(
            f"SELECT coalesce(i.n, s.n) AS n, CAST(r.day AS TIMESTAMP) AS date, "
            f"coalesce(r.source = '{LEGACY_METRICS}', false) AS legacy, {scalars} "
            f"FROM (SELECT * FROM {source} WHERE (?::DATE IS NULL OR day >= ?::DATE) "
            f"AND (?::DATE IS NULL OR day <= ?::DATE)) AS r "
            f"LEFT JOIN team_ids AS i ON r.team_id = i.team_id "
            f"LEFT JOIN team_slugs AS s ON r.team_id IS NULL AND r.slug = s.row_slug "
            f"WHERE coalesce(i.n, s.n) IS NOT NULL ORDER BY n, date",  # by slug (then name), then date
            [files, start, start, end, end]).df()
    n = frame.pop("n").to_numpy()
    frame.insert(1, "source", _taken(_SOURCES, frame.pop("legacy").to_numpy(dtype="int8")))
    frame["slug"] = _taken([slug for slug, _ in named], n)
    frame["team"] = _taken([name for _, name in named], n)
    numeric = [c for c in frame.columns if c not in ("date", "source", "slug", "team")]
    return frame.astype({c: "float64" for c in numeric}).reset_index(drop=True)


def _taken(strings: list[str], positions) -> pd.api.extensions.ExtensionArray:
    """`strings[p]` for each position, as pandas' Arrow-backed strings, each string made once."""
    return pd.array(pa.array(strings, pa.large_string()).take(pa.array(positions)), dtype="str")


def team_history(store: Store, entry: DirectoryEntry) -> TeamHistory:
    """One team's days from the lines table: only the months it has days in are read, and of
    those only its rows. A day recorded under both its id and, from an older file, its
    slug is the legacy one (it comes last, and the last copy of a date wins)."""
    files = cached_partitions(store, TEAM_DAY_LINES, sorted(entry.months))
    lines: list[str] = []
    if files:
        with cursor() as db:
            lines = [line for (line,) in db.execute(
                f"SELECT line FROM read_parquet(?) WHERE {rows_of(entry)} ORDER BY day, team_id NULLS LAST",
                [files]).fetchall()]
    return TeamHistory.model_validate_json(
        '{"team":' + entry.team.model_dump_json() + ',"data":[' + ",".join(lines) + "]}")


def recorded_history(store: Store, slug: str) -> TeamHistory | None:
    """One team's recorded days by its current slug; None when the tables have no such team."""
    entry = (team_directory(store) or {}).get(slug)
    return None if entry is None else team_history(store, entry)
