"""Licences: seats per day, each seat's status, a team's members and the organisation's seats. Pure.

    status, idle_days = seat_status(seat, today, INACTIVE_AFTER_DAYS)
    members = members_frame(licensed_logins, seats, team_members, today=today)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pandas as pd

from ..contract.rules import INACTIVE_AFTER_DAYS


def seats_per_day(dates: pd.Series, seat_created: Iterable) -> pd.Series:
    """Seats assigned on or before each date (from the seat snapshot's `created_at`).

    Seats cancelled since are no longer in the snapshot, so older days are slightly
    under-counted: good enough for the organisation's adoption line.
    """
    created = sorted(pd.Timestamp(c).tz_localize(None).normalize() for c in seat_created if c is not None)
    counts = pd.Series(range(1, len(created) + 1), index=pd.DatetimeIndex(created), dtype=float)
    counts = counts.groupby(level=0).max()
    return counts.reindex(counts.index.union(dates)).ffill().fillna(0).reindex(dates).reset_index(drop=True)


def seat_status(seat, today: date, inactive_after_days: int) -> tuple[str, int | None]:
    """("active" | "inactive" | "never used", days since the last activity) of one seat."""
    last = seat.last_activity_at if seat else None
    if last is None:
        return "never used", None
    idle = (today - last.date()).days
    return ("inactive" if idle > inactive_after_days else "active"), idle


def _editor(seat) -> str | None:
    # GitHub reports e.g. "vscode/1.96.0/copilot-chat/0.23.2": the IDE is enough here.
    return (seat.last_activity_editor or "").split("/")[0] or None if seat else None


def members_frame(licensed: list[str], seats: list, team_members: list[str] | None, *,
                  today: date, inactive_after_days: int = INACTIVE_AFTER_DAYS) -> pd.DataFrame:
    """One row per member: licence, last activity and editor, and a status.

    Status: "active" (activity within the threshold), "inactive", "never used" (a
    licence and no activity ever), or "no licence" (in the team's member list only).
    """
    by_login = {seat.login.lower(): seat for seat in seats}
    rows = []
    for login in licensed:
        seat = by_login.get(login.lower())
        status, idle = seat_status(seat, today, inactive_after_days)
        rows.append({"member": login, "status": status, "days_since_activity": idle,
                     "last_activity": seat.last_activity_at.date() if seat and seat.last_activity_at else None,
                     "editor": _editor(seat)})
    known = {login.lower() for login in licensed}
    rows += [{"member": login, "status": "no licence"} for login in team_members or []
             if login.lower() not in known]
    frame = pd.DataFrame(rows, columns=["member", "status", "last_activity", "days_since_activity", "editor"])
    return _by_status(frame, "member")


def seats_frame(seats: list, *, today: date, inactive_after_days: int = INACTIVE_AFTER_DAYS) -> pd.DataFrame:
    """One row per seat of the organisation, with its status and pending cancellation."""
    rows = []
    for seat in seats:
        status, idle = seat_status(seat, today, inactive_after_days)
        rows.append({"member": seat.login, "status": status, "team": seat.assigning_team,
                     "last_activity": seat.last_activity_at.date() if seat.last_activity_at else None,
                     "days_since_activity": idle, "editor": _editor(seat),
                     "pending_cancellation": seat.pending_cancellation_date})
    columns = ["member", "status", "team", "last_activity", "days_since_activity", "editor", "pending_cancellation"]
    return _by_status(pd.DataFrame(rows, columns=columns), "member")


_STATUS_ORDER = {"never used": 0, "inactive": 1, "active": 2, "no licence": 3}


def _by_status(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    return frame.sort_values(["status", name], key=lambda col: col.map(_STATUS_ORDER) if col.name == "status"
                             else col.str.lower()).reset_index(drop=True)
