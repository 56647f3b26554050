"""Copilot seats: `copilot_seats.json`, the latest seat list and when it was taken.

    snapshot = SeatSnapshot.model_validate(store.read_json(SEATS_KEY).data)
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from .days import Record


class Seat(Record):
    login: str
    user_id: int | None = None
    assigning_team: str | None = None
    created_at: datetime | None = None
    last_activity_at: datetime | None = None
    last_activity_editor: str | None = None
    last_authenticated_at: datetime | None = None
    pending_cancellation_date: date | None = None
    plan_type: str | None = None

    @classmethod
    def from_github(cls, item: dict) -> Seat:
        assignee = item.get("assignee") or {}
        team = item.get("assigning_team") or {}
        return cls.model_validate(
            {**item, "login": assignee.get("login", ""), "user_id": assignee.get("id"),
             "assigning_team": team.get("slug")}
        )


class SeatSnapshot(Record):
    """`copilot_seats.json`: the latest seat list and when it was taken."""

    taken_at: datetime
    total_seats: int
    seats: list[Seat] = Field(default_factory=list)
