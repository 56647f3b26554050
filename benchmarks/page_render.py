"""Render time of a page (AppTest) over a demo store with a year of history.

    .venv/bin/python benchmarks/page_render.py --teams 10 --days 365              # team page
    .venv/bin/python benchmarks/page_render.py --teams 300 --users 3000 --page overview

Collects a demo organisation into a temporary store with the real collector
(in-process transport), then renders the page for the two-team persona: once
cold (first render in this process) and several times warm. Prints seconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from copilot_usage.demo import build_demo_org  # noqa: E402
from copilot_usage.github.client import GitHubClient  # noqa: E402
from copilot_usage.history import ADMIN_TEAMS_KEY, collect  # noqa: E402
from copilot_usage.store import LocalStore  # noqa: E402


def fill(root: str, teams: int, users: int, days: int):
    org = build_demo_org(teams=teams, users=users, days=days)
    store = LocalStore(root)
    with GitHubClient(token="bench", transport=org.transport()) as client:
        collect(client, store, org.org, since=org.first_day - timedelta(days=1), concurrency=2)
    store.write_json(ADMIN_TEAMS_KEY, org.admin_teams, if_tag=None)
    return org


PAGES = {"team": ("two-teams", None, 7), "overview": ("admin", "app_pages/teams_overview.py", 4),
         "org": ("two-teams", "app_pages/org_usage.py", 7)}


def render_once(page: str) -> float:
    from streamlit.testing.v1 import AppTest

    persona, script, charts = PAGES[page]
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=600)
    at.run()
    at.radio[0].set_value(persona)
    at.button[0].click()
    if script:
        at.run()
        at.switch_page(script)
    started = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - started
    if at.exception or len([e for e in at.main if e.type == "vega_lite_chart"]) < charts:
        raise SystemExit(f"the page did not render fully: {at.exception}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--teams", type=int, default=10)
    parser.add_argument("--users", type=int, default=150)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--warm", type=int, default=5)
    parser.add_argument("--page", choices=sorted(PAGES), default="team")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as root:
        started = time.perf_counter()
        fill(root, args.teams, args.users, args.days)
        size = (Path(root) / "teams_history.json").stat().st_size
        print(f"# store: {args.teams} teams x {args.days} days, teams_history.json {size / 1e6:.1f} MB "
              f"(filled in {time.perf_counter() - started:.1f} s)")
        os.environ["STORE_URL"] = f"file://{root}"
        for name in ("GITHUB_OAUTH_CLIENT_ID", "GITHUB_OAUTH_CLIENT_SECRET"):
            os.environ.pop(name, None)
        cold = render_once(args.page)
        warm = [render_once(args.page) for _ in range(args.warm)]
    warm_median = statistics.median(warm)
    print(f"{args.page} page render cold, {args.teams} teams x {args.days} days: {cold:.2f} s")
    print(f"{args.page} page render warm, {args.teams} teams x {args.days} days: {warm_median:.2f} s "
          f"(median of {len(warm)}, min {min(warm):.2f} s)")
    print(f"{args.page} page cold/warm, {args.teams} teams: {cold / warm_median:.2f} ratio (reported as is)")


if __name__ == "__main__":
    main()
