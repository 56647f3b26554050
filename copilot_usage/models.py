"""The data contract of DESIGN.md section 2, as pydantic models.

Every model ignores unknown fields (GitHub and older deployments add them) and
`TeamDay`/`OrgDay` accept the legacy day objects of the retired metrics endpoint,
converting them on read (see `legacy.py`).

    history = TeamHistory.model_validate(entry_from_teams_history_json)
    history.data[0].source          # "usage-metrics" or "legacy-metrics"
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from . import legacy

# GitHub team slugs: lowercase letters, digits, '-' and '_'; nothing that could
# walk a path or break a URL ("../", "%2F", spaces).
SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")

COUNTER_FIELDS = (
    "interactions",
    "code_generations",
    "code_acceptances",
    "loc_suggested_to_add",
    "loc_suggested_to_delete",
    "loc_added",
    "loc_deleted",
)

Source = Literal["usage-metrics", "legacy-metrics"]


def is_valid_slug(value: str) -> bool:
    # fullmatch: with match, "$" also matches before a trailing newline ("platform\n").
    return isinstance(value, str) and bool(SLUG_PATTERN.fullmatch(value))


def slugify(name: str) -> str:
    """GitHub's slug for a team name (used for legacy entries keyed by name)."""
    slug = re.sub(r"[^a-z0-9_-]+", "-", name.strip().lower()).strip("-")
    return slug[:100] or "team"


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ActivityCounters(_Model):
    """The seven activity counters of the usage-metrics reports, under our short names."""

    interactions: int = 0
    code_generations: int = 0
    code_acceptances: int = 0
    loc_suggested_to_add: int = 0
    loc_suggested_to_delete: int = 0
    loc_added: int = 0
    loc_deleted: int = 0


class Counters(ActivityCounters):
    """One breakdown item (an IDE, feature, language or model): counters and distinct users."""

    users: int = 0


Breakdown = dict[str, Counters]


class Team(_Model):
    name: str
    slug: str
    description: str = ""
    url: str = ""

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


class UsageDay(ActivityCounters):
    """What a team day and an organisation day share: the counters and breakdowns."""

    date: date
    ai_credits: float | None = None
    by_ide: Breakdown = Field(default_factory=dict)
    by_feature: Breakdown = Field(default_factory=dict)
    by_language: Breakdown = Field(default_factory=dict)
    by_model: Breakdown = Field(default_factory=dict)
    source: Source = "usage-metrics"
    # The day exactly as an older deployment's file held it (legacy days only), so that
    # rewriting the file loses none of its numbers (see legacy.py).
    legacy: dict[str, Any] | None = None


class TeamDay(UsageDay):
    """One team, one day. `licensed_members` is None for legacy days (not reported).

    The fields added with the 2026 report fields (code review, rolling active users,
    adoption phases) are None / empty on days recorded before them and on legacy days:
    unknown, never zero. `weekly_active_users` / `monthly_active_users` are distinct
    members active in the 7 / 28 days ending that day (sql/team_windows.sql).
    """

    licensed_members: int | None = None
    active_users: int = 0
    engaged_users: int = 0
    chat_users: int = 0
    agent_users: int = 0
    cli_users: int = 0
    code_review_users: int | None = None
    code_review_passive_users: int | None = None
    weekly_active_users: int | None = None
    monthly_active_users: int | None = None
    by_adoption_phase: dict[str, int] = Field(default_factory=dict)  # phase name -> members active that day

    @model_validator(mode="before")
    @classmethod
    def _from_legacy(cls, data):
        if legacy.is_legacy_day(data):
            return legacy.team_day(data)
        if problem := legacy.unknown_shape(data, cls.model_fields):
            raise ValueError(problem)
        return data


class OrgDay(UsageDay):
    """The organisation on one day, as GitHub reports it (active users not recomputed)."""

    daily_active_users: int = 0
    weekly_active_users: int | None = None
    monthly_active_users: int | None = None
    monthly_active_chat_users: int | None = None
    monthly_active_agent_users: int | None = None
    daily_active_cli_users: int | None = None
    engaged_users: int | None = None
    chat_users: int | None = None
    agent_users: int | None = None
    pull_requests: dict[str, float | int | None] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _from_legacy(cls, data):
        if legacy.is_legacy_day(data):
            return legacy.org_day(data)
        if legacy.is_report_line(data):  # ONS's organisation_history.json: report lines
            return legacy.org_report_day(data)
        if problem := legacy.unknown_shape(data, cls.model_fields):
            raise ValueError(problem)
        return data


class TeamHistory(_Model):
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


class Seat(_Model):
    login: str
    user_id: int | None = None
    assigning_team: str | None = None
    created_at: datetime | None = None
    last_activity_at: datetime | None = None
    last_activity_editor: str | None = None
    last_authenticated_at: datetime | None = None
    pending_cancellation_date: date | None = None
    plan_type: str | None = None

    @classmethod
    def from_github(cls, item: dict) -> "Seat":
        assignee = item.get("assignee") or {}
        team = item.get("assigning_team") or {}
        return cls.model_validate(
            {**item, "login": assignee.get("login", ""), "user_id": assignee.get("id"),
             "assigning_team": team.get("slug")}
        )


class SeatSnapshot(_Model):
    """`copilot_seats.json`: the latest seat list and when it was taken."""

    taken_at: datetime
    total_seats: int
    seats: list[Seat] = Field(default_factory=list)


class Viewer(_Model):
    """Who is looking: resolved once per session, on the server."""

    login: str
    user_id: int | None = None
    name: str | None = None
    avatar_url: str | None = None
    in_org: bool = False
    teams: list[str] = Field(default_factory=list)          # slugs of the viewer's teams in the org
    team_names: dict[str, str] = Field(default_factory=dict)
    is_admin: bool = False
