"""Breakdowns over a range: IDEs, features, languages, models, and adoption phases. Pure.

    frame = breakdown_frame(history.data, "by_ide")   # date, item, users, counters, events
    totals = breakdown_totals(frame)                 # per item over the range
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import numpy as np
import pandas as pd

from ..contract.counters import COUNTER_FIELDS
from ..contract.days import UsageDay
from ..contract.names import feature_name
from .frames import GRANULARITIES, mark_partial, rated_acceptances


def breakdown_frame(days: Iterable[UsageDay], name: str) -> pd.DataFrame:
    """Long frame: date, item, users, the seven counters, events (generations + interactions)."""
    rows = [{"date": pd.Timestamp(day.date), "item": item, **counters.model_dump()}
            for day in days for item, counters in getattr(day, name).items()]
    columns = ["date", "item", "users", *COUNTER_FIELDS]
    frame = pd.DataFrame(rows, columns=columns)
    frame["events"] = frame["code_generations"] + frame["interactions"]
    if name == "by_feature":
        frame["item"] = frame["item"].map(feature_name)
    return frame


def breakdown_totals(frame: pd.DataFrame) -> pd.DataFrame:
    """Per item over the range: counters summed, users as a daily average, acceptance rate, share."""
    if frame.empty:
        return pd.DataFrame(columns=["item", "users", *COUNTER_FIELDS, "events", "acceptance_rate", "share"])
    days = frame["date"].nunique()
    sums = frame.assign(_rated=rated_acceptances(frame)).groupby("item").sum(numeric_only=True)
    sums["users"] = sums["users"] / max(days, 1)
    sums["acceptance_rate"] = sums.pop("_rated") / sums["code_generations"].where(sums["code_generations"] > 0)
    sums["share"] = sums["events"] / sums["events"].sum() if sums["events"].sum() else np.nan
    return sums.sort_values("events", ascending=False).reset_index()


def breakdown_rollup(frame: pd.DataFrame, granularity: str, start: date | None = None,
                     end: date | None = None) -> pd.DataFrame:
    """A breakdown's events per item per period (days, weeks or months), partial periods marked."""
    if frame.empty:
        return frame.assign(partial=pd.Series(dtype=bool))
    period = frame["date"].dt.to_period(GRANULARITIES[granularity][0]).dt.start_time
    out = frame.assign(date=period).groupby(["date", "item"], as_index=False).sum(numeric_only=True)
    return mark_partial(out, granularity, start or frame["date"].min(), end or frame["date"].max())


def phase_frame(days: Iterable) -> pd.DataFrame:
    """Long frame (date, item = adoption phase, users) from the days' `by_adoption_phase`."""
    rows = [{"date": pd.Timestamp(day.date), "item": phase, "users": users}
            for day in days for phase, users in (getattr(day, "by_adoption_phase", None) or {}).items()]
    return pd.DataFrame(rows, columns=["date", "item", "users"]).astype({"users": "float64"})


def with_phase_columns(frame: pd.DataFrame, days: Iterable) -> pd.DataFrame:
    """The daily frame with one `adoption_phase_<name>` column per phase (members active that day
    in it), for the CSV export: a CSV has no mappings."""
    phases = phase_frame(days)
    if phases.empty or frame.empty:
        return frame
    # 0 for a phase nobody was in on a day with phases; blank only on days without any (before GitHub sent them)
    wide = phases.pivot_table(index="date", columns="item", values="users", aggfunc="sum", fill_value=0)
    wide.columns = [f"adoption_phase_{name}" for name in wide.columns]
    return frame.merge(wide.reset_index(), on="date", how="left")


def phase_shares(frame: pd.DataFrame, granularity: str, start: date | None = None,
                 end: date | None = None) -> pd.DataFrame:
    """Each phase's share of the phase counts per period (member-days summed, then divided)."""
    if frame.empty:
        return frame.assign(share=pd.Series(dtype=float), partial=pd.Series(dtype=bool))
    period = frame["date"].dt.to_period(GRANULARITIES[granularity][0]).dt.start_time
    out = frame.assign(date=period).groupby(["date", "item"], as_index=False)["users"].sum()
    out["share"] = out["users"] / out.groupby("date")["users"].transform("sum")
    return mark_partial(out, granularity, start or frame["date"].min(), end or frame["date"].max())
