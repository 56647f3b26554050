"""The organisation's days are a month table the collector merges into: a store from before it
upgrades with every day kept, a file put in place later is taken in, a daily run touches only
the months of its days, and historic_usage_data.json is written from the table for older tools."""

from __future__ import annotations

import json
from datetime import date, timedelta

import duckdb
import pytest
import streamlit as st
from conftest import demo_client
from demo_app import demo_mode
from test_legacy_history_loads import LEGACY_DAY

import copilot_usage.web.ui.data as ui_data
from copilot_usage.collector.run import collect
from copilot_usage.config import load_settings
from copilot_usage.contract.days import OrgDay
from copilot_usage.contract.keys import (
    ONS_ORG_HISTORY_KEY,
    ORG_DAY_LINES,
    ORG_HISTORY_KEY,
    STORE_VERSION_KEY,
    month_of,
    table_key,
    table_prefix,
)
from copilot_usage.demo import build_demo_org
from copilot_usage.errors import InvalidStoreFile
from copilot_usage.read.org import org_days
from copilot_usage.store import LocalStore
from copilot_usage.store.histories import load_org_file
from copilot_usage.store.org_table import org_table_days, upsert_org_days

END = date(2026, 10, 31)
TODAY = END + timedelta(days=1)


@pytest.fixture(scope="module")
def org():
    return build_demo_org(seed=17, teams=6, users=50, days=40, end_day=END)


def run(org, store, *, until=END, since=None, history_json="daily"):
    with demo_client(org) as client:
        return collect(client, store, org.org, since=since, until=until, today=TODAY, history_json=history_json)


def collected(org, tmp_path, until=END):
    store = LocalStore(tmp_path)
    run(org, store, until=until, since=org.first_day - timedelta(days=1))
    return store


def table_only(store) -> list[OrgDay]:
    days = org_table_days(store)
    assert days is not None
    return days


def forget_the_table(store) -> None:
    """What a store collected by the version before the table looks like."""
    for key in store.list_keys(table_prefix(ORG_DAY_LINES)):
        (store.root / key).unlink()
    version = json.loads(store.read_bytes(STORE_VERSION_KEY))
    before = {name: value for name, value in version.items() if name in ("layout", "history_tag", "history_written")}
    store.write_bytes(STORE_VERSION_KEY, json.dumps(before).encode())  # what that version noted


@pytest.mark.integration
def test_the_run_writes_the_table_and_the_file_older_tools_read_from_it(org, tmp_path):
    store = collected(org, tmp_path)
    days = table_only(store)
    assert [d.date for d in days] == [org.first_day + timedelta(days=n) for n in range((END - org.first_day).days + 1)]
    assert {month_of(d.date) for d in days} == {
        key.split("month=")[1][:7] for key in store.list_keys(table_prefix(ORG_DAY_LINES))}
    assert load_org_file(store) == days  # the file is the table's days, as this app always wrote them
    assert org_days(store) == days


@pytest.mark.integration
def test_a_store_from_before_the_table_upgrades_with_every_number_kept(org, tmp_path):
    store = collected(org, tmp_path, until=END - timedelta(days=1))
    before = org_days(store)
    forget_the_table(store)
    assert org_days(store) == before  # the pages read the file until the next run
    run(org, store)  # takes the file in, then the new day
    after = table_only(store)
    assert after[:-1] == before and after[-1].date == END
    assert not store.list_keys("originals/")  # the file was this app's own: nothing to keep


@pytest.mark.integration
def test_a_file_put_in_place_later_is_kept_and_its_days_win_except_over_a_legacy_day(org, tmp_path):
    store = collected(org, tmp_path, until=END - timedelta(days=1))
    recorded = table_only(store)
    changed = recorded[5].model_copy(update={"daily_active_users": 4321})
    legacy = OrgDay.model_validate({**LEGACY_DAY, "date": (org.first_day - timedelta(days=3)).isoformat()})
    # Someone restores an older copy: a changed day, a legacy day before the first, and the newest day missing.
    placed = json.dumps([legacy.model_dump(mode="json"), *(d.model_dump(mode="json") for d in recorded[:5]),
                         changed.model_dump(mode="json"), *(d.model_dump(mode="json") for d in recorded[6:-1])],
                        indent=2).encode()
    store.write_bytes(ORG_HISTORY_KEY, placed)
    run(org, store)
    kept = [key for key in store.list_keys("originals/") if key.endswith("/" + ORG_HISTORY_KEY)]
    assert [store.read_bytes(key) for key in kept] == [placed]   # kept byte for byte before it was taken in
    after = {d.date: d for d in table_only(store)}
    assert after[changed.date].daily_active_users == 4321      # the file's day was taken
    assert after[legacy.date].legacy == legacy.legacy          # a day only the file had was added
    assert recorded[-1].date in after and END in after         # days the file lacked were kept
    # A collected day never replaces a legacy day, in a file taken in or in a run.
    collected_copy = recorded[0].model_copy(update={"date": legacy.date})
    assert upsert_org_days(store, [collected_copy]) == 0
    assert {d.date: d for d in table_only(store)}[legacy.date].legacy == legacy.legacy


