"""What Copilot costs a team or the organisation: AI credits used, seats, and idle seats. Pure.

AI credits are the sum of `ai_credits_used` over the team join (GitHub's billing API has no
team filter); seats are priced per month by their plan; an idle seat is one whose holder had
no Copilot activity for the inactivity threshold (or never). Prices come from `pricing.Prices`.

    cost = team_cost(frame, end, licensed_logins, seats, prices, today=today, inactive_after_days=28)
    cost.idle_seat_cost, cost.idle_seats          # $ per month, and who
    table = overview_costs(teams, members, seats, prices, start, end, today=today)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from .frames import in_range, seat_status
from .pricing import Prices

MONTH_WINDOW = 28  # the monthly active users' window, and the one cost per active member uses


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


def credits_in(frame: pd.DataFrame) -> float | None:
    """AI credits summed over the frame's days; None when no day carries them."""
    if "ai_credits" not in frame or frame["ai_credits"].isna().all():
        return None
    return float(frame["ai_credits"].sum())


def month_cost_per_active_member(frame: pd.DataFrame, end: date, prices: Prices) -> float | None:
    """Cost of the AI credits of the 28 days ending on the last day with data up to `end`, divided by
    the monthly active users of that day (the same 28 days); None without either."""
    upto = in_range(frame, None, end)
    if upto.empty or "monthly_active_users" not in upto:
        return None
    last = upto.iloc[-1]
    members = last["monthly_active_users"]
    window = in_range(upto, last["date"].date() - timedelta(days=MONTH_WINDOW - 1), last["date"].date())
    cost = prices.credits_cost(credits_in(window))
    if cost is None or pd.isna(members) or members <= 0:
        return None
    return cost / float(members)


def last_value(frame: pd.DataFrame, column: str, end: date) -> float | None:
    """`column` on the last day with data up to `end` (None when missing or null)."""
    upto = in_range(frame, None, end)
    if upto.empty or column not in upto or pd.isna(upto[column].iloc[-1]):
        return None
    return float(upto[column].iloc[-1])


@dataclass
class TeamCost:
    credits: float | None
    credits_cost: float | None
    per_active_member: float | None
    seats: SeatCosts


def team_cost(frame: pd.DataFrame, start: date, end: date, logins: list[str] | None, seats: list,
              prices: Prices, *, today: date, inactive_after_days: int) -> TeamCost:
    """A team's (or the organisation's, with logins=None) credits over [start, end], cost per
    active member over the 28 days ending at `end`, and its seats per month."""
    credits = credits_in(in_range(frame, start, end))
    return TeamCost(credits, prices.credits_cost(credits), month_cost_per_active_member(frame, end, prices),
                    seat_costs(logins, seats, prices, today=today, inactive_after_days=inactive_after_days))


COST_COLUMNS = ["team", "slug", "monthly_active_users", "ai_credits", "credits_cost", "per_active_member",
                "seats", "seat_month", "idle_seats", "idle_seat_month"]


def overview_costs(teams: pd.DataFrame, members: dict[str, list[str]], seats: list, prices: Prices,
                   start: date, end: date, *, today: date, inactive_after_days: int) -> pd.DataFrame:
    """One row per team with days in [start, end]: credits and their cost over the range, monthly
    active users and cost per active member at the end, seats and idle seats per month.

    The same figures as `team_cost` for each team (a test holds them equal), computed for all
    teams at once: a thousand teams × a year is one pass over the frame, not one per team."""
    upto = teams[teams["date"] <= pd.Timestamp(end)].sort_values(["slug", "date"], kind="stable")
    shown = upto[upto["date"] >= pd.Timestamp(start)]
    if shown.empty:
        return pd.DataFrame(columns=COST_COLUMNS)
    credits = shown.groupby("slug")["ai_credits"].sum(min_count=1) if "ai_credits" in shown else None
    last = upto.groupby("slug").tail(1).set_index("slug")  # each team's last day with data up to `end`
    since = upto["slug"].map(last["date"]) - pd.Timedelta(days=MONTH_WINDOW - 1)
    window = upto[upto["date"] >= since]
    window_credits = window.groupby("slug")["ai_credits"].sum(min_count=1) if "ai_credits" in window else None
    book = _SeatBook(seats, prices, today, inactive_after_days)
    rows = []
    for slug, name in shown.groupby("slug")["team"].last().items():
        team_credits = _value(credits, slug)
        monthly = _value(last.get("monthly_active_users"), slug)
        month_cost = prices.credits_cost(_value(window_credits, slug))
        held, per_month, idle, idle_per_month = book.totals(members.get(slug, []))
        rows.append({"team": name, "slug": slug, "monthly_active_users": monthly,
                     "ai_credits": team_credits, "credits_cost": prices.credits_cost(team_credits),
                     "per_active_member": month_cost / monthly if month_cost is not None and monthly else None,
                     "seats": held, "seat_month": per_month, "idle_seats": idle, "idle_seat_month": idle_per_month})
    table = pd.DataFrame(rows, columns=COST_COLUMNS)
    return table.sort_values("team", key=lambda s: s.str.lower()).reset_index(drop=True)


def _value(series: pd.Series | None, slug: str) -> float | None:
    value = None if series is None else series.get(slug)
    return None if value is None or pd.isna(value) else float(value)
