"""No token leaks: across sign-ins, sign-outs, refusals, stale and revoked sign-ins, collector
runs that succeed and fail, and the Lambda handler, no viewer or collector token appears in a log
record, an exception, a URL or query string, a page, a cached value, a store object or a
cookie the app writes (the session cookie holds the token sealed, never readable).

One module fixture plays all of it against the loopback fake GitHub and keeps the evidence;
each test scans one kind of it.
"""

from __future__ import annotations

import base64
import contextlib
import gc
import gzip
import io
import json
import logging
import re
import types
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
import pytest
from cli_runner import run_main
from fake_github import FakeGitHub
from github_app import (
    GitHubButton,
    app_test,
    collected_store,
    consent,
    github_mode,
    run_with_session,
    session_of,
    sign_in,
    small_org,
)
from streamlit.runtime.caching import cache_data_api, cache_resource_api

from copilot_usage.collector import aws_lambda
from copilot_usage.errors import CopilotUsageError
from copilot_usage.store import open_store

pytestmark = pytest.mark.integration

COLLECTOR_TOKEN = "ghp_CollectorTokenMustNeverShow0000001"
UNKNOWN_TOKEN = "gho_" + "Unknown0Token0Never0Shown0000000000"  # the fake answers 401 for it


@dataclass
class Evidence:
    tokens: list[str] = field(default_factory=list)
    logs: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    cached: list[str | bytes] = field(default_factory=list)
    stored: dict[str, bytes] = field(default_factory=dict)
    cookies: list[str] = field(default_factory=list)  # every document.cookie the app wrote


class EveryRecord(logging.Handler):
    def __init__(self, sink: list[str]):
        super().__init__(logging.DEBUG)
        self.sink = sink
        self.formatter_ = logging.Formatter("%(name)s %(levelname)s %(message)s")

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(self.formatter_.format(record) + repr(record.args))


@contextlib.contextmanager
def listening(sink: list[str]):
    """Every log record at every level, Streamlit's own loggers (which do not propagate) included."""
    handler = EveryRecord(sink)
    root = logging.getLogger()
    level = root.level
    names = [""] + [name for name in logging.root.manager.loggerDict if name.startswith("streamlit")]
    loggers = [logging.getLogger(name) for name in names]
    for logger in loggers:
        logger.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        root.setLevel(level)
        for logger in loggers:
            logger.removeHandler(handler)


@contextlib.contextmanager
def every_exception(sink: list[str]):
    """Every exception of the package's error tree and of httpx made meanwhile, raised or not,
    as its message, repr, arguments and attributes (a GitHubError's url included)."""
    made: list[BaseException] = []

    def recording(original):
        def init(self, *args, **kwargs):
            original(self, *args, **kwargs)
            made.append(self)
        return init

    with pytest.MonkeyPatch.context() as mp:
        for cls in (CopilotUsageError, httpx.HTTPError):
            mp.setattr(cls, "__init__", recording(cls.__init__))
        yield
    sink.extend(f"{e!s} {e!r} {e.args!r} {vars(e)!r}" for e in made)


def page_text(at) -> str:
    """Everything an AppTest run put on the page, its query string and its exceptions."""
    parts = [str(el.value) for el in at.main if hasattr(el, "value")]
    parts += [str(el.value) for el in at.sidebar if hasattr(el, "value")]
    parts += [str(e) for e in at.exception] + [repr(dict(at.query_params))]
    return "\n".join(parts)


_COOKIE_WRITE = re.compile(r"document\.cookie = (\"[^\"]*\")")


def cookies_written(at) -> list[str]:
    """The cookie strings the app's `st.html` scripts write in the browser (session cookie)."""
    return [json.loads(match) for el in at.get("html")
            for match in _COOKIE_WRITE.findall(el.proto.body)]


def reachable_text(*roots, limit: int = 2_000_000) -> list[str | bytes]:
    """Every str and bytes reachable from `roots` (not through classes, modules or functions)."""
    skip = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.CodeType,
            types.FrameType, types.MethodType)
    seen, stack, found = set(), list(roots), []
    while stack and len(seen) < limit:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, (str, bytes, bytearray)):
            found.append(obj)
        elif not isinstance(obj, skip):
            stack.extend(gc.get_referents(obj))
    return found


