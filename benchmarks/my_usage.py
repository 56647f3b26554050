"""My usage: does opening the page cost the same in a 3,000-person as in a 300-person organisation?

    .venv/bin/python benchmarks/my_usage.py            # 300 vs 3,000 persons, 60 days (about a minute)
    .venv/bin/python benchmarks/my_usage.py --smoke    # 60 vs 600 persons, 30 days

Collects a demo organisation of `--users` people with the real collector (in-process
transport) into a temporary store, then copies it into a store `--scale` times larger in
persons with the same days: every day's `facts/user_days` and `facts/user_teams` file holds
each person `--scale` times (copies get new ids and logins), and the seat snapshot holds
their seats. The page is rendered (AppTest, the "member of no team" persona, the default
28 days) in a fresh process per store: once cold (the first render of My usage after the
process started and signed in) and `--warm` times warm. Prints the warm ratio big/small
(target at most 1.5) and cold/warm of each (target at most 2).
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

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from copilot_usage.collector.run import collect
from copilot_usage.contract.counters import REPORT_COUNTERS
from copilot_usage.contract.keys import ADMIN_TEAMS_KEY, SEATS_KEY
from copilot_usage.demo import build_demo_org
from copilot_usage.github.client import GitHubClient  # noqa: E402
from copilot_usage.store import LocalStore

PAGE = "app_pages/my_usage.py"
ID_STEP = 100_000_000  # copies' ids: far above any demo id
# Arrays whose counters a copy changes (with their name fields), so that the copies do not
# compress away: the big store's files are as large as a real organisation's of that size.
ARRAYS = {"totals_by_ide": ("ide", "last_known_ide_version", "last_known_plugin_version"),
          "totals_by_feature": ("feature",), "totals_by_language_feature": ("language", "feature"),
          "totals_by_language_model": ("language", "model"), "totals_by_model_feature": ("model", "feature")}


def _changed(k: str, *, counters: bool) -> str:
    """The SELECT list's replacements for copy number `k`: new id and login, changed counters."""
    def counter(ref: str) -> str:
        return f"{ref} * ({k} + 1) + {k}"
    parts = [f"user_id + {k} * {ID_STEP} AS user_id",
             f"CASE WHEN {k} = 0 THEN user_login ELSE user_login || '-c' || {k} END AS user_login",
             *(f"{counter(name)} AS {name}" for name in REPORT_COUNTERS)]
    if not counters:
        return ", ".join(parts[:2])
    for array, keys in ARRAYS.items():
        fields = ", ".join([*(f'"{key}" := c."{key}"' for key in keys),
                            *(f"{name} := {counter('c.' + name)}" for name in REPORT_COUNTERS)])
        parts.append(f"list_transform({array}, lambda c: struct_pack({fields})) AS {array}")
    return ", ".join(parts)


def fill(root: str, users: int, days: int) -> None:
    org = build_demo_org(users=users, days=days)
    store = LocalStore(root)
    with GitHubClient(token="bench", transport=org.transport()) as client:
        collect(client, store, org.org, since=org.first_day - timedelta(days=1), concurrency=2)
    store.write_json(ADMIN_TEAMS_KEY, org.admin_teams, if_tag=None)


def scale(root: str, times: int) -> None:
    """Each person `times` times in every day's facts and in the seat snapshot (the copies keep
    the collector's file layout: one zstd Parquet file per day, rows in login order)."""
    db = duckdb.connect()
    for table in ("user_days", "user_teams"):
        replace = _changed("k", counters=table == "user_days")
        for path in sorted((Path(root) / "facts" / table).glob("day=*/part-0.parquet")):
            out = path.with_name("scaled.parquet")
            db.execute(f"""COPY (SELECT * REPLACE ({replace})
                                 FROM read_parquet('{path}'), range({times}) AS t(k)
                                 ORDER BY user_login)
                           TO '{out}' (FORMAT parquet, COMPRESSION zstd)""")
            out.replace(path)
    store = LocalStore(root)
    snapshot = store.read_json(SEATS_KEY).data
    seats = snapshot["seats"]
    snapshot["seats"] = seats + [{**seat, "login": f"{seat['login']}-c{k}", "user_id": seat["user_id"] + k * ID_STEP}
                                 for k in range(1, times) for seat in seats]
    snapshot["total_seats"] = len(snapshot["seats"])
    store.write_json(SEATS_KEY, snapshot, if_tag=store.tag(SEATS_KEY))


