"""Copilot seats: the member record that carries a seat's history, and the seat listing.

`Member` is one org member with their seat history (given, cancelled, last
used). `Seats` is the seat half of `DemoOrg`, mixed into it: who holds a seat
on a day, and the objects `GET /orgs/{org}/copilot/billing/seats` lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from .catalogue import PLUGINS, as_day, iso_time, versions_on
from .randomness import S_TIME, unit

if TYPE_CHECKING:
    from .activity import Profile


@dataclass(slots=True)
class Member:
    """One org member and their seat history; ordinals are `date.toordinal()`."""

    idx: int
    id: int
    login: str
    name: str | None
    kind: int  # 0 heavy, 1 medium, 2 light
    seat_from: int | None = None  # holds a seat at the end of this day and after
    seat_until: int | None = None  # no seat at the end of this day (cancelled)
    seat_time: int = 9 * 3600
    never_uses: bool = False  # a seat that is never used
    stops_on: int | None = None  # last day of use: the seat goes inactive after it
    pending_cancellation: date | None = None
    assigning_team: int | None = None
    teams: list[int] = field(default_factory=list)

    def holds_seat(self, day: int) -> bool:
        return (
            self.seat_from is not None
            and self.seat_from <= day
            and (self.seat_until is None or day < self.seat_until)
        )


class Seats:
    """The seats of a `DemoOrg`; a mixin that reads its fields and activity."""

    # Provided by DemoOrg: its fields and its activity methods.
    seed: int
    end_day: date
    teams: list[dict[str, Any]]
    _people: list[Member]

    if TYPE_CHECKING:

        def _is_active(self, m: Member, d: int) -> bool: ...

        def _profile(self, m: Member) -> Profile: ...

    def licensed_on(self, day: date | str) -> set[int]:
        """User ids holding a Copilot seat at the end of `day`.

        >>> demo = build_demo_org()
        >>> len(demo.licensed_on(demo.end_day)) == len(demo.seats())
        True
        """
        d = as_day(day).toordinal()
        return {m.id for m in self._people if m.holds_seat(d)}

    def seats(self) -> list[dict[str, Any]]:
        """Seat objects as `GET /orgs/{org}/copilot/billing/seats` lists them, as of end_day.

        Includes never-used seats (`last_activity_at` None), seats idle for over
        30 days and one seat with a `pending_cancellation_date`.
        """
        end = self.end_day.toordinal()
        holders = [m for m in self._people if m.holds_seat(end)]
        holders.sort(key=lambda m: (m.seat_from, m.seat_time, m.id))
        return [self._seat(m) for m in holders]

    def _seat(self, m: Member) -> dict[str, Any]:
        assert m.seat_from is not None
        created = date.fromordinal(m.seat_from)
        last = self._last_active_day(m, self.end_day.toordinal())
        team = None
        if m.assigning_team is not None:
            assigner = self.teams[m.assigning_team]
            team = {"slug": assigner["slug"], "name": assigner["name"]}
        last_at = editor = auth_at = None
        if last is not None:
            last_day = date.fromordinal(last)
            seconds = self._time_of_day(m, last)
            last_at = iso_time(last_day, seconds)
            ide = self._profile(m).ide
            ide_version, plugin_version = versions_on(ide, last_day)
            editor = f"{ide}/{ide_version}/{PLUGINS[ide]}/{plugin_version}"
            # Tokens are refreshed around the time of use, a little after it.
            auth_at = iso_time(last_day, min(86_399, seconds + 60 * (m.id % 50)))
        elif m.id % 2 == 0:
            # Signed in once after the seat was given, then never used it.
            auth_day = min(self.end_day, created + timedelta(days=1 + m.id % 3))
            auth_at = iso_time(auth_day, m.seat_time)
        return {
            "assignee": self._user_ref(m),
            "assigning_team": team,
            "created_at": iso_time(created, m.seat_time),
            "last_activity_at": last_at,
            "last_activity_editor": editor,
            "last_authenticated_at": auth_at,
            "pending_cancellation_date": (
                m.pending_cancellation.isoformat() if m.pending_cancellation else None
            ),
            "plan_type": "business",
        }

    def _last_active_day(self, m: Member, until: int) -> int | None:
        if m.never_uses or m.seat_from is None:
            return None
        start = until if m.stops_on is None else min(until, m.stops_on)
        for d in range(start, max(m.seat_from, start - 180) - 1, -1):
            if self._is_active(m, d):
                return d
        return None

    def _time_of_day(self, m: Member, d: int) -> int:
        return 7 * 3600 + int(unit(self.seed, S_TIME, d, m.id) * 11 * 3600)

    @staticmethod
    def _user_ref(m: Member) -> dict[str, Any]:
        return {
            "login": m.login,
            "id": m.id,
            "avatar_url": f"https://avatars.githubusercontent.com/u/{m.id}?v=4",
            "html_url": f"https://github.com/{m.login}",
        }
