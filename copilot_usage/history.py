"""Team and organisation history: fetch days, merge them idempotently, collect into a store.

    history = get_team_history(client, "my-org", "platform", since=date(2026, 5, 1))
    summary = collect(client, store, "my-org")      # incremental; safe to re-run

`since` is always exclusive. The last three recorded days are provisional and
fetched again; a day that is not available yet ends the run's window and is
tried again next run, so no day is ever skipped.
"""

from __future__ import annotations

import contextlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Callable, Iterable, Iterator

from pydantic import TypeAdapter, ValidationError

from .aggregate import aggregate_org
from .arenas import limit_malloc_arenas
from .errors import GitHubError, InvalidStoreFile, NotFound, StoreConflict
from .github.directory import list_teams, seat_snapshot
from .github.reports import ORGANIZATION, PROVISIONAL_DAYS, USER_TEAMS, USERS, fetch_report, keep_copy
from .duplicates import one_entry_per_slug
from .models import OrgDay, Team, TeamDay, TeamHistory, is_valid_slug
from .facts import FactsEngine, JoinedDay
from .migration import is_current, record_history_tag, upgrade
from .ordered import STORE_WORKERS, map_ahead
from .originals import keep_original
from .store import Store
from .windows import WINDOW_DAYS, TeamWindows
from .team_files import (HISTORY_KEY, DayRecord, IndexEntry, assemble_history, load_index, merge_team_days, TeamMerge,
                         update_index, update_summary)

FIRST_REPORT_DAY = date(2025, 12, 12)  # organisation reports exist from this day on
ORG_HISTORY_KEY = "historic_usage_data.json"
# ONS's Lambda (since 2026-03) keeps organisation days here, as report lines; read, never written.
ONS_ORG_HISTORY_KEY = "organisation_history.json"
TEAMS_KEY = "copilot_teams.json"
SEATS_KEY = "copilot_seats.json"
MEMBERS_KEY = "team_members.json"  # licensed members per team on the last collected day
ADMIN_TEAMS_KEY = "admin_teams.json"
_CONFLICT_RETRIES = 8
# A long backfill writes what it has after this many days. Ten, not thirty: the days held
# in between were the largest part of a backfill's peak. With arenas.py, a year's backfill
# of 300 teams went from 294 to 247 MB, for 8 % more time rewriting the team files.
CHECKPOINT_DAYS = 10

_histories = TypeAdapter(list[TeamHistory])
_org_days = TypeAdapter(list[OrgDay])


def utc_today() -> date:
    return datetime.now(timezone.utc).date()


# ---------------------------------------------------------------- store files

def load_team_histories(store: Store) -> tuple[list[TeamHistory], str | None]:
    """`teams_history.json` as models (legacy days converted), with its version tag."""
    found = store.read_json(HISTORY_KEY)
    # Entries sharing a slug (a team renamed in a store keyed by name) become one: duplicates.py.
    return one_entry_per_slug(_validated(_histories, found.data, store, HISTORY_KEY)), found.tag


def load_org_history(store: Store) -> tuple[list[OrgDay], str | None]:
    """`historic_usage_data.json` with ONS's `organisation_history.json` merged in, and the tag of the first."""
    found = store.read_json(ORG_HISTORY_KEY)
    days = _one_per_date(_validated(_org_days, found.data, store, ORG_HISTORY_KEY))
    ons = store.read_json(ONS_ORG_HISTORY_KEY).data
    if ons is not None:
        # Our own days (collected or migrated) win over the same dates of the other file.
        days = merge_org(_one_per_date(_validated(_org_days, ons, store, ONS_ORG_HISTORY_KEY)), days)
    return days, found.tag


def _one_per_date(days: list[OrgDay]) -> list[OrgDay]:
    by_date = {d.date: d for d in days}  # older files may repeat a date; the later one wins
    return [by_date[d] for d in sorted(by_date)]


