"""The sign-in box. In demo mode it offers the demo personas instead of GitHub."""

from __future__ import annotations

import streamlit as st

from ..access import is_admin
from ..config import Settings
from ..models import Viewer
from .data import admin_teams, or_stop

VIEWER_KEY = "viewer"
PERSONA_LABELS = {
    "two-teams": "Member of two teams",
    "admin": "Admin",
    "no-team": "Member of no team",
    "outsider": "Not in the organisation",
}


@st.cache_resource(show_spinner="Building the demo organisation…")
def _demo_org():
    from ..demo import build_demo_org  # only demo mode pays for it

    return build_demo_org()


def demo_viewer(persona: str, settings: Settings) -> Viewer:
    """The Viewer a demo persona signs in as, resolved like a real one would be."""
    org = _demo_org()
    login = org.personas[persona]
    users = {u["login"]: u for u in org.users}
    teams = sorted(slug for slug, logins in org.members.items() if login in logins)
    user = users.get(login, {"login": login})
    return Viewer(login=login, user_id=user.get("id"), name=user.get("name"),
                  avatar_url=user.get("avatar_url"), in_org=login in users, teams=teams,
                  is_admin=login in users and is_admin(teams, admin_teams(settings)))


def current_viewer() -> Viewer | None:
    return st.session_state.get(VIEWER_KEY)


def sign_in_box(settings: Settings) -> None:
    """Shown on every page until someone signs in."""
    st.title("Copilot Usage")
    if not settings.demo_mode:
        st.warning("GitHub sign-in is configured but not available in this version yet. "
                   "Unset GITHUB_OAUTH_CLIENT_ID to explore the demo.")
        return
    st.write("Sign in to see how your teams use GitHub Copilot. This is the demo: pick who "
             "you want to be.")
    with st.form("demo-sign-in"):
        persona = st.radio("Sign in as", list(PERSONA_LABELS), format_func=PERSONA_LABELS.get)
        if st.form_submit_button("Sign in", type="primary"):
            st.session_state[VIEWER_KEY] = or_stop(lambda: demo_viewer(persona, settings))
            st.rerun()


def account_box(viewer: Viewer) -> None:
    """Who is signed in, in the sidebar, with a way out."""
    with st.sidebar:
        role = "admin" if viewer.is_admin else "member" if viewer.in_org else "not in the organisation"
        st.caption(f"Signed in as **{viewer.login}** ({role})")
        if st.button("Sign out"):
            st.session_state.pop(VIEWER_KEY, None)
            st.rerun()
