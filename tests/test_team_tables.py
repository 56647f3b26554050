"""The team tables (store v3): the collector writes month partitions and a directory that equal
the full history, rewrites only the months its days touch, and the pages read only those tables."""

from __future__ import annotations

import shutil
from datetime import date, timedelta

import boto3
import duckdb
import pandas as pd
import pytest
from conftest import demo_client
from demo_app import demo_mode, signed_in

import copilot_usage.web.ui.data as ui_data
from copilot_usage.analysis.frames import teams_frame
from copilot_usage.analysis.overview import FIELDS as OVERVIEW_FIELDS
from copilot_usage.analysis.overview import days_read
from copilot_usage.collector.run import collect
from copilot_usage.contract.keys import (
    HISTORY_KEY,
    INDEX_KEY,
    ORG_DAY_LINES,
    ORG_HISTORY_KEY,
    TEAM_DAY_LINES,
    TEAM_DAYS,
    TEAMS_DIRECTORY,
    month_of,
    table_key,
    table_month,
    table_prefix,
)
from copilot_usage.contract.rules import FIRST_REPORT_DAY
from copilot_usage.demo import build_demo_org
from copilot_usage.errors import StoreUnavailable
from copilot_usage.read.tables import recorded_history, team_days_frame
from copilot_usage.store import LocalStore, S3Store
from copilot_usage.store.histories import load_team_histories
from copilot_usage.store.team_tables import load_directory, table_months
from copilot_usage.web.ui.controls import DEFAULT_DAYS

DIRECTORY = table_key(TEAMS_DIRECTORY)

# The organisation's 40 days are the first 40 of GitHub's reports: a run with nothing recorded
# to resume from goes back to FIRST_REPORT_DAY, so it fetches those 40 days, not a year of them.
END = FIRST_REPORT_DAY + timedelta(days=39)
TODAY = END + timedelta(days=2)


class RecordingStore(LocalStore):
    """A LocalStore that remembers what was read and written, and can fail one write."""

    def __init__(self, root, fail_on: str | None = None):
        super().__init__(root)
        self.reads: list[str] = []
        self.located: list[str] = []
        self.tags: list[str] = []
        self.writes: list[str] = []
        self.fail_on = fail_on

    def _read_with_tag(self, key):
        self.reads.append(key)
        return super()._read_with_tag(key)

    def tag(self, key):  # a HEAD request on S3
        self.tags.append(key)
        return super().tag(key)

    def local_file(self, key):  # where the pages read a folder store's partitions in place
        self.located.append(key)
        return super().local_file(key)

    def read_bytes(self, key):
        self.reads.append(key)
        return super().read_bytes(key)

    def _written(self, key):
        if key == self.fail_on:
            self.fail_on = None
            raise StoreUnavailable(f"{key}: the store went away (injected)")
        self.writes.append(key)

    def write_bytes(self, key, data):
        self._written(key)
        return super().write_bytes(key, data)

    def _write_conditional(self, key, body, if_tag, sha256=None):
        self._written(key)
        return super()._write_conditional(key, body, if_tag, sha256)

    def _write_stream(self, key, chunks):
        self._written(key)
        return super()._write_stream(key, chunks)


@pytest.fixture(scope="module")
def org():
    return build_demo_org(seed=5, teams=6, users=70, days=40, end_day=END)


def run(org, store, until: date, since: date | None = None):
    with demo_client(org) as client:
        return collect(client, store, org.org, since=since, until=until, today=TODAY)


def copy_of(demo_store_dir, root):
    """A copy of the demo store (the demo organisation collected, with its admin teams) in `root`:
    the pages' tests change it without collecting again."""
    shutil.copytree(demo_store_dir, root, dirs_exist_ok=True)


