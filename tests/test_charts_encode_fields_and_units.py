"""Each chart's Vega-Lite spec encodes the intended fields, titles and units."""

from datetime import date, timedelta

import pandas as pd
import pytest

from copilot_usage.analysis.breakdowns import (
    breakdown_frame,
    breakdown_rollup,
    breakdown_totals,
    phase_frame,
    phase_shares,
)
from copilot_usage.analysis.frames import daily_frame, rollup
from copilot_usage.contract.days import Counters, TeamDay
from copilot_usage.web import charts

pytestmark = pytest.mark.unit


@pytest.fixture
def days():
    start = date(2026, 3, 20)
    return [TeamDay(date=start + timedelta(days=n), active_users=4 + n % 3, engaged_users=3, licensed_members=9,
                    code_generations=100, code_acceptances=30, loc_suggested_to_add=50, loc_added=20,
                    source="legacy-metrics" if n < 13 else "usage-metrics",
                    by_feature={"code_completion": Counters(code_generations=100, users=4)},
                    by_ide={"vscode": Counters(users=4, code_generations=80), "neovim": Counters(users=1)},
                    by_language={"python": Counters(code_generations=60, code_acceptances=20)})
            for n in range(20)]


def encodings(spec: dict) -> list[dict]:
    """Every encoding block of a (possibly layered) spec."""
    found = [spec["encoding"]] if "encoding" in spec else []
    for layer in spec.get("layer", []):
        found += encodings(layer)
    return found


def fields(spec: dict, channel: str) -> set:
    return {enc[channel].get("field") for enc in encodings(spec) if channel in enc}


def titles(spec: dict, channel: str) -> set:
    return {enc[channel].get("title") for enc in encodings(spec) if channel in enc}


def title_of(spec: dict) -> str:
    title = spec.get("title")
    return title["text"] if isinstance(title, dict) else title


def test_users_chart_spans_the_switch_with_a_marker(days):
    spec = charts.active_users_chart(rollup(daily_frame(days), "day")).to_dict()
    assert fields(spec, "y") >= {"users"} and titles(spec, "y") >= {"Users (people)"}
    assert titles(spec, "x") >= {"Day"}
    texts = [layer for layer in spec["layer"] if layer.get("mark", {}).get("type") == "text"]
    assert texts and spec["datasets"][texts[0]["data"]["name"]][0]["label"] == "Metrics changed"


def test_weekly_users_say_they_are_daily_averages(days):
    spec = charts.active_users_chart(rollup(daily_frame(days), "week"), granularity="week").to_dict()
    assert "Users per day (average)" in titles(spec, "y") and "Week starting" in titles(spec, "x")


def test_acceptance_chart_has_counts_and_a_percent_rate_on_its_own_axis(days):
    spec = charts.acceptance_chart(rollup(daily_frame(days), "day")).to_dict()
    assert fields(spec, "y") == {"count", "acceptance_rate"}
    assert titles(spec, "y") == {"Code suggestions (count)", "Acceptance rate (%)"}
    assert spec["resolve"]["scale"]["y"] == "independent"


def test_lines_chart_compares_suggested_and_added_lines(days):
    spec = charts.lines_chart(rollup(daily_frame(days), "week"), "week").to_dict()
    assert fields(spec, "y") == {"lines"} and titles(spec, "y") == {"Lines of code"}
    assert spec["encoding"]["x"]["timeUnit"] == "yearmonthdate"
    assert {row["kind"] for row in spec["datasets"][spec["data"]["name"]]} == {"Suggested to add", "Added"}


def test_feature_mix_stacks_counts_so_quiet_periods_look_quiet(days):
    frame = breakdown_rollup(breakdown_frame(days, "by_feature"), "week")
    spec = charts.feature_mix_chart(frame, "week").to_dict()
    assert spec["encoding"]["y"]["stack"] == "zero"
    assert spec["encoding"]["y"]["title"] == "Generations + interactions (count)"
    assert spec["encoding"]["color"]["field"] == "item" and "order" not in spec["encoding"]


def test_share_and_language_charts_name_their_items(days):
    ide = charts.share_chart(breakdown_totals(breakdown_frame(days, "by_ide")), title="IDEs", item_title="IDE").to_dict()
    assert title_of(ide) == "IDEs: users per day (average)" and ide["encoding"]["y"]["title"] == "IDE"
    assert ide["encoding"]["x"]["title"] == "Users per day (average)"
    lang = charts.language_chart(breakdown_totals(breakdown_frame(days, "by_language"))).to_dict()
    assert lang["encoding"]["x"]["field"] == "acceptance_rate" and lang["encoding"]["x"]["axis"]["format"] == ".0%"


def test_comparison_chart_draws_team_and_organisation(days):
    team = rollup(daily_frame(days), "day")
    org = team.assign(daily_active_share=team["daily_active_share"] / 2)
    spec = charts.comparison_chart(team, org, "daily_active_share", title="Active on an average day",
                                   axis_title="Licensed members active (%)", team_label="Platform").to_dict()
    rows = [row for rows in spec["datasets"].values() for row in rows if "series" in row]
    assert {row["series"] for row in rows} == {"Platform", "Organisation"}
    assert titles(spec, "y") == {"Licensed members active (%)"}


def test_adoption_phases_are_named_for_people_in_the_order_of_their_numbers():
    start = date(2026, 6, 1)
    team_days = [TeamDay(date=start + timedelta(days=n), active_users=4,
                         by_adoption_phase={"multi_agent": 1, "code_first": 2, "no_cohort": 1, "galaxy_brain": n % 2})
                 for n in range(7)]
    shares = phase_shares(phase_frame(team_days), "day", start, start + timedelta(days=6))
    spec = charts.phase_chart(shares).to_dict()
    shown = {row["item"] for row in spec["datasets"][spec["data"]["name"]]}
    assert shown == {"Multi-agent", "Code first", "Not classified", "Galaxy brain"}  # a new code reads as itself
    assert spec["encoding"]["color"]["sort"] == ["Not classified", "Code first", "Agent first", "Multi-agent"]
    person = pd.DataFrame({"date": pd.to_datetime([start, start + timedelta(days=1)]),
                           "phase": ["agent_first", "code_first"], "phase_number": [2, 1]})
    spec = charts.person_phase_chart(person).to_dict()
    assert spec["encoding"]["y"]["sort"] == ["Agent first", "Code first"]  # highest phase on top
