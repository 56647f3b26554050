"""The view controls: date range (with presets), granularity, compare with organisation, kept in the URL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import streamlit as st

DEFAULT_DAYS = 28
PRESETS = ("7 days", "28 days", "90 days", "This month", "Last quarter", "All")


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
    # A preset sets the range at once (typed dates apply only when the field loses focus).
    st.pills("Quick range", PRESETS, key="preset", on_change=_apply_preset, args=(first, last),
             help="Ranges end on the last day collected; “Last quarter” is the last whole calendar quarter.")
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


def preset_range(name: str, first: date, last: date) -> tuple[date, date] | None:
    """The range a preset names, within the data [first, last]; None when no day of it has data."""
    if name.endswith(" days"):
        start, end = last - timedelta(days=int(name.split()[0]) - 1), last
    elif name == "This month":
        start, end = last.replace(day=1), last
    elif name == "Last quarter":
        end = date(last.year, 3 * ((last.month - 1) // 3) + 1, 1) - timedelta(days=1)
        start = date(end.year, 3 * ((end.month - 1) // 3) + 1, 1)
    elif name == "All":
        start, end = first, last
    else:
        return None
    start, end = max(start, first), min(end, last)
    return (start, end) if start <= end else None


def _apply_preset(first: date, last: date) -> None:
    chosen = preset_range(st.session_state.get("preset") or "", first, last)
    if chosen:
        st.session_state["range"] = chosen
