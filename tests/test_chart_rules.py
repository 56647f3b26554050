"""The charting rules (docs/charts.md), pinned on the Vega-Lite specs and the frames behind them."""

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from copilot_usage.analysis.breakdowns import breakdown_frame, breakdown_totals
from copilot_usage.analysis.frames import (
    complete_periods,
    daily_frame,
    fitting_granularity,
    rollup,
)
from copilot_usage.analysis.kpis import Kpi
from copilot_usage.contract.days import Counters, TeamDay
from copilot_usage.web import charts
from copilot_usage.web.notes import partial_note
from copilot_usage.web.ui.controls import preset_range
from copilot_usage.web.ui.kpis import change_text
from copilot_usage.web.ui.seats import readable_activity

pytestmark = pytest.mark.unit

TUESDAY = date(2026, 11, 3)  # the default 28 days: Tuesday 3 Nov to Monday 30 Nov 2026


def team_days(first: date, count: int, gens=lambda d: 200) -> list[TeamDay]:
    return [TeamDay(date=first + timedelta(days=n), active_users=5, engaged_users=4, licensed_members=10,
                    code_generations=gens(first + timedelta(days=n)), code_acceptances=gens(first + timedelta(days=n)) // 2,
                    by_language={"python": Counters(code_generations=60, code_acceptances=20),
                                 "cobol": Counters(code_generations=6, code_acceptances=6)})
            for n in range(count)]


def dataset_rows(spec: dict, column: str) -> list[dict]:
    return [row for rows in spec["datasets"].values() for row in rows if column in row]


def x_axes(spec: dict) -> list[dict]:
    found = [spec["encoding"]["x"]] if "x" in spec.get("encoding", {}) else []
    for layer in spec.get("layer", []):
        found += x_axes(layer)
    return found


def as_dates(values: list[dict]) -> list[date]:
    return [date(v["year"], v["month"], v["date"]) for v in values]


# ---------------------------------------------------------------- partial periods

def test_weeks_the_range_cuts_short_are_flagged_with_their_days():
    weeks = rollup(daily_frame(team_days(TUESDAY, 28)), "week", TUESDAY, TUESDAY + timedelta(days=27))
    flagged = weeks.set_index(weeks["date"].dt.date)[["partial", "period_days", "full_days"]]
    assert flagged.loc[date(2026, 11, 2)].tolist() == [True, 6, 7]     # Tuesday to Sunday
    assert flagged.loc[date(2026, 11, 30)].tolist() == [True, 1, 7]    # the Monday alone
    assert not flagged.loc[date(2026, 11, 9):date(2026, 11, 23), "partial"].any()
    note = partial_note(weeks, "week")
    assert "week of 02 Nov (6 of 7 days" in note and "week of 30 Nov (1 of 7 days" in note


def test_time_charts_draw_no_partial_period():
    weeks = rollup(daily_frame(team_days(TUESDAY, 28)), "week", TUESDAY, TUESDAY + timedelta(days=27))
    whole = {pd.Timestamp(d).date() for d in complete_periods(weeks)["date"]}
    assert whole == {date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23)}
    for chart in (charts.active_users_chart(weeks, granularity="week"), charts.acceptance_chart(weeks, "week"),
                  charts.lines_chart(weeks, "week")):
        drawn = {datetime.fromisoformat(row["date"]).date() for row in dataset_rows(chart.to_dict(), "date")}
        assert drawn == whole, chart


def test_compared_teams_carry_their_partial_periods_into_the_note():
    from copilot_usage.analysis.frames import teams_frame
    from copilot_usage.analysis.overview import team_series
    from copilot_usage.contract.teams import Team, TeamHistory

    history = TeamHistory(team=Team(slug="billing", name="Billing"), data=team_days(TUESDAY, 28))
    end = TUESDAY + timedelta(days=27)
    series = team_series(teams_frame([history]), ["billing"], TUESDAY, end, "week")
    assert series["partial"].sum() == 2 and "week of 30 Nov (1 of 7 days" in partial_note(series, "week")


def test_a_range_without_two_whole_periods_is_drawn_finer():
    end = TUESDAY + timedelta(days=27)
    assert fitting_granularity(TUESDAY, end, "month") == "week"       # 28 days: no whole month
    assert fitting_granularity(end - timedelta(days=6), end, "week") == "day"
    assert fitting_granularity(date(2026, 8, 23), end, "month") == "month"   # Sep, Oct and Nov whole


# ---------------------------------------------------------------- small denominators

def test_acceptance_rate_is_not_drawn_over_fewer_than_50_suggestions():
    weekend = lambda d: 6 if d.weekday() >= 5 else 200  # 6 of 6 accepted would read as a 100% day
    days = rollup(daily_frame(team_days(TUESDAY, 14, weekend)), "day")
    spec = charts.acceptance_chart(days, "day").to_dict()
    rates = {row["date"][:10]: row["acceptance_rate"] for row in dataset_rows(spec, "acceptance_rate")}
    assert rates["2026-11-07"] is None and rates["2026-11-08"] is None    # Saturday, Sunday
    assert rates["2026-11-09"] == pytest.approx(0.5)
    volumes = {row["date"][:10] for row in dataset_rows(spec, "count")}
    assert "2026-11-07" in volumes                                         # the volume is still drawn
    assert "50 or more suggestions" in spec["title"]["subtitle"]


