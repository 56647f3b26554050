"""python -m copilot_usage collect | team-history | demo

Every failure ends in one line on stderr naming the cause, and a non-zero exit.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta

from tqdm import tqdm

from ..config import Settings, check_window, load_settings, parse_day
from ..contract.keys import ADMIN_TEAMS_KEY
from ..contract.rules import utc_today
from ..errors import CopilotUsageError
from ..github.client import BACKOFF_SECONDS, MIN_RATE_LIMIT_WAIT
from ..github.service import make_service_client
from ..store.url import open_store
from .run import CollectSummary, collect
from .team_history import get_team_history


def service_client(settings: Settings, transport=None):
    return make_service_client(settings.github_api_url, token=settings.github_token or None,
                               app_id=settings.github_app_id or None,
                               app_private_key=settings.github_app_private_key or None,
                               org=settings.org, transport=transport, **client_options(settings))


def client_options(settings: Settings) -> dict:
    """The collector client's timeout and waits (GITHUB_TIMEOUT_SECONDS, GITHUB_RETRY_SCALE,
    GITHUB_MAX_WAIT_SECONDS); the client still waits, only for shorter or longer."""
    scale = settings.github_retry_scale
    return {"timeout": settings.github_timeout_seconds, "backoff_seconds": BACKOFF_SECONDS * scale,
            "min_rate_limit_wait": MIN_RATE_LIMIT_WAIT * scale,
            "max_wait_seconds": settings.github_max_wait_seconds}


def _require_org(settings: Settings) -> str:
    # Never the demo organisation's name: a real collector must say which org it collects.
    if not settings.github_org:
        raise CopilotUsageError("GITHUB_ORG: set the organisation to collect (e.g. GITHUB_ORG=my-org)")
    return settings.github_org


def _demo_collector(settings: Settings) -> bool:
    """Demo mode with no collector credential and no organisation named: the demo organisation."""
    return (settings.demo_mode and not settings.github_org and not settings.github_token
            and not settings.github_app_id)


def run_collect(client, store, org: str, *, since=None, until=None, today=None,
                concurrency: int = 4, history_json: str = "daily", quiet: bool = False) -> CollectSummary:
    """`collect` with a progress bar per day on stderr."""
    bars = []  # made once the window is known, so it starts with its total

    def window(days):
        bars.append(tqdm(total=len(days), unit="day", desc="Collecting", disable=quiet or not days,
                         file=sys.stderr))

    def progress(data):
        bars[0].set_postfix_str(f"{data.day} {data.status}")
        bars[0].update(1)

    try:
        return collect(client, store, org, since, until, today=today, concurrency=concurrency,
                       history_json=history_json, progress=progress, on_window=window)
    finally:
        for bar in bars:
            bar.close()


def _print_summary(summary: CollectSummary) -> None:
    span = f"{summary.first_day} to {summary.last_day}" if summary.first_day else "no new days"
    print(f"Collected {summary.days_fetched} day(s) ({span}): {summary.days_added} team-day(s) added, "
          f"{summary.days_replaced} replaced; {summary.teams_qualifying} team(s) qualifying; "
          f"{summary.requests} request(s) to GitHub.")
    if summary.originals_kept:
        print(f"Upgraded the store; the files it had are kept as they were: {', '.join(summary.originals_kept)}")
    if summary.days_not_available:
        print(f"Not available yet (tried again next run): {', '.join(summary.days_not_available)}")
    for warning in summary.warnings:
        print(f"Warning: {warning}")


def cmd_collect(args, settings: Settings) -> int:
    since = parse_day(args.since, "--since") if args.since else None
    until = parse_day(args.until, "--until") if args.until else None
    check_window(since, until, utc_today(), names=("--since", "--until"))
    with service_client(settings) as client:
        summary = run_collect(client, open_store(settings.store_url), _require_org(settings),
                              since=since, until=until, concurrency=settings.collect_concurrency,
                              history_json=settings.teams_history_json)
    _print_summary(summary)
    return 0


def cmd_team_history(args, settings: Settings) -> int:
    since = parse_day(args.since, "--since") if args.since else None
    if _demo_collector(settings):  # what the README's command shows a newcomer with no GitHub set up
        from ..demo.structure import build_demo_org

        org = build_demo_org()
        with make_service_client(token="demo", transport=org.transport()) as client:
            history = get_team_history(client, org.org, args.team, since)
    else:
        with service_client(settings) as client:
            history = get_team_history(client, _require_org(settings), args.team, since)
    print(json.dumps(history.model_dump(mode="json"), indent=1))
    return 0


def cmd_demo(args, settings: Settings) -> int:
    """Fill the store with the demo organisation, collected by the real collector."""
    from ..demo.structure import build_demo_org

    if args.if_needed and not settings.demo_mode:
        print("GitHub sign-in is configured: not seeding the demo store.")
        return 0
    store = open_store(settings.store_url)
    # admin_teams.json is written last, so its presence means a complete demo store.
    if store.exists(ADMIN_TEAMS_KEY) and not args.force:
        print(f"The demo store at {settings.store_url} is ready (--force collects it again).")
        return 0
    org = build_demo_org()
    transport = org.transport()
    with make_service_client(token="demo", transport=transport) as client:
        summary = run_collect(client, store, org.org, since=org.first_day - timedelta(days=1))
    current = store.read_json(ADMIN_TEAMS_KEY)
    store.write_json(ADMIN_TEAMS_KEY, org.admin_teams, if_tag=current.tag)
    _print_summary(summary)
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m copilot_usage",
                                   description="Collect and inspect GitHub Copilot usage history.")
    commands = root.add_subparsers(dest="command", required=True)
    collect_ = commands.add_parser("collect", help="bring the store up to date (incremental)")
    collect_.add_argument("--since", help="collect days after this one (YYYY-MM-DD, exclusive)")
    collect_.add_argument("--until", help="last day to collect (YYYY-MM-DD; default yesterday)")
    collect_.set_defaults(run=cmd_collect)
    team = commands.add_parser("team-history", help="print one team's history as JSON")
    team.add_argument("--team", required=True, help="team slug or name")
    team.add_argument("--since", help="days after this one (YYYY-MM-DD, exclusive)")
    team.set_defaults(run=cmd_team_history)
    demo = commands.add_parser("demo", help="fill the store with the demo organisation")
    demo.add_argument("--force", action="store_true", help="collect again into a filled store")
    demo.add_argument("--if-needed", action="store_true",
                      help="only when no GitHub sign-in is configured (what `make run` uses)")
    demo.set_defaults(run=cmd_demo)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args, load_settings())
    except CopilotUsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted; the store holds what was written before, nothing half-written",
              file=sys.stderr)
        return 130