def _validated(adapter: TypeAdapter, data, store: Store, key: str):
    if data is None:
        return []
    if isinstance(data, dict) and isinstance(data.get("day_totals"), list):
        data = data["day_totals"]  # a whole report file, `{report_start_day, …, day_totals: [...]}`
    try:
        return adapter.validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InvalidStoreFile(
            f"{key} in {store.url} does not have the expected shape ({_where(first['loc'])}: "
            f"{first['msg'].removeprefix('Value error, ')}); fix or move it: it will not be overwritten",
            key=key) from None


def _where(loc: tuple) -> str:
    """pydantic's error location in words: ("0", "data", 3, "date") -> "entry 0, day 3, date"."""
    words, parts = [], list(loc)
    if parts and isinstance(parts[0], int):
        words.append(f"{'entry' if len(parts) > 1 and parts[1] in ('team', 'data') else 'day'} {parts.pop(0)}")
    if len(parts) >= 2 and parts[0] == "data" and isinstance(parts[1], int):
        words.append(f"day {parts[1]}")
        parts = parts[2:]
    words.extend(str(p) for p in parts)
    return ", ".join(words) or "the whole file"


def dump_histories(histories: Iterable[TeamHistory]) -> list[dict]:
    return [h.model_dump(mode="json") for h in histories]


def dump_org_days(days: Iterable[OrgDay]) -> list[OrgDay]:
    """The days as written: the models themselves, which `dump_json` encodes as their
    mode="json" dumps, byte for byte, without a copy of a year as dicts (-3 MB at a checkpoint)."""
    return list(days)


# ---------------------------------------------------------------- merging

def merge(existing: list[TeamHistory], new: list[TeamHistory]) -> list[TeamHistory]:
    """Upsert by (team slug, date), sorted; merging the same input twice changes nothing.

    Newer data replaces a day (provisional days settle), except a day recorded in
    the legacy shape, which is kept so migrated history never changes meaning.
    New team metadata (a renamed team, a new description) replaces the old.
    Entries of one side that share a slug are first combined by the reader's rule
    (duplicates.py), so a merge keeps what the pages show.
    """
    teams: dict[str, Team] = {}
    days: dict[str, dict[date, TeamDay]] = {}
    for history in [*one_entry_per_slug(existing), *one_entry_per_slug(new)]:
        slug = history.team.slug
        teams[slug] = history.team
        slot = days.setdefault(slug, {})
        for day in history.data:
            if slot.get(day.date) is None or slot[day.date].source != "legacy-metrics":
                slot[day.date] = day
    return [TeamHistory(team=teams[slug], data=[days[slug][d] for d in sorted(days[slug])])
            for slug in sorted(teams)]


def merge_org(existing: list[OrgDay], new: list[OrgDay]) -> list[OrgDay]:
    """Upsert organisation days by date, with the same rules as `merge`."""
    by_date: dict[date, OrgDay] = {}
    for day in [*existing, *new]:
        if by_date.get(day.date) is None or by_date[day.date].source != "legacy-metrics":
            by_date[day.date] = day
    return [by_date[d] for d in sorted(by_date)]


# ---------------------------------------------------------------- fetching days

@dataclass
class DayData:
    """Everything one day's reports say: a TeamDay per qualifying team and the OrgDay."""

    day: date
    status: str  # "ok", "no-data" or "not-available"
    team_days: dict[str, TeamDay | DayRecord] = field(default_factory=dict)  # records for the collector
    org_day: OrgDay | None = None
    members: dict[str, list[str]] = field(default_factory=dict)  # slug -> licensed logins
    facts: JoinedDay | None = None  # the day's facts, local until the collector stores them


