"""Altair charts from frames. Every axis has a title with its unit, every mark a tooltip."""

from __future__ import annotations

import altair as alt
import pandas as pd

from .frames import users_long

USER_SERIES = {"active_users": "Active users", "engaged_users": "Engaged users"}
ORG_USER_SERIES = {"daily_active_users": "Daily active users", "engaged_users": "Engaged users"}


def active_users_chart(frame: pd.DataFrame, series: dict[str, str] = USER_SERIES,
                       title: str = "Active and engaged users per day") -> alt.Chart:
    """Lines of distinct users per day (never summed across days)."""
    long = users_long(frame, series)
    return (
        alt.Chart(long, title=title)
        .mark_line(point=alt.OverlayMarkDef(size=18))
        .encode(
            x=alt.X("date:T", title="Day", axis=alt.Axis(format="%d %b", labelAngle=0)),
            y=alt.Y("users:Q", title="Users (people)", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("series:N", title=None, legend=alt.Legend(orient="top")),
            tooltip=[alt.Tooltip("date:T", title="Day", format="%a %d %b %Y"),
                     alt.Tooltip("series:N", title="Series"),
                     alt.Tooltip("users:Q", title="Users")],
        )
        .properties(height=320)
    )
