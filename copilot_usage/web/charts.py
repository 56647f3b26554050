"""Altair charts from frames. Every axis has a title with its unit, every mark a tooltip.

Charts take frames from `analysis/` (already rolled up to the chosen granularity)
and return Altair objects; the pages only place them. The rules every chart keeps
(docs/charts.md):

- partial periods (a week or month the range cuts short) are not drawn; the page says so;
- a rate is drawn only where its base is large enough (MIN_GENERATIONS suggestions);
- one measure per title; the time axis has one label per period, under its mark.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
from altair.utils.schemapi import disable_debug_mode

from ..analysis.frames import complete_periods, spans_switch, users_long
from ..contract.figures import COLUMNS
from ..contract.names import PHASES, phase_name
from ..contract.rules import LEGACY_SWITCH, MONTH_DAYS, WEEK_DAYS

# Altair validates every object it builds against Vega-Lite's schema (each axis date, each
# encoding) by default: about a sixth of a team page's render (py-spy). A whole spec is still validated
# where it counts: the chart tests call to_dict(), which validates.
disable_debug_mode()

USER_SERIES = {"active_users": "Active users", "engaged_users": "Engaged users"}
# Contrasting hues: engaged users often nearly equal active users, and two blues merge.
SERIES_COLORS = ["#1f5fbf", "#e8710a", "#2e9e5b", "#a23bb5", "#c43c39", "#8c6d31", "#17becf", "#7f7f7f"]
HEIGHT = 340  # the whole chart: title, legend, plot and axes
# An acceptance rate over fewer suggestions than this is noise (a weekend day with 6
# suggestions and 6 acceptances reads as 100%): the rate is not drawn, the volume is.
MIN_GENERATIONS = 50
_DATE_FORMAT = {"day": "%d %b", "week": "%d %b", "month": "%b %Y"}
_PERIOD = {"day": "Day", "week": "Week starting", "month": "Month"}


def _dates(frame: pd.DataFrame) -> list[alt.DateTime]:
    """The periods' first days, as axis values: one label per period, under its point."""
    stamps = sorted(pd.to_datetime(frame["date"]).drop_duplicates()) if "date" in frame else []
    return [alt.DateTime(year=t.year, month=t.month, date=t.day) for t in stamps]


def _x(granularity: str, frame: pd.DataFrame) -> alt.X:
    return alt.X("date:T", title=_PERIOD[granularity],
                 axis=alt.Axis(format=_DATE_FORMAT[granularity], labelAngle=0, labelOverlap=True,
                               values=_dates(frame), grid=False))


def _x_bars(granularity: str) -> alt.X:
    """Discrete periods for bar charts: on a time scale a weekly bar would be a hairline."""
    unit = "yearmonth" if granularity == "month" else "yearmonthdate"
    return alt.X(f"{unit}(date):O", title=_PERIOD[granularity],
                 axis=alt.Axis(format=_DATE_FORMAT[granularity], labelAngle=0, labelOverlap=True))


def _date_tip(granularity: str) -> alt.Tooltip:
    return alt.Tooltip("date:T", title=_PERIOD[granularity],
                       format="%b %Y" if granularity == "month" else "%a %d %b %Y")


def _legend(columns: int = 2, **kwargs) -> alt.Legend:
    # Above the plot: beside it, a legend takes half a phone's width. Two columns of long names
    # overflow a phone's chart: those take one.
    return alt.Legend(orient="top", direction="horizontal", columns=columns, labelLimit=160, symbolOpacity=1,
                      **kwargs)


# The two counts of a suggestion chart under their names in the tables and downloads.
SUGGESTED, ACCEPTED = COLUMNS["code_generations"].label, COLUMNS["code_acceptances"].label


def reliable_rate(frame: pd.DataFrame, field: str = "acceptance_rate") -> pd.DataFrame:
    """`field` blanked where fewer than MIN_GENERATIONS suggestions were generated."""
    if field != "acceptance_rate" or "code_generations" not in frame:
        return frame
    return frame.assign(**{field: frame[field].where(frame["code_generations"] >= MIN_GENERATIONS)})


_INDEPENDENT_Y = alt.Resolve(scale=alt.ScaleResolveMap(y="independent"))


