"""The team file merge: upsert by date, sorted, idempotent; legacy days kept; the layout spliced."""

from datetime import date, timedelta

import pytest
from test_legacy_history_loads import LEGACY_DAY as LEGACY

from copilot_usage.collector.days import day_window
from copilot_usage.contract.days import OrgDay, TeamDay
from copilot_usage.contract.keys import ORG_DAY_LINES, table_key
from copilot_usage.contract.rules import FIRST_REPORT_DAY
from copilot_usage.contract.teams import Team
from copilot_usage.read.tables import recorded_history
from copilot_usage.store import LocalStore
from copilot_usage.store.histories import merge_org
from copilot_usage.store.org_table import org_table_days, upsert_org_days
from copilot_usage.store.team_tables import (
    EncodedTeamDay,
    TeamDayRow,
    load_directory,
    update_directory,
    upsert_team_days,
)

pytestmark = pytest.mark.unit

TEAM = Team(name="Platform", slug="platform", description="old", url="https://x/platform")


def days(start: int, count: int, active: int = 5, source="usage-metrics"):
    first = date(2026, 5, 1)
    return [TeamDay(date=first + timedelta(days=start + n), active_users=active, licensed_members=6,
                    source=source) for n in range(count)]


def merge_team_days(store, team, new: dict, *, keep_legacy=True):
    """What the collector does at a checkpoint: the days into the tables, then the directory."""
    result = upsert_team_days(store, [TeamDayRow(team, EncodedTeamDay.of(d)) for d in new.values()],
                              keep_legacy=keep_legacy)
    update_directory(store, {team.slug: team}, result)
    return result


def merged(store, team, new):
    merge_team_days(store, team, {d.date: d for d in new})
    return recorded_history(store, team.slug)


def test_new_days_are_added_and_sorted(tmp_path):
    store = LocalStore(tmp_path)
    merged(store, TEAM, days(5, 3))
    assert [d.date.day for d in merged(store, TEAM, days(0, 3)).data] == [1, 2, 3, 6, 7, 8]


def test_merging_the_same_days_twice_writes_nothing_the_second_time(tmp_path):
    store = LocalStore(tmp_path)
    merged(store, TEAM, days(0, 5))
    new = days(3, 4, active=6)
    first = merge_team_days(store, TEAM, {d.date: d for d in new})
    bodies = {key: store.read_bytes(key) for key in store.list_keys("tables/")}
    again = merge_team_days(store, TEAM, {d.date: d for d in new})
    assert (first.added, first.replaced) == (2, 2) and (again.added, again.replaced) == (0, 0)
    assert {key: store.read_bytes(key) for key in store.list_keys("tables/")} == bodies
    assert [d.date.day for d in recorded_history(store, TEAM.slug).data] == [1, 2, 3, 4, 5, 6, 7]


def test_a_provisional_day_is_replaced_by_newer_numbers(tmp_path):
    store = LocalStore(tmp_path)
    merged(store, TEAM, days(0, 3, active=5))
    assert [d.active_users for d in merged(store, TEAM, days(2, 1, active=9)).data] == [5, 5, 9]


def test_legacy_days_are_kept(tmp_path):
    store = LocalStore(tmp_path)
    merged(store, TEAM, days(0, 2, active=4, source="legacy-metrics"))
    assert [(d.active_users, d.source) for d in merged(store, TEAM, days(1, 2, active=8)).data] == [
        (4, "legacy-metrics"), (4, "legacy-metrics"), (8, "usage-metrics")]


def test_the_team_follows_the_newest_metadata_without_new_days(tmp_path):
    store = LocalStore(tmp_path)
    merged(store, TEAM, days(0, 1))
    renamed = TEAM.model_copy(update={"description": "new"})
    history = merged(store, renamed, [])
    assert history.team.description == "new" and len(history.data) == 1


