"""A store as ONS's Lambda left it, with real files: shown, collected on top, nothing lost.

The collector runs against the loopback fake GitHub over HTTP, into a folder and
into S3 (moto on loopback). Totals are compared with sums taken straight from
the original files; the originals must be kept byte-for-byte.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from demo_app import demo_mode, signed_in
from fake_github import FakeGitHub
from test_files_from_older_deployments import (
    BOM,
    days_of,
    deep_sum,
    ons_layout,
    raw,
    team_entry,
)

from copilot_usage.collector.run import collect
from copilot_usage.contract.keys import (
    ADMIN_TEAMS_KEY,
    HISTORY_KEY,
    ONS_ORG_HISTORY_KEY,
    ORG_HISTORY_KEY,
    TEAMS_KEY,
)
from copilot_usage.contract.rules import utc_today
from copilot_usage.contract.teams import slugify
from copilot_usage.demo import build_demo_org
from copilot_usage.github.client import GitHubClient
from copilot_usage.read.org import org_days as read_org_days
from copilot_usage.store import S3Store, open_store
from copilot_usage.store.histories import load_org_history, load_team_histories

pytestmark = pytest.mark.integration

END = date(2026, 10, 31)
TODAY = END + timedelta(days=2)


@pytest.fixture(scope="module")
def org():
    return build_demo_org(seed=11, teams=8, users=90, days=10, end_day=END)


@pytest.fixture(scope="module")
def github(org):
    with FakeGitHub(org) as fake:
        yield fake


def qualifying_team(org) -> dict:
    return next(t for t in org.teams if t["slug"] in {line["slug"] for line in org.user_team_lines(END)})


def ons_store_files(team: dict) -> dict[str, bytes]:
    """The files, in the layouts ONS's Lambda wrote (tests/data/legacy/README.md)."""
    assert slugify(team["name"]) == team["slug"]
    renamed = [team_entry(team["slug"], days_of("ons_team_usage_days.json")),  # the team's old name
               team_entry(team["name"], days_of("metrics_days.json"))]
    return {
        HISTORY_KEY: ons_layout([*renamed, team_entry("Legacy Only", days_of("usage_days.json"))]),
        ORG_HISTORY_KEY: BOM + raw("usage_days.json"),                # saved once by a Windows editor
        ONS_ORG_HISTORY_KEY: raw("organisation_history.json"),
        TEAMS_KEY: ons_layout([team["name"], "Legacy Only"]),          # names, as before July 2025
    }


def place(store, files: dict[str, bytes]) -> None:
    for key, body in files.items():
        store.write_bytes(key, body)


def run_collect(github, store):
    with GitHubClient(github.url, token="collector-token", sleep=lambda s: None) as client:
        return collect(client, store, github.org.org, since=END - timedelta(days=5), today=TODAY)


def assert_nothing_lost(store, team: dict) -> None:
    histories, _ = load_team_histories(store)
    by_slug = {h.team.slug: h for h in histories}
    mine, old_team = by_slug[team["slug"]], by_slug["legacy-only"]
    legacy = [d for d in mine.data if d.source == "legacy-metrics"]
    originals = days_of("ons_team_usage_days.json") + days_of("metrics_days.json")
    assert [d.legacy for d in legacy] == originals                    # both entries, every day, as held
    assert sum(d.code_generations for d in legacy) == \
        deep_sum(originals, "total_suggestions_count") + deep_sum(originals, "total_code_suggestions")
    assert sum(d.active_users for d in legacy) == sum(o["total_active_users"] for o in originals)
    assert [d.legacy for d in old_team.data] == days_of("usage_days.json")
    # Both what the pages read (the organisation's table once collected) and the file older tools read.
    for org_days in (read_org_days(store), load_org_history(store)[0]):
        assert_org_days_kept(org_days)


def assert_org_days_kept(org_days) -> None:
    usage, lines = days_of("usage_days.json"), days_of("organisation_history.json")
    by_date = {d.date.isoformat(): d for d in org_days}
    assert [by_date[u["day"]].legacy for u in usage] == usage
    assert sum(by_date[u["day"]].code_generations for u in usage) == sum(u["total_suggestions_count"] for u in usage)
    assert [by_date[line["day"]].daily_active_users for line in lines] == [line["daily_active_users"] for line in lines]
    assert [by_date[line["day"]].pull_requests.get("total_merged") for line in lines] == \
        [line["pull_requests"]["total_merged"] for line in lines]


