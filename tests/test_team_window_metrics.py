"""The team-day fields of issue #15, each checked against its definition on a hand-made organisation.

Definitions (GitHub's per-day recipe): for team T and day D, users(d) are the ids with a line
in d's users-1-day and members(T, d) the ids with a (user, T) line in d's user-teams-1-day.
- weekly_active_users = |∪ d in [D-6, D] of users(d) ∩ members(T, d)|, monthly over [D-27, D];
  None when the window reaches before the first day with facts.
- code_review_users / code_review_passive_users: members active that day with the flag true;
  unknown (None) when no line of the team that day carries the flag.
- by_adoption_phase: {phase: members active that day in it}; a line without a phase is not counted.
- ai_credits: sum of ai_credits_used of members active that day; None when no line has the field.

The organisation is served through the demo transport and collected by the real collector
into a local store (facts, windows, team files), in two runs so that the second reads the
first's facts from the store, with a day whose facts are missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from conftest import demo_client
from recipe import join_lines

from copilot_usage.collector.run import collect
from copilot_usage.contract.days import TeamDay
from copilot_usage.contract.keys import fact_key
from copilot_usage.demo import DemoTransport
from copilot_usage.read.tables import recorded_history
from copilot_usage.store import LocalStore
from copilot_usage.store.team_tables import EncodedTeamDay

pytestmark = pytest.mark.unit

FIRST = date(2026, 6, 1)
LAST = FIRST + timedelta(days=44)
TODAY = LAST + timedelta(days=1)


def day_n(n: int) -> date:
    return FIRST + timedelta(days=n - 1)


@dataclass
class HandOrg:
    """A few people, two teams, chosen days of activity: what DemoTransport serves."""

    org: str = "hand"
    seed: int = 7
    first_day: date = FIRST
    end_day: date = LAST
    # person id -> (login, {team: (first day number, last day number)}, {day number: extra line fields})
    people: dict[int, tuple[str, dict[str, tuple[int, int]], dict[int, dict]]] = field(default_factory=dict)

    def __post_init__(self):
        everything = (1, 99)
        self.people = {
            1: ("ann", {"alpha": everything}, {1: {}, 20: {}}),
            # bob moves from alpha to beta on day 11: his day-5 activity is alpha's, day 15 beta's
            2: ("bob", {"alpha": (1, 10), "beta": (11, 99)}, {5: {}, 15: {}}),
            # cat is in both teams: she counts in each
            3: ("cat", {"alpha": everything, "beta": everything}, {12: {}, 40: {}}),
            # dan is active only on day 18, the day whose facts go missing before the second run
            4: ("dan", {"alpha": everything}, {18: {}}),
            # eve: credits, code review and phases on day 30 (ann lacks credits that day)
            5: ("eve", {"alpha": everything, "beta": everything},
                {30: {"ai_credits_used": 2.5, "used_copilot_code_review_active": True,
                      "ai_adoption_phase": {"phase": "galaxy_brain", "phase_number": 9, "version": "v9"}}}),
        }
        self.people[1][2][30] = {"used_copilot_code_review_passive": True,
                                 "ai_adoption_phase": {"phase": "code_first", "phase_number": 1, "version": "v1"}}
        self.people[3][2][30] = {"ai_credits_used": 1.25, "used_copilot_code_review_active": True}
        for n in range(5):  # idle licensed members: each team keeps five or more
            self.people[10 + n] = (f"idle-a{n}", {"alpha": everything}, {})
            self.people[20 + n] = (f"idle-b{n}", {"beta": everything}, {})
        self.teams = [{"id": 1, "name": "Alpha", "slug": "alpha", "description": "", "html_url": ""},
                      {"id": 2, "name": "Beta", "slug": "beta", "description": "", "html_url": ""}]
        self.members = {t["slug"]: [login for login, teams, _ in self.people.values() if t["slug"] in teams]
                        for t in self.teams}
        self.users = [{"login": login, "id": uid, "avatar_url": "", "html_url": ""}
                      for uid, (login, _, _) in self.people.items()]

    def number(self, day) -> int:
        return (date.fromisoformat(str(day)) - FIRST).days + 1

    def user_lines(self, day) -> list[dict]:
        n = self.number(day)
        return [{"day": str(day), "user_id": uid, "user_login": login, "organization_id": "9",
                 "user_initiated_interaction_count": 1, **active[n]}
                for uid, (login, _, active) in self.people.items() if n in active]

    def user_team_lines(self, day) -> list[dict]:
        n = self.number(day)
        return [{"day": str(day), "user_id": uid, "user_login": login, "organization_id": "9",
                 "team_id": 1 if slug == "alpha" else 2, "slug": slug}
                for uid, (login, teams, _) in self.people.items()
                for slug, (start, end) in teams.items() if start <= n <= end]

    def org_lines(self, day) -> list[dict]:
        return [{"day": str(day), "organization_id": "9", "daily_active_users": len(self.user_lines(day))}]

    def seats(self) -> list[dict]:
        return []

    def transport(self) -> DemoTransport:
        return DemoTransport(self)

    def expected_window(self, slug: str, n: int, length: int, missing: set[int] = frozenset()) -> int:
        """The definition, by brute force over the lines: distinct members active in the window."""
        ids = set()
        for d in range(n - length + 1, n + 1):
            if d < 1 or d in missing:
                continue
            day = day_n(d)
            active = {line["user_id"] for line in self.user_lines(day)}
            members = {line["user_id"] for line in self.user_team_lines(day) if line["slug"] == slug}
            ids |= active & members
        return len(ids)


MISSING = 18


@pytest.fixture(scope="module")
def hand() -> HandOrg:
    return HandOrg()


@pytest.fixture(scope="module")
def store(hand, tmp_path_factory) -> LocalStore:
    """Days 1-25 collected, day 18's facts lost, then days 26-45 collected by a second run."""
    store = LocalStore(tmp_path_factory.mktemp("hand"))
    with demo_client(hand) as client:
        collect(client, store, hand.org, since=FIRST - timedelta(days=1), until=day_n(25), today=TODAY)
    for table in ("user_days", "user_teams"):
        (store.root / fact_key(table, day_n(MISSING))).unlink()
    with demo_client(hand) as client:
        collect(client, store, hand.org, since=day_n(25), today=TODAY)
    return store


