"""A team's day and the organisation's day, as the store records them (DESIGN.md section 2).

Every record ignores unknown fields (GitHub and older deployments add them), and
`TeamDay`/`OrgDay` accept the day objects of the retired metrics endpoints, converting
them on read (`legacy.py`).

    day = TeamDay.model_validate(line)
    day.source          # "usage-metrics" or "legacy-metrics"
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator

from . import legacy
from .counters import COUNTER_FIELDS
from .rules import LEGACY_METRICS, USAGE_METRICS

Source = Literal[USAGE_METRICS, LEGACY_METRICS]


class Record(BaseModel):
    """A record of the store: unknown fields are ignored, never an error."""

    model_config = ConfigDict(extra="ignore")


# The seven activity counters (counters.py), each 0 when not reported.
ActivityCounters = create_model("ActivityCounters", __base__=Record,
                                __doc__="The seven activity counters of the usage-metrics reports.",
                                **{name: (int, 0) for name in COUNTER_FIELDS})


class Counters(ActivityCounters):
    """One breakdown item (an IDE, feature, language or model): counters and distinct users."""

    users: int = 0


Breakdown = dict[str, Counters]


class UsageDay(ActivityCounters):
    """What a team day and an organisation day share: the counters and breakdowns."""

    date: date
    ai_credits: float | None = None
    by_ide: Breakdown = Field(default_factory=dict)
    by_feature: Breakdown = Field(default_factory=dict)
    by_language: Breakdown = Field(default_factory=dict)
    by_model: Breakdown = Field(default_factory=dict)
    source: Source = USAGE_METRICS
    # The day exactly as an older deployment's file held it (legacy days only), so that
    # rewriting the file loses none of its numbers (see legacy.py).
    legacy: dict[str, Any] | None = None


class TeamDay(UsageDay):
    """One team, one day. `licensed_members` is None for legacy days (not reported).

    The fields added with the 2026 report fields (code review, rolling active users,
    adoption phases) are None / empty on days recorded before them and on legacy days:
    unknown, never zero. `weekly_active_users` / `monthly_active_users` are distinct
    members active in the 7 / 28 days ending that day (collector/sql/team_windows.sql);
    `monthly_licensed_members` the distinct members over those 28 days, adoption's base.
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
    monthly_licensed_members: int | None = None
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


# The scalar fields of a team day, in record order (the breakdowns are mappings).
TEAM_DAY_SCALARS = tuple(name for name in TeamDay.model_fields
                         if name not in ("date", "source", "legacy") and not name.startswith("by_"))
