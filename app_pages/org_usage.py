"""Organisation usage: layout only. Any signed-in member of the organisation."""

import streamlit as st

from copilot_usage.analysis.access import require_member
from copilot_usage.analysis.frames import in_range, rollup
from copilot_usage.analysis.kpis import kpis, pull_request_totals
from copilot_usage.analysis.pricing import Prices
from copilot_usage.contract.rules import utc_today
from copilot_usage.web import charts
from copilot_usage.web.notes import range_notes
from copilot_usage.web.ui import data, sections, signin
from copilot_usage.web.ui.controls import view_controls
from copilot_usage.web.ui.costs import org_cost_section
from copilot_usage.web.ui.kpis import kpi_row
from copilot_usage.web.ui.seats import seats_section

settings = data.settings_or_stop()
st.title("Organisation usage")
viewer = data.or_stop(lambda: require_member(signin.current_viewer(), settings.org))
days = data.or_stop(lambda: data.org_history(settings))
if not days:
    st.info("No organisation usage has been collected yet. Run `python -m copilot_usage collect` "
            "(or wait for the scheduled collector), then reload this page.")
    st.stop()

view = sections.chart_view(view_controls(days[0].date, days[-1].date, compare=False))
daily = data.or_stop(lambda: data.org_frame(settings))
frame = in_range(daily, view.start, view.end)
st.caption(f"{settings.org} · {len(frame)} days with data in the range · "
           f"last day collected {days[-1].date:%d %b %Y}")
for note in range_notes(frame, days[-1].date, utc_today()):
    st.info(note, icon=":material/info:")

kpi_row(kpis(daily, view.start, view.end), view.days,
        fields=["active_users", "daily_active_share", "acceptance_rate", "loc_added", "interactions"],
        labels={"active_users": "Active users / day"})
org_cost_section(settings, daily, view.start, view.end, utc_today())  # cost up front (the threshold: Seats)


def activity_and_breakdowns() -> None:
    rolled = rollup(frame, view.granularity, view.start, view.end)
    st.header("Activity", anchor=False)
    st.caption("Daily, weekly and monthly active users are GitHub's own counts for the organisation, each "
               "person once. Team pages count a person in every team they belong to, so teams' figures "
               "add up to more than these.")
    sections.note_partial(rolled, view)
    left, right = st.columns(2)
    with left:
        sections.show(charts.org_users_chart(rolled, view.granularity))
    with right:
        # GitHub reports chat and agent users over 28-day windows only: the title and axis say so.
        sections.show(charts.active_users_chart(
            rolled, {"monthly_active_chat_users": "Chat users", "monthly_active_agent_users": "Agent users"},
            title="Chat and agent users (28-day active)", granularity=view.granularity,
            y_title="Users active in the last 28 days" + ("" if view.granularity == "day" else " (average)")))
    sections.activity_charts(rolled, view, users=None)
    st.header("Breakdowns", anchor=False)
    in_view = [d for d in days if view.start <= d.date <= view.end]
    sections.breakdown_charts(in_view, view)
    if figures := pull_request_totals(in_view):
        st.header("Pull requests", anchor=False)
        with st.container(horizontal=True):  # wraps on a phone, where columns would stack
            for label, value in figures.items():
                st.metric(label, value, width=160)


# Every member sees the same organisation: a view drawn for one is replayed for the others.
sections.drawn_once(("organisation", settings.store_url, data.org_version(settings), view), activity_and_breakdowns)

seats_section(settings, viewer, utc_today())
st.header("Export", anchor=False)
sections.exports(lambda: Prices.from_settings(settings).with_credits_cost(frame), f"{settings.org}-usage", view)
