"""Real files older deployments left behind (tests/data/legacy/README.md) load whole and exactly.

Totals are checked against sums taken straight from the raw JSON (`deep_sum`),
never against the converter's own arithmetic.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from copilot_usage.analysis.frames import daily_frame, rollup
from copilot_usage.analysis.kpis import kpis, period_figures
from copilot_usage.contract.days import OrgDay, TeamDay
from copilot_usage.contract.keys import (
    HISTORY_KEY,
    ONS_ORG_HISTORY_KEY,
    ORG_HISTORY_KEY,
)
from copilot_usage.contract.teams import Team, TeamHistory, listed_teams
from copilot_usage.errors import InvalidStoreFile
from copilot_usage.github.reports import check_whole, parse_report
from copilot_usage.read.tables import recorded_history as load_team_file
from copilot_usage.store import LocalStore, dump_json
from copilot_usage.store.histories import (
    load_org_history,
    load_team_histories,
    merge_org,
    one_entry_per_slug,
)
from copilot_usage.store.migration import upgrade
from copilot_usage.store.originals import keep_original, written_by_app
from copilot_usage.store.team_tables import EncodedTeamDay, TeamDayRow, update_directory, upsert_team_days
from copilot_usage.web.notes import range_notes

pytestmark = pytest.mark.unit

DATA = Path(__file__).parent / "data" / "legacy"
BOM = b"\xef\xbb\xbf"


def raw(name: str) -> bytes:
    return (DATA / name).read_bytes()


def days_of(name: str) -> list[dict]:
    return json.loads(raw(name))


def deep_sum(obj, key: str) -> int:
    """Every value of `key` anywhere in `obj`, added up: independent of legacy.py."""
    if isinstance(obj, dict):
        return sum((v if k == key and isinstance(v, (int, float)) else deep_sum(v, key)) for k, v in obj.items())
    if isinstance(obj, list):
        return sum(deep_sum(v, key) for v in obj)
    return 0


def ons_layout(data) -> bytes:
    """How ONS's Lambda writes its files: json.dumps(indent=4), no final newline."""
    return json.dumps(data, indent=4).encode()


def team_entry(name: str, days: list[dict]) -> dict:
    return {"team": {"name": name}, "data": days}


# ---------------------------------------------------------------- 1. a byte-order mark

def test_files_starting_with_a_byte_order_mark_load(tmp_path):
    metrics = days_of("metrics_days.json")
    (tmp_path / HISTORY_KEY).write_bytes(BOM + ons_layout([team_entry("Platform", metrics)]))
    (tmp_path / ORG_HISTORY_KEY).write_bytes(BOM + raw("usage_days.json"))
    store = LocalStore(tmp_path)
    [history], _ = load_team_histories(store)
    assert sum(d.code_generations for d in history.data) == deep_sum(metrics, "total_code_suggestions")
    org, _ = load_org_history(store)
    usage = days_of("usage_days.json")
    assert [d.daily_active_users for d in org] == [d["total_active_users"] for d in usage]
    # A report file with one too (NDJSON, as the collector downloads them).
    ndjson = BOM + b"\n".join(json.dumps(line).encode() for line in days_of("organisation_history.json"))
    check_whole(ndjson)
    assert [line["day"] for line in parse_report(ndjson)] == ["2026-04-01", "2026-04-02", "2026-04-03", "2026-04-04"]


# ---------------------------------------------------------------- 2. adoption over days with both parts

def test_adoption_only_counts_days_that_have_a_licensed_member_count():
    legacy = [TeamDay.model_validate(d) for d in days_of("metrics_days.json")]  # 4, 9, 28, … active
    current = [TeamDay(date=date(2026, 4, 6) + timedelta(days=n), active_users=3, licensed_members=10,
                       code_generations=10, code_acceptances=4) for n in range(3)]
    frame = daily_frame([*legacy, *current])
    figures = period_figures(frame)
    assert figures["daily_active_share"] == pytest.approx(9 / 30)        # not (legacy active + 9) / 30
    weeks = rollup(frame, "week")
    assert weeks["daily_active_share"].dropna().tolist() == pytest.approx([0.3])
    assert weeks["daily_active_share"].isna().sum() == len(weeks) - 1      # the legacy weeks have no base
    # A week holding legacy and current days: only the current days count.
    mixed = daily_frame([TeamDay(date=date(2026, 3, 30), active_users=50, source="legacy-metrics"),
                         TeamDay(date=date(2026, 4, 3), active_users=4, licensed_members=8)])
    assert rollup(mixed, "week")["daily_active_share"].tolist() == pytest.approx([0.5])
    assert kpis(mixed, date(2026, 3, 30), date(2026, 4, 5))["daily_active_share"].value == pytest.approx(0.5)
    notes = " ".join(range_notes(frame, date(2026, 4, 8), today=date(2026, 6, 1)))
    assert "\"Active on an average day\" counts only the 3 of 7 days that have a licensed-member count" in notes


