"""Bad input is refused where it enters, with one line naming it, before it reaches a URL, a store
key or the page: settings, days, team slugs from every door (query string, session, CLI, GitHub's
own reports and lists), and team names or descriptions that carry markup.

The number of bad inputs tried is printed in the terminal summary.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from datetime import timedelta

import pytest
from conftest import print_at_the_end
from fake_github import FakeGitHub
from github_app import (
    END,
    TODAY,
    SummaryLines,
    displayed,
    error_texts,
    github_mode,
    markup_in,
    run_with_session,
    session_of,
    shows_numbers,
    small_org,
)
from github_tap import Tap, edit_lines

from copilot_usage.collector import aws_lambda
from copilot_usage.collector.cli import main
from copilot_usage.collector.run import collect
from copilot_usage.config import load_settings
from copilot_usage.contract.keys import TEAMS_KEY
from copilot_usage.contract.rules import utc_today
from copilot_usage.errors import SettingsError
from copilot_usage.github.client import GitHubClient
from copilot_usage.github.directory import team_members
from copilot_usage.store import LocalStore, open_store
from copilot_usage.store.histories import load_org_history, load_team_histories

SETTINGS = ("GITHUB_ORG", "GITHUB_API_URL", "GITHUB_WEB_URL", "GITHUB_TOKEN", "GITHUB_APP_ID",
            "GITHUB_APP_PRIVATE_KEY", "GITHUB_OAUTH_CLIENT_ID", "GITHUB_OAUTH_CLIENT_SECRET", "APP_URL",
            "STORE_URL", "ADMIN_TEAMS", "AWS_ENDPOINT_URL", "COLLECT_CONCURRENCY", "GITHUB_RETRY_SCALE",
            "GITHUB_MAX_WAIT_SECONDS", "GITHUB_TIMEOUT_SECONDS")


@pytest.fixture(scope="module")
def tried(request):
    summary = SummaryLines("bad input")
    print_at_the_end(request.config, summary)
    kinds: dict[str, int] = {}
    yield kinds
    summary.rows += [f"{kind}: {count}" for kind, count in kinds.items()]
    summary.rows.append(f"bad inputs tried (all refused or shown inert): {sum(kinds.values())}")


def count(tried: dict, kind: str) -> None:
    tried[kind] = tried.get(kind, 0) + 1


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


# ---------------------------------------------------------------- settings


@pytest.mark.unit
@pytest.mark.parametrize("name,value", [
    ("GITHUB_API_URL", "http://:80"),
    ("GITHUB_API_URL", "https://api.github.com:99999"),
    ("GITHUB_API_URL", "https://api.github.com?per_page=1"),
    ("GITHUB_API_URL", "https://api.github.com#x"),
    ("GITHUB_API_URL", "https://api.github.com/\x07bell"),
    ("GITHUB_API_URL", "https://-bad-.example"),
    ("GITHUB_WEB_URL", "file:///etc/passwd"),
    ("GITHUB_WEB_URL", "//github.com"),
    ("GITHUB_WEB_URL", "https://[not-an-ip]/"),
    ("APP_URL", "https://exa mple.com"),
    ("APP_URL", "data:text/html,<script>alert(1)</script>"),
    ("AWS_ENDPOINT_URL", "localhost:5000"),
    ("STORE_URL", "s3://Bad_Bucket/x"),
    ("STORE_URL", "s3://bucket/../x"),
    ("STORE_URL", "file://"),
    ("STORE_URL", "https://bucket.s3.amazonaws.com/x"),
    ("GITHUB_ORG", "acme/platform"),
    ("GITHUB_ORG", "acme%2Fplatform"),
    ("GITHUB_ORG", "/acme"),
    ("GITHUB_ORG", "ac me"),
    ("GITHUB_ORG", "-acme"),
    ("GITHUB_ORG", "acme--corp"),
    ("GITHUB_ORG", "a" * 40),
    ("GITHUB_ORG", "<script>"),
    ("GITHUB_RETRY_SCALE", "0"),
    ("GITHUB_RETRY_SCALE", "-1"),
    ("GITHUB_MAX_WAIT_SECONDS", "-5"),
    ("GITHUB_TIMEOUT_SECONDS", "soon"),
    ("COLLECT_CONCURRENCY", "1000"),
])
def test_a_bad_setting_is_one_line_naming_it(clean_env, monkeypatch, tried, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(f"{name}: ") and "\n" not in message
    count(tried, "settings")


@pytest.mark.unit
@pytest.mark.parametrize("name", ["GITHUB_API_URL", "GITHUB_WEB_URL", "APP_URL", "AWS_ENDPOINT_URL"])
def test_a_url_with_a_password_is_refused_without_repeating_it(clean_env, monkeypatch, tried, name):
    monkeypatch.setenv(name, "https://octocat:ghp_SecretInTheUrl0001@api.github.com")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert str(caught.value).startswith(f"{name}: must not carry a user name or password")
    assert "ghp_SecretInTheUrl0001" not in str(caught.value)
    count(tried, "settings")


# ---------------------------------------------------------------- days


def cli(*args: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(list(args))
    return code, err.getvalue()


TOMORROW = (utc_today() + timedelta(days=1)).isoformat()


@pytest.mark.unit
@pytest.mark.parametrize("args,message", [
    (["collect", "--since", "2026-02-30"], "--since: must be a day like 2026-03-31"),
    (["collect", "--since", "20260101"], "--since: must be a day like"),
    (["collect", "--since", "2026/01/01"], "--since: must be a day like"),
    (["collect", "--since", "2026-1-1"], "--since: must be a day like"),
    (["collect", "--since", "٢٠٢٦-٠١-٠١"], "--since: must be a day like"),
    (["collect", "--since", "2026-01-01T00:00"], "--since: must be a day like"),
    (["collect", "--until", "yesterday"], "--until: must be a day like"),
    (["collect", "--since", "2026-05-02", "--until", "2026-05-01"], "--since must be before --until"),
    (["collect", "--since", "2026-05-01", "--until", "2026-05-01"], "--since must be before --until"),
    (["collect", "--since", TOMORROW], "--since must be in the past"),
    (["collect", "--since", utc_today().isoformat()], "--since must be in the past"),
    (["team-history", "--team", "platform", "--since", "31/12/2025"], "--since: must be a day like"),
])
def test_a_bad_day_on_the_command_line_is_one_line(clean_env, monkeypatch, tried, args, message):
    monkeypatch.setenv("GITHUB_ORG", "acme")
    monkeypatch.setenv("GITHUB_TOKEN", "t")
    monkeypatch.setenv("GITHUB_API_URL", "http://127.0.0.1:9")  # never reached
    code, err = cli(*args)
    assert code == 1 and err.startswith(f"error: {message}") and len(err.strip().splitlines()) == 1
    count(tried, "days")


@pytest.mark.unit
@pytest.mark.parametrize("event,message", [
    ({"since": "2026-13-01"}, "since: must be a day like"),
    ({"until": "next week"}, "until: must be a day like"),
    ({"since": "2026-05-02", "until": "2026-05-01"}, "since must be before until"),
    ({"since": TOMORROW}, "since must be in the past"),
])
def test_a_bad_day_in_the_lambda_event_is_refused_before_any_request(clean_env, monkeypatch, tried,
                                                                     event, message):
    monkeypatch.setenv("GITHUB_ORG", "acme")
    monkeypatch.setenv("GITHUB_TOKEN", "t")
    monkeypatch.setenv("GITHUB_API_URL", "http://127.0.0.1:9")
    with pytest.raises(SettingsError, match=message):
        aws_lambda.handler(event, None)
    count(tried, "days")


# ---------------------------------------------------------------- team slugs

BAD_SLUGS = ["../payments", "..%2Fpayments", "%2Fpayments", "payments/../platform", "pay ments",
             "Payments", "payments\n", "payments?x=1", "payments#top", "<script>alert(1)</script>",
             "javascript:alert(1)", "p" * 101, "p" * 5000, "päyments", "-payments", ".."]


@pytest.fixture(scope="module")
def fake(org):
    with FakeGitHub(org) as github, Tap(github) as tap:
        github.tap = tap
        yield github


@pytest.fixture
def store_keys_read(monkeypatch):
    """Every key the app's store is asked for."""
    keys: list[str] = []
    original = LocalStore._read_file

    def read(self, key):
        keys.append(key)
        return original(self, key)

    monkeypatch.setattr(LocalStore, "_read_file", read)
    return keys


