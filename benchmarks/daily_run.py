"""The run that happens every day, on a store that has aged (issue 14's targets).

    .venv/bin/python benchmarks/daily_run.py                   # 300 teams, 30 vs 330 days; a year's
                                                               # backfill; 2,000 teams, a year
    .venv/bin/python benchmarks/daily_run.py --smoke           # small, for make bench-smoke

The store is aged quickly: the last week is collected for real (facts, team files,
summary, index, teams_history.json), then every team file and the organisation
history are extended back in time with copies of those days under earlier dates,
so the files have the size a year of collection gives them. Then the daily run -
one new day and the three provisional ones - runs the real collector in a fresh
process against the loopback fake GitHub over HTTP, and its peak memory (VmHWM)
and wall time are printed: three runs on copies of the aged store, the median time
and the highest peak. Ratios compare runs made in this one invocation. The long history's
run is made again with TEAMS_HISTORY_JSON=off: the difference is what rewriting
teams_history.json costs a day.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fake_github import FakeGitHub  # noqa: E402

from copilot_usage.collector.run import collect
from copilot_usage.contract.keys import ORG_HISTORY_KEY, SUMMARY_KEY, team_key
from copilot_usage.demo import build_demo_org
from copilot_usage.github.client import GitHubClient  # noqa: E402
from copilot_usage.store import LocalStore
from copilot_usage.store.histories import load_org_history
from copilot_usage.store.migration import record_history_tag
from copilot_usage.store.team_files import (
    IndexEntry,
    assemble_history,
    load_index,
    team_file_bytes,
    update_index,
    update_summary,
)

NEW_DAY = date(2026, 11, 30)
TODAY = NEW_DAY + timedelta(days=1)
RECENT_DAYS = 7
_DATE = re.compile(rb'"date":"\d{4}-\d{2}-\d{2}"')


def aged_store(root: str, org, history_days: int) -> int:
    """Collect the last week before NEW_DAY, then age every file to `history_days` days.
    Returns the bytes of the team files."""
    store = LocalStore(root)
    with FakeGitHub(org) as github, GitHubClient(github.url, token="bench") as client:
        collect(client, store, org.org, since=NEW_DAY - timedelta(days=RECENT_DAYS + 1),
                until=NEW_DAY - timedelta(days=1), today=TODAY)
    first = NEW_DAY - timedelta(days=history_days)
    entries, size = {}, 0
    for slug, entry in load_index(store).items():
        lines = store.read_bytes(team_key(slug)).rstrip(b"\n").split(b"\n")[1:-1]
        recent = [line.removesuffix(b",") for line in lines]
        days = [(first + timedelta(days=n)) for n in range((entry.first_day - first).days)]
        older = [_DATE.sub(f'"date":"{day.isoformat()}"'.encode(), recent[n % len(recent)], count=1)
                 for n, day in enumerate(days)]
        body = team_file_bytes(entry.team, [*older, *recent])
        store.write_bytes(team_key(slug), body)
        size += len(body)
        entries[slug] = IndexEntry(team=entry.team, days=len(older) + len(recent), first_day=min([*days, entry.first_day]),
                                   last_day=entry.last_day, sha256=__import__("hashlib").sha256(body).hexdigest())
    (Path(root) / SUMMARY_KEY).unlink()
    update_summary(store, {slug: (e.team, {}) for slug, e in entries.items()})
    update_index(store, entries)
    org_days, tag = load_org_history(store)
    older = [org_days[n % len(org_days)].model_copy(update={"date": first + timedelta(days=n)})
             for n in range((org_days[0].date - first).days)]
    store.write_json(ORG_HISTORY_KEY, [*older, *org_days], if_tag=tag)
    record_history_tag(store, assemble_history(store))
    return size


# The daily run in a fresh interpreter, so that only what the collector holds counts.
CHILD = """
import json, os, re, resource, sys, time
from datetime import date
sys.path[:0] = [sys.argv[5], sys.argv[5] + "/tests"]
from copilot_usage.github.client import GitHubClient
from copilot_usage.collector.run import collect
from copilot_usage.store import LocalStore

def high_water_mb():
    with open("/proc/self/status") as status:
        return int(re.search(r"VmHWM:\\s*(\\d+) kB", status.read()).group(1)) / 1024

root, url, org, today = sys.argv[1], sys.argv[2], sys.argv[3], date.fromisoformat(sys.argv[4])
since = date.fromisoformat(sys.argv[6]) if len(sys.argv) > 6 else None
before = high_water_mb()
cpu_before = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
started = time.perf_counter()
with GitHubClient(url, token="bench") as client:
    summary = collect(client, LocalStore(root), org, since=since, today=today,
                      history_json=os.environ["TEAMS_HISTORY_JSON"])
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": time.perf_counter() - started, "peak": high_water_mb(), "before": before,
                  "cpu": usage.ru_utime + usage.ru_stime - cpu_before,
                  "days": summary.days_fetched, "teams": summary.teams_qualifying}))
