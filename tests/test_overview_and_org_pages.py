"""The admins' overview (frames and page) and the organisation page's seat privacy."""

import math
from datetime import date, timedelta

import pytest
from demo_app import app_test, demo_mode, signed_in
from streamlit.testing.v1 import AppTest

from copilot_usage.analysis.frames import teams_frame
from copilot_usage.analysis.kpis import window_kpis
from copilot_usage.analysis.overview import (
    acceptance_bands,
    overview_table,
    ranked,
    search,
)
from copilot_usage.contract.days import TeamDay
from copilot_usage.contract.teams import Team, TeamHistory
from copilot_usage.store import open_store
from copilot_usage.store.histories import load_org_history, load_team_histories

pytestmark = pytest.mark.unit

START = date(2026, 6, 1)


def history(slug, days):
    return TeamHistory(team=Team(name=slug.title(), slug=slug), data=[
        TeamDay(date=START + timedelta(days=n), licensed_members=lic, active_users=act,
                code_generations=gen, code_acceptances=acc, loc_added=5, interactions=1)
        for n, lic, act, gen, acc in days])


def test_overview_rows_use_ratios_of_sums_and_daily_averages():
    table = overview_table(teams_frame([history("apps", [(0, 10, 2, 10, 1), (1, 10, 6, 90, 49)])]), START, START + timedelta(days=9))
    row = table.iloc[0]
    assert row["acceptance_rate"] == pytest.approx(0.5)       # 50/100, not the mean of 0.1 and 0.54
    assert row["daily_active_share"] == pytest.approx(8 / 20)
    assert row["active_users"] == 4 and row["days"] == 2 and row["loc_added"] == 10


def test_adoption_is_one_figure_in_the_overview_and_the_team_kpis_and_never_above_all_members():
    # A team whose member left and another joined: 7 distinct members active in the month
    # window, 8 distinct licensed in it, 6 licensed on the last day. Adoption counts the same
    # people in both parts: 7/8, not 7/6 (116.7 %, DESIGN.md "Ratios").
    days = [TeamDay(date=START + timedelta(days=n), licensed_members=6, active_users=3,
                    monthly_active_users=mau, monthly_licensed_members=licensed)
            for n, mau, licensed in ((0, None, None), (1, 5, 8), (2, 7, 8), (3, 6, 8))]
    frame = teams_frame([TeamHistory(team=Team(name="Apps", slug="apps"), data=days)])
    for end, expected in ((START + timedelta(days=2), 7 / 8), (START + timedelta(days=9), 6 / 8),
                          (START, float("nan"))):
        row = overview_table(frame, START, end).set_index("slug").loc["apps"]
        kpi = window_kpis(frame.drop(columns=["slug", "team"]), START, end)["adoption"].value
        assert row["adoption"] == pytest.approx(expected, nan_ok=True)
        assert kpi == pytest.approx(row["adoption"], nan_ok=True)   # the team page shows the same
    assert (overview_table(frame, START, START + timedelta(days=9))["adoption"] <= 1).all()
    assert overview_table(frame, START, START + timedelta(days=9)).iloc[0]["daily_active_share"] == pytest.approx(0.5)


def test_teams_with_gaps_and_teams_that_stopped_qualifying_keep_their_days():
    gappy = history("gappy", [(0, 6, 3, 10, 3), (5, 6, 3, 10, 3)])
    stopped = history("stopped", [(0, 5, 2, 10, 2)])          # no day after the first
    table = overview_table(teams_frame([gappy, stopped]), START, START + timedelta(days=9)).set_index("slug")
    assert table.loc["gappy", "days"] == 2 and table.loc["stopped", "days"] == 1
    assert list(overview_table(teams_frame([stopped]), START + timedelta(days=1), START + timedelta(days=9))["slug"]) == []


def test_bands_cover_every_rate_once_and_list_every_band():
    rates = [0.05, 0.2, 0.29, 0.3, 0.45, 0.5, 0.61, 1.0]
    table = overview_table(teams_frame([history(f"t{i}", [(0, 5, 5, 100, int(r * 100))]) for i, r in enumerate(rates)]),
                           START, START)
    bands = acceptance_bands(table)
    assert bands["band"].tolist() == ["under 20%", "20–30%", "30–40%", "40–50%", "50–60%", "60% and over"]
    assert bands["teams"].tolist() == [1, 2, 1, 1, 1, 2]


def test_rankings_and_search():
    table = overview_table(teams_frame([history(s, [(0, 10, a, 100, r)]) for s, a, r in
                            (("apps", 2, 10), ("web", 9, 50), ("data", 5, 30), ("ops", 1, 0))]), START, START)
    top, bottom = ranked(table, "acceptance_rate", n=2)
    assert top["slug"].tolist() == ["web", "data"] and bottom["slug"].tolist() == ["ops", "apps"]
    assert search(table, "WE")["slug"].tolist() == ["web"] and len(search(table, "")) == 4


def test_a_team_without_generations_has_no_rate():
    table = overview_table(teams_frame([history("quiet", [(0, 5, 1, 0, 0)])]), START, START)
    assert math.isnan(table.iloc[0]["acceptance_rate"])
    assert acceptance_bands(table)["teams"].sum() == 0


@pytest.fixture
def run_page(monkeypatch, demo_store_dir):
    demo_mode(monkeypatch, f"file://{demo_store_dir}")

    def run(script, persona: str) -> AppTest:
        at = signed_in(persona)
        if script:
            at.switch_page(script).run()
        assert not at.exception, at.exception
        return at

    return run


