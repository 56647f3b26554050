"""The figures of a range: KPIs against the previous period, rolling distinct counts on the
last day, the organisation's pull-request totals. Pure: frames in, figures out.

    row = kpis(frame, start, end)          # {name: Kpi(value, previous, days, previous_days)}
    rolling = window_kpis(frame, start, end)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from .frames import daily_share_parts, in_range, last_days, rated_acceptances, ratio

KPI_FIELDS = ("active_users", "engaged_users", "daily_active_share", "acceptance_rate", "loc_added",
              "interactions", "agent_users")


@dataclass(frozen=True)
class Kpi:
    value: float          # NaN when there is no base
    previous: float       # the same measure over the previous period of equal length
    days: int             # days with data in the range
    # Days with data in the previous period; None when the comparison is with one day (a rolling
    # count on the last day before the range).
    previous_days: int | None = None

    @property
    def covered(self) -> bool:
        """The previous period holds data on at least as many days as the range: a sum over a
        period with fewer collected days counts the missing days as zeros (a range of 90 days
        against 30 collected ones showed +443 % lines added)."""
        return self.previous_days is None or self.previous_days >= self.days

    @property
    def change(self) -> float:
        """Relative change against the previous period; NaN when that base is 0 or missing, or
        less covered than the range."""
        if not self.covered or self.previous != self.previous:
            return float("nan")
        return ratio(self.value - self.previous, self.previous)

    @property
    def points(self) -> float:
        """Absolute change in percentage points, for rates (0.352 -> 0.356 is +0.4 pp); NaN when
        the previous period is less covered than the range."""
        return (self.value - self.previous) * 100 if self.covered else float("nan")


def period_figures(frame: pd.DataFrame) -> dict[str, float]:
    """The KPI figures of one period: daily averages of user counts, ratios of sums."""
    if frame.empty:
        return {name: float("nan") for name in KPI_FIELDS}
    total = frame.sum(numeric_only=True, min_count=1)
    mean = frame.mean(numeric_only=True)
    # The organisation reports daily active users and has seats, not licensed members.
    active = "active_users" if "active_users" in frame else "daily_active_users"
    parts = daily_share_parts(frame)
    return {
        "active_users": mean.get(active, np.nan),
        "engaged_users": mean.get("engaged_users", np.nan),
        "daily_active_share": ratio(parts[0].sum(), parts[1].sum()) if parts is not None else float("nan"),
        "acceptance_rate": ratio(rated_acceptances(frame).sum(), total.get("code_generations", 0.0)),
        "loc_added": total.get("loc_added", np.nan),
        "interactions": total.get("interactions", np.nan),
        "agent_users": mean.get("agent_users", np.nan),
    }


def kpis(frame: pd.DataFrame, start: date, end: date) -> dict[str, Kpi]:
    """KPI figures over [start, end] and over the equally long period just before it."""
    length = (end - start).days + 1
    before_end = start - timedelta(days=1)
    now, before = in_range(frame, start, end), in_range(frame, before_end - timedelta(days=length - 1), before_end)
    current, previous = period_figures(now), period_figures(before)
    return {name: Kpi(current[name], previous[name], len(now), len(before)) for name in KPI_FIELDS}


WINDOW_KPI_FIELDS = ("monthly_active_users", "weekly_active_users", "adoption")


def window_kpis(frame: pd.DataFrame, start: date, end: date) -> dict[str, Kpi]:
    """Rolling figures on the range's last day with data (frames.last_days, as the overview
    reads them), against the last day with data before the range."""
    def on_last_day(upto: pd.DataFrame) -> dict[str, float]:
        if upto.empty:
            return dict.fromkeys(WINDOW_KPI_FIELDS, float("nan"))
        last = last_days(upto).iloc[0]
        return {name: float(last.get(name, np.nan)) for name in WINDOW_KPI_FIELDS}

    current = on_last_day(in_range(frame, start, end))
    previous = on_last_day(in_range(frame, None, start - timedelta(days=1)))
    days = len(in_range(frame, start, end))
    return {name: Kpi(current[name], previous[name], days) for name in WINDOW_KPI_FIELDS}


def pull_request_totals(days: Iterable) -> dict[str, str]:
    """The organisation's pull-request figures over a range, labelled; {} when none reported."""
    totals: dict[str, float] = {}
    medians = []
    for day in days:
        for key, value in (getattr(day, "pull_requests", None) or {}).items():
            if key == "median_minutes_to_merge":
                if isinstance(value, (int, float)):
                    medians.append(value)
            elif isinstance(value, (int, float)):
                totals[key] = totals.get(key, 0) + value
    if not totals and not medians:
        return {}
    labels = {"total_created": "Created", "total_merged": "Merged", "total_reviewed": "Reviewed",
              "total_created_by_copilot": "Created by Copilot", "total_reviewed_by_copilot": "Reviewed by Copilot"}
    out = {label: f"{totals[key]:,.0f}" for key, label in labels.items() if key in totals}
    if medians:
        # A median of daily medians: the daily distributions are not stored.
        out["Median time to merge"] = f"{float(np.median(medians)) / 60:.1f} hours"
    return out
