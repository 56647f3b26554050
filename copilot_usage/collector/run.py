"""A collection run: bring the store up to date with GitHub; safe to re-run at any time.

    summary = collect(client, store, "my-org")      # incremental
    summary.days_added, summary.teams_qualifying

The last three recorded days are provisional and fetched again; a day that is not
available yet ends the run's window and is tried again next run, so no day is ever
skipped. Memory and time follow the days fetched, not the history kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..contract.days import OrgDay
from ..contract.keys import MEMBERS_KEY, SEATS_KEY, TEAMS_KEY
from ..contract.rules import PROVISIONAL_DAYS, utc_today
from ..contract.teams import Team
from ..errors import GitHubError, StoreConflict
from ..github.directory import list_teams, seat_snapshot
from ..store.base import Store
from ..store.conflicts import update_json
from ..store.migration import history_due, note_org_days_changed, record_history_files, upgrade
from ..store.org_table import newest_org_day, upsert_org_days, write_org_history
from ..store.originals import keep_original
from ..store.team_tables import (
    DirectoryEntry,
    TeamDayRow,
    load_directory,
    update_directory,
    upsert_team_days,
    write_history,
)
from .days import CollectedDay, day_window, fetch_days
from .facts import DayFacts, FactsEngine
from .memory import limit_malloc_arenas
from .windows import TeamWindows

# A long backfill writes what it has after this many days. Ten, not thirty: the days held in
# between were the largest part of a backfill's peak (docs/architecture.md, "Memory over a long run").
CHECKPOINT_DAYS = 10


@dataclass
class CollectSummary:
    first_day: date | None = None
    last_day: date | None = None
    days_fetched: int = 0
    days_added: int = 0
    days_replaced: int = 0
    days_not_available: list[str] = field(default_factory=list)
    teams_qualifying: int = 0
    requests: int = 0
    warnings: list[str] = field(default_factory=list)
    originals_kept: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        out = dict(self.__dict__)
        out["first_day"] = self.first_day.isoformat() if self.first_day else None
        out["last_day"] = self.last_day.isoformat() if self.last_day else None
        return out


Progress = Callable[[CollectedDay], None]


def collect(client, store: Store, org: str, since: date | None = None, until: date | None = None,
            *, today: date | None = None, concurrency: int = 4, history_json: str = "daily",
            progress: Progress | None = None, on_window: Callable[[list[date]], None] | None = None
            ) -> CollectSummary:
    """Bring the store up to date with GitHub; safe to re-run at any time.

    A store written by an older version is upgraded first (store/migration.py). Each day's
    reports are fetched once, become facts (facts/) and team days, whose weekly and monthly
    active users come from the facts of the 28 days before (windows.py); the team days are
    merged into the month partitions of the team tables (store/team_tables.py), with
    conditional writes that re-read and merge when another writer got there first.
    The organisation's days are merged into their table the same way (store/org_table.py).
    `teams_history.json` and `historic_usage_data.json`, every day in one file each, are
    rewritten from the tables as `history_json` (TEAMS_HISTORY_JSON) says: daily, weekly or off.
    """
    limit_malloc_arenas()  # before the run's threads start
    today = today or utc_today()
    listed: list[dict[str, Team]] = []

    def teams_now() -> dict[str, Team]:  # listed once, and only after the store was found sound
        if not listed:
            listed.append({team.slug: team for team in list_teams(client, org)})
        return listed[0]

    # A file that fails validation stops the run here, before anything is written.
    summary = CollectSummary(originals_kept=upgrade(store, teams_now))
    teams = teams_now()
    directory = load_directory(store) or {}
    days = day_window(since if since else _resume_after(directory, newest_org_day(store)), until, today)
    if on_window:
        on_window(days)

    latest_members: CollectedDay | None = None
    with FactsEngine() as engine:
        checkpoint = _Checkpoint(teams, engine, TeamWindows(engine, store, days))
        for collected in fetch_days(client, store, org, days, today=today, concurrency=concurrency,
                                    engine=engine, encoded=True):
            if progress:
                progress(collected)
            if collected.status == "not-available":
                summary.days_not_available.append(collected.day.isoformat())
                continue
            summary.days_fetched += 1
            summary.first_day = summary.first_day or collected.day
            summary.last_day = collected.day
            checkpoint.add(collected)
            if collected.members:
                latest_members = CollectedDay(collected.day, collected.status, members=collected.members)
            if checkpoint.due():
                checkpoint.flush(store, summary)  # a long backfill that fails later keeps what it has
        checkpoint.flush(store, summary)
    before = directory
    directory = update_directory(store, teams)  # a team renamed on GitHub takes its new name
    changed = directory != before or summary.days_added or summary.days_replaced or checkpoint.org_changed
    if history_due(store, history_json, today, changed=bool(changed)):
        # teams_history.json and historic_usage_data.json follow the tables (older tools read them)
        record_history_files(store, write_history(store), write_org_history(store), written=today,
                             org_days_changed=bool(checkpoint.org_changed))
    elif checkpoint.org_changed:
        note_org_days_changed(store)  # the pages' version of the organisation's days
    _write_teams(store, directory, teams)
    if latest_members:
        _write_members(store, latest_members)
    summary.teams_qualifying = len(directory)
    _write_seats(client, store, org, summary)
    summary.requests = client.request_count
    return summary


class _Checkpoint:
    """Days fetched but not yet written, held encoded; flushed in order."""

    def __init__(self, teams: dict[str, Team], engine: FactsEngine, windows: TeamWindows):
        self.teams = teams
        self.engine = engine
        self.windows = windows
        self.org_changed = 0  # organisation days added or changed by the run
        self._clear()

    def _clear(self) -> None:
        self.size = 0
        self.days: list[CollectedDay] = []  # each with its team days (encoded) and ids only
        self.org_days: list[OrgDay] = []
        self.facts: list[DayFacts] = []

    def due(self) -> bool:
        """A checkpoint every CHECKPOINT_DAYS days: each rewrites the months its days touch."""
        return self.size >= CHECKPOINT_DAYS

    def add(self, collected: CollectedDay) -> None:
        self.size += 1
        self.days.append(CollectedDay(collected.day, collected.status, team_days=collected.team_days,
                                      team_ids=collected.team_ids, facts=collected.facts))
        if collected.org_day:
            self.org_days.append(collected.org_day)
        if collected.facts:  # days come in order: the window of this one is complete
            self.windows.keep(collected.facts)
            self.facts.append(collected.facts)

    def _take_rows(self) -> Iterator[TeamDayRow]:
        """The days' team rows, with the rolling counts of the days that have facts; each day
        is let go as its rows are taken, so the merge that writes them holds them alone."""
        self.windows.fill({d.day: d.team_days for d in self.days if d.facts})  # in place
        while self.days:
            collected = self.days.pop(0)
            for slug, team_day in collected.team_days.items():
                yield TeamDayRow(self._team(slug, collected.team_ids.get(slug)), team_day)

    def _team(self, slug: str, team_id: int | None) -> Team:
        """The team as GitHub lists it; the report's id when the list has none (a team deleted since)."""
        listed = self.teams.get(slug)
        if listed is not None and (team_id is None or listed.id == team_id):
            return listed
        return Team(name=slug, slug=slug, id=team_id)

    def flush(self, store: Store, summary: CollectSummary) -> None:
        """The days' facts, then the tables' months, the organisation's days, the directory (last),
        while no day is joined."""
        with self.engine.paused():
            self._flush(store, summary)

    def _flush(self, store: Store, summary: CollectSummary) -> None:
        # What DuckDB kept of the days' joins goes before the window query, whose working set would
        # add to it, and that query's goes after (docs/architecture.md, "Memory over a long run").
        self.engine.refresh()
        for facts in self.facts:
            facts.store(store)
            self.engine.discard(facts)
        merged = upsert_team_days(store, self._take_rows())
        summary.days_added += merged.added
        summary.days_replaced += merged.replaced
        self.org_changed += upsert_org_days(store, self.org_days)
        if merged.teams:
            update_directory(store, self.teams, merged)
        self.engine.refresh()  # what DuckDB kept of these days goes with them
        self._clear()


