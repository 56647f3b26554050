"""Who may open what. Runs on the server for every page render, not only in the picker.

    allowed = permitted_teams(viewer, qualifying_teams)
    team = authorize_team(viewer, "platform", qualifying_teams)   # or AccessDenied
"""

from __future__ import annotations

from typing import Iterable

from .errors import AccessDenied
from .models import Team, Viewer, is_valid_slug, slugify


def admin_slugs(configured: Iterable[str], teams: Iterable[Team]) -> set[str]:
    """Admin team entries (slugs, or names matched case-insensitively) -> slugs."""
    by_name = {team.name.casefold(): team.slug for team in teams}
    slugs = set()
    for entry in configured:
        entry = str(entry).strip()
        if entry:
            slugs.add(by_name.get(entry.casefold(), slugify(entry)))
    return slugs


def is_admin(viewer_teams: Iterable[str], admin_teams: set[str]) -> bool:
    return any(slug in admin_teams for slug in viewer_teams)


def require_member(viewer: Viewer | None, org: str) -> Viewer:
    if viewer is None:
        raise AccessDenied("Sign in with GitHub to see Copilot usage.")
    if not viewer.in_org:
        raise AccessDenied(f"{viewer.login} is not a member of the {org} organisation, "
                           "so no usage data is shown.")
    return viewer


def permitted_teams(viewer: Viewer, qualifying: list[Team]) -> list[Team]:
    """Qualifying teams the viewer may open: all for an admin, their own for everyone else."""
    if not viewer.in_org:
        return []
    if viewer.is_admin:
        return list(qualifying)
    own = set(viewer.teams)
    return [team for team in qualifying if team.slug in own]


def authorize_team(viewer: Viewer | None, slug: str, qualifying: list[Team], *, org: str = "") -> Team:
    """The team `slug` if this viewer may open it; AccessDenied with the reason otherwise."""
    viewer = require_member(viewer, org or "configured")
    if not is_valid_slug(slug):
        raise AccessDenied("That is not a valid team name.")
    team = next((t for t in qualifying if t.slug == slug), None)
    if team is None:
        raise AccessDenied(f"No usage is recorded for team {slug!r}: it does not exist or does not "
                           "qualify (five licensed members on at least one day).")
    if not viewer.is_admin and slug not in viewer.teams:
        raise AccessDenied(f"You are not a member of {team.name}; only its members and admins "
                           "can see its usage.")
    return team


def authorize_admin(viewer: Viewer | None, org: str = "") -> Viewer:
    viewer = require_member(viewer, org or "configured")
    if not viewer.is_admin:
        raise AccessDenied("The teams overview is for admins (members of an admin team) only.")
    return viewer