def test_the_admin_sees_every_team_with_data_in_the_range(run_page, demo_store_dir):
    at = run_page("app_pages/teams_overview.py", "admin")
    first, last = at.date_input[0].value
    histories, _ = load_team_histories(open_store(f"file://{demo_store_dir}"))
    expected = {h.team.name for h in histories if any(first <= d.date <= last for d in h.data)}
    assert set(at.dataframe[0].value["team"]) == expected
    # Shown in percent with one decimal ("43.8%", never "0.4%"); licensed members as whole people.
    shown = at.dataframe[0].value.set_index("team")
    table = overview_table(teams_frame(histories), first, last).set_index("team")
    assert (shown["adoption"] - table.loc[shown.index, "adoption"] * 100).abs().max() < 1e-9
    assert (shown["acceptance_rate"] > 1).all()
    assert (shown["licensed_members"] % 1 == 0).all()
    charts = [el for el in at.main if el.type == "vega_lite_chart"]
    assert len(charts) == 4                    # bands, then active on an average day, acceptance rate, active users
    assert "Teams by acceptance rate" in charts[0].proto.spec
    at.text_input[0].input(sorted(expected)[0][:4]).run()
    assert all(sorted(expected)[0][:4].lower() in name.lower() for name in at.dataframe[0].value["team"])


def test_a_regular_member_has_no_overview_page(run_page):
    at = run_page(None, "two-teams")
    # Hidden from a regular member's menu; its URL still answers, with the page's refusal ...
    at.switch_page("app_pages/teams_overview.py").run()
    assert any("for admins" in e.value for e in at.error) and not at.dataframe
    admin = run_page("app_pages/teams_overview.py", "admin")
    assert [t.value for t in admin.title] == ["Teams overview"]
    # ... and run directly, the page refuses them itself.
    direct = app_test("app_pages/teams_overview.py")
    direct.session_state["viewer"] = at.session_state["viewer"]
    direct.run()
    assert any("for admins" in e.value for e in direct.error) and not direct.dataframe


def test_org_page_shows_seat_counts_to_members_and_names_to_admins_only(run_page, demo_org):
    inactive = [s["assignee"]["login"] for s in demo_org.seats() if s["last_activity_at"] is None]
    member = run_page("app_pages/org_usage.py", "two-teams")
    assert any(m.label == "Never used" for m in member.metric)
    assert any("shown to admins only" in c.value for c in member.caption)
    seat_tables = [df.value for df in member.dataframe if "member" in df.value.columns]
    assert seat_tables == []
    assert not any(login in str(member.main) for login in inactive)
    admin = run_page("app_pages/org_usage.py", "admin")
    table = next(df.value for df in admin.dataframe if "member" in df.value.columns)
    assert set(inactive) <= set(table["member"])
    assert (table["status"] != "active").all()


def test_the_overview_prices_each_teams_credits_and_seats_with_totals(run_page, demo_store_dir):
    at = run_page("app_pages/teams_overview.py", "admin")
    first, last = at.date_input[0].value
    histories, _ = load_team_histories(open_store(f"file://{demo_store_dir}"))
    costs = next(df.value for df in at.dataframe if "idle_seat_month" in df.value).set_index("team")
    for h in histories:
        days = [d for d in h.data if first <= d.date <= last]
        if days:
            credits = sum(d.ai_credits or 0 for d in days)
            assert costs.loc[h.team.name, "ai_credits"] == pytest.approx(credits)
            assert costs.loc[h.team.name, "credits_cost"] == pytest.approx(credits * 0.01)
            assert costs.loc[h.team.name, "monthly_active_users"] == days[-1].monthly_active_users
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["AI credits, all teams"] == f"{costs['ai_credits'].sum():,.0f}"
    assert metrics["Idle seats per month (USD)"] == f"${costs['idle_seat_month'].sum():,.0f}"
    assert any("SEAT_PRICE_ENTERPRISE_USD" in c.value for c in at.caption)


def test_the_org_page_totals_the_organisations_credits(run_page, demo_store_dir):
    at = run_page("app_pages/org_usage.py", "admin")
    first, last = at.date_input[0].value
    days, _ = load_org_history(open_store(f"file://{demo_store_dir}"))
    credits = sum(d.ai_credits or 0 for d in days if first <= d.date <= last)
    assert credits > 0
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["AI credits in the range"] == f"{credits:,.0f}"
    assert metrics["Seats per month (USD)"].startswith("$")


def test_the_comparison_follows_the_chosen_teams_through_every_change(run_page, demo_store_dir):
    """The rankings and the comparison are drawn once per store version and view and replayed
    after (sections.drawn_once): the teams chosen are part of what is drawn, so choosing others,
    or coming back to the first ones, always shows the teams chosen."""
    at = run_page("app_pages/teams_overview.py", "admin")

    def compared(at) -> set[str]:
        box = next(e for e in at.expander if e.label.startswith("Active users"))
        return set(box.dataframe[0].value["Series"])

    histories, _ = load_team_histories(open_store(f"file://{demo_store_dir}"))
    slug_of = {h.team.name: h.team.slug for h in histories}
    first = set(at.multiselect[0].values)  # the three most active teams, by name
    assert len(first) == 3 and compared(at) == first <= set(at.dataframe[0].value["team"])
    others = [name for name in at.multiselect[0].options if name not in first][:2]
    at.multiselect[0].set_value([slug_of[name] for name in others]).run()
    assert compared(at) == set(others)
    at.multiselect[0].set_value([slug_of[name] for name in sorted(first)]).run()  # back: replayed
    assert compared(at) == first
    rankings = [c.proto.spec for c in at.main if c.type == "vega_lite_chart"][0]
    last = at.date_input[0].value[1]
    at.date_input[0].set_value((last - timedelta(days=6), last)).run()  # another range: drawn for it
    assert not at.exception and compared(at) == first
    assert [c.proto.spec for c in at.main if c.type == "vega_lite_chart"][0] != rankings
