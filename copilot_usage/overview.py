"""The admins' view of all teams: one row per team, rankings, bands, comparisons. Pure.

    table = overview_table(histories, start, end)
    bands = acceptance_bands(table)
    series = team_series(histories, ["apps", "web"], start, end, "week")
"""

from __future__ import annotations

from datetime import date
from typing import Iterable

import numpy as np
import pandas as pd

from .frames import daily_frame, in_range, ratio, rollup
from .models import TeamHistory

BANDS = [(0.0, 0.2, "under 20%"), (0.2, 0.3, "20–30%"), (0.3, 0.4, "30–40%"),
         (0.4, 0.5, "40–50%"), (0.5, 0.6, "50–60%"), (0.6, float("inf"), "60% and over")]
COLUMNS = ["team", "slug", "licensed_members", "active_users", "adoption", "acceptance_rate",
           "interactions", "loc_added", "agent_users", "days"]


def _team_row(history: TeamHistory, start: date, end: date) -> dict | None:
    days = [d for d in history.data if start <= d.date <= end]
    if not days:
        return None
    licensed = [d.licensed_members for d in days if d.licensed_members is not None]
    active = sum(d.active_users for d in days)
    return {
        "team": history.team.name, "slug": history.team.slug,
        "licensed_members": float(np.mean(licensed)) if licensed else np.nan,
        "active_users": active / len(days),
        # ratio of sums over the team's own recorded days; legacy days report no licences
        "adoption": ratio(sum(d.active_users for d in days if d.licensed_members is not None), sum(licensed)),
        "acceptance_rate": ratio(sum(d.code_acceptances for d in days), sum(d.code_generations for d in days)),
        "interactions": sum(d.interactions for d in days),
        "loc_added": sum(d.loc_added for d in days),
        "agent_users": sum(d.agent_users for d in days) / len(days),
        "days": len(days),
    }


def overview_table(histories: Iterable[TeamHistory], start: date, end: date) -> pd.DataFrame:
    """One row per team with recorded days in [start, end] (gaps are simply fewer days)."""
    rows = [row for h in histories if (row := _team_row(h, start, end)) is not None]
    return pd.DataFrame(rows, columns=COLUMNS).sort_values("team", key=lambda s: s.str.lower()).reset_index(drop=True)


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


def team_series(histories: dict[str, TeamHistory], slugs: list[str], start: date, end: date,
                granularity: str) -> pd.DataFrame:
    """Long frame (date, series, adoption, acceptance_rate, active_users) for a few teams."""
    frames = []
    for slug in slugs:
        history = histories[slug]
        rolled = rollup(in_range(daily_frame(history.data), start, end), granularity)
        frames.append(rolled[["date", "adoption", "acceptance_rate", "active_users"]].assign(
            series=history.team.name))
    if not frames:
        return pd.DataFrame(columns=["date", "adoption", "acceptance_rate", "active_users", "series"])
    return pd.concat(frames, ignore_index=True)
