"""One team's history straight from GitHub's reports, without a store: the seed's API.

    history = get_team_history(client, "my-org", "platform", since=date(2026, 5, 1))
    history.team.slug, history.data[0].date         # {"team", "data": [one entry a day]}
"""

from __future__ import annotations

from datetime import date

from ..contract.days import TeamDay
from ..contract.rules import month_window_start, utc_today
from ..contract.teams import Team, TeamHistory
from ..errors import NotFound
from ..github.directory import list_teams
from ..store.base import Store
from .days import day_window, fetch_days
from .facts import FactsEngine
from .windows import TeamWindows

FILL_DAYS = 30  # days per window query (its working set: these days and the 27 before)


def find_team(teams: list[Team], team: str) -> Team:
    """The team named by slug or (case-insensitively) by name; NotFound says what to check."""
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
    # The days before the first one wanted are fetched too, for its rolling counts.
    fetched = day_window(month_window_start(since), until, today) if since else wanted
    days: list[TeamDay] = []
    pending: dict[date, dict[str, TeamDay]] = {}  # filled a batch at a time: one window query each
    with FactsEngine() as engine:
        windows = TeamWindows(engine, None, fetched)
        for collected in fetch_days(client, store, org, fetched, today=today, concurrency=concurrency,
                                    engine=engine):
            if collected.facts:
                windows.keep(collected.facts)
                engine.discard(collected.facts)
            if found.slug in collected.team_days and collected.day in wanted:
                pending[collected.day] = {found.slug: collected.team_days[found.slug]}
            if len(pending) >= FILL_DAYS:
                days.extend(teams[found.slug] for teams in windows.fill(pending).values())
                pending = {}
        days.extend(teams[found.slug] for teams in windows.fill(pending).values())
    return TeamHistory(team=found.model_copy(update={"id": None}), data=days)  # the seed's shape: no id
