"""The members section: who holds a licence, who uses it, who has not lately."""

from __future__ import annotations

from datetime import date

import streamlit as st

from ...analysis.seats import members_frame
from ...config import Settings
from ...contract.figures import UNKNOWN
from ...contract.keys import MEMBERS_KEY
from ...contract.teams import Team
from ...errors import CopilotUsageError
from ...github.client import GitHubClient
from ...github.directory import team_members
from .data import read_json, seat_snapshot
from .seats import ACTIVITY_COLUMNS, inactivity_threshold, people_row, readable_activity
from .signin import TOKEN_KEY, demo_org


def _team_member_list(settings: Settings, slug: str) -> list[str] | None:
    """The team's full member list (demo, or GitHub with the viewer's token); None if unknown."""
    if settings.demo_mode:
        return demo_org().members.get(slug)
    cache = st.session_state.setdefault("team_member_lists", {})
    if slug not in cache:
        try:
            with GitHubClient(settings.github_api_url, token=st.session_state[TOKEN_KEY], max_retries=1) as client:
                cache[slug] = team_members(client, settings.org, slug)
        except (CopilotUsageError, KeyError):
            cache[slug] = None
    return cache[slug]


def members_section(settings: Settings, team: Team, today: date) -> None:
    st.subheader("Members")
    members = read_json(settings, MEMBERS_KEY) or {}
    snapshot = seat_snapshot(settings)
    licensed = (members.get("teams") or {}).get(team.slug, [])
    if not licensed or not snapshot:
        st.info("The member list appears after the next collection (it needs the seat snapshot "
                "and the latest user-team report).")
        return
    threshold = inactivity_threshold("inactive_after",
                                     "A licensed member without Copilot activity for longer is marked inactive.")
    frame = members_frame(licensed, snapshot.seats, _team_member_list(settings, team.slug),
                          today=today, inactive_after_days=threshold)
    counts = frame["status"].value_counts()
    people_row([("Licensed", len(licensed)),
                *((status.capitalize(), int(counts.get(status, 0))) for status in ("active", "inactive", "never used",
                                                                                  "no licence"))],
               help={"Licensed": f"On {members.get('day')}."})
    st.dataframe(readable_activity(frame), hide_index=True, placeholder=UNKNOWN, width="stretch",
                 column_config=ACTIVITY_COLUMNS)
    st.caption(f"Seat snapshot taken {snapshot.taken_at:%d %b %Y %H:%M} UTC.")