def _with(chart, **properties):
    """`chart` with top-level properties set in place. Altair's .properties(), .resolve_scale()
    and .configure_*() return a copy, and copying a layered chart rebuilds it: every layer
    deep-copied twice, data included (docs/architecture.md, "Pages"). For a chart just built
    here, not yet shared."""
    for name, value in properties.items():
        setattr(chart, name, value)
    return chart


def _with_switch(chart, frame: pd.DataFrame):
    """Mark 2026-04-02, when GitHub's metrics changed meaning, if the range spans it."""
    if not spans_switch(frame):
        return chart
    marker = pd.DataFrame({"date": [pd.Timestamp(LEGACY_SWITCH)], "label": ["Metrics changed"]})
    rule = alt.Chart(marker).mark_rule(color="#666", strokeDash=[4, 3]).encode(x="date:T")
    text = alt.Chart(marker).mark_text(align="left", dx=4, dy=-HEIGHT / 2 + 10, color="#555").encode(
        x="date:T", text="label:N")
    return alt.layer(chart, rule, text)


def active_users_chart(frame: pd.DataFrame, series: dict[str, str] = USER_SERIES,
                       title: str = "Active and engaged users", granularity: str = "day",
                       y_title: str | None = None):
    """Distinct users per day (a period shows the daily average; never a sum of days).

    The first series is a shaded area with its line, the others dashed lines with points:
    engaged users are a subset of active users and often nearly equal, and two solid lines
    of the same height would hide one another.
    """
    frame = complete_periods(frame)
    long = users_long(frame, series)
    present = set(long["series"])
    labels = [label for label in series.values() if label in present]  # no empty legend entries
    y_title = y_title or ("Users (people)" if granularity == "day" else "Users per day (average)")
    base = alt.Chart(long, title=title).encode(
        x=_x(granularity, frame),
        y=alt.Y("users:Q", title=y_title, axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("series:N", title=None, legend=_legend(),
                        scale=alt.Scale(domain=labels, range=SERIES_COLORS[:len(labels)])),
        tooltip=[_date_tip(granularity), alt.Tooltip("series:N", title="Series"),
                 alt.Tooltip("users:Q", title="Users", format=".1f")],
    )
    first = labels[0] if labels else ""
    area = base.transform_filter(alt.datum.series == first).mark_area(opacity=0.2, line=True, point=True)
    if len(labels) < 2:  # an empty layer is an unnamed SVG group to a screen reader (axe: svg-img-alt)
        return _with(_with_switch(alt.layer(area), frame), height=HEIGHT)
    lines = base.transform_filter(alt.datum.series != first).mark_line(
        strokeWidth=2.5, strokeDash=[6, 3], point=alt.OverlayMarkDef(shape="diamond", size=50))
    return _with(_with_switch(alt.layer(area, lines), frame), height=HEIGHT)


def acceptance_chart(frame: pd.DataFrame, granularity: str = "day"):
    """Generations and acceptances as bars, the acceptance rate (ratio of sums) as a line,
    drawn only for periods with at least MIN_GENERATIONS suggestions."""
    frame = reliable_rate(complete_periods(frame))
    counts = frame.melt(id_vars="date", value_vars=["code_generations", "code_acceptances"],
                        var_name="kind", value_name="count")
    counts["kind"] = counts["kind"].map({"code_generations": SUGGESTED, "code_acceptances": ACCEPTED})
    color = alt.Color("kind:N", title=None, legend=_legend(columns=1),
                      scale=alt.Scale(domain=[SUGGESTED, ACCEPTED, "Acceptance rate"],
                                      range=["#9db9e3", "#2e9e5b", "#c43c39"]))
    bars = alt.Chart(counts).mark_bar(opacity=0.55).encode(
        x=_x_bars(granularity), xOffset=alt.XOffset("kind:N", sort=[SUGGESTED, ACCEPTED]),
        y=alt.Y("count:Q", title="Code suggestions (count)"),
        color=color,
        tooltip=[_date_tip(granularity), alt.Tooltip("kind:N", title="Suggestions"),
                 alt.Tooltip("count:Q", title="Count", format=",")],
    )
    rate = alt.Chart(frame.assign(kind="Acceptance rate")).mark_line(point=True, strokeWidth=2).encode(
        x=_x_bars(granularity),
        y=alt.Y("acceptance_rate:Q", title="Acceptance rate (%)", axis=alt.Axis(format=".0%")),
        color=color,
        tooltip=[_date_tip(granularity), alt.Tooltip("acceptance_rate:Q", title="Acceptance rate", format=".1%"),
                 alt.Tooltip("code_acceptances:Q", title=ACCEPTED, format=","),
                 alt.Tooltip("code_generations:Q", title=SUGGESTED, format=",")],
    )
    if frame["acceptance_rate"].notna().any():
        title = alt.TitleParams("Code suggestions and acceptance rate",
                                subtitle=f"Rate shown for periods with {MIN_GENERATIONS} or more suggestions")
        return _with(alt.layer(bars, rate), resolve=_INDEPENDENT_Y, title=title, height=HEIGHT)
    # No period reaches the threshold: no rate axis reading "0%" alone, no legend entry for it,
    # and no empty layer.
    title = alt.TitleParams("Code suggestions and acceptance rate",
                            subtitle=f"No rate: no period with {MIN_GENERATIONS} or more suggestions in this range")
    counts_only = alt.Color("kind:N", title=None, legend=_legend(columns=1),
                            scale=alt.Scale(domain=[SUGGESTED, ACCEPTED], range=["#9db9e3", "#2e9e5b"]))
    return _with(alt.layer(bars.encode(color=counts_only)), title=title, height=HEIGHT)


def lines_chart(frame: pd.DataFrame, granularity: str = "day"):
    """Lines of code Copilot suggested to add against the lines actually added."""
    frame = complete_periods(frame)
    long = frame.melt(id_vars="date", value_vars=["loc_suggested_to_add", "loc_added"],
                      var_name="kind", value_name="lines")
    long["kind"] = long["kind"].map({"loc_suggested_to_add": "Suggested to add", "loc_added": "Added"})
    return alt.Chart(long, title="Lines of code suggested and added").mark_bar().encode(
        x=_x_bars(granularity), xOffset=alt.XOffset("kind:N", sort=["Suggested to add", "Added"]),
        y=alt.Y("lines:Q", title="Lines of code"),
        color=alt.Color("kind:N", title=None, legend=_legend(),
                        scale=alt.Scale(domain=["Suggested to add", "Added"], range=["#9db9e3", "#1f5fbf"])),
        tooltip=[_date_tip(granularity), alt.Tooltip("kind:N", title="Lines"),
                 alt.Tooltip("lines:Q", title="Lines", format=",")],
    ).properties(height=HEIGHT)


def feature_mix_chart(frame: pd.DataFrame, granularity: str = "day"):
    """Each feature's activity (suggestions generated plus interactions) per period, stacked.

    Counts, not shares: a 100% bar would make a day with five events look like a busy one.
    """
    frame = complete_periods(frame)
    return alt.Chart(frame, title="Activity by feature").mark_bar().encode(
        x=_x_bars(granularity),
        y=alt.Y("events:Q", stack="zero", title="Generations + interactions (count)"),
        color=alt.Color("item:N", title="Feature", scale=alt.Scale(range=SERIES_COLORS), legend=_legend()),
        tooltip=[_date_tip(granularity), alt.Tooltip("item:N", title="Feature"),
                 alt.Tooltip("events:Q", title="Generations + interactions", format=",")],
    ).properties(height=HEIGHT + 100)  # its legend has four rows


_MEASURES = {"users": ("Users per day (average)", ".1f"),
             "events": ("Generations + interactions (count)", ",")}


def share_chart(totals: pd.DataFrame, *, title: str, item_title: str, top: int = 10, measure: str = "users"):
    """Horizontal bars per item (IDE, model…): average daily users, or activity where the
    report gives no user counts (the organisation's breakdowns). The title names the measure."""
    data = totals.head(top)
    label, fmt = _MEASURES[measure]
    tips = [alt.Tooltip("item:N", title=item_title), alt.Tooltip(f"{measure}:Q", title=label, format=fmt),
            alt.Tooltip("share:Q", title="Share of activity", format=".0%")]
    return alt.Chart(data, title=f"{title}: {label[0].lower()}{label[1:]}").mark_bar(color="#1f5fbf").encode(
        y=alt.Y("item:N", title=item_title, sort="-x"),
        x=alt.X(f"{measure}:Q", title=label),
        tooltip=tips,
    ).properties(height=_bars_height(len(data)))


def _bars_height(bars: int) -> int:
    # Streamlit fits the whole chart (title and axes included) into this height.
    return 110 + 30 * max(bars, 3)


def language_chart(totals: pd.DataFrame, top: int = 12):
    """Acceptance rate per language (ratio of sums), for the languages with most generations
    among those with at least MIN_GENERATIONS suggestions over the range."""
    enough = totals[totals["code_generations"] >= MIN_GENERATIONS]
    data = enough.sort_values("code_generations", ascending=False).head(top)
    title = alt.TitleParams("Acceptance rate by language",
                            subtitle=f"Languages with {MIN_GENERATIONS} or more suggestions in the range")
    return alt.Chart(data, title=title).mark_bar(color="#2e9e5b").encode(
        y=alt.Y("item:N", title="Language", sort="-x"),
        x=alt.X("acceptance_rate:Q", title="Acceptance rate (%)", axis=alt.Axis(format=".0%")),
        tooltip=[alt.Tooltip("item:N", title="Language"),
                 alt.Tooltip("acceptance_rate:Q", title="Acceptance rate", format=".1%"),
                 alt.Tooltip("code_generations:Q", title=SUGGESTED, format=","),
                 alt.Tooltip("code_acceptances:Q", title=ACCEPTED, format=",")],
    ).properties(height=_bars_height(len(data)) + 20)


def comparison_chart(team: pd.DataFrame, org: pd.DataFrame | None, field: str, *, title: str,
                     axis_title: str, team_label: str, granularity: str = "day"):
    """A rate over time for the team, and the organisation's beside it when given."""
    keep = ["date", field, *[c for c in ("code_generations", "partial") if c in team]]
    frames = [team[keep].assign(series=team_label)]
    if org is not None and field in org:
        frames.append(org[[c for c in keep if c in org]].assign(series=ORGANISATION))
    return series_chart(pd.concat(frames, ignore_index=True), field, title=title, axis_title=axis_title,
                        granularity=granularity)


ORGANISATION = "Organisation"


def series_chart(long: pd.DataFrame, field: str, *, title: str, axis_title: str, granularity: str = "day",
                 percent: bool = True):
    """One line per series (teams), the organisation dashed grey as the reference."""
    long = reliable_rate(complete_periods(long), field).dropna(subset=[field])
    names = [n for n in dict.fromkeys(long["series"]) if n != ORGANISATION]
    domain = names + ([ORGANISATION] if (long["series"] == ORGANISATION).any() else [])
    colors = SERIES_COLORS[:len(names)] + (["#666666"] if ORGANISATION in domain else [])
    fmt = ".0%" if percent else ",.1f"
    base = alt.Chart(long).encode(
        x=_x(granularity, long), y=alt.Y(f"{field}:Q", title=axis_title, axis=alt.Axis(format=fmt)),
        color=alt.Color("series:N", title=None, legend=_legend(), scale=alt.Scale(domain=domain, range=colors)),
        tooltip=[_date_tip(granularity), alt.Tooltip("series:N", title="Who"),
                 alt.Tooltip(f"{field}:Q", title=axis_title, format=".1%" if percent else ",.1f")],
    )
    # Two layers rather than a strokeDash channel: one legend, no conflicting legend settings.
    # Only layers with data: an empty layer draws an unnamed mark group and warns of infinite extents.
    layers = []
    if names:
        layers.append(base.transform_filter(alt.datum.series != ORGANISATION).mark_line(point=True, strokeWidth=2))
    if ORGANISATION in domain or not layers:
        layers.append(base.transform_filter(alt.datum.series == ORGANISATION).mark_line(
            point=True, strokeWidth=2, strokeDash=[5, 3]))
    if field == "acceptance_rate":
        title = alt.TitleParams(title, subtitle=f"Shown for periods with {MIN_GENERATIONS} or more suggestions")
    return _with(_with_switch(alt.layer(*layers), long), title=title, height=HEIGHT)


def bands_chart(bands: pd.DataFrame):
    """How many teams fall in each acceptance-rate band."""
    return alt.Chart(bands, title="Teams by acceptance rate").mark_bar(color="#2e9e5b").encode(
        x=alt.X("band:N", title="Acceptance rate band", sort=alt.SortField("order"),
                axis=alt.Axis(labelAngle=0, labelOverlap=False, labelLimit=80)),
        y=alt.Y("teams:Q", title="Teams (count)", axis=alt.Axis(tickMinStep=1)),
        tooltip=[alt.Tooltip("band:N", title="Band"), alt.Tooltip("teams:Q", title="Teams")],
    ).properties(height=HEIGHT)


def org_users_chart(frame: pd.DataFrame, granularity: str = "day"):
    """Daily, weekly and monthly active users as GitHub reports them (never recomputed)."""
    frame = complete_periods(frame)
    series = {"daily_active_users": "Daily active", "weekly_active_users": "Weekly active",
              "monthly_active_users": "Monthly active"}
    long = users_long(frame, series)
    y_title = "Users (people)" if granularity == "day" else "Users (average of days)"
    chart = alt.Chart(long, title="Active users: daily, weekly and monthly").mark_line(
        strokeWidth=2, point=True).encode(
        x=_x(granularity, frame), y=alt.Y("users:Q", title=y_title),
        color=alt.Color("series:N", title=None, legend=_legend(),
                        scale=alt.Scale(domain=list(series.values()), range=SERIES_COLORS[:3])),
        tooltip=[_date_tip(granularity), alt.Tooltip("series:N", title="Series"),
                 alt.Tooltip("users:Q", title="Users", format=",.0f")],
    ).properties(height=HEIGHT)
    return _with_switch(chart, frame)


# Short labels: two legend columns must fit a phone; the titles say the windows and the measure.
ROLLING_SERIES = {"monthly_active_users": f"Monthly ({MONTH_DAYS} days)", "weekly_active_users": f"Weekly ({WEEK_DAYS} days)",
                  "active_users": "That day"}
REVIEW_CLI_SERIES = {"cli_users": "CLI", "code_review_users": "Review requested",
                     "code_review_passive_users": "Review automatic"}


_ROLLING_WINDOWS = {"monthly_active_users": f"{MONTH_DAYS}-day", "weekly_active_users": f"{WEEK_DAYS}-day",
                    "active_users": "daily"}


def rolling_users_chart(frame: pd.DataFrame, granularity: str = "day"):
    """Distinct members over the month and week ending each day, with the day's own active users.
    The title names only the windows drawn: in the first weeks the longer ones are still blank."""
    y_title = "Users (people)" if granularity == "day" else "Users (average of days)"
    whole = complete_periods(frame)
    drawn = [name for column, name in _ROLLING_WINDOWS.items() if column in whole and whole[column].notna().any()]
    title = "Active members: " + (" and ".join([", ".join(drawn[:-1]), drawn[-1]] if len(drawn) > 1 else drawn)
                                  or "daily")
    return active_users_chart(frame, ROLLING_SERIES, title=title, granularity=granularity, y_title=y_title)


def credits_chart(frame: pd.DataFrame, granularity: str = "day"):
    """AI credits used per period as bars, and per active member (credits / member-days) as a line."""
    frame = complete_periods(frame)
    if "ai_credits" not in frame:
        frame = frame.assign(ai_credits=pd.Series(dtype=float))
    if "credits_per_active_member" not in frame:
        frame = frame.assign(credits_per_active_member=pd.Series(dtype=float))
    frame = frame.dropna(subset=["ai_credits"])
    unit = "per day" if granularity == "day" else f"per {granularity}"
    color = alt.Color("kind:N", title=None, legend=_legend(),
                      scale=alt.Scale(domain=["AI credits", "Per active member a day"], range=["#9db9e3", "#c43c39"]))
    bars = alt.Chart(frame.assign(kind="AI credits")).mark_bar(opacity=0.8).encode(
        x=_x_bars(granularity), y=alt.Y("ai_credits:Q", title=f"AI credits {unit} (count)"), color=color,
        tooltip=[_date_tip(granularity), alt.Tooltip("ai_credits:Q", title="AI credits", format=",.1f")])
    line = alt.Chart(frame.assign(kind="Per active member a day")).mark_line(point=True, strokeWidth=2).encode(
        x=_x_bars(granularity), y=alt.Y("credits_per_active_member:Q", title="AI credits per active member a day"),
        color=color,
        tooltip=[_date_tip(granularity), alt.Tooltip("credits_per_active_member:Q",
                                                     title="Credits per active member a day", format=",.2f")])
    title = alt.TitleParams("AI credits used", subtitle="Members active that day; lines without credits add none")
    return _with(alt.layer(bars, line), resolve=_INDEPENDENT_Y, title=title, height=HEIGHT)


def review_cli_chart(frame: pd.DataFrame, granularity: str = "day"):
    """Members who used the CLI, or Copilot code review (requested, or run automatically), per day."""
    return active_users_chart(frame, REVIEW_CLI_SERIES, title="CLI and Copilot code review users", granularity=granularity)


def phase_chart(shares: pd.DataFrame, granularity: str = "day"):
    """GitHub's adoption phases as a stacked share of active members per period (100% bars:
    the phases are a composition, and the page's other charts give the volume)."""
    shares = complete_periods(shares).assign(item=lambda f: f["item"].map(phase_name))
    return alt.Chart(shares, title="Adoption phases: share of active members").mark_bar().encode(
        x=_x_bars(granularity),
        y=alt.Y("share:Q", stack="zero", title="Share of active members (%)", axis=alt.Axis(format=".0%")),
        color=alt.Color("item:N", title="Phase", sort=list(PHASES.values()), scale=alt.Scale(range=SERIES_COLORS),
                        legend=_legend()),
        tooltip=[_date_tip(granularity), alt.Tooltip("item:N", title="Phase"),
                 alt.Tooltip("share:Q", title="Share", format=".1%"),
                 alt.Tooltip("users:Q", title="Member-days", format=",")],
    ).properties(height=HEIGHT)


def person_phase_chart(days: pd.DataFrame):
    """One person's adoption phase (GitHub's ai_adoption_phase) on each active day, as a step line
    (My usage; a team's phases are `phase_chart`, a share of its active members)."""
    frame = days.dropna(subset=["phase_number"])[["date", "phase", "phase_number"]]
    frame = frame.assign(phase=frame["phase"].map(phase_name))
    order = frame.sort_values("phase_number")["phase"].drop_duplicates().tolist()[::-1]  # highest on top
    return alt.Chart(frame, title="Adoption phase over time").mark_line(interpolate="step-after", point=True).encode(
        x=_x("day", frame),  # one label a day, at the day (a few days drew 03 Dec four times)
        y=alt.Y("phase:N", title="Phase", sort=order),
        tooltip=[alt.Tooltip("date:T", title="Day", format="%Y-%m-%d"), alt.Tooltip("phase:N", title="Phase")],
    ).properties(height=220)


TEXT = "#333333"  # 12.6:1 on white; the default grey axis and legend labels reach about 3.5:1


def readable(chart):
    """Axis, legend and subtitle text dark enough to read (at least 4.5:1 on white); in place."""
    config = chart.config if chart.config is not alt.Undefined else alt.Config()
    config.axis = alt.AxisConfig(labelColor=TEXT, titleColor=TEXT)
    config.legend = alt.LegendConfig(labelColor=TEXT, titleColor=TEXT)
    config.title = alt.TitleConfig(color=TEXT, subtitleColor=TEXT)
    return _with(chart, config=config)


def title_text(chart) -> str:
    """A chart's title as plain text (for its accessible name and its table's label)."""
    def find(part):
        # The attributes, not `to_dict()`: building the whole spec for its title cost a
        # page of eleven charts half a second.
        title = getattr(part, "title", alt.Undefined)
        if title is not alt.Undefined and title:
            return title
        return next((t for t in map(find, getattr(part, "layer", None) or []) if t), None)

    title = find(chart) or ""
    if isinstance(title, alt.TitleParams):
        title = title.text
    elif isinstance(title, dict):
        title = title.get("text", "")
    return "" if title is alt.Undefined else str(title)


def chart_table(chart) -> pd.DataFrame:
    """The data a chart draws, as a table (its text alternative): the widest of its data sets."""
    frames = [c.data for c in [chart, *getattr(chart, "layer", [])] if isinstance(getattr(c, "data", None),
                                                                                    pd.DataFrame)]
    for layer in getattr(chart, "layer", []):
        frames += [c.data for c in getattr(layer, "layer", []) if isinstance(getattr(c, "data", None),
                                                                              pd.DataFrame)]
    frames = [f for f in frames if "label" not in f or len(f.columns) > 2]  # not the switch marker
    return max(frames, key=lambda f: (len(f.columns), len(f)), default=pd.DataFrame())
