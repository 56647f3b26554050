"""GitHub's organisation report line in the fields of an organisation day (`OrgDay`).

The organisation line is GitHub's own roll-up and is kept as GitHub reports it. Team days
are not made here: GitHub's team recipe is SQL over the per-user facts
(`collector/sql/team_days.sql`). Pure: a line in, plain fields out.

    OrgDay.model_validate(org_day_fields(day, line))
"""

from __future__ import annotations

import math
from datetime import date

from .counters import breakdowns_of, counter_value, counters_of


def count_or_none(value) -> int | None:
    """A user count GitHub did not send, or sent malformed, is unknown: never zero, never a crash."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return int(value)


def is_on_day(line: dict, day: date) -> bool:
    """A line without a day is on the day it was fetched for."""
    return str(line.get("day", day.isoformat())) == day.isoformat()


def org_day_fields(day: date, line: dict) -> dict:
    """The organisation line of `day` -> the fields of an OrgDay (breakdown items in name order)."""
    credits = line.get("ai_credits_used")
    return {
        "date": day,
        "daily_active_users": counter_value(line.get("daily_active_users")),
        "weekly_active_users": count_or_none(line.get("weekly_active_users")),
        "monthly_active_users": count_or_none(line.get("monthly_active_users")),
        "monthly_active_chat_users": count_or_none(line.get("monthly_active_chat_users")),
        "monthly_active_agent_users": count_or_none(line.get("monthly_active_agent_users")),
        "daily_active_cli_users": count_or_none(line.get("daily_active_cli_users")),
        "ai_credits": float(credits) if isinstance(credits, (int, float)) else None,
        "pull_requests": {k: v for k, v in (line.get("pull_requests") or {}).items()
                          if isinstance(v, (int, float)) or v is None},
        **counters_of(line),
        **{name: dict(sorted(items.items())) for name, items in breakdowns_of(line).items()},
    }