def test_organisation_adoption_leaves_out_days_without_seats():
    legacy = [OrgDay.model_validate(d) for d in days_of("usage_days.json")]     # 97 and more active
    current = [OrgDay(date=date(2026, 4, 6), daily_active_users=39), OrgDay(date=date(2026, 4, 7), daily_active_users=39)]
    frame = daily_frame([*legacy, *current]).assign(seats=[0.0, 0.0, 100.0, 100.0])  # no seat yet back then
    assert period_figures(frame)["daily_active_share"] == pytest.approx(0.39)
    assert rollup(frame, "month")["daily_active_share"].dropna().tolist() == pytest.approx([0.39])


# ---------------------------------------------------------------- 3. copilot_teams.json as names

def test_a_list_of_team_names_reads_as_teams():
    names = json.loads(ons_layout(["Data Science", "Platform Engineering"]))
    assert [(t.name, t.slug) for t in listed_teams(names)] == [("Data Science", "data-science"),
                                                                ("Platform Engineering", "platform-engineering")]
    assert listed_teams([{"name": "Web", "slug": "web-team"}])[0].slug == "web-team"
    with pytest.raises(ValueError, match="entry 1 is neither a team nor a team name"):
        listed_teams(["Web", 42])


# ---------------------------------------------------------------- 4. nothing dropped on conversion

def test_metrics_days_keep_every_number_and_derive_user_counts():
    originals = days_of("metrics_days.json")
    days = [TeamDay.model_validate(d) for d in originals]
    assert [d.legacy for d in days] == originals                 # the day itself rides along
    for day, original in zip(days, originals, strict=True):
        # Written and read back (what the collector's rewrite does), the original is still there.
        again = TeamDay.model_validate(json.loads(dump_json(day.model_dump(mode="json"))))
        assert again.legacy == original and again == day
        assert day.code_generations == deep_sum(original, "total_code_suggestions")
        assert day.interactions == deep_sum(original, "total_chats")
        # Model users from the tree: never 0 when a model had users.
        assert all(day.by_model[name].users > 0 for name in day.by_model)
    no_top_level = days[1]                                        # 2024-11-17: no `languages` list
    assert "languages" not in originals[1]["copilot_ide_code_completions"]
    assert no_top_level.by_language["java"].users == 4 and no_top_level.by_language["python"].users == 2
    kept = [d.legacy for d in days]
    assert deep_sum(kept, "total_chat_insertion_events") == deep_sum(originals, "total_chat_insertion_events") > 0
    assert deep_sum(kept, "total_chat_copy_events") == deep_sum(originals, "total_chat_copy_events") > 0
    assert deep_sum(kept, "total_pr_summaries_created") == deep_sum(originals, "total_pr_summaries_created") > 0
    assert days[3].by_feature["dotcom_pull_requests"].users == 1


def test_usage_days_get_feature_and_model_breakdowns_and_keep_chat_acceptances():
    originals = days_of("ons_team_usage_days.json")
    days = [TeamDay.model_validate(d) for d in originals]
    for day, original in zip(days, originals, strict=True):
        assert day.legacy["total_chat_acceptances"] == original["total_chat_acceptances"]
        assert day.by_feature["code_completion"].code_generations == original["total_suggestions_count"]
        assert day.by_feature["chat_panel"].interactions == original["total_chat_turns"]
        assert day.by_model["default"].code_acceptances == original["total_acceptances_count"]
        assert day.by_feature["code_completion"].users == original["total_active_users"]
    # A usage day without its totals: the sums of its breakdown.
    bare = {key: value for key, value in originals[0].items() if not key.startswith("total_")}
    day = TeamDay.model_validate(bare)
    assert day.code_generations == deep_sum(bare["breakdown"], "suggestions_count")
    assert day.loc_added == deep_sum(bare["breakdown"], "lines_accepted")


