"""Access is decided on the server for every render: crafted sessions and links get nothing."""


import pytest
from demo_app import app_test, demo_mode
from streamlit.testing.v1 import AppTest

from copilot_usage.analysis.access import Viewer, authorize, visible_teams
from copilot_usage.contract.teams import Team
from copilot_usage.errors import AccessDenied

pytestmark = pytest.mark.unit

TEAMS = [Team(name=n.title(), slug=n) for n in ("apps", "data", "web")]


def viewer(**kw) -> Viewer:
    return Viewer(**{"login": "mallory", "in_org": True, **kw})


def test_visible_teams_own_first_and_all_for_admins():
    assert visible_teams(viewer(teams=["web", "gone"]), TEAMS) == [TEAMS[2]]
    assert visible_teams(viewer(teams=["web"], is_admin=True), TEAMS) == [TEAMS[2], TEAMS[0], TEAMS[1]]
    assert visible_teams(viewer(in_org=False, teams=["web"], is_admin=True), TEAMS) == []


@pytest.mark.parametrize("slug", ["data", "../data", "%2Fdata", "da ta", "x" * 200, "", None, "nope"])
def test_a_regular_viewer_may_not_open_other_or_malformed_teams(slug):
    with pytest.raises(AccessDenied):
        authorize(viewer(teams=["apps"]), slug, TEAMS)


def test_admins_open_any_qualifying_team_but_not_a_missing_one():
    admin = viewer(teams=[], is_admin=True)
    assert authorize(admin, "data", TEAMS) == TEAMS[1]
    with pytest.raises(AccessDenied, match="does not exist or does not qualify"):
        authorize(admin, "design-guild", TEAMS)
    with pytest.raises(AccessDenied, match="not a member of the"):
        authorize(viewer(in_org=False, is_admin=True), "data", TEAMS)


@pytest.fixture
def run_page(monkeypatch, demo_store_dir):
    demo_mode(monkeypatch, f"file://{demo_store_dir}")

    def run(script: str, who: Viewer, *, query=None, session=None) -> AppTest:
        # Through the app's navigation, as a browser opens it: pages link to one another.
        at = app_test()
        at.session_state["viewer"] = who
        for key, value in (session or {}).items():
            at.session_state[key] = value
        for key, value in (query or {}).items():
            at.query_params[key] = value
        at.run()
        assert not at.exception, at.exception
        at.switch_page(script).run()
        assert not at.exception, at.exception
        return at

    return run


def no_numbers(at: AppTest) -> bool:
    return not at.metric and not [el for el in at.main if el.type == "vega_lite_chart"] and not at.dataframe


def member_of(demo_org, slug) -> Viewer:
    return viewer(login="crafted", teams=[slug], team_names={slug: slug})


def qualifying_slugs(demo_org) -> list[str]:
    return sorted({line["slug"] for line in demo_org.user_team_lines(demo_org.end_day)})


def test_a_session_picking_another_team_is_refused(run_page, demo_org):
    own, other = qualifying_slugs(demo_org)[:2]
    at = run_page("app_pages/team_usage.py", member_of(demo_org, own), session={"team_picker": other})
    assert any("You are not a member of" in e.value for e in at.error) and no_numbers(at)


def test_a_link_to_another_team_is_refused_and_to_a_bad_slug_too(run_page, demo_org):
    own, other = qualifying_slugs(demo_org)[:2]
    for claim, message in ((other, "You are not a member of"), ("../etc", "not a valid team name")):
        at = run_page("app_pages/team_usage.py", member_of(demo_org, own), query={"team": claim})
        assert any(message in e.value for e in at.error) and no_numbers(at)


def test_a_refused_link_offers_the_way_back_to_own_teams(run_page, demo_org):
    own, other = qualifying_slugs(demo_org)[:2]
    at = run_page("app_pages/team_usage.py", member_of(demo_org, own), query={"team": other})
    at.button[0].click().run()
    assert not at.error and at.query_params["team"] == own and at.metric


def test_own_team_opens_from_a_link(run_page, demo_org):
    own = qualifying_slugs(demo_org)[1]
    at = run_page("app_pages/team_usage.py", member_of(demo_org, own), query={"team": own})
    assert not at.error and at.metric and at.query_params["team"] == own


def test_an_outsider_sees_only_the_refusal_on_every_page(run_page):
    outsider = viewer(login="outside-octocat", in_org=False)
    for script in ("app_pages/team_usage.py", "app_pages/org_usage.py", "app_pages/teams_overview.py"):
        at = run_page(script, outsider)
        assert any("is not a member of the" in e.value for e in at.error) and no_numbers(at), script


def test_the_overview_refuses_a_regular_member_even_when_opened_directly(run_page, demo_org):
    at = run_page("app_pages/teams_overview.py", member_of(demo_org, qualifying_slugs(demo_org)[0]))
    assert any("for admins" in e.value for e in at.error) and no_numbers(at)


def test_an_own_team_that_does_not_qualify_is_shown_with_its_reason(run_page, demo_org):
    slug = demo_org.never_qualifying_team
    name = next(t["name"] for t in demo_org.teams if t["slug"] == slug)
    who = viewer(login="crafted", teams=[slug], team_names={slug: name})
    at = run_page("app_pages/team_usage.py", who)
    seats = {s["assignee"]["login"] for s in demo_org.seats()}
    licensed = sum(1 for login in demo_org.members[slug] if login in seats)
    held = {0: "No member holds", 1: "1 member holds"}.get(licensed, f"{licensed} members hold")
    assert any(c.value.startswith(f"{name}: {held} a Copilot licence; 5 are needed") for c in at.caption)
    assert not at.selectbox and no_numbers(at)
