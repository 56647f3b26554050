"""The team tables as the pages read them (store v3): DuckDB over the month partitions.

    directory = team_directory(store)            # {slug: DirectoryEntry}, None for an older store
    frame = team_days_frame(store, directory)    # every team's scalar days (the overview)
    history = team_history(store, entry)         # one team's days, breakdowns included

A folder store is read where it lies; an S3 store's partitions through a local cache kept
by version (`store.team_tables.cached_partitions`).
"""

from __future__ import annotations

import threading

import duckdb
import pandas as pd

from ..analysis.frames import empty_teams_frame
from ..contract.days import TEAM_DAY_SCALARS
from ..contract.facts import TEAM_DAY_TABLE_COLUMNS
from ..contract.keys import TEAM_DAY_LINES, TEAM_DAYS
from ..contract.teams import TeamHistory
from ..store.base import Store
from ..store.team_tables import (
    ROW_COLUMNS,
    DirectoryEntry,
    cached_partitions,
    load_directory,
    rows_of,
    table_months,
    table_select,
)

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


def team_days_frame(store: Store, directory: dict[str, DirectoryEntry]) -> pd.DataFrame:
    """Every team's scalar days as one long frame (`frames.teams_frame`'s columns), each day
    under the team's current slug and name, whatever slug it had that day."""
    files = cached_partitions(store, TEAM_DAYS, table_months(store, TEAM_DAYS))
    if not files or not directory:
        return empty_teams_frame()
    with cursor() as db:
        source = "read_parquet(?, union_by_name = true)"  # months written before a field was added lack it
        scalars = table_select(db, source, {name: TEAM_DAY_TABLE_COLUMNS[name] for name in TEAM_DAY_SCALARS}, [files])
        frame = db.execute(f"SELECT team_id, slug AS row_slug, CAST(day AS TIMESTAMP) AS date, source, "
                           f"{scalars} FROM {source}", [files]).df()
    by_id = {e.team.id: e.team for e in directory.values() if e.team.id is not None}
    by_slug = {slug: e.team for e in sorted(directory.values(), key=lambda e: e.team.id is not None)
               for slug in [*e.earlier_slugs, e.team.slug]}  # a current slug wins over an earlier one
    teams = frame["team_id"].map(by_id).where(frame["team_id"].notna(), frame["row_slug"].map(by_slug))
    frame = frame.assign(slug=teams.map(lambda t: t.slug if t is not None else None),
                         team=teams.map(lambda t: t.name if t is not None else None))
    frame = frame.dropna(subset=["slug"]).drop(columns=["team_id", "row_slug"])
    frame = frame[[*ROW_COLUMNS, "slug", "team"]].sort_values(["slug", "date"], kind="stable")
    numeric = [c for c in frame.columns if c not in ("date", "source", "slug", "team")]
    return frame.astype({c: "float64" for c in numeric}).reset_index(drop=True)


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
