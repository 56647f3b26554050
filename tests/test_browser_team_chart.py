"""In a real browser: the demo app signs in a persona and draws the team chart."""

from __future__ import annotations

import pytest

from app_server import screenshot, streamlit_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app_url(demo_store_dir):
    with streamlit_app(STORE_URL=f"file://{demo_store_dir}") as url:
        yield url


def test_member_of_two_teams_sees_the_active_users_chart(browser, app_url, demo_org):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(app_url)
    page.get_by_text("Demo data").wait_for(timeout=30_000)
    page.get_by_text("Member of two teams").click()
    page.get_by_role("button", name="Sign in").click()
    chart = page.locator('[data-testid="stVegaLiteChart"]')
    chart.first.wait_for(timeout=30_000)
    drawing = chart.first.locator("canvas, svg").first
    drawing.wait_for(timeout=10_000)
    page.wait_for_timeout(1000)  # let vega finish drawing before the screenshot
    screenshot(page, "team-page-two-teams")
    login = demo_org.personas["two-teams"]
    own = sorted(t["name"] for t in demo_org.teams if login in demo_org.members[t["slug"]])
    headings = page.locator("h3").all_inner_texts()
    assert any(name in headings for name in own), headings
    assert chart.count() == 1
    box = drawing.bounding_box()
    assert box and box["width"] > 400 and box["height"] > 200  # drawn, not an empty frame
    page.close()