def assert_read_side_matches(store: LocalStore) -> None:
    histories, _ = load_team_histories(store)
    recorded = {h.team.slug: h for h in histories if h.data}
    directory = load_directory(store)
    assert set(directory) == set(recorded)
    for slug, history in recorded.items():
        assert recorded_history(store, slug) == history
        assert (directory[slug].days, directory[slug].last_day) == (len(history.data), history.data[-1].date)
        assert directory[slug].team.id is not None  # keyed by GitHub's id
    expected = teams_frame(recorded.values())
    tables = team_days_frame(store, directory)
    key = ["slug", "date"]
    same_unit = {"date": "datetime64[ns]"}  # the resolution pandas infers differs; the days do not
    pd.testing.assert_frame_equal(tables.astype(same_unit).sort_values(key).reset_index(drop=True),
                                  expected[tables.columns].astype(same_unit).sort_values(key).reset_index(drop=True))


@pytest.mark.integration
def test_collect_writes_tables_that_equal_the_full_history(org, tmp_path):
    store = LocalStore(tmp_path)
    run(org, store, until=END - timedelta(days=10), since=org.first_day - timedelta(days=1))
    assert_read_side_matches(store)
    run(org, store, until=END)  # incremental: the new days reach the tables too
    assert_read_side_matches(store)
    assert max(e.last_day for e in load_directory(store).values()) == END
    assert not store.list_keys("teams/")  # store v2's team files are no longer written


@pytest.mark.integration
def test_a_run_with_nothing_new_rewrites_no_partition(org, tmp_path):
    store = RecordingStore(tmp_path)
    run(org, store, until=END, since=org.first_day - timedelta(days=1))
    months = {month_of(org.first_day + timedelta(days=n)) for n in range((END - org.first_day).days + 1)}
    for table in (TEAM_DAYS, ORG_DAY_LINES):
        assert {k for k in store.writes if k.startswith(f"tables/{table}/")} == {table_key(table, m) for m in months}
    store.writes.clear()
    store.reads.clear()
    run(org, store, until=END)  # re-fetches the provisional days, which have not changed
    assert [k for k in store.writes if k.startswith(("tables/", "facts/"))] == []
    assert ORG_HISTORY_KEY not in store.reads + store.writes  # the organisation's days are their table


@pytest.mark.integration
def test_a_daily_run_reads_and_writes_only_the_days_and_months_it_fetched(org, tmp_path):
    store = RecordingStore(tmp_path)
    run(org, store, until=END - timedelta(days=1), since=org.first_day - timedelta(days=1))
    store.reads.clear(), store.writes.clear()
    run(org, store, until=END)  # one new day and the three provisional ones
    fetched = {(END - timedelta(days=n)).isoformat() for n in range(4)}
    facts = {k for k in store.writes if k.startswith("facts/")}
    assert facts and {k.split("day=")[1][:10] for k in facts} <= fetched
    # Facts read: only those of the 27 days before the first fetched one, which the rolling
    # counts need (the fetched days' own facts are local), and only the two tables they join.
    window = {(END - timedelta(days=n)).isoformat() for n in range(4, 4 + 27)}
    facts_read = {k for k in store.reads if k.startswith("facts/") and k.split("day=")[1][:10] not in fetched}
    assert facts_read == {f"facts/{table}/day={day}/part-0.parquet"
                          for table in ("user_days", "user_teams") for day in window}
    # Tables read and written: the months of the fetched days and the directory, nothing older.
    touched = {table_key(table, month_of(date.fromisoformat(d))) for d in fetched
               for table in (TEAM_DAYS, TEAM_DAY_LINES, ORG_DAY_LINES)}
    assert {k for k in store.reads if k.startswith("tables/")} <= touched | {DIRECTORY}
    assert {k for k in store.writes if k.startswith("tables/")} <= touched | {DIRECTORY}
    assert "teams_history.json" not in store.reads
    assert ORG_HISTORY_KEY not in store.reads  # written from the table for older tools, never read back


