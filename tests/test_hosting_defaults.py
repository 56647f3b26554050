"""Hosting defaults: the shipped Streamlit config is safe, and what people see when things go
wrong is a sentence from the package's own error tree with what to do next, never a traceback."""

from __future__ import annotations

import logging
import tomllib
from pathlib import Path

import pytest
from demo_app import app_test, demo_mode, signed_in
from github_app import collected_store, displayed, small_org
from streamlit import config as streamlit_config

from copilot_usage.analysis.access import (
    Viewer,
    authorize,
    authorize_admin,
    require_member,
)
from copilot_usage.contract.keys import HISTORY_KEY
from copilot_usage.contract.teams import Team
from copilot_usage.errors import AccessDenied, CopilotUsageError, InvalidStoreFile
from copilot_usage.github.oauth import check_callback
from copilot_usage.store import open_store
from copilot_usage.web import charts
from copilot_usage.web.ui import data

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".streamlit" / "config.toml"
SECRET = "db-password=hunter2 at /srv/app/internal.py"
NEXT_STEPS = ("sign in", "ask ", "pick ", "open ", "run ", "try again", "set ", "fix ", "check ",
              "create ", "wait ", "move ")


def says_what_to_do(message: str) -> bool:
    return any(step in message.lower() for step in NEXT_STEPS)


@pytest.fixture(scope="module")
def store_url(tmp_path_factory):
    return collected_store(tmp_path_factory.mktemp("store"), small_org())


def test_the_shipped_config_hides_details_protects_forms_and_sends_no_statistics():
    settings = tomllib.loads(CONFIG.read_text())
    assert settings["client"]["showErrorDetails"] == "none"       # a short notice, never the trace
    assert settings["server"]["enableXsrfProtection"] is True
    assert settings["server"]["enableCORS"] is True                 # XSRF protection needs it
    assert settings["browser"]["gatherUsageStats"] is False
    assert settings["client"]["toolbarMode"] in ("minimal", "viewer")  # no developer options
    assert settings["server"]["headless"] is True
    assert settings["logger"]["enableRich"] is False               # exceptions go to the log's handlers


def test_streamlit_takes_them_from_the_file(monkeypatch):
    monkeypatch.chdir(ROOT)  # Streamlit reads .streamlit/config.toml of the folder it starts in
    streamlit_config.get_config_options(force_reparse=True)
    for option, value in (("client.showErrorDetails", "none"), ("server.enableXsrfProtection", True),
                          ("browser.gatherUsageStats", False), ("client.toolbarMode", "minimal"),
                          ("global.disableWidgetStateDuplicationWarning", True), ("logger.enableRich", False)):
        assert streamlit_config.get_option(option) == value
        assert streamlit_config.get_where_defined(option) == str(CONFIG)


class Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)

    def text(self) -> str:
        formatter = logging.Formatter()
        return "\n".join(formatter.format(record) for record in self.records)


@pytest.fixture
def server_log():
    """What the server logs about scripts: Streamlit's loggers do not propagate, so listen on them."""
    handler = Records()
    loggers = [logging.getLogger(name) for name in ("streamlit", "streamlit.error_util", "copilot_usage")]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)


def test_an_exception_inside_a_page_shows_the_short_notice_and_logs_the_details(
        monkeypatch, store_url, server_log):
    monkeypatch.chdir(ROOT)
    streamlit_config.get_config_options(force_reparse=True)
    demo_mode(monkeypatch, store_url)

    def broken_chart(*args, **kwargs):
        raise RuntimeError(SECRET)

    monkeypatch.setattr(charts, "org_users_chart", broken_chart)
    at = signed_in("two-teams")
    at.switch_page("app_pages/org_usage.py").run()
    assert len(at.exception) == 1
    shown = at.exception[0]
    assert not shown.stack_trace and "RuntimeError" not in shown.type and SECRET not in shown.message
    assert "redacted" in shown.message and len(shown.message) < 300
    assert "RuntimeError" in server_log.text() and SECRET in server_log.text()


def test_an_unexpected_failure_while_loading_reads_as_a_sentence_and_is_logged(
        monkeypatch, store_url, server_log):
    demo_mode(monkeypatch, store_url)

    def broken(store):
        raise ValueError(SECRET)

    monkeypatch.setattr(data.org_reads, "org_days", broken)
    at = signed_in("two-teams")
    at.switch_page("app_pages/org_usage.py").run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Something went wrong while loading the data. Try again in a minute; if it keeps happening, "
        "ask the app's operator to check the logs."]
    assert SECRET in server_log.text()   # the operator finds the cause where the sentence says


def test_a_broken_store_file_names_it_and_says_what_to_do(monkeypatch, store_url, tmp_path):
    (tmp_path / HISTORY_KEY).write_text('{"broken": ')
    (tmp_path / "admin_teams.json").write_text("[]")
    demo_mode(monkeypatch, f"file://{tmp_path}")
    at = signed_in("two-teams")
    messages = [displayed(e.value) for e in at.error]
    assert messages and all(HISTORY_KEY in m and says_what_to_do(m) for m in messages)


def test_a_bad_setting_stops_the_app_with_one_sentence(monkeypatch, store_url):
    demo_mode(monkeypatch, store_url, GITHUB_API_URL="api.github.com")
    at = app_test()
    at.run()
    assert not at.exception
    assert [displayed(e.value) for e in at.error] == [
        "The app is not configured correctly. GITHUB_API_URL: must be an http(s) URL like "
        "https://example.com (got 'api.github.com')"]


def refusals(tmp_path: Path) -> list[CopilotUsageError]:
    """Every refusal the access rules and the sign-in check give a person."""
    member = Viewer(login="octocat", in_org=True, teams=["web"])
    teams = [Team(name="Web", slug="web"), Team(name="Data", slug="data")]
    attempts = [lambda: require_member(None, "acme"),
                lambda: require_member(Viewer(login="stranger"), "acme"),
                lambda: authorize(member, "../web", teams),
                lambda: authorize(member, "gone", teams),
                lambda: authorize(member, "data", teams),
                lambda: authorize_admin(member),
                lambda: check_callback({"code": "c"}, expected_state="s"),
                lambda: check_callback({"state": "s", "error": "access_denied"}, expected_state="s"),
                lambda: check_callback({"state": "s"}, expected_state="s"),
                lambda: broken_store(tmp_path).read_json(HISTORY_KEY)]
    found = []
    for attempt in attempts:
        try:
            attempt()
        except CopilotUsageError as exc:
            found.append(exc)
        else:
            found.append(None)
    return found


def broken_store(root: Path):
    (root / HISTORY_KEY).write_bytes(b"\xff")
    return open_store(f"file://{root}")


def test_every_refusal_is_ours_and_says_what_to_do_next(tmp_path):
    found = refusals(tmp_path)
    for exc in found:
        assert isinstance(exc, CopilotUsageError), exc
        assert says_what_to_do(str(exc)), str(exc)
    assert sum(isinstance(e, AccessDenied) for e in found) == 6
    assert isinstance(found[-1], InvalidStoreFile)
