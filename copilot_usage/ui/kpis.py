"""The KPI row: figures over the chosen range, with the change against the period before.

Changes of rates are absolute, in percentage points ("+0.4 pp": 35.2% -> 35.6%); changes of
counts are relative, in percent ("+12%"). Each says which it is.
"""

from __future__ import annotations

import math

import streamlit as st

from ..frames import Kpi

_SPEC = {  # field: (label, format of the value, help)
    "active_users": ("Active users / day", "{:.1f}", "Daily average of members with any Copilot activity."),
    "engaged_users": ("Engaged users / day", "{:.1f}",
                      "Daily average of members who accepted a suggestion or started an interaction."),
    "adoption": ("Adoption (daily average)", "{:.1%}",
                 "Active users per day / licensed members, summed over every day of the range, weekends "
                 "included: a member active on some days only counts on those days, so adoption stays "
                 "below the share of members who used Copilot at all in the range."),
    "acceptance_rate": ("Acceptance rate", "{:.1%}", "Accepted / generated code suggestions (sums over the range)."),
    "loc_added": ("Lines added", "{:,.0f} lines", "Lines of code added with Copilot over the range."),
    "interactions": ("Interactions", "{:,.0f}", "User-initiated chat and agent requests over the range."),
    "agent_users": ("Agent users / day", "{:.1f}", "Daily average of members who used agent mode."),
}


def formatted(field: str, value: float) -> str:
    """A KPI value with its unit; "–" when there is no base to compute it from."""
    if value is None or math.isnan(value):
        return "–"
    return _SPEC[field][1].format(value)


RATES = ("adoption", "acceptance_rate")


def change_text(kpi: Kpi, field: str = "") -> str:
    """The change against the previous period: percentage points for rates, percent for counts."""
    if field in RATES:
        if math.isnan(kpi.points):
            return "–"
        return "±0.0 pp" if abs(kpi.points) < 0.05 else f"{kpi.points:+.1f} pp"
    if math.isnan(kpi.change):
        return "–"
    return "±0%" if abs(kpi.change) < 0.005 else f"{kpi.change:+.0%}"


def _flat(text: str) -> bool:
    return text == "–" or text.startswith("±")


def kpi_row(figures: dict[str, Kpi], days: int, *, fields: list[str] | None = None,
            labels: dict[str, str] | None = None) -> None:
    """Rows of four metrics, each with its change against the previous `days` days."""
    fields = fields or list(_SPEC)
    labels = labels or {}
    for row in (fields[i:i + 4] for i in range(0, len(fields), 4)):
        for col, field in zip(st.columns(4), row):
            kpi = figures[field]
            change = change_text(kpi, field)
            unit = "points" if field in RATES else "change"
            col.metric(labels.get(field, _SPEC[field][0]), formatted(field, kpi.value), delta=change,
                       delta_arrow="off" if _flat(change) else "auto",
                       delta_color="off" if _flat(change) else "normal",
                       delta_description=f"{unit} vs previous {days} days", help=_SPEC[field][2])
