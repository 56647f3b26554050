"""One team's usage: layout only; numbers come from copilot_usage.analysis and web.charts."""

import streamlit as st

from copilot_usage.analysis.access import authorize, require_member, visible_teams
from copilot_usage.analysis.breakdowns import with_phase_columns
from copilot_usage.analysis.frames import daily_frame, in_range, rollup
from copilot_usage.analysis.kpis import kpis, window_kpis
from copilot_usage.analysis.pricing import Prices
from copilot_usage.contract.rules import utc_today
from copilot_usage.web.charts import USER_SERIES
from copilot_usage.web.notes import first_days_note, range_notes
from copilot_usage.web.ui import data, picker, sections, signin
from copilot_usage.web.ui.controls import view_controls
from copilot_usage.web.ui.costs import team_cost_section
from copilot_usage.web.ui.kpis import kpi_row
from copilot_usage.web.ui.members import members_section
from copilot_usage.web.ui.text import inert

settings = data.settings_or_stop()
st.title("Team usage")
viewer = data.or_stop(lambda: require_member(signin.current_viewer(), settings.org))
qualifying = data.or_stop(lambda: data.qualifying_teams(settings))

# Whatever the URL or the session says, the server decides before any team data is read.
picker.refuse_foreign_claims(viewer, qualifying, settings.org)

allowed = visible_teams(viewer, qualifying)
waiting = picker.waiting_teams(settings, viewer, qualifying)
if not allowed:
    if not qualifying and not data.or_stop(lambda: data.recorded_teams(settings)):
        st.info("No team usage has been collected yet. Run `python -m copilot_usage collect` "
                "(or wait for the scheduled collector), then reload this page.")
    elif not viewer.teams:
        st.info(f"You are not a member of any team in {settings.org}, so there is no team to show. "
                "Team usage appears for the teams you belong to once they have at least five "
                "members with a Copilot licence. Ask an organisation owner to add you to your team "
                "on GitHub, or open **My usage** or **Organisation usage**.")
    else:
        st.info("None of your teams qualifies yet, so there is no team usage to show.")
    for sentence in waiting:
        st.caption(inert(sentence))
    # Someone with no team to open lands here right after signing in (the page open before it).
    st.page_link("app_pages/my_usage.py", label="See your own Copilot usage", icon=":material/person:")
    st.stop()

slug = picker.team_picker(allowed, viewer)
for sentence in waiting:
    st.caption(inert(sentence))
team = data.or_stop(lambda: authorize(viewer, slug, qualifying, org=settings.org))
history = data.or_stop(lambda: data.team_history(settings, team.slug))
first, last = history.data[0].date, history.data[-1].date

st.header(inert(team.name), anchor=False)  # names and descriptions display as typed, never as markup
if team.description:
    st.text(team.description)  # plain text: a description is never rendered as HTML
if picker.is_team_link(team.url):
    st.markdown(f"[{team.slug} on GitHub]({team.url})")  # not in the caption: a faded link is too pale
earlier = data.earlier_slugs(settings, team.slug)
if earlier:  # a team renamed on GitHub: one history, under its name now
    st.caption(f"Renamed on GitHub; its earlier slugs: {', '.join(earlier)}. Its days before are shown here too.")
picker.apply_carried_view()  # range and granularity from the overview's "Open"
view = sections.chart_view(view_controls(first, last))
daily = daily_frame(history.data)
frame = in_range(daily, view.start, view.end)
licensed = history.data[-1].licensed_members
st.caption(" · ".join(part for part in (
    f"{licensed:.0f} licensed members on {last:%d %b %Y}" if licensed is not None else "",
    f"{len(frame)} days with data in the range", f"last day collected {last:%d %b %Y}") if part))
for note in [*range_notes(frame, last, utc_today()), first_days_note(data.first_fact_day(settings), view.end)]:
    if note:
        st.info(note, icon=":material/info:")

kpi_row({**kpis(daily, view.start, view.end), **window_kpis(daily, view.start, view.end)}, view.days,
        fields=["adoption", "monthly_active_users", "weekly_active_users", "daily_active_share", "acceptance_rate",
                "loc_added", "interactions", "agent_users"])
# Cost up front: what the team's Copilot costs is what many open the page for.
team_cost_section(settings, team, daily, view.start, view.end, utc_today())
days = [day for day in history.data if view.start <= day.date <= view.end]


def activity_and_breakdowns() -> None:
    rolled = rollup(frame, view.granularity, view.start, view.end)
    st.subheader("Activity", anchor=False)
    sections.note_partial(rolled, view)
    sections.activity_charts(rolled, view, USER_SERIES)
    sections.team_usage_charts(rolled, days, view)
    if view.compare:
        sections.comparison_charts(rolled, data.org_rollup(settings, view), view, team.name)
    st.subheader("Breakdowns", anchor=False)
    sections.breakdown_charts(days, view)


# The same team, data and view draw the same charts: a rerun that shows them again replays them.
sections.drawn_once(("team", settings.store_url, team.slug, team.name, data.team_version(settings, team.slug), view,
                     data.org_version(settings) if view.compare else None), activity_and_breakdowns)
members_section(settings, team, utc_today())

st.subheader("Export")
sections.exports(lambda: Prices.from_settings(settings).with_credits_cost(with_phase_columns(frame, days)), team.slug, view,
                 lambda: {"team": team.model_dump(mode="json"), "data": [d.model_dump(mode="json") for d in days]})