def fetch_day(client, store: Store | None, org: str, day: date, *, today: date,
              engine: FactsEngine, as_records: bool = False) -> DayData:
    """The three reports of one day, as facts and joined. One links call per report, whatever the teams.

    The day's facts stay in the engine's working folder (`DayData.facts`) until the
    caller stores them with the team days, or discards them. `as_records`: team days
    as they are written (DayRecord), a tenth of the memory of the models.
    """
    # The two big reports stay raw bytes: DuckDB reads them (facts.py).
    users = fetch_report(client, store, org, USERS, day, today=today, parse=False)
    if users.status == "not-available":
        return DayData(day, "not-available")
    user_teams = fetch_report(client, store, org, USER_TEAMS, day, today=today, parse=False)
    organization = fetch_report(client, store, org, ORGANIZATION, day, today=today)
    if "not-available" in (user_teams.status, organization.status):
        return DayData(day, "not-available")
    statuses = {users.status, user_teams.status, organization.status}
    org_day = aggregate_org(day, organization.lines)
    joined = engine.day(day, users.raw_parts, user_teams.raw_parts, org_day)
    for report in (users, user_teams):
        keep_copy(store, report, today=today)  # read whole (a broken file raised above)
    # A slug GitHub could not have made ("../x", "A Team") never becomes a team, a URL or a key.
    # (Teams are joined and counted apart, so leaving them out afterwards is the same as before.)
    valid = [slug for slug in joined.team_days if is_valid_slug(str(slug))]
    convert = DayRecord.of if as_records else (lambda team_day: team_day)
    data = DayData(day, "ok" if "ok" in statuses else "no-data",
                   {slug: convert(joined.team_days[slug]) for slug in valid},
                   org_day, {slug: joined.members[slug] for slug in valid}, joined)
    joined.team_days, joined.members = {}, {}  # the facts wait for the checkpoint without them
    return data


def fetch_days(client, store: Store | None, org: str, days: list[date], *, today: date,
               concurrency: int = 4, engine: FactsEngine | None = None,
               as_records: bool = False) -> Iterator[DayData]:
    """Fetch days a few at a time, yielding them in order; stop at the first one not available."""
    with contextlib.ExitStack() as stack:
        owned = engine is None
        engine = engine or stack.enter_context(FactsEngine())
        workers = max(1, concurrency)
        pool = stack.enter_context(ThreadPoolExecutor(max_workers=workers))
        # At most two days per worker fetched ahead of the one consumed: a year's backfill
        # must not hold a year of fetched days while the caller writes its checkpoints.
        fetched = stack.enter_context(contextlib.closing(map_ahead(  # closed first: cancels the days not started
            pool, lambda day: fetch_day(client, store, org, day, today=today, engine=engine, as_records=as_records),
            days, ahead=2 * workers)))
        for data in fetched:
            if owned and data.facts:
                engine.discard(data.facts)  # nobody stores them
            yield data
            if data.status == "not-available":
                break  # later days wait for the next run, so none is skipped


def day_window(since: date | None, until: date | None, today: date) -> list[date]:
    """Days after `since` (exclusive) up to `until` (default: yesterday).

    Never before the reports begin or more than a year back: GitHub keeps no older days.
    """
    last = min(until or today - timedelta(days=1), today - timedelta(days=1))
    oldest = max(today - timedelta(days=365), FIRST_REPORT_DAY)
    first = max(since + timedelta(days=1), oldest) if since else oldest
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


# ---------------------------------------------------------------- one team

def find_team(teams: list[Team], team: str) -> Team:
    wanted = team.strip()
    for candidate in teams:
        if candidate.slug == wanted or candidate.name.casefold() == wanted.casefold():
            return candidate
    raise NotFound(f"team {wanted[:60]!r} is not a team of this organisation: check the slug or name")


def get_team_history(client, org: str, team: str, since: date | None = None, *,
                     until: date | None = None, today: date | None = None,
                     store: Store | None = None, concurrency: int = 4) -> TeamHistory:
    """One team's daily usage after `since` (exclusive), from GitHub's usage-metrics reports.

    `team` is a slug or a name. Only days on which the team had at least five
    licensed members are returned.

        get_team_history(client, "my-org", "platform", since=date(2026, 5, 1)).data[0].date
        # date(2026, 5, 2)
    """
    today = today or utc_today()
    found = find_team(list_teams(client, org), team)
    wanted = day_window(since, until, today)
    # The 27 days before the first one wanted are fetched too, for its rolling counts.
    fetched = day_window(since - timedelta(days=WINDOW_DAYS - 1), until, today) if since else wanted
    days = []
    with FactsEngine() as engine:
        windows = TeamWindows(engine, None, fetched)
        for data in fetch_days(client, store, org, fetched, today=today, concurrency=concurrency, engine=engine):
            if data.facts:
                windows.keep(data.facts)
                engine.discard(data.facts)
            if found.slug in data.team_days and data.day in wanted:
                days.append(windows.fill(data.day, {found.slug: data.team_days[found.slug]})[found.slug])
    return TeamHistory(team=found, data=days)


