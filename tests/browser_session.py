"""Browser helpers for the session tests: sign in through the loopback GitHub's consent page,
wait for a run to finish, and collect what must never happen (error boxes, server tracebacks,
requests to hosts nobody configured)."""

from __future__ import annotations

from urllib.parse import urlsplit

from app_waits import act, wait_idle

from copilot_usage.web.session import COOKIE_NAME

SIGN_IN_BUTTON = 'iframe[title="streamlit_oauth.authorize_button"]'
SESSION_HOURS = 8  # how long a session cookie lasts in the app the session tests sign in to
ERROR_BOX = '[data-testid="stException"]'  # Streamlit's red "This app has encountered an error"


class Watched:
    """A browser context (its own cookie jar: a "browser") that records every host it asks."""

    def __init__(self, browser, **options):
        self.context = browser.new_context(viewport={"width": 1400, "height": 900},
                                           accept_downloads=True, **options)
        self.hosts: set[str] = set()
        self.context.on("request", lambda request: self.hosts.add(urlsplit(request.url).netloc))

    def page(self):
        return self.context.new_page()

    def session_cookie(self) -> str | None:
        return next((c["value"] for c in self.context.cookies() if c["name"] == COOKIE_NAME), None)

    def close(self) -> None:
        self.context.close()


def settle(page, timeout: int = 60_000) -> None:
    """Until the app's script run is over (the app marks its state on the root element): after a
    page was loaded, or once something only the awaited run shows is on the page (app_waits)."""
    wait_idle(page, timeout=timeout)


def github_log_in(page, url: str, login: str) -> None:
    """Open `url`, click "Login with GitHub", choose who is signed in at GitHub, Authorize."""
    page.goto(url)
    button = page.frame_locator(SIGN_IN_BUTTON).get_by_role("button")
    button.wait_for(timeout=60_000)
    with page.expect_popup() as popup_info:
        button.click()
    popup = popup_info.value
    popup.wait_for_load_state()
    popup.select_option("select[name=login]", login)
    popup.get_by_role("button", name="Authorize").click()
    page.get_by_text("Signed in as").wait_for(timeout=60_000)
    settle(page)


def demo_log_in(page, url: str, label: str) -> None:
    page.goto(url)
    page.get_by_text(label, exact=True).click()
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as").wait_for(timeout=60_000)
    settle(page)


def is_signed_in(page, login: str) -> bool:
    return page.get_by_text(f"Signed in as {login}").count() == 1


def wait_signed_out(page, *, github: bool = True) -> None:
    """The signed-out page: the sign-in box is shown and nobody is named in the sidebar."""
    if github:
        page.frame_locator(SIGN_IN_BUTTON).get_by_role("button").wait_for(timeout=60_000)
    else:
        page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
    settle(page)
    assert page.get_by_text("Signed in as").count() == 0


def wait_signed_out_by_button(page, *, github: bool = True) -> None:
    """After Sign out: the signed-out page, saying so."""
    wait_signed_out(page, github=github)
    assert page.get_by_text("You are signed out.").count() == 1


def operate(page, control: str) -> None:
    """Use one view control the way a person does, and wait for the app to answer."""
    act(page, lambda: _use(page, control))
    if control == "open":  # the overview's run ends in a switch to the team page: wait for that one
        page.get_by_role("heading", name="Team usage", level=1).wait_for(timeout=60_000)
        settle(page)


def _use(page, control: str) -> None:
    if control == "range":  # one day later start; the range is sent when the field loses focus
        page.get_by_role("spinbutton", name="day, Date range start date").focus()
        page.keyboard.press("ArrowUp")
        page.locator("h1").first.click()
    elif control in ("day", "week", "month"):
        page.get_by_text(control, exact=True).click()
    elif control == "compare":
        page.get_by_text("Compare with organisation").click()
    elif control == "picker":
        page.locator('[data-testid="stSelectbox"]').click()
        page.get_by_role("option").nth(1).click()
    elif control == "search":
        page.get_by_placeholder("Team name or slug").fill("a")
        page.get_by_placeholder("Team name or slug").press("Enter")
    elif control == "select-row":  # the first row's selection marker, at the grid's left edge
        grid = page.locator('[data-testid="stDataFrame"]').first
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)
    elif control == "open":
        page.get_by_test_id("stBaseButton-primary").filter(has_text="Open").click()
    else:
        raise ValueError(control)


def wait_url_changed(page, before: str, message: str, timeout: int = 10_000) -> None:
    """Until the address differs from `before`: the browser may hear of the query string a
    bound control wrote after the run that wrote it has ended (seen under load)."""
    try:
        page.wait_for_function("before => location.href !== before", arg=before, timeout=timeout)
    except Exception as error:  # Playwright's TimeoutError: say what did not happen
        raise AssertionError(message) from error


def error_boxes(page) -> list[str]:
    return page.locator(ERROR_BOX).all_inner_texts()


class ServerLog:
    """What the app's server printed since `mark()`."""

    def __init__(self, app):
        self.path = app.log
        self.offset = 0

    def mark(self) -> None:
        self.offset = self.path.stat().st_size

    def since_mark(self) -> str:
        with self.path.open("rb") as log:
            log.seek(self.offset)
            return log.read().decode(errors="replace")

    def tracebacks(self) -> list[str]:
        text = self.since_mark()
        return [line for line in text.splitlines() if "Traceback" in line or "Exception:" in line]


def oauth_settings(github, demo_store_dir, demo_org, **settings) -> dict[str, str]:
    """The settings of the app signing in through the loopback GitHub (OAuth mode) over the
    demo store, for SESSION_HOURS."""
    from github_app import SESSION_SECRET

    return dict(STORE_URL=f"file://{demo_store_dir}", GITHUB_ORG=demo_org.org,
                GITHUB_OAUTH_CLIENT_ID=github.oauth.client_id,
                GITHUB_OAUTH_CLIENT_SECRET=github.oauth.client_secret,
                GITHUB_WEB_URL=github.url, GITHUB_API_URL=github.url,
                SESSION_SECRET=SESSION_SECRET, SESSION_HOURS=str(SESSION_HOURS), **settings)
