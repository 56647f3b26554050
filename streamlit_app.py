"""Entrypoint: page config, the sign-in gate, and navigation over app_pages/."""

from pathlib import Path

import streamlit as st

from copilot_usage.analysis.access import visible_teams
from copilot_usage.web.process import freeze_loaded
from copilot_usage.web.ui import data, signin

# A local file, served by the app itself: a material icon here would be fetched from a font host.
FAVICON = Path(__file__).parent / "copilot_usage" / "ui" / "favicon.png"

freeze_loaded()
st.set_page_config(page_title="Copilot Usage", page_icon=str(FAVICON), layout="wide")
settings = data.settings_or_stop()
if settings.demo_mode:
    st.warning("**Demo data**: a synthetic organisation, not real usage. Configure GitHub sign-in "
               "to use your own organisation (see README).", icon=":material/science:")

# The token is checked with GitHub on every render, memberships again every 10 minutes.
viewer = data.or_stop(lambda: signin.current_viewer(check_token=True))
admin = viewer is not None and viewer.is_admin
# Every page is known before sign-in, so a deep link (path and query) is still the page shown
# after it. The overview is hidden from the menu for non-admins but still answers its URL,
# where it refuses them with its own message.
# My usage comes first (and opens by default) for a signed-in viewer with no team they may open.
try:
    has_team = viewer is None or bool(visible_teams(viewer, data.qualifying_teams(settings)))
except Exception:  # a broken store: the team page says so in its own words
    has_team = True
mine = st.Page("app_pages/my_usage.py", title="My usage", icon=":material/person:", default=not has_team)
page = st.navigation([
    *([] if has_team else [mine]),
    st.Page("app_pages/team_usage.py", title="Team usage", icon=":material/groups:", default=has_team),
    *([mine] if has_team else []),
    st.Page("app_pages/org_usage.py", title="Organisation usage", icon=":material/domain:"),
    st.Page("app_pages/teams_overview.py", title="Teams overview", icon=":material/leaderboard:",
            visibility="visible" if admin else "hidden"),
], position="sidebar" if viewer is not None else "hidden")
if viewer is None:
    signin.sign_in_box(settings)
    st.stop()
signin.account_box(viewer, settings)
page.run()
