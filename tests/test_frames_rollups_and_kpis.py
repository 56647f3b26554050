"""frames.py on hand-made histories: roll-ups, ratio-of-sums, previous periods, legacy spans."""

import math
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest

from copilot_usage.analysis.breakdowns import breakdown_frame, breakdown_totals
from copilot_usage.analysis.frames import daily_frame, in_range, rollup, spans_switch
from copilot_usage.analysis.kpis import kpis, window_kpis
from copilot_usage.analysis.seats import members_frame, seats_per_day
from copilot_usage.contract.days import Counters, TeamDay
from copilot_usage.contract.seats import Seat
from copilot_usage.web.notes import range_notes
from copilot_usage.web.ui.kpis import changes_caption

pytestmark = pytest.mark.unit

START = date(2026, 6, 1)  # a Monday


def day(n, *, active=4, licensed=8, gens=100, accs=30, source="usage-metrics", **kw):
    return TeamDay(date=START + timedelta(days=n), active_users=active, engaged_users=active - 1,
                   licensed_members=licensed, code_generations=gens, code_acceptances=accs,
                   loc_added=10, interactions=2, source=source, **kw)


def test_weekly_rollup_sums_counters_and_averages_users():
    frame = daily_frame([day(0, active=2, gens=10, accs=1), day(1, active=4, gens=90, accs=49),
                         day(7, active=6)])
    weeks = rollup(frame, "week")
    assert list(weeks["date"]) == [pd.Timestamp(START), pd.Timestamp(START + timedelta(days=7))]
    first = weeks.iloc[0]
    assert first["active_users"] == 3 and first["days"] == 2         # average, never a sum
    assert first["code_generations"] == 100
    assert first["acceptance_rate"] == pytest.approx(0.5)           # 50/100, not mean(0.1, 0.544)
    assert first["daily_active_share"] == pytest.approx(3 / 8)


def test_monthly_rollup_groups_calendar_months():
    frame = daily_frame([day(n) for n in range(0, 45, 5)])   # 1 Jun .. 11 Jul
    months = rollup(frame, "month")
    assert [d.month for d in months["date"]] == [6, 7]
    assert list(months["days"]) == [6, 3]


def test_a_day_without_generations_has_no_rate_rather_than_zero():
    weeks = rollup(daily_frame([day(0, gens=0, accs=0)]), "day")
    assert math.isnan(weeks.iloc[0]["acceptance_rate"])


def test_kpis_compare_with_the_previous_period_of_the_same_length():
    frame = daily_frame([day(n, active=2 if n < 7 else 4, accs=20 if n < 7 else 40) for n in range(14)])
    row = kpis(frame, START + timedelta(days=7), START + timedelta(days=13))
    assert row["active_users"].value == 4 and row["active_users"].previous == 2
    assert row["active_users"].change == pytest.approx(1.0)
    assert row["acceptance_rate"].value == pytest.approx(0.4)
    assert row["acceptance_rate"].change == pytest.approx(1.0)
    assert row["loc_added"].value == 70


def test_kpis_over_a_range_without_data_are_dashes_not_zeros():
    frame = daily_frame([day(0)])
    row = kpis(frame, START + timedelta(days=30), START + timedelta(days=40))
    assert all(math.isnan(k.value) for k in row.values())
    first = kpis(frame, START, START)
    assert first["active_users"].value == 4 and math.isnan(first["active_users"].change)


def test_zero_licensed_members_give_no_share_of_them():
    row = kpis(daily_frame([day(0, licensed=0)]), START, START)
    assert math.isnan(row["daily_active_share"].value)
    rolling = window_kpis(daily_frame([day(0, monthly_active_users=0, monthly_licensed_members=0)]), START, START)
    assert math.isnan(rolling["adoption"].value)


def test_a_range_spanning_legacy_and_current_days_is_noted_and_marked():
    legacy = TeamDay(date=date(2026, 3, 30), active_users=5, source="legacy-metrics")
    current = TeamDay(date=date(2026, 4, 3), active_users=6, licensed_members=9)
    frame = daily_frame([legacy, current])
    assert spans_switch(frame)
    notes = range_notes(frame, date(2026, 4, 3), today=date(2026, 6, 1))
    assert len(notes) == 1 and "retired metrics endpoint" in notes[0]
    assert rollup(frame, "month")["source"].tolist() == ["legacy-metrics", "usage-metrics"]
    assert rollup(in_range(frame, date(2026, 3, 1), date(2026, 4, 30)), "week")["source"].tolist() == [
        "mixed"]


def test_provisional_days_are_noted_only_near_today():
    frame = daily_frame([day(0)])
    assert range_notes(frame, START, today=START + timedelta(days=2))[0].startswith("The last three days")
    assert range_notes(frame, START, today=START + timedelta(days=30)) == []


