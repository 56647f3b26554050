"""Shared fixtures: the demo organisation (the project's realistic data set), collected once.

And the test tiers. Every test has exactly one: `unit` (fast, in this process: no server, no
browser, no process of its own, no sleep; what `make check` runs), `integration` (loopback
servers: moto's S3, the fake GitHub over HTTP, `streamlit run`; processes of the CLI; and the
collector run in this process over weeks of days, seconds a test) or `browser` (chromium). A
module of one tier says it once (`pytestmark`); in a module of two, each test (or parameter)
says its own. The hooks below refuse a test without a tier or with two, and a unit test that
asks for a server fixture or starts a server, a Python process or a browser.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import multiprocessing.process
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import boto3
import pytest

from copilot_usage.collector.run import collect
from copilot_usage.contract.keys import ADMIN_TEAMS_KEY
from copilot_usage.contract.rules import utc_today
from copilot_usage.demo import build_demo_org
from copilot_usage.github.client import GitHubClient
from copilot_usage.store import open_store

os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

TIERS = ("unit", "integration", "browser")
# Fixtures that start (or hand out) a server, a browser or a process: never in a unit test.
SERVER_FIXTURES = frozenset({"s3_endpoint", "s3_client", "bucket", "github", "browser", "app", "app_url",
                             "app_servers", "demo_app"})


def tier_of(item) -> list[str]:
    """Every tier mark of a test: its own, its parameter's, its class's and its module's."""
    return sorted({mark.name for mark in item.iter_markers() if mark.name in TIERS})


def pytest_collection_modifyitems(config, items):
    _check_tiers(items)
    # Modules with a `long` test first, then those with browser tests, then integration, then the
    # rest, each module kept whole and in its own order: under pytest-xdist (with
    # --no-loadscope-reorder, which keeps this order) the long ones start first and the short
    # ones fill in at the end.
    heaviest: dict[str, int] = {}
    for item in items:
        module = item.nodeid.split("::")[0]
        weight = 3 if item.get_closest_marker("long") else _WEIGHT[tier_of(item)[0]]
        heaviest[module] = max(heaviest.get(module, 0), weight)
    items.sort(key=lambda item: -heaviest[item.nodeid.split("::")[0]])


_WEIGHT = {"browser": 2, "integration": 1, "unit": 0}


def _check_tiers(items) -> None:
    problems = []
    for item in items:
        tiers = tier_of(item)
        if len(tiers) != 1:
            problems.append(f"{item.nodeid}: needs exactly one tier mark of {', '.join(TIERS)}; has {tiers or 'none'}")
        elif tiers == ["unit"] and (servers := sorted(SERVER_FIXTURES & set(item.fixturenames))):
            problems.append(f"{item.nodeid}: marked unit but uses {', '.join(servers)} (a server, a browser "
                            "or a process): mark it integration or browser")
    if problems:
        raise pytest.UsageError("tests with a wrong tier:\n  " + "\n  ".join(problems))


def _refused(what: str):
    def refuse(*args, **kwargs):
        pytest.fail(f"a unit test may not {what}: mark it integration (or browser)", pytrace=False)
    return refuse


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    with _unit_guard(item):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    with _unit_guard(item):
        return (yield)


@contextlib.contextmanager
def _unit_guard(item):
    """While a unit test is set up and runs: no server fixture asked for by name, no socket
    listening, no Python process or browser started."""
    if tier_of(item) != ["unit"]:
        yield
        return
    ask = pytest.FixtureRequest.getfixturevalue

    def getfixturevalue(request, argname):
        if argname in SERVER_FIXTURES:
            _refused(f"use the fixture {argname!r}")()
        return ask(request, argname)

    popen = subprocess.Popen.__init__

    def start_process(process, args, *more, **options):
        program = Path(str(args[0] if isinstance(args, (list, tuple)) else args).split()[0]).name
        if program.startswith(("python", "streamlit", "chrom")):  # not a helper like ldconfig
            _refused(f"start a process ({program})")()
        return popen(process, args, *more, **options)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pytest.FixtureRequest, "getfixturevalue", getfixturevalue)
        mp.setattr(socket.socket, "listen", _refused("start a server (a socket listened)"))
        mp.setattr(subprocess.Popen, "__init__", start_process)
        mp.setattr(multiprocessing.process.BaseProcess, "start", _refused("start a process"))
        yield


