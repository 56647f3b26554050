"""One team's usage: layout only; numbers come from copilot_usage.frames and .charts."""

import streamlit as st

from copilot_usage.access import authorize_team, permitted_teams, require_member
from copilot_usage.charts import active_users_chart
from copilot_usage.frames import daily_frame
from copilot_usage.qualification import qualify
from copilot_usage.ui import data, picker, signin

settings = data.settings_or_stop()
st.title("Team usage")
viewer = data.or_stop(lambda: require_member(signin.current_viewer(), settings.org))
qualifying = data.or_stop(lambda: data.qualifying_teams(settings))
histories = data.or_stop(lambda: data.team_histories(settings))

allowed = permitted_teams(viewer, qualifying)
wanted = st.query_params.get("team")
if wanted and wanted not in {team.slug for team in allowed}:
    data.or_stop(lambda: authorize_team(viewer, wanted, qualifying, org=settings.org))

if not allowed:
    if not viewer.teams:
        st.info(f"You are not a member of any team in {settings.org}, so there is no team to show. "
                "Team usage appears for the teams you belong to once they have at least five "
                "members with a Copilot licence. Ask an organisation owner to add you to your team "
                "on GitHub, or open **Organisation usage**.")
    else:
        st.info("None of your teams qualifies yet, so there is no team usage to show.")
        for slug in viewer.teams:
            st.write("- " + qualify(slug, histories.get(slug)).reason)
    st.stop()

slug = picker.team_picker(allowed)
team = authorize_team(viewer, slug, qualifying, org=settings.org)
history = histories[team.slug]
st.subheader(team.name)
if team.description:
    st.text(team.description)  # plain text: a description is never rendered as HTML
if team.url:
    st.caption(f"[{team.slug} on GitHub]({team.url})")

frame = daily_frame(history.data)
last = history.data[-1]
cols = st.columns(3)
cols[0].metric("Licensed members (last day)", "–" if last.licensed_members is None else last.licensed_members)
cols[1].metric("Days with data", f"{len(history.data)} days")
cols[2].metric("Last day collected", f"{last.date:%d %b %Y}")
st.altair_chart(active_users_chart(frame), width="stretch")
