"""pandas frames and KPIs from stored history. Pure: records in, frames out.

    frame = daily_frame(history.data)                 # one row a day
    frame = in_range(frame, start, end)
"""

from __future__ import annotations

from datetime import date
from typing import Iterable

import pandas as pd

from .models import COUNTER_FIELDS, UsageDay

_SCALARS = ("licensed_members", "active_users", "engaged_users", "daily_active_users",
            "weekly_active_users", "monthly_active_users", "chat_users", "agent_users",
            "cli_users", "ai_credits", *COUNTER_FIELDS)


def daily_frame(days: Iterable[UsageDay]) -> pd.DataFrame:
    """One row per day with every scalar field present on the records, plus `source`."""
    rows = []
    for day in days:
        row = {"date": pd.Timestamp(day.date), "source": day.source}
        row.update({name: getattr(day, name) for name in _SCALARS if hasattr(day, name)})
        rows.append(row)
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]")})
    return frame.sort_values("date").reset_index(drop=True)


def in_range(frame: pd.DataFrame, start: date | None, end: date | None) -> pd.DataFrame:
    mask = pd.Series(True, index=frame.index)
    if start:
        mask &= frame["date"] >= pd.Timestamp(start)
    if end:
        mask &= frame["date"] <= pd.Timestamp(end)
    return frame[mask].reset_index(drop=True)


def users_long(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Wide user counts -> long (date, series, users) for a multi-line chart."""
    present = {col: label for col, label in columns.items() if col in frame}
    long = frame.melt(id_vars="date", value_vars=list(present), var_name="series", value_name="users")
    long["series"] = long["series"].map(present)
    return long.dropna(subset=["users"])
