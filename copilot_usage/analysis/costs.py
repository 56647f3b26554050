"""What Copilot costs a team or the organisation: AI credits used, seats, and idle seats. Pure.

AI credits are the sum of `ai_credits_used` over the team join (GitHub's billing API has no
team filter); seats are priced per month by their plan; an idle seat is one whose holder had
no Copilot activity for the inactivity threshold (or never). Prices come from `pricing.Prices`.

    cost = team_cost(frame, end, licensed_logins, seats, prices, today=today, inactive_after_days=28)
    cost.idle_seat_cost, cost.idle_seats          # $ per month, and who
    table = overview_costs(CreditFigures.of(teams, start, end), members, seats, prices, today=today)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from ..contract.rules import month_window_start
from .pricing import Prices
from .seats import seat_status


@dataclass
class SeatCosts:
    """Seats per month: all of them, and the idle ones with who holds them."""

    seats: int = 0
    monthly: float = 0.0
    idle_monthly: float = 0.0
    idle: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["member", "status", "plan", "last_activity", "days_since_activity", "seat_month"]))


def seat_costs(logins: list[str] | None, seats: list, prices: Prices, *, today: date,
               inactive_after_days: int) -> SeatCosts:
    """Seats of `logins` (None: every seat) priced per month; idle = no activity for longer than
    the threshold, or never. A login without a seat in the snapshot costs nothing here."""
    return _SeatBook(seats, prices, today, inactive_after_days).costs(logins)


class _SeatBook:
    """Each seat's price and status, worked out once (the overview prices every team's seats)."""

    def __init__(self, seats: list, prices: Prices, today: date, inactive_after_days: int):
        self.by_login = {}
        for seat in seats:
            status, idle = seat_status(seat, today, inactive_after_days)
            self.by_login[seat.login.lower()] = (seat, prices.seat_month(seat.plan_type), status, idle)

    def held(self, logins: list[str] | None) -> list[tuple]:
        return list(self.by_login.values()) if logins is None else \
            [self.by_login[login.lower()] for login in logins if login.lower() in self.by_login]

    def totals(self, logins: list[str] | None) -> tuple[int, float, int, float]:
        """(seats, per month, idle seats, idle per month)."""
        held = self.held(logins)
        idle = [price for _, price, status, _ in held if status != "active"]
        return len(held), sum(price for _, price, _, _ in held), len(idle), sum(idle)

    def costs(self, logins: list[str] | None) -> SeatCosts:
        held = self.held(logins)
        out = SeatCosts(seats=len(held), monthly=sum(price for _, price, _, _ in held))
        rows = [{"member": seat.login, "status": status, "plan": seat.plan_type or "business",
                 "last_activity": seat.last_activity_at.date() if seat.last_activity_at else None,
                 "days_since_activity": idle, "seat_month": price}
                for seat, price, status, idle in held if status != "active"]
        out.idle_monthly = sum(row["seat_month"] for row in rows)
        if rows:
            out.idle = pd.DataFrame(rows).sort_values("member", key=lambda s: s.str.lower()).reset_index(drop=True)
        return out


@dataclass
class CreditFigures:
    """Per team (slug): what the credit figures are made of, from one pass over a frame."""

    shown: pd.DataFrame              # the rows in [start, end]
    # Plain dicts by slug: the overview looks up each of thousands of teams (a Series.get each is slow).
    credits: dict[str, float] | None        # credits summed over [start, end] (NaN: no day carries them)
    monthly: dict[str, float] | None        # monthly active users on the last day with data up to `end`
    month_credits: dict[str, float] | None  # credits of the 28 days ending on that day

    @classmethod
    def of(cls, frame: pd.DataFrame, start: date, end: date) -> CreditFigures:
        """The one definition of the rules: credits over the range, and cost per active member
        as the credits of the 28 days ending on the last day with data up to `end` over that
        day's monthly active users. `frame` has a `slug` column (one value for one team)."""
        upto = frame[frame["date"] <= pd.Timestamp(end)].sort_values(["slug", "date"], kind="stable")
        shown = upto[upto["date"] >= pd.Timestamp(start)]
        last = upto.groupby("slug").tail(1).set_index("slug")  # each team's last day up to `end`
        starts = upto.groupby("slug")["date"].transform("max")  # that last day, on each of the team's rows
        window = upto[upto["date"] >= month_window_start(starts)]
        has_credits = "ai_credits" in frame
        monthly = last.get("monthly_active_users")
        return cls(shown,
                   shown.groupby("slug")["ai_credits"].sum(min_count=1).to_dict() if has_credits else None,
                   None if monthly is None else monthly.to_dict(),
                   window.groupby("slug")["ai_credits"].sum(min_count=1).to_dict() if has_credits else None)

    def credits_of(self, slug: str) -> float | None:
        return _value(self.credits, slug)

    def monthly_of(self, slug: str) -> float | None:
        return _value(self.monthly, slug)

    def month_total(self, slug: str, prices: Prices, seats_monthly: float) -> float | None:
        """What a month of the team costs: its seats per month plus the AI credits of the 28 days
        ending on its last day with data (None when neither is known)."""
        credits = prices.credits_cost(_value(self.month_credits, slug))
        if credits is None and not seats_monthly:
            return None
        return seats_monthly + (credits or 0.0)

    def per_active_member(self, slug: str, prices: Prices, seats_monthly: float) -> float | None:
        """That month's cost over that day's monthly active users: seats count, not credits only
        (a member's credits cost a small part of their seat; docs/architecture.md)."""
        total, members = self.month_total(slug, prices, seats_monthly), self.monthly_of(slug)
        return total / members if total is not None and members else None