def reached(fake, store_keys: list[str], value: str) -> list[str]:
    """Requests and store keys that carry `value` (or its first 20 characters)."""
    probe = value.strip()[:20]
    return [p for p in fake.tap.paths if probe in p] + [k for k in store_keys if probe in k]


@pytest.mark.integration
@pytest.mark.parametrize("door", ["query string", "session"])
def test_a_malformed_team_slug_is_refused_before_any_url_or_store_key(monkeypatch, fake, org, store_url,
                                                                       store_keys_read, tried, door):
    github_mode(monkeypatch, fake, store_url)
    viewer, token = session_of(fake, org.personas["two-teams"])
    for slug in BAD_SLUGS:
        fake.tap.reset()
        store_keys_read.clear()
        at = run_with_session(viewer, token, query={"team": slug} if door == "query string" else None,
                              session={"team_picker": slug} if door == "session" else None)
        assert not at.exception, at.exception
        assert any("not a valid team name" in text for text in error_texts(at)), (slug, error_texts(at))
        assert not shows_numbers(at)
        assert not [p for p in fake.tap.paths if "/teams/" in p]     # no members call for any team
        assert not reached(fake, store_keys_read, slug), slug
        count(tried, f"team slugs via the {door}")


@pytest.mark.integration
@pytest.mark.parametrize("slug", ["../payments", "payments/../../x", "%2Fpayments", "p" * 5000, "a b\tc"])
def test_a_malformed_team_on_the_command_line_never_reaches_a_url(clean_env, monkeypatch, fake, tried, slug):
    for name, value in {"GITHUB_ORG": fake.org.org, "GITHUB_API_URL": fake.url, "GITHUB_TOKEN": "t",
                        "GITHUB_RETRY_SCALE": "0.01"}.items():
        monkeypatch.setenv(name, value)
    fake.tap.reset()
    code, err = cli("team-history", "--team", slug)
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "is not a team of this organisation" in err and len(err) < 200
    assert fake.tap.paths and not [p for p in fake.tap.paths if "/teams/" in p or slug[:20] in p]
    count(tried, "team slugs via the CLI")


