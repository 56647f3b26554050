"""In a real browser: the demo app signs in a persona and draws the team chart.

Drives Debian's chromium through Playwright (never a downloaded browser) against
`streamlit run` on a free loopback port. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("streamlit did not become healthy")


@pytest.fixture(scope="module")
def app_url(demo_store_dir):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_OAUTH")}
    env.update(STORE_URL=f"file://{demo_store_dir}", APP_URL=f"http://127.0.0.1:{port}")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


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
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "team-page-two-teams.png"), full_page=True)
    login = demo_org.personas["two-teams"]
    own = sorted(t["name"] for t in demo_org.teams if login in demo_org.members[t["slug"]])
    headings = page.locator("h3").all_inner_texts()
    assert any(name in headings for name in own), headings
    assert chart.count() == 1
    box = drawing.bounding_box()
    assert box and box["width"] > 400 and box["height"] > 200  # drawn, not an empty frame
    page.close()
