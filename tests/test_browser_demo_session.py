"""Demo mode in a real browser: the session cookie keeps the persona across a reload and a new
tab, and Sign out after a view control ends signed out, for good."""

from __future__ import annotations

import pytest
from app_server import screenshot
from browser_session import (
    ServerLog,
    Watched,
    demo_log_in,
    error_boxes,
    operate,
    settle,
    wait_signed_out,
    wait_signed_out_by_button,
)

pytestmark = pytest.mark.browser


def test_a_demo_persona_survives_a_reload_and_signs_out_after_a_control(browser, demo_app, demo_org):
    log = ServerLog(demo_app)
    log.mark()
    admin = demo_org.personas["admin"]
    watched = Watched(browser)
    page = watched.page()
    demo_log_in(page, f"{demo_app}/teams_overview?by=week", "Admin")
    page.get_by_role("heading", name="Teams overview").wait_for(timeout=60_000)
    assert page.url == f"{demo_app}/teams_overview?by=week"
    assert watched.session_cookie()

    page.reload()
    page.get_by_text(f"Signed in as {admin}").wait_for(timeout=60_000)
    page.get_by_role("heading", name="Teams overview").wait_for(timeout=60_000)
    settle(page)
    assert page.get_by_role("radio", name="week", exact=True).is_checked()
    tab = watched.page()
    tab.goto(demo_app)
    tab.get_by_text(f"Signed in as {admin}").wait_for(timeout=60_000)

    operate(page, "month")
    operate(page, "range")
    page.get_by_role("button", name="Sign out").click()
    wait_signed_out_by_button(page, github=False)
    screenshot(page, "demo-signed-out")
    assert not error_boxes(page) and not log.tracebacks(), log.tracebacks()
    assert watched.session_cookie() is None
    page.reload()
    wait_signed_out(page, github=False)
    tab.reload()  # the other tab's next session finds no cookie either
    wait_signed_out(tab, github=False)
    watched.close()
