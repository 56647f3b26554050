"""My usage (AppTest, demo mode over the demo store collected by the real collector): each
persona sees their own numbers, worked out here again from the demo organisation's report
lines; crafted claims in the URL or the session never show anyone else's; empty states say why."""

from __future__ import annotations

import io
import json
import shutil
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from demo_app import app_test, demo_mode, signed_in

from copilot_usage.analysis.access import Viewer
from copilot_usage.analysis.pricing import Prices
from copilot_usage.contract.figures import COLUMNS
from copilot_usage.contract.names import PHASES
from copilot_usage.read.person import collected_days, person_facts
from copilot_usage.store import open_store
from copilot_usage.web.ui.controls import View
from copilot_usage.web.ui.my_usage import export_files

pytestmark = pytest.mark.unit

PAGE = "app_pages/my_usage.py"


@pytest.fixture
def demo(monkeypatch, demo_store_dir):
    demo_mode(monkeypatch, f"file://{demo_store_dir}")
    return demo_store_dir


def own_lines(org, login: str, start: date, end: date) -> list[dict]:
    """The person's report lines over [start, end], straight from the synthetic organisation."""
    lines = []
    day = start
    while day <= end:
        lines += [line for line in org.user_lines(day) if line["user_login"] == login]
        day += timedelta(days=1)
    return lines


def default_range(store_dir) -> tuple[date, date]:
    days = collected_days(open_store(f"file://{store_dir}"))
    return max(days[0], days[-1] - timedelta(days=27)), days[-1]


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def expected_metrics(lines: list[dict]) -> dict[str, str]:
    generations = sum(line["code_generation_activity_count"] for line in lines)
    accepted = sum(line["code_acceptance_activity_count"] for line in lines)
    return {"Active days": f"{len(lines)}",
            "Interactions": f"{sum(line['user_initiated_interaction_count'] for line in lines):,}",
            "Code suggestions": f"{generations:,}",
            "Acceptance rate": f"{accepted / generations:.1%}" if generations else "–",
            "Lines added": f"{sum(line['loc_added_sum'] for line in lines):,}"}


