"""My usage's figures: a person's own totals over a range, and the average member beside them. Pure.

    mine = my_figures(person.days)                                      # sums and a ratio of sums
    team = average_member(team_frame, "active_users", "licensed_members")
"""

from __future__ import annotations

import pandas as pd

from ..contract.figures import COLUMNS, figure

FIGURES = {  # field: label, the contract's name of each (figures.py) but the days a person was active
    "active_days": "Active days",
    **{key: COLUMNS[key].label for key in ("interactions", "code_generations")},
    "acceptance_rate": figure("acceptance_rate").label,
    **{key: COLUMNS[key].label for key in ("loc_added", "ai_credits")},
}


def my_figures(days: pd.DataFrame) -> dict[str, float | None]:
    """A person's figures over their days (rows of PersonFacts.days): sums, and a ratio of sums."""
    generations = float(days["code_generations"].sum())
    credits = days["ai_credits"].dropna()
    return {"active_days": float(len(days)), "interactions": float(days["interactions"].sum()),
            "code_generations": generations,
            "acceptance_rate": float(days["code_acceptances"].sum()) / generations if generations else None,
            "loc_added": float(days["loc_added"].sum()),
            "ai_credits": float(credits.sum()) if len(credits) else None}


def average_member(frame: pd.DataFrame, active: str, members: str) -> dict[str, float | None]:
    """The average licensed member of a team or of the organisation over a range, from its daily
    aggregates (`daily_frame` rows): totals over the range divided by the mean of its daily
    licensed members (`members`); active days are the sum of daily active users (`active`) so
    divided. Never from another person's rows, and the same cost whatever the team's size."""
    if frame.empty or members not in frame or not (frame[members] > 0).any():
        return dict.fromkeys(FIGURES)
    base = float(frame.loc[frame[members] > 0, members].mean())
    generations = float(frame["code_generations"].sum())
    credits = frame["ai_credits"].dropna() if "ai_credits" in frame else pd.Series(dtype=float)
    return {"active_days": float(frame[active].sum()) / base,
            "interactions": float(frame["interactions"].sum()) / base,
            "code_generations": generations / base,
            "acceptance_rate": float(frame["code_acceptances"].sum()) / generations if generations else None,
            "loc_added": float(frame["loc_added"].sum()) / base,
            "ai_credits": float(credits.sum()) / base if len(credits) else None}
