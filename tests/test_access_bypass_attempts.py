"""Nobody gets in who should not: sign-in tricks and access bypass attempts against the app as
deployed (GitHub sign-in configured, GitHub played by the loopback fake, the real store).

Every attempt must end with a sentence on the page and no usage number of the
team asked for. The count of refused attempts is printed in the terminal summary.
"""

from __future__ import annotations

import httpx
import pytest
from conftest import print_at_the_end
from fake_github import FakeGitHub
from github_app import (
    GitHubButton,
    SummaryLines,
    app_test,
    consent,
    error_texts,
    github_mode,
    markup_in,
    run_with_session,
    session_of,
    shows_numbers,
    sign_in,
    small_org,
)
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1.element_tree import Selectbox

pytestmark = pytest.mark.integration

OTHER = "data-science"           # qualifies; the two-teams persona is not a member
OWN = ("payments", "platform")   # the two-teams persona's teams
STALE = 601                      # seconds since GitHub was last asked about the viewer


@pytest.fixture(scope="module")
def fake(org):
    with FakeGitHub(org) as github:
        yield github


@pytest.fixture(scope="module")
def refused(request):
    summary = SummaryLines("access bypass attempts")
    print_at_the_end(request.config, summary)
    attempts: list[str] = []
    yield attempts
    summary.rows += [f"refused: {attempt}" for attempt in attempts]
    summary.rows.append(f"bypass attempts refused: {len(attempts)}")


@pytest.fixture
def button(monkeypatch, fake, store_url):
    github_mode(monkeypatch, fake, store_url)
    return GitHubButton.install(monkeypatch)


def signed_in(button, fake, persona_login: str, query: dict | None = None):
    at = app_test()
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return sign_in(at, button, fake, persona_login)


def same_session(at, script: str = "streamlit_app.py"):
    """A new run of `script` in the signed-in session of `at`."""
    page = app_test(script)
    for key in ("viewer", "github_token", "viewer_checked_at"):
        page.session_state[key] = at.session_state[key]
    return page


def assert_refused(at, message: str, refused: list[str], attempt: str) -> None:
    assert not at.exception, at.exception
    assert any(message in text for text in error_texts(at)), (error_texts(at), [i.value for i in at.info])
    assert not shows_numbers(at)
    refused.append(attempt)


# ---------------------------------------------------------------- sign-in


def signed_out(at) -> bool:
    return "viewer" not in at.session_state and "github_token" not in at.session_state


@pytest.mark.parametrize("attempt,tamper,message", [
    ("callback without a state", lambda cb: {"code": cb["code"]}, "state did not match"),
    ("callback with another session's state", lambda cb: {**cb, "state": "someone-elses-state"},
     "state did not match"),
    ("callback carrying a Markdown link as its error", lambda cb: {
        "state": cb["state"], "error": "[Continue](javascript:alert(document.cookie))"},
     "GitHub refused the sign-in"),
])
def test_a_tampered_callback_leaves_the_viewer_signed_out(button, fake, org, refused, attempt, tamper, message):
    at = app_test()
    at.run()
    button.answers.append(tamper(consent(fake, at, org.personas["two-teams"])))
    exchanges = fake.oauth.calls["access_token"]
    at.run()
    assert signed_out(at) and any(message in text for text in error_texts(at))
    assert not [markup_in(text) for text in error_texts(at) if markup_in(text)]  # text, never a link
    assert fake.oauth.calls["access_token"] == exchanges   # refused before any code exchange
    refused.append(f"OAuth: {attempt}")


def test_a_code_used_twice_leaves_the_viewer_signed_out(button, fake, org, refused):
    login = org.personas["two-teams"]
    at = app_test()
    at.run()
    first = consent(fake, at, login)
    button.answers.append(first)
    at.run()
    assert at.session_state["viewer"].login == login
    at.sidebar.button[0].click().run()   # sign out (revokes the token)
    assert signed_out(at)
    state = at.session_state["sign_in_pending"][0]
    button.answers.append({"code": first["code"], "state": state})  # the old code, a fresh state
    at.run()
    assert signed_out(at) and any("expired or was already used" in text for text in error_texts(at))
    refused.append("OAuth: a code used twice")