@pytest.mark.integration
def test_months_written_before_a_field_was_added_read_it_as_unknown_and_take_the_new_days(org, tmp_path):
    # Tables written by the version before `monthly_licensed_members` (adoption's base) lack its
    # column: they must still read, and a daily run must merge into them.
    store = LocalStore(tmp_path)
    run(org, store, until=END - timedelta(days=1), since=org.first_day - timedelta(days=1))
    older = {TEAM_DAYS: "* EXCLUDE (monthly_licensed_members)",
             TEAM_DAY_LINES: "* REPLACE (regexp_replace(line, ',\"monthly_licensed_members\":[0-9null]+', '') AS line)"}
    for table, columns in older.items():
        for key in store.list_keys(table_prefix(table)):
            path = tmp_path / key
            duckdb.execute(f"COPY (SELECT {columns} FROM read_parquet('{path}')) TO '{path}.old' (FORMAT parquet)")
            path.with_name(path.name + ".old").replace(path)
    assert all(day.monthly_licensed_members is None for slug in load_directory(store)
               for day in recorded_history(store, slug).data)
    directory = load_directory(store)
    before = team_days_frame(store, directory)
    assert before["monthly_licensed_members"].isna().all() and before["monthly_active_users"].notna().any()
    run(org, store, until=END)  # the new day and the provisional ones, into the older month
    after = team_days_frame(store, load_directory(store))
    fetched = after["date"] >= pd.Timestamp(END - timedelta(days=3))
    assert len(after) > len(before)
    assert after.loc[fetched, "monthly_licensed_members"].notna().all()
    assert after.loc[~fetched, "monthly_licensed_members"].isna().all()  # unknown, never made up
    known = after.dropna(subset=["monthly_active_users", "monthly_licensed_members"])
    assert len(known) and (known["monthly_active_users"] <= known["monthly_licensed_members"]).all()


@pytest.mark.integration
def test_a_run_stopped_before_the_directory_is_made_good_by_the_next(org, tmp_path):
    store = RecordingStore(tmp_path, fail_on=DIRECTORY)
    with pytest.raises(StoreUnavailable):
        run(org, store, until=END, since=org.first_day - timedelta(days=1))
    assert store.list_keys(f"tables/{TEAM_DAYS}/") and load_directory(store) is None
    run(org, store, until=END)
    assert_read_side_matches(store)


@pytest.mark.integration
def test_a_store_collected_before_the_tables_gets_them_from_its_history(org, tmp_path):
    store = LocalStore(tmp_path)
    run(org, store, until=END, since=org.first_day - timedelta(days=1))
    for key in [*store.list_keys("tables/"), "store_version.json"]:
        (tmp_path / key).unlink()
    run(org, store, until=END)
    assert_read_side_matches(store)


@pytest.fixture
def recorded_app(org, tmp_path, monkeypatch, demo_store_dir):
    """The demo store, opened through a RecordingStore by the app."""
    store = RecordingStore(demo_store_dir)
    demo_mode(monkeypatch, f"file://{demo_store_dir}")
    monkeypatch.setattr(ui_data, "open_store", lambda url: store)
    return store


@pytest.mark.unit
def test_the_team_page_reads_the_tables_not_the_whole_history(recorded_app):
    at = signed_in("two-teams")
    assert len([e for e in at.main if e.type == "vega_lite_chart"]) >= 7
    shown = at.selectbox[0].value
    assert shown in load_directory(recorded_app)
    assert DIRECTORY in recorded_app.reads
    assert HISTORY_KEY not in recorded_app.reads and not [k for k in recorded_app.reads if k.startswith("teams/")]


@pytest.mark.unit
def test_a_render_asks_for_each_version_once_and_a_rerun_soon_after_for_none(recorded_app):
    """On S3 a version tag is a HEAD request: a team page's render asked for 11, five of them
    the directory's (web/ui/data.TAG_SECONDS)."""
    recorded_app.tags.clear()
    at = signed_in("two-teams")
    asked = list(recorded_app.tags)
    assert DIRECTORY in asked and len(asked) == len(set(asked))
    recorded_app.tags.clear()
    at.radio[0].set_value("week").run()
    assert not at.exception and len([e for e in at.main if e.type == "vega_lite_chart"]) >= 7
    assert recorded_app.tags == []


