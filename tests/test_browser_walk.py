"""The walk: for each persona, in a real browser signed in at the loopback GitHub, visit every
page and use every control there (team picker, range, granularity, compare, search, row
selection, Open, exports), then sign out. Any red error box or a traceback in the server's
log fails the walk at the step that caused it. Each page, as it opens, is checked by axe-core
(no serious or critical violation), and Vega may warn of nothing in the browser's console.
"""

from __future__ import annotations

import pytest
from app_server import screenshot
from app_waits import runs_asked
from browser_pages import axe_violations, describe, wait_drawn
from browser_session import (
    ServerLog,
    Watched,
    error_boxes,
    github_log_in,
    operate,
    settle,
    wait_signed_out_by_button,
    wait_url_changed,
)

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


class Walk:
    """One persona's walk: every step is checked for error boxes and server tracebacks."""

    def __init__(self, page, log: ServerLog, name: str):
        self.page, self.log, self.name = page, log, name
        self.steps: list[str] = []
        self.violations: dict[str, list[dict]] = {}
        self.console: list[str] = []
        page.on("console", lambda m: self.console.append(m.text) if m.type in ("warning", "error") else None)

    def axe(self, name: str) -> None:
        """axe-core on the page as it opened, every chart drawn (reported at the walk's end)."""
        settle(self.page)
        wait_drawn(self.page)
        self.violations[name] = axe_violations(self.page)

    def vega_warnings(self) -> list[str]:
        return [text for text in self.console if "WARN" in text or "vega" in text.lower()]

    def check(self, step: str) -> None:
        self.steps.append(step)
        boxes, tracebacks = error_boxes(self.page), self.log.tracebacks()
        if boxes or tracebacks:
            screenshot(self.page, f"walk-{self.name}-failed")
        assert not boxes, f"error box after {step}: {boxes}"
        assert not tracebacks, f"server traceback after {step}: {tracebacks}"

    def use(self, control: str) -> None:
        before = self.page.url
        operate(self.page, control)
        if control in ("range", "week", "month", "compare", "picker", "open"):
            wait_url_changed(self.page, before, f"{control} changed nothing on {before}")
        self.check(f"{control} on {before}")

    def visit(self, link: str, path: str, heading: str) -> None:
        """Through the menu when the page is in it, else by its address."""
        menu = self.page.get_by_role("link", name=link)
        if menu.count():
            menu.click()
        else:
            self.page.goto(self.page.url.split("/", 3)[0] + "//" + self.page.url.split("/", 3)[2] + path)
        self.page.get_by_role("heading", name=heading).wait_for(timeout=60_000)
        settle(self.page)
        self.check(f"visit {path}")
        self.axe(heading)

    def exports(self) -> int:
        buttons = self.page.get_by_test_id("stDownloadButton").get_by_role("button")
        for i in range(buttons.count()):
            runs = runs_asked(self.page)
            with self.page.expect_download() as download:
                buttons.nth(i).click()
            assert download.value.path().stat().st_size > 0
            assert runs_asked(self.page) == runs, "a download asked for a run of the page"
            self.check(f"export {i} on {self.page.url}")
        return buttons.count()

    def has(self, text: str) -> bool:
        return self.page.get_by_text(text).count() > 0


@pytest.mark.parametrize("persona", ["two-teams", "admin", "no-team", "outsider"])
def test_walk_every_page_and_control_then_sign_out(browser, app, github, demo_org, persona):
    log = ServerLog(app)
    log.mark()
    watched = Watched(browser)
    page = watched.page()
    login = demo_org.personas[persona]
    github_log_in(page, app, login)
    walk = Walk(page, log, persona)
    walk.check("sign-in")
    walk.axe("Team usage")
    member = persona != "outsider"
    with_team = persona in ("two-teams", "admin")

    # Team usage
    if with_team:
        page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=60_000)
        walk.use("picker")
        for control in ("range", "week", "month", "compare"):
            walk.use(control)
        assert walk.exports() >= 2
    elif member:
        assert walk.has("not a member of any team")
    else:
        assert walk.has("is not a member of the")

    # Organisation usage
    walk.visit("Organisation usage", "/org_usage", "Organisation usage")
    if member:
        for control in ("range", "week", "month"):
            walk.use(control)
        assert walk.exports() >= 1
    else:
        assert walk.has("is not a member of the")

    # Teams overview: admins use it; everyone else is refused by the page itself
    walk.visit("Teams overview", "/teams_overview", "Teams overview")
    if persona == "admin":
        walk.use("range")
        walk.use("week")
        walk.use("search")
        assert walk.exports() >= 1
        walk.use("select-row")
        walk.use("open")  # to the team page, keeping the range and granularity chosen here
        page.get_by_role("heading", name="Team usage").wait_for(timeout=60_000)
        assert "by=week" in page.url and "range=" in page.url, page.url
        assert page.get_by_role("radio", name="week", exact=True).is_checked()
        walk.use("month")
    else:
        assert walk.has("The teams overview is for admins" if member else "is not a member of the")

    screenshot(page, f"walk-{persona}-before-sign-out")
    token = [t for t in github.oauth.issued_tokens() if github.oauth.token_login(t) == login][-1]
    page.get_by_role("button", name="Sign out").click()
    wait_signed_out_by_button(page)
    assert page.get_by_text("access to your GitHub account was revoked").count() == 1
    walk.check("sign out")
    assert github.oauth.is_revoked(token)
    assert all(not found for found in walk.violations.values()), describe(walk.violations)
    assert not walk.vega_warnings(), walk.vega_warnings()
    assert watched.session_cookie() is None
    hosts = watched.hosts
    watched.close()
    assert hosts <= {app.split("//")[1], github.url.split("//")[1]}, hosts
