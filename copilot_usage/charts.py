"""Altair charts from frames. Every axis has a title with its unit, every mark a tooltip.

Charts take frames from `frames.py` (already rolled up to the chosen granularity)
and return Altair objects; the pages only place them.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from .frames import LEGACY_SWITCH, spans_switch, users_long

USER_SERIES = {"active_users": "Active users", "engaged_users": "Engaged users"}
ORG_USER_SERIES = {"daily_active_users": "Daily active users", "engaged_users": "Engaged users"}
# Contrasting hues: engaged users often nearly equal active users, and two blues merge.
SERIES_COLORS = ["#1f5fbf", "#e8710a", "#2e9e5b", "#a23bb5", "#c43c39", "#8c6d31", "#17becf", "#7f7f7f"]
HEIGHT = 300
_DATE_FORMAT = {"day": "%d %b", "week": "%d %b", "month": "%b %Y"}
_PERIOD = {"day": "Day", "week": "Week starting", "month": "Month"}


def _x(granularity: str) -> alt.X:
    return alt.X("date:T", title=_PERIOD[granularity],
                 axis=alt.Axis(format=_DATE_FORMAT[granularity], labelAngle=0, labelOverlap=True))


def _x_bars(granularity: str) -> alt.X:
    """Discrete periods for bar charts: on a time scale a weekly bar would be a hairline."""
    unit = "yearmonth" if granularity == "month" else "yearmonthdate"
    return alt.X(f"{unit}(date):O", title=_PERIOD[granularity],
                 axis=alt.Axis(format=_DATE_FORMAT[granularity], labelAngle=0, labelOverlap=True))


def _date_tip(granularity: str) -> alt.Tooltip:
    return alt.Tooltip("date:T", title=_PERIOD[granularity],
                       format="%b %Y" if granularity == "month" else "%a %d %b %Y")


def _with_switch(chart, frame: pd.DataFrame):
    """Mark 2026-04-02, when GitHub's metrics changed meaning, if the range spans it."""
    if not spans_switch(frame):
        return chart
    marker = pd.DataFrame({"date": [pd.Timestamp(LEGACY_SWITCH)], "label": ["Metrics changed"]})
    rule = alt.Chart(marker).mark_rule(color="#888", strokeDash=[4, 3]).encode(x="date:T")
    text = alt.Chart(marker).mark_text(align="left", dx=4, dy=-HEIGHT / 2 + 10, color="#666").encode(
        x="date:T", text="label:N")
    return alt.layer(chart, rule, text)


