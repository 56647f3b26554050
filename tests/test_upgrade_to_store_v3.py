"""A store written by the previous version, or a history moved in from another deployment,
is upgraded by the next collection with nothing lost and its original files kept byte-for-byte."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, timedelta

import boto3
import pytest
from conftest import demo_client
from test_legacy_history_loads import LEGACY_DAY

from copilot_usage.collector.run import collect
from copilot_usage.contract.keys import (
    HISTORY_KEY,
    INDEX_KEY,
    ORG_HISTORY_KEY,
    STORE_VERSION_KEY,
    SUMMARY_KEY,
    TEAMS_KEY,
    original_key,
    team_key,
)
from copilot_usage.contract.teams import TeamHistory
from copilot_usage.demo import build_demo_org
from copilot_usage.errors import InvalidStoreFile
from copilot_usage.read.tables import recorded_history
from copilot_usage.store import LocalStore, S3Store, dump_json
from copilot_usage.store.histories import load_team_histories
from copilot_usage.store.migration import _array_items, upgrade
from copilot_usage.store.team_tables import ROW_COLUMNS, load_directory

END = date(2026, 10, 31)
TODAY = END + timedelta(days=2)
RUN_DAY = datetime.now(UTC).date()


@pytest.fixture(scope="module")
def org():
    return build_demo_org(seed=13, teams=7, users=80, days=24, end_day=END)


def previous_version_store(org, store, until: date, *, layout: int = 2) -> list[TeamHistory]:
    """What a previous version left. Layout 2: teams_history.json (indented), compact team
    files (the record), a summary, an index and store_version.json; layout 1: the history
    alone. Made by collecting, then rewriting in the old layout, without facts or tables."""
    with demo_client(org) as client:
        collect(client, store, org.org, since=org.first_day - timedelta(days=1), until=until, today=TODAY)
    histories, _ = load_team_histories(store)
    histories = [h.model_copy(update={"team": h.team.model_copy(update={"id": None})}) for h in histories]
    for key in [*store.list_keys("facts/"), *store.list_keys("tables/"), STORE_VERSION_KEY]:
        store.client.delete_object(Bucket=store.bucket, Key=store._s3_key(key)) if isinstance(store, S3Store) \
            else (store.root / key).unlink()
    store.write_bytes(HISTORY_KEY, dump_json([history.model_dump(mode="json") for history in histories]))
    if layout == 2:
        index = {}
        for history in histories:
            body = history.model_dump_json().encode() + b"\n"
            store.write_bytes(team_key(history.team.slug), body)
            index[history.team.slug] = {"team": history.team.model_dump(mode="json"), "days": len(history.data),
                                        "first_day": history.data[0].date.isoformat(),
                                        "last_day": history.data[-1].date.isoformat(),
                                        "sha256": hashlib.sha256(body).hexdigest()}
        store.write_bytes(SUMMARY_KEY, json.dumps(summary_payload(histories), separators=(",", ":")).encode())
        store.write_json(INDEX_KEY, index, if_tag=None)
        store.write_json(STORE_VERSION_KEY, {"layout": 2, "history_tag": store.tag(HISTORY_KEY)}, if_tag=None)
    return histories


def summary_payload(histories: list[TeamHistory]) -> dict:
    """The previous version's summary: one JSON object, `{"columns", "teams": [{"team", "rows"}]}`."""
    SUMMARY_COLUMNS = ROW_COLUMNS  # noqa: N806 (store v2's name for the same columns)
    return {"columns": SUMMARY_COLUMNS,
            "teams": [{"team": h.team.model_dump(mode="json"),
                       "rows": [[d.date.isoformat(), *(getattr(d, c) for c in SUMMARY_COLUMNS[1:])] for d in h.data]}
                      for h in histories if h.data]}


def days_of(histories) -> dict:
    return {(h.team.slug, d.date): d for h in histories for d in h.data}


