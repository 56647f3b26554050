"""AppTest: the team page for demo personas, signed in through the demo sign-in box."""

import json

import pytest
from demo_app import app_test, demo_mode
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.unit



@pytest.fixture
def visitor(monkeypatch, demo_store_dir):
    """The app (AppTest, in this process) as a visitor who has not signed in yet sees it."""
    demo_mode(monkeypatch, f"file://{demo_store_dir}")
    at = app_test()
    at.run()
    return at


def sign_in(at: AppTest, persona: str) -> AppTest:
    at.radio[0].set_value(persona)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def vega_specs(at: AppTest) -> list:
    return [el for el in at.main if el.type == "vega_lite_chart"]


def test_signed_out_visitor_sees_the_sign_in_box_and_demo_banner(visitor):
    assert any("Demo data" in w.value for w in visitor.warning)
    assert visitor.radio[0].options == ["Member of two teams", "Admin", "Member of no team",
                                    "Not in the organisation"]
    assert not vega_specs(visitor)


def test_member_of_two_teams_picks_a_team_and_sees_the_chart(visitor, demo_org):
    sign_in(visitor, "two-teams")
    picker = visitor.selectbox[0]
    login = demo_org.personas["two-teams"]
    own = {slug for slug, logins in demo_org.members.items() if login in logins}
    assert set(picker.options) == {t["name"] + "  ·  your team" for t in demo_org.teams if t["slug"] in own}
    assert len(picker.options) == 2
    charts = vega_specs(visitor)
    assert len(charts) == 11  # activity (3), rolling users, credits, CLI and review, phases, breakdowns (4)
    assert "Active users" in str(charts[0].proto.spec)
    other = sorted(own - {visitor.query_params["team"]})[0]
    picker.set_value(other).run()
    assert visitor.query_params["team"] == other and not visitor.exception
    assert visitor.header[0].value == next(t["name"] for t in demo_org.teams if t["slug"] == other)
    assert len(vega_specs(visitor)) == 11


def test_member_of_no_team_gets_an_explanation_not_a_picker(visitor):
    sign_in(visitor, "no-team")
    assert not visitor.selectbox
    assert not vega_specs(visitor)
    assert any("not a member of any team" in i.value for i in visitor.info)


def test_outsider_is_refused(visitor):
    sign_in(visitor, "outsider")
    assert not visitor.selectbox and not vega_specs(visitor)
    assert any("is not a member of" in e.value for e in visitor.error)


def test_a_shared_link_to_another_team_is_refused_without_numbers(visitor, demo_org):
    login = demo_org.personas["two-teams"]
    other = next(line["slug"] for line in demo_org.user_team_lines(demo_org.end_day)
                 if login not in demo_org.members[line["slug"]])
    visitor.query_params["team"] = other
    sign_in(visitor, "two-teams")
    assert any("You are not a member of" in e.value for e in visitor.error)
    assert not vega_specs(visitor) and not visitor.metric


def test_admin_opens_a_team_that_is_not_theirs_and_sees_the_overview(visitor, demo_org, demo_store_dir):
    login = demo_org.personas["admin"]
    other = next(line["slug"] for line in demo_org.user_team_lines(demo_org.end_day)
                 if login not in demo_org.members[line["slug"]])
    visitor.query_params["team"] = other
    sign_in(visitor, "admin")
    assert visitor.query_params["team"] == other and len(vega_specs(visitor)) == 11
    visitor.switch_page("app_pages/teams_overview.py").run()
    table = visitor.dataframe[0].value
    first, last = visitor.date_input[0].value
    histories = json.loads((demo_store_dir / "teams_history.json").read_text())
    expected = {h["team"]["name"] for h in histories
                if any(first.isoformat() <= d["date"] <= last.isoformat() for d in h["data"])}
    assert set(table["team"]) == expected and len(expected) >= 2


def test_a_broken_store_reads_as_a_sentence(monkeypatch, tmp_path):
    (tmp_path / "teams_history.json").write_text("{broken")
    (tmp_path / "admin_teams.json").write_text("[]")
    demo_mode(monkeypatch, f"file://{tmp_path}")
    at = app_test()
    at.run()
    sign_in(at, "two-teams")
    assert any("teams_history.json" in e.value and "not valid JSON" in e.value for e in at.error)
