"""Cost sections: a team's, every team's (overview), the organisation's. Figures from costs.py."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from ...analysis.costs import CreditFigures, overview_costs, team_cost
from ...analysis.pricing import Prices, money
from ...config import Settings
from ...contract.figures import COLUMNS, CURRENCY, UNKNOWN, figure
from ...contract.keys import MEMBERS_KEY
from ...contract.rules import INACTIVE_AFTER_DAYS, MONTH_DAYS
from ...contract.teams import Team
from .data import read_json, seat_snapshot
from .kpis import metric_width
from .seats import inactivity_threshold

CREDITS_HELP = ("Sum of `ai_credits_used` of the members active each day of the range (GitHub's usage "
                "signal, not the billed total); a day whose lines carry no credits adds none.")
MONTH_TOTAL_HELP = (f"Seats per month plus the cost of the AI credits of the {MONTH_DAYS} days ending on the "
                    "range's last day with data: what a month of this team's Copilot costs.")
PER_MEMBER_HELP = (f"A month's cost (seats per month plus the AI credits of the {MONTH_DAYS} days ending on the "
                   f"range's last day with data) divided by the monthly active users (distinct, {MONTH_DAYS} "
                   "days) of that day: idle seats make it higher.")
SEATS_HELP = ("Licensed members on the last collected day × their seat's price per month by plan "
              "(a seat of unknown plan is priced as Business).")
IDLE_HELP = ("Seats whose holder had no Copilot activity for longer than the inactivity threshold, or never, "
             "× their price per month: what those seats cost each month while unused.")


def _metrics(figures: list[tuple[str, str, str]]) -> None:
    with st.container(horizontal=True):  # wraps on a phone, where columns would stack
        for label, value, help_ in figures:
            st.metric(label, value, width=metric_width(label), help=help_)


def _threshold(key: str) -> int:
    """The inactivity threshold of the page's Members or Seats section: one setting, read from the
    session, so that the cost may come before the section whose slider sets it."""
    return int(st.session_state.get(key, INACTIVE_AFTER_DAYS))


def team_cost_section(settings: Settings, team: Team, daily: pd.DataFrame, start: date, end: date,
                      today: date) -> None:
    st.subheader("Cost", anchor=False)
    prices = Prices.from_settings(settings)
    snapshot = seat_snapshot(settings)
    logins = ((read_json(settings, MEMBERS_KEY) or {}).get("teams") or {}).get(team.slug, [])
    threshold = _threshold("inactive_after")  # the Members slider
    cost = team_cost(daily, start, end, logins, snapshot.seats if snapshot else [], prices, today=today,
                     inactive_after_days=threshold)
    _metrics([
        ("AI credits in the range", UNKNOWN if cost.credits is None else f"{cost.credits:,.0f}", CREDITS_HELP),
        (COLUMNS["credits_cost"].label, money(cost.credits_cost), CREDITS_HELP),
        (COLUMNS["month_total"].label, money(cost.month_total), MONTH_TOTAL_HELP),
        (COLUMNS["per_active_member"].label, money(cost.per_active_member, cents=True), PER_MEMBER_HELP),
        (COLUMNS["seat_month"].label, money(cost.seats.monthly) if snapshot else UNKNOWN, SEATS_HELP),
        (COLUMNS["idle_seat_month"].label, money(cost.seats.idle_monthly) if snapshot else UNKNOWN, IDLE_HELP),
    ])
    st.caption(prices.note())
    if not snapshot:
        st.caption("Seat costs appear once the collector has taken a seat snapshot.")
    elif cost.seats.idle.empty:
        st.caption(f"No seat of this team has been idle for more than {threshold} days.")
    else:
        idle = cost.seats.idle
        with st.expander(f"Idle seats: {len(idle)} with no activity for more than {threshold} days "
                         "(threshold set under Members)"):
            _idle_table(idle)


def _idle_table(idle: pd.DataFrame) -> None:
    st.dataframe(idle.assign(
        last_activity=idle["last_activity"].map(lambda d: "never" if d is None or pd.isna(d) else f"{d:%Y-%m-%d}"),
        days_since_activity=idle["days_since_activity"].map(lambda d: UNKNOWN if pd.isna(d) else f"{d:.0f} days")),
        hide_index=True, placeholder=UNKNOWN, width="stretch",
        column_config={"member": "Member", "status": "Status", "plan": "Plan", "last_activity": "Last activity",
                       "days_since_activity": "Days since",
                       "seat_month": st.column_config.NumberColumn(f"Seat per month ({CURRENCY})", format="$%.2f")})


# The names are the contract's (figures.py): the same figure reads the same in every table and download.
OVERVIEW_COST_COLUMNS = {
    "team": COLUMNS["team"].label,
    "monthly_active_users": st.column_config.NumberColumn(
        figure("monthly_active_users").label, format="%d",
        help=f"Distinct members active in the {MONTH_DAYS} days ending on the range's last day."),
    "ai_credits": st.column_config.NumberColumn(COLUMNS["ai_credits"].label, format="localized", help="Over the range."),
    "credits_cost": st.column_config.NumberColumn(COLUMNS["credits_cost"].label, format="$%.2f",
                                                  help="The AI credits of the range × the credit price."),
    "per_active_member": st.column_config.NumberColumn(COLUMNS["per_active_member"].label, format="$%.2f",
                                                       help=PER_MEMBER_HELP),
    "seats": st.column_config.NumberColumn(COLUMNS["seats"].label, format="%d", help="Licensed members holding a seat."),
    "seat_month": st.column_config.NumberColumn(COLUMNS["seat_month"].label, format="$%.0f", help=SEATS_HELP),
    "idle_seats": st.column_config.NumberColumn(COLUMNS["idle_seats"].label, format="%d", help=IDLE_HELP),
    "idle_seat_month": st.column_config.NumberColumn(COLUMNS["idle_seat_month"].label, format="$%.0f",
                                                     help=IDLE_HELP),
}


def overview_cost_section(settings: Settings, figures: CreditFigures, start: date, end: date,
                          today: date) -> pd.DataFrame:
    """Every team's cost, sortable, with totals; returns the table (for the export)."""
    st.header("Cost", anchor=False)
    prices = Prices.from_settings(settings)
    snapshot = seat_snapshot(settings)
    members = (read_json(settings, MEMBERS_KEY) or {}).get("teams") or {}
    threshold = inactivity_threshold("overview_inactive_after", "A seat without Copilot activity for longer counts as idle.")
    table = overview_costs(figures, members, snapshot.seats if snapshot else [], prices, today=today,
                           inactive_after_days=threshold)
    credits = table["ai_credits"].sum(min_count=1)
    _metrics([
        ("AI credits, all teams", UNKNOWN if pd.isna(credits) else f"{credits:,.0f}",
         CREDITS_HELP + " A person in two teams counts in both, so this can exceed the organisation's."),
        (COLUMNS["credits_cost"].label, money(prices.credits_cost(None if pd.isna(credits) else float(credits))),
         CREDITS_HELP),
        (COLUMNS["seat_month"].label, money(float(table["seat_month"].sum())),
         SEATS_HELP + " Summed over teams: a seat in two teams counts twice."),
        (COLUMNS["idle_seat_month"].label, money(float(table["idle_seat_month"].sum())), IDLE_HELP),
    ])
    st.dataframe(table.drop(columns=["slug"]), hide_index=True, placeholder=UNKNOWN, width="stretch",
                 column_config=OVERVIEW_COST_COLUMNS)
    st.caption(f"Credits over {start:%d %b %Y} – {end:%d %b %Y}; seats per month from the seat snapshot; "
               f"idle = no activity for more than {threshold} days. Sort by clicking a column. " + prices.note())
    return table


