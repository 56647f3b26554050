"""Teams as the store records them, and one entry of `teams_history.json`.

    history = TeamHistory.model_validate(entry_from_teams_history_json)
    history.team.slug, history.data[0].date
"""

from __future__ import annotations

import re

from pydantic import Field, field_validator, model_validator

from .days import Record, TeamDay

# GitHub team slugs: lowercase letters, digits, '-' and '_'; nothing that could
# walk a path or break a URL ("../", "%2F", spaces).
SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")


def is_valid_slug(value: str) -> bool:
    # fullmatch: with match, "$" also matches before a trailing newline ("platform\n").
    return isinstance(value, str) and bool(SLUG_PATTERN.fullmatch(value))


def slugify(name: str) -> str:
    """GitHub's slug for a team name (used for legacy entries keyed by name)."""
    slug = re.sub(r"[^a-z0-9_-]+", "-", name.strip().lower()).strip("-")
    return slug[:100] or "team"


class Team(Record):
    """A team. `id` is GitHub's team id, the key of its rows (a renamed team keeps it); None for
    a team known only from an older deployment's file, and then left out of what is written."""

    name: str
    slug: str
    description: str = ""
    url: str = ""
    id: int | None = Field(default=None, exclude_if=lambda value: value is None)

    @model_validator(mode="before")
    @classmethod
    def _slug_from_name(cls, data):
        # Older deployments keyed teams by name only.
        if isinstance(data, dict) and not data.get("slug") and data.get("name"):
            data = {**data, "slug": slugify(data["name"])}
        return data

    @field_validator("description", mode="before")
    @classmethod
    def _none_is_empty(cls, value):
        return value or ""

    @field_validator("slug")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not is_valid_slug(value):
            raise ValueError(f"not a GitHub team slug: {value[:40]!r}")
        return value


def listed_teams(data) -> list[Team]:
    """`copilot_teams.json`: team objects, or bare names (ONS's Lambda wrote names before July 2025).

    Raises ValueError naming the first entry that is neither.
    """
    if data is None:
        return []
    if not isinstance(data, list):
        raise ValueError("it must be a list of teams or team names")
    teams = []
    for index, item in enumerate(data):
        try:
            teams.append(Team.model_validate({"name": item} if isinstance(item, str) else item))
        except ValueError:
            raise ValueError(f"entry {index} is neither a team nor a team name") from None
    return teams


class TeamHistory(Record):
    """One entry of `teams_history.json`: `{"team": {...}, "data": [TeamDay, ...]}`."""

    team: Team
    data: list[TeamDay] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _team_as_name(cls, data):
        # Some older files hold the team as a bare name string.
        if isinstance(data, dict) and isinstance(data.get("team"), str):
            data = {**data, "team": {"name": data["team"]}}
        return data

    @field_validator("data")
    @classmethod
    def _one_per_date(cls, days: list[TeamDay]) -> list[TeamDay]:
        # Older collectors wrote duplicate dates (an inclusive `since`); the last wins.
        by_date = {day.date: day for day in days}
        return [by_date[d] for d in sorted(by_date)]