@pytest.mark.integration
def test_the_members_lookup_refuses_a_malformed_slug_before_asking(fake, tried):
    fake.tap.reset()
    with GitHubClient(fake.url, token="t") as client:
        for slug in BAD_SLUGS:
            with pytest.raises(ValueError, match="not a GitHub team slug"):
                team_members(client, fake.org.org, slug)
            count(tried, "team slugs via code")
    assert fake.tap.paths == []


@pytest.mark.integration
@pytest.mark.parametrize("bad", ["../../etc", "Platform Team", "platform/x", "x" * 300, ""])
def test_a_malformed_slug_in_githubs_reports_or_team_list_never_becomes_a_team(fake, org, tmp_path, tried, bad):
    def in_report(line):
        return {**line, "slug": bad} if line["slug"] == "platform" else line

    fake.tap.reset()
    fake.tap.rewrite("/downloads/user-teams-1-day/", edit_lines(in_report))
    fake.tap.rewrite("/orgs/octo-demo/teams", lambda request, response: type(response)(
        200, headers=response.headers, json=[*response.json(), {"slug": bad, "name": "Evil", "id": 9}]))
    store = open_store(f"file://{tmp_path}")
    try:
        with GitHubClient(fake.url, token="t") as client:
            collect(client, store, org.org, since=END - timedelta(days=4), today=TODAY)
    finally:
        fake.tap.clear()
    histories, _ = load_team_histories(store)
    assert {h.team.slug for h in histories} == {"data-science", "payments", "platform-sre"}
    assert [t["slug"] for t in store.read_json(TEAMS_KEY).data] == ["data-science", "payments", "platform-sre"]
    assert not [key for key in store.list_keys() if bad and bad[:20] in key]
    count(tried, "team slugs from GitHub")


