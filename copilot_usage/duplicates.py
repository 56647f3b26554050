"""The one rule for two history entries with the same team slug.

Older deployments keyed teams by name, so a renamed team (or "Data Science"
next to "data-science") left two entries that now share a slug. Both the
reader (`history.load_team_histories`, hence every page) and `history.merge`
apply this rule, so what a page shows is what a collection keeps:

- the entries become one, with the days of all of them (none hidden);
- where two entries hold the same date, the later entry in the file wins,
  as a later duplicate date within one entry does (the newest record of the day);
- the team's name and description are the later entry's (the newer name).
"""

from __future__ import annotations

from datetime import date
from typing import Iterable

from .models import Team, TeamDay, TeamHistory


def one_entry_per_slug(histories: Iterable[TeamHistory]) -> list[TeamHistory]:
    """Entries sharing a slug combined by the rule above, in order of first appearance."""
    histories = list(histories)
    teams: dict[str, Team] = {}
    days: dict[str, dict[date, TeamDay]] = {}
    repeated = False
    for history in histories:
        slug = history.team.slug
        repeated = repeated or slug in teams
        teams[slug] = history.team
        slot = days.setdefault(slug, {})
        for day in history.data:
            slot[day.date] = day
    if not repeated:
        return histories
    return [TeamHistory(team=teams[slug], data=[days[slug][d] for d in sorted(days[slug])]) for slug in teams]
