"""Render time of a page (AppTest) over a store with a year of history, and how it grows.

    .venv/bin/python benchmarks/page_render.py --teams 10 --days 365              # team page
    .venv/bin/python benchmarks/page_render.py --teams 10 --days 365 --scale-to 1000
    .venv/bin/python benchmarks/page_render.py --teams 300 --users 3000 --page overview

Collects a demo organisation into a temporary store with the real collector
(in-process transport), then renders the page for a demo persona in a fresh
process: once cold (the first render after the process starts), several times
warm (another viewer opening the page: its charts as drawn before), and as many
range changes to views no run has drawn. With `--scale-to N` the same store is also copied to N teams (each
copy a team of its own with the collected days, members and licences, written
by the collector's own writers), because filling 1,000 teams x 365 days through
the collector would take most of `make bench`'s 15 minutes and over 10 GB here
(estimated from 300 teams: 2 min 49 s, 3.6 GB); the page is then measured over
both stores in this one run and the ratio printed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from copilot_usage.collector.run import collect
from copilot_usage.contract.keys import (
    ADMIN_TEAMS_KEY,
    MEMBERS_KEY,
    TEAMS_KEY,
)
from copilot_usage.contract.teams import TeamHistory
from copilot_usage.demo import build_demo_org
from copilot_usage.github.client import GitHubClient  # noqa: E402
from copilot_usage.store import LocalStore
from copilot_usage.store.histories import load_team_histories
from copilot_usage.store.team_tables import EncodedTeamDay, TeamDayRow, update_directory, upsert_team_days

PAGES = {"team": ("two-teams", None, 7), "overview": ("admin", "app_pages/teams_overview.py", 4),
         "org": ("two-teams", "app_pages/org_usage.py", 7)}


def fill(root: str, teams: int, users: int, days: int):
    org = build_demo_org(teams=teams, users=users, days=days)
    store = LocalStore(root)
    with GitHubClient(token="bench", transport=org.transport()) as client:
        collect(client, store, org.org, since=org.first_day - timedelta(days=1), concurrency=2)
    store.write_json(ADMIN_TEAMS_KEY, org.admin_teams, if_tag=None)
    return org


def scale(root: str, total: int) -> None:
    """Copy the store's teams until it holds `total` teams, each with the same year of days."""
    store = LocalStore(root)
    collected = [h for h in load_team_histories(store)[0] if h.data]
    source_of = {h.team.slug: h.team.slug for h in collected}
    histories = list(collected)
    for n in range(total - len(collected)):
        source = collected[n % len(collected)]
        copy = n // len(collected) + 1
        team = source.team.model_copy(update={"slug": f"{source.team.slug}-copy-{copy}",
                                              "name": f"{source.team.name} (copy {copy})",
                                              "id": 10**9 + n})
        histories.append(TeamHistory(team=team, data=source.data))
        source_of[team.slug] = source.team.slug
    teams = {h.team.slug: h.team for h in histories}
    # Into the tables as a migration moves them in (the pages read nothing else; teams_history.json
    # stays the collected teams' own: at 5,000 teams it would be gigabytes nobody reads).
    copies = histories[len(collected):]
    for start in range(0, len(copies), 250):
        batch = [TeamDayRow(h.team, EncodedTeamDay.of(day)) for h in copies[start:start + 250] for day in h.data]
        update_directory(store, teams, upsert_team_days(store, batch))
    members = store.read_json(MEMBERS_KEY).data
    members["teams"] = {slug: members["teams"].get(source, []) for slug, source in source_of.items()}
    store.write_json(MEMBERS_KEY, members, if_tag=store.tag(MEMBERS_KEY))
    store.write_json(TEAMS_KEY, [h.team.model_dump(mode="json") for h in histories], if_tag=store.tag(TEAMS_KEY))


def _signed_in(page: str):
    """A new viewer's session (AppTest), signed in as the page's persona, about to open the page."""
    from streamlit.testing.v1 import AppTest

    persona, script, _ = PAGES[page]
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=600)
    at.run()
    at.radio[0].set_value(persona)
    at.button[0].click()
    if script:
        at.run()
        at.switch_page(script)
    return at


def _timed_run(at, page: str) -> float:
    started = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - started
    if at.exception or len([e for e in at.main if e.type == "vega_lite_chart"]) < PAGES[page][2]:
        raise SystemExit(f"the page did not render fully: {at.exception}")
    return elapsed


