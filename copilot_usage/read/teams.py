"""The teams as the pages read them: which are recorded, one team's days, all teams' days.

    index = team_index(store)              # {slug: IndexEntry}, or None for an older store
    history = team_file(store, "platform") # one team's days, from its own file
    frame = summary_frame(store)           # every team's scalar days, one long frame
"""

from __future__ import annotations

import pandas as pd

from ..analysis.frames import summary_frame as frame_of_summary
from ..contract.keys import ADMIN_TEAMS_KEY, SUMMARY_KEY, TEAMS_KEY
from ..contract.teams import Team, TeamHistory, listed_teams
from ..errors import InvalidStoreFile
from ..store.base import Store
from ..store.histories import load_team_histories
from ..store.team_files import IndexEntry, invalid, load_index, load_team_file


def team_index(store: Store) -> dict[str, IndexEntry] | None:
    """Recorded teams by slug (small), or None for a store written before the index existed."""
    return load_index(store)


def team_file(store: Store, slug: str) -> TeamHistory | None:
    """One team's days from its own file; None when the store has no file for it."""
    return load_team_file(store, slug)


def all_histories(store: Store) -> dict[str, TeamHistory]:
    """Every team in full, from `teams_history.json`: only for stores without an index."""
    histories, _ = load_team_histories(store)
    return {history.team.slug: history for history in histories}


def summary_frame(store: Store) -> pd.DataFrame:
    """Every team's scalar days as one long frame (the overview), from `teams_summary.json`."""
    try:
        return frame_of_summary(store.read_json(SUMMARY_KEY).data or {})
    except (AttributeError, KeyError, TypeError, ValueError):
        raise invalid(store, SUMMARY_KEY) from None


def listed_by_slug(listed: object, store_url: str) -> dict[str, Team]:
    """`copilot_teams.json` (`listed`, as read) by slug: how the pages name the recorded teams."""
    try:
        return {team.slug: team for team in listed_teams(listed)}
    except ValueError as exc:
        raise InvalidStoreFile(f"{TEAMS_KEY} in {store_url} does not have the expected shape ({exc}); "
                               "fix or move it, or let the next collection write it again", key=TEAMS_KEY) from None


def admin_entries(stored: object, configured: list[str], store_url: str) -> list[str]:
    """Admin teams from `admin_teams.json` (`stored`, as read) plus ADMIN_TEAMS: slugs, or names."""
    stored = stored or []
    if not isinstance(stored, list):
        raise InvalidStoreFile(f"{ADMIN_TEAMS_KEY} in {store_url} must be a list of team "
                               'slugs or names, like ["copilot-admins"]', key=ADMIN_TEAMS_KEY)
    return [*map(str, stored), *configured]