@pytest.fixture(params=["folder", "s3"])
def store(request, tmp_path, monkeypatch):
    if request.param == "folder":
        return open_store(f"file://{tmp_path / 'store'}")
    endpoint, bucket = request.getfixturevalue("s3_endpoint"), request.getfixturevalue("bucket")
    import boto3

    return S3Store(bucket, "copilot", client=boto3.client("s3", endpoint_url=endpoint))


def test_collect_on_top_keeps_the_originals_and_every_number(github, org, store):
    team = qualifying_team(org)
    files = ons_store_files(team)
    place(store, files)
    assert_nothing_lost(store, team)                                  # as found

    summary = run_collect(github, store)
    assert summary.days_added > 0
    prefix = f"originals/{utc_today()}/"                              # the day the copy was taken
    kept = {key.removeprefix(prefix): store.read_bytes(key) for key in store.list_keys("originals/")}
    assert kept == {key: body for key, body in files.items() if key != ONS_ORG_HISTORY_KEY}
    assert store.read_bytes(ONS_ORG_HISTORY_KEY) == files[ONS_ORG_HISTORY_KEY]  # never ours to write
    assert_nothing_lost(store, team)                                  # after the rewrite
    histories, _ = load_team_histories(store)
    mine = next(h for h in histories if h.team.slug == team["slug"])
    assert mine.data[-1].date == END and mine.data[-1].source == "usage-metrics"
    # The rewritten file holds the legacy-only numbers itself (not only the kept copy).
    rewritten = json.loads(store.read_bytes(HISTORY_KEY))
    assert deep_sum(rewritten, "total_chat_insertion_events") == \
        deep_sum(days_of("metrics_days.json"), "total_chat_insertion_events") > 0
    assert deep_sum(rewritten, "total_chat_acceptances") == \
        deep_sum(days_of("ons_team_usage_days.json") + days_of("usage_days.json"), "total_chat_acceptances")
    org_days = json.loads(store.read_bytes(ORG_HISTORY_KEY))
    assert {d["date"] for d in org_days} >= {line["day"] for line in days_of("organisation_history.json")}
    assert json.loads(store.read_bytes(TEAMS_KEY))[0]["slug"]         # now team objects

    # A second run rewrites only our own files: no new originals.
    run_collect(github, store)
    assert len(store.list_keys("originals/")) == len(kept)


# ---------------------------------------------------------------- the pages

def page_errors(monkeypatch, store_url: str, team: dict) -> list[str]:
    """Error boxes (and exceptions) on the organisation, overview and team pages, as an admin."""
    demo_mode(monkeypatch, store_url)
    problems = []
    for page in ("app_pages/org_usage.py", "app_pages/teams_overview.py", "app_pages/team_usage.py"):
        at = signed_in("admin")
        at.switch_page(page).run()
        if page.endswith("team_usage.py") and not at.exception:
            at.selectbox[0].set_value(team["slug"]).run()
            if [h.value for h in at.header][:1] != [team["name"]]:
                problems.append(f"the team page shows {[h.value for h in at.header]}")
        problems += [str(e) for e in at.exception] + [e.value for e in at.error]
    return problems


def test_pages_show_the_store_as_found_and_after_a_collection(tmp_path, monkeypatch, github, org, demo_org):
    root = tmp_path / "store"
    store = open_store(f"file://{root}")
    team = qualifying_team(org)
    place(store, ons_store_files(team))
    store.write_json(ADMIN_TEAMS_KEY, demo_org.admin_teams, if_tag=None)
    assert page_errors(monkeypatch, f"file://{root}", team) == []
    run_collect(github, store)
    assert page_errors(monkeypatch, f"file://{root}", team) == []

    # A range over the legacy days and the collected ones: the share of licensed members from the
    # collected days only.
    at = signed_in("admin")
    at.switch_page("app_pages/team_usage.py").run()
    at.selectbox[0].set_value(team["slug"]).run()
    at.date_input[0].set_value((date(2024, 9, 24), END)).run()
    assert not at.exception and not at.error
    assert any('"Active on an average day" counts only the' in note.value for note in at.info)
    # The monthly figure needs 28 days of facts: the collection here has fewer, so it is blank,
    # never a partial number drawn from the legacy days.
    adoption = next(m.value for m in at.metric if m.label == "Adoption (28 days)")
    assert adoption == "–"
    # The legacy days still count where their fields allow: the acceptance rate over the range is a figure.
    rate = next(m.value for m in at.metric if m.label == "Acceptance rate")
    assert 0 < float(rate.rstrip("%")) <= 100