# ---------------------------------------------------------------- 5. one rule for duplicate slugs

def renamed_team(metrics: list[dict]) -> list[dict]:
    """ONS keyed teams by name: a renamed team left two entries with one slug."""
    old = days_of("ons_team_usage_days.json") + [{**days_of("usage_days.json")[0], "day": metrics[0]["date"]}]
    return [team_entry("data-science", old), team_entry("Data Science", metrics)]


def test_entries_sharing_a_slug_read_and_merge_by_the_same_rule(tmp_path):
    metrics = days_of("metrics_days.json")
    (tmp_path / HISTORY_KEY).write_bytes(ons_layout(renamed_team(metrics)))
    [history], _ = load_team_histories(LocalStore(tmp_path))
    assert history.team.name == "Data Science"                   # the later entry's name
    assert [d.date.isoformat() for d in history.data] == ["2024-09-24", "2024-09-25", *(d["date"] for d in metrics)]
    overlap = history.data[2]                                    # in both entries: the later one wins
    assert overlap.active_users == metrics[0]["total_active_users"] and overlap.legacy == metrics[0]
    # The upgrade of that store moves the entries into one team by the same rule, and a
    # collected day merges into it like any other.
    validated = [TeamHistory.model_validate(e) for e in renamed_team(metrics)]
    assert one_entry_per_slug(validated) == [history]
    store = LocalStore(tmp_path)
    upgrade(store)
    assert load_team_file(store, "data-science") == history
    newer = TeamDay(date=date(2026, 5, 1), active_users=6, licensed_members=7)
    team = Team(name="Data Science", slug="data-science")
    update_directory(store, {}, upsert_team_days(store, [TeamDayRow(team, EncodedTeamDay.of(newer))]))
    merged = load_team_file(store, "data-science")
    assert merged.data == [*history.data, newer]
    upgrade(store)  # the store is current now: nothing taken in twice
    assert load_team_file(store, "data-science") == merged


# ---------------------------------------------------------------- 6. ONS's organisation_history.json

def test_ons_organisation_history_is_read_and_merged_into_the_organisation_history(tmp_path):
    lines = days_of("organisation_history.json")
    (tmp_path / ONS_ORG_HISTORY_KEY).write_bytes(raw("organisation_history.json"))
    (tmp_path / ORG_HISTORY_KEY).write_bytes(raw("usage_days.json"))
    days, tag = load_org_history(LocalStore(tmp_path))
    usage = days_of("usage_days.json")
    assert [d.date.isoformat() for d in days] == [u["day"] for u in usage] + [line["day"] for line in lines]
    ons = days[len(usage):]
    assert [d.daily_active_users for d in ons] == [line["daily_active_users"] for line in lines]
    assert [d.code_generations for d in ons] == [line["code_generation_activity_count"] for line in lines]
    assert [d.monthly_active_users for d in ons] == [line["monthly_active_users"] for line in lines]
    assert [d.pull_requests["total_created"] for d in ons] == [line["pull_requests"]["total_created"] for line in lines]
    assert [d.legacy for d in ons] == lines and all(d.source == "usage-metrics" for d in ons)
    assert tag is not None                                       # the tag of our own file, for writing
    # Renamed to historic_usage_data.json, the same lines load too.
    (tmp_path / ORG_HISTORY_KEY).write_bytes(raw("organisation_history.json"))
    (tmp_path / ONS_ORG_HISTORY_KEY).unlink()
    assert [d.daily_active_users for d in load_org_history(LocalStore(tmp_path))[0]] == \
        [line["daily_active_users"] for line in lines]
    # Our day for a date wins over the other file's.
    ours = OrgDay(date=date(2026, 4, 2), daily_active_users=99)
    assert [d.daily_active_users for d in merge_org(ons, [ours])][1] == 99


# ---------------------------------------------------------------- 7. a pretty-printed report object