def active_users_chart(frame: pd.DataFrame, series: dict[str, str] = USER_SERIES,
                       title: str = "Active and engaged users", granularity: str = "day"):
    """Distinct users per day (a period shows the daily average; never a sum of days).

    The first series is a shaded area and the others lines over it: engaged users
    are a subset of active users and often nearly equal, so two lines would hide.
    """
    long = users_long(frame, series)
    present = set(long["series"])
    labels = [label for label in series.values() if label in present]  # no empty legend entries
    y_title = "Users (people)" if granularity == "day" else "Users per day (average)"
    base = alt.Chart(long, title=title).encode(
        x=_x(granularity),
        y=alt.Y("users:Q", title=y_title, axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("series:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=labels, range=SERIES_COLORS[:len(labels)])),
        tooltip=[_date_tip(granularity), alt.Tooltip("series:N", title="Series"),
                 alt.Tooltip("users:Q", title="Users", format=".1f")],
    )
    first = labels[0] if labels else ""
    area = base.transform_filter(alt.datum.series == first).mark_area(opacity=0.25, line=True)
    lines = base.transform_filter(alt.datum.series != first).mark_line(strokeWidth=2)
    return _with_switch(alt.layer(area, lines), frame).properties(height=HEIGHT)


def acceptance_chart(frame: pd.DataFrame, granularity: str = "day"):
    """Generations and acceptances as bars, the acceptance rate (ratio of sums) as a line."""
    counts = frame.melt(id_vars="date", value_vars=["code_generations", "code_acceptances"],
                        var_name="kind", value_name="count")
    counts["kind"] = counts["kind"].map({"code_generations": "Generated", "code_acceptances": "Accepted"})
    bars = alt.Chart(counts).mark_bar(opacity=0.55).encode(
        x=_x_bars(granularity), xOffset=alt.XOffset("kind:N", sort=["Generated", "Accepted"]),
        y=alt.Y("count:Q", title="Code suggestions (count)"),
        color=alt.Color("kind:N", title=None, scale=alt.Scale(domain=["Generated", "Accepted", "Acceptance rate"],
                                                               range=["#9db9e3", "#2e9e5b", "#c43c39"]),
                        legend=alt.Legend(orient="top")),
        tooltip=[_date_tip(granularity), alt.Tooltip("kind:N", title="Suggestions"),
                 alt.Tooltip("count:Q", title="Count", format=",")],
    )
    rate = alt.Chart(frame.assign(kind="Acceptance rate")).mark_line(point=True, strokeWidth=2).encode(
        x=_x_bars(granularity),
        y=alt.Y("acceptance_rate:Q", title="Acceptance rate (%)", axis=alt.Axis(format=".0%")),
        color=alt.Color("kind:N", title=None),
        tooltip=[_date_tip(granularity), alt.Tooltip("acceptance_rate:Q", title="Acceptance rate", format=".1%"),
                 alt.Tooltip("code_acceptances:Q", title="Accepted", format=","),
                 alt.Tooltip("code_generations:Q", title="Generated", format=",")],
    )
    return alt.layer(bars, rate).resolve_scale(y="independent").properties(
        title="Code suggestions and acceptance rate", height=HEIGHT)


def lines_chart(frame: pd.DataFrame, granularity: str = "day"):
    """Lines of code Copilot suggested to add against the lines actually added."""
    long = frame.melt(id_vars="date", value_vars=["loc_suggested_to_add", "loc_added"],
                      var_name="kind", value_name="lines")
    long["kind"] = long["kind"].map({"loc_suggested_to_add": "Suggested to add", "loc_added": "Added"})
    return alt.Chart(long, title="Lines of code suggested and added").mark_bar().encode(
        x=_x_bars(granularity), xOffset=alt.XOffset("kind:N", sort=["Suggested to add", "Added"]),
        y=alt.Y("lines:Q", title="Lines of code"),
        color=alt.Color("kind:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=["Suggested to add", "Added"], range=["#9db9e3", "#1f5fbf"])),
        tooltip=[_date_tip(granularity), alt.Tooltip("kind:N", title="Lines"),
                 alt.Tooltip("lines:Q", title="Lines", format=",")],
    ).properties(height=HEIGHT)


def feature_mix_chart(frame: pd.DataFrame, granularity: str = "day"):
    """Each feature's share of activity (suggestions generated plus interactions) per period."""
    return alt.Chart(frame, title="Feature mix").mark_bar().encode(
        x=_x_bars(granularity),
        y=alt.Y("events:Q", stack="normalize", title="Share of activity (%)", axis=alt.Axis(format=".0%")),
        color=alt.Color("item:N", title="Feature", scale=alt.Scale(range=SERIES_COLORS)),
        order=alt.Order("item:N"),
        tooltip=[_date_tip(granularity), alt.Tooltip("item:N", title="Feature"),
                 alt.Tooltip("events:Q", title="Generations + interactions", format=","),
                 alt.Tooltip("users:Q", title="Users (sum of days)", format=",")],
    ).properties(height=HEIGHT)


_MEASURES = {"users": ("Users per day (average)", ".1f"),
             "events": ("Generations + interactions (count)", ",")}


def share_chart(totals: pd.DataFrame, *, title: str, item_title: str, top: int = 10, measure: str = "users"):
    """Horizontal bars per item (IDE, model…): average daily users, or activity where the
    report gives no user counts (the organisation's breakdowns)."""
    data = totals.head(top)
    return alt.Chart(data, title=title).mark_bar(color="#1f5fbf").encode(
        y=alt.Y("item:N", title=item_title, sort="-x"),
        x=alt.X(f"{measure}:Q", title=_MEASURES[measure][0]),
        tooltip=[alt.Tooltip("item:N", title=item_title),
                 alt.Tooltip("users:Q", title="Users per day", format=".1f"),
                 alt.Tooltip("share:Q", title="Share of activity", format=".0%"),
                 alt.Tooltip("events:Q", title="Generations + interactions", format=",")],
    ).properties(height=_bars_height(len(data)))


def _bars_height(bars: int) -> int:
    # Streamlit fits the whole chart (title and axes included) into this height.
    return 110 + 30 * max(bars, 3)


def language_chart(totals: pd.DataFrame, top: int = 12):
    """Acceptance rate per language (ratio of sums), for the languages with most generations."""
    data = totals[totals["code_generations"] > 0].sort_values("code_generations", ascending=False).head(top)
    return alt.Chart(data, title="Acceptance rate by language").mark_bar(color="#2e9e5b").encode(
        y=alt.Y("item:N", title="Language", sort="-x"),
        x=alt.X("acceptance_rate:Q", title="Acceptance rate (%)", axis=alt.Axis(format=".0%")),
        tooltip=[alt.Tooltip("item:N", title="Language"),
                 alt.Tooltip("acceptance_rate:Q", title="Acceptance rate", format=".1%"),
                 alt.Tooltip("code_generations:Q", title="Generated", format=","),
                 alt.Tooltip("code_acceptances:Q", title="Accepted", format=",")],
    ).properties(height=_bars_height(len(data)))


def comparison_chart(team: pd.DataFrame, org: pd.DataFrame | None, field: str, *, title: str,
                     axis_title: str, team_label: str, granularity: str = "day"):
    """A rate over time for the team, and the organisation's beside it when given."""
    frames = [team[["date", field]].assign(series=team_label)]
    if org is not None and field in org:
        frames.append(org[["date", field]].assign(series=ORGANISATION))
    return series_chart(pd.concat(frames, ignore_index=True), field, title=title, axis_title=axis_title,
                        granularity=granularity)


ORGANISATION = "Organisation"


def series_chart(long: pd.DataFrame, field: str, *, title: str, axis_title: str, granularity: str = "day",
                 percent: bool = True):
    """One line per series (teams), the organisation dashed grey as the reference."""
    long = long.dropna(subset=[field])
    names = [n for n in dict.fromkeys(long["series"]) if n != ORGANISATION]
    domain = names + ([ORGANISATION] if (long["series"] == ORGANISATION).any() else [])
    colors = SERIES_COLORS[:len(names)] + (["#888888"] if ORGANISATION in domain else [])
    dashes = [[1, 0]] * len(names) + ([[5, 3]] if ORGANISATION in domain else [])
    fmt = ".0%" if percent else ",.1f"
    chart = alt.Chart(long, title=title).mark_line(point=True, strokeWidth=2).encode(
        x=_x(granularity), y=alt.Y(f"{field}:Q", title=axis_title, axis=alt.Axis(format=fmt)),
        color=alt.Color("series:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=domain, range=colors)),
        strokeDash=alt.StrokeDash("series:N", legend=None, scale=alt.Scale(domain=domain, range=dashes)),
        tooltip=[_date_tip(granularity), alt.Tooltip("series:N", title="Who"),
                 alt.Tooltip(f"{field}:Q", title=axis_title, format=".1%" if percent else ",.1f")],
    ).properties(height=HEIGHT)
    return _with_switch(chart, long)


def bands_chart(bands: pd.DataFrame):
    """How many teams fall in each acceptance-rate band."""
    return alt.Chart(bands, title="Teams by acceptance rate").mark_bar(color="#2e9e5b").encode(
        x=alt.X("band:N", title="Acceptance rate band", sort=alt.SortField("order"),
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("teams:Q", title="Teams (count)", axis=alt.Axis(tickMinStep=1)),
        tooltip=[alt.Tooltip("band:N", title="Band"), alt.Tooltip("teams:Q", title="Teams")],
    ).properties(height=HEIGHT)


def org_users_chart(frame: pd.DataFrame, granularity: str = "day"):
    """Daily, weekly and monthly active users as GitHub reports them (never recomputed)."""
    series = {"daily_active_users": "Daily active", "weekly_active_users": "Weekly active",
              "monthly_active_users": "Monthly active"}
    long = users_long(frame, series)
    y_title = "Users (people)" if granularity == "day" else "Users (average of days)"
    chart = alt.Chart(long, title="Active users").mark_line(strokeWidth=2).encode(
        x=_x(granularity), y=alt.Y("users:Q", title=y_title),
        color=alt.Color("series:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=list(series.values()), range=SERIES_COLORS[:3])),
        tooltip=[_date_tip(granularity), alt.Tooltip("series:N", title="Series"),
                 alt.Tooltip("users:Q", title="Users", format=",.0f")],
    ).properties(height=HEIGHT)
    return _with_switch(chart, frame)
