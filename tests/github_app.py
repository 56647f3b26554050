"""AppTest of the app as deployed: GitHub sign-in configured, GitHub played by the loopback fake.

Only the popup of streamlit-oauth's button needs a browser; `GitHubButton`
stands in for it and hands the app the callback a browser would have brought
back (a code and a state from the fake's consent page). Everything after that,
the state check, the code exchange with PKCE, resolving the viewer with their
token, is the app's own code talking HTTP to the fake.

    org = small_org()
    with FakeGitHub(org) as fake:
        store = collected_store(tmp, org)
        github_mode(monkeypatch, fake, store)
        button = GitHubButton.install(monkeypatch)
        at = app_test()
        sign_in(at, button, fake, org.personas["two-teams"])
"""

from __future__ import annotations

import re
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import streamlit as st
import streamlit_oauth
from streamlit.testing.v1 import AppTest

from copilot_usage.collector.run import collect
from copilot_usage.contract.keys import ADMIN_TEAMS_KEY
from copilot_usage.demo import build_demo_org
from copilot_usage.github.client import GitHubClient
from copilot_usage.github.oauth import CALLBACK_PATH, SCOPES
from copilot_usage.store import open_store
from copilot_usage.web.viewer import resolve_viewer

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")
END = date(2026, 10, 31)
TODAY = END + timedelta(days=2)
APP_URL = "http://localhost:8501"
PENDING_KEY = "sign_in_pending"
SESSION_SECRET = "test-session-secret-0123456789-abcdefghij"  # what a deployment sets, long and random


def small_org():
    """Teams copilot-admins, data-science, design-guild (never qualifies), payments, platform,
    platform-sre; the two-teams persona is in payments and platform."""
    return build_demo_org(seed=21, teams=6, users=60, days=10, end_day=END)


def collected_store(root: Path, org) -> str:
    """`org` collected by the real collector into a folder, with its admin teams; the STORE_URL."""
    store = open_store(f"file://{root}")
    with GitHubClient(token="collector", transport=org.transport()) as client:
        collect(client, store, org.org, since=org.first_day - timedelta(days=1), today=TODAY)
    store.write_json(ADMIN_TEAMS_KEY, org.admin_teams, if_tag=store.tag(ADMIN_TEAMS_KEY))
    return store.url


def github_mode(monkeypatch, fake, store_url: str, **env: str) -> None:
    """Settings of a deployment signing in at `fake`, over `store_url`; caches emptied."""
    settings = {"GITHUB_ORG": fake.org.org, "GITHUB_API_URL": fake.url, "GITHUB_WEB_URL": fake.url,
                "GITHUB_OAUTH_CLIENT_ID": fake.oauth.client_id,
                "GITHUB_OAUTH_CLIENT_SECRET": fake.oauth.client_secret, "APP_URL": APP_URL,
                "SESSION_SECRET": SESSION_SECRET, "STORE_URL": store_url, **env}
    for name in ("ADMIN_TEAMS", "GITHUB_TOKEN", "GITHUB_APP_ID", "GITHUB_APP_PRIVATE_KEY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    st.cache_resource.clear()
    st.cache_data.clear()


class GitHubButton:
    """Stands in for streamlit-oauth's button in the browser (the component the library's
    `authorize_button` draws): answers with the callbacks queued in `answers`."""

    def __init__(self) -> None:
        self.answers: list[dict] = []
        self.authorization_urls: list[str] = []

    @classmethod
    def install(cls, monkeypatch) -> GitHubButton:
        button = cls()
        monkeypatch.setattr(streamlit_oauth, "_authorize_button", button)
        return button

    def __call__(self, *, authorization_url: str, **_) -> dict | None:
        self.authorization_urls.append(authorization_url)
        return self.answers.pop(0) if self.answers else None


def app_test(script: str = APP) -> AppTest:
    return AppTest.from_file(script if script.startswith("/") else str(ROOT / script), default_timeout=60)


def consent(fake, at: AppTest, login: str, *, client_id: str | None = None) -> dict:
    """What the browser brings back after `login` clicks Authorize on the fake's consent page
    for the sign-in this session started: {"code": ..., "state": ...}."""
    state, _verifier, challenge = at.session_state[PENDING_KEY]
    params = {"client_id": client_id or fake.oauth.client_id, "redirect_uri": APP_URL + CALLBACK_PATH,
              "scope": SCOPES, "state": state, "code_challenge": challenge,
              "code_challenge_method": "S256", "login": login, "decision": "allow"}
    answer = httpx.get(f"{fake.url}/login/oauth/authorize/decide", params=params)
    assert answer.status_code == 302, answer.text
    return {k: v[0] for k, v in parse_qs(urlsplit(answer.headers["location"]).query).items()}


def sign_in(at: AppTest, button: GitHubButton, fake, login: str) -> AppTest:
    """Sign in as `login` through the app's own sign-in box."""
    at.run()
    button.answers.append(consent(fake, at, login))
    at.run()
    assert not at.exception, at.exception
    return at


def session_of(fake, login: str, admin_entries=("copilot-admins",)):
    """(viewer, token): the viewer as the app resolves them at sign-in, with that sign-in's token."""
    token = fake.oauth.issue_token(login)
    with GitHubClient(fake.url, token=token) as client:
        return resolve_viewer(client, fake.org.org, list(admin_entries)), token


def run_with_session(viewer, token, checked_ago: float = 0.0, *, query=None, session=None,
                     script: str = "streamlit_app.py") -> AppTest:
    """`script` run in a signed-in session whose viewer GitHub confirmed `checked_ago` seconds ago."""
    at = app_test(script)
    at.session_state["viewer"] = viewer
    at.session_state["github_token"] = token
    at.session_state["viewer_checked_at"] = time.time() - checked_ago
    for key, value in (session or {}).items():
        at.session_state[key] = value
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    return at


def error_texts(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def displayed(markdown: str) -> str:
    """The text a CommonMark renderer shows for `markdown` made of plain text and escapes."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def markup_in(text: str) -> list[str]:
    """Markdown characters in `text` left unescaped, which Streamlit would render as markup."""
    found, escaped = [], False
    for index, char in enumerate(text):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "[]<>`$&*~" or (char == ":" and re.match(r"[A-Za-z0-9_\[-]", text[index + 1:index + 2])):
            found.append(char)
    return found


def shows_numbers(at: AppTest) -> bool:
    return bool(at.metric or at.dataframe or [el for el in at.main if el.type == "vega_lite_chart"])


class SummaryLines:
    """Lines printed in pytest's terminal summary under `title` (counts of a module's attempts)."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.rows: list[str] = []

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if self.rows:
            terminalreporter.section(self.title)
            for row in self.rows:
                terminalreporter.write_line(row)