def render_once(page: str) -> float:
    """A viewer opens the page (its default view): drawn by the first, replayed for the next."""
    return _timed_run(_signed_in(page), page)


def change_range(page: str, shift: int) -> float:
    """A viewer moves the range `shift` days back: a view no run has drawn yet."""
    at = _signed_in(page)
    at.run()
    first, last = at.date_input[0].value
    at.date_input[0].set_value((first - timedelta(days=shift), last - timedelta(days=shift)))
    return _timed_run(at, page)


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM: ru_maxrss would carry the parent's over exec)."""
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) / 1024


def render_in_fresh_process(root: str, page: str, warm: int) -> tuple[float, list[float], list[float], float]:
    """(cold, [warm…], [a new view…]) seconds and the process's peak MB, measured in a new Python
    process over the store at `root`."""
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_OAUTH_CLIENT_ID", "GITHUB_OAUTH_CLIENT_SECRET")}
    env["STORE_URL"] = f"file://{root}"
    done = subprocess.run([sys.executable, __file__, "--render-only", "--page", page, "--warm", str(warm)],
                          env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"rendering failed:\n{done.stderr[-3000:]}")
    times = json.loads(done.stdout.strip().splitlines()[-1])
    return times["cold"], times["warm"], times["new_view"], times["peak_mb"]


def store_size(root: str) -> str:
    size = sum(path.stat().st_size for path in (Path(root) / "tables").rglob("*") if path.is_file())
    return f"tables {size / 1e6:.1f} MB"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--teams", type=int, default=10)
    parser.add_argument("--users", type=int, default=150)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--warm", type=int, default=5)
    parser.add_argument("--page", choices=sorted(PAGES), default="team")
    parser.add_argument("--scale-to", type=int, default=0, help="also measure over a store of this many teams")
    parser.add_argument("--render-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.render_only:  # the child: STORE_URL is set
        cold = render_once(args.page)
        warm = [render_once(args.page) for _ in range(args.warm)]
        new_view = [change_range(args.page, shift) for shift in range(1, args.warm + 1)]
        print(json.dumps({"cold": cold, "warm": warm, "new_view": new_view, "peak_mb": peak_mb()}))
        return

    with tempfile.TemporaryDirectory() as small, tempfile.TemporaryDirectory() as big:
        started = time.perf_counter()
        fill(small, args.teams, args.users, args.days)
        print(f"# store: {args.teams} teams x {args.days} days, {store_size(small)} "
              f"(collected in {time.perf_counter() - started:.1f} s)", flush=True)
        stores = {args.teams: small}
        if args.scale_to:
            started = time.perf_counter()
            shutil.copytree(small, big, dirs_exist_ok=True)
            scale(big, args.scale_to)
            print(f"# store: {args.scale_to} teams x {args.days} days, {store_size(big)} "
                  f"(copied from the {args.teams} collected teams in {time.perf_counter() - started:.1f} s)",
                  flush=True)
            stores[args.scale_to] = big
        measured = {teams: render_in_fresh_process(root, args.page, args.warm) for teams, root in stores.items()}
    report(args.page, args.days, measured)


def report(page: str, days: int, measured: dict[int, tuple[float, list[float], list[float], float]]) -> None:
    warm_of, change_of = {}, {}
    for teams, (cold, warm, new_view, peak) in measured.items():
        warm_of[teams], change_of[teams] = statistics.median(warm), statistics.median(new_view)
        print(f"{page} page render cold, {teams} teams x {days} days: {cold:.2f} s")
        print(f"{page} page process peak, {teams} teams x {days} days: {peak:.0f} MB (reported as is)")
        print(f"{page} page render warm, {teams} teams x {days} days: {warm_of[teams]:.2f} s "
              f"(median of {len(warm)}, min {min(warm):.2f} s; another viewer opening the page as drawn)")
        print(f"{page} page range change, {teams} teams x {days} days: {statistics.median(new_view):.2f} s "
              f"(median of {len(new_view)}, min {min(new_view):.2f} s; a range not drawn before)")
        print(f"{page} page cold/warm, {teams} teams: {cold / warm_of[teams]:.2f} ratio (reported as is)")
    if len(measured) == 2:
        small, big = sorted(measured)
        target = "target at most 1.2" if page == "team" else "reported as is"
        print(f"{page} page warm render {big}/{small} teams: {warm_of[big] / warm_of[small]:.2f} ratio ({target})")
        print(f"{page} page range change {big}/{small} teams: {change_of[big] / change_of[small]:.2f} ratio ({target})")


if __name__ == "__main__":
    main()
