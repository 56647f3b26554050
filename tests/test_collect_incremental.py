"""collect() against the loopback fake GitHub over real HTTP: incremental and idempotent."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fake_github import FakeGitHub

from copilot_usage.collector.run import collect
from copilot_usage.collector.team_history import get_team_history
from copilot_usage.contract.keys import (
    HISTORY_KEY,
    MEMBERS_KEY,
    ORG_HISTORY_KEY,
    SEATS_KEY,
    TEAMS_KEY,
)
from copilot_usage.demo import build_demo_org
from copilot_usage.github.client import GitHubClient
from copilot_usage.store import open_store
from copilot_usage.store.histories import load_team_histories

pytestmark = pytest.mark.integration

END = date(2026, 10, 31)
TODAY = END + timedelta(days=2)   # END + 1 answers 404: not produced yet, as on GitHub


@pytest.fixture(scope="module")
def org():
    return build_demo_org(seed=11, teams=8, users=90, days=30, end_day=END)


@pytest.fixture(scope="module")
def github(org):
    with FakeGitHub(org) as fake:
        yield fake


def client_for(fake: FakeGitHub) -> GitHubClient:
    return GitHubClient(fake.url, token="collector-token", sleep=lambda s: None)


def store_at(tmp_path, name="store"):
    return open_store(f"file://{tmp_path / name}")


def day(n: int) -> date:
    """The n-th day of the demo period, from 1."""
    return END - timedelta(days=30 - n)


def files(store) -> dict[str, bytes]:
    return {key: store.read_bytes(key) for key in (HISTORY_KEY, ORG_HISTORY_KEY, TEAMS_KEY)}


def recorded(store) -> dict[str, list[date]]:
    histories, _ = load_team_histories(store)
    return {h.team.slug: [d.date for d in h.data] for h in histories}


def test_running_collect_twice_gives_byte_identical_files(tmp_path, github, org):
    store = store_at(tmp_path)
    with client_for(github) as client:
        first = collect(client, store, org.org, since=day(0), today=TODAY)
        before = files(store)
        second = collect(client, store, org.org, since=day(0), today=TODAY)
    assert files(store) == before
    assert first.days_added > 0 and second.days_added == 0 and second.days_replaced == 0
    assert first.days_not_available == [(END + timedelta(days=1)).isoformat()]


def test_two_halves_equal_one_run(tmp_path, github, org):
    whole, halves = store_at(tmp_path, "whole"), store_at(tmp_path, "halves")
    with client_for(github) as client:
        collect(client, whole, org.org, since=day(0), until=day(20), today=TODAY)
        collect(client, halves, org.org, since=day(0), until=day(10), today=TODAY)
        collect(client, halves, org.org, since=day(10), until=day(20), today=TODAY)
    assert files(halves) == files(whole)
    assert max(d for days in recorded(whole).values() for d in days) == day(20)


def test_since_is_exclusive_and_no_day_is_recorded_twice(tmp_path, github, org):
    store = store_at(tmp_path)
    with client_for(github) as client:
        collect(client, store, org.org, since=day(5), until=day(9), today=TODAY)
    for slug, days in recorded(store).items():
        assert days == sorted(set(days))
        assert min(days) >= day(6) and max(days) <= day(9), slug


def test_only_qualifying_teams_are_recorded(tmp_path, github, org):
    store = store_at(tmp_path)
    with client_for(github) as client:
        summary = collect(client, store, org.org, since=day(0), today=TODAY)
    history = recorded(store)
    assert org.never_qualifying_team not in history
    assert summary.teams_qualifying == len(history)
    for slug, days in history.items():
        for d in days:
            licensed = {l["user_id"] for l in org.user_team_lines(d) if l["slug"] == slug}
            assert len(licensed) >= 5
    listed = store.read_json(TEAMS_KEY).data
    assert [t["slug"] for t in listed] == sorted(history)
    assert {t["name"] for t in listed} <= {t["name"] for t in org.teams}
    assert store.read_json(SEATS_KEY).data["total_seats"] == len(org.seats())
    members = store.read_json(MEMBERS_KEY).data
    assert members["day"] == END.isoformat()
    for slug, logins in members["teams"].items():
        expected = {l["user_login"] for l in org.user_team_lines(END) if l["slug"] == slug}
        assert set(logins) == expected


def test_days_before_the_reports_begin_answer_204_and_are_not_recorded(tmp_path, github, org):
    store = store_at(tmp_path)
    with client_for(github) as client:
        summary = collect(client, store, org.org, since=day(0) - timedelta(days=5),
                          until=day(3), today=TODAY)
    assert summary.days_fetched == 8 and summary.first_day == day(-4)
    assert min(d for days in recorded(store).values() for d in days) == day(1)


def test_a_provisional_day_changed_upstream_is_replaced(tmp_path, org):
    store = store_at(tmp_path)
    with FakeGitHub(org) as fake, client_for(fake) as client:
        collect(client, store, org.org, since=day(0), today=TODAY)
    last = END
    original = org.user_lines

    def bumped(d):
        lines = original(d)
        if d == last:
            for line in lines:
                line["code_generation_activity_count"] += 1000
        return lines

    org.user_lines = bumped
    try:
        with FakeGitHub(org) as fake, client_for(fake) as client:
            summary = collect(client, store, org.org, today=TODAY)
    finally:
        del org.user_lines
    histories, _ = load_team_histories(store)
    changed = [h for h in histories if h.data[-1].date == last and h.data[-1].active_users]
    assert changed and summary.days_replaced >= len(changed)
    for history in changed:
        expected = history.data[-1].active_users * 1000
        assert history.data[-1].code_generations >= expected
        assert len([d for d in history.data if d.date == last]) == 1


def test_a_day_that_was_not_available_is_picked_up_next_run(tmp_path):
    store = store_at(tmp_path)
    early = build_demo_org(seed=11, teams=8, users=90, days=30, end_day=END)
    with FakeGitHub(early) as fake, client_for(fake) as client:
        first = collect(client, store, early.org, since=day(0), today=TODAY)
    assert (END + timedelta(days=1)).isoformat() in first.days_not_available
    later = build_demo_org(seed=11, teams=8, users=90, days=31, end_day=END + timedelta(days=1))
    with FakeGitHub(later) as fake, client_for(fake) as client:
        second = collect(client, store, later.org, today=TODAY + timedelta(days=1))
    assert second.last_day == END + timedelta(days=1)
    assert any(days[-1] == END + timedelta(days=1) for days in recorded(store).values())
    for days in recorded(store).values():
        assert days == sorted(set(days))


def test_report_requests_do_not_grow_with_teams(tmp_path):
    counts = {}
    for teams, users in ((6, 60), (500, 5000)):
        org = build_demo_org(seed=3, teams=teams, users=users, days=6, end_day=END)
        with FakeGitHub(org) as fake, client_for(fake) as client:
            collect(client, store_at(tmp_path, f"t{teams}"), org.org, since=day(24), today=TODAY)
            links = {k: v for k, v in fake.calls.items() if k.startswith("report-links")}
            counts[teams] = (links, fake.calls["members"], fake.calls["download"])
    small, large = counts[6], counts[500]
    # six days, plus the users report of the day not produced yet, which ends the window
    assert small[0] == large[0] == {"report-links:users-1-day": 7, "report-links:user-teams-1-day": 6,
                                    "report-links:organization-1-day": 6}
    assert small[1] == large[1] == 0                      # never a call per team
    assert small[2] <= large[2] <= 6 * 4                  # a few files a day, whatever the teams


def test_get_team_history_by_name_returns_the_design_shape(github, org):
    slug = sorted({line["slug"] for line in org.user_team_lines(END)})[0]
    name = next(t["name"] for t in org.teams if t["slug"] == slug)
    with client_for(github) as client:
        history = get_team_history(client, org.org, name.upper(), since=day(20), today=TODAY)
    dumped = history.model_dump(mode="json")
    assert set(dumped) == {"team", "data"}
    assert set(dumped["team"]) == {"name", "slug", "description", "url"}
    assert dumped["team"]["slug"] == slug
    assert [d["date"] for d in dumped["data"]][-1] == END.isoformat()
    assert all(date.fromisoformat(d["date"]) > day(20) for d in dumped["data"])
