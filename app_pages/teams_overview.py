"""Admins only: every qualifying team at a glance."""

import pandas as pd
import streamlit as st

from copilot_usage.access import authorize_admin
from copilot_usage.ui import data, signin

settings = data.settings_or_stop()
st.title("Teams overview")
data.or_stop(lambda: authorize_admin(signin.current_viewer(), settings.org))
histories = data.or_stop(lambda: data.team_histories(settings))
teams = data.or_stop(lambda: data.qualifying_teams(settings))

rows = []
for team in teams:
    days = histories[team.slug].data
    recent = days[-28:]
    rows.append({
        "Team": team.name,
        "Licensed members": days[-1].licensed_members,
        "Avg active users (last 28 days)": round(sum(d.active_users for d in recent) / len(recent), 1),
        "Days with data": len(days),
        "Last day": days[-1].date,
    })
if not rows:
    st.info("No team qualifies yet: a team needs five members with a Copilot licence on one day.")
else:
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
