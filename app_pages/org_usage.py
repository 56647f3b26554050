"""Organisation usage: layout only."""

import streamlit as st

from copilot_usage.access import require_member
from copilot_usage.charts import ORG_USER_SERIES, active_users_chart
from copilot_usage.frames import daily_frame
from copilot_usage.ui import data, signin

settings = data.settings_or_stop()
st.title("Organisation usage")
data.or_stop(lambda: require_member(signin.current_viewer(), settings.org))
days = data.or_stop(lambda: data.org_history(settings))

if not days:
    st.info("No organisation usage has been collected yet. Run `python -m copilot_usage collect` "
            "(or wait for the scheduled collector), then reload this page.")
    st.stop()

frame = daily_frame(days)
st.caption(f"{settings.org}: {len(days)} days from {days[0].date:%d %b %Y} to {days[-1].date:%d %b %Y}")
st.altair_chart(active_users_chart(frame, ORG_USER_SERIES, "Daily active users"), width="stretch")
