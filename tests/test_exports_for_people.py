"""The tables people download: words and units for headers, percentages, whole counts, the
page's granularity, and a note wherever a cell is blank (analysis/exports.py)."""

from datetime import date, timedelta

import pandas as pd
import pytest

from copilot_usage.analysis.breakdowns import with_phase_columns
from copilot_usage.analysis.exports import people_table
from copilot_usage.analysis.frames import daily_frame
from copilot_usage.analysis.overview import overview_table
from copilot_usage.analysis.pricing import Prices
from copilot_usage.contract.days import TeamDay
from copilot_usage.contract.figures import COLUMNS, CURRENCY

pytestmark = pytest.mark.unit

MONDAY = date(2026, 6, 1)


def days():
    legacy = TeamDay(date=MONDAY - timedelta(days=1), active_users=9, source="legacy-metrics",
                     code_generations=10, code_acceptances=3)
    current = [TeamDay(date=MONDAY + timedelta(days=n), licensed_members=8, active_users=2 + n % 3,
                       code_generations=30, code_acceptances=10, loc_added=7,
                       by_adoption_phase={"code_first": 2} if n < 3 else {"code_first": 1, "agent_first": 1})
               for n in range(10)]
    return [legacy, *current]


def test_a_daily_table_is_written_for_people_with_a_note_for_each_blank():
    records = days()
    table = people_table(with_phase_columns(daily_frame(records), records))
    assert list(table.columns[:3]) == ["Date", "Source", "Licensed members"] and table.columns[-1] == "Notes"
    assert not [c for c in table.columns if "_" in c]
    assert table[COLUMNS["acceptance_rate"].label].tolist()[:2] == [30.0, 33.3]   # percent, one decimal
    assert str(table[COLUMNS["code_generations"].label].dtype) == "Int64"        # whole numbers
    legacy = table.iloc[0]
    assert legacy["Source"] == "Retired metrics endpoint" and pd.isna(legacy["Licensed members"])
    assert "no licence counts" in legacy["Notes"]
    assert pd.isna(table.iloc[1][COLUMNS["adoption"].label]) and "28-day figures start" in table.iloc[1]["Notes"]
    # A phase nobody was in on a day with phases is 0; blank only on the day without any.
    agent = table["Adoption phase: Agent first (members)"]
    assert pd.isna(agent.iloc[0]) and agent.iloc[1:4].tolist() == [0, 0, 0] and agent.iloc[4] == 1


def test_a_weekly_table_has_a_row_a_week_with_daily_averages_and_summed_counters():
    records = days()[1:]
    table = people_table(with_phase_columns(daily_frame(records), records), "week", MONDAY, MONDAY + timedelta(days=9))
    assert table["Week starting"].tolist() == ["2026-06-01", "2026-06-08"]
    assert table["Days with data"].tolist() == [7, 3]
    assert table["Active users, per day (average)"].iloc[0] == pytest.approx(round((2 + 3 + 4 + 2 + 3 + 4 + 2) / 7, 1))
    assert table[COLUMNS["code_generations"].label].tolist() == [210, 90]       # summed, never averaged
    assert table["Adoption phase: Code first (member-days)"].iloc[0] == 2 * 3 + 4
    # Days without any AI credits figure: their cost is unknown, not $0.
    priced = people_table(Prices(0.04, 19, 39).with_credits_cost(daily_frame(records)), "week", MONDAY,
                          MONDAY + timedelta(days=9))
    assert priced[COLUMNS["credits_cost"].label].isna().all()
    assert table["Notes"].tolist() == ["28-day figures start after 28 days of data",
                                       "Partial week: 3 of 7 days in the range; 28-day figures start after 28 days "
                                       "of data"]


def test_the_overview_table_names_its_money_columns_with_the_currency():
    frame = daily_frame(days()[1:]).assign(slug="apps", team="Apps")
    overview = overview_table(frame, MONDAY, MONDAY + timedelta(days=9)).assign(credits_cost=1.239, seat_month=19.0)
    table = people_table(overview)
    assert f"AI credits cost ({CURRENCY})" in table.columns and f"Seats per month ({CURRENCY})" in table.columns
    assert table.iloc[0][f"AI credits cost ({CURRENCY})"] == 1.24
    assert table.iloc[0]["Team"] == "Apps" and table.iloc[0][COLUMNS["daily_active_share"].label] == round(29 / 80 * 100, 1)


def test_a_figure_has_one_name_in_the_overview_tables_and_in_the_downloads():
    # The overview's two tables and its CSV name each column alike (a share's header adds "%"):
    # "Credits (USD)" on screen and "AI credits cost (USD)" in the file were two names for one
    # figure, and the file's "Active users" held the range's daily average.
    from copilot_usage.contract.figures import percent_label
    from copilot_usage.web.ui.costs import OVERVIEW_COST_COLUMNS
    from copilot_usage.web.ui.sections import OVERVIEW_COLUMNS

    shown = {key: config if isinstance(config, str) else config["label"]
             for key, config in {**OVERVIEW_COLUMNS, **OVERVIEW_COST_COLUMNS}.items()}
    headers = dict(zip(shown, people_table(pd.DataFrame(columns=list(shown))).columns, strict=True))
    for key, label in shown.items():
        assert headers[key] in (label, percent_label(label)), key
    assert len(shown) >= 15
    # The tables under the charts too: "Generated" on screen was "Code suggestions" in the file.
    from copilot_usage.web.ui.sections import readable_table

    counts = pd.DataFrame({"date": [date(2026, 6, 1)], "code_generations": [1], "code_acceptances": [1],
                           "active_users": [1], "ai_credits": [1.0]})
    day = date(2026, 6, 1)
    on_screen = list(readable_table(counts).columns)[1:]
    assert len(on_screen) == 4 and set(on_screen) <= set(people_table(counts, "day", day, day).columns)
