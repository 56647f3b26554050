"""The team picker: the viewer's own teams first, then (admins) every qualifying team.

The choice goes into `?team=` so a view can be shared; the query string is only a
wish, and the page still authorizes whatever it names.
"""

from __future__ import annotations

import re

import streamlit as st

from ...analysis.access import Viewer, authorize
from ...analysis.qualification import licensed_counts, qualify
from ...config import Settings
from ...contract.keys import SEATS_KEY
from ...contract.teams import Team
from ...errors import AccessDenied, CopilotUsageError
from ...github.client import GitHubClient
from ...github.directory import team_members
from .data import read_json
from .signin import TOKEN_KEY, demo_org
from .text import inert

_LICENCES_KEY = "own_team_licences"
PICKER_KEY = "team_picker"
_CARRIED_VIEW_KEY = "carried_view"
_VIEW_KEYS = ("range", "by")  # ui/controls.py's widget keys, bound to ?range= and ?by=


_TEAM_LINK = re.compile(r"https://[A-Za-z0-9.-]+(?::\d+)?(?:/[A-Za-z0-9._~%-]+)*/?")


def is_team_link(url: str) -> bool:
    """A plain https link (no spaces, brackets or quotes) that can go into Markdown as it is."""
    return bool(_TEAM_LINK.fullmatch(url or ""))


def claimed_teams() -> list[str]:
    """Team slugs the URL or the session asks for: wishes the page must authorize first."""
    claims = [st.query_params.get("team"), st.session_state.get(PICKER_KEY)]
    return [claim for claim in claims if claim]


def refuse_foreign_claims(viewer: Viewer, qualifying: list[Team], org: str) -> None:
    """Stop the page, with the reason, when the URL or session names a team the viewer may not open.

    Runs before any team data is read; the refusal offers a way back to the viewer's own teams.
    """
    for claimed in claimed_teams():
        try:
            authorize(viewer, claimed, qualifying, org=org)
        except AccessDenied as exc:
            st.error(inert(exc))
            if st.button("Show my teams", icon=":material/arrow_back:"):
                st.query_params.pop("team", None)
                st.session_state.pop(PICKER_KEY, None)
                st.rerun()
            st.stop()


def team_picker(teams: list[Team], viewer: Viewer) -> str | None:
    """A searchable selectbox over `teams` (already filtered by `visible_teams`)."""
    if not teams:
        return None
    slugs = [team.slug for team in teams]
    labels = {team.slug: team.name + ("  ·  your team" if team.slug in viewer.teams else "")
              for team in teams}
    wanted = st.query_params.get("team")
    if st.session_state.get(PICKER_KEY) not in slugs:
        st.session_state[PICKER_KEY] = wanted if wanted in slugs else slugs[0]
    slug = st.selectbox("Team", slugs, key=PICKER_KEY, format_func=labels.get,
                        help="Type to search." if viewer.is_admin else None)
    st.query_params["team"] = slug
    return slug


def open_team(slug: str) -> None:
    """Switch to the team page for `slug`, keeping the range and granularity chosen here.

    They travel in the session, not in `switch_page(query_params=…)`: Streamlit refuses to
    set (or clear) a query parameter while a widget on this page is bound to it.
    """
    st.session_state[_CARRIED_VIEW_KEY] = {key: st.session_state[key] for key in _VIEW_KEYS
                                           if key in st.session_state}
    st.session_state.pop(PICKER_KEY, None)  # the URL's team wins over the last one picked
    st.switch_page("app_pages/team_usage.py", query_params={"team": slug})


def apply_carried_view() -> None:
    """Before the view controls are drawn: the range and granularity `open_team` carried over."""
    for key, value in st.session_state.pop(_CARRIED_VIEW_KEY, {}).items():
        st.session_state[key] = value


def waiting_teams(settings: Settings, viewer: Viewer, qualifying: list[Team]) -> list[str]:
    """A sentence for each of the viewer's own teams that does not qualify (yet)."""
    known = {team.slug for team in qualifying}
    waiting = [slug for slug in viewer.teams if slug not in known]
    if not waiting:
        return []
    counts = st.session_state.get(_LICENCES_KEY)
    if counts is None:
        counts = st.session_state[_LICENCES_KEY] = _licences(settings, waiting)
    return [qualify(viewer.team_names.get(slug, slug), None, current_licensed=counts.get(slug)).reason
            for slug in waiting]


def _licences(settings: Settings, slugs: list[str]) -> dict[str, int]:
    """Members with a seat, per team: team members (viewer's token or demo) x the seat snapshot."""
    snapshot = read_json(settings, SEATS_KEY) or {}
    seat_logins = {seat.get("login", "") for seat in snapshot.get("seats", []) if isinstance(seat, dict)}
    if not seat_logins:
        return {}
    try:
        return licensed_counts(_members(settings, slugs), seat_logins)
    except CopilotUsageError:  # the counts are a courtesy; the sentence says "not known" without them
        return {}


def _members(settings: Settings, slugs: list[str]) -> dict[str, list[str]]:
    if settings.demo_mode:
        return {slug: demo_org().members.get(slug, []) for slug in slugs}
    with GitHubClient(settings.github_api_url, token=st.session_state[TOKEN_KEY], max_retries=1) as client:
        return {slug: team_members(client, settings.org, slug) for slug in slugs}