def page_text(at) -> str:
    """Every text the page shows: titles, captions, markdown, metrics, alerts and table cells."""
    parts = [str(el.value) for kind in ("title", "header", "subheader", "caption", "markdown", "info",
                                        "error", "warning") for el in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [frame.value.to_csv() for frame in at.dataframe]
    return "\n".join(parts)


def open_my_usage(at):
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def test_reading_one_person_returns_exactly_their_report_lines(demo_store_dir, demo_org):
    login = demo_org.personas["no-team"]
    user_id = next(u["id"] for u in demo_org.users if u["login"] == login)
    start, end = default_range(demo_store_dir)
    mine = person_facts(open_store(f"file://{demo_store_dir}"), user_id, start, end)
    lines = own_lines(demo_org, login, start, end)
    assert len(mine.days) == len(lines) > 0
    assert list(mine.days["interactions"]) == [line["user_initiated_interaction_count"] for line in lines]
    assert mine.days["loc_added"].sum() == sum(line["loc_added_sum"] for line in lines)
    ides = {item["ide"] for line in lines for item in line.get("totals_by_ide") or []}
    assert set(mine.breakdowns["by_ide"]["item"]) == ides
    assert set(mine.versions["ide"]) == ides
    assert "user_login" not in mine.days and "user_id" not in mine.days


def test_member_of_no_team_gets_my_usage_first_with_their_own_numbers(demo, demo_org):
    at = signed_in("no-team")
    fresh = app_test()  # a new browser session of the same viewer opens the default page
    fresh.session_state["viewer"] = at.session_state["viewer"]
    fresh.run()
    assert not fresh.exception, fresh.exception
    assert fresh.title[0].value == "My usage"
    start, end = default_range(demo)
    lines = own_lines(demo_org, demo_org.personas["no-team"], start, end)
    shown = metrics(fresh)
    assert {k: shown[k] for k in expected_metrics(lines)} == expected_metrics(lines)
    table = fresh.dataframe[0].value
    assert list(table.columns) == ["Figure", "You", "Organisation (avg.)"]  # no team, no team column
    assert fresh.get("download_button") and all(button.proto.ignore_rerun for button in fresh.get("download_button"))


def test_member_of_two_teams_sees_their_two_teams_averages_and_lands_on_team_usage(demo, demo_org):
    at = signed_in("two-teams")
    fresh = app_test()
    fresh.session_state["viewer"] = at.session_state["viewer"]
    fresh.run()
    assert fresh.title[0].value == "Team usage"  # a viewer with teams keeps the team page first
    open_my_usage(at)
    login = demo_org.personas["two-teams"]
    viewer = at.session_state["viewer"]
    table = at.dataframe[0].value
    teams = [c.removesuffix(" (avg.)") for c in table.columns[2:-1]]
    assert sorted(teams) == sorted(viewer.team_names[slug] for slug in viewer.teams)
    start, end = default_range(demo)
    expected = expected_metrics(own_lines(demo_org, login, start, end))
    assert {k: metrics(at)[k] for k in expected} == expected


def test_admin_sees_own_numbers_and_no_other_teams_averages(demo, demo_org):
    at = open_my_usage(signed_in("admin"))
    viewer = at.session_state["viewer"]
    table = at.dataframe[0].value
    named = {c.removesuffix(" (avg.)") for c in table.columns[2:-1]}
    assert named <= {viewer.team_names[slug] for slug in viewer.teams}  # only the admin's own teams
    start, end = default_range(demo)
    lines = own_lines(demo_org, demo_org.personas["admin"], start, end)
    assert {k: metrics(at)[k] for k in expected_metrics(lines)} == expected_metrics(lines)
    credits = sum(line.get("ai_credits_used") or 0 for line in lines)
    assert metrics(at)["AI credits cost (USD)"] == f"${credits * 0.01:,.2f}"


def test_outsider_is_refused_without_numbers(demo):
    at = open_my_usage(signed_in("outsider"))
    assert any("is not a member of" in e.value for e in at.error)
    assert not at.metric and not at.dataframe


@pytest.mark.parametrize("claim", ["query", "session"])
def test_a_crafted_claim_shows_nothing_of_anyone_else(demo, demo_org, claim):
    victim = demo_org.personas["two-teams"]
    victim_id = next(u["id"] for u in demo_org.users if u["login"] == victim)
    at = signed_in("no-team")
    if claim == "query":
        for key, value in {"user": victim, "user_id": str(victim_id), "login": victim}.items():
            at.query_params[key] = value
    else:
        for key in ("user", "user_id", "login", "my_usage_user", "github_user_id"):
            at.session_state[key] = victim_id if "id" in key else victim
    open_my_usage(at)
    start, end = default_range(demo)
    mine = expected_metrics(own_lines(demo_org, demo_org.personas["no-team"], start, end))
    theirs = expected_metrics(own_lines(demo_org, victim, start, end))
    shown = {k: metrics(at)[k] for k in mine}
    assert shown == mine and shown != theirs
    text = page_text(at)
    assert victim not in text
    others = [u["login"] for u in demo_org.users if u["login"] != demo_org.personas["no-team"]]
    assert not [login for login in others if len(login) > 5 and login in text]


def seats_changed(tmp_path, store_dir, seat: dict) -> str:
    """A copy of the store with one more seat in the snapshot."""
    root = tmp_path / "store"
    shutil.copytree(store_dir, root)
    path = root / "copilot_seats.json"
    snapshot = json.loads(path.read_text())
    snapshot["seats"].append(seat)
    path.write_text(json.dumps(snapshot))
    return f"file://{root}"


def as_viewer(viewer: Viewer):
    at = app_test(PAGE)
    at.session_state["viewer"] = viewer
    at.run()
    assert not at.exception, at.exception
    return at


def infos(at) -> str:
    return " ".join(i.value for i in at.info)


def test_empty_state_not_licensed(demo):
    at = as_viewer(Viewer(login="no-seat-here", user_id=17, in_org=True))
    assert "do not have a Copilot licence" in infos(at)
    assert not at.metric


def test_empty_states_licensed_without_activity_and_activity_before_collection(monkeypatch, tmp_path, demo):
    first = collected_days(open_store(f"file://{demo}"))[0]
    before = datetime.combine(first - timedelta(days=30), datetime.min.time(), UTC)
    url = seats_changed(tmp_path, demo, {"login": "new-hire", "user_id": 91, "created_at": "2026-01-01T00:00:00Z",
                                         "last_activity_at": None, "plan_type": "business"})
    demo_mode(monkeypatch, url)
    at = as_viewer(Viewer(login="new-hire", user_id=91, in_org=True))
    assert "licence but no activity yet" in infos(at) and not at.metric
    assert "Plan: Business" in " ".join(m.value for m in at.markdown)
    url = seats_changed(tmp_path / "2", demo, {"login": "old-timer", "user_id": 92, "plan_type": "enterprise",
                                               "last_activity_at": before.isoformat()})
    demo_mode(monkeypatch, url)  # settings and caches follow the new store
    at = as_viewer(Viewer(login="old-timer", user_id=92, in_org=True))
    assert f"before the first collected day ({first:%d %b %Y})" in infos(at) and not at.metric


def test_export_holds_the_viewers_days_only(demo_store_dir, demo_org):
    login = demo_org.personas["admin"]
    user_id = next(u["id"] for u in demo_org.users if u["login"] == login)
    start, end = default_range(demo_store_dir)
    mine = person_facts(open_store(f"file://{demo_store_dir}"), user_id, start, end)
    stem, csv, body = export_files(mine, View(start, end, "day", False), Prices(0.04, 19, 39))
    table = pd.read_csv(io.BytesIO(csv))
    lines = own_lines(demo_org, login, start, end)
    assert list(table["Date"]) == [line["day"] for line in lines]
    assert table["Interactions"].sum() == sum(line["user_initiated_interaction_count"] for line in lines)
    assert set(table["Used agent mode"]) <= {"yes", "no"} and not [c for c in table.columns if "_" in c]
    assert set(table["Adoption phase"].dropna()) <= set(PHASES.values())
    credits = table[COLUMNS["ai_credits"].label]
    assert credits.notna().any()
    assert (table[COLUMNS["credits_cost"].label] - (credits * 0.04).round(2)).abs().max() < 0.006
    payload = json.loads(body)
    assert len(payload["days"]) == len(lines) and set(payload) >= {"by_ide", "by_feature", "by_language", "by_model"}
    assert login not in csv.decode() + body.decode() and stem.startswith("my-usage-")


def test_average_member_divides_range_totals_by_mean_licensed_members():
    from copilot_usage.analysis.my_usage import average_member

    frame = pd.DataFrame({"active_users": [3, 5], "licensed_members": [8, 12], "interactions": [40, 60],
                          "code_generations": [100, 0], "code_acceptances": [30, 0], "loc_added": [10, 30],
                          "ai_credits": [None, 5.0]})
    average = average_member(frame, "active_users", "licensed_members")
    assert average["active_days"] == (3 + 5) / 10 and average["interactions"] == 100 / 10
    assert average["acceptance_rate"] == 30 / 100  # a ratio of sums, not a mean of daily rates
    assert average["loc_added"] == 4 and average["ai_credits"] == 0.5
    assert set(average_member(frame.iloc[:0], "active_users", "licensed_members").values()) == {None}


def test_the_range_is_the_team_pages_control_bound_to_the_url(demo, demo_org):
    at = open_my_usage(signed_in("two-teams"))
    _, end = default_range(demo)
    start = end - timedelta(days=6)
    at.date_input(key="range").set_value((start, end)).run()
    assert not at.exception, at.exception
    assert at.query_params["range"]  # the view is in the URL, as on the team page
    lines = own_lines(demo_org, demo_org.personas["two-teams"], start, end)
    if not lines:  # the demo's days move with the calendar: a quiet week is an empty state
        assert "No Copilot activity of yours" in infos(at) and not at.metric
        return
    expected = expected_metrics(lines)
    assert {k: metrics(at)[k] for k in expected} == expected


def test_the_organisations_average_is_the_org_frames_with_its_seat_counts(demo, demo_org):
    from copilot_usage.analysis.frames import in_range
    from copilot_usage.analysis.my_usage import average_member
    from copilot_usage.config import load_settings
    from copilot_usage.web.ui import data

    at = open_my_usage(signed_in("no-team"))
    start, end = default_range(demo)
    settings = load_settings()
    frame = in_range(data.org_frame(settings), start, end)  # the organisation page's own frame
    expected = average_member(frame, "daily_active_users", "seats")
    from copilot_usage.analysis.my_usage import FIGURES
    from copilot_usage.web.ui.my_usage import figure_text

    table = at.dataframe[0].value.set_index("Figure")["Organisation (avg.)"]
    assert {label: table[label] for label in FIGURES.values()} == \
        {label: figure_text(field, expected[field]) for field, label in FIGURES.items()}
    assert expected["active_days"] is not None