@pytest.mark.integration
@pytest.mark.parametrize("bad", ["abc", True, [3], {"n": 1}, -1.5e400])
def test_a_malformed_user_count_in_the_org_report_is_unknown_not_a_crash(fake, org, tmp_path, tried, bad):
    fake.tap.reset()
    fake.tap.rewrite("/downloads/organization-1-day/", edit_lines(
        lambda line: {**line, "weekly_active_users": bad, "monthly_active_users": bad}))
    store = open_store(f"file://{tmp_path}")
    try:
        with GitHubClient(fake.url, token="t") as client:
            summary = collect(client, store, org.org, since=END - timedelta(days=4), today=TODAY)
    finally:
        fake.tap.clear()
    days, _ = load_org_history(store)
    assert summary.days_fetched == 4 and [d.date for d in days][-4:] == [END - timedelta(days=n) for n in (3, 2, 1, 0)]
    assert all(d.weekly_active_users is None and d.monthly_active_users is None for d in days[-4:])
    assert all(d.daily_active_users > 0 for d in days[-4:])  # the rest of the line still counts
    count(tried, "user counts from GitHub")


# ---------------------------------------------------------------- names and descriptions

EVIL_NAMES = [
    "<img src=x onerror=alert(document.cookie)>",
    "[Open the docs](javascript:alert(1))",
    "![x](https://evil.example/pixel.png) :red[urgent] :material/warning: $x^2$ **bold** `code`",
    "# Heading\n\n- list <script>alert(1)</script> &amp; _under_ ~~strike~~ | a | b |",
    "Platform " + "very long name " * 400,
]


def stored_with_names(store_url: str, tmp_path, slug: str, name: str, description: str, url: str) -> str:
    """A copy of the store whose `copilot_teams.json` gives `slug` this name, description and url."""
    root = tmp_path / "store"
    shutil.copytree(store_url.removeprefix("file://"), root)
    store = open_store(f"file://{root}")
    current = store.read_json(TEAMS_KEY)
    teams = [{**t, "name": name, "description": description, "url": url} if t["slug"] == slug else t
             for t in current.data]
    store.write_json(TEAMS_KEY, teams, if_tag=current.tag)
    return store.url


@pytest.mark.integration
@pytest.mark.parametrize("name", EVIL_NAMES, ids=["html", "js-link", "streamlit-markup", "blocks", "long"])
def test_team_names_and_descriptions_display_as_inert_text(monkeypatch, org, store_url, tmp_path, tried, name):
    login = "lhaddad"  # in payments (qualifies) and design-guild (never qualifies)
    changed = small_org()
    next(t for t in changed.teams if t["slug"] == "design-guild")["name"] = name   # as GitHub names it
    description = name + " <iframe src=javascript:alert(1)></iframe>" * 20
    url = "javascript:alert(1)//https://github.com"
    with FakeGitHub(changed) as github:
        github_mode(monkeypatch, github, stored_with_names(store_url, tmp_path, "payments", name, description, url))
        viewer, token = session_of(github, login)
        at = run_with_session(viewer, token, query={"team": "payments"})
        assert not at.exception, at.exception
        header, shown = at.header[0].value, re.sub(r"[\x00-\x1f]+", " ", name).strip()
        assert displayed(header).strip() == shown and not markup_in(header)
        assert at.text[0].value == description                       # st.text: never Markdown
        captions = [c.value for c in at.caption]
        assert not [c for c in captions if "on GitHub" in c]          # no link to a non-https address
        waiting = [c for c in captions if "a Copilot licence" in c]
        assert waiting and not markup_in(waiting[0]) and displayed(waiting[0]).startswith(shown)

        refused = run_with_session(viewer, token, query={"team": "platform-sre"})
        assert error_texts(refused) and not [markup_in(t) for t in error_texts(refused) if markup_in(t)]
    count(tried, "team names and descriptions")


@pytest.mark.integration
def test_a_refusal_naming_a_team_shows_its_name_as_text(monkeypatch, org, store_url, tmp_path, tried, fake):
    name = "[Click to restore access](javascript:alert(1)) <b>now</b>"
    github_mode(monkeypatch, fake, stored_with_names(store_url, tmp_path, "data-science", name, "", ""))
    viewer, token = session_of(fake, org.personas["two-teams"])
    at = run_with_session(viewer, token, query={"team": "data-science"})
    assert not shows_numbers(at)
    message = next(t for t in error_texts(at) if "You are not a member of" in t)
    assert not markup_in(message) and name in displayed(message)
    count(tried, "team names and descriptions")
