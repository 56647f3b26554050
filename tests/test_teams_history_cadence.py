"""TEAMS_HISTORY_JSON: how often the collector rewrites `teams_history.json` (every team's every
day in one file, for older tools), while the team files the app reads follow every run."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from conftest import demo_client

from copilot_usage.collector.run import collect
from copilot_usage.config import load_settings
from copilot_usage.contract.keys import HISTORY_KEY
from copilot_usage.demo import build_demo_org
from copilot_usage.errors import SettingsError
from copilot_usage.read.tables import recorded_history
from copilot_usage.store import LocalStore
from copilot_usage.store.team_tables import load_directory

END = date(2026, 10, 31)


@pytest.fixture(scope="module")
def org():
    return build_demo_org(seed=3, teams=6, users=60, days=14, end_day=END)


def run(org, store: LocalStore, last: date, cadence: str):
    """A run whose last day is `last`: the first from the demo's first day, then each from
    where the store stands, as the scheduler starts it."""
    since = None if load_directory(store) else org.first_day - timedelta(days=1)
    with demo_client(org) as client:
        collect(client, store, org.org, since, until=last, today=last + timedelta(days=2), history_json=cadence)


def history_days(store: LocalStore) -> set[str]:
    """The days `teams_history.json` holds, over every team; empty when there is no file."""
    body = store.read_bytes(HISTORY_KEY)
    return {day["date"] for entry in json.loads(body) for day in entry["data"]} if body else set()


def recorded_days(store: LocalStore) -> set[str]:
    """The days the team files (what the app reads) hold, over every team."""
    return {day.date.isoformat() for slug in load_directory(store) for day in recorded_history(store, slug).data}


@pytest.mark.integration  # the collector over a week of days
def test_daily_rewrites_it_every_run(org, tmp_path):
    store = LocalStore(tmp_path)
    for last in (END - timedelta(days=8), END - timedelta(days=7)):
        run(org, store, last, "daily")
        assert history_days(store) == recorded_days(store) and max(history_days(store)) == last.isoformat()


@pytest.mark.integration  # the collector over a week of days
def test_weekly_writes_it_then_leaves_it_until_a_week_has_passed(org, tmp_path):
    store = LocalStore(tmp_path)
    first = END - timedelta(days=8)
    run(org, store, first, "weekly")  # no file yet: written
    written = store.read_bytes(HISTORY_KEY)
    assert max(history_days(store)) == first.isoformat()
    for n in range(1, 7):  # six more daily runs: new days in the team files, the file as it was
        run(org, store, first + timedelta(days=n), "weekly")
        assert max(recorded_days(store)) == (first + timedelta(days=n)).isoformat()
        assert store.read_bytes(HISTORY_KEY) == written
    run(org, store, first + timedelta(days=7), "weekly")  # a week after the last rewrite
    assert history_days(store) == recorded_days(store)
    assert max(history_days(store)) == (first + timedelta(days=7)).isoformat()


@pytest.mark.integration  # the collector over a week of days
def test_off_never_writes_it_and_leaves_one_already_there_as_it_was(org, tmp_path):
    fresh = LocalStore(tmp_path / "fresh")
    run(org, fresh, END - timedelta(days=8), "off")
    assert not fresh.exists(HISTORY_KEY) and recorded_days(fresh)

    older = LocalStore(tmp_path / "older")
    run(org, older, END - timedelta(days=8), "daily")
    before = older.read_bytes(HISTORY_KEY)
    run(org, older, END - timedelta(days=5), "off")
    assert older.read_bytes(HISTORY_KEY) == before
    assert max(recorded_days(older)) == (END - timedelta(days=5)).isoformat()


@pytest.mark.unit
def test_an_unknown_cadence_is_refused_with_the_setting_named(monkeypatch):
    monkeypatch.setenv("TEAMS_HISTORY_JSON", "hourly")
    with pytest.raises(SettingsError, match="TEAMS_HISTORY_JSON") as refused:
        load_settings()
    assert "daily" in str(refused.value) and "weekly" in str(refused.value) and "off" in str(refused.value)
