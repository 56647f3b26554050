"""Requests and wall time of one collection from the loopback fake GitHub.

    .venv/bin/python benchmarks/collect_demo.py --teams 40 --users 300 --days 90

Prints the collector's summary, the requests per kind the fake saw, and the time.
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--teams", type=int, default=40)
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    org = build_demo_org(teams=args.teams, users=args.users, days=args.days)
    with tempfile.TemporaryDirectory() as root, FakeGitHub(org) as github:
        started = time.perf_counter()
        with GitHubClient(github.url, token="bench") as client:
            summary = collect(client, LocalStore(root), org.org, since=org.first_day - timedelta(days=1),
                              concurrency=args.concurrency)
        elapsed = time.perf_counter() - started
        calls = dict(sorted(github.calls.items()))
    print(f"org: {args.teams} teams, {args.users} users, {args.days} days (loopback HTTP)")
    print(f"days collected: {summary.days_fetched}; team-days: {summary.days_added}; "
          f"teams qualifying: {summary.teams_qualifying}")
    print(f"requests: {summary.requests} ({summary.requests / max(summary.days_fetched, 1):.2f} per day)")
    print(f"by kind: {calls}")
    print(f"wall time: {elapsed:.2f} s ({elapsed / max(summary.days_fetched, 1) * 1000:.0f} ms per day)")


if __name__ == "__main__":
    main()
