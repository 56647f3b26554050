"""Report lines -> TeamDay / OrgDay. Pure: lines (or raw report files) in, records out.

GitHub's recipe (GITHUB_API.md 2.2): for one day, join that day's user lines
with that same day's user-team lines on (user_id, day, organization), then group
by team. Users are counted as distinct ids, acceptance is never averaged from
rates, and a user in several teams counts in each.

    team_days = aggregate_teams(day, user_lines, user_team_lines)
    team_days["platform"].active_users
    team_days, members = aggregate_report_parts(day, users.raw_parts, user_teams.raw_parts)

`aggregate_teams` is the readable reference. The collector calls
`aggregate_report_parts`, which does the same join in Arrow (aggregate_arrow.py)
when pyarrow is installed and the files are plain NDJSON, and falls back to
`parse_report` + `aggregate_teams` otherwise (the Lambda zip carries no pyarrow).
"""

from __future__ import annotations

import math

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

from .github.reports import USER_TEAMS, USERS, parse_report
from .models import COUNTER_FIELDS, Counters, OrgDay, TeamDay

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


@dataclass
class _TeamTotals:
    licensed: set = field(default_factory=set)
    active: int = 0
    engaged: int = 0
    chat: int = 0
    agent: int = 0
    cli: int = 0
    credits: float | None = None
    counters: dict = field(default_factory=lambda: dict.fromkeys(COUNTER_FIELDS, 0))
    breakdowns: dict = field(default_factory=lambda: {name: {} for name in BREAKDOWNS})

    def add(self, user: UserDay) -> None:
        self.active += 1
        self.engaged += user.engaged
        self.chat += user.chat
        self.agent += user.agent
        self.cli += user.cli
        if user.ai_credits is not None:
            self.credits = (self.credits or 0.0) + user.ai_credits
        for key, value in user.counters.items():
            self.counters[key] += value
        for name, items in user.breakdowns.items():
            target = self.breakdowns[name]
            for item, counters in items.items():
                bucket = target.setdefault(item, {"users": 0, **dict.fromkeys(COUNTER_FIELDS, 0)})
                bucket["users"] += 1  # distinct: each user contributes once per item
                for key, value in counters.items():
                    bucket[key] += value

    def team_day(self, day: date) -> TeamDay:
        return TeamDay(
            date=day, licensed_members=len(self.licensed), active_users=self.active,
            engaged_users=self.engaged, chat_users=self.chat, agent_users=self.agent,
            cli_users=self.cli, ai_credits=self.credits, **self.counters,
            **{name: {k: Counters(**v) for k, v in sorted(items.items())}
               for name, items in self.breakdowns.items()},
        )


def _on_day(line: dict, day: date) -> bool:
    return str(line.get("day", day.isoformat())) == day.isoformat()


def aggregate_teams(day: date, user_lines: Iterable[dict], user_team_lines: Iterable[dict],
                    *, min_licensed: int = 5) -> dict[str, TeamDay]:
    """One day's user and user-team lines -> {team slug: TeamDay}.

    The readable reference of the join: aggregate_arrow.py must give the same.
    Teams with fewer than `min_licensed` licensed members that day get no record
    (GitHub already leaves them out of the user-team report; this holds the rule
    even if it stops doing so).
    """
    users: dict[tuple, UserDay] = {}
    for line in user_lines:
        if isinstance(line, dict) and _on_day(line, day) and line.get("user_id") is not None:
            users[(line["user_id"], line.get("organization_id"))] = summarise_user(line)

    teams: dict[str, _TeamTotals] = defaultdict(_TeamTotals)
    for line in user_team_lines:
        slug, user_id = line.get("slug"), line.get("user_id")
        if not slug or user_id is None or not _on_day(line, day):
            continue
        totals = teams[slug]
        key = (user_id, line.get("organization_id"))
        if key in totals.licensed:
            continue  # a repeated line must not count twice
        totals.licensed.add(key)
        if key in users:
            totals.add(users[key])
    return {slug: t.team_day(day) for slug, t in sorted(teams.items()) if len(t.licensed) >= min_licensed}


def licensed_logins(user_team_lines: Iterable[dict], teams: Iterable[str]) -> dict[str, list[str]]:
    """Logins of each team's licensed members, from one day's user-team lines."""
    wanted = set(teams)
    members: dict[str, set[str]] = {slug: set() for slug in wanted}
    for line in user_team_lines:
        if line.get("slug") in wanted and line.get("user_login"):
            members[line["slug"]].add(str(line["user_login"]))
    return {slug: sorted(logins, key=str.lower) for slug, logins in sorted(members.items())}


def aggregate_report_parts(day: date, user_parts: list[bytes], user_team_parts: list[bytes], *,
                           min_licensed: int = 5) -> tuple[dict[str, TeamDay], dict[str, list[str]]]:
    """One day's raw users and user-teams files (NDJSON, gzip or not, as downloaded or
    stored) -> ({slug: TeamDay}, {slug: licensed logins}).

    The same numbers as `aggregate_teams` over the parsed lines, in a fraction of
    the time when pyarrow is there. A broken file raises MalformedReport either way.
    """
    try:
        from .aggregate_arrow import aggregate_parts
    except ImportError:
        aggregate_parts = None  # no pyarrow (the collector's Lambda zip)
    if aggregate_parts is not None:
        joined = aggregate_parts(day, user_parts, user_team_parts, min_licensed=min_licensed)
        if joined is not None:
            return joined
    users = [line for index, data in enumerate(user_parts)
             for line in parse_report(data, source=f"{USERS} {day} part {index}")]
    memberships = [line for index, data in enumerate(user_team_parts)
                   for line in parse_report(data, source=f"{USER_TEAMS} {day} part {index}")]
    team_days = aggregate_teams(day, users, memberships, min_licensed=min_licensed)
    return team_days, licensed_logins(memberships, team_days)


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
