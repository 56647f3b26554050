"""axe-core on every page of a deployment's first days (1, 3 and 10 days of data), where charts
are sparse: no serious or critical violation; the pages of 3 days are screenshotted at 1400 and
390 px into test-artifacts/. The demo's 120 days are checked by the walk
(test_browser_walk.py), on each page as every persona opens it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from app_server import screenshot
from browser_pages import axe_violations, describe, open_page, settle, sign_in
from conftest import demo_client

from copilot_usage.collector.run import collect
from copilot_usage.contract.keys import ADMIN_TEAMS_KEY
from copilot_usage.store import open_store

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def first_days_stores(tmp_path_factory, demo_org):
    """The demo organisation collected over its last 1, 3 and 10 days only: a new deployment."""
    stores = {}
    for days in (1, 3, 10):
        root = tmp_path_factory.mktemp(f"first-{days}-days") / "store"
        store = open_store(f"file://{root}")
        with demo_client(demo_org) as client:
            collect(client, store, demo_org.org, since=demo_org.end_day - timedelta(days=days))
        store.write_json(ADMIN_TEAMS_KEY, demo_org.admin_teams, if_tag=None)
        stores[days] = root
    return stores


PAGES = {"Team usage": "/", "Organisation usage": "/org_usage", "Teams overview": "/teams_overview",
         "My usage": "/my_usage"}


@pytest.mark.parametrize("days", [1, 3, 10])
def test_every_page_passes_axe_with_the_first_days_of_data(browser, app_servers, first_days_stores, days):
    url = app_servers(STORE_URL=f"file://{first_days_stores[days]}")
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    console = []
    page.on("console", lambda message: console.append((message.type, message.text)))
    sign_in(page, url, "Admin")
    found = {}
    for name in PAGES:
        open_page(page, name)
        found[name] = axe_violations(page)
        if days == 3:  # what a new deployment's pages look like, kept for people to open
            screenshot(page, f"first-3-days-{name.lower().replace(' ', '-')}-1400px")
    page.close()
    if days == 3:
        phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        sign_in(phone, url, "Admin")
        for name, path in PAGES.items():  # by address: on a phone the menu is folded away
            phone.goto(url.rstrip("/") + path)
            phone.get_by_role("heading", name=name, level=1).wait_for(timeout=30_000)
            settle(phone)
            screenshot(phone, f"first-3-days-{name.lower().replace(' ', '-')}-390px")
        phone.close()
    assert all(not v for v in found.values()), describe(found)
    vega = [text for kind, text in console if kind in ("warning", "error") and ("WARN" in text or "vega" in text.lower())]
    assert not vega, vega
