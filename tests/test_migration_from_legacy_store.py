"""A store written by an older deployment loads, is de-duplicated, and is carried forward."""

from datetime import date, timedelta

import pytest
from test_legacy_history_loads import LEGACY_DAY

from copilot_usage.collector.run import collect
from copilot_usage.contract.keys import HISTORY_KEY, ORG_HISTORY_KEY
from copilot_usage.demo import build_demo_org
from copilot_usage.errors import InvalidStoreFile
from copilot_usage.github.client import GitHubClient
from copilot_usage.store import LocalStore, dump_json
from copilot_usage.store.histories import load_org_history, load_team_histories

pytestmark = pytest.mark.unit

END = date(2026, 10, 31)


def legacy_day(day: date, active: int) -> dict:
    return {**LEGACY_DAY, "date": day.isoformat(), "total_active_users": active}


@pytest.fixture
def org():
    return build_demo_org(seed=11, teams=8, users=90, days=10, end_day=END)


def test_legacy_history_is_deduplicated_and_kept_by_the_next_run(tmp_path, org):
    store = LocalStore(tmp_path)
    team = next(t for t in org.teams if t["slug"] in {l["slug"] for l in org.user_team_lines(END)})
    old_days = [legacy_day(date(2026, 3, 1), 9), legacy_day(date(2026, 3, 1), 9), legacy_day(date(2026, 3, 2), 11)]
    # The old layout: the team keyed by name only, duplicate dates from an inclusive `since`.
    (tmp_path / HISTORY_KEY).write_bytes(dump_json([{"team": {"name": team["name"]}, "data": old_days}]))
    (tmp_path / ORG_HISTORY_KEY).write_bytes(dump_json([legacy_day(date(2026, 3, 1), 40)] * 2))

    with GitHubClient(token="t", transport=org.transport(), sleep=lambda s: None) as client:
        collect(client, store, org.org, since=END - timedelta(days=5), today=END + timedelta(days=2))
    histories, _ = load_team_histories(store)
    mine = next(h for h in histories if h.team.slug == team["slug"])
    legacy = [d for d in mine.data if d.source == "legacy-metrics"]
    assert [(d.date, d.active_users) for d in legacy] == [(date(2026, 3, 1), 9), (date(2026, 3, 2), 11)]
    assert mine.team.name == team["name"] and mine.team.url  # metadata from the teams list now
    assert mine.data[-1].date == END and mine.data[-1].source == "usage-metrics"
    org_days, _ = load_org_history(store)
    assert [d.date for d in org_days][:1] == [date(2026, 3, 1)] and org_days[0].daily_active_users == 40


@pytest.mark.parametrize("content", [b"{not json", b'{"team": "a dict, not a list"}',
                                     b'[{"team": {"name": "x"}, "data": [{"date": "not a day"}]}]'])
def test_an_unreadable_history_stops_the_run_and_is_not_overwritten(tmp_path, org, content):
    (tmp_path / HISTORY_KEY).write_bytes(content)
    transport = org.transport()
    with GitHubClient(token="t", transport=transport, sleep=lambda s: None) as client, \
            pytest.raises(InvalidStoreFile, match="teams_history.json"):
        collect(client, LocalStore(tmp_path), org.org, today=END + timedelta(days=2))
    assert (tmp_path / HISTORY_KEY).read_bytes() == content
    assert sum(transport.calls.values()) == 0  # stopped before asking GitHub anything
