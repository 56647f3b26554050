"""Engaged users count every member who used Copilot themselves that day (CLI prompts, agent and
code review included); code review counts are unknown, not zero, on days whose lines do not
carry the field; AI credits add up to what the lines say, to the cent."""

import pytest
from recipe import join_lines
from test_team_join_counts_distinct_users import DAY, member, user

pytestmark = pytest.mark.unit


def idle(uid, **fields):
    """A member with a line and nothing of the counters the old rule looked at."""
    return {**user(uid, gen=0, acc=0, inter=0), **fields}


def team_of(*lines):
    teams = [member(line["user_id"], "platform") for line in lines]
    return join_lines(DAY, list(lines), teams)[0]["platform"]


def test_cli_agent_chat_and_requested_reviews_are_engagement_but_a_bare_line_is_not():
    platform = team_of(
        idle(1, totals_by_cli={"session_count": 2, "request_count": 5, "prompt_count": 3}),
        idle(2, used_agent=True),
        idle(3, used_copilot_code_review_active=True, used_copilot_code_review_passive=False),
        idle(4, used_copilot_code_review_passive=True),  # Copilot reviewed their pull request
        idle(5),
        user(6, gen=10, acc=0),  # suggestions shown, none taken
        user(7, acc=2),
        idle(8, used_chat=True),
        idle(9, used_cli=True),  # the flag without a totals_by_cli object
    )
    assert platform.active_users == 9
    # Counted by hand: 1 (CLI prompts), 2 (agent), 3 (review asked for), 7 (accepted), 8 (chat), 9 (CLI).
    assert platform.engaged_users == 6
    assert (platform.code_review_users, platform.code_review_passive_users) == (1, 1)


def test_a_cli_user_counts_by_their_prompts_even_without_the_used_cli_flag():
    with_prompts = idle(1, totals_by_cli={"prompt_count": 1})
    without = idle(2, totals_by_cli={"prompt_count": 0, "session_count": 1})
    platform = team_of(with_prompts, without, idle(3), idle(4), idle(5))
    assert platform.engaged_users == 1 and platform.cli_users == 0


def test_code_review_counts_are_unknown_when_no_line_carries_the_field():
    old = team_of(*(user(uid) for uid in range(1, 6)))
    assert old.code_review_users is None and old.code_review_passive_users is None
    reported = team_of(*(user(uid) for uid in range(1, 5)),
                       user(5) | {"used_copilot_code_review_active": False})
    assert reported.code_review_users == 0  # the field is there: nobody used it


@pytest.mark.parametrize("credits", [[0.1, 0.2], [1.1, 2.2, 0.7, 1.04, 1.1], [0.01] * 5])
def test_ai_credits_add_up_to_the_cent(credits):
    lines = [user(uid, credits=value) for uid, value in enumerate(credits, start=1)]
    lines += [user(uid) for uid in range(len(credits) + 1, 6)]
    expected = sum(round(value * 100) for value in credits) / 100  # in cents, then back
    assert team_of(*lines).ai_credits == expected
    assert repr(team_of(*lines).ai_credits) == repr(expected)  # 0.3, not 0.30000000000000004
