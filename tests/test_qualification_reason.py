"""The five-licensed-members rule, with the reason in words."""

from datetime import date

from copilot_usage.models import Team, TeamDay, TeamHistory
from copilot_usage.qualification import qualifies_on_day, qualify


def test_a_team_with_a_recorded_day_qualifies_and_says_what_it_had():
    history = TeamHistory(team=Team(name="Apps", slug="apps"),
                          data=[TeamDay(date=date(2026, 5, 2), licensed_members=7, active_users=4)])
    result = qualify("Apps", history)
    assert result.qualifies and result.licensed_members == 7 and result.active_members == 4
    assert "2026-05-02" in result.reason and "7 licensed members" in result.reason


def test_a_team_without_days_does_not_qualify_and_says_why():
    result = qualify("Design", None, current_licensed=3)
    assert not result.qualifies and result.licensed_members == 3
    assert "3 members with a Copilot licence" in result.reason and "at least 5" in result.reason
    assert "no members" in qualify("Empty", None).reason


def test_the_threshold_is_five():
    assert [qualifies_on_day(n) for n in (None, 0, 4, 5, 6)] == [False, False, False, True, True]