"""


def collect_in_child(root: str, org, since: date | None = None, history_json: str = "daily") -> dict:
    """The collector in a fresh process against the loopback fake: seconds and peak MB."""
    with FakeGitHub(org) as github:
        child = subprocess.run([sys.executable, "-c", CHILD, root, github.url, org.org, TODAY.isoformat(), str(ROOT),
                                *([since.isoformat()] if since else [])], capture_output=True, text=True,
                               env={**os.environ, "TEAMS_HISTORY_JSON": history_json})
    if child.returncode:
        raise SystemExit(child.stderr[-3000:])
    return json.loads(child.stdout.strip().splitlines()[-1])


def remember_tags(root: str) -> None:
    """What the previous daily run leaves: the hashes of the files it wrote, remembered by the
    local store (a copied file has a new inode, so the copy's memos are made here)."""
    store = LocalStore(root)
    for key in store.list_keys():
        store.tag(key)


def daily_run(org, history_days: int, runs: int, history_json: str = "daily") -> dict:
    """The daily run `runs` times, each on a fresh copy of one aged store: the median time and
    the highest peak (one run on this shared machine can be off by a second)."""
    with tempfile.TemporaryDirectory() as aged, tempfile.TemporaryDirectory() as work:
        size = aged_store(aged, org, history_days)
        results = []
        for n in range(runs):
            root = Path(work) / str(n)
            shutil.copytree(aged, root)
            remember_tags(str(root))
            results.append(collect_in_child(str(root), org, history_json=history_json))
            shutil.rmtree(root)
    result = {**results[0], "seconds": statistics.median(r["seconds"] for r in results),
              "peak": max(r["peak"] for r in results), "all_seconds": [r["seconds"] for r in results],
              "store_mb": size / 1e6}
    return result


def backfill(teams: int, users: int, days: int) -> None:
    """A year's backfill into an empty store beside the collection of its last day alone."""
    org = build_demo_org(seed=5, teams=teams, users=users, days=days, end_day=NEW_DAY)
    with tempfile.TemporaryDirectory() as root:
        one = collect_in_child(root, org, since=NEW_DAY - timedelta(days=1))
    with tempfile.TemporaryDirectory() as root:
        year = collect_in_child(root, org, since=org.first_day - timedelta(days=1))
    print(f"one day's collection, {teams} teams: {one['seconds']:.2f} s, peak {one['peak']:.0f} MB (context)")
    print(f"backfill of {year['days']} days, {teams} teams: {year['seconds']:.1f} s, peak {year['peak']:.0f} MB "
          f"(context: {year['seconds'] / max(year['days'], 1) * 1000:.0f} ms a day)")
    print(f"backfill peak memory ratio to one day's: {year['peak'] / one['peak']:.2f} ratio (target <= 1.5)")


def report(label: str, result: dict) -> None:
    times = ", ".join(f"{t:.2f}" for t in result["all_seconds"])
    print(f"daily run {label}: {result['seconds']:.2f} s (median of {times}), peak {result['peak']:.0f} MB "
          f"(context: {result['days']} days fetched, {result['teams']} teams, team files {result['store_mb']:.0f} MB, "
          f"{result['before']:.0f} MB at start, {result['cpu']:.1f} s of CPU)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--runs", type=int, default=3, help="daily runs per aged store (median time, highest peak)")
    parser.add_argument("--large", action=argparse.BooleanOptionalAction, default=True,
                        help="also the 2,000-team, 50,000-person organisation with a year of history")
    args = parser.parse_args()
    teams, users, spans = (12, 120, (10, 40)) if args.smoke else (300, 3000, (30, 330))
    org = build_demo_org(seed=5, teams=teams, users=users, days=RECENT_DAYS + 1, end_day=NEW_DAY)
    short, long = daily_run(org, spans[0], args.runs), daily_run(org, spans[1], args.runs)
    report(f"{teams} teams, {spans[0]} days of history", short)
    report(f"{teams} teams, {spans[1]} days of history", long)
    print(f"daily run peak memory ratio {spans[1]}/{spans[0]} days: {long['peak'] / short['peak']:.2f} ratio "
          "(target <= 1.25)")
    print(f"daily run time ratio {spans[1]}/{spans[0]} days: {long['seconds'] / short['seconds']:.2f} ratio "
          "(target <= 1.5)")
    off = daily_run(org, spans[1], args.runs, history_json="off")
    report(f"{teams} teams, {spans[1]} days of history, TEAMS_HISTORY_JSON=off", off)
    print(f"teams_history.json's share of the daily run, {spans[1]} days: "
          f"{long['seconds'] - off['seconds']:.2f} s (context: daily {long['seconds']:.2f} s, off {off['seconds']:.2f} s)")
    backfill(teams, users, 40 if args.smoke else 365)
    if args.large and not args.smoke:
        big = build_demo_org(seed=5, teams=2000, users=50_000, days=RECENT_DAYS + 1, end_day=NEW_DAY)
        year = daily_run(big, 365, 1)
        report("2,000 teams / 50,000 people, 365 days of history", year)
        print(f"daily run peak memory, 2,000 teams and a year: {year['peak']:.0f} MB "
              "(target: under the Lambda's MemorySize in deploy/template.yaml)")


if __name__ == "__main__":
    main()