@dataclass
class TeamCost:
    credits: float | None
    credits_cost: float | None
    per_active_member: float | None
    seats: SeatCosts
    month_total: float | None = None  # seats per month + the 28 days' AI credits


def team_cost(frame: pd.DataFrame, start: date, end: date, logins: list[str] | None, seats: list,
              prices: Prices, *, today: date, inactive_after_days: int) -> TeamCost:
    """A team's (or the organisation's, with logins=None) credits over [start, end], its seats
    per month, and a month's cost (seats + the AI credits of the 28 days ending at `end`) in
    all and per active member."""
    figures = CreditFigures.of(frame.assign(slug=""), start, end)
    credits = figures.credits_of("")
    held = seat_costs(logins, seats, prices, today=today, inactive_after_days=inactive_after_days)
    return TeamCost(credits, prices.credits_cost(credits), figures.per_active_member("", prices, held.monthly),
                    held, figures.month_total("", prices, held.monthly))


COST_COLUMNS = ["team", "slug", "monthly_active_users", "ai_credits", "credits_cost", "per_active_member",
                "seats", "seat_month", "idle_seats", "idle_seat_month"]


def overview_costs(figures: CreditFigures, members: dict[str, list[str]], seats: list, prices: Prices, *,
                   today: date, inactive_after_days: int) -> pd.DataFrame:
    """One row per team with days in the range of `figures` (`CreditFigures.of(teams, start, end)`):
    credits and their cost over the range, monthly active users and cost per active member at
    the end, seats and idle seats per month.

    The rules are `CreditFigures`', as on the team page; all teams in one pass over the frame (a
    thousand teams × a year), not one pass per team."""
    if figures.shown.empty:
        return pd.DataFrame(columns=COST_COLUMNS)
    book = _SeatBook(seats, prices, today, inactive_after_days)
    rows = []
    for slug, name in figures.shown.groupby("slug")["team"].last().items():
        credits = figures.credits_of(slug)
        held, per_month, idle, idle_per_month = book.totals(members.get(slug, []))
        rows.append({"team": name, "slug": slug, "monthly_active_users": figures.monthly_of(slug),
                     "ai_credits": credits, "credits_cost": prices.credits_cost(credits),
                     "per_active_member": figures.per_active_member(slug, prices, per_month),
                     "seats": held, "seat_month": per_month, "idle_seats": idle, "idle_seat_month": idle_per_month})
    table = pd.DataFrame(rows, columns=COST_COLUMNS)
    return table.sort_values("team", key=lambda s: s.str.lower()).reset_index(drop=True)


def _value(values: dict[str, float] | None, slug: str) -> float | None:
    value = None if values is None else values.get(slug)
    return None if value is None or pd.isna(value) else float(value)
