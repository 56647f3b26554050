"""The five-licensed-members rule (DESIGN.md, "Qualification"), with the reason in words.

    q = qualify(history, current_licensed=3)
    q.qualifies, q.reason
"""

from __future__ import annotations

from dataclasses import dataclass

from ..contract.rules import MIN_LICENSED_MEMBERS
from ..contract.teams import TeamHistory


@dataclass(frozen=True)
class Qualification:
    qualifies: bool
    licensed_members: int | None   # latest known count of members with a licence
    active_members: int | None     # active users on the last recorded day
    reason: str


def licensed_counts(members: dict[str, list[str]], seat_logins: set[str]) -> dict[str, int]:
    """Team slug -> members holding a Copilot seat now (for teams GitHub does not report)."""
    seats = {login.lower() for login in seat_logins}
    return {slug: sum(1 for login in logins if login.lower() in seats) for slug, logins in members.items()}


def qualify(team_name: str, history: TeamHistory | None, *, current_licensed: int | None = None) -> Qualification:
    """Does the team have at least one recorded day? Say why in a sentence."""
    days = history.data if history else []
    if days:
        last = days[-1]
        licensed = current_licensed if current_licensed is not None else last.licensed_members
        count = f"{last.licensed_members} licensed members, " if last.licensed_members else ""
        return Qualification(
            True, licensed, last.active_users,
            f"{team_name} has {len(days)} recorded day(s); on {last.date:%Y-%m-%d} it had "
            f"{count}{last.active_users} active.",
        )
    if current_licensed is None:
        have = "The number of its members with a Copilot licence is not known"
    else:
        have = {0: "No member holds", 1: "1 member holds"}.get(current_licensed,
                                                              f"{current_licensed} members hold")
        have += " a Copilot licence"
    return Qualification(
        False, current_licensed, None,
        f"{team_name}: {have}; {MIN_LICENSED_MEMBERS} are needed for at least one day before its usage "
        "can be shown (GitHub reports no team numbers below that).",
    )
