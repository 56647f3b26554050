"""The organisation's Copilot seats: counts for every member, names for admins only."""

from __future__ import annotations

from datetime import date

import streamlit as st

from ..config import Settings
from ..frames import seats_frame
from ..history import SEATS_KEY
from ..models import SeatSnapshot, Viewer
from .data import read_json


def people(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"


def inactivity_threshold(key: str, help: str) -> int:
    """Days without activity after which a seat counts as inactive (default 28)."""
    return st.slider("Inactive after", 7, 90, 28, step=7, format="%d days", key=key, help=help)


def seats_section(settings: Settings, viewer: Viewer, today: date) -> None:
    st.subheader("Seats")
    stored = read_json(settings, SEATS_KEY)
    if not stored:
        st.info("No seat snapshot yet: the collector takes one on each run (it needs the "
                "“GitHub Copilot Business: read” permission).")
        return
    snapshot = SeatSnapshot.model_validate(stored)
    threshold = inactivity_threshold("seats_inactive_after",
                                     "A seat without Copilot activity for longer counts as inactive.")
    frame = seats_frame(snapshot.seats, today=today, inactive_after_days=threshold)
    counts = frame["status"].value_counts()
    cols = st.columns(5)
    cols[0].metric("Seats", people(snapshot.total_seats))
    cols[1].metric(f"Active in {threshold} days", people(int(counts.get("active", 0))))
    cols[2].metric("Inactive", people(int(counts.get("inactive", 0))))
    cols[3].metric("Never used", people(int(counts.get("never used", 0))))
    cols[4].metric("Pending cancellation", people(int(frame["pending_cancellation"].notna().sum())))
    if viewer.is_admin:
        idle = frame[frame["status"] != "active"]
        st.dataframe(idle, hide_index=True, width="stretch", column_config={
            "member": "Member", "status": "Status", "team": "Assigned through team",
            "last_activity": st.column_config.DateColumn("Last activity", format="YYYY-MM-DD"),
            "days_since_activity": st.column_config.NumberColumn("Days since", format="%d days"),
            "editor": "Last editor",
            "pending_cancellation": st.column_config.DateColumn("Cancellation on", format="YYYY-MM-DD"),
        })
    else:
        st.caption("Who holds an inactive seat is shown to admins only.")
    st.caption(f"Seat snapshot taken {snapshot.taken_at:%d %b %Y %H:%M} UTC.")
