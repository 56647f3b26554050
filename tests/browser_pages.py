"""Helpers for browser tests that walk the demo app's pages: sign in, open a page, wait (on
conditions: app_waits), run axe."""

from __future__ import annotations

import json
from pathlib import Path

from app_waits import act, wait_idle

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
AXE_VERSION = "4.14.1"
CHART = '[data-testid="stVegaLiteChart"]'
# Which pages each demo persona can open (the overview is for admins only).
PERSONAS = {
    "Member of two teams": ["Team usage", "Organisation usage"],
    "Admin": ["Team usage", "Organisation usage", "Teams overview"],
    "Member of no team": ["Team usage", "Organisation usage"],
}


def sign_in(page, url: str, persona: str) -> None:
    page.goto(url)
    page.get_by_text("Demo data").wait_for(timeout=30_000)
    page.get_by_text(persona, exact=True).click()  # inside the sign-in form: no run yet
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Team usage", level=1).wait_for(timeout=30_000)  # after the rerun
    settle(page)


def settle(page) -> None:
    """Until Streamlit has finished the run under way and Vega has drawn every chart (after a run
    was seen to start: see app_waits)."""
    wait_idle(page)
    wait_drawn(page)


# Each chart comes with its "<title>: table" expander: all are drawn when the SVGs match them.
_ALL_DRAWN = """() => {
  const tables = [...document.querySelectorAll('[data-testid="stExpander"] summary')]
                   .filter(s => s.textContent.trim().endsWith(': table')).length;
  const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
  return charts.length === tables && charts.every(c => c.querySelector('svg .role-mark'));
}"""


def wait_drawn(page) -> None:
    page.wait_for_function(_ALL_DRAWN, timeout=60_000)
    assert page.get_by_test_id("stException").count() == 0, "the page raised an exception"
    assert page.get_by_text("This app has encountered an error").count() == 0


def open_page(page, name: str) -> None:
    """Open a page through the sidebar's navigation, as a person would."""
    act(page, lambda: page.get_by_role("link", name=name).first.click())
    page.get_by_role("heading", name=name, level=1).wait_for(timeout=30_000)
    settle(page)


def show_by(page, granularity: str) -> None:
    radio = page.get_by_role("radio", name=granularity, exact=True)
    if not radio.is_checked():  # choosing what is chosen already runs nothing
        act(page, lambda: page.get_by_text(granularity, exact=True).first.click())
    page.wait_for_function("r => r.checked", arg=radio.element_handle(), timeout=10_000)
    settle(page)


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """axe-core's violations of these impacts on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    assert page.evaluate("() => axe.version") == AXE_VERSION
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in impacts]


def describe(violations: list[dict]) -> str:
    return json.dumps(violations, indent=1)