def test_sparse_data_draws_no_empty_layer_and_no_rate_axis_without_a_rate():
    # An empty layer is an unnamed SVG group to a screen reader (axe: svg-img-alt), and a rate
    # axis with no rate read "0%" alone on My usage.
    few = rollup(daily_frame(team_days(TUESDAY, 3, lambda d: 6)), "day")
    spec = charts.acceptance_chart(few, "day").to_dict()
    assert len(spec["layer"]) == 1 and "acceptance_rate" not in str(spec["layer"][0]["encoding"])
    assert spec["title"]["subtitle"] == "No rate: no period with 50 or more suggestions in this range"
    # no legend entry for the rate
    assert spec["layer"][0]["encoding"]["color"]["scale"]["domain"] == [charts.SUGGESTED, charts.ACCEPTED]
    one_series = charts.active_users_chart(few, {"active_users": "Active"}).to_dict()
    assert len(one_series["layer"]) == 1
    two_series = charts.active_users_chart(few).to_dict()
    assert len(two_series["layer"]) == 2
    # One person's phase over three days: one axis label a day, not each day four times.
    mine = pd.DataFrame({"date": pd.to_datetime([TUESDAY + timedelta(days=n) for n in range(3)]),
                         "phase": ["code_first"] * 3, "phase_number": [1] * 3})
    axis = x_axes(charts.person_phase_chart(mine).to_dict())[0]["axis"]
    assert as_dates(axis["values"]) == [TUESDAY + timedelta(days=n) for n in range(3)]


def test_languages_below_the_threshold_are_left_out_of_the_rate_chart():
    totals = breakdown_totals(breakdown_frame(team_days(TUESDAY, 1), "by_language"))
    spec = charts.language_chart(totals).to_dict()
    assert {row["item"] for row in dataset_rows(spec, "item")} == {"python"}   # cobol: 6 suggestions


def test_compared_acceptance_rates_keep_the_threshold():
    days = rollup(daily_frame(team_days(TUESDAY, 7, lambda d: 10 if d.day == 4 else 300)), "day")
    spec = charts.comparison_chart(days, None, "acceptance_rate", title="Acceptance rate",
                                   axis_title="Acceptance rate (%)", team_label="Billing").to_dict()
    assert "2026-11-04" not in {row["date"][:10] for row in dataset_rows(spec, "acceptance_rate")}


# ---------------------------------------------------------------- one label per period

@pytest.mark.parametrize("granularity,first,count,labels", [
    ("day", date(2026, 11, 2), 3, [date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 4)]),
    ("week", date(2026, 11, 2), 21, [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)]),
    ("month", date(2026, 8, 1), 92, [date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1)]),
])
def test_a_time_axis_has_one_label_per_period_at_its_first_day(granularity, first, count, labels):
    rolled = rollup(daily_frame(team_days(first, count)), granularity)
    for chart in (charts.active_users_chart(rolled, granularity=granularity),
                  charts.comparison_chart(rolled, None, "daily_active_share", title="Active on an average day",
                                          axis_title="Licensed members active (%)",
                                          team_label="Billing", granularity=granularity)):
        axis = x_axes(chart.to_dict())[0]["axis"]
        assert as_dates(axis["values"]) == labels
        assert axis["format"] == ("%b %Y" if granularity == "month" else "%d %b")


# ---------------------------------------------------------------- titles, KPIs, members, presets

def test_a_title_names_one_measure():
    totals = breakdown_totals(breakdown_frame(team_days(TUESDAY, 3), "by_language"))
    by_users = charts.share_chart(totals, title="Languages", item_title="Language", measure="users").to_dict()
    by_events = charts.share_chart(totals, title="Languages", item_title="Language", measure="events").to_dict()
    assert by_users["title"] != by_events["title"]
    assert by_events["title"].endswith(by_events["encoding"]["x"]["title"].lower()[1:])


def test_rate_changes_are_points_and_count_changes_percent():
    assert change_text(Kpi(0.356, 0.352, 28), "adoption") == "+0.4 pp"
    assert change_text(Kpi(0.30, 0.35, 28), "acceptance_rate") == "-5.0 pp"
    assert change_text(Kpi(12.0, 10.0, 28), "active_users") == "+20%"


def test_never_used_members_read_as_words():
    frame = pd.DataFrame({"member": ["ana", "bo"], "status": ["never used", "no licence"],
                          "last_activity": [None, None], "days_since_activity": [None, None], "editor": [None, None]})
    shown = readable_activity(frame)
    assert shown["last_activity"].tolist() == ["never used", "–"]
    assert "None" not in shown.astype(str).to_string()


def test_presets_end_on_the_last_day_collected():
    first, last = date(2026, 1, 5), date(2026, 11, 30)
    assert preset_range("7 days", first, last) == (date(2026, 11, 24), last)
    assert preset_range("This month", first, last) == (date(2026, 11, 1), last)
    assert preset_range("Last quarter", first, last) == (date(2026, 7, 1), date(2026, 9, 30))
    assert preset_range("All", first, last) == (first, last)
    assert preset_range("Last quarter", date(2026, 10, 2), last) is None   # no day of it has data