def recorded(store, slug: str) -> dict[int, TeamDay]:
    return {(d.date - FIRST).days + 1: d for d in recorded_history(store, slug).data}


def test_windows_are_null_until_they_fit_after_the_first_day_with_facts(store):
    alpha = recorded(store, "alpha")
    assert all(alpha[n].weekly_active_users is None for n in range(1, 7))
    assert alpha[7].weekly_active_users is not None
    assert all(alpha[n].monthly_active_users is None for n in range(1, 28))
    assert alpha[28].monthly_active_users is not None


def test_windows_follow_point_in_time_membership_and_count_each_team(store, hand):
    alpha, beta = recorded(store, "alpha"), recorded(store, "beta")
    # Day 7 of alpha: ann (day 1) and bob (day 5, while in alpha) -> 2; beta: nobody yet.
    assert (alpha[7].weekly_active_users, beta[7].weekly_active_users) == (2, 0)
    assert alpha[25].monthly_active_users is None
    for n in range(7, 26):  # the first run: no day missing yet
        assert alpha[n].weekly_active_users == hand.expected_window("alpha", n, 7)
        assert beta[n].weekly_active_users == hand.expected_window("beta", n, 7)
    # cat is in both teams: her day 12 counts in alpha and in beta (the week [6, 12] holds nobody else).
    assert (alpha[12].weekly_active_users, beta[12].weekly_active_users) == (1, 1)
    assert beta[15].weekly_active_users == 2  # cat (day 12) and bob (day 15)


def test_the_second_run_reads_earlier_days_from_the_store_and_a_missing_day_adds_nobody(store, hand):
    alpha, beta = recorded(store, "alpha"), recorded(store, "beta")
    for n in range(28, 46):
        for slug, days in (("alpha", alpha), ("beta", beta)):
            assert days[n].monthly_active_users == hand.expected_window(slug, n, 28, {MISSING}), (slug, n)
            assert days[n].weekly_active_users == hand.expected_window(slug, n, 7, {MISSING}), (slug, n)
    # Day 40's month [13, 40] holds ann (20), cat (40), eve (30); dan's only day (18) has no facts.
    assert alpha[40].monthly_active_users == 3
    assert hand.expected_window("alpha", 40, 28) == 4  # with day 18's facts dan would count


def test_daily_fields_credits_code_review_and_phases(store):
    alpha, beta = recorded(store, "alpha"), recorded(store, "beta")
    day = alpha[30]  # ann (no credits field, passive review, code_first), cat (1.25, active), eve
    assert day.active_users == 3
    assert day.ai_credits == pytest.approx(3.75)  # a line without the field adds nothing
    assert (day.code_review_users, day.code_review_passive_users) == (2, 1)
    assert day.by_adoption_phase == {"code_first": 1, "galaxy_brain": 1}  # cat has no phase: not counted
    assert beta[30].by_adoption_phase == {"galaxy_brain": 1}
    assert beta[30].ai_credits == pytest.approx(3.75)  # cat and eve are in both teams
    assert alpha[20].ai_credits is None  # ann alone, no line with the field
    # ... nor the code review fields: unknown, not nobody
    assert (alpha[20].code_review_users, alpha[20].code_review_passive_users, alpha[20].by_adoption_phase) == \
        (None, None, {})


def test_a_provisional_day_fetched_again_gets_its_windows_recomputed(hand, tmp_path):
    store = LocalStore(tmp_path)
    with demo_client(hand) as client:
        collect(client, store, hand.org, since=day_n(30), today=TODAY)
    before = recorded(store, "alpha")[45]
    hand.people[4][2][44] = {}  # dan turns up on day 44: GitHub revised the provisional day
    try:
        with demo_client(hand) as client:
            collect(client, store, hand.org, today=TODAY)  # fetches the last three days again
        after = recorded(store, "alpha")[45]
    finally:
        del hand.people[4][2][44]
    assert after.weekly_active_users == before.weekly_active_users + 1
    assert after.monthly_active_users is None  # this store's facts start on day 31


def test_a_patched_record_is_the_record_of_the_whole_day():
    day = day_n(30)
    hand = HandOrg()
    team_days, _ = join_lines(day, hand.user_lines(day), hand.user_team_lines(day))
    blank = EncodedTeamDay.of(team_days["alpha"])
    whole = EncodedTeamDay.of(team_days["alpha"].model_copy(update={"weekly_active_users": 4,
                                                                "monthly_active_users": 6}))
    assert blank.with_values(weekly_active_users=4, monthly_active_users=6) == whole
    assert blank.with_values(weekly_active_users=None) == blank


def test_a_legacy_day_has_no_new_fields_rather_than_zeros():
    legacy = TeamDay.model_validate({"date": "2026-03-01", "total_active_users": 4, "total_engaged_users": 3})
    assert legacy.source == "legacy-metrics"
    assert (legacy.weekly_active_users, legacy.monthly_active_users, legacy.code_review_users,
            legacy.code_review_passive_users, legacy.ai_credits, legacy.by_adoption_phase) == (None,) * 5 + ({},)
