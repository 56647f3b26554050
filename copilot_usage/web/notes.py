"""Sentences about what a page shows: provisional and legacy days in the range, partial periods.

    for note in range_notes(frame, last_collected, today):
        st.caption(note)
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from ..analysis.frames import daily_share_parts
from ..contract.figures import figure
from ..contract.rules import LEGACY_METRICS, LEGACY_SWITCH, MONTH_DAYS, PROVISIONAL_DAYS, WEEK_DAYS


def range_notes(frame: pd.DataFrame, last_collected: date | None, today: date) -> list[str]:
    """Sentences about provisional days and legacy days inside the shown range."""
    notes = []
    if frame.empty:
        return notes
    if last_collected and (today - last_collected).days <= PROVISIONAL_DAYS + 1 and \
            frame["date"].max() >= pd.Timestamp(today - timedelta(days=PROVISIONAL_DAYS + 1)):
        notes.append("The last three days are provisional: GitHub may still revise them, and the next "
                     "collection replaces them.")
    parts = daily_share_parts(frame)
    counted = 0 if parts is None else int(parts[1].notna().sum())
    coverage = (f" \"{figure('daily_active_share').label}\" counts only the {counted} of {len(frame)} days "
                "that have a licensed-member "
                "count: that endpoint reported none." if 0 < counted < len(frame) else "")
    if (frame["source"] == LEGACY_METRICS).any():
        notes.append(f"Days before {LEGACY_SWITCH:%d %b %Y} come from GitHub's retired metrics endpoint: "
                     "its counters covered code completions only, so they are not comparable one-to-one "
                     "with later days (the switch is marked on the time axis)." + coverage)
    elif coverage:
        notes.append(coverage.strip().replace(": that endpoint reported none.", "."))
    return notes


def first_days_note(first_fact_day: date | None, end: date) -> str | None:
    """When a range ends before the windows fit (the first weeks of a store), one sentence
    saying when the weekly and monthly figures begin; None once they do."""
    if first_fact_day is None:
        return None
    monthly = first_fact_day + timedelta(days=MONTH_DAYS - 1)
    weekly = first_fact_day + timedelta(days=WEEK_DAYS - 1)
    if end >= monthly:
        return None
    parts = [f"adoption and monthly active users start on {monthly:%d %b %Y}, after {MONTH_DAYS} days of data"]
    if end < weekly:
        parts.append(f"weekly active users on {weekly:%d %b %Y}, after {WEEK_DAYS}")
    return f"Per-user data has been collected since {first_fact_day:%d %b %Y}: {'; '.join(parts)}."


def partial_note(periods: pd.DataFrame, granularity: str) -> str | None:
    """A sentence naming the partial periods the charts leave out, or None."""
    if "partial" not in periods or not periods["partial"].any():
        return None
    cut = periods[periods["partial"].astype(bool)].drop_duplicates("date")
    fmt = "%b %Y" if granularity == "month" else "week of %d %b"
    parts = [f"{row.date:{fmt}} ({row.period_days:.0f} of {row.full_days:.0f} days in the range)"
             for row in cut.itertuples()]
    return (f"Partial {granularity}s are left out of the charts so that a short period does not look like "
            f"a jump: {', '.join(parts)}. Their days still count in the figures above and in the downloads.")
