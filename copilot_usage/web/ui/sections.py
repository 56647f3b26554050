"""Page sections shared by the team and organisation pages: charts, breakdowns, exports."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Hashable
from dataclasses import replace

import pandas as pd
import streamlit as st

from ...analysis.breakdowns import (
    breakdown_frame,
    breakdown_rollup,
    breakdown_totals,
    phase_frame,
    phase_shares,
)
from ...analysis.exports import people_table, range_header
from ...analysis.frames import complete_periods, fitting_granularity
from ...analysis.overview import ranked
from ...contract.days import UsageDay
from ...contract.figures import COLUMNS, UNKNOWN, figure
from ...contract.rules import MONTH_DAYS, WEEK_DAYS
from .. import charts
from ..charts import ORGANISATION
from ..notes import partial_note
from .controls import View

_TABLE_NAMES = {"date": "Period starting", "item": "Item", "series": "Series", "users": "Users",
                "kind": "Kind", "count": "Count", "lines": "Lines", "events": "Generations + interactions",
                "acceptance_rate": "Acceptance rate (%)", "adoption": f"{figure('adoption').label} (%)",
                "daily_active_share": f"{figure('daily_active_share').label} (%)", "band": "Band",
                "teams": "Teams", "code_generations": charts.SUGGESTED, "code_acceptances": charts.ACCEPTED,
                "active_users": "Active users", "share": "Share (%)", "ai_credits": "AI credits",
                "credits_per_active_member": "AI credits per active member a day"}
_RATES = ("acceptance_rate", "adoption", "daily_active_share", "share")
_INTERNAL = ("order", "partial", "full_days", "period_days", "source")


def drawn_once(key: tuple[Hashable, ...], draw: Callable[[], None]) -> None:
    """Calls `draw` once per key; a later run with the same key sends what it drew again.

    Streamlit records the elements a cached function draws and replays them on a hit, so a
    run that shows what an earlier run (of any viewer) drew skips pandas and Altair: most of a
    team page's run (docs/architecture.md, "Pages"). `key` names everything the elements
    depend on, the versions of the data read and the view; `draw` holds no widget."""
    _drawn(key, draw)


# A view holds its charts with their data, so its size follows the range; 64 views stay small
# even at a year each (sizes measured: docs/architecture.md, "Pages").
@st.cache_resource(ttl=300, max_entries=64, show_spinner=False)
def _drawn(key: tuple[Hashable, ...], _draw: Callable[[], None]) -> None:
    _draw()


def show(chart) -> None:
    """A chart with an accessible name, and its figures as a table for screen readers and copying."""
    title = charts.title_text(chart) or "Chart"
    chart.description = f"Chart: {title}. Its figures are in the table below it."  # in place: a copy rebuilds layers
    chart = charts.readable(chart)
    # Streamlit validates each spec against Vega-Lite's JSON schema on every render, most of a
    # team page's render (docs/architecture.md, "Pages"); the chart tests validate the builders'.
    object.__setattr__(chart, "to_dict", functools.partial(chart.to_dict, validate=False))
    st.altair_chart(chart, width="stretch")
    table = readable_table(charts.chart_table(chart))
    with st.expander(f"{title}: table"):
        st.dataframe(table, hide_index=True, placeholder=UNKNOWN, width="stretch")


def readable_table(data: pd.DataFrame) -> pd.DataFrame:
    """A chart's data with named columns, dates as days and rates in percent (one decimal)."""
    table = data.drop(columns=[c for c in _INTERNAL if c in data])
    if "date" in table:
        table = table.assign(date=pd.to_datetime(table["date"]).dt.strftime("%Y-%m-%d"))
    for col in _RATES:
        if col in table:
            table[col] = (table[col] * 100).round(1)
    keep = [c for c in table.columns if c in _TABLE_NAMES]
    return table[keep].rename(columns=_TABLE_NAMES)


def chart_view(view: View) -> View:
    """The view the charts use: a finer granularity when the range holds under two whole periods."""
    fitted = fitting_granularity(view.start, view.end, view.granularity)
    if fitted != view.granularity:
        st.info(f"{view.days} days hold fewer than two whole {view.granularity}s, so the charts show "
                f"{fitted}s instead.", icon=":material/info:")
    return replace(view, granularity=fitted)


def note_partial(rolled: pd.DataFrame, view: View) -> None:
    if note := partial_note(rolled, view.granularity):
        st.caption(note)