@pytest.mark.integration
def test_ons_days_are_added_under_ours_when_their_file_changes(org, tmp_path):
    store = collected(org, tmp_path)
    recorded = table_only(store)
    earlier = org.first_day - timedelta(days=2)
    line = {"day": earlier.isoformat(), "daily_active_users": 77, "weekly_active_users": 80,
            "monthly_active_users": 90}
    same_day = {**line, "day": recorded[0].date.isoformat(), "daily_active_users": 1}
    store.write_bytes(ONS_ORG_HISTORY_KEY, json.dumps([line, same_day]).encode())
    run(org, store)
    after = {d.date: d for d in table_only(store)}
    assert after[earlier].daily_active_users == 77               # a date only ONS had
    assert after[recorded[0].date] == recorded[0]                # ours win the same date
    assert store.read_bytes(ONS_ORG_HISTORY_KEY) == json.dumps([line, same_day]).encode()  # never written


@pytest.mark.integration
def test_with_the_history_files_off_a_daily_run_writes_only_its_months_and_the_pages_see_the_day(org, tmp_path):
    store = collected(org, tmp_path, until=END - timedelta(days=1))
    file_before, version_before = store.read_bytes(ORG_HISTORY_KEY), store.tag(STORE_VERSION_KEY)
    months = {key: store.tag(key) for key in store.list_keys(table_prefix(ORG_DAY_LINES))}
    run(org, store, history_json="off")
    assert store.read_bytes(ORG_HISTORY_KEY) == file_before
    assert org_days(store)[-1].date == END
    rewritten = {key for key, tag in months.items() if store.tag(key) != tag}
    assert rewritten <= {table_key(ORG_DAY_LINES, month_of(END - timedelta(days=n))) for n in range(4)}
    assert store.tag(STORE_VERSION_KEY) != version_before  # the pages' version of the organisation's days


@pytest.mark.integration
def test_the_pages_see_a_new_organisation_day_after_a_run_that_rewrote_no_whole_history_file(org, tmp_path,
                                                                                            monkeypatch):
    store = collected(org, tmp_path, until=END - timedelta(days=1))
    demo_mode(monkeypatch, f"file://{tmp_path}")
    settings = load_settings()
    assert ui_data.org_history(settings)[-1].date == END - timedelta(days=1)
    run(org, store, history_json="off")  # historic_usage_data.json stays as it was
    st.cache_data.clear()  # the version tags' TAG_SECONDS have passed; the days read stay cached by version
    assert ui_data.org_history(settings)[-1].date == END
    assert ui_data.org_history(settings) == org_days(store)


@pytest.mark.unit
def test_a_month_that_is_not_the_table_stops_the_run_with_its_name(tmp_path):
    store = LocalStore(tmp_path)
    upsert_org_days(store, [OrgDay(date=date(2026, 5, 1), daily_active_users=1)])
    month = table_key(ORG_DAY_LINES, "2026-05")
    store.write_bytes(month, b"not parquet")
    with pytest.raises(InvalidStoreFile, match="org_day_lines/month=2026-05"):
        upsert_org_days(store, [OrgDay(date=date(2026, 5, 2), daily_active_users=2)])
    # Parquet with the table's columns whose line is not an organisation day: the same message.
    path = tmp_path / month
    duckdb.execute(f"COPY (SELECT DATE '2026-05-01' AS day, 'x' AS source, '[1]' AS line) TO '{path}' (FORMAT parquet)")
    with pytest.raises(InvalidStoreFile, match="org_day_lines/month=2026-05"):
        upsert_org_days(store, [OrgDay(date=date(2026, 5, 2), daily_active_users=2)])
    with pytest.raises(InvalidStoreFile, match="org_day_lines/ in"):
        org_table_days(store)