@pytest.mark.unit
def test_the_overview_reads_the_tables_not_the_whole_history(recorded_app):
    at = signed_in("admin")  # lands on the team page first
    recorded_app.reads.clear()
    recorded_app.located.clear()
    at.switch_page("app_pages/teams_overview.py").run()
    assert not at.exception and at.dataframe
    assert HISTORY_KEY not in recorded_app.reads
    assert not [k for k in recorded_app.reads if k.startswith("teams")]
    # Only the months of the range shown (the last 28 days) and of the 27 days before it, which
    # the cost per active member reaches back to: not the store's whole history.
    entries = load_directory(recorded_app).values()
    first, last = min(e.first_day for e in entries), max(e.last_day for e in entries)
    start, end = days_read(last - timedelta(days=DEFAULT_DAYS - 1), last)
    read = {table_month(key, TEAM_DAYS) for key in recorded_app.located} - {None}
    assert read == {month_of(start + timedelta(days=n)) for n in range((end - start).days + 1)}
    assert month_of(first) not in read


@pytest.mark.unit
def test_a_range_without_any_recorded_day_shows_no_team_and_no_error(demo_store_dir, tmp_path, monkeypatch):
    copy_of(demo_store_dir, tmp_path)
    gap = table_months(LocalStore(tmp_path), TEAM_DAYS)[1]  # a month in the middle, lost
    for table in (TEAM_DAYS, TEAM_DAY_LINES):
        (tmp_path / table_key(table, gap)).unlink()
    demo_mode(monkeypatch, f"file://{tmp_path}")
    at = signed_in("admin")
    at.switch_page("app_pages/teams_overview.py").run()
    first = date.fromisoformat(f"{gap}-01")
    at.date_input[0].set_value((first + timedelta(days=3), first + timedelta(days=20))).run()
    assert not at.exception and not at.error
    assert any(i.value.startswith("No team has a recorded day between") for i in at.info)
    assert not [e for e in at.main if e.type == "vega_lite_chart"]  # no empty chart drawn


@pytest.mark.unit
def test_a_range_of_the_tables_holds_the_same_days_as_the_whole_of_them(demo_store_dir):
    store = LocalStore(demo_store_dir)
    directory = load_directory(store)
    whole = team_days_frame(store, directory)
    end = whole["date"].max().date()
    start = end - timedelta(days=40)
    part = team_days_frame(store, directory, start, end, OVERVIEW_FIELDS)
    assert list(part.columns) == ["date", "source", *OVERVIEW_FIELDS, "slug", "team"]
    expected = whole[(whole["date"] >= pd.Timestamp(start)) & (whole["date"] <= pd.Timestamp(end))][part.columns]
    assert part["date"].min() > whole["date"].min() and len(part) < len(whole)
    key = ["slug", "date"]
    pd.testing.assert_frame_equal(part.sort_values(key).reset_index(drop=True),
                                  expected.sort_values(key).reset_index(drop=True))


@pytest.mark.unit
@pytest.mark.parametrize("key, broken, page, persona", [
    (DIRECTORY, b"PAR1 not a table", None, "two-teams"),
    (DIRECTORY, b"PAR1 not a table", "app_pages/teams_overview.py", "admin"),
])
def test_a_broken_read_side_file_is_named_in_a_sentence(demo_store_dir, tmp_path, monkeypatch, key, broken, page,
                                                        persona):
    copy_of(demo_store_dir, tmp_path)
    store = LocalStore(tmp_path)
    store.write_bytes(key, broken)
    demo_mode(monkeypatch, f"file://{tmp_path}")
    at = signed_in(persona)
    if page:
        at.switch_page(page).run()
    assert not at.exception
    assert any(key in e.value and "next collection writes it again" in e.value for e in at.error)