def test_a_code_from_another_client_leaves_the_viewer_signed_out(button, fake, org, refused):
    at = app_test()
    at.run()
    with FakeGitHub(org, client_id="another-app", client_secret="another-secret") as other:
        foreign = consent(other, at, org.personas["two-teams"])
    button.answers.append(foreign)
    at.run()
    assert signed_out(at) and any("expired or was already used" in text for text in error_texts(at))
    refused.append("OAuth: a code issued to another OAuth app")


# ---------------------------------------------------------------- a regular member


def test_another_team_named_in_the_query_string_is_refused(button, fake, org, refused):
    at = signed_in(button, fake, org.personas["two-teams"], query={"team": OTHER})
    assert_refused(at, "You are not a member of Data Science", refused, "query string ?team=data-science")


def test_another_team_put_in_the_session_is_refused(button, fake, org, refused):
    at = signed_in(button, fake, org.personas["two-teams"])
    assert at.metric and at.query_params["team"] in OWN
    again = same_session(at)            # the same signed-in session, its picker state changed
    again.session_state["team_picker"] = OTHER
    again.run()
    assert_refused(again, "You are not a member of Data Science", refused, "session state team_picker")


class ForgedSelectbox(Selectbox):
    """The picker as a hand-written websocket message would set it: any value at all."""

    forged = ""

    @property
    def _widget_state(self) -> WidgetState:
        state = WidgetState()
        state.id = self.id
        state.string_value = self.forged
        return state


@pytest.mark.parametrize("forged", [OTHER, "Data Science", "platform-sre"])
def test_the_pickers_own_widget_sent_another_team_is_refused(button, fake, org, refused, forged):
    at = signed_in(button, fake, org.personas["two-teams"])
    picker = at.selectbox[0]
    assert OTHER not in picker.options and "Data Science" not in " ".join(picker.options)
    picker.__class__ = ForgedSelectbox
    picker.forged = forged
    at.run()
    assert not at.exception, at.exception
    assert all(header.value not in ("Data Science", "Platform SRE") for header in at.header)
    assert not shows_numbers(at) and error_texts(at)
    refused.append(f"picker widget value forged to {forged!r}")


def test_the_overview_refuses_a_regular_member_even_opened_directly(button, fake, org, refused):
    at = signed_in(button, fake, org.personas["two-teams"])
    # Hidden from a regular member's menu, but its URL answers (a deep link survives sign-in)
    # with the page's own refusal.
    at.switch_page("app_pages/teams_overview.py").run()
    assert_refused(at, "for admins", refused, "teams overview page opened through navigation")
    page = same_session(at, "app_pages/teams_overview.py")
    page.run()
    assert_refused(page, "for admins", refused, "teams overview page run directly")


def test_a_same_named_admin_team_in_another_organisation_grants_nothing(button, fake, org, refused):
    login = org.personas["two-teams"]
    decoys = [t for t in fake.oauth.viewer_teams(login) if t["organization"]["login"] != org.org]
    assert "copilot-admins" in {t["slug"] for t in decoys}   # /user/teams lists it, in other-org
    at = signed_in(button, fake, login, query={"team": OTHER})
    assert not at.session_state["viewer"].is_admin
    assert_refused(at, "You are not a member of", refused, "other-org team named like the admin team")


def test_a_member_of_no_team_with_a_same_named_team_elsewhere_opens_nothing(button, fake, org, refused):
    at = signed_in(button, fake, org.personas["no-team"], query={"team": "platform"})
    assert at.session_state["viewer"].teams == [] and not at.session_state["viewer"].is_admin
    assert_refused(at, "You are not a member of", refused, "member of no team (other-org decoy) naming a team")


# ---------------------------------------------------------------- outsiders and stale sign-ins