def cli(env: dict[str, str], *args: str) -> str:
    code, out, err = run_main(env, *args)
    return f"exit {code}\n{out}\n{err}"


@pytest.fixture(scope="module")
def evidence(tmp_path_factory) -> Evidence:
    found = Evidence()
    org = small_org()
    app_store = collected_store(tmp_path_factory.mktemp("app-store"), org)
    collector_root = tmp_path_factory.mktemp("collector-store")
    with FakeGitHub(org) as fake, listening(found.logs), every_exception(found.exceptions), \
            pytest.MonkeyPatch.context() as mp:
        handle = fake.oauth.handle

        def recorded(request):
            found.urls.append(str(request.url))
            return handle(request)

        fake.oauth.handle = recorded
        _play_the_app(found, fake, org, app_store, mp)
        _play_the_collector(found, fake, org, collector_root, mp)
        found.cached = reachable_text(cache_data_api.get_data_cache_stats_provider(),
                                      cache_resource_api.get_resource_cache_stats_provider())
        for url in (app_store, f"file://{collector_root}"):
            store = open_store(url)
            for key in store.list_keys():
                data = store.read_bytes(key) or b""
                found.stored[f"{url}/{key}"] = gzip.decompress(data) if key.endswith(".gz") else data
        found.tokens = [*fake.oauth.issued_tokens(), COLLECTOR_TOKEN, UNKNOWN_TOKEN]
    assert len(found.tokens) >= 8
    return found


def _play_the_app(found: Evidence, fake, org, store_url: str, mp) -> None:
    github_mode(mp, fake, store_url)
    button = GitHubButton.install(mp)
    seen = []

    def keep(at):
        seen.append(at)
        found.pages.append(page_text(at))
        found.cookies += cookies_written(at)
        return at

    # A member signs in, looks around, picks their other team, opens the organisation page, signs out.
    member = keep(sign_in(app_test(), button, fake, org.personas["two-teams"]))
    member.selectbox[0].set_value("platform" if member.query_params["team"] == "payments" else "payments").run()
    keep(member)
    member.switch_page("app_pages/org_usage.py").run()
    keep(member)
    member.sidebar.button[0].click().run()
    keep(member)
    # Signed in again; then that code used twice, and a callback with someone else's state.
    first = consent(fake, member, org.personas["two-teams"])
    button.answers.append(first)
    keep(member.run())
    member.sidebar.button[0].click().run()
    button.answers.append({"code": first["code"], "state": member.session_state["sign_in_pending"][0]})
    keep(member.run())
    button.answers.append({**consent(fake, member, org.personas["admin"]), "state": "forged"})
    keep(member.run())
    # An admin opens the overview and a team that is not theirs; a stale sign-in is checked again.
    admin = keep(sign_in(app_test(), button, fake, org.personas["admin"]))
    admin.switch_page("app_pages/teams_overview.py").run()
    keep(admin)
    viewer, token = session_of(fake, org.personas["admin"])
    keep(run_with_session(viewer, token, 601, query={"team": "payments"}))
    # Revoked on GitHub since sign-in; then GitHub down at the re-check; then an outsider.
    httpx.request("DELETE", f"{fake.url}/applications/{fake.oauth.client_id}/token",
                  auth=(fake.oauth.client_id, fake.oauth.client_secret), json={"access_token": token})
    keep(run_with_session(viewer, token, 601))
    viewer, token = session_of(fake, org.personas["two-teams"])
    fake.faults.add(status=503, times=20, path="/user")
    keep(run_with_session(viewer, token, 601))
    fake.faults.clear()
    keep(sign_in(app_test(), button, fake, org.personas["outsider"]))
    found.urls += button.authorization_urls
    assert any("no longer valid" in page for page in found.pages)
    assert any("expired or was already used" in page for page in found.pages)
    assert all(not at.exception for at in seen), [at.exception for at in seen if at.exception]


