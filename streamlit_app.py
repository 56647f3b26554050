"""Entrypoint: page config, the sign-in gate, and navigation over app_pages/."""

import streamlit as st

from copilot_usage.ui import data, signin

st.set_page_config(page_title="Copilot Usage", page_icon=":material/insights:", layout="wide")
settings = data.settings_or_stop()
if settings.demo_mode:
    st.warning("**Demo data**: a synthetic organisation, not real usage. Configure GitHub sign-in "
               "to use your own organisation (see README).", icon=":material/science:")

viewer = data.or_stop(signin.current_viewer)  # memberships asked of GitHub again every 10 minutes
if viewer is None:
    signin.sign_in_box(settings)
    st.stop()
signin.account_box(viewer, settings)

pages = [
    st.Page("app_pages/team_usage.py", title="Team usage", icon=":material/groups:", default=True),
    st.Page("app_pages/org_usage.py", title="Organisation usage", icon=":material/domain:"),
]
if viewer.is_admin:
    pages.append(st.Page("app_pages/teams_overview.py", title="Teams overview",
                         icon=":material/leaderboard:"))
st.navigation(pages).run()
