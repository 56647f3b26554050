"""How a collection's cost grows: with the number of teams, and with the number of days.

    .venv/bin/python benchmarks/collect_scaling.py            # 20 vs 2,000 teams; 30/90/365 days
    .venv/bin/python benchmarks/collect_scaling.py --smoke    # small, for make bench-smoke

Every collection runs the real collector against the loopback fake GitHub over HTTP.
Prints one line per figure: `name: value unit (target …)`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fake_github import FakeGitHub  # noqa: E402

from copilot_usage.collector.run import collect
from copilot_usage.demo import build_demo_org
from copilot_usage.github.client import GitHubClient  # noqa: E402
from copilot_usage.store import LocalStore

USERS_PER_TEAM = 15


def run(teams: int, users: int, days: int) -> tuple[float, int, dict]:
    """(seconds, days collected, requests by kind) of one full collection."""
    org = build_demo_org(seed=5, teams=teams, users=users, days=days)
    with tempfile.TemporaryDirectory() as root, FakeGitHub(org) as github:
        started = time.perf_counter()
        with GitHubClient(github.url, token="bench") as client:
            summary = collect(client, LocalStore(root), org.org, since=org.first_day - timedelta(days=1))
        elapsed = time.perf_counter() - started
        calls = dict(github.calls)
    return elapsed, summary.days_fetched, calls


def requests_per_day(small: int, large: int, days: int) -> None:
    """Report requests (links and their files) per day, and the once-a-run pages beside them."""
    figures, link_calls = {}, {}
    for teams in (small, large):
        _, collected, calls = run(teams, teams * USERS_PER_TEAM, days)
        links = sum(v for k, v in calls.items() if k.startswith("report-links"))
        figures[teams] = (links + calls.get("download", 0)) / collected
        link_calls[teams] = links / collected
        print(f"report requests per day, {teams} teams: {figures[teams]:.2f} requests/day "
              f"({links / collected:.2f} link calls and {calls.get('download', 0) / collected:.2f} files; "
              "GitHub splits a report into more files as users grow, not teams)")
        print(f"# once a run, {teams} teams: {calls.get('teams', 0)} teams pages + "
              f"{calls.get('seats', 0)} seats pages, {calls.get('members', 0)} member lists")
    print(f"report link calls per day ratio {large}/{small} teams: {link_calls[large] / link_calls[small]:.2f} ratio "
          "(target 1.00)")
    print(f"report requests per day ratio {large}/{small} teams: {figures[large] / figures[small]:.2f} ratio "
          f"(target 1.00; the {large}-team org has {large // small}x the users, so GitHub splits its user report "
          "into more files)")


def growth(users: int, spans: list[int]) -> None:
    per_day = {}
    for days in spans:
        elapsed, collected, _ = run(max(6, users // 8), users, days)
        per_day[days] = elapsed / collected
        print(f"collect time per day, {days} days of {users} users: {per_day[days] * 1000:.0f} ms/day")
    print(f"collect time per day ratio {spans[-1]}/{spans[0]} days: {per_day[spans[-1]] / per_day[spans[0]]:.2f} "
          "ratio (target about 1.00: flat)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="small sizes, a few seconds")
    args = parser.parse_args()
    if args.smoke:
        requests_per_day(20, 200, days=5)
        growth(60, [5, 15])
    else:
        requests_per_day(20, 2000, days=30)
        growth(300, [30, 90, 365])


if __name__ == "__main__":
    main()
