"""My usage as deployed (GitHub sign-in against the loopback fake, the small organisation
collected by the real collector): the user id comes from GitHub's answer about the token, and
a crafted `?user=` or session claim naming someone else changes nothing on the page."""

from __future__ import annotations

import pytest
from fake_github import FakeGitHub
from github_app import (
    GitHubButton,
    app_test,
    github_mode,
    run_with_session,
    session_of,
    sign_in,
)
from test_my_usage import expected_metrics, metrics, own_lines, page_text

pytestmark = pytest.mark.integration

PAGE = "app_pages/my_usage.py"


@pytest.fixture(scope="module")
def fake(org):
    with FakeGitHub(org) as github:
        yield github


@pytest.fixture
def button(monkeypatch, fake, store_url):
    github_mode(monkeypatch, fake, store_url)
    return GitHubButton.install(monkeypatch)


def own(org, login: str) -> dict[str, str]:
    lines = own_lines(org, login, org.first_day, org.end_day)  # ten days: all inside the default range
    assert lines, f"{login} has no activity in the small organisation"
    return expected_metrics(lines)


def test_signed_in_at_github_the_viewer_sees_their_own_numbers_not_the_urls(button, fake, org):
    me, victim = org.personas["no-team"], org.personas["two-teams"]
    victim_id = next(u["id"] for u in org.users if u["login"] == victim)
    at = app_test()
    for key, value in {"user": victim, "user_id": str(victim_id)}.items():
        at.query_params[key] = value
    sign_in(at, button, fake, me)
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    expected = own(org, me)
    assert {k: metrics(at)[k] for k in expected} == expected != own(org, victim)
    assert victim not in page_text(at)


def test_a_session_claiming_another_user_id_shows_only_the_viewers_numbers(button, fake, org):
    me, victim = org.personas["two-teams"], org.personas["no-team"]
    victim_id = next(u["id"] for u in org.users if u["login"] == victim)
    viewer, token = session_of(fake, me)
    at = run_with_session(viewer, token, script=PAGE,
                          session={"user_id": victim_id, "user": victim, "my_usage_user": victim_id},
                          query={"user": victim})
    assert not at.exception, at.exception
    expected = own(org, me)
    assert {k: metrics(at)[k] for k in expected} == expected != own(org, victim)
    assert victim not in page_text(at)
    teams = [c.removesuffix(" (avg.)") for c in at.dataframe[0].value.columns[2:-1]]
    assert sorted(teams) == sorted(viewer.team_names[slug] for slug in viewer.teams)