def test_a_pretty_printed_report_object_is_unwrapped():
    body = raw("organization-28-day-report.json")
    wrapper = json.loads(body)
    assert body.count(b"\n") > 100                                # pretty-printed, one object
    check_whole(body)
    lines = parse_report(body)
    assert [line["day"] for line in lines] == [d["day"] for d in wrapper["day_totals"]]
    assert sum(line["daily_active_users"] for line in lines) == \
        sum(d["daily_active_users"] for d in wrapper["day_totals"])
    assert parse_report(b"\n".join(json.dumps(d).encode() for d in wrapper["day_totals"])) == lines
    with pytest.raises(Exception, match="not JSON"):
        check_whole(body[: len(body) // 2])                      # cut off: still refused


def test_the_report_wrapper_as_a_history_file_loads_its_days(tmp_path):
    (tmp_path / ORG_HISTORY_KEY).write_bytes(raw("organization-28-day-report.json"))
    days, _ = load_org_history(LocalStore(tmp_path))
    wrapper = json.loads(raw("organization-28-day-report.json"))
    assert sorted(d.date.isoformat() for d in days) == sorted(d["day"] for d in wrapper["day_totals"])
    assert sum(d.daily_active_users for d in days) == sum(d["daily_active_users"] for d in wrapper["day_totals"])


# ---------------------------------------------------------------- 8. neither shape: refused

@pytest.mark.parametrize("stranger", [
    {"date": "2024-01-01", "usage": 5},                                          # ONS's test data
    {"date": "2026-03-03", "active_members": 12, "copilot_usage_hours": 30.5},   # the seed's example
])
def test_a_day_of_neither_shape_is_refused_with_its_file_and_index(tmp_path, stranger):
    metrics = days_of("metrics_days.json")
    body = ons_layout([team_entry("Platform", [metrics[0], metrics[1], stranger])])
    (tmp_path / HISTORY_KEY).write_bytes(body)
    with pytest.raises(InvalidStoreFile, match=r"teams_history.json .*entry 0, day 2: a day of neither known shape"):
        load_team_histories(LocalStore(tmp_path))
    (tmp_path / ORG_HISTORY_KEY).write_bytes(ons_layout([*days_of("usage_days.json"), stranger]))
    with pytest.raises(InvalidStoreFile, match=r"historic_usage_data.json .*day 2: a day of neither known shape"):
        load_org_history(LocalStore(tmp_path))
    assert (tmp_path / HISTORY_KEY).read_bytes() == body


def test_a_usage_day_without_totals_is_a_usage_day_not_an_error():
    day = TeamDay.model_validate({"day": "2024-03-18", "breakdown": []})
    assert day.source == "legacy-metrics" and day.date == date(2024, 3, 18)
    assert day.legacy == {"day": "2024-03-18", "breakdown": []}


# ---------------------------------------------------------------- originals

def test_keep_original_copies_foreign_bytes_once_and_never_this_apps(tmp_path):
    store = LocalStore(tmp_path)
    foreign = BOM + raw("usage_days.json")
    store.write_bytes(ORG_HISTORY_KEY, foreign)
    today = date(2026, 12, 2)
    assert not written_by_app(foreign)
    assert keep_original(store, ORG_HISTORY_KEY, today=today) == "originals/2026-12-02/historic_usage_data.json"
    assert store.read_bytes("originals/2026-12-02/historic_usage_data.json") == foreign
    assert keep_original(store, ORG_HISTORY_KEY, today=today) is None        # already kept
    ours = dump_json([TeamHistory.model_validate(team_entry("x", days_of("metrics_days.json"))).model_dump(mode="json")])
    assert written_by_app(ours) and written_by_app(dump_json([]))
    store.write_bytes(HISTORY_KEY, ours)
    assert keep_original(store, HISTORY_KEY, today=today) is None
    assert keep_original(store, "copilot_teams.json", today=today) is None   # nothing there
    # Changed again by the other tool the same day: that version is kept beside the first.
    store.write_bytes(ORG_HISTORY_KEY, raw("usage_days.json"))
    assert keep_original(store, ORG_HISTORY_KEY, today=today) == "originals/2026-12-02/historic_usage_data.json.1"
    assert store.read_bytes("originals/2026-12-02/historic_usage_data.json") == foreign
    assert len(store.list_keys("originals/")) == 2
