"""The KPI row: figures over the chosen range, with the change against the period before.

Changes of rates are absolute, in percentage points ("+0.4 pp": 35.2% -> 35.6%); changes of
counts are relative, in percent ("+12%"). Each says which it is.
"""

from __future__ import annotations

import math

import streamlit as st

from ...analysis.kpis import Kpi
from ...contract.figures import FIGURES, UNKNOWN, figure


def formatted(field: str, value: float) -> str:
    """A KPI value with its unit; "–" (UNKNOWN) when there is no base to compute it from."""
    if value is None or math.isnan(value):
        return UNKNOWN
    return figure(field).format.format(value)


def change_text(kpi: Kpi, field: str = "") -> str:
    """The change against the previous period: percentage points for rates, percent for counts."""
    if field and figure(field).is_share:
        if math.isnan(kpi.points):
            return UNKNOWN
        return "±0.0 pp" if abs(kpi.points) < 0.05 else f"{kpi.points:+.1f} pp"
    if math.isnan(kpi.change):
        return UNKNOWN
    return "±0%" if abs(kpi.change) < 0.005 else f"{kpi.change:+.0%}"


def _flat(text: str) -> bool:
    return text == UNKNOWN or text.startswith("±")


def metric_width(label: str) -> int:
    """Wide enough that the label is not cut (about 7.5 px a character, its help icon beside)."""
    return 160 if len(label) <= 20 else min(320, 40 + 7 * len(label))


def changes_caption(figures, days: int) -> str:
    """What the changes under the metrics compare, or why the range's totals have none."""
    figures = list(figures)
    short = next((kpi for kpi in figures if not kpi.covered), None)
    if short is None:
        return (f"Changes against the previous {days} days: in percentage points (pp) for rates, "
                "in percent for counts and averages.")
    held = "no day" if short.previous_days == 0 else f"{short.previous_days} of {days} days"
    return (f"No change against the previous {days} days: data was collected on {held} there, against "
            f"{short.days} in this range (changes compare periods collected equally)."
            + (" Rolling counts compare with the last day before the range."
               if any(kpi.previous_days is None for kpi in figures) else ""))


def kpi_row(figures: dict[str, Kpi], days: int, *, fields: list[str] | None = None,
            labels: dict[str, str] | None = None) -> None:
    """The metrics, each with its change against the previous `days` days, in a row that wraps:
    four or more to a line on a desktop, two on a phone (columns would stack one per line)."""
    fields = fields or list(FIGURES)
    labels = labels or {}
    st.caption(changes_caption(figures.values(), days))
    with st.container(horizontal=True, gap="small"):
        for field in fields:
            kpi = figures[field]
            change = change_text(kpi, field)
            label = labels.get(field, figure(field).label)
            st.metric(label, formatted(field, kpi.value), delta=change,
                      delta_arrow="off" if _flat(change) else "auto",
                      delta_color="off" if _flat(change) else "normal", width=metric_width(label),
                      help=figure(field).help)