def activity_charts(rolled: pd.DataFrame, view: View, users: dict[str, str] | None) -> None:
    """Users over time (when given); suggestions with the acceptance rate; lines suggested and added."""
    if users:
        left, right = st.columns(2)
        with left:
            show(charts.active_users_chart(rolled, users, granularity=view.granularity))
        with right:
            show(charts.acceptance_chart(rolled, view.granularity))
        show(charts.lines_chart(rolled, view.granularity))
        return
    left, right = st.columns(2)
    with left:
        show(charts.acceptance_chart(rolled, view.granularity))
    with right:
        show(charts.lines_chart(rolled, view.granularity))


def team_usage_charts(rolled: pd.DataFrame, days: list, view: View) -> None:
    """Rolling active users, AI credits, CLI and code review users, adoption phases (team pages)."""
    st.caption(f"Monthly and weekly active users are distinct members over the {MONTH_DAYS} and {WEEK_DAYS} "
               "days ending each day (blank until that many days have been collected); a person in two teams counts in "
               "both, so teams do not add up to the organisation.")
    whole = complete_periods(rolled)
    shares = phase_shares(phase_frame(days), view.granularity, view.start, view.end)
    left, right = st.columns(2)
    with left:
        show(charts.rolling_users_chart(rolled, view.granularity))
    with right:  # days before GitHub added a field have nothing to draw: said, not an empty chart
        if "ai_credits" in whole and whole["ai_credits"].notna().any():
            show(charts.credits_chart(rolled, view.granularity))
        else:
            st.caption("No AI credits in this range: GitHub's lines carry `ai_credits_used` from mid-2026 on.")
    left, right = st.columns(2)
    with left:
        show(charts.review_cli_chart(rolled, view.granularity))
    with right:
        if not complete_periods(shares).empty:
            show(charts.phase_chart(shares, view.granularity))
        else:
            st.caption("No adoption phases in this range: lines carry `ai_adoption_phase` from mid-2026 on.")


def breakdown_charts(days: list[UsageDay], view: View) -> None:
    """Feature activity over time, IDE and model use, and languages with their acceptance rates."""
    features = breakdown_frame(days, "by_feature")
    ides = breakdown_totals(breakdown_frame(days, "by_ide"))
    models = breakdown_totals(breakdown_frame(days, "by_model"))
    languages = breakdown_totals(breakdown_frame(days, "by_language"))
    # Team breakdowns count distinct users; the organisation's report gives activity only.
    measure = "users" if ides["users"].sum() > 0 else "events"
    left, right = st.columns(2)
    with left:
        show(charts.feature_mix_chart(breakdown_rollup(features, view.granularity, view.start, view.end),
                                       view.granularity))
    with right:  # an empty chart would be an unnamed SVG group to a screen reader
        if (languages["code_generations"] >= charts.MIN_GENERATIONS).any():
            show(charts.language_chart(languages))
        else:
            st.caption(f"No acceptance rate by language yet: no language has {charts.MIN_GENERATIONS} or more "
                       "suggestions in this range.")
    left, right = st.columns(2)
    with left:
        show(charts.share_chart(ides, title="IDEs", item_title="IDE", measure=measure))
    with right:
        show(charts.share_chart(models, title="Models", item_title="Model", measure=measure))
    st.markdown("**Languages**")  # the whole width: five columns do not fit beside a chart
    columns = ["item", "users", "code_generations", "code_acceptances", "acceptance_rate", "loc_added"]
    shown = languages[[c for c in columns if c != "users" or measure == "users"]]
    st.dataframe(
        percent_columns(shown, ["acceptance_rate"]), hide_index=True, placeholder=UNKNOWN, width="stretch",
        column_config={
            "item": "Language",
            "users": st.column_config.NumberColumn("Users / day", format="%.1f"),
            "code_generations": st.column_config.NumberColumn(charts.SUGGESTED, format="localized"),
            "code_acceptances": st.column_config.NumberColumn(charts.ACCEPTED, format="localized"),
            "acceptance_rate": st.column_config.NumberColumn("Acceptance rate", format="%.1f%%"),
            "loc_added": st.column_config.NumberColumn("Lines added", format="localized"),
        })


