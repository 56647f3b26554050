"""The admins' view of all teams: one row per team, rankings, bands, comparisons. Pure.

    teams = teams_frame(histories)          # or the tables' days that `days_read(start, end)` names
    table = overview_table(teams, start, end)
    bands = acceptance_bands(table)
    series = team_series(teams, ["apps", "web"], start, end, "week")
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from ..contract.rules import month_window_start
from .frames import daily_share_parts, in_range, last_days, rated_acceptances, rollup

BANDS = [(0.0, 0.2, "under 20%"), (0.2, 0.3, "20–30%"), (0.3, 0.4, "30–40%"),
         (0.4, 0.5, "40–50%"), (0.5, 0.6, "50–60%"), (0.6, float("inf"), "60% and over")]
# The team-day fields the overview reads (its table, costs and comparison charts): the page holds
# these for every team, not every field GitHub reports.
FIELDS = ("licensed_members", "active_users", "agent_users", "monthly_active_users", "monthly_licensed_members",
          "code_acceptances", "code_generations", "interactions", "loc_added", "ai_credits")
_COUNTS = ("interactions", "loc_added", "days")  # whole numbers; the other figures are floats
COLUMNS = ["team", "slug", "licensed_members", "adoption", "active_users", "daily_active_share",
           "acceptance_rate", "interactions", "loc_added", "agent_users", "days"]


def days_read(start: date, end: date) -> tuple[date, date]:
    """The days the overview needs for the range [start, end]: the range, and the 27 days before
    it, where the cost per active member's 28-day window (costs.py) of a team whose last day
    falls early in the range begins."""
    return month_window_start(start), end


def overview_table(teams: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """One row per team with recorded days in [start, end] (gaps are simply fewer days).

    `teams` is the long frame of `frames.teams_frame` (or the store's summary).
    """
    days = in_range(teams, start, end)
    if days.empty:  # the columns typed as when there are rows (a page sorts and ranks them)
        kinds = {"team": object, "slug": object} | dict.fromkeys(_COUNTS, "int64")
        return pd.DataFrame({column: pd.Series(dtype=kinds.get(column, "float64")) for column in COLUMNS})
    # Ratios of sums over the team's own recorded days, as the team page's KPIs (kpis.py);
    # legacy days report no licences. Licensed members: the last recorded day's count ("last"
    # skips days without one). Adoption: on the team's last day with data (frames.last_days).
    active, base = daily_share_parts(days)
    days = days.assign(shared_active=active, shared_base=base, rated_acceptances=rated_acceptances(days))
    sums = days.groupby("slug").agg(
        team=("team", "last"), licensed_members=("licensed_members", "last"),
        active_users=("active_users", "mean"), shared_active=("shared_active", "sum"),
        shared_base=("shared_base", "sum"), code_acceptances=("code_acceptances", "sum"),
        rated_acceptances=("rated_acceptances", "sum"), code_generations=("code_generations", "sum"),
        interactions=("interactions", "sum"), loc_added=("loc_added", "sum"), agent_users=("agent_users", "mean"),
        days=("date", "size"))
    last = last_days(days, by="slug").set_index("slug")
    table = sums.reset_index().assign(
        adoption=lambda t: t["slug"].map(last["adoption"]) if "adoption" in last else float("nan"),
        daily_active_share=lambda t: t["shared_active"] / t["shared_base"].where(t["shared_base"] > 0),
        acceptance_rate=lambda t: t["rated_acceptances"] / t["code_generations"].where(t["code_generations"] > 0),
    ).astype(dict.fromkeys(_COUNTS, "int64"))
    return table[COLUMNS].sort_values("team", key=lambda s: s.str.lower()).reset_index(drop=True)


def search(table: pd.DataFrame, text: str) -> pd.DataFrame:
    text = (text or "").strip().lower()
    if not text:
        return table
    mask = table["team"].str.lower().str.contains(text, regex=False) | table["slug"].str.contains(text, regex=False)
    return table[mask].reset_index(drop=True)


def ranked(table: pd.DataFrame, field: str, n: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(highest n, lowest n) teams by `field`, ignoring teams without a value."""
    valid = table.dropna(subset=[field]).sort_values([field, "team"], ascending=[False, True])
    return valid.head(n).reset_index(drop=True), valid.tail(n).iloc[::-1].reset_index(drop=True)


def acceptance_bands(table: pd.DataFrame) -> pd.DataFrame:
    """How many teams fall in each acceptance-rate band (every band listed, in order)."""
    rates = table["acceptance_rate"].dropna()
    counts = [int(((rates >= low) & (rates < high)).sum()) for low, high, _ in BANDS]
    return pd.DataFrame({"band": [label for _, _, label in BANDS], "teams": counts,
                         "order": range(len(BANDS))})


SERIES_COLUMNS = ["date", "daily_active_share", "acceptance_rate", "active_users", "code_generations", "partial",
                  "period_days", "full_days", "series"]


def team_series(teams: pd.DataFrame, slugs: list[str], start: date, end: date,
                granularity: str) -> pd.DataFrame:
    """Long frame (date, series, daily_active_share, acceptance_rate, active_users…) for a few teams.

    `code_generations` and `partial` go along so the charts can apply their rules."""
    frames = []
    chosen = teams[teams["slug"].isin(slugs)]  # one pass over every team's days, not one per team
    for slug in slugs:
        days = chosen[chosen["slug"] == slug]
        if days.empty:
            continue
        rolled = rollup(in_range(days.drop(columns=["slug", "team"]).reset_index(drop=True), start, end),
                        granularity, start, end)
        frames.append(rolled[SERIES_COLUMNS[:-1]].assign(series=days["team"].iloc[-1]))
    if not frames:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    return pd.concat(frames, ignore_index=True)