def test_org_days_merge_the_same_way():
    a = [OrgDay(date=date(2026, 5, d), daily_active_users=d) for d in (1, 2)]
    b = [OrgDay(date=date(2026, 5, d), daily_active_users=10 * d) for d in (2, 3)]
    merged_ = merge_org(a, b)
    assert [d.daily_active_users for d in merged_] == [1, 20, 30]
    assert merge_org(merged_, b) == merged_
    legacy = [OrgDay.model_validate({**LEGACY, "date": "2026-05-02"})]
    assert [d.source for d in merge_org(legacy, b)] == ["legacy-metrics", "usage-metrics"]


def test_org_days_merge_into_their_month_and_over_another_writers_month(tmp_path):
    store = LocalStore(tmp_path)
    assert upsert_org_days(store, [OrgDay(date=date(2026, 5, 1), daily_active_users=1)]) == 1
    month = table_key(ORG_DAY_LINES, "2026-05")
    tag = store.tag(month)
    assert upsert_org_days(store, [OrgDay(date=date(2026, 5, 1), daily_active_users=1)]) == 0
    assert store.tag(month) == tag  # the same day again: nothing written

    class Racing(LocalStore):
        """Another collector writes the month between this one's read and its write."""
        raced = False

        def write_bytes_if(self, key, data, *, if_tag, sha256=None):
            if not self.raced:
                self.raced = True
                upsert_org_days(LocalStore(tmp_path), [OrgDay(date=date(2026, 5, 2), daily_active_users=2)])
            return super().write_bytes_if(key, data, if_tag=if_tag, sha256=sha256)

    assert upsert_org_days(Racing(tmp_path), [OrgDay(date=date(2026, 5, 3), daily_active_users=3)]) == 1
    assert [(d.date.day, d.daily_active_users) for d in org_table_days(store)] == [(1, 1), (2, 2), (3, 3)]


def test_the_window_starts_after_since_but_never_before_the_reports_or_a_year_back():
    today = date(2026, 11, 24)
    assert day_window(date(2026, 11, 20), None, today) == [date(2026, 11, 21), date(2026, 11, 22),
                                                           date(2026, 11, 23)]
    assert day_window(date(2020, 1, 1), date(2025, 11, 30), today) == []
    assert day_window(None, None, today)[0] == FIRST_REPORT_DAY          # reports begin 2025-12-12
    later = date(2027, 6, 1)
    assert day_window(None, None, later)[0] == later - timedelta(days=365)  # GitHub keeps a year
    assert day_window(None, date(2030, 1, 1), today)[-1] == date(2026, 11, 23)


@pytest.mark.parametrize("new_days", [
    lambda: days(8, 4, active=9),                       # the provisional tail and a new day
    lambda: days(3, 2, active=9),                       # days in the middle (a backfill with --since)
    lambda: days(0, 12, active=9),                      # every day, and two more
    lambda: [],                                         # nothing new (a renamed team)
])
def test_the_table_merge_gives_what_the_rule_gives(tmp_path, new_days):
    # The collector merges a month partition at a time; the result must be exactly the rule's
    # (newer days replace, a legacy day stays), whatever months the new days touch.
    store = LocalStore(tmp_path)
    legacy = TeamDay.model_validate({**LEGACY, "date": "2026-05-06"})  # day 5: kept over newer data
    existing = sorted([*days(0, 5), legacy, *days(6, 4)], key=lambda d: d.date)
    merge_team_days(store, TEAM, {d.date: d for d in existing})
    renamed = TEAM.model_copy(update={"name": "Platform (renamed)"})
    new = new_days()
    result = merge_team_days(store, renamed, {d.date: d for d in new})
    by_date = {d.date: d for d in existing}
    by_date.update({d.date: d for d in new if d.date != legacy.date})
    expected = [by_date[d] for d in sorted(by_date)]
    history = recorded_history(store, TEAM.slug)
    assert history.data == expected and history.team == renamed
    entry = load_directory(store)[TEAM.slug]
    assert (entry.days, entry.first_day, entry.last_day) == (len(expected), expected[0].date, expected[-1].date)
    changed = {d.date for d in new} - {legacy.date}
    assert result.added + result.replaced == len(changed)


