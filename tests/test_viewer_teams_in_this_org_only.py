"""Resolving the viewer with their own token: profile, membership, teams of this org only."""

import logging

import httpx
import pytest
import respx

from copilot_usage.errors import Forbidden
from copilot_usage.github.client import GitHubClient
from copilot_usage.web.viewer import resolve_viewer

pytestmark = pytest.mark.unit

API = "https://api.github.example"
TOKEN = "gho_ViewerTokenNeverLogged000002"


def team(n: int, org: str) -> dict:
    return {"id": n, "name": f"Team {n}", "slug": f"team-{n}", "description": None,
            "html_url": f"https://github.example/orgs/{org}/teams/team-{n}", "organization": {"login": org}}


def paged_teams(request: httpx.Request) -> httpx.Response:
    # 130 teams: 1-70 in acme, 61-130 in other-org (61-70 exist in both, same slug and name).
    items = [team(n, "acme") for n in range(1, 71)] + [team(n, "other-org") for n in range(61, 131)]
    items.append({**team(999, "other-org"), "slug": "copilot-admins", "name": "Copilot Admins"})
    page = int(request.url.params.get("page", 1))
    per_page = int(request.url.params.get("per_page", 30))
    chunk = items[(page - 1) * per_page: page * per_page]
    headers = {}
    if page * per_page < len(items):
        headers["link"] = f'<{API}/user/teams?per_page={per_page}&page={page + 1}>; rel="next"'
    return httpx.Response(200, json=chunk, headers=headers)


@pytest.fixture
def github_api():
    with respx.mock(base_url=API, assert_all_called=False) as mock:
        mock.get("/user").respond(json={"login": "octocat", "id": 1, "name": "Mona", "avatar_url": "a"})
        mock.get("/user/memberships/orgs/acme").respond(json={"state": "active", "role": "member"})
        mock.get("/user/teams").mock(side_effect=paged_teams)
        yield mock


def test_every_page_is_read_and_only_this_orgs_teams_count(github_api):
    with GitHubClient(API, token=TOKEN) as client:
        viewer = resolve_viewer(client, "acme", admin_entries=["copilot-admins"])
    assert viewer.in_org and viewer.login == "octocat"
    assert viewer.teams == sorted(f"team-{n}" for n in range(1, 71))
    assert github_api.routes[2].call_count == 2            # 201 items at 100 a page
    assert not viewer.is_admin                         # copilot-admins exists only in other-org


def test_admin_by_slug_or_by_name(github_api):
    with GitHubClient(API, token=TOKEN) as client:
        assert resolve_viewer(client, "acme", admin_entries=["team-7"]).is_admin
        assert resolve_viewer(client, "acme", admin_entries=["TEAM 9"]).is_admin


def test_a_viewer_outside_the_org_has_no_teams_and_is_not_admin(github_api):
    github_api.get("/user/memberships/orgs/acme").respond(404, json={"message": "Not Found"})
    with GitHubClient(API, token=TOKEN) as client:
        viewer = resolve_viewer(client, "acme", admin_entries=["team-7"])
    assert not viewer.in_org and viewer.teams == [] and not viewer.is_admin


def test_a_pending_invitation_is_not_membership(github_api):
    github_api.get("/user/memberships/orgs/acme").respond(json={"state": "pending"})
    with GitHubClient(API, token=TOKEN) as client:
        assert not resolve_viewer(client, "acme", admin_entries=[]).in_org


def test_an_org_that_has_not_approved_the_app_says_an_owner_must(github_api, caplog):
    caplog.set_level(logging.DEBUG)
    github_api.get("/user/memberships/orgs/acme").respond(403, json={
        "message": "Although you appear to have the correct authorization credentials, the `acme` "
                   "organization has enabled OAuth App access restrictions, meaning that data access "
                   "to third-parties is limited."})
    with GitHubClient(API, token=TOKEN, max_retries=0) as client, \
            pytest.raises(Forbidden, match="owner must approve"):
        resolve_viewer(client, "acme", admin_entries=[])
    assert TOKEN not in caplog.text
