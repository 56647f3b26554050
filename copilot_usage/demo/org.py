"""The organisation: `DemoOrg`, structure up-front and daily reports on demand.

Its seats come from the `Seats` mixin (seats.py), per-day usage detail from
activity.py; `DemoOrg.transport()` serves it through `DemoTransport`. It is
built by `build_demo_org` (structure.py).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..contract.counters import LANGUAGE_REPORT_COUNTERS, REPORT_COUNTERS
from .activity import (
    Profile,
    breakdown_arrays,
    cli_totals,
    group_array,
    make_profile,
    sum_cli_totals,
    sum_counts,
    usage_cells,
)
from .catalogue import (
    CODE_REVIEW_FROM,
    CREDIT_MULTIPLIER,
    CREDITS_FROM,
    KIND_ACTIVITY,
    PHASES,
    WEEKDAY_FACTOR,
    as_day,
)
from .randomness import (
    S_ACTIVE,
    S_AGENT,
    S_CHAT,
    S_CLI,
    S_LINE,
    S_ORG,
    S_REVIEW,
    S_TRAITS,
    binomial,
    mix,
    poisson,
    unit,
)
from .seats import Member, Seats
from .transport import DemoTransport


@dataclass
class DemoOrg(Seats):
    """A synthetic organisation: structure up-front, daily reports on demand.

    Facts worth knowing in tests: `never_qualifying_team` never has five
    licensed members; `late_team` has fewer than five before
    `late_team_qualifies_from` and at least five from that day on.
    """

    org: str
    org_id: int
    seed: int
    first_day: date
    end_day: date
    teams: list[dict[str, Any]]
    users: list[dict[str, Any]]
    members: dict[str, list[str]]
    personas: dict[str, str]
    admin_teams: list[str]
    never_qualifying_team: str
    late_team: str
    late_team_qualifies_from: date
    _people: list[Member] = field(repr=False, compare=False, default_factory=list)
    _team_members: list[list[int]] = field(repr=False, compare=False, default_factory=list)
    _profiles: dict[int, Profile] = field(repr=False, compare=False, default_factory=dict)
    _day_cache: dict[int, dict[int, int]] = field(repr=False, compare=False, default_factory=dict)

    # -- activity --------------------------------------------------------------

    def _progress(self, d: int) -> float:
        """0 on first_day .. 1 on end_day: adoption matures over the period."""
        span = max(1, (self.end_day - self.first_day).days)
        return min(1.0, max(0.0, (d - self.first_day.toordinal()) / span))

    def _is_active(self, m: Member, d: int) -> bool:
        if m.never_uses or not m.holds_seat(d):
            return False
        if m.stops_on is not None and d >= m.stops_on:
            return d == m.stops_on  # the last day of use is a real use
        assert m.seat_from is not None
        p = KIND_ACTIVITY[m.kind] * WEEKDAY_FACTOR[(d - 1) % 7] * (0.7 + 0.3 * self._progress(d))
        since = d - m.seat_from
        if since < 21:  # a fresh seat takes a few weeks to become a habit
            p *= 0.35 + 0.65 * since / 21
        return unit(self.seed, S_ACTIVE, d, m.id) < p

    def _flags(self, m: Member, d: int) -> int:
        """Bit mask for one user-day: 1 active, 2 chat, 4 agent, 8 cli."""
        if not self._is_active(m, d):
            return 0
        prof = self._profile(m)
        flags = 1
        if unit(self.seed, S_CHAT, d, m.id) < prof.chat_p:
            flags |= 2
        if unit(self.seed, S_AGENT, d, m.id) < prof.agent_p * (0.55 + 0.45 * self._progress(d)):
            flags |= 4
        if prof.cli and unit(self.seed, S_CLI, d, m.id) < 0.45:
            flags |= 8
        return flags

    def _day_flags(self, d: int) -> dict[int, int]:
        """Flags of every active user that day, cached: trailing windows reuse them."""
        cached = self._day_cache.get(d)
        if cached is None:
            cached = {}
            for m in self._people:
                f = self._flags(m, d)
                if f:
                    cached[m.idx] = f
            if len(self._day_cache) >= 64:  # bounded: benchmarks walk many days
                self._day_cache.pop(next(iter(self._day_cache)))
            self._day_cache[d] = cached
        return cached

    def _profile(self, m: Member) -> Profile:
        prof = self._profiles.get(m.idx)
        if prof is None:
            prof = make_profile(random.Random(mix(self.seed, S_TRAITS, m.id)), m.kind)
            self._profiles[m.idx] = prof
        return prof

    def _in_range(self, day: date) -> bool:
        return self.first_day <= day <= self.end_day

    # -- reports ---------------------------------------------------------------

    def user_lines(self, day: date | str) -> list[dict[str, Any]]:
        """The users-1-day report: one line per user with activity that day.

        Empty outside first_day..end_day.

        >>> demo = build_demo_org(); lines = demo.user_lines(demo.end_day)
        """
        when = as_day(day)
        if not self._in_range(when):
            return []
        d = when.toordinal()
        return [self._user_line(self._people[i], d, f) for i, f in self._day_flags(d).items()]

    def _user_line(self, m: Member, d: int, flags: int) -> dict[str, Any]:
        day = date.fromordinal(d)
        prof = self._profile(m)
        rng = random.Random(mix(self.seed, S_LINE, d, m.id))
        cells = usage_cells(rng, prof, flags, weekend=(d - 1) % 7 >= 5)
        totals = sum_counts(cells.values())
        line: dict[str, Any] = {
            "day": day.isoformat(),
            "user_id": m.id,
            "user_login": m.login,
            "organization_id": str(self.org_id),
            "enterprise_id": None,
            **dict(zip(REPORT_COUNTERS, totals, strict=True)),
            "used_agent": bool(flags & 4),
            "used_chat": bool(flags & 6),  # agent mode lives in the chat panel
            "used_cli": bool(flags & 8),
        }
        cli = cli_totals(rng, prof, day, self._time_of_day(m, d)) if flags & 8 else None
        if day >= CREDITS_FROM:
            credits = sum(c[0] * CREDIT_MULTIPLIER.get(k[3], 0.0) for k, c in cells.items())
            line["ai_credits_used"] = round(credits + (cli["prompt_count"] if cli else 0), 2)
        line["ai_adoption_phase"] = self._adoption_phase(m, d)
        if day >= CODE_REVIEW_FROM:  # Copilot code review on a pull request: the author asked (active),
            review = unit(self.seed, S_REVIEW, d, m.id)  # or it ran as a required reviewer (passive)
            line["used_copilot_code_review_active"] = review < 0.08 + 0.12 * self._progress(d)
            line["used_copilot_code_review_passive"] = review > 0.8
        line.update(breakdown_arrays(cells, day, self._time_of_day(m, d)))
        if cli:
            line["totals_by_cli"] = cli
        return line

    def _adoption_phase(self, m: Member, d: int) -> dict[str, Any]:
        """GitHub's cohort: surfaces used on at least two days of the last 28."""
        prof = self._profile(m)
        active_days = cli_days = 0
        for back in range(28):
            if active_days >= 2 and (not prof.cli or cli_days >= 2):
                break
            if self._is_active(m, d - back):
                active_days += 1
                if prof.cli and self._flags(m, d - back) & 8:
                    cli_days += 1
        number = (3 if prof.multi_agent else 2) if cli_days >= 2 else 1 if active_days >= 2 else 0
        return {"phase": PHASES[number], "phase_number": number, "version": "v1"}

    def user_team_lines(self, day: date | str) -> list[dict[str, Any]]:
        """The user-teams-1-day report: one line per (licensed user, team).

        Teams with fewer than five licensed members that day are left out, as
        GitHub does. Empty outside first_day..end_day.
        """
        when = as_day(day)
        if not self._in_range(when):
            return []
        d, day_text, org_id = when.toordinal(), when.isoformat(), str(self.org_id)
        lines: list[dict[str, Any]] = []
        for team, idxs in zip(self.teams, self._team_members, strict=True):
            licensed = [self._people[i] for i in idxs if self._people[i].holds_seat(d)]
            if len(licensed) < 5:
                continue
            lines.extend(
                {
                    "user_id": m.id,
                    "user_login": m.login,
                    "day": day_text,
                    "organization_id": org_id,
                    "team_id": team["id"],
                    "slug": team["slug"],
                }
                for m in licensed
            )
        return lines

    def org_lines(self, day: date | str) -> list[dict[str, Any]]:
        """The organization-1-day report: exactly one line, summed from the user lines.

        Weekly and monthly actives count distinct users over the trailing 7 and
        28 days, from first_day on. Empty outside first_day..end_day.
        """
        when = as_day(day)
        if not self._in_range(when):
            return []
        d = when.toordinal()
        lines = self.user_lines(when)
        window = self._window_actives(d)
        line: dict[str, Any] = {
            "day": when.isoformat(),
            "organization_id": str(self.org_id),
            "daily_active_users": len(lines),
            **window,
            **dict(zip(REPORT_COUNTERS, sum_counts([u[c] for c in REPORT_COUNTERS] for u in lines), strict=True)),
            "totals_by_ide": group_array(lines, "totals_by_ide", ("ide",), REPORT_COUNTERS),
            "totals_by_feature": group_array(lines, "totals_by_feature", ("feature",), REPORT_COUNTERS),
            "totals_by_language_feature": group_array(
                lines, "totals_by_language_feature", ("language", "feature"), LANGUAGE_REPORT_COUNTERS
            ),
            "totals_by_language_model": group_array(
                lines, "totals_by_language_model", ("language", "model"), LANGUAGE_REPORT_COUNTERS
            ),
            "totals_by_model_feature": group_array(
                lines, "totals_by_model_feature", ("model", "feature"), REPORT_COUNTERS
            ),
            "daily_active_cli_users": sum(1 for line in lines if line["used_cli"]),
        }
        credits = [u["ai_credits_used"] for u in lines if "ai_credits_used" in u]
        if credits:
            line["ai_credits_used"] = round(sum(credits), 2)
        cli = sum_cli_totals([line["totals_by_cli"] for line in lines if "totals_by_cli" in line])
        if cli:
            line["totals_by_cli"] = cli
        line["pull_requests"] = self._pull_requests(d, len(lines))
        return [line]

    def _window_actives(self, d: int) -> dict[str, int]:
        first = self.first_day.toordinal()
        week: set[int] = set()
        month: set[int] = set()
        chat: set[int] = set()
        agent: set[int] = set()
        for back in range(28):
            if d - back < first:
                break
            flags = self._day_flags(d - back)
            if back < 7:
                week.update(flags)
            month.update(flags)
            chat.update(i for i, f in flags.items() if f & 6)
            agent.update(i for i, f in flags.items() if f & 4)
        return {
            "weekly_active_users": len(week),
            "monthly_active_users": len(month),
            "monthly_active_chat_users": len(chat),
            "monthly_active_agent_users": len(agent),
        }

    def _pull_requests(self, d: int, active: int) -> dict[str, Any]:
        rng = random.Random(mix(self.seed, S_ORG, d))
        created = poisson(rng, active * 0.35)
        merged = binomial(rng, created, 0.78)
        weekend = (d - 1) % 7 >= 5
        return {
            "total_created": created,
            "total_reviewed": poisson(rng, created * 1.4),
            "total_merged": merged,
            "median_minutes_to_merge": (
                round(rng.uniform(90, 600) * (1.8 if weekend else 1.0), 1) if merged else None
            ),
            "total_created_by_copilot": binomial(rng, created, 0.05 + 0.07 * self._progress(d)),
            "total_reviewed_by_copilot": binomial(rng, created, 0.3),
        }

    def transport(
        self,
        api_url: str = "https://api.github.com",
        downloads_url: str = "https://copilot-reports.demo.invalid",
        *,
        reject_authorized_downloads: bool = True,
    ) -> DemoTransport:
        """An httpx transport serving this organisation as GitHub would.

        >>> client = httpx.Client(transport=build_demo_org().transport())
        """
        return DemoTransport(
            self, api_url, downloads_url, reject_authorized_downloads=reject_authorized_downloads
        )

