"""The organisation's Copilot seats: counts for every member, names for admins only."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from ...analysis.access import Viewer
from ...analysis.seats import seats_frame
from ...config import Settings
from ...contract.figures import UNKNOWN
from ...contract.rules import INACTIVE_AFTER_DAYS
from .data import seat_snapshot
from .kpis import metric_width


def people_row(figures: list[tuple[str, int]], *, help: dict[str, str] | None = None) -> None:
    """Counts of people as metrics that wrap on a phone: the unit in a caption above, the value a
    plain number, so that no value is cut ("140 peo…" at 160 px)."""
    st.caption("Number of people in each:")
    with st.container(horizontal=True):  # wraps on a phone, where columns would stack
        for label, count in figures:
            st.metric(label, f"{count:,}", width=metric_width(label), help=(help or {}).get(label))


def readable_activity(frame: pd.DataFrame) -> pd.DataFrame:
    """Last activity, days since and editor as text: "never used" and "–" (UNKNOWN) rather than "None"."""
    def day(status: str, last) -> str:
        if last is not None and not pd.isna(last):
            return f"{last:%Y-%m-%d}"
        return "never used" if status == "never used" else UNKNOWN  # "no licence": nothing to use

    return frame.assign(
        last_activity=[day(s, d) for s, d in zip(frame["status"], frame["last_activity"], strict=True)],
        days_since_activity=[(UNKNOWN if pd.isna(d) else f"{d:.0f} days") for d in frame["days_since_activity"]],
        editor=frame["editor"].fillna(UNKNOWN))


ACTIVITY_COLUMNS = {"member": "Member", "status": "Status", "last_activity": "Last activity",
                    "days_since_activity": "Days since", "editor": "Last editor"}


def inactivity_threshold(key: str, help: str) -> int:
    """Days without activity after which a seat counts as inactive (default INACTIVE_AFTER_DAYS)."""
    return st.slider("Inactive after", 7, 90, INACTIVE_AFTER_DAYS, step=7, format="%d days", key=key, help=help)


def seats_section(settings: Settings, viewer: Viewer, today: date) -> None:
    st.header("Seats", anchor=False)
    snapshot = seat_snapshot(settings)
    if not snapshot:
        st.info("No seat snapshot yet: the collector takes one on each run (it needs the "
                "“GitHub Copilot Business: read” permission).")
        return
    threshold = inactivity_threshold("seats_inactive_after",
                                     "A seat without Copilot activity for longer counts as inactive.")
    frame = seats_frame(snapshot.seats, today=today, inactive_after_days=threshold)
    counts = frame["status"].value_counts()
    people_row([("Seats", snapshot.total_seats), (f"Active in {threshold} days", int(counts.get("active", 0))),
                ("Inactive", int(counts.get("inactive", 0))), ("Never used", int(counts.get("never used", 0))),
                ("Pending cancellation", int(frame["pending_cancellation"].notna().sum()))])
    if viewer.is_admin:
        idle = frame[frame["status"] != "active"]
        st.dataframe(readable_activity(idle), hide_index=True, placeholder=UNKNOWN, width="stretch", column_config={
            **ACTIVITY_COLUMNS, "team": "Assigned through team",
            "pending_cancellation": st.column_config.DateColumn("Cancellation on", format="YYYY-MM-DD"),
        })
    else:
        st.caption("Who holds an inactive seat is shown to admins only.")
    st.caption(f"Seat snapshot taken {snapshot.taken_at:%d %b %Y %H:%M} UTC.")
