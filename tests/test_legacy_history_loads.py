"""History written by older deployments (legacy day objects) loads as TeamDay/OrgDay."""

from datetime import date

import pytest

from copilot_usage.contract.days import OrgDay, TeamDay
from copilot_usage.contract.teams import TeamHistory

pytestmark = pytest.mark.unit

LEGACY_DAY = {
    "date": "2026-03-02",
    "total_active_users": 12,
    "total_engaged_users": 9,
    "copilot_ide_code_completions": {
        "total_engaged_users": 8,
        "languages": [{"name": "python", "total_engaged_users": 6}, {"name": "go", "total_engaged_users": 3}],
        "editors": [{
            "name": "vscode", "total_engaged_users": 7,
            "models": [{"name": "default", "is_custom_model": False, "total_engaged_users": 7, "languages": [
                {"name": "python", "total_engaged_users": 6, "total_code_suggestions": 100,
                 "total_code_acceptances": 30, "total_code_lines_suggested": 150, "total_code_lines_accepted": 40},
                {"name": "go", "total_engaged_users": 3, "total_code_suggestions": 50,
                 "total_code_acceptances": 10, "total_code_lines_suggested": 60, "total_code_lines_accepted": 12},
            ]}],
        }, {
            "name": "jetbrains", "total_engaged_users": 2,
            "models": [{"name": "default", "languages": [
                {"name": "python", "total_code_suggestions": 20, "total_code_acceptances": 5,
                 "total_code_lines_suggested": 25, "total_code_lines_accepted": 6}]}],
        }],
    },
    "copilot_ide_chat": {"total_engaged_users": 4, "editors": [{
        "name": "vscode", "total_engaged_users": 4,
        "models": [{"name": "default", "total_engaged_users": 4, "total_chats": 21,
                    "total_chat_insertion_events": 3, "total_chat_copy_events": 2}]}]},
    "copilot_dotcom_chat": {"total_engaged_users": 2, "models": [{"name": "default", "total_engaged_users": 2, "total_chats": 5}]},
    "copilot_dotcom_pull_requests": None,
    "some_future_field": {"ignored": True},
}


def test_legacy_metrics_day_converts_with_sums_and_source():
    day = TeamDay.model_validate(LEGACY_DAY)
    assert day.source == "legacy-metrics"
    assert day.date == date(2026, 3, 2)
    assert (day.active_users, day.engaged_users) == (12, 9)
    assert day.code_generations == 170 and day.code_acceptances == 45
    assert day.loc_suggested_to_add == 235 and day.loc_added == 58
    assert day.interactions == 26          # IDE chats + github.com chats
    assert day.chat_users == 4             # distinct counts are never added across sections
    assert day.licensed_members is None    # not reported by the old endpoint
    assert day.by_language["python"].code_generations == 120
    assert day.by_language["python"].users == 6
    assert day.by_ide["jetbrains"].code_acceptances == 5
    assert day.by_ide["vscode"].interactions == 21
    assert day.by_feature["code_completion"].code_generations == 170


def test_missing_or_null_sections_load_as_zero():
    day = TeamDay.model_validate({"date": "2026-01-05", "total_active_users": 5,
                                  "copilot_ide_code_completions": None})
    assert day.source == "legacy-metrics"
    assert day.code_generations == 0 and day.by_language == {}


def test_the_even_older_usage_shape_converts():
    day = TeamDay.model_validate({
        "day": "2024-06-01", "total_suggestions_count": 40, "total_acceptances_count": 12,
        "total_lines_suggested": 80, "total_lines_accepted": 20, "total_active_users": 7,
        "total_chat_turns": 9, "total_chat_acceptances": 1, "total_active_chat_users": 3,
        "breakdown": [{"language": "python", "editor": "vscode", "suggestions_count": 40,
                       "acceptances_count": 12, "lines_suggested": 80, "lines_accepted": 20,
                       "active_users": 7}],
    })
    assert day.date == date(2024, 6, 1) and day.source == "legacy-metrics"
    assert (day.code_generations, day.code_acceptances, day.interactions) == (40, 12, 9)
    assert day.by_language["python"].loc_added == 20 and day.chat_users == 3


def test_history_entry_keyed_by_name_with_duplicate_dates_loads_once_per_date():
    entry = {"team": {"name": "Data Science"},
             "data": [LEGACY_DAY, {**LEGACY_DAY, "total_active_users": 13}, {**LEGACY_DAY, "date": "2026-03-01"}]}
    history = TeamHistory.model_validate(entry)
    assert history.team.slug == "data-science"
    assert [d.date for d in history.data] == [date(2026, 3, 1), date(2026, 3, 2)]
    assert history.data[1].active_users == 13  # the later duplicate wins


def test_current_days_pass_through_and_unknown_fields_are_ignored():
    day = TeamDay.model_validate({"date": "2026-05-01", "active_users": 7, "licensed_members": 9,
                                  "brand_new_metric": 3, "by_ide": {"vscode": {"users": 7, "extra": 1}}})
    assert day.source == "usage-metrics" and day.licensed_members == 9
    assert day.by_ide["vscode"].users == 7


def test_legacy_org_day_maps_active_users_to_daily_active():
    day = OrgDay.model_validate(LEGACY_DAY)
    assert day.daily_active_users == 12 and day.source == "legacy-metrics"
    assert day.code_generations == 170
