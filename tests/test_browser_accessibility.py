"""axe-core on every page for each demo persona: no serious or critical violation,
and no warning from Vega in the browser's console while the charts are drawn."""

from __future__ import annotations

import pytest
from browser_pages import PERSONAS, axe_violations, describe, open_page, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_every_page_passes_axe_without_vega_warnings(browser, demo_app, persona):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    console = []
    page.on("console", lambda message: console.append((message.type, message.text)))
    sign_in(page, demo_app, persona)
    found = {}
    for name in PERSONAS[persona]:
        open_page(page, name)
        found[name] = axe_violations(page)
    page.close()
    assert all(not v for v in found.values()), describe(found)
    vega = [text for kind, text in console if kind in ("warning", "error") and
            ("WARN" in text or "vega" in text.lower())]
    assert not vega, vega