def _resume_after(directory: dict[str, DirectoryEntry], org_last_day: date | None) -> date | None:
    """The day before the last recorded days that are provisional, or None."""
    recorded = [entry.last_day for entry in directory.values()] + ([org_last_day] if org_last_day else [])
    return max(recorded) - timedelta(days=PROVISIONAL_DAYS) if recorded else None


def _read(key: str, missing=None):
    """A loader for `update_json`: the file's value (`missing` when absent) and its version tag."""
    def load(store: Store):
        found = store.read_json(key)
        return (missing if found.data is None else found.data), found.tag
    return load


def _write_teams(store: Store, directory: dict[str, DirectoryEntry], teams: dict[str, Team]) -> None:
    qualifying = [teams.get(slug, entry.team).model_dump(mode="json") for slug, entry in sorted(directory.items())]
    update_json(store, TEAMS_KEY, _read(TEAMS_KEY, []), lambda current: qualifying)


def _write_members(store: Store, collected: CollectedDay) -> None:
    """`team_members.json`: who held a licence in each qualifying team on the newest day."""
    payload = {"day": collected.day.isoformat(), "teams": collected.members}

    def newer(current):
        # Never go back to an older day (a run with --until in the past).
        return current if isinstance(current, dict) and str(current.get("day", "")) > payload["day"] else payload

    update_json(store, MEMBERS_KEY, _read(MEMBERS_KEY), newer)


def _write_seats(client, store: Store, org: str, summary: CollectSummary) -> None:
    try:
        snapshot = seat_snapshot(client, org)
    except GitHubError as exc:
        summary.warnings.append(f"seats not updated: {exc}")
        return
    found = store.read_json(SEATS_KEY)
    payload = snapshot.model_dump(mode="json")
    same = isinstance(found.data, dict) and found.data.get("seats") == payload["seats"]
    if not same:
        if found.tag is not None:
            keep_original(store, SEATS_KEY)
        try:
            store.write_json(SEATS_KEY, payload, if_tag=found.tag)
        except StoreConflict:
            summary.warnings.append("seats were written by another collector at the same time")
