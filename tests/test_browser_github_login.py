"""In a real browser: "Login with GitHub" against the loopback fake of GitHub's OAuth pages."""

from __future__ import annotations

import pytest

from app_server import screenshot, streamlit_app
from fake_github import FakeGitHub

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def github(demo_org):
    with FakeGitHub(demo_org) as fake:
        yield fake


@pytest.fixture(scope="module")
def app_url(github, demo_store_dir, demo_org):
    with streamlit_app(STORE_URL=f"file://{demo_store_dir}", GITHUB_ORG=demo_org.org,
                       GITHUB_OAUTH_CLIENT_ID="fake-client-id", GITHUB_OAUTH_CLIENT_SECRET="fake-client-secret",
                       GITHUB_WEB_URL=github.url, GITHUB_API_URL=github.url) as url:
        yield url


def log_in(browser, app_url, login: str, name: str):
    """Click "Login with GitHub", pick who is signed in at GitHub, and Authorize."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(app_url)
    button = page.frame_locator('iframe[title="streamlit_oauth.authorize_button"]').get_by_role("button")
    button.wait_for(timeout=30_000)
    screenshot(page, f"login-{name}-1-signed-out")
    with page.expect_popup() as popup_info:
        button.click()
    popup = popup_info.value
    popup.wait_for_load_state()
    assert "read:org" in popup.content() and "read:user" in popup.content()
    popup.select_option("select[name=login]", login)
    screenshot(popup, f"login-{name}-2-authorize")
    popup.get_by_role("button", name="Authorize").click()
    return page


def test_a_member_logs_in_and_lands_on_their_team(browser, app_url, demo_org, github):
    login = demo_org.personas["two-teams"]
    page = log_in(browser, app_url, login, "two-teams")
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=30_000)
    screenshot(page, "login-two-teams-3-team-page")
    own = {t["name"] for t in demo_org.teams if login in demo_org.members[t["slug"]]}
    assert set(page.locator("h2").all_inner_texts()) & own
    assert page.get_by_text(f"Signed in as {login}").count() == 1
    token = next(t for t in github.oauth.issued_tokens() if github.oauth.token_login(t) == login)
    assert token not in page.content()  # the token never reaches the browser
    page.get_by_role("button", name="Sign out").click()
    page.frame_locator('iframe[title="streamlit_oauth.authorize_button"]').get_by_role("button").wait_for()
    assert github.oauth.is_revoked(token)
    page.close()
    assert app_url.log.stat().st_size > 0 and token not in app_url.log.read_text(errors="replace")


def test_a_wrong_state_leaves_the_viewer_signed_out_with_a_message(browser, app_url, github):
    github.oauth.force_state("not-the-state-this-browser-sent")
    page = log_in(browser, app_url, "jonas-patel", "wrong-state")
    page.get_by_text("state did not match").wait_for(timeout=30_000)
    screenshot(page, "login-wrong-state")
    assert page.get_by_text("Signed in as").count() == 0
    page.close()


def test_an_outsider_is_told_they_are_not_in_the_organisation(browser, app_url, demo_org):
    page = log_in(browser, app_url, demo_org.personas["outsider"], "outsider")
    page.get_by_text("is not a member of the").wait_for(timeout=30_000)
    assert page.locator('[data-testid="stVegaLiteChart"]').count() == 0
    page.close()