def render_once(first: bool) -> float:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=600)
    at.run()
    at.radio[0].set_value("no-team")
    at.button[0].click().run()
    at.switch_page(PAGE)
    started = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - started
    if at.exception or not at.metric or at.title[0].value != "My usage":
        raise SystemExit(f"the page did not render fully: {at.exception}")
    return elapsed


def read_times(root: str, users: int, repeat: int = 7) -> list[float]:
    """Seconds to read one person's 28 days (my_facts.person_facts), without the page."""
    from copilot_usage.read.person import collected_days, person_facts

    store = LocalStore(root)
    days = collected_days(store)
    user_id = next(seat["user_id"] for seat in store.read_json(SEATS_KEY).data["seats"])
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        person_facts(store, user_id, days[-28], days[-1], days=days)
        times.append(time.perf_counter() - started)
    return times


def render_in_fresh_process(root: str, warm: int) -> tuple[float, list[float]]:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_OAUTH_CLIENT_ID", "GITHUB_OAUTH_CLIENT_SECRET")}
    env["STORE_URL"] = f"file://{root}"
    done = subprocess.run([sys.executable, __file__, "--render-only", "--warm", str(warm)],
                          env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"rendering failed:\n{done.stderr[-3000:]}")
    times = json.loads(done.stdout.strip().splitlines()[-1])
    return times["cold"], times["warm"]


def facts_size(root: str) -> str:
    size = sum(p.stat().st_size for p in (Path(root) / "facts" / "user_days").glob("*/*.parquet"))
    return f"facts/user_days {size / 1e6:.1f} MB"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--warm", type=int, default=7)
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--render-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.render_only:  # the child: STORE_URL is set
        cold = render_once(True)
        print(json.dumps({"cold": cold, "warm": [render_once(False) for _ in range(args.warm)]}))
        return
    if args.smoke:
        args.users, args.days, args.warm = 60, 30, 2
    big_users = args.users * args.scale
    with tempfile.TemporaryDirectory() as small, tempfile.TemporaryDirectory() as big:
        started = time.perf_counter()
        fill(small, args.users, args.days)
        print(f"# store: {args.users} persons x {args.days} days, {facts_size(small)} "
              f"(collected in {time.perf_counter() - started:.1f} s)", flush=True)
        shutil.copytree(small, big, dirs_exist_ok=True)
        started = time.perf_counter()
        scale(big, args.scale)
        print(f"# store: {big_users} persons x {args.days} days, {facts_size(big)} "
              f"(copied in {time.perf_counter() - started:.1f} s)", flush=True)
        stores = ((args.users, small), (big_users, big))
        reads = {n: statistics.median(read_times(root, n)) for n, root in stores}
        measured = {n: render_in_fresh_process(root, args.warm) for n, root in stores}
    for persons, seconds in reads.items():
        print(f"my facts read of one person's 28 days, {persons} persons: {seconds * 1000:.1f} ms (median of 7)")
    print(f"my facts read {big_users}/{args.users} persons: {reads[big_users] / reads[args.users]:.2f} ratio "
          "(reported as is)")
    warm_of = {}
    for persons, (cold, warm) in measured.items():
        warm_of[persons] = statistics.median(warm)
        print(f"my usage render cold, {persons} persons: {cold:.3f} s")
        print(f"my usage render warm, {persons} persons: {warm_of[persons]:.3f} s "
              f"(median of {len(warm)}, min {min(warm):.3f} s)")
        print(f"my usage cold/warm, {persons} persons: {cold / warm_of[persons]:.2f} ratio (target at most 2)")
    print(f"my usage warm render {big_users}/{args.users} persons: {warm_of[big_users] / warm_of[args.users]:.2f} "
          f"ratio (target at most 1.5)")


if __name__ == "__main__":
    main()
