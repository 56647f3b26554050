"""Each team's rolling active users (sql/team_windows.sql), from the facts of the window's days only.

A team's weekly and monthly active users on day D are distinct members over the 7 / 28
days ending on D, each day joined with that day's membership. The collector walks its
days in order; for each it keeps a slim local copy of the day's facts (user ids and
memberships, no counters or breakdowns) and drops the copies that fall out of the
window, so a run reads at most 27 earlier days from the store, whatever the years kept.
A day joined in this run is copied from its local facts (during a backfill they reach
the store only at the next checkpoint); an earlier day is read from the store's facts/.

    windows = TeamWindows(engine, store, run_days)
    windows.keep(facts)                                  # each day joined, in order
    filled = windows.fill({day: {slug: EncodedTeamDay}})  # with the rolling counts (WINDOW_FIELDS)

`fill` takes the days of a checkpoint at once: one query for them all, since the query's
fixed cost (views over the window's files, the models) was most of a daily collection.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import TypeVar

from ..contract.days import TeamDay
from ..contract.keys import USER_DAYS, USER_TEAM_DAYS, fact_key
from ..contract.rules import month_window_start
from ..store.base import Store
from ..store.team_tables import EncodedTeamDay
from .facts import DayFacts, FactsEngine
from .sql import create_models, load

TeamDayT = TypeVar("TeamDayT", EncodedTeamDay, TeamDay)
# What the window query adds to a team day, in its column order after (day, slug).
WINDOW_FIELDS = ("weekly_active_users", "monthly_active_users", "monthly_licensed_members")


def first_fact_day(store: Store | None, run_days: list[date]) -> date | None:
    """The earliest day with facts: the store's, or the run's first day when it comes earlier
    (the run writes its facts)."""
    stored = store.first_fact_day() if store is not None else None
    return min([day for day in (stored, *run_days[:1]) if day is not None], default=None)


class TeamWindows:
    """The slim facts of the last 28 days, local, and the window query over them."""

    def __init__(self, engine: FactsEngine, store: Store | None, run_days: list[date]):
        """`store` None: only the days joined here (`get_team_history`, which fetches the 27 days
        before the ones it returns)."""
        self.engine = engine
        self.store = store
        self.first = first_fact_day(store, run_days)
        self.folder = engine.root / "windows"
        self.folder.mkdir(exist_ok=True)
        self.kept: dict[date, tuple[Path, Path] | None] = {}  # None: no facts that day

    def keep(self, facts: DayFacts) -> None:
        """A day joined in this run: its slim copy, from the local facts (before they leave)."""
        self.kept[facts.day] = self._slim(facts.day, facts.files[USER_DAYS], facts.files[USER_TEAM_DAYS])

    def fill(self, team_days: dict[date, dict[str, TeamDayT]]) -> dict[date, dict[str, TeamDayT]]:
        """Each day's team days (records or models) with their rolling counts (WINDOW_FIELDS)
        set, in place: each is replaced by its copy with the counts, so a checkpoint holds one
        copy of its lines, not two. The days must have been kept, and come after every day
        filled before. Returns `team_days`."""
        counts = self.counts(sorted(team_days))
        for day, teams in team_days.items():
            for slug, team_day in teams.items():
                values = dict(zip(WINDOW_FIELDS, counts.get((day, slug), (None,) * len(WINDOW_FIELDS)),
                                  strict=True))
                teams[slug] = team_day.with_values(**values) if isinstance(team_day, EncodedTeamDay) else \
                    team_day.model_copy(update=values)
        return team_days

    def counts(self, days: list[date]) -> dict[tuple[date, str], tuple[int | None, ...]]:
        """{(day, slug): (weekly, monthly, monthly licensed)} for every team with members on each
        of `days` (in order); None when the window reaches before the first day with facts."""
        if not days:
            return {}
        start = month_window_start(days[0])
        for old in [d for d in self.kept if d < start]:  # days are walked in order: never needed again
            self._drop(old)
        for n in range((days[-1] - start).days + 1):
            wanted = start + timedelta(days=n)
            if wanted not in self.kept and self.first is not None and wanted >= self.first:
                self.kept[wanted] = self._from_store(wanted)
        files = [paths for d, paths in self.kept.items() if paths and start <= d <= days[-1]]
        if not files or self.first is None:
            return {}
        cursor = self.engine.cursor()
        try:
            for table, index in ((USER_DAYS, 0), (USER_TEAM_DAYS, 1)):
                cursor.execute(f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT * FROM read_parquet("
                               f"{[str(paths[index]) for paths in files]!r}, union_by_name = true)")
            cursor.execute("CREATE OR REPLACE TEMP TABLE window_days AS SELECT * FROM (VALUES "
                           + ", ".join(f"(DATE '{d.isoformat()}')" for d in days) + ") AS t(day)")
            cursor.execute(f"CREATE OR REPLACE TEMP TABLE first_fact_day AS "
                           f"SELECT DATE '{self.first.isoformat()}' AS day")
            create_models(cursor)
            return {(day, slug): tuple(counts)
                    for day, slug, *counts in cursor.execute(load("team_windows")).fetchall()}
        finally:
            cursor.close()

    def _slim(self, day: date, user_days: Path, user_teams: Path) -> tuple[Path, Path]:
        """Only what the window query reads: (day, user, organisation) and (day, user, organisation, team)."""
        out = (self.folder / f"{day.isoformat()}-users.parquet", self.folder / f"{day.isoformat()}-teams.parquet")
        cursor = self.engine.cursor()
        try:
            for source, target, columns in ((user_days, out[0], "user_id, organization_id"),
                                            (user_teams, out[1], "user_id, organization_id, slug")):
                cursor.execute(f"COPY (SELECT DATE '{day.isoformat()}' AS day, {columns} FROM "
                               f"read_parquet('{source}')) TO '{target}' (FORMAT parquet)")
        finally:
            cursor.close()
        return out

    def _from_store(self, day: date) -> tuple[Path, Path] | None:
        """A day before the run, from the store's facts; None when the store has none for it."""
        if self.store is None:
            return None
        raw = {table: self.store.read_bytes(fact_key(table, day)) for table in (USER_DAYS, USER_TEAM_DAYS)}
        if any(body is None for body in raw.values()):
            return None  # a missing day inside the window adds nobody
        folder = self.folder / f"store-{day.isoformat()}"
        folder.mkdir(exist_ok=True)
        try:
            paths = {}
            for table, body in raw.items():
                paths[table] = folder / f"{table}.parquet"
                paths[table].write_bytes(body)
            return self._slim(day, paths[USER_DAYS], paths[USER_TEAM_DAYS])
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def _drop(self, day: date) -> None:
        for path in self.kept.pop(day) or ():
            path.unlink(missing_ok=True)
