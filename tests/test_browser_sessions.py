"""Sessions in a real browser, signed in at the loopback GitHub: a reload and a new tab stay
signed in, a tampered, expired or foreign cookie and a token revoked at GitHub sign out with a
sentence, deep links survive sign-in, Sign out works whatever control was touched, and no
request leaves for a host the app was not configured with.

Screenshots go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import base64
import time

import httpx
import pytest
from app_server import screenshot
from browser_session import (
    SESSION_HOURS,
    SIGN_IN_BUTTON,
    ServerLog,
    Watched,
    error_boxes,
    github_log_in,
    is_signed_in,
    operate,
    settle,
    wait_signed_out,
    wait_signed_out_by_button,
    wait_url_changed,
)
from github_app import SESSION_SECRET

from copilot_usage.web.session import COOKIE_NAME, Sealer, Session

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
HOURS = SESSION_HOURS  # what the app (conftest) is started with


@pytest.fixture(scope="module")
def hosts():
    """Every host any browser of this module asked for."""
    return set()


@pytest.fixture
def watched(browser, hosts):
    made = []

    def make():
        made.append(Watched(browser))
        return made[-1]

    yield make
    for one in made:
        hosts.update(one.hosts)
        one.close()


@pytest.fixture
def log(app):
    server = ServerLog(app)
    server.mark()
    return server


def charts(page):
    return page.locator('[data-testid="stVegaLiteChart"]')


def sealer(demo_org) -> Sealer:
    return Sealer(SESSION_SECRET, hours=HOURS, audience=f"{demo_org.org} fake-client-id")


def token_of(github, login: str) -> str:
    """The newest valid token GitHub issued to `login`."""
    return [t for t in github.oauth.issued_tokens() if github.oauth.token_login(t) == login][-1]


def test_a_reload_and_a_new_tab_stay_signed_in(watched, app, github, demo_org, log):
    login = demo_org.personas["two-teams"]
    browser = watched()
    page = browser.page()
    github_log_in(page, f"{app}/?by=week", login)
    charts(page).first.wait_for(timeout=60_000)
    token = token_of(github, login)
    cookie = browser.session_cookie()
    assert cookie, "no session cookie after sign-in"
    # Sealed: the token is not in the cookie, in clear or under base64.
    assert token not in cookie and token.encode() not in base64.urlsafe_b64decode(cookie + "==")
    user_calls = github.oauth.calls["user"]

    page.reload()
    page.get_by_text(f"Signed in as {login}").wait_for(timeout=60_000)
    charts(page).first.wait_for(timeout=60_000)
    assert page.frame_locator(SIGN_IN_BUTTON).get_by_role("button").count() == 0
    assert page.get_by_role("radio", name="week", exact=True).is_checked()
    screenshot(page, "session-1-after-reload")

    tab = browser.page()
    tab.goto(f"{app}/org_usage")
    tab.get_by_role("heading", name="Organisation usage").wait_for(timeout=60_000)
    settle(tab)
    assert is_signed_in(tab, login)
    # Each new browser session asked GitHub who the token belongs to, with that token.
    assert github.oauth.calls["user"] >= user_calls + 2
    assert not error_boxes(page) + error_boxes(tab) and not log.tracebacks()
    assert not github.oauth.is_revoked(token)


@pytest.mark.parametrize("kind,message", [
    ("tampered", "could not be read"),
    ("foreign", "could not be read"),
    ("expired", "has expired"),
])
def test_a_bad_cookie_signs_out_with_a_sentence(watched, app, github, demo_org, log, kind, message):
    login = demo_org.personas["admin"]
    token = github.oauth.issue_token(login)
    session = Session(login, token=token)
    if kind == "tampered":
        sealed = sealer(demo_org).seal(session)
        middle = len(sealed) // 2
        sealed = sealed[:middle] + ("A" if sealed[middle] != "A" else "B") + sealed[middle + 1:]
    elif kind == "foreign":
        sealed = Sealer("another-deployment-secret-0123456789abcdef", hours=HOURS,
                        audience=f"{demo_org.org} fake-client-id").seal(session)
    else:
        sealed = sealer(demo_org).seal(session, now=time.time() - (HOURS * 3600 + 60))
    browser = watched()
    host = app.split("//")[1].split(":")[0]
    browser.context.add_cookies([{"name": COOKIE_NAME, "value": sealed, "domain": host, "path": "/"}])
    page = browser.page()
    page.goto(f"{app}/org_usage")
    wait_signed_out(page)
    page.get_by_text(message).wait_for(timeout=30_000)
    screenshot(page, f"session-cookie-{kind}")
    assert not error_boxes(page) and not log.tracebacks()
    assert browser.session_cookie() is None  # the refused cookie is deleted
    assert token not in page.content()
    # The same cookie, sealed properly and fresh, signs the admin in: the refusal was the cookie's.
    browser.context.add_cookies([{"name": COOKIE_NAME, "value": sealer(demo_org).seal(session),
                                  "domain": host, "path": "/"}])
    page.goto(f"{app}/teams_overview")
    page.get_by_role("heading", name="Teams overview").wait_for(timeout=60_000)
    settle(page)
    assert is_signed_in(page, login)


def test_a_token_revoked_at_github_signs_out_at_the_next_render(watched, app, github, demo_org, log):
    login = demo_org.personas["two-teams"]
    browser = watched()
    page = browser.page()
    github_log_in(page, app, login)
    charts(page).first.wait_for(timeout=60_000)
    token = token_of(github, login)
    answer = httpx.request("DELETE", f"{github.url}/applications/{github.oauth.client_id}/token",
                           auth=(github.oauth.client_id, github.oauth.client_secret),
                           json={"access_token": token})
    assert answer.status_code == 204
    page.get_by_text("month", exact=True).click()  # the next render, in the same session
    wait_signed_out(page)
    page.get_by_text("no longer valid").wait_for(timeout=30_000)
    assert browser.session_cookie() is None
    page.reload()  # and the cookie that held it signs nobody in
    wait_signed_out(page)
    assert not error_boxes(page) and not log.tracebacks()


@pytest.mark.parametrize("path,persona,heading", [
    ("/org_usage?by=month", "two-teams", "Organisation usage"),
    ("/teams_overview", "admin", "Teams overview"),
    ("/teams_overview?by=week", "two-teams", "Teams overview"),
])
def test_a_deep_link_survives_sign_in(watched, app, demo_org, log, path, persona, heading):
    browser = watched()
    page = browser.page()
    github_log_in(page, app + path, demo_org.personas[persona])
    page.get_by_role("heading", name=heading).wait_for(timeout=60_000)
    settle(page)
    assert page.url == app + path
    if persona == "admin":
        charts(page).first.wait_for(timeout=60_000)
    else:
        assert "by=month" not in path or page.get_by_role("radio", name="month", exact=True).is_checked()
        if heading == "Teams overview":  # not theirs: refused with the page's own message
            assert page.get_by_text("The teams overview is for admins").count() == 1
            assert charts(page).count() == 0
    assert not error_boxes(page) and not log.tracebacks()


@pytest.mark.parametrize("path,control", [
    ("/", "range"), ("/", "week"), ("/", "compare"), ("/", "picker"),
    ("/org_usage", "range"), ("/org_usage", "month"),
    ("/teams_overview", "range"), ("/teams_overview", "week"), ("/teams_overview", "search"),
])
def test_sign_out_after_a_control_ends_signed_out(watched, app, github, demo_org, log, path, control):
    """Signed in by a session cookie as GitHub's sign-in leaves it (the sign-in itself is walked
    above and in test_browser_walk): what is tested is the way out."""
    login = demo_org.personas["admin"]
    token = github.oauth.issue_token(login)
    browser = watched()
    browser.context.add_cookies([{"name": COOKIE_NAME, "value": sealer(demo_org).seal(Session(login, token=token)),
                                  "url": app}])
    page = browser.page()
    page.goto(app + path)
    page.get_by_text(f"Signed in as {login}").wait_for(timeout=60_000)
    settle(page)
    charts(page).first.wait_for(timeout=60_000)
    before = page.url
    operate(page, control)
    if control == "search":  # not kept in the URL
        assert page.get_by_placeholder("Team name or slug").input_value() == "a"
    else:
        wait_url_changed(page, before, "the control changed nothing")
    page.get_by_role("button", name="Sign out").click()
    wait_signed_out_by_button(page)
    assert not error_boxes(page), error_boxes(page)
    assert not log.tracebacks(), log.tracebacks()
    assert github.oauth.is_revoked(token)
    assert browser.session_cookie() is None
    page.reload()
    wait_signed_out(page)


def test_no_request_left_for_a_host_nobody_configured(hosts, app, github):
    """Runs last in this module: every host the browsers above asked for."""
    assert len(hosts) >= 2
    assert hosts <= {app.split("//")[1], github.url.split("//")[1]}, hosts