def test_teams_history_json_is_every_team_once_in_day_order_whatever_the_group_size(tmp_path, monkeypatch):
    import copilot_usage.store.team_tables as team_tables
    from copilot_usage.store.histories import load_team_histories

    store = LocalStore(tmp_path)
    teams = [Team(name=f"T{n}", slug=f"t{n}", id=100 + n) for n in range(4)] + [Team(name="Old", slug="old")]
    for n, team in enumerate(teams):  # across a month's end, each team its own number of days
        merge_team_days(store, team, {d.date: d for d in days(25 + n, 3 + n, active=n + 1)})
    expected = {team.slug: recorded_history(store, team.slug) for team in teams}
    for group in (1, 4, 10**6):  # a team a group, a few, all at once
        monkeypatch.setattr(team_tables, "HISTORY_ROWS", group)
        team_tables.write_history(store)
        histories, _ = load_team_histories(store)
        assert [h.team.slug for h in histories] == ["t0", "t1", "t2", "t3", "old"]  # by id, then by slug
        assert {h.team.slug: h for h in histories} == expected


def test_a_month_written_a_group_of_teams_at_a_time_is_the_month_written_at_once(tmp_path, monkeypatch):
    # A month too large to sort at once (5,000 teams) is sorted a group of teams at a time and
    # the groups joined: the partitions must hold the same rows in the same order.
    import duckdb

    import copilot_usage.store.team_tables as team_tables
    from copilot_usage.contract.keys import TEAM_DAY_LINES, TEAM_DAYS, table_key

    teams = [Team(name=f"T{n}", slug=f"t{n}", id=100 + n) for n in (3, 0, 2, 1)] + [Team(name="Old", slug="old")]

    def write(root, group_bytes):
        monkeypatch.setattr(team_tables, "GROUP_BYTES", group_bytes)
        store = LocalStore(root)
        for first, count in ((0, 6), (6, 3), (4, 4)):  # stored days, new days, and days replaced
            rows = [TeamDayRow(team, EncodedTeamDay.of(day)) for n, team in enumerate(teams)
                    for day in days(first + n, count, active=first + n + 5)]
            update_directory(store, {t.slug: t for t in teams}, upsert_team_days(store, rows))
        return store

    sizes = []
    grouping = team_tables._team_groups
    monkeypatch.setattr(team_tables, "_team_groups", lambda db: sizes.append(len(grouping(db))) or grouping(db))
    at_once = write(tmp_path / "once", 2**30)
    assert set(sizes) == {1}  # the month fits: sorted at once
    sizes.clear()
    in_groups = write(tmp_path / "groups", 1)  # one team a group, then the slug-only team
    assert max(sizes) == len(teams)
    for table in (TEAM_DAYS, TEAM_DAY_LINES):
        key = table_key(table, "2026-05")
        rows = [duckdb.sql(f"SELECT * FROM read_parquet('{store.root / key}')").fetchall()
                for store in (at_once, in_groups)]
        assert rows[0] == rows[1] and len(rows[0]) == 5 * 9  # each team nine days
        ids = [row[0] for row in rows[1]]
        assert ids == sorted(ids, key=lambda i: (i is None, i or 0))  # by team, the slug-only team last
    assert recorded_history(in_groups, "t2") == recorded_history(at_once, "t2")


def test_a_month_partition_that_is_not_the_table_is_named_and_left_as_it_was(tmp_path):
    from copilot_usage.contract.keys import TEAM_DAY_LINES, table_key
    from copilot_usage.errors import InvalidStoreFile

    store = LocalStore(tmp_path)
    merged(store, TEAM, days(0, 2))
    key = table_key(TEAM_DAY_LINES, "2026-05")
    store.write_bytes(key, b"PAR1 written by someone else")
    with pytest.raises(InvalidStoreFile, match=rf"{key} in file://.*move it away"):
        merge_team_days(store, TEAM, {d.date: d for d in days(1, 2, active=9)})
    assert store.read_bytes(key) == b"PAR1 written by someone else"