def org_cost_section(settings: Settings, daily: pd.DataFrame, start: date, end: date, today: date) -> None:
    st.header("Cost", anchor=False)
    prices = Prices.from_settings(settings)
    snapshot = seat_snapshot(settings)
    threshold = _threshold("seats_inactive_after")  # the Seats slider
    cost = team_cost(daily, start, end, None, snapshot.seats if snapshot else [], prices, today=today,
                     inactive_after_days=threshold)
    _metrics([
        ("AI credits in the range", UNKNOWN if cost.credits is None else f"{cost.credits:,.0f}",
         "Sum of `ai_credits_used` over the organisation's daily report (GitHub's usage signal, not the "
         "billed total). Each person counts once, unlike the sum of teams."),
        (COLUMNS["credits_cost"].label, money(cost.credits_cost), CREDITS_HELP),
        (COLUMNS["seat_month"].label, money(cost.seats.monthly) if snapshot else UNKNOWN,
         "Every seat of the seat snapshot × its price per month by plan."),
        (COLUMNS["idle_seat_month"].label, money(cost.seats.idle_monthly) if snapshot else UNKNOWN, IDLE_HELP),
        ("Idle seats", f"{len(cost.seats.idle)}" if snapshot else UNKNOWN, IDLE_HELP),
    ])
    st.caption(prices.note())
