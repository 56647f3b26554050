"""My usage: every signed-in member's own Copilot usage; layout lives in copilot_usage.web.ui.my_usage."""

import streamlit as st

from copilot_usage.analysis.access import require_member
from copilot_usage.web.ui import data, my_usage, signin

settings = data.settings_or_stop()
st.title("My usage")
# The viewer comes from the server-side session only; whose rows are read is decided from it.
viewer = data.or_stop(lambda: require_member(signin.current_viewer(), settings.org))
my_usage.page(settings, viewer)