def test_breakdown_totals_average_users_and_compute_rates_from_sums():
    days = [day(0, by_language={"python": Counters(users=2, code_generations=10, code_acceptances=5),
                                "go": Counters(users=1, code_generations=0)}),
            day(1, by_language={"python": Counters(users=4, code_generations=30, code_acceptances=5)})]
    totals = breakdown_totals(breakdown_frame(days, "by_language")).set_index("item")
    assert totals.loc["python", "users"] == 3
    assert totals.loc["python", "acceptance_rate"] == pytest.approx(0.25)
    assert math.isnan(totals.loc["go", "acceptance_rate"])


def test_feature_names_are_grouped_for_people():
    days = [day(0, by_feature={"chat_panel_agent_mode": Counters(interactions=3),
                               "code_completion": Counters(code_generations=5)})]
    assert set(breakdown_frame(days, "by_feature")["item"]) == {"Chat: agent", "Code completion"}


def test_members_are_active_inactive_never_used_or_without_licence():
    now = datetime(2026, 6, 30, tzinfo=UTC)
    seats = [Seat(login="ann", last_activity_at=now - timedelta(days=3), last_activity_editor="vscode/1.9"),
             Seat(login="Bob", last_activity_at=now - timedelta(days=40)), Seat(login="cy")]
    frame = members_frame(["ann", "bob", "cy"], seats, ["ann", "bob", "cy", "dee"], today=now.date())
    assert dict(zip(frame["member"], frame["status"], strict=True)) == {
        "cy": "never used", "bob": "inactive", "ann": "active", "dee": "no licence"}
    assert frame.set_index("member").loc["ann", "editor"] == "vscode"
    relaxed = members_frame(["bob"], seats, None, today=now.date(), inactive_after_days=60)
    assert relaxed["status"].tolist() == ["active"]


def test_seats_per_day_counts_seats_created_by_each_day():
    dates = pd.Series(pd.to_datetime(["2026-01-01", "2026-01-03", "2026-01-10"]))
    created = ["2026-01-02T10:00:00Z", "2026-01-02T11:00:00Z", "2026-01-05T00:00:00Z", None]
    assert seats_per_day(dates, created).tolist() == [0, 2, 3]


def test_days_with_acceptances_but_no_generations_stay_out_of_every_acceptance_rate():
    """GitHub's legacy metrics have such days (tests/data/legacy/metrics_days.json, 2024-11-18):
    their acceptances over other days' generations read 103.5 % on a migrated store's team page."""
    from copilot_usage.analysis.frames import teams_frame
    from copilot_usage.analysis.overview import overview_table
    from copilot_usage.contract.teams import Team, TeamHistory

    broken = dict(gens=0, accs=741, by_language={"java": Counters(users=3, code_generations=0, code_acceptances=741)})
    days = [day(0, gens=100, accs=30, by_language={"java": Counters(users=2, code_generations=100,
                                                                     code_acceptances=30)}),
            day(1, **broken)]
    frame = daily_frame(days)
    assert kpis(frame, START, START + timedelta(days=1))["acceptance_rate"].value == pytest.approx(0.30)
    assert rollup(frame, "week")["acceptance_rate"].tolist() == [pytest.approx(0.30)]
    assert breakdown_totals(breakdown_frame(days, "by_language")).set_index("item").loc["java", "acceptance_rate"] \
        == pytest.approx(0.30)
    table = overview_table(teams_frame([TeamHistory(team=Team(name="Apps", slug="apps"), data=days)]),
                           START, START + timedelta(days=1))
    assert table["acceptance_rate"].tolist() == [pytest.approx(0.30)]
    assert rollup(frame, "week")["code_acceptances"].tolist() == [771]  # the counts themselves are kept


def test_no_change_against_a_previous_period_collected_on_fewer_days():
    # 10 days collected; the last 7 against the 7 before them, of which 3 were collected.
    frame = daily_frame([day(n, active=2 if n < 3 else 4, accs=20 if n < 3 else 40) for n in range(10)])
    row = kpis(frame, START + timedelta(days=3), START + timedelta(days=9))
    lines = row["loc_added"]
    assert (lines.days, lines.previous_days) == (7, 3) and not lines.covered
    assert lines.previous == 30 and lines.value == 70  # both sums are there (10 lines a day)…
    assert math.isnan(lines.change) and math.isnan(row["acceptance_rate"].points)  # …but not compared
    assert changes_caption(row.values(), 7).startswith(
        "No change against the previous 7 days: data was collected on 3 of 7 days there, against 7 in this range")
    # The same range once the previous 7 days are all there: compared.
    whole = daily_frame([day(n, active=2 if n < 7 else 4) for n in range(14)])
    row = kpis(whole, START + timedelta(days=7), START + timedelta(days=13))
    assert row["loc_added"].covered and row["active_users"].change == pytest.approx(1.0)
    assert changes_caption(row.values(), 7).startswith("Changes against the previous 7 days")
