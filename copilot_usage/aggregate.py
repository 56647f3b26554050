"""The organisation's report line -> OrgDay. Pure: lines in, a record out.

Team days are not made here: GitHub's team recipe is SQL over the per-user facts
(`sql/team_days.sql`, run by `facts.py`). The organisation line is GitHub's own
roll-up and is kept as GitHub reports it.

    org_day = aggregate_org(day, organization.lines)
"""

from __future__ import annotations

import math

from dataclasses import dataclass
from datetime import date
from typing import Iterable

from .models import COUNTER_FIELDS, Counters, OrgDay

# Report key -> our short counter name.
COUNTER_KEYS = {
    "user_initiated_interaction_count": "interactions",
    "code_generation_activity_count": "code_generations",
    "code_acceptance_activity_count": "code_acceptances",
    "loc_suggested_to_add_sum": "loc_suggested_to_add",
    "loc_suggested_to_delete_sum": "loc_suggested_to_delete",
    "loc_added_sum": "loc_added",
    "loc_deleted_sum": "loc_deleted",
}

# Breakdown -> (report array, the item key naming the bucket).
BREAKDOWNS = {
    "by_ide": ("totals_by_ide", "ide"),
    "by_feature": ("totals_by_feature", "feature"),
    "by_language": ("totals_by_language_feature", "language"),
    "by_model": ("totals_by_model_feature", "model"),
}


def _number(value) -> int:
    # Treat missing, null or malformed counters as zero rather than losing the line.
    return value if isinstance(value, int) and not isinstance(value, bool) else (
        int(value) if isinstance(value, float) else 0)


def _count_or_none(value) -> int | None:
    # A user count GitHub did not send, or sent malformed, is unknown: never zero, never a crash.
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return int(value)


def counters_of(item: dict) -> dict[str, int]:
    """The seven activity counters of a report line or breakdown item."""
    return {short: _number(item.get(key)) for key, short in COUNTER_KEYS.items()}


@dataclass
class UserDay:
    """One user's line, reduced to what team numbers need."""

    counters: dict[str, int]
    engaged: bool
    chat: bool
    agent: bool
    cli: bool
    ai_credits: float | None
    breakdowns: dict[str, dict[str, dict[str, int]]]


def summarise_user(line: dict) -> UserDay:
    counters = counters_of(line)
    credits = line.get("ai_credits_used")
    return UserDay(
        counters=counters,
        engaged=counters["interactions"] > 0 or counters["code_acceptances"] > 0,
        chat=bool(line.get("used_chat")),
        agent=bool(line.get("used_agent")),
        cli=bool(line.get("used_cli")),
        ai_credits=float(credits) if isinstance(credits, (int, float)) else None,
        breakdowns={name: _breakdown(line, *spec) for name, spec in BREAKDOWNS.items()},
    )


def _breakdown(line: dict, array: str, key: str) -> dict[str, dict[str, int]]:
    # Language and model arrays are split by feature too: sum over it.
    out: dict[str, dict[str, int]] = {}
    for item in line.get(array) or []:
        if not isinstance(item, dict):
            continue
        name = str(item.get(key) or "unknown")
        bucket = out.setdefault(name, dict.fromkeys(COUNTER_FIELDS, 0))
        for counter, value in counters_of(item).items():
            bucket[counter] += value
    return out


def _on_day(line: dict, day: date) -> bool:
    return str(line.get("day", day.isoformat())) == day.isoformat()


def aggregate_org(day: date, org_lines: Iterable[dict]) -> OrgDay | None:
    """The organisation line of one day -> OrgDay (None when the report had none)."""
    line = next((l for l in org_lines if isinstance(l, dict) and _on_day(l, day)), None)
    if line is None:
        return None
    user = summarise_user(line)
    return OrgDay(
        date=day,
        daily_active_users=_number(line.get("daily_active_users")),
        weekly_active_users=_count_or_none(line.get("weekly_active_users")),
        monthly_active_users=_count_or_none(line.get("monthly_active_users")),
        monthly_active_chat_users=_count_or_none(line.get("monthly_active_chat_users")),
        monthly_active_agent_users=_count_or_none(line.get("monthly_active_agent_users")),
        daily_active_cli_users=_count_or_none(line.get("daily_active_cli_users")),
        ai_credits=user.ai_credits,
        pull_requests={k: v for k, v in (line.get("pull_requests") or {}).items()
                       if isinstance(v, (int, float)) or v is None},
        **user.counters,
        **{name: {k: Counters(**v) for k, v in sorted(items.items())}
           for name, items in user.breakdowns.items()},
    )
