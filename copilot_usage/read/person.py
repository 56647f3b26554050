"""One person's own facts: their rows of `facts/user_days/`, read by DuckDB for one user id.

    days = collected_days(store)                       # the days that have facts
    mine = person_facts(store, 1200170, start, end)    # PersonFacts: days, breakdowns, versions

Only the range's day files are opened, and DuckDB keeps only the rows whose `user_id` is
the one asked for (a filter pushed into the Parquet scan), so the cost of a view grows with
the days shown, not with the organisation: measured in benchmarks/my_usage.py. No login is
read (only the viewer's own figures leave this module) and nothing here takes a login or a
URL value: the caller passes the server-side viewer's id.

A store that is not a local folder (S3) has its range's day files copied to a temporary
folder first (they are small; DuckDB's httpfs extension is not available offline).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from ..contract.counters import BREAKDOWNS, COUNTER_FIELDS, COUNTERS, UNKNOWN_ITEM
from ..contract.keys import USER_DAYS, fact_day, fact_key, fact_prefix
from ..store.base import Store
from .tables import cursor

# Flags a day carries: the features a person used that day.
FLAGS = {"used_agent": "agent", "used_chat": "chat", "used_cli": "cli",
         "used_copilot_code_review_active": "code_review"}
# Only the columns the page shows are read: the wide arrays it does not use stay on disk.
READ_COLUMNS = ["day", *COUNTERS.values(), *FLAGS, "ai_credits_used", "ai_adoption_phase",
                *(array for array, _ in BREAKDOWNS.values())]
DAY_COLUMNS = ["date", *COUNTER_FIELDS, "ai_credits", "phase", "phase_number", *FLAGS.values()]


@dataclass
class PersonFacts:
    """One person's facts over a range: one row per day with activity, and their breakdowns."""

    days: pd.DataFrame                                      # DAY_COLUMNS, `date` as Timestamp
    breakdowns: dict[str, pd.DataFrame] = field(default_factory=dict)  # item, days, counters
    versions: pd.DataFrame = field(default_factory=pd.DataFrame)       # last known IDE/plugin versions

    @property
    def empty(self) -> bool:
        return self.days.empty


def collected_days(store: Store) -> list[date]:
    """Days with a `user_days` facts file, oldest first (one listing: grows with days only)."""
    found = (fact_day(key, USER_DAYS) for key in store.list_keys(fact_prefix(USER_DAYS)))
    return sorted(day for day in found if day is not None)


def person_facts(store: Store, user_id: int, start: date, end: date, *,
                 days: list[date] | None = None) -> PersonFacts:
    """The facts of `user_id` from `start` to `end` (inclusive). `days`: collected_days(store),
    when the caller already has them."""
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        raise TypeError("user_id must be the signed-in viewer's numeric GitHub id")
    wanted = [d for d in (collected_days(store) if days is None else days) if start <= d <= end]
    if not wanted:
        return _empty()
    folder = None
    try:
        local = [store.local_file(fact_key(USER_DAYS, d)) for d in wanted]
        if any(local):  # a folder store: DuckDB reads the files where they are
            paths = [p for p in local if p is not None]
        else:
            folder = Path(tempfile.mkdtemp(prefix="my-usage-"))
            paths = _copy(store, wanted, folder)
        if not paths:
            return _empty()
        return _read(paths, user_id)
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def _copy(store: Store, wanted: list[date], folder: Path) -> list[Path]:
    paths = []
    for day in wanted:
        body = store.read_bytes(fact_key(USER_DAYS, day))
        if body is not None:  # hive layout kept, so DuckDB reads `day` from the folder name
            path = folder / f"day={day.isoformat()}" / "part-0.parquet"
            path.parent.mkdir()
            path.write_bytes(body)
            paths.append(path)
    return paths


def _empty() -> PersonFacts:
    return PersonFacts(pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c == "date" else "float64")
                                 for c in DAY_COLUMNS}),
                   {name: pd.DataFrame(columns=["item", "days", *COUNTER_FIELDS]) for name in BREAKDOWNS},
                   pd.DataFrame(columns=["ide", "ide_version", "plugin", "plugin_version", "sampled_at"]))


def _read(paths: list[Path], user_id: int) -> PersonFacts:
    files = [str(p) for p in paths]
    counters = ", ".join(f"coalesce({src}, 0) AS {dst}" for dst, src in COUNTERS.items())
    flags = ", ".join(f"coalesce({src}, false) AS {dst}" for src, dst in FLAGS.items())
    with cursor() as db:
        # The person's rows once, into memory; the breakdowns are unnested from those few rows.
        db.execute(f"CREATE OR REPLACE TEMP TABLE me AS SELECT {', '.join(READ_COLUMNS)} FROM read_parquet(?, "
                   "hive_partitioning = true) WHERE user_id = ?", [files, user_id])
        days = db.execute(f"""
            SELECT CAST(day AS DATE) AS date, {counters}, ai_credits_used AS ai_credits,
                   ai_adoption_phase.phase AS phase, ai_adoption_phase.phase_number AS phase_number, {flags}
            FROM me ORDER BY day""").df()
        breakdowns = {}
        for name, (array, item) in BREAKDOWNS.items():
            sums = ", ".join(f"coalesce(sum(c.{src}), 0) AS {dst}" for dst, src in COUNTERS.items())
            breakdowns[name] = db.execute(f"""
                SELECT CASE WHEN coalesce(c.{item}, '') = '' THEN '{UNKNOWN_ITEM}' ELSE c.{item} END AS item,
                       count(DISTINCT day) AS days, {sums}
                FROM (SELECT day, unnest({array}) AS c FROM me) WHERE c IS NOT NULL
                GROUP BY 1 ORDER BY code_generations + interactions DESC, item""").df()
        versions = db.execute("""
            SELECT c.ide AS ide,
                   arg_max(c.last_known_ide_version.ide_version, c.last_known_ide_version.sampled_at) AS ide_version,
                   arg_max(c.last_known_plugin_version.plugin, c.last_known_plugin_version.sampled_at) AS plugin,
                   arg_max(c.last_known_plugin_version.plugin_version,
                           c.last_known_plugin_version.sampled_at) AS plugin_version,
                   max(coalesce(c.last_known_plugin_version.sampled_at, c.last_known_ide_version.sampled_at))
                       AS sampled_at
            FROM (SELECT unnest(totals_by_ide) AS c FROM me) WHERE c IS NOT NULL AND c.ide IS NOT NULL
            GROUP BY 1 ORDER BY 1""").df()
    days["date"] = pd.to_datetime(days["date"])
    return PersonFacts(days, breakdowns, versions)
