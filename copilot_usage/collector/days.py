"""One day of collection: its three reports fetched, made facts and joined into team days.

    for day in fetch_days(client, store, "my-org", day_window(since, None, today), today=today):
        day.team_days["platform"].active_users, day.org_day, day.facts

`since` is always exclusive. A day that is not available yet ends the run's window (it is
tried again next run, so no day is ever skipped).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..contract.days import OrgDay, TeamDay
from ..contract.keys import ORGANIZATION, USER_TEAMS, USERS
from ..contract.report_lines import is_on_day, org_day_fields
from ..contract.rules import FIRST_REPORT_DAY, REPORT_HISTORY_DAYS
from ..contract.teams import is_valid_slug
from ..lookahead import map_ahead
from ..store.base import Store
from ..store.team_tables import EncodedTeamDay
from .facts import DayFacts, FactsEngine
from .reports import fetch_report, keep_copy


@dataclass
class CollectedDay:
    """Everything one day's reports say: a TeamDay per qualifying team and the OrgDay."""

    day: date
    status: str  # "ok", "no-data" or "not-available"
    team_days: dict[str, TeamDay | EncodedTeamDay] = field(default_factory=dict)
    org_day: OrgDay | None = None
    members: dict[str, list[str]] = field(default_factory=dict)  # slug -> licensed logins
    team_ids: dict[str, int | None] = field(default_factory=dict)  # slug -> GitHub's team id
    facts: DayFacts | None = None  # the day's facts, local until the collector stores them


def org_day(day: date, lines: Iterable[dict]) -> OrgDay | None:
    """The organisation line of one day -> OrgDay (None when the report had none)."""
    line = next((line for line in lines if isinstance(line, dict) and is_on_day(line, day)), None)
    return None if line is None else OrgDay.model_validate(org_day_fields(day, line))


def fetch_day(client, store: Store | None, org: str, day: date, *, today: date,
              engine: FactsEngine, encoded: bool = False) -> CollectedDay:
    """The three reports of one day, as facts and joined. One links call per report, whatever the teams.

    The day's facts stay in the engine's working folder (`CollectedDay.facts`) until the
    caller stores them with the team days, or discards them. `encoded`: team days as they
    are written (EncodedTeamDay), a tenth of the memory of the records.
    """
    # The two big reports stay raw bytes: DuckDB reads them (facts.py).
    users = fetch_report(client, store, org, USERS, day, today=today, parse=False)
    if users.status == "not-available":
        return CollectedDay(day, "not-available")
    user_teams = fetch_report(client, store, org, USER_TEAMS, day, today=today, parse=False)
    organization = fetch_report(client, store, org, ORGANIZATION, day, today=today)
    if "not-available" in (user_teams.status, organization.status):
        return CollectedDay(day, "not-available")
    statuses = {users.status, user_teams.status, organization.status}
    organisation = org_day(day, organization.lines)
    facts = engine.day(day, users.raw_parts, user_teams.raw_parts, organisation)
    for report in (users, user_teams):
        keep_copy(store, report, today=today)  # read whole (a broken file raised above)
    # A slug GitHub could not have made ("../x", "A Team") never becomes a team, a URL or a key.
    # (Teams are joined and counted apart, so leaving them out afterwards is the same as before.)
    valid = [slug for slug in facts.team_days if is_valid_slug(str(slug))]
    convert = EncodedTeamDay.of if encoded else (lambda team_day: team_day)
    collected = CollectedDay(day, "ok" if "ok" in statuses else "no-data",
                             {slug: convert(facts.team_days[slug]) for slug in valid},
                             organisation, {slug: facts.members[slug] for slug in valid},
                             {slug: facts.team_ids.get(slug) for slug in valid}, facts)
    facts.team_days, facts.members, facts.team_ids = {}, {}, {}  # the facts wait for the checkpoint without them
    return collected


def fetch_days(client, store: Store | None, org: str, days: list[date], *, today: date,
               concurrency: int = 4, engine: FactsEngine | None = None,
               encoded: bool = False) -> Iterator[CollectedDay]:
    """Fetch days a few at a time, yielding them in order; stop at the first one not available."""
    with contextlib.ExitStack() as stack:
        owned = engine is None
        engine = engine or stack.enter_context(FactsEngine())
        workers = max(1, concurrency)
        pool = stack.enter_context(ThreadPoolExecutor(max_workers=workers))
        # At most two days per worker fetched ahead of the one consumed: a year's backfill
        # must not hold a year of fetched days while the caller writes its checkpoints.
        fetched = stack.enter_context(contextlib.closing(map_ahead(  # closed first: cancels the days not started
            pool, lambda day: fetch_day(client, store, org, day, today=today, engine=engine, encoded=encoded),
            days, ahead=2 * workers)))
        for collected in fetched:
            if owned and collected.facts:
                engine.discard(collected.facts)  # nobody stores them
            yield collected
            if collected.status == "not-available":
                break  # later days wait for the next run, so none is skipped


def day_window(since: date | None, until: date | None, today: date) -> list[date]:
    """Days after `since` (exclusive) up to `until` (default: yesterday).

    Never before the reports begin or more than a year back: GitHub keeps no older days.
    """
    last = min(until or today - timedelta(days=1), today - timedelta(days=1))
    oldest = max(today - timedelta(days=REPORT_HISTORY_DAYS), FIRST_REPORT_DAY)
    first = max(since + timedelta(days=1), oldest) if since else oldest
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
