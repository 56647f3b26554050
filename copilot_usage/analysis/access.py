"""Who may open what. Runs on the server for every page render, not only in the picker.

    viewer = build_viewer(profile, in_org=True, teams=teams, admin_entries=admin_entries)  # once per session
    teams = visible_teams(viewer, qualifying)                   # what the picker offers
    team = authorize(viewer, "platform", qualifying)           # or AccessDenied
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import Field

from ..contract.days import Record
from ..contract.teams import Team, is_valid_slug, slugify
from ..errors import AccessDenied


class Viewer(Record):
    """Who is looking: resolved once per session, on the server."""

    login: str
    user_id: int | None = None
    name: str | None = None
    avatar_url: str | None = None
    in_org: bool = False
    teams: list[str] = Field(default_factory=list)          # slugs of the viewer's teams in the org
    team_names: dict[str, str] = Field(default_factory=dict)
    is_admin: bool = False


def admin_slugs(configured: Iterable[str], teams: Iterable[Team]) -> set[str]:
    """Admin team entries (slugs, or names matched case-insensitively) -> slugs."""
    by_name = {team.name.casefold(): team.slug for team in teams}
    slugs = set()
    for entry in configured:
        entry = str(entry).strip()
        if entry:
            slugs.add(by_name.get(entry.casefold(), slugify(entry)))
    return slugs


def is_admin(viewer_teams_: Iterable[str], admin_teams: set[str]) -> bool:
    return any(slug in admin_teams for slug in viewer_teams_)


def build_viewer(profile: dict, *, in_org: bool, teams: list[Team], admin_entries: Iterable[str]) -> Viewer:
    """A Viewer from what GitHub said about them; admin when one of their teams is an admin team."""
    slugs = [team.slug for team in teams] if in_org else []
    return Viewer(
        login=profile.get("login", ""), user_id=profile.get("id"), name=profile.get("name"),
        avatar_url=profile.get("avatar_url"), in_org=in_org, teams=slugs,
        team_names={team.slug: team.name for team in teams} if in_org else {},
        is_admin=in_org and is_admin(slugs, admin_slugs(admin_entries, teams)),
    )


def require_member(viewer: Viewer | None, org: str) -> Viewer:
    if viewer is None:
        raise AccessDenied("Sign in with GitHub to see Copilot usage.")
    if not viewer.in_org:
        raise AccessDenied(f"{viewer.login} is not a member of the {org} organisation, "
                           "so no usage data is shown. If you should be, ask an organisation owner "
                           "to add you, then sign in again.")
    return viewer


def visible_teams(viewer: Viewer, qualifying: list[Team]) -> list[Team]:
    """Qualifying teams the viewer may open: own teams first, then (admins only) the rest."""
    if not viewer.in_org:
        return []
    own = [team for team in qualifying if team.slug in viewer.teams]
    others = [team for team in qualifying if team.slug not in viewer.teams] if viewer.is_admin else []
    return own + others


def authorize(viewer: Viewer | None, slug: str, qualifying: list[Team], *, org: str = "") -> Team:
    """The team `slug` if this viewer may open it; AccessDenied with the reason otherwise."""
    viewer = require_member(viewer, org or "configured")
    if not isinstance(slug, str) or not is_valid_slug(slug):
        raise AccessDenied("That is not a valid team name. Pick one of your teams from the list instead.")
    team = next((t for t in qualifying if t.slug == slug), None)
    if team is None:
        raise AccessDenied(f"No usage is recorded for team {slug!r}: it does not exist or does not "
                           "qualify (five licensed members on at least one day). Pick one of your "
                           "teams from the list instead.")
    if not viewer.is_admin and slug not in viewer.teams:
        raise AccessDenied(f"You are not a member of {team.name}; only its members and admins "
                           "can see its usage. Open one of your own teams, or ask a member of an "
                           "admin team.")
    return team


def authorize_admin(viewer: Viewer | None, org: str = "") -> Viewer:
    viewer = require_member(viewer, org or "configured")
    if not viewer.is_admin:
        raise AccessDenied("The teams overview is for admins (members of an admin team) only. "
                           "Open Team usage or Organisation usage instead.")
    return viewer