def _play_the_collector(found: Evidence, fake, org, root, mp) -> None:
    env = {"GITHUB_ORG": org.org, "GITHUB_API_URL": fake.url, "GITHUB_TOKEN": COLLECTOR_TOKEN,
           "STORE_URL": f"file://{root}", "GITHUB_RETRY_SCALE": "0.01"}
    since = (org.first_day - timedelta(days=1)).isoformat()
    until = org.end_day.isoformat()
    found.outputs.append(cli(env, "collect", "--since", since, "--until", until))
    found.outputs.append(cli(env, "team-history", "--team", "platform", "--since", since))
    found.outputs.append(cli({**env, "GITHUB_TOKEN": UNKNOWN_TOKEN}, "collect", "--since", since))
    fake.faults.add(status=503, times=100, path="/copilot/metrics/reports/")
    found.outputs.append(cli(env, "collect", "--since", since))
    fake.faults.clear()
    fake.faults.add(status=429, times=100, headers={"retry-after": "0"})
    found.outputs.append(cli(env, "collect", "--since", since))
    fake.faults.clear()
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as lambda_env:
        for name, value in env.items():
            lambda_env.setenv(name, value)
        with contextlib.redirect_stdout(out):
            try:
                aws_lambda.handler({"since": since, "until": until}, None)
            except CopilotUsageError as exc:  # the Lambda reports a failure by raising
                found.outputs.append(str(exc))
    found.outputs.append(out.getvalue())
    assert found.outputs[0].startswith("exit 0")
    assert found.outputs[2].startswith("exit 1") and "401" in found.outputs[2]


def leaks(evidence: Evidence, texts) -> list[str]:
    hits = []
    for text in texts:
        for token in evidence.tokens:
            if (token in text) if isinstance(text, str) else (token.encode() in text):
                hits.append(f"{token[:8]}… in {str(text)[:200]!r}")
    return hits


def test_no_token_in_any_log_record(evidence):
    assert len(evidence.logs) > 50
    assert not leaks(evidence, evidence.logs)


def test_no_token_in_any_exception(evidence):
    assert len(evidence.exceptions) > 5
    assert not leaks(evidence, evidence.exceptions)


def test_no_token_in_any_url_or_query_string(evidence):
    assert [u for u in evidence.urls if "/user/teams" in u] and [u for u in evidence.urls if "state=" in u]
    assert not leaks(evidence, evidence.urls)


def test_no_token_on_any_page_or_in_any_output(evidence):
    assert len(evidence.pages) >= 12 and len(evidence.outputs) >= 6
    assert not leaks(evidence, evidence.pages + evidence.outputs)


def test_no_token_in_any_cached_value(evidence):
    # The caches were full: settings, stores, the directory, store files and the seat snapshot as
    # live objects (cache_resource), and pickled values (cache_data).
    assert any(isinstance(text, str) and text.startswith("copilot_usage.web.ui.data._settings") for text in evidence.cached)
    assert any(isinstance(text, bytes) for text in evidence.cached)
    assert {team["slug"] for team in small_org().teams} & {text for text in evidence.cached if isinstance(text, str)}
    assert sum(len(text) for text in evidence.cached) > 10_000
    assert not leaks(evidence, evidence.cached)


def test_no_token_in_any_store_object(evidence):
    assert any(key.endswith("teams_history.json") for key in evidence.stored)
    assert any(".ndjson.gz" in key for key in evidence.stored)
    assert not leaks(evidence, evidence.stored.values())


def test_no_token_in_any_cookie(evidence):
    values = [c.split(";")[0].partition("=")[2] for c in evidence.cookies]
    sealed = [v for v in values if v]
    assert len(sealed) >= 4 and len(values) > len(sealed)  # session cookies written, and deleted
    decoded = [base64.urlsafe_b64decode(v + "==") for v in sealed]
    assert not leaks(evidence, evidence.cookies + decoded)
    # Not an empty shell: with the secret, the cookie opens to a session with its token.
    opened = [sealer.open(v).token for v in sealed for sealer in [_app_sealer()]]
    assert set(opened) & set(evidence.tokens)


def _app_sealer():
    from github_app import SESSION_SECRET

    from copilot_usage.web.session import Sealer

    org = small_org()
    return Sealer(SESSION_SECRET, hours=8, audience=f"{org.org} fake-client-id")


def test_the_scan_finds_a_token_where_there_is_one(evidence):
    planted = [f"Authorization: Bearer {evidence.tokens[0]}", f"x={evidence.tokens[-1]}".encode()]
    assert len(leaks(evidence, planted)) == 2
