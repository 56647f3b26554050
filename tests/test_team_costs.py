"""Cost figures (costs.py): credits over a range, cost per active member, seats and idle seats per month,
priced by the settings through pricing.Prices."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest

from copilot_usage.analysis.costs import CreditFigures, overview_costs, seat_costs, team_cost
from copilot_usage.analysis.frames import teams_frame
from copilot_usage.analysis.pricing import Prices
from copilot_usage.config import Settings
from copilot_usage.contract.days import TeamDay
from copilot_usage.contract.seats import Seat
from copilot_usage.contract.teams import Team, TeamHistory

pytestmark = pytest.mark.unit

TODAY = date(2026, 8, 1)
START = date(2026, 6, 1)
PRICES = Prices(ai_credit=0.02, seat_business=20.0, seat_enterprise=40.0)


def seat(login: str, idle_days: int | None, plan: str | None = "business") -> Seat:
    last = None if idle_days is None else datetime.combine(TODAY - timedelta(days=idle_days), datetime.min.time(),
                                                           tzinfo=UTC)
    return Seat(login=login, last_activity_at=last, plan_type=plan)


SEATS = [seat("ann", 1), seat("Bob", 40, "enterprise"), seat("cat", None), seat("dan", 10), seat("out", 99)]


def test_idle_seats_are_those_without_activity_for_the_threshold_priced_by_plan():
    costs = seat_costs(["ann", "bob", "cat", "dan", "nobody"], SEATS, PRICES, today=TODAY, inactive_after_days=28)
    assert costs.seats == 4 and costs.monthly == 20 + 40 + 20 + 20  # "nobody" holds no seat
    assert costs.idle["member"].tolist() == ["Bob", "cat"]  # 40 days idle; never used
    assert costs.idle_monthly == 40 + 20
    shorter = seat_costs(["ann", "bob", "cat", "dan"], SEATS, PRICES, today=TODAY, inactive_after_days=7)
    assert shorter.idle["member"].tolist() == ["Bob", "cat", "dan"] and shorter.idle_monthly == 80


def history(slug: str, credits: list[float | None], monthly: int | None) -> TeamHistory:
    return TeamHistory(team=Team(name=slug.title(), slug=slug), data=[
        TeamDay(date=START + timedelta(days=n), licensed_members=6, active_users=2, ai_credits=c,
                monthly_active_users=monthly if n == len(credits) - 1 else None)
        for n, c in enumerate(credits)])


def test_credits_their_cost_and_cost_per_active_member_over_28_days():
    credits = [10.0] * 30 + [None, 5.0]  # a day without the field adds nothing
    frame = teams_frame([history("apps", credits, monthly=4)])
    end = START + timedelta(days=len(credits) - 1)
    cost = team_cost(frame, end - timedelta(days=6), end, ["ann"], SEATS, PRICES, today=TODAY,
                     inactive_after_days=28)
    assert cost.credits == pytest.approx(10 * 5 + 5)
    assert cost.credits_cost == pytest.approx(55 * 0.02)
    # A month: ann's seat ($20) and the credits of the 28 days ending on the last day (26 days of
    # 10 credits, one without, one of 5), over that day's 4 monthly active users.
    assert cost.month_total == pytest.approx(20 + (26 * 10 + 5) * 0.02)
    assert cost.per_active_member == pytest.approx((20 + (26 * 10 + 5) * 0.02) / 4)
    none = team_cost(teams_frame([history("quiet", [None, None], monthly=None)]), START, START + timedelta(days=1),
                     [], [], PRICES, today=TODAY, inactive_after_days=28)
    assert (none.credits, none.credits_cost, none.per_active_member) == (None, None, None)


def test_overview_costs_one_row_per_team_a_person_in_two_teams_counts_in_both():
    teams = teams_frame([history("apps", [1.0, 2.0], 3), history("web", [4.0, None], 2)])
    table = overview_costs(CreditFigures.of(teams, START, START + timedelta(days=1)),
                           {"apps": ["ann", "bob"], "web": ["bob", "cat"]}, SEATS, PRICES,
                           today=TODAY, inactive_after_days=28).set_index("slug")
    assert table.loc["apps", "ai_credits"] == 3.0 and table.loc["web", "ai_credits"] == 4.0
    assert table.loc["apps", "seat_month"] == 60 and table.loc["web", "seat_month"] == 60  # Bob in both
    assert table.loc["apps", "idle_seat_month"] == 40 and table.loc["web", "idle_seat_month"] == 60
    assert table.loc["apps", "monthly_active_users"] == 3


def test_prices_come_from_the_settings():
    prices = Prices.from_settings(Settings(ai_credit_price_usd=0.5, seat_price_business_usd=1,
                                           seat_price_enterprise_usd=2))
    costs = seat_costs(None, SEATS, prices, today=TODAY, inactive_after_days=28)
    assert costs.monthly == 1 + 2 + 1 + 1 + 1 and prices.credits_cost(10) == 5


def test_the_overview_gives_each_team_the_figures_of_its_own_team_page():
    """overview_costs works on all teams in one pass; each row must equal team_cost of that team alone (no
    figure leaks from one team to another),
    with days missing, days without credits or monthly users, and teams ending before the range."""
    def values(seed: int, n: int, every: int) -> list:
        return [None if (seed + k) % every == 0 else float((seed * 7 + k * 3) % 11) for k in range(n)]

    histories = []
    for t in range(12):
        credits, monthly = values(t, 60, 4 + t % 3), values(t + 1, 60, 5)
        histories.append(TeamHistory(team=Team(name=f"Team {t}", slug=f"t{t}"), data=[
            TeamDay(date=START + timedelta(days=n), licensed_members=6, active_users=2, ai_credits=credits[n],
                    monthly_active_users=None if monthly[n] is None else int(monthly[n]))
            for n in range(60 - 9 * (t % 4)) if (n + t) % 6]))  # gaps; some teams stop early
    teams = teams_frame(histories)
    members = {f"t{t}": [s.login for s in SEATS[t % 3:t % 3 + 3]] for t in range(12)}
    start, end = START + timedelta(days=35), START + timedelta(days=55)
    table = overview_costs(CreditFigures.of(teams, start, end), members, SEATS, PRICES, today=TODAY,
                           inactive_after_days=28).set_index("slug")
    assert len(table) >= 9  # teams that stopped before the range have no row
    for slug, row in table.iterrows():
        alone = team_cost(teams[teams["slug"] == slug], start, end, members[slug], SEATS, PRICES, today=TODAY,
                          inactive_after_days=28)
        for got, want in ((row["ai_credits"], alone.credits), (row["credits_cost"], alone.credits_cost),
                          (row["per_active_member"], alone.per_active_member)):
            assert (pd.isna(got) and want is None) or got == pytest.approx(want), slug
        assert (row["seats"], row["seat_month"], row["idle_seats"], row["idle_seat_month"]) == (
            alone.seats.seats, alone.seats.monthly, len(alone.seats.idle), alone.seats.idle_monthly)
    assert table["per_active_member"].notna().any() and table["ai_credits"].notna().all()
