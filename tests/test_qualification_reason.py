"""The five-licensed-members rule, with the reason in words."""

from datetime import date

import pytest
from recipe import join_lines
from test_team_join_counts_distinct_users import DAY, member, user

from copilot_usage.analysis.qualification import licensed_counts, qualify
from copilot_usage.contract.days import TeamDay
from copilot_usage.contract.rules import MIN_LICENSED_MEMBERS
from copilot_usage.contract.teams import Team, TeamHistory

pytestmark = pytest.mark.unit


def test_a_team_with_a_recorded_day_qualifies_and_says_what_it_had():
    history = TeamHistory(team=Team(name="Apps", slug="apps"),
                          data=[TeamDay(date=date(2026, 5, 2), licensed_members=7, active_users=4)])
    result = qualify("Apps", history)
    assert result.qualifies and result.licensed_members == 7 and result.active_members == 4
    assert "2026-05-02" in result.reason and "7 licensed members" in result.reason


def test_a_team_without_days_does_not_qualify_and_says_why():
    result = qualify("Design", None, current_licensed=3)
    assert not result.qualifies and result.licensed_members == 3
    assert result.reason.startswith("Design: 3 members hold a Copilot licence; 5 are needed for at least one day")
    assert "1 member holds" in qualify("Duo", None, current_licensed=1).reason
    assert "not known" in qualify("Empty", None).reason


def test_licensed_counts_intersect_members_with_seats_ignoring_case():
    members = {"design": ["Ann", "bob", "cy"], "ops": ["dee"]}
    assert licensed_counts(members, {"ann", "BOB", "eve"}) == {"design": 2, "ops": 0}


def test_a_team_day_is_recorded_from_five_licensed_members_on_and_the_reason_says_five():
    sizes = {"four": 4, "five": 5, "six": 6}
    teams, first = [], 1
    for slug, size in sizes.items():
        teams += [member(uid, slug) for uid in range(first, first + size)]
        first += size
    recorded, _ = join_lines(DAY, [user(uid) for uid in range(1, first)], teams)
    assert sorted(recorded) == ["five", "six"]                  # the recipe's threshold…
    assert MIN_LICENSED_MEMBERS == 5                           # …is the contract's
    assert "5 are needed" in qualify("Four", None, current_licensed=4).reason
