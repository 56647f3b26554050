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
    by_login = {seat.login.lower(): seat for seat in seats}
    held = list(by_login.values()) if logins is None else \
        [by_login[login.lower()] for login in logins if login.lower() in by_login]
    rows = []
    out = SeatCosts(seats=len(held))
    for seat in held:
        price = prices.seat_month(seat.plan_type)
        out.monthly += price
        status, idle = seat_status(seat, today, inactive_after_days)
        if status != "active":
            out.idle_monthly += price
            rows.append({"member": seat.login, "status": status, "plan": seat.plan_type or "business",
                         "last_activity": seat.last_activity_at.date() if seat.last_activity_at else None,
                         "days_since_activity": idle, "seat_month": price})
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
    active users and cost per active member at the end, seats and idle seats per month."""
    rows = []
    for slug, days in in_range(teams, start, end).groupby("slug"):
        frame = teams[teams["slug"] == slug]
        cost = team_cost(frame, start, end, members.get(slug, []), seats, prices, today=today,
                         inactive_after_days=inactive_after_days)
        rows.append({"team": days["team"].iloc[-1], "slug": slug,
                     "monthly_active_users": last_value(frame, "monthly_active_users", end),
                     "ai_credits": cost.credits, "credits_cost": cost.credits_cost,
                     "per_active_member": cost.per_active_member, "seats": cost.seats.seats,
                     "seat_month": cost.seats.monthly, "idle_seats": len(cost.seats.idle),
                     "idle_seat_month": cost.seats.idle_monthly})
    table = pd.DataFrame(rows, columns=COST_COLUMNS)
    return table.sort_values("team", key=lambda s: s.str.lower()).reset_index(drop=True)
