"""My usage in a real browser, signed in through GitHub's login page (the loopback fake): a
member of no team finds My usage first in the menu and sees their own numbers (worked out
again here from the demo organisation's report lines); an admin too. Nobody else's login is
on the page. Screenshots at 1,400 and 390 px go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import pytest
from app_server import screenshot
from browser_pages import axe_violations, describe, wait_drawn
from browser_session import ServerLog, Watched, error_boxes, github_log_in, settle
from test_my_usage import default_range, expected_metrics, own_lines

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


def shown_metrics(page) -> dict[str, str]:
    metrics = page.locator('[data-testid="stMetric"]')
    return {metrics.nth(i).get_by_test_id("stMetricLabel").inner_text().strip():
            metrics.nth(i).get_by_test_id("stMetricValue").inner_text().strip() for i in range(metrics.count())}


def open_my_usage(page) -> None:
    page.get_by_role("link", name="My usage").click()
    page.get_by_role("heading", name="My usage").wait_for(timeout=60_000)
    page.get_by_test_id("stMetric").first.wait_for(timeout=60_000)
    settle(page)


@pytest.mark.parametrize("persona", ["no-team", "admin"])
def test_a_member_signed_in_at_github_sees_their_own_numbers(browser, app, demo_org, demo_store_dir, persona):
    log = ServerLog(app)
    log.mark()
    watched = Watched(browser)
    page = watched.page()
    console = []
    page.on("console", lambda message: console.append((message.type, message.text)))
    login = demo_org.personas[persona]
    github_log_in(page, app, login)
    menu = page.get_by_test_id("stSidebarNav").get_by_role("link")
    first = menu.first.inner_text().strip().splitlines()[-1]  # after the icon's name
    assert (first == "My usage") == (persona == "no-team"), first  # first only without a team
    open_my_usage(page)
    start, end = default_range(demo_store_dir)
    expected = expected_metrics(own_lines(demo_org, login, start, end))
    shown = shown_metrics(page)
    assert {label: shown.get(label) for label in expected} == expected
    text = page.locator('[data-testid="stMain"]').inner_text()
    others = [u["login"] for u in demo_org.users if u["login"] != login and len(u["login"]) > 5]
    assert not [other for other in others if other in text]
    assert not error_boxes(page) and not log.tracebacks()
    wait_drawn(page)
    violations = axe_violations(page)
    assert not violations, describe({"My usage": violations})
    assert not [text for kind, text in console if kind in ("warning", "error") and
                ("WARN" in text or "vega" in text.lower())]
    screenshot(page, f"my-usage-{persona}-1400")
    page.get_by_role("heading", name="Export").scroll_into_view_if_needed()
    wait_drawn(page)
    screenshot(page, f"my-usage-{persona}-1400-lower")
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("heading", name="My usage").scroll_into_view_if_needed()
    wait_drawn(page)
    screenshot(page, f"my-usage-{persona}-390")
    watched.close()