@pytest.mark.integration
@pytest.mark.parametrize("kind,layout", [("local", 2), ("s3", 2), ("local", 1)])
def test_a_store_of_a_previous_version_is_upgraded_with_nothing_lost(org, tmp_path, kind, layout, request):
    if kind == "s3":
        client = boto3.client("s3", endpoint_url=request.getfixturevalue("s3_endpoint"))
        store = S3Store(request.getfixturevalue("bucket"), "old", client=client)
    else:
        store = LocalStore(tmp_path)
    before = previous_version_store(org, store, until=END - timedelta(days=6), layout=layout)
    originals = {key: store.read_bytes(key) for key in (HISTORY_KEY, ORG_HISTORY_KEY, TEAMS_KEY, SUMMARY_KEY)
                 if store.exists(key)}
    team_files = {key: store.read_bytes(key) for key in store.list_keys("teams/")}

    with demo_client(org) as client:
        summary = collect(client, store, org.org, today=TODAY)

    assert sorted(summary.originals_kept) == sorted(original_key(k, RUN_DAY) for k in originals)
    for key, body in originals.items():
        assert store.read_bytes(original_key(key, RUN_DAY)) == body
    after = days_of(load_team_histories(store)[0])
    for key, day in days_of(before).items():  # every recorded day is still there…
        if key[1] <= END - timedelta(days=6 + 3):  # …unchanged, past the provisional ones
            assert after[key] == day, key
    assert max(d for _, d in after) == END
    directory = load_directory(store)
    assert set(directory) == {slug for slug, _ in after}
    for slug, entry in directory.items():  # the tables are the record, each team under GitHub's id
        assert entry.team.id == next(t["id"] for t in org.teams if t["slug"] == slug)
        days = recorded_history(store, slug).data
        assert days == [after[(slug, d)] for d in sorted(d for s, d in after if s == slug)]
        assert entry.days == len(days) and (entry.first_day, entry.last_day) == (days[0].date, days[-1].date)
    assert json.loads(store.read_bytes(STORE_VERSION_KEY))["layout"] == 3
    assert {key: store.read_bytes(key) for key in store.list_keys("teams/")} == team_files  # left as they were

    with demo_client(org) as client:
        again = collect(client, store, org.org, today=TODAY)
    assert again.originals_kept == []


@pytest.mark.unit
def test_a_history_moved_in_from_another_deployment_is_taken_into_the_tables(org, tmp_path):
    store = LocalStore(tmp_path)
    team = next(t for t in org.teams if t["slug"] in {line["slug"] for line in org.user_team_lines(END)})
    legacy = [{**LEGACY_DAY, "date": f"2026-03-0{n}", "total_active_users": 7 + n} for n in (1, 2, 3)]
    moved_in = dump_json([{"team": {"name": team["name"]}, "data": legacy}])
    store.write_bytes(HISTORY_KEY, moved_in)
    with demo_client(org) as client:
        collect(client, store, org.org, since=END - timedelta(days=4), today=TODAY)
    assert store.read_bytes(original_key(HISTORY_KEY, RUN_DAY)) == moved_in
    history = recorded_history(store, team["slug"])
    assert [(d.date, d.active_users, d.source) for d in history.data[:3]] == [
        (date(2026, 3, n), 7 + n, "legacy-metrics") for n in (1, 2, 3)]
    assert history.data[-1].date == END
    assert history.team.id == team["id"]  # the legacy days are the team's, under its id
    assert days_of(load_team_histories(store)[0]) == {
        (slug, d.date): d for slug in load_directory(store) for d in recorded_history(store, slug).data}


@pytest.mark.unit
def test_a_history_put_in_place_later_is_taken_in_by_the_next_run(org, tmp_path):
    store = LocalStore(tmp_path)
    with demo_client(org) as client:
        collect(client, store, org.org, since=END - timedelta(days=4), today=TODAY)
    histories, _ = load_team_histories(store)
    slug = histories[0].team.slug
    entry = json.loads(store.read_bytes(HISTORY_KEY))
    entry[0]["data"].insert(0, {**LEGACY_DAY, "date": "2026-02-01", "total_active_users": 33})
    store.write_bytes(HISTORY_KEY, dump_json(entry))  # someone restores an older day by hand
    with demo_client(org) as client:
        collect(client, store, org.org, today=TODAY)
    first = recorded_history(store, slug).data[0]
    assert (first.date, first.active_users) == (date(2026, 2, 1), 33)


@pytest.mark.unit
def test_a_broken_history_stops_the_upgrade_before_anything_is_written(org, tmp_path):
    store = LocalStore(tmp_path)
    broken = b'[{"team": {"name": "A"}, "data": []}, {"team": {"name": "B"}, "data": [{"date": "soon"}]}]'
    store.write_bytes(HISTORY_KEY, broken)
    with pytest.raises(InvalidStoreFile, match=r"teams_history.json .*\(1\.data\.0"):
        upgrade(store)
    assert store.list_keys() == [HISTORY_KEY] and store.read_bytes(HISTORY_KEY) == broken


@pytest.mark.unit
def test_history_entries_are_read_one_at_a_time_across_chunk_boundaries():
    entries = [{"team": {"name": "Équipe ü"}, "data": [{"date": f"2026-01-0{n}"}]} for n in range(1, 6)]
    body = ("\ufeff" + json.dumps(entries, indent=2, ensure_ascii=False)).encode()
    chunks = (body[i:i + 7] for i in range(0, len(body), 7))  # splits characters and tokens
    assert list(_array_items(chunks, LocalStore("."))) == entries
    assert list(_array_items(iter([b"[]"]), LocalStore("."))) == []
    with pytest.raises(InvalidStoreFile):
        list(_array_items(iter([b'[{"team": 1}, {"tea']), LocalStore(".")))
