"""Altair charts from frames. Every axis has a title with its unit, every mark a tooltip."""

from __future__ import annotations

import altair as alt
import pandas as pd

from .frames import users_long

USER_SERIES = {"active_users": "Active users", "engaged_users": "Engaged users"}
# Contrasting hues: engaged users often nearly equal active users, and two blues merge.
SERIES_COLORS = ["#1f5fbf", "#e8710a", "#2e9e5b", "#a23bb5"]
ORG_USER_SERIES = {"daily_active_users": "Daily active users"}


def active_users_chart(frame: pd.DataFrame, series: dict[str, str] = USER_SERIES,
                       title: str = "Active and engaged users per day") -> alt.LayerChart:
    """Distinct users per day (never summed across days).

    The first series is drawn as a shaded area and the others as lines over it:
    engaged users are a subset of active users and often nearly equal, so two
    plain lines would hide one another.
    """
    long = users_long(frame, series)
    present = set(long["series"])
    labels = [label for label in series.values() if label in present]  # no empty legend entries
    base = alt.Chart(long, title=title).encode(
        x=alt.X("date:T", title="Day", axis=alt.Axis(format="%d %b", labelAngle=0)),
        y=alt.Y("users:Q", title="Users (people)", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("series:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=labels, range=SERIES_COLORS[:len(labels)])),
        tooltip=[alt.Tooltip("date:T", title="Day", format="%a %d %b %Y"),
                 alt.Tooltip("series:N", title="Series"),
                 alt.Tooltip("users:Q", title="Users")],
    )
    first = labels[0] if labels else ""
    area = base.transform_filter(alt.datum.series == first).mark_area(opacity=0.25, line=True)
    lines = base.transform_filter(alt.datum.series != first).mark_line(strokeWidth=2)
    return alt.layer(area, lines).properties(height=320)