# ---------------------------------------------------------------- collect

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


Progress = Callable[[DayData], None]


def collect(client, store: Store, org: str, since: date | None = None, until: date | None = None,
            *, today: date | None = None, concurrency: int = 4,
            progress: Progress | None = None, on_window: Callable[[list[date]], None] | None = None
            ) -> CollectSummary:
    """Bring the store up to date with GitHub; safe to re-run at any time.

    A store written by an older version is upgraded first (migration.py). Each day's
    reports are fetched once, become facts (facts/) and team days, whose weekly and monthly
    active users come from the facts of the 28 days before (windows.py); the team days are
    merged into the team files one team at a time, with conditional writes that re-read
    and merge when another writer got there first. Memory and time follow the days
    fetched, not the history kept.
    """
    limit_malloc_arenas()  # before the run's threads start
    today = today or utc_today()
    org_days, _ = load_org_history(store)  # a file that fails validation stops the run here…
    summary = CollectSummary(originals_kept=upgrade(store))  # …or here, before anything is written
    index = load_index(store) or {}
    days = day_window(since if since else _resume_after(index, org_days), until, today)
    del org_days
    if on_window:
        on_window(days)

    teams = {team.slug: team for team in list_teams(client, org)}
    latest_members: DayData | None = None
    with FactsEngine() as engine:
        batch = _Batch(teams, engine)
        windows = TeamWindows(engine, store, days)
        for data in fetch_days(client, store, org, days, today=today, concurrency=concurrency, engine=engine,
                               as_records=True):
            if progress:
                progress(data)
            if data.status == "not-available":
                summary.days_not_available.append(data.day.isoformat())
                continue
            summary.days_fetched += 1
            summary.first_day = summary.first_day or data.day
            summary.last_day = data.day
            if data.facts:  # days come in order: the window of this one is now complete
                windows.keep(data.facts)
                data.team_days = windows.fill(data.day, data.team_days)
            batch.add(data)
            if data.members:
                latest_members = DayData(data.day, data.status, members=data.members)  # not its team days
            if batch.due():
                batch.flush(store, summary)  # a long backfill that fails later keeps what it has
        batch.flush(store, summary)
    before = index
    index = _refresh_team_names(store, teams)
    if index != before or not is_current(store) or not store.exists(HISTORY_KEY):
        # teams_history.json follows the team files (older tools read it)
        record_history_tag(store, assemble_history(store))
    _write_teams(store, index, teams)
    if latest_members:
        _write_members(store, latest_members)
    summary.teams_qualifying = len(index)
    _write_seats(client, store, org, summary)
    summary.requests = client.request_count
    return summary


class _Batch:
    """Days fetched but not yet written, kept as serialised lines; flushed in order."""

    def __init__(self, teams: dict[str, Team], engine: FactsEngine):
        self.teams = teams
        self.engine = engine
        self.size = 0
        self.team_days: dict[str, dict[date, DayRecord]] = {}
        self.org_days: list[OrgDay] = []
        self.facts: list[JoinedDay] = []

    def due(self) -> bool:
        """A checkpoint every CHECKPOINT_DAYS days: each rewrites the touched team files."""
        return self.size >= CHECKPOINT_DAYS

    def add(self, data: DayData) -> None:
        self.size += 1
        for slug, team_day in data.team_days.items():
            self.team_days.setdefault(slug, {})[data.day] = team_day  # a DayRecord (as_records)
        if data.org_day:
            self.org_days.append(data.org_day)
        if data.facts:
            self.facts.append(data.facts)

    def flush(self, store: Store, summary: CollectSummary) -> None:
        """The days' facts, then one team file at a time, the summary, the index (last)."""
        for facts in self.facts:
            facts.store(store)
            self.engine.discard(facts)
        entries, changes = {}, {}
        slugs = sorted(self.team_days)
        teams = {slug: self.teams.get(slug) or Team(name=slug, slug=slug) for slug in slugs}

        def merge_one(slug: str) -> TeamMerge:
            return merge_team_days(store, teams[slug], self.team_days.pop(slug))

        # Team files are independent: a few merge at once (their reads, hashes, writes and
        # S3 round trips overlap); the results are taken in slug order, as in a plain loop.
        with ThreadPoolExecutor(max_workers=STORE_WORKERS) as pool:
            merges = list(map_ahead(pool, merge_one, slugs, ahead=STORE_WORKERS))
        for slug, merged in zip(slugs, merges):
            team = teams[slug]
            summary.days_added += merged.added
            summary.days_replaced += merged.replaced
            if merged.entry is not None:
                entries[slug] = merged.entry
            if merged.written:
                changes[slug] = (team, merged.written)
        if changes:
            update_summary(store, changes)
        if entries:
            update_index(store, entries)
        if self.org_days:
            _write_org_history(store, self.org_days)
        self.engine.refresh()  # what DuckDB kept of these days goes with them
        self.__init__(self.teams, self.engine)