def percent_columns(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Fractions as percent numbers for display with "%.1f%%": one decimal in every row."""
    return frame.assign(**{c: frame[c] * 100 for c in columns if c in frame})


def comparison_charts(team: pd.DataFrame, org: pd.DataFrame | None, view: View, team_label: str) -> None:
    left, right = st.columns(2)
    with left:
        show(charts.comparison_chart(team, org, "daily_active_share", title=figure("daily_active_share").label,
                                      team_label=team_label, axis_title="Licensed members active (%)",
                                      granularity=view.granularity))
    with right:
        show(charts.comparison_chart(team, org, "acceptance_rate", title="Acceptance rate",
                                      team_label=team_label, axis_title="Acceptance rate (%)",
                                      granularity=view.granularity))


_PER = {"day": "Daily", "week": "Weekly", "month": "Monthly"}


def exports(table: Callable[[], pd.DataFrame], name: str, view: View, history: Callable[[], dict] | None = None,
            *, label: str | None = None, dated: bool = True) -> None:
    """The table people download (CSV: rows by the view's day, week or month when `dated`, headers
    in words, analysis/exports.py) and, for a team, the history object as the seed wrote it; both
    limited to the range. Each file is made when its button is clicked: making them on every run
    was a fifth of a team page's run once its charts were replayed (docs/architecture.md, "Pages")."""
    stem = f"{name}-{view.start:%Y%m%d}-{view.end:%Y%m%d}"
    if dated and view.granularity != "day":
        stem += f"-by-{view.granularity}"

    def csv() -> bytes:
        rows = people_table(table(), view.granularity, view.start, view.end) if dated else people_table(table())
        return rows.to_csv(index=False).encode()

    cols = st.columns(2)
    download(cols[0], label or f"{_PER[view.granularity]} table (CSV)", csv, f"{stem}.csv", "text/csv")
    if history is not None:
        download(cols[1], "History (JSON)", lambda: json.dumps(history(), indent=1).encode(),
                 f"{name}-{view.start:%Y%m%d}-{view.end:%Y%m%d}.json", "application/json")


def download(place, label: str, body: bytes | Callable[[], bytes], file_name: str, mime: str) -> None:
    """A download button that does not run the page again: the file is what the page shows
    already, and a run would redraw every chart for nothing. A callable `body` is called on
    the click, in a thread of its own."""
    place.download_button(label, body, file_name=file_name, mime=mime, icon=":material/download:",
                          on_click="ignore")


# Each figure under its one name (contract/figures.py), as on the team page and in the downloads.
OVERVIEW_COLUMNS = {
    "team": COLUMNS["team"].label,
    "licensed_members": st.column_config.NumberColumn(range_header("licensed_members"), format="%d"),
    **{key: st.column_config.NumberColumn(figure(key).label, format="%.1f%%" if figure(key).is_share else
                                          "localized" if figure(key).format == "{:,.0f}" else "%.1f",
                                          help=figure(key).help)
       for key in ("adoption", "active_users", "daily_active_share", "acceptance_rate", "interactions", "loc_added",
                   "agent_users")},
    "days": st.column_config.NumberColumn(COLUMNS["days"].label, format="%d"),
}


def rankings(table: pd.DataFrame) -> None:
    """Highest and lowest five teams by acceptance rate and by adoption."""
    for field, label in (("acceptance_rate", "acceptance rate"), ("adoption", figure("adoption").label.lower())):
        top, bottom = ranked(table, field)
        if top.empty:
            st.caption(f"No ranking by {label}: no team has a value in this range"
                       + (f" (it needs {MONTH_DAYS} collected days)." if field == "adoption" else "."))
            continue
        left, right = st.columns(2)
        for col, rows, title in ((left, top, f"Highest {label}"), (right, bottom, f"Lowest {label}")):
            col.markdown(f"**{title}**")
            col.dataframe(percent_columns(rows[["team", field, "active_users"]], [field]),
                          hide_index=True, placeholder=UNKNOWN, width="stretch",
                          column_config={key: OVERVIEW_COLUMNS[key] for key in ("team", field, "active_users")})


def with_org_reference(series: pd.DataFrame, org: pd.DataFrame) -> pd.DataFrame:
    """Adds the organisation as one more series (share active on an average day, acceptance rate)."""
    keep = [c for c in ("date", "daily_active_share", "acceptance_rate", "code_generations", "partial", "period_days",
                        "full_days") if c in org]
    reference = org[keep].assign(series=ORGANISATION)
    return pd.concat([series, reference], ignore_index=True)
