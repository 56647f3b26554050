"""Who is in the organisation: teams, their members, Copilot seats.

    teams = list_teams(client, "my-org")          # [Team, ...] sorted by slug
    seats = seat_snapshot(client, "my-org")        # SeatSnapshot
"""

from __future__ import annotations

from datetime import UTC, datetime

from ..contract.seats import Seat, SeatSnapshot
from ..contract.teams import Team, is_valid_slug
from ..errors import NotFound


def team_from_github(item: dict) -> Team:
    return Team(name=item.get("name") or item["slug"], slug=item["slug"],
                description=item.get("description") or "", url=item.get("html_url") or "",
                id=item.get("id") if isinstance(item.get("id"), int) else None)


def list_teams(client, org: str) -> list[Team]:
    """Every team of the organisation (all pages), sorted by slug."""
    teams = [team_from_github(item) for item in client.paginate(f"/orgs/{org}/teams")
             if is_valid_slug(item.get("slug", ""))]
    return sorted(teams, key=lambda team: team.slug)


def team_members(client, org: str, slug: str) -> list[str]:
    """Logins of a team's members (child teams included, as GitHub lists them)."""
    if not is_valid_slug(slug):
        raise ValueError(f"not a GitHub team slug: {slug[:40]!r}")
    return [m["login"] for m in client.paginate(f"/orgs/{org}/teams/{slug}/members")]


def seat_snapshot(client, org: str, *, now: datetime | None = None) -> SeatSnapshot:
    """Every Copilot seat of the organisation, as of now."""
    seats = [Seat.from_github(item) for item in
             client.paginate(f"/orgs/{org}/copilot/billing/seats", item_key="seats")]
    seats.sort(key=lambda seat: seat.login.lower())
    return SeatSnapshot(taken_at=now or datetime.now(UTC), total_seats=len(seats), seats=seats)


# ---------------------------------------------------------------- the signed-in viewer
# These run with the viewer's own token (scopes read:user read:org), never the collector's.

def viewer_profile(client) -> dict:
    """`GET /user`: login, id, name, avatar_url."""
    return client.get_json("/user") or {}


def is_org_member(client, org: str) -> bool:
    """Active membership of the viewer in `org`; 404 means not a member.

    A 403 here usually means the organisation restricts OAuth apps: the client's
    Forbidden error already says an owner must approve the app.
    """
    try:
        membership = client.get_json(f"/user/memberships/orgs/{org}") or {}
    except NotFound:
        return False
    return membership.get("state") == "active"


def viewer_teams(client, org: str) -> list[Team]:
    """The viewer's teams in `org` only (all pages); a same-named team elsewhere grants nothing."""
    teams = {}
    for item in client.paginate("/user/teams"):
        owner = (item.get("organization") or {}).get("login", "")
        if owner.lower() == org.lower() and is_valid_slug(item.get("slug", "")):
            teams[item["slug"]] = team_from_github(item)
    return [teams[slug] for slug in sorted(teams)]
