"""One team's usage: layout only; numbers come from copilot_usage.frames and .charts."""

import streamlit as st

from copilot_usage.access import authorize, require_member, visible_teams
from copilot_usage.charts import active_users_chart
from copilot_usage.frames import daily_frame
from copilot_usage.ui import data, picker, signin

settings = data.settings_or_stop()
st.title("Team usage")
viewer = data.or_stop(lambda: require_member(signin.current_viewer(), settings.org))
qualifying = data.or_stop(lambda: data.qualifying_teams(settings))

# Whatever the URL or the session says, the server decides before any team data is read.
for claimed in picker.claimed_teams():
    data.or_stop(lambda: authorize(viewer, claimed, qualifying, org=settings.org))

allowed = visible_teams(viewer, qualifying)
waiting = picker.waiting_teams(settings, viewer, qualifying)
if not allowed:
    if not viewer.teams:
        st.info(f"You are not a member of any team in {settings.org}, so there is no team to show. "
                "Team usage appears for the teams you belong to once they have at least five "
                "members with a Copilot licence. Ask an organisation owner to add you to your team "
                "on GitHub, or open **Organisation usage**.")
    else:
        st.info("None of your teams qualifies yet, so there is no team usage to show.")
    for sentence in waiting:
        st.caption(sentence)
    st.stop()

slug = picker.team_picker(allowed, viewer)
for sentence in waiting:
    st.caption(sentence)
team = data.or_stop(lambda: authorize(viewer, slug, qualifying, org=settings.org))
history = data.or_stop(lambda: data.team_histories(settings))[team.slug]

st.subheader(team.name)
if team.description:
    st.text(team.description)  # plain text: a description is never rendered as HTML
if team.url:
    st.caption(f"[{team.slug} on GitHub]({team.url})")

last = history.data[-1]
cols = st.columns(3)
cols[0].metric("Licensed members (last day)", "–" if last.licensed_members is None else last.licensed_members)
cols[1].metric("Days with data", f"{len(history.data)} days")
cols[2].metric("Last day collected", f"{last.date:%d %b %Y}")
st.altair_chart(active_users_chart(daily_frame(history.data)), width="stretch")