@pytest.mark.unit
def test_the_overview_shows_the_same_table_from_the_tables_and_from_an_older_store(demo_store_dir, tmp_path,
                                                                                  monkeypatch):
    copy_of(demo_store_dir, tmp_path)

    def overview_table_shown():
        demo_mode(monkeypatch, f"file://{tmp_path}")  # fresh caches
        at = signed_in("admin")
        at.switch_page("app_pages/teams_overview.py").run()
        assert not at.exception
        return at.dataframe[0].value

    from_tables = overview_table_shown()
    shutil.rmtree(tmp_path / "tables")  # as a store written before the tables existed (and the index)
    assert not (tmp_path / INDEX_KEY).exists()
    from_full_history = overview_table_shown()
    assert len(from_tables) >= 3
    pd.testing.assert_frame_equal(from_tables, from_full_history)


@pytest.mark.integration
def test_a_team_renamed_on_github_keeps_one_history_under_its_new_name(tmp_path):
    org = build_demo_org(seed=5, teams=6, users=70, days=40, end_day=END)
    store = LocalStore(tmp_path)
    run(org, store, until=END - timedelta(days=10), since=org.first_day - timedelta(days=1))
    before = load_directory(store)
    team = next(t for t in org.teams if t["slug"] in before)
    old_slug, days_before = team["slug"], before[team["slug"]].days
    team.update(slug=f"{old_slug}-renamed", name=f"{team['name']} (renamed)")  # GitHub renames it
    run(org, store, until=END)
    directory = load_directory(store)
    assert old_slug not in directory  # one team, not two
    entry = directory[team["slug"]]
    assert (entry.team.id, entry.team.name, entry.earlier_slugs) == (team["id"], team["name"], [old_slug])
    history = recorded_history(store, team["slug"])
    assert len(history.data) == entry.days > days_before and history.data[-1].date == END
    assert len({d.date for d in history.data}) == len(history.data)  # each day once
    frame = team_days_frame(store, directory)
    assert set(frame[frame["slug"] == team["slug"]]["date"].dt.date) == {d.date for d in history.data}
    assert old_slug not in set(frame["slug"])
    histories, _ = load_team_histories(store)  # teams_history.json: one entry, under the new name
    assert [h.team.slug for h in histories].count(team["slug"]) == 1
    assert old_slug not in [h.team.slug for h in histories]


@pytest.mark.integration
def test_the_pages_read_the_tables_from_s3_through_a_cache_kept_by_version(org, tmp_path, request):
    client = boto3.client("s3", endpoint_url=request.getfixturevalue("s3_endpoint"))

    class CountingS3(S3Store):
        downloads: list[str] = []

        def read_bytes(self, key):
            self.downloads.append(key)
            return super().read_bytes(key)

    store = CountingS3(request.getfixturevalue("bucket"), f"tables-{tmp_path.name}", client=client)
    run(org, store, until=END - timedelta(days=5), since=org.first_day - timedelta(days=1))
    local = LocalStore(tmp_path / "local")
    run(org, local, until=END - timedelta(days=5), since=org.first_day - timedelta(days=1))
    directory = load_directory(store)
    assert directory == load_directory(local)
    store.downloads.clear()
    pd.testing.assert_frame_equal(team_days_frame(store, directory), team_days_frame(local, directory))
    slug = sorted(directory)[0]
    assert recorded_history(store, slug) == recorded_history(local, slug)
    first = [k for k in store.downloads if k.startswith("tables/") and k != DIRECTORY]
    assert first  # copied once…
    store.downloads.clear()
    team_days_frame(store, directory), recorded_history(store, slug)
    assert [k for k in store.downloads if k.startswith("tables/") and k != DIRECTORY] == []  # …then read locally
    run(org, store, until=END)  # a collection rewrites the last month(s): only those are copied again
    store.downloads.clear()
    directory = load_directory(store)
    team_days_frame(store, directory)
    again = {k for k in store.downloads if k.startswith(f"tables/{TEAM_DAYS}/")}
    assert again and again <= {table_key(TEAM_DAYS, month_of(END - timedelta(days=n))) for n in range(9)}
    assert table_key(TEAM_DAYS, month_of(org.first_day)) not in again  # an older month stays cached