def _resume_after(index: dict[str, IndexEntry], org_days: list[OrgDay]) -> date | None:
    """The day before the last three recorded days (they are provisional), or None."""
    recorded = [entry.last_day for entry in index.values()] + [d.date for d in org_days[-1:]]
    return max(recorded) - timedelta(days=PROVISIONAL_DAYS) if recorded else None


def _refresh_team_names(store: Store, teams: dict[str, Team]) -> dict[str, IndexEntry]:
    """A team renamed on GitHub is renamed in its file, summary and index, without new days."""
    index = load_index(store) or {}
    renamed = {slug: teams[slug] for slug, entry in index.items() if slug in teams and teams[slug] != entry.team}
    if not renamed:
        return index
    entries, changes = {}, {}
    for slug, team in renamed.items():
        merged = merge_team_days(store, team, {})
        if merged.entry is not None:
            entries[slug], changes[slug] = merged.entry, (team, {})
    update_summary(store, changes)
    update_index(store, entries)
    return load_index(store) or {}


def _write_org_history(store: Store, new: list[OrgDay]) -> list[OrgDay]:
    return _conditional_update(store, ORG_HISTORY_KEY, load_org_history,
                               lambda current: merge_org(current, new), dump_org_days)


def _conditional_update(store: Store, key: str, load, update, dump):
    """Read, update, write conditionally on the version read; on a conflict, do it again."""
    for _ in range(_CONFLICT_RETRIES):
        current, tag = load(store)
        merged = update(current)
        if tag is not None and merged == current:
            return merged  # nothing new: leave the object (and its version tag) alone
        if tag is not None:
            keep_original(store, key)  # a file from an older deployment: its bytes, before our first rewrite
        try:
            store.write_json(key, dump(merged), if_tag=tag)
            return merged
        except StoreConflict:
            continue  # someone else wrote first: merge into theirs
    raise StoreConflict(f"{key} kept changing under this run ({_CONFLICT_RETRIES} tries): "
                        "is another collector looping? Run again later.", key=key)


def _write_teams(store: Store, index: dict[str, IndexEntry], teams: dict[str, Team]) -> None:
    qualifying = [teams.get(slug, entry.team).model_dump(mode="json") for slug, entry in sorted(index.items())]
    _conditional_update(store, TEAMS_KEY, lambda s: ((d := s.read_json(TEAMS_KEY)).data or [], d.tag),
                        lambda current: qualifying, lambda teams_: teams_)


def _write_members(store: Store, data: DayData) -> None:
    """`team_members.json`: who held a licence in each qualifying team on the newest day."""
    payload = {"day": data.day.isoformat(), "teams": data.members}

    def newer(current):
        # Never go back to an older day (a run with --until in the past).
        return current if isinstance(current, dict) and str(current.get("day", "")) > payload["day"] else payload

    _conditional_update(store, MEMBERS_KEY, lambda s: ((d := s.read_json(MEMBERS_KEY)).data, d.tag),
                        newer, lambda value: value)


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