# ---------------------------------------------------------------- AppTest without polling

def _wait_for_the_script(runner, timeout: float = 3) -> None:
    """AppTest's wait for a script run, as a join: Streamlit's own polls every millisecond, and
    each poll takes the GIL from the script it waits for."""
    thread = runner._script_thread
    if thread is not None:
        thread.join(timeout)
        if not thread.is_alive():
            return
    runner.request_stop()
    runner.join()
    raise RuntimeError(f"AppTest script run timed out after {timeout}(s)")


def pytest_configure(config):
    from streamlit.components.v2 import manifest_scanner
    from streamlit.testing.v1 import local_script_runner

    local_script_runner.require_widgets_deltas = _wait_for_the_script
    # Every AppTest scans the installed packages' metadata for components (0.65 s each here,
    # most of a page test); what is installed does not change during a run.
    manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)


# ---------------------------------------------------------------- sections printed at the end


def print_at_the_end(config, report) -> None:
    """Register `report`, a plugin whose pytest_terminal_summary prints a section at the end of
    the run (the fault matrix, the bad inputs tried). Under pytest-xdist a worker's terminal
    summary is never shown: the worker records what it would print and hands it to the main
    process, which prints it."""
    config.pluginmanager.register(report)
    config.stash.setdefault(_AT_THE_END, []).append(report)


_AT_THE_END = pytest.StashKey[list]()


class _Recorded:
    """Stands in for the terminal reporter in a worker: keeps sections and their lines."""

    def __init__(self):
        self.sections: list[list] = []

    def section(self, title, *args, **kwargs):
        self.sections.append([title, []])

    def write_line(self, line, **kwargs):
        self.sections[-1][1].append(line)


def pytest_sessionfinish(session):
    if hasattr(session.config, "workeroutput"):  # a pytest-xdist worker
        recorded = _Recorded()
        for report in session.config.stash.get(_AT_THE_END, []):
            report.pytest_terminal_summary(recorded)
        session.config.workeroutput["sections"] = recorded.sections


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):  # pytest-xdist: a worker is done
    node.config.stash.setdefault(_FROM_WORKERS, []).extend(node.workeroutput.get("sections", []))


_FROM_WORKERS = pytest.StashKey[list]()


def pytest_terminal_summary(terminalreporter, config):
    for title, lines in config.stash.get(_FROM_WORKERS, []):
        terminalreporter.section(title)
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def demo_org():
    """The organisation `make run` shows (default arguments), built once."""
    return build_demo_org()


def demo_client(org, **kwargs) -> GitHubClient:
    """A real GitHubClient whose transport is the demo organisation, in-process."""
    return GitHubClient("https://api.github.com", token="demo", transport=org.transport(),
                        sleep=lambda s: None, **kwargs)


@pytest.fixture(scope="session")
def demo_store_dir(tmp_path_factory, demo_org) -> Path:
    """A local store filled by the real collector from the demo organisation, a copy of the one
    kept in `.pytest_cache/` (see `demo_store_cache`). Under pytest-xdist the workers share one
    copy: the first to need it makes it, the others wait."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return _copy_demo_store(tmp_path_factory.mktemp("demo-store") / "store", demo_org)
    shared = tmp_path_factory.getbasetemp().parent  # the run's folder, above each worker's own
    with open(shared / "demo-store.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        root = shared / "demo-store"
        return root if root.exists() else _copy_demo_store(root, demo_org)


def _copy_demo_store(root: Path, demo_org) -> Path:
    """A fresh copy of the cached demo store at `root`, so that no test can change the cache."""
    cached = demo_store_cache(demo_org)
    shutil.copytree(cached, root.with_name(root.name + ".partial"))
    root.with_name(root.name + ".partial").rename(root)
    return root


# What the demo store depends on: the code the collector may import (by the package rules in
# docs/architecture.md, everything but the read side), this file, and the day (the demo ends
# two days before today). Editing a page reuses the store; editing the collector rebuilds it.
_COLLECTOR_SIDE = ("read", "analysis", "web")


def demo_store_cache(demo_org) -> Path:
    """The demo store the real collector makes, kept between runs under `.pytest_cache/` keyed by
    what it depends on (above); collecting its 120 days is most of the unit tier's time."""
    package = Path(__file__).resolve().parents[1] / "copilot_usage"
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(utc_today().isoformat().encode())
    for path in sorted(package.rglob("*")):
        relative = path.relative_to(package)
        if path.suffix in {".py", ".sql"} and relative.parts[0] not in _COLLECTOR_SIDE:
            digest.update(str(relative).encode() + b"\0" + path.read_bytes())
    cache = package.parent / ".pytest_cache" / "demo-store"
    root = cache / digest.hexdigest()[:16]
    if root.exists():
        return root
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as partial:
        _collect_demo_store(Path(partial) / "store", demo_org)
        for old in cache.iterdir():  # one kept: the store of the code as it is now
            if old.name != Path(partial).name:
                shutil.rmtree(old, ignore_errors=True)
        (Path(partial) / "store").rename(root)  # whole or absent: a run stopped halfway leaves nothing
    return root


