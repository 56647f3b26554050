"""The view controls: date range, granularity, compare with organisation, kept in the URL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import streamlit as st

DEFAULT_DAYS = 28


@dataclass(frozen=True)
class View:
    start: date
    end: date
    granularity: str
    compare: bool

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def view_controls(first: date, last: date, *, compare: bool = True) -> View:
    """Widgets bounded by the data; their values live in the query string (?range=&by=&compare=)."""
    default = (max(first, last - timedelta(days=DEFAULT_DAYS - 1)), last)
    chosen = st.session_state.get("range")
    if not _within(chosen, first, last):
        st.session_state.pop("range", None)  # another team's range, or a hand-made URL
    cols = st.columns([3, 2, 2] if compare else [3, 2])
    picked = cols[0].date_input("Date range", value=default, min_value=first, max_value=last,
                                key="range", bind="query-params", format="YYYY-MM-DD",
                                help="Days with data; the default is the last four weeks.")
    granularity = cols[1].radio("Show by", ["day", "week", "month"], horizontal=True, key="by",
                                bind="query-params")
    on = cols[2].toggle("Compare with organisation", key="compare", bind="query-params") if compare else False
    start, end = picked if isinstance(picked, (tuple, list)) and len(picked) == 2 else default
    return View(start, end, granularity or "day", bool(on))


def _within(value, first: date, last: date) -> bool:
    if value is None:
        return True
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        return False
    return all(isinstance(d, date) and first <= d <= last for d in value) and value[0] <= value[1]
