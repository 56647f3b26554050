"""Admins only: every qualifying team over a range, rankings, bands, and a comparison."""

import streamlit as st

from copilot_usage.analysis.access import authorize_admin
from copilot_usage.analysis.overview import (
    acceptance_bands,
    search,
    team_series,
)
from copilot_usage.contract.figures import UNKNOWN, figure
from copilot_usage.contract.rules import utc_today
from copilot_usage.web import charts
from copilot_usage.web.charts import ORGANISATION
from copilot_usage.web.notes import first_days_note
from copilot_usage.web.ui import data, picker, sections, signin
from copilot_usage.web.ui.controls import view_controls
from copilot_usage.web.ui.costs import overview_cost_section
from copilot_usage.web.ui.text import inert

settings = data.settings_or_stop()
st.title("Teams overview")
data.or_stop(lambda: authorize_admin(signin.current_viewer(), settings.org))
span = data.or_stop(lambda: data.teams_span(settings))
qualifying = {team.slug for team in data.or_stop(lambda: data.qualifying_teams(settings))}
if span is None:
    st.info("No team qualifies yet: a team needs five members with a Copilot licence on one day. "
            "If the collector has not run, run `python -m copilot_usage collect`.")
    st.stop()

view = sections.chart_view(view_controls(*span, compare=False))
overview = data.or_stop(lambda: data.teams_overview(settings, view.start, view.end))
teams, table = overview.teams, overview.table
if table.empty:  # a range between recorded days (a gap in the store): nothing to rank, chart or cost
    st.info(f"No team has a recorded day between {view.start:%d %b %Y} and {view.end:%d %b %Y}. Choose "
            f"another range: the teams' days run from {span[0]:%d %b %Y} to {span[1]:%d %b %Y}.",
            icon=":material/info:")
    st.stop()
st.caption(f"{len(table)} teams with data between {view.start:%d %b %Y} and {view.end:%d %b %Y}. "
           "Users are daily averages; rates are ratios of sums over the range.")

if note := first_days_note(data.first_fact_day(settings), view.end):
    st.info(note, icon=":material/info:")

shown = search(table, st.text_input("Search teams", placeholder="Team name or slug"))
picked = st.dataframe(
    sections.percent_columns(shown.drop(columns=["slug"]), ["adoption", "daily_active_share", "acceptance_rate"]),
    hide_index=True, placeholder=UNKNOWN, width="stretch", on_select="rerun",
    selection_mode="single-row", key="overview_table", column_config=sections.OVERVIEW_COLUMNS)
if picked.selection.rows:
    slug = shown.iloc[picked.selection.rows[0]]["slug"]
    if st.button(f"Open {inert(shown.iloc[picked.selection.rows[0]]['team'])}", type="primary",
                 icon=":material/open_in_new:"):
        picker.open_team(slug)
else:
    st.caption("Select a row to open that team's page.")

version = data.teams_version(settings)


def rankings_and_bands() -> None:
    st.header("Rankings", anchor=False)
    sections.rankings(table)
    sections.show(charts.bands_chart(acceptance_bands(table)))


# Every admin sees the same teams: a view drawn for one is replayed for the others.
sections.drawn_once(("rankings", settings.store_url, version, view), rankings_and_bands)

st.header("Compare teams", anchor=False)
names = dict(zip(table["slug"], table["team"], strict=True))
chosen = st.multiselect("Teams (up to five)", list(names), format_func=names.get, max_selections=5,
                        default=list(table.nlargest(3, "active_users")["slug"]))
compared = tuple(s for s in chosen if s in qualifying)


def comparison() -> None:
    series = team_series(teams, list(compared), view.start, view.end, view.granularity)
    org = data.org_rollup(settings, view)
    if org is not None:
        series = sections.with_org_reference(series, org)
    sections.note_partial(series, view)
    for field, title, axis, percent in (("daily_active_share", figure("daily_active_share").label,
                                         "Licensed members active (%)", True),
                                        ("acceptance_rate", "Acceptance rate", "Acceptance rate (%)", True),
                                        ("active_users", "Active users", "Users per day (average)", False)):
        if field == "active_users":
            series = series[series["series"] != ORGANISATION]  # the organisation's scale would flatten teams
        sections.show(charts.series_chart(series, field, title=title, axis_title=axis,
                                          granularity=view.granularity, percent=percent))


sections.drawn_once(("comparison", settings.store_url, version, data.org_version(settings), view, compared),
                    comparison)

costs = overview_cost_section(settings, overview.credits, view.start, view.end, utc_today())

st.header("Export", anchor=False)
sections.exports(lambda: table.merge(costs.drop(columns=["team"]), on="slug", how="left"), "teams-overview", view,
                 label="Teams table (CSV)", dated=False)
