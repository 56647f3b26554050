"""End to end as a user meets it: GitHub faked over HTTP, S3 served by moto, the collector
run as a command, `streamlit run`, and Debian's chromium clicking through the login popup.

Screenshots of each step go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from app_server import ROOT, screenshot, streamlit_app
from browser_pages import settle
from fake_github import FakeGitHub
from github_app import SESSION_SECRET

from copilot_usage.contract.figures import COLUMNS
from copilot_usage.contract.keys import ADMIN_TEAMS_KEY
from copilot_usage.store import S3Store
from copilot_usage.store.histories import load_team_histories

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
PREFIX = "copilot-usage"


@pytest.fixture(scope="module")
def github(demo_org):
    with FakeGitHub(demo_org) as fake:
        yield fake


@pytest.fixture(scope="module")
def bucket(s3_client):
    name = "e2e-copilot-usage"
    s3_client.create_bucket(Bucket=name)
    return name


@pytest.fixture(scope="module")
def store(s3_client, bucket, s3_endpoint, github, demo_org):
    """The bucket filled by the collector command, as the scheduled job would fill it."""
    env = {**os.environ, "GITHUB_ORG": demo_org.org, "GITHUB_API_URL": github.url,
           "GITHUB_TOKEN": "collector-token", "STORE_URL": f"s3://{bucket}/{PREFIX}",
           "AWS_ENDPOINT_URL": s3_endpoint, "PYTHONPATH": str(ROOT)}
    # The last five weeks: the pages' default range (28 days) and a week before it. The
    # backfill of a whole history is the collector tests' business.
    since = (demo_org.end_day - timedelta(days=35)).isoformat()
    done = subprocess.run([sys.executable, "-m", "copilot_usage", "collect", "--since", since],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    store = S3Store(bucket, PREFIX, client=s3_client)
    store.write_json(ADMIN_TEAMS_KEY, demo_org.admin_teams, if_tag=store.tag(ADMIN_TEAMS_KEY))
    return store


@pytest.fixture(scope="module")
def app_url(github, store, bucket, s3_endpoint, demo_org):
    with streamlit_app(STORE_URL=f"s3://{bucket}/{PREFIX}", AWS_ENDPOINT_URL=s3_endpoint,
                       GITHUB_ORG=demo_org.org, GITHUB_OAUTH_CLIENT_ID="fake-client-id",
                       GITHUB_OAUTH_CLIENT_SECRET="fake-client-secret", SESSION_SECRET=SESSION_SECRET,
                       GITHUB_WEB_URL=github.url, GITHUB_API_URL=github.url) as url:
        yield url


def log_in(browser, url: str, login: str, name: str):
    """Open `url`, click "Login with GitHub", pick who is signed in at GitHub, Authorize."""
    page = browser.new_page(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    page.goto(url)
    button = page.frame_locator('iframe[title="streamlit_oauth.authorize_button"]').get_by_role("button")
    button.wait_for(timeout=30_000)
    screenshot(page, f"{name}-1-signed-out")
    with page.expect_popup() as popup_info:
        button.click()
    popup = popup_info.value
    popup.wait_for_load_state()
    assert "read:org" in popup.content() and "read:user" in popup.content()
    popup.select_option("select[name=login]", login)
    screenshot(popup, f"{name}-2-authorize")
    popup.get_by_role("button", name="Authorize").click()
    return page


def charts(page):
    return page.locator('[data-testid="stVegaLiteChart"]')


def test_a_member_of_two_teams_logs_in_opens_a_team_and_downloads_its_rows(browser, app_url, demo_org,
                                                                           github, store):
    login = demo_org.personas["two-teams"]
    page = log_in(browser, app_url, login, "member")
    charts(page).first.wait_for(timeout=60_000)
    own = {t["slug"]: t["name"] for t in demo_org.teams if login in demo_org.members[t["slug"]]}
    page.locator('[data-testid="stSelectbox"]').click()
    options = page.get_by_role("option").all_inner_texts()
    assert sorted(o.split("·")[0].strip() for o in options) == sorted(own.values())
    second = sorted(own.values())[1]
    page.get_by_role("option", name=second).click()
    page.get_by_role("heading", name=second).wait_for(timeout=30_000)
    settle(page)  # that team's run over, every chart drawn
    assert charts(page).count() == 11  # activity (3), rolling users, credits, CLI and review, phases, breakdowns (4)
    assert page.locator('[data-testid="stMetric"]').count() >= 7
    screenshot(page, "member-3-team-page")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Daily table (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(download_info.value.path().read_text())))
    slug = next(s for s, n in own.items() if n == second)
    history = next(h for h in load_team_histories(store)[0] if h.team.slug == slug)
    last = history.data[-1].date
    expected = {d.date.isoformat(): d for d in history.data if d.date > last - timedelta(days=28)}
    assert [r["Date"] for r in rows] == list(expected)
    active, accepted = COLUMNS["active_users"].label, COLUMNS["code_acceptances"].label
    assert all(int(r[active]) == expected[r["Date"]].active_users for r in rows)
    assert all(int(r[accepted]) == expected[r["Date"]].code_acceptances for r in rows)

    token = next(t for t in github.oauth.issued_tokens() if github.oauth.token_login(t) == login)
    assert token not in page.content()
    page.get_by_role("button", name="Sign out").click()
    page.frame_locator('iframe[title="streamlit_oauth.authorize_button"]').get_by_role("button").wait_for()
    assert github.oauth.is_revoked(token)
    page.close()
    assert token not in app_url.log.read_text(errors="replace")


def test_a_pasted_link_to_another_team_is_refused(browser, app_url, demo_org):
    login = demo_org.personas["two-teams"]
    other = next(line["slug"] for line in demo_org.user_team_lines(demo_org.end_day)
                 if login not in demo_org.members[line["slug"]])
    page = log_in(browser, f"{app_url}/?team={other}", login, "pasted-link")
    page.get_by_text("You are not a member of").wait_for(timeout=60_000)
    screenshot(page, "pasted-link-3-refused")
    assert charts(page).count() == 0 and page.locator('[data-testid="stMetric"]').count() == 0
    page.close()


def test_an_admin_opens_the_overview_and_a_team_that_is_not_theirs(browser, app_url, demo_org):
    login = demo_org.personas["admin"]
    other = next(line["slug"] for line in demo_org.user_team_lines(demo_org.end_day)
                 if login not in demo_org.members[line["slug"]])
    page = log_in(browser, f"{app_url}/?team={other}", login, "admin")
    charts(page).first.wait_for(timeout=60_000)
    name = next(t["name"] for t in demo_org.teams if t["slug"] == other)
    assert page.get_by_role("heading", name=name).count() == 1
    page.get_by_role("link", name="Teams overview").click()
    page.get_by_role("heading", name="Teams overview").wait_for(timeout=30_000)
    charts(page).first.wait_for(timeout=30_000)
    settle(page)
    screenshot(page, "admin-3-overview")
    assert page.get_by_text("Teams by acceptance rate", exact=True).count() == 1  # the drawn title
    page.close()


@pytest.mark.parametrize("persona,message", [("no-team", "not a member of any team"),
                                              ("outsider", "is not a member of the")])
def test_no_team_and_outsiders_are_told_why(browser, app_url, demo_org, persona, message):
    page = log_in(browser, app_url, demo_org.personas[persona], persona)
    page.get_by_text(message).wait_for(timeout=60_000)
    screenshot(page, f"{persona}-3-explained")
    assert charts(page).count() == 0
    if persona == "no-team":  # pointed on to their own numbers, which open from the link
        page.get_by_role("link", name="See your own Copilot usage").click()
        page.get_by_role("heading", name="You and the average member").wait_for(timeout=60_000)
        settle(page)
        screenshot(page, f"{persona}-4-my-usage")
        charts(page).first.wait_for(timeout=60_000)  # their own activity, drawn
    page.close()


def test_a_wrong_state_leaves_the_viewer_signed_out_with_a_message(browser, app_url, github, demo_org):
    github.oauth.force_state("not-the-state-this-browser-sent")
    page = log_in(browser, app_url, demo_org.personas["two-teams"], "wrong-state")
    page.get_by_text("state did not match").wait_for(timeout=30_000)
    screenshot(page, "wrong-state-3-signed-out")
    assert page.get_by_text("Signed in as").count() == 0
    page.close()
