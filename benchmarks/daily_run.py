"""The run that happens every day, on a store that has aged (issue 25's targets).

    .venv/bin/python benchmarks/daily_run.py                   # 300 teams, 30 days vs 3 years; a year's
                                                               # backfill; 2,000 teams, a year
    .venv/bin/python benchmarks/daily_run.py --smoke           # small, for make bench-smoke
    .venv/bin/python benchmarks/daily_run.py --only-backfill   # the year's backfill beside one day

The store is aged quickly: the last week is collected for real (facts, team tables,
teams_history.json), then every team and the organisation history are extended back
in time with copies of those days under earlier dates, so the tables have the size
years of collection give them. Then the daily run -
one new day and the three provisional ones - runs the real collector in a fresh
process against the loopback fake GitHub over HTTP, and its peak memory (VmHWM)
and wall time are printed: three runs on copies of the aged store, the median time
and the highest peak. Ratios compare runs made in this one invocation, with
TEAMS_HISTORY_JSON=off; the long history's run is made again with `daily`: the
difference is what rewriting teams_history.json costs a day.
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
from copilot_usage.contract.keys import TABLES_PREFIX, month_of
from copilot_usage.demo import build_demo_org
from copilot_usage.github.client import GitHubClient  # noqa: E402
from copilot_usage.read.tables import team_history
from copilot_usage.store import LocalStore
from copilot_usage.store.migration import record_history_files
from copilot_usage.store.org_table import org_table_days, upsert_org_days, write_org_history
from copilot_usage.store.team_tables import (
    EncodedTeamDay,
    TeamDayRow,
    load_directory,
    update_directory,
    upsert_team_days,
    write_history,
)

NEW_DAY = date(2026, 11, 30)
TODAY = NEW_DAY + timedelta(days=1)
RECENT_DAYS = 7


def aged_store(root: str, org, history_days: int) -> int:
    """Collect the last week before NEW_DAY, then age every team and the organisation to
    `history_days` days (the recent days' lines again under older dates, written into the
    tables a month at a time as a migration would). Returns the bytes of the team tables."""
    store = LocalStore(root)
    with FakeGitHub(org) as github, GitHubClient(github.url, token="bench") as client:
        collect(client, store, org.org, since=NEW_DAY - timedelta(days=RECENT_DAYS + 1),
                until=NEW_DAY - timedelta(days=1), today=TODAY)
    first = NEW_DAY - timedelta(days=history_days)
    directory = load_directory(store)
    recent = {slug: team_history(store, entry).data for slug, entry in directory.items()}  # directory read once
    older = [first + timedelta(days=n) for n in range((min(e.first_day for e in directory.values()) - first).days)]
    teams = {entry.team.slug: entry.team for entry in directory.values()}
    for month in sorted({month_of(day) for day in older}):
        rows = [TeamDayRow(teams[slug], EncodedTeamDay.of(days[n % len(days)].model_copy(update={"date": day})))
                for slug, days in recent.items() for n, day in enumerate(older) if month_of(day) == month]
        update_directory(store, teams, upsert_team_days(store, rows))
    org_days = org_table_days(store) or []
    upsert_org_days(store, [org_days[n % len(org_days)].model_copy(update={"date": first + timedelta(days=n)})
                            for n in range((org_days[0].date - first).days)])
    record_history_files(store, write_history(store), write_org_history(store), written=NEW_DAY,
                         org_days_changed=True)
    return sum(path.stat().st_size for path in (Path(root) / TABLES_PREFIX).rglob("*.parquet"))


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
          f"(context: {result['days']} days fetched, {result['teams']} teams, team tables {result['store_mb']:.0f} MB, "
          f"{result['before']:.0f} MB at start, {result['cpu']:.1f} s of CPU)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--runs", type=int, help="daily runs per aged store (median time, highest peak); "
                        "3, or 1 with --smoke")
    parser.add_argument("--large", action=argparse.BooleanOptionalAction, default=True,
                        help="also the 5,000-team, 100,000-person organisation with a year of history")
    parser.add_argument("--only-large", action="store_true", help="only that organisation's daily run")
    parser.add_argument("--only-backfill", action="store_true", help="only the year's backfill beside one day")
    args = parser.parse_args()
    if args.only_large:
        return large()
    args.runs = args.runs or (1 if args.smoke else 3)
    teams, users, spans = (12, 120, (10, 40)) if args.smoke else (300, 3000, (30, 1095))
    if args.only_backfill:
        return backfill(teams, users, 40 if args.smoke else 365)
    org = build_demo_org(seed=5, teams=teams, users=users, days=RECENT_DAYS + 1, end_day=NEW_DAY)
    # The targets are for the run without teams_history.json (the one whole-history file);
    # what writing it daily costs is printed beside.
    short = daily_run(org, spans[0], args.runs, history_json="off")
    long = daily_run(org, spans[1], args.runs, history_json="off")
    report(f"{teams} teams, {spans[0]} days of history, TEAMS_HISTORY_JSON=off", short)
    report(f"{teams} teams, {spans[1]} days of history, TEAMS_HISTORY_JSON=off", long)
    print(f"daily run peak memory ratio {spans[1]}/{spans[0]} days: {long['peak'] / short['peak']:.2f} ratio "
          "(target <= 1.25)")
    print(f"daily run time ratio {spans[1]}/{spans[0]} days: {long['seconds'] / short['seconds']:.2f} ratio "
          "(target <= 1.3)")
    daily = daily_run(org, spans[1], args.runs, history_json="daily")
    report(f"{teams} teams, {spans[1]} days of history, TEAMS_HISTORY_JSON=daily", daily)
    print(f"teams_history.json's share of the daily run, {spans[1]} days: "
          f"{daily['seconds'] - long['seconds']:.2f} s (context: daily {daily['seconds']:.2f} s, "
          f"off {long['seconds']:.2f} s, peak {daily['peak']:.0f} vs {long['peak']:.0f} MB)")
    backfill(teams, users, 40 if args.smoke else 365)
    if args.large and not args.smoke:
        large()


def large() -> None:
    """Issue 25's scale: 5,000 teams and 100,000 people, a year of history, one daily run."""
    big = build_demo_org(seed=5, teams=5000, users=100_000, days=RECENT_DAYS + 1, end_day=NEW_DAY)
    year = daily_run(big, 365, 1)
    report("5,000 teams / 100,000 people, 365 days of history", year)
    memory = re.search(r"MemorySize: (\d+)", (ROOT / "deploy" / "template.yaml").read_text())
    print(f"daily run peak memory, 5,000 teams and a year: {year['peak']:.0f} MB "
          f"(target: under the Lambda's MemorySize, {memory[1] if memory else '?'} MB in deploy/template.yaml)")


if __name__ == "__main__":
    main()
