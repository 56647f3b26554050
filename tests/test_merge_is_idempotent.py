"""merge(): upsert by (team slug, date), sorted, idempotent; legacy days kept."""

from datetime import date, timedelta

import pytest

from copilot_usage.history import merge, merge_org
from copilot_usage.models import OrgDay, Team, TeamDay, TeamHistory
from copilot_usage.store import LocalStore
from copilot_usage.team_files import (day_line, load_team_file, merge_team_days, team_file_bytes, team_key,
                                      write_team_history)
from test_legacy_history_loads import LEGACY_DAY as LEGACY

pytestmark = pytest.mark.unit

TEAM = Team(name="Platform", slug="platform", description="old", url="https://x/platform")


def days(start: int, count: int, active: int = 5, source="usage-metrics"):
    first = date(2026, 5, 1)
    return [TeamDay(date=first + timedelta(days=start + n), active_users=active, licensed_members=6,
                    source=source) for n in range(count)]


def test_new_days_are_added_and_sorted():
    merged = merge([TeamHistory(team=TEAM, data=days(5, 3))], [TeamHistory(team=TEAM, data=days(0, 3))])
    assert [d.date.day for d in merged[0].data] == [1, 2, 3, 6, 7, 8]


def test_merging_the_same_input_twice_changes_nothing():
    existing = [TeamHistory(team=TEAM, data=days(0, 5))]
    new = [TeamHistory(team=TEAM, data=days(3, 4, active=6))]
    once = merge(existing, new)
    assert merge(once, new) == once
    assert [d.date.day for d in once[0].data] == [1, 2, 3, 4, 5, 6, 7]


def test_a_provisional_day_is_replaced_by_newer_numbers():
    merged = merge([TeamHistory(team=TEAM, data=days(0, 3, active=5))],
                   [TeamHistory(team=TEAM, data=days(2, 1, active=9))])
    assert [d.active_users for d in merged[0].data] == [5, 5, 9]


def test_legacy_days_are_kept():
    legacy = days(0, 2, active=4, source="legacy-metrics")
    merged = merge([TeamHistory(team=TEAM, data=legacy)], [TeamHistory(team=TEAM, data=days(1, 2, active=8))])
    assert [(d.active_users, d.source) for d in merged[0].data] == [
        (4, "legacy-metrics"), (4, "legacy-metrics"), (8, "usage-metrics")]


def test_teams_are_sorted_by_slug_and_metadata_follows_the_newest():
    renamed = TEAM.model_copy(update={"description": "new"})
    other = Team(name="Apps", slug="apps")
    merged = merge([TeamHistory(team=TEAM, data=days(0, 1))],
                   [TeamHistory(team=other, data=days(0, 1)), TeamHistory(team=renamed, data=[])])
    assert [h.team.slug for h in merged] == ["apps", "platform"]
    assert merged[1].team.description == "new" and len(merged[1].data) == 1


def test_org_days_merge_the_same_way():
    a = [OrgDay(date=date(2026, 5, d), daily_active_users=d) for d in (1, 2)]
    b = [OrgDay(date=date(2026, 5, d), daily_active_users=10 * d) for d in (2, 3)]
    merged = merge_org(a, b)
    assert [d.daily_active_users for d in merged] == [1, 20, 30]
    assert merge_org(merged, b) == merged


def test_the_window_starts_after_since_but_never_before_the_reports_or_a_year_back():
    from copilot_usage.history import FIRST_REPORT_DAY, day_window

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
def test_the_team_file_merge_splices_what_merge_gives(tmp_path, new_days):
    # The collector merges into the team file by cutting it before the first new day;
    # the result must be exactly the in-memory rule's, written whole.
    store = LocalStore(tmp_path)
    legacy = TeamDay.model_validate({**LEGACY, "date": "2026-05-06"})  # day 5: kept over newer data
    existing = TeamHistory(team=TEAM, data=sorted([*days(0, 5), legacy, *days(6, 4)], key=lambda d: d.date))
    write_team_history(store, existing)
    renamed = TEAM.model_copy(update={"name": "Platform (renamed)"})
    new = new_days()
    result = merge_team_days(store, renamed, {d.date: d for d in new})
    expected = merge([existing], [TeamHistory(team=renamed, data=new)])[0]
    assert store.read_bytes(team_key(TEAM.slug)) == team_file_bytes(renamed, [day_line(d) for d in expected.data])
    assert load_team_file(store, TEAM.slug) == expected
    assert (result.entry.days, result.entry.first_day, result.entry.last_day) == (
        len(expected.data), expected.data[0].date, expected.data[-1].date)
    assert set(result.written) == {d.date for d in new} - {legacy.date}
