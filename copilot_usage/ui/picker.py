"""The team picker over the teams this viewer may open, kept in the URL for sharing."""

from __future__ import annotations

import streamlit as st

from ..models import Team


def team_picker(teams: list[Team]) -> str | None:
    """A selectbox of permitted teams; the choice goes into `?team=` so a view can be shared.

    The query string is only a wish: the page still authorizes whatever it names.
    """
    if not teams:
        return None
    slugs = [team.slug for team in teams]
    names = {team.slug: team.name for team in teams}
    wanted = st.query_params.get("team")
    index = slugs.index(wanted) if wanted in slugs else 0
    slug = st.selectbox("Team", slugs, index=index, format_func=names.get)
    st.query_params["team"] = slug
    return slug
