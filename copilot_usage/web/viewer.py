"""Who is signed in, asked of GitHub with the viewer's own token (never the collector's).

    viewer = resolve_viewer(client, "my-org", admin_entries)   # once per session
"""

from __future__ import annotations

from collections.abc import Iterable

from ..analysis.access import Viewer, build_viewer
from ..github.directory import is_org_member, viewer_profile, viewer_teams


def resolve_viewer(client, org: str, admin_entries: Iterable[str]) -> Viewer:
    """Who the token belongs to, whether they are in `org`, their teams there, and whether one
    of them is an admin team."""
    profile = viewer_profile(client)
    in_org = is_org_member(client, org)
    return build_viewer(profile, in_org=in_org, teams=viewer_teams(client, org) if in_org else [],
                        admin_entries=admin_entries)
