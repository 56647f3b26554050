"""axe-core on every page of a deployment's first days (1, 3 and 10 days of data), where charts
are sparse: no serious or critical violation. The demo's 120 days are checked by the walk
(test_browser_walk.py), on each page as every persona opens it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from browser_pages import axe_violations, describe, open_page, sign_in
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


@pytest.mark.parametrize("days", [1, 3, 10])
def test_every_page_passes_axe_with_the_first_days_of_data(browser, app_servers, first_days_stores, days):
    url = app_servers(STORE_URL=f"file://{first_days_stores[days]}")
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    console = []
    page.on("console", lambda message: console.append((message.type, message.text)))
    sign_in(page, url, "Admin")
    found = {}
    for name in ["Team usage", "Organisation usage", "Teams overview", "My usage"]:
        open_page(page, name)
        found[name] = axe_violations(page)
    page.close()
    assert all(not v for v in found.values()), describe(found)
    vega = [text for kind, text in console if kind in ("warning", "error") and ("WARN" in text or "vega" in text.lower())]
    assert not vega, vega
