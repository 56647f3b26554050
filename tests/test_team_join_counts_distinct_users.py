"""The join of one day's user and user-team lines, on a day whose answers are known."""

from datetime import date

import pytest
from recipe import join_lines

from copilot_usage.collector.days import org_day

pytestmark = pytest.mark.unit

DAY = date(2026, 6, 3)
ORG = 42


def user(uid, *, gen=10, acc=3, inter=0, ide="vscode", lang="python", model="gpt-4.1",
         agent=False, chat=False, cli=False, day=DAY, credits=None):
    line = {
        "day": day.isoformat(), "user_id": uid, "user_login": f"u{uid}", "organization_id": ORG,
        "user_initiated_interaction_count": inter, "code_generation_activity_count": gen,
        "code_acceptance_activity_count": acc, "loc_suggested_to_add_sum": gen * 2,
        "loc_suggested_to_delete_sum": 1, "loc_added_sum": acc * 2, "loc_deleted_sum": 0,
        "used_agent": agent, "used_chat": chat, "used_cli": cli,
        "totals_by_ide": [{"ide": ide, "code_generation_activity_count": gen,
                           "code_acceptance_activity_count": acc, "user_initiated_interaction_count": inter}],
        "totals_by_feature": [{"feature": "code_completion", "code_generation_activity_count": gen,
                               "code_acceptance_activity_count": acc}],
        "totals_by_language_feature": [
            {"language": lang, "feature": "code_completion", "code_generation_activity_count": gen - 2,
             "code_acceptance_activity_count": acc},
            {"language": lang, "feature": "agent_edit", "code_generation_activity_count": 2}],
        "totals_by_model_feature": [{"model": model, "feature": "code_completion",
                                     "code_generation_activity_count": gen}],
    }
    if credits is not None:
        line["ai_credits_used"] = credits
    return line


def member(uid, slug, day=DAY):
    return {"user_id": uid, "user_login": f"u{uid}", "day": day.isoformat(),
            "organization_id": ORG, "team_id": hash(slug) % 1000, "slug": slug}


def hand_made_day():
    users = [user(1, inter=4, chat=True), user(2, acc=0), user(3, agent=True, ide="jetbrains"),
             user(4, lang="go"), user(5, cli=True, credits=1.5), user(6), user(9, credits=2.0),
             user(7, gen=0, acc=0, inter=0)]  # 7: a line without engagement
    # platform: 1-6 licensed and active; data: 1, 3, 7, 8, 10 licensed (1, 3 in both teams)
    # tiny: 4 licensed members -> absent; user 9 is in no team.
    teams = [member(u, "platform") for u in (1, 2, 3, 4, 5, 6)]
    teams += [member(u, "data") for u in (1, 3, 7, 8, 10)]
    teams += [member(u, "tiny") for u in (11, 12, 13, 14)]
    return users, teams


def test_team_numbers_join_users_and_teams_of_the_same_day():
    users, teams = hand_made_day()
    result = join_lines(DAY, users, teams)[0]
    assert set(result) == {"platform", "data"}  # tiny has four licensed members

    platform = result["platform"]
    assert platform.licensed_members == 6
    assert platform.active_users == 6
    assert platform.engaged_users == 5   # user 2 has no acceptance and no interaction
    assert (platform.chat_users, platform.agent_users, platform.cli_users) == (1, 1, 1)
    assert platform.code_generations == 60 and platform.code_acceptances == 15
    assert platform.interactions == 4
    assert platform.ai_credits == 1.5    # only user 5 reported credits
    assert platform.by_ide["vscode"].users == 5 and platform.by_ide["jetbrains"].users == 1
    assert platform.by_language["python"].users == 5 and platform.by_language["go"].users == 1
    # language rows are split by feature in the report: summed, each user counted once
    assert platform.by_language["python"].code_generations == 50
    assert platform.by_model["gpt-4.1"].code_generations == 60

    data = result["data"]
    assert data.licensed_members == 5
    assert data.active_users == 3        # 1, 3 and 7 have lines; 8 and 10 do not
    assert data.engaged_users == 2       # 7 generated nothing
    assert data.code_generations == 20   # users 1 and 3 count in both teams


def test_user_without_team_counts_in_no_team_and_ai_credits_stay_unknown_when_absent():
    users, teams = hand_made_day()
    result = join_lines(DAY, users, teams)[0]
    assert all(day.active_users <= day.licensed_members for day in result.values())
    assert result["data"].ai_credits is None


def test_lines_of_another_day_are_not_joined():
    users, teams = hand_made_day()
    other = date(2026, 6, 2)
    teams += [member(u, "late", day=other) for u in range(20, 30)]
    users += [user(1, gen=1000, day=other)]
    result = join_lines(DAY, users, teams)[0]
    assert "late" not in result
    assert result["platform"].code_generations == 60


def test_repeated_team_line_counts_once_and_missing_counters_are_zero():
    users, teams = hand_made_day()
    users.append({"day": DAY.isoformat(), "user_id": 6, "organization_id": ORG})  # no counters at all
    teams.append(member(2, "platform"))
    platform = join_lines(DAY, users, teams)[0]["platform"]
    assert platform.licensed_members == 6
    assert platform.active_users == 6 and platform.code_generations == 50


def test_no_lines_means_no_team_days():
    assert join_lines(DAY, [], [])[0] == {}


def test_org_line_keeps_githubs_active_user_counts():
    line = {"day": DAY.isoformat(), "daily_active_users": 80, "weekly_active_users": 120,
            "monthly_active_users": 150, "code_generation_activity_count": 900,
            "code_acceptance_activity_count": 250, "pull_requests": {"total_created": 7, "x": "n/a"}}
    org = org_day(DAY, [line])
    assert (org.daily_active_users, org.weekly_active_users, org.monthly_active_users) == (80, 120, 150)
    assert org.code_acceptances == 250 and org.pull_requests == {"total_created": 7}
    assert org_day(DAY, []) is None
