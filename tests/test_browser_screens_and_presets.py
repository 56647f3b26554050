"""Every page at day, week and month (1400 px) and on a phone (390 px), screenshotted, with
what a reader relies on checked in the drawn SVG: no empty chart, one label per period on a
time axis, nothing wider than the phone. And the date presets apply at once."""

from __future__ import annotations

import pytest
from app_server import screenshot
from app_waits import act
from browser_pages import CHART, PERSONAS, open_page, settle, show_by, sign_in, wait_drawn

pytestmark = pytest.mark.browser
PAGES = PERSONAS["Admin"]
# The sidebar, once it has slid out of a phone's screen.
_SIDEBAR_GONE = """() => {
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  const box = sidebar && sidebar.getBoundingClientRect();
  return !sidebar || box.right <= 0 || box.width === 0;
}"""


# Per chart: its accessible name, how many marks it drew, its x-axis labels (time axes only), width.
_CHARTS = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].map(c => {
  const svg = c.querySelector('svg');
  const axes = svg ? [...svg.querySelectorAll('.role-axis')] : [];
  // The x axis: the one whose visible labels share a height and spread across.
  const labelsOf = a => [...a.querySelectorAll('.role-axis-label text')].filter(t => t.getAttribute('opacity') !== '0');
  const ys = a => new Set(labelsOf(a).map(t => t.getAttribute('transform').split(',')[1]));
  const xAxis = axes.find(a => labelsOf(a).length > 1 && ys(a).size === 1);
  return {
    name: c.getAttribute('aria-label') || '',
    marks: svg ? svg.querySelectorAll('.role-mark path, .role-mark rect, .role-mark line').length : 0,
    labels: xAxis ? labelsOf(xAxis).map(t => t.textContent) : [],
    width: c.getBoundingClientRect().width,
  };
})"""


def drawn_charts(page) -> list[dict]:
    """Every chart on the page once all are drawn (each chart has its table expander)."""
    wait_drawn(page)
    assert page.locator(CHART).count() > 0
    return page.evaluate(_CHARTS)


@pytest.fixture(scope="module")
def wide(browser, demo_app):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    sign_in(page, demo_app, "Admin")
    yield page
    page.close()


@pytest.mark.parametrize("name", PAGES)
def test_every_page_draws_every_chart_at_day_week_and_month(wide, name):
    open_page(wide, name)
    for granularity in ("day", "week", "month"):
        show_by(wide, granularity)
        found = drawn_charts(wide)
        screenshot(wide, f"screen-{name.lower().replace(' ', '-')}-{granularity}")
        assert found, f"no chart on {name} by {granularity}"
        for chart in found:
            assert chart["name"].startswith("Chart: "), chart  # an accessible name
            assert chart["marks"] >= 2, f"empty chart on {name} by {granularity}: {chart}"
            assert len(chart["labels"]) == len(set(chart["labels"])), f"a period labelled twice: {chart}"
        if granularity == "month":  # 28 days hold no two whole months: shown by week, and said so
            assert wide.get_by_text("fewer than two whole months").count() == 1
        tables = wide.get_by_text(": table")
        assert tables.count() == len(found)  # a table beside every chart


@pytest.fixture(scope="module")
def phone(browser, demo_app):
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    sign_in(page, demo_app, "Admin")
    yield page
    page.close()


@pytest.mark.parametrize("name", PAGES)
def test_every_page_fits_a_phone(phone, name):
    if name != "Team usage":  # the first page opens after sign-in; the others through the menu
        expand = phone.get_by_test_id("stExpandSidebarButton")
        if expand.is_visible():
            expand.click()
        open_page(phone, name)
        collapse = phone.get_by_test_id("stSidebarCollapseButton").locator("button")
        if collapse.is_visible():  # on a phone the menu stays open over the page
            collapse.click()
            phone.wait_for_function(_SIDEBAR_GONE, timeout=10_000)
    found = drawn_charts(phone)
    screenshot(phone, f"screen-{name.lower().replace(' ', '-')}-390px")
    assert found and all(c["marks"] >= 2 and c["width"] <= 390 for c in found), found
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390


def test_a_preset_sets_the_range_at_once(wide, demo_app):
    open_page(wide, "Organisation usage")
    show_by(wide, "day")
    act(wide, lambda: wide.get_by_role("radio", name="7 days").click())
    wide.wait_for_url("**range=**", timeout=10_000)
    settle(wide)
    assert wide.get_by_text("7 days with data in the range").count() == 1
    assert len(drawn_charts(wide)[0]["labels"]) <= 7
    act(wide, lambda: wide.get_by_role("radio", name="All", exact=True).click())
    settle(wide)
    caption = wide.get_by_text("days with data in the range").inner_text()
    assert int(caption.split("·")[1].split()[0]) > 90, caption
    # Setting the range through Session State is the design: no warning with a stack in the log.
    assert "Stack (most recent call last)" not in demo_app.log.read_text(errors="replace")