def test_an_outsider_with_a_valid_token_sees_only_the_refusal(button, fake, org, refused):
    at = signed_in(button, fake, org.personas["outsider"])
    assert not at.session_state["viewer"].in_org
    assert_refused(at, "is not a member of the octo-demo organisation", refused, "outsider, team page")
    for script in ("app_pages/org_usage.py", "app_pages/teams_overview.py"):
        page = same_session(at, script)
        page.query_params["team"] = OTHER
        page.run()
        assert_refused(page, "is not a member of the octo-demo organisation", refused, f"outsider, {script}")


@pytest.fixture
def removed(monkeypatch, store_url):
    """A GitHub on which `login` has since been removed from `slug` (the store is unchanged)."""
    fakes = []

    def remove(login: str, slug: str) -> FakeGitHub:
        changed = small_org()
        changed.members[slug] = [m for m in changed.members[slug] if m != login]
        github = FakeGitHub(changed).start()
        fakes.append(github)
        github_mode(monkeypatch, github, store_url)
        return github

    yield remove
    for github in fakes:
        github.stop()


def test_a_membership_removed_since_sign_in_stops_counting_within_ten_minutes(fake, org, removed, refused):
    login = org.personas["two-teams"]
    viewer, _ = session_of(fake, login)
    assert "platform" in viewer.teams
    now = removed(login, "platform")
    token = now.oauth.issue_token(login)

    fresh = run_with_session(viewer, token, 60, query={"team": "platform"})
    assert fresh.metric and now.oauth.calls["user-teams"] == 0      # asked less than 10 minutes ago

    stale = run_with_session(viewer, token, STALE, query={"team": "platform"})
    assert now.oauth.calls["user-teams"] == 1                        # asked again
    assert stale.session_state["viewer"].teams == ["payments"]
    assert_refused(stale, "You are not a member of Platform", refused,
                   "team membership removed since sign-in (re-checked after 10 minutes)")


def test_an_admin_removed_from_the_admin_team_loses_the_overview(fake, org, removed, refused):
    login = org.personas["admin"]
    viewer, _ = session_of(fake, login)
    assert viewer.is_admin
    now = removed(login, "copilot-admins")
    token = now.oauth.issue_token(login)
    at = run_with_session(viewer, token, STALE, script="app_pages/teams_overview.py")
    assert not at.session_state["viewer"].is_admin
    assert_refused(at, "for admins", refused, "admin removed from the admin team since sign-in")


def test_a_forged_viewer_is_replaced_by_what_github_says(fake, org, button, refused):
    login = org.personas["outsider"]
    _, token = session_of(fake, login)
    from copilot_usage.analysis.access import Viewer

    forged = Viewer(login=login, in_org=True, teams=[OTHER], team_names={OTHER: "Data Science"}, is_admin=True)
    at = run_with_session(forged, token, STALE, query={"team": OTHER})
    assert not at.session_state["viewer"].in_org
    assert_refused(at, "is not a member of the octo-demo organisation", refused,
                   "outsider's token with a session claiming membership and admin")


def test_a_token_revoked_on_github_signs_the_viewer_out(fake, org, button, refused):
    viewer, token = session_of(fake, org.personas["two-teams"])
    answer = httpx.request("DELETE", f"{fake.url}/applications/{fake.oauth.client_id}/token",
                           auth=(fake.oauth.client_id, fake.oauth.client_secret), json={"access_token": token})
    assert answer.status_code == 204
    at = run_with_session(viewer, token, STALE, query={"team": "platform"})
    assert not at.exception and signed_out(at)
    assert any("no longer valid" in text for text in error_texts(at)) and not shows_numbers(at)
    refused.append("token revoked on GitHub since sign-in")


def test_github_unreachable_at_the_recheck_shows_nothing(org, monkeypatch, store_url, fake, refused):
    viewer, token = session_of(fake, org.personas["two-teams"])
    down = FakeGitHub(org).start()
    github_mode(monkeypatch, down, store_url)
    down.faults.add(status=503, times=100)
    try:
        at = run_with_session(viewer, token, STALE, query={"team": "platform"})
    finally:
        down.stop()
    assert_refused(at, "could not be confirmed with GitHub", refused, "memberships not confirmable (GitHub 503)")