def _collect_demo_store(root: Path, demo_org) -> Path:
    store = open_store(f"file://{root}")
    with demo_client(demo_org) as client:
        collect(client, store, demo_org.org, since=demo_org.first_day - timedelta(days=1))
    store.write_json(ADMIN_TEAMS_KEY, demo_org.admin_teams, if_tag=None)
    return root


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A real moto S3 server on a free loopback port, with dummy credentials in the env."""
    with pytest.MonkeyPatch.context() as mp:
        for name, value in {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
        }.items():
            mp.setenv(name, value)
        for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
            mp.delenv(name, raising=False)
        from app_server import moto_server

        with moto_server() as url:
            yield url


@pytest.fixture(scope="session")
def s3_client(s3_endpoint: str):
    return boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")


@pytest.fixture
def bucket(s3_client) -> str:
    name = f"test-{uuid.uuid4().hex}"
    s3_client.create_bucket(Bucket=name)
    return name


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium driven by Playwright (never a browser Playwright downloads)."""
    from app_server import CHROMIUM, CHROMIUM_ARGS
    from app_waits import with_run_counter

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield with_run_counter(browser)
        browser.close()


@pytest.fixture(scope="session")
def github(demo_org):
    """The loopback fake GitHub serving the demo organisation, shared by the browser tests that
    sign in at it (a module needing its own defines its own `github`)."""
    from fake_github import FakeGitHub

    with FakeGitHub(demo_org) as fake:
        yield fake


@pytest.fixture(scope="session")
def app_servers():
    """`streamlit run` servers for the browser tests, one per set of settings, shared by every
    module asking for the same: `app_servers(**settings)` is the URL of the one running, started
    on first use."""
    from app_server import streamlit_app

    with contextlib.ExitStack() as stack:
        running: dict[frozenset, str] = {}

        def serve(**settings: str) -> str:
            key = frozenset(settings.items())
            if key not in running:
                running[key] = stack.enter_context(streamlit_app(**settings))
            return running[key]

        yield serve


@pytest.fixture(scope="session")
def demo_app(app_servers, demo_store_dir) -> str:
    """The app in demo mode (no GitHub sign-in configured) over the demo store (its URL)."""
    return app_servers(STORE_URL=f"file://{demo_store_dir}")


@pytest.fixture(scope="session")
def app(app_servers, github, demo_store_dir, demo_org) -> str:
    """The app in GitHub sign-in mode against `github`, over the demo store (its URL)."""
    from browser_session import oauth_settings

    return app_servers(**oauth_settings(github, demo_store_dir, demo_org))


# The small organisation of the deployed-mode tests (github_app.py); a module may
# define its own `org` instead, which then wins.
@pytest.fixture(scope="module")
def org():
    from github_app import small_org

    return small_org()


@pytest.fixture(scope="module")
def store_url(org, tmp_path_factory):
    """A local store filled by the collector from `org`."""
    from github_app import collected_store

    return collected_store(tmp_path_factory.mktemp("store"), org)
