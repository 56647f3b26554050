"""In a real browser: the demo app signs in a persona and draws the team chart."""

from __future__ import annotations

import pytest
from app_server import screenshot
from browser_pages import settle

pytestmark = pytest.mark.browser


def test_member_of_two_teams_sees_the_active_users_chart(browser, demo_app, demo_org):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(demo_app)
    page.get_by_text("Demo data").wait_for(timeout=30_000)
    page.get_by_text("Member of two teams").click()
    page.get_by_role("button", name="Sign in").click()
    chart = page.locator('[data-testid="stVegaLiteChart"]')
    chart.first.wait_for(timeout=30_000)
    drawing = chart.first.locator("canvas, svg").first
    drawing.wait_for(timeout=10_000)
    settle(page)  # the run over and every chart drawn, before the screenshot
    screenshot(page, "team-page-two-teams")
    login = demo_org.personas["two-teams"]
    own = sorted(t["name"] for t in demo_org.teams if login in demo_org.members[t["slug"]])
    headings = page.locator("h2").all_inner_texts()
    assert any(name in headings for name in own), headings
    assert chart.count() == 11  # activity (3), rolling users, credits, CLI and review, phases, breakdowns (4)
    box = drawing.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 200  # drawn, not an empty frame
    page.get_by_text("week", exact=True).click()
    page.wait_for_url("**by=week**", timeout=10_000)  # the view is shareable from the URL
    page.close()


def test_a_shared_link_opens_the_same_view(browser, demo_app, demo_org):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{demo_app}/?by=month&compare=true")
    page.get_by_text("Member of two teams").click()
    page.get_by_role("button", name="Sign in").click()
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=30_000)
    assert page.get_by_role("radio", name="month", exact=True).is_checked()
    # 11 team charts and 2 beside the organisation's; a long page streams in, so wait for them
    page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stVegaLiteChart\"]').length >= 13",
                           timeout=30_000)
    assert page.locator('[data-testid="stVegaLiteChart"]').count() == 13
    page.close()
