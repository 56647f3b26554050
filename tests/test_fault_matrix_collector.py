"""The collector under faults: nothing lost, nothing duplicated, nothing half-written.

For each fault, `python -m copilot_usage collect` runs once under it (against the
loopback fake GitHub and moto's S3), then once cleanly.
The store must then hold byte for byte what two clean runs give. A run that
cannot finish must exit non-zero with one line naming the cause and leave the
store as it was. Waits are real, made short through GITHUB_RETRY_SCALE and
GITHUB_TIMEOUT_SECONDS (settings, as an operator would set them), never skipped: back-off
5 ms and doubling, a rate limit that names no reset 0.3 s; a retry-after or a reset that
GitHub names is waited whole (one second). A slow answer the run gave up on is never made.

Most runs call the command's `main` in this process (the same code, faster); a few, and the
two concurrent collectors, are real `python -m copilot_usage collect` processes. The table of
faults and outcomes is printed at the end of the session.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from cli_runner import run_main
from conftest import print_at_the_end
from fake_github import FakeGitHub
from github_tap import Tap, answer, edit_lines, insert_line

from copilot_usage.contract.keys import (
    HISTORY_KEY,
    MEMBERS_KEY,
    ORG_HISTORY_KEY,
    TEAMS_DIRECTORY,
    TEAMS_KEY,
    table_key,
)
from copilot_usage.contract.rules import utc_today
from copilot_usage.demo import build_demo_org
from copilot_usage.store import LocalStore, S3Store, Store, open_store
from copilot_usage.store.histories import load_team_histories

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parent.parent
# The CLI collects up to its own yesterday; the demo ends the day before, so
# yesterday answers 404 (not produced yet), as on GitHub.
END = utc_today() - timedelta(days=2)
SEED_UNTIL = END - timedelta(days=4)
COMPARED = (HISTORY_KEY, ORG_HISTORY_KEY, TEAMS_KEY, MEMBERS_KEY)
REPORTS = "/copilot/metrics/reports/"
PREFIX = "copilot"


def day(offset: int) -> str:
    return (END + timedelta(days=offset)).isoformat()


# ------------------------------------------------------------------ S3 with faults


class S3FaultProxy:
    """moto's S3 behind a loopback proxy that answers chosen requests with an S3 error instead."""

    def __init__(self, target: str):
        self.target = target
        self.rules: list[dict] = []
        self.injected = 0
        self.lock = threading.Lock()
        self.http = httpx.Client(base_url=target, timeout=30)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def serve(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                rule = proxy.take(self.command, self.path, self.headers)
                if rule:
                    status, headers, content = rule["status"], {"content-type": "application/xml"}, (
                        f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{rule["code"]}</Code>'
                        f'<Message>injected fault</Message><RequestId>fault</RequestId></Error>').encode()
                else:
                    sent = {k: v for k, v in self.headers.items()
                            if k.lower() not in ("host", "connection", "expect", "content-length")}
                    response = proxy.http.request(self.command, self.path, headers=sent, content=body)
                    status, headers, content = response.status_code, response.headers, response.content
                self.send_response(status)
                for name, value in headers.items():
                    if name.lower() not in ("content-length", "transfer-encoding", "connection",
                                            "content-encoding", "server", "date"):
                        self.send_header(name, value)
                self.send_header("content-length", str(len(content)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(content)

            do_GET = do_PUT = do_HEAD = do_POST = do_DELETE = serve

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def add(self, *, status: int, code: str, method: str = "PUT", key: str = "",
            conditional: bool | None = None, times: int = 1) -> None:
        with self.lock:
            self.rules.append(dict(status=status, code=code, method=method, key=key,
                                   conditional=conditional, times=times))

    def take(self, method: str, path: str, headers) -> dict | None:
        is_conditional = "if-match" in headers or "if-none-match" in headers
        with self.lock:
            for rule in self.rules:
                if (rule["times"] > 0 and rule["method"] == method and rule["key"] in path
                        and rule["conditional"] in (None, is_conditional)):
                    rule["times"] -= 1
                    self.injected += 1
                    return rule
        return None

    def clear(self) -> None:
        with self.lock:
            self.rules.clear()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.http.close()


# ------------------------------------------------------------------ running the collector


@dataclass
class Run:
    code: int
    out: str
    err: str
    seconds: float

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.startswith("error:")]


def collector_env(github: FakeGitHub, store_url: str, **extra: str) -> dict[str, str]:
    env = {"GITHUB_ORG": github.org.org, "GITHUB_API_URL": github.url, "GITHUB_TOKEN": "collector-token",
           "STORE_URL": store_url, "GITHUB_RETRY_SCALE": "0.005", "GITHUB_TIMEOUT_SECONDS": "10",
           "GITHUB_MAX_WAIT_SECONDS": "30", "AWS_MAX_ATTEMPTS": "2"}
    env.update(extra)
    return env


def run_process(env: dict[str, str], *args: str) -> subprocess.Popen:
    """`python -m copilot_usage collect` as the scheduled job runs it."""
    keep = {k: v for k, v in os.environ.items() if k.startswith("AWS_") or k in ("PATH", "HOME", "LANG")}
    keep = {k: v for k, v in keep.items() if k not in ("AWS_ENDPOINT_URL", "AWS_PROFILE")}
    return subprocess.Popen([sys.executable, "-m", "copilot_usage", "collect", *args], cwd=ROOT,
                            env={**keep, **env, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run_cli(env: dict[str, str], *args: str) -> Run:
    started = time.monotonic()
    process = run_process(env, *args)
    out, err = process.communicate(timeout=120)
    return Run(process.returncode, out, err, time.monotonic() - started)


def run_in_process(env: dict[str, str], *args: str) -> Run:
    """The same command through its `main`, in this process (faster than a process of its own)."""
    started = time.monotonic()
    code, out, err = run_main(env, "collect", *args)
    return Run(code, out, err, time.monotonic() - started)


def files(store: Store) -> dict[str, bytes | None]:
    return {key: store.read_bytes(key) for key in COMPARED}


def snapshot(store: Store) -> dict[str, bytes | None]:
    """Every object but the raw report copies (a cache, guarded by its manifest)."""
    return {key: store.read_bytes(key) for key in store.list_keys() if not key.startswith("reports/")}


def team_days(store: Store) -> dict[tuple[str, str], object]:
    return {(h.team.slug, d.date.isoformat()): d for h in load_team_histories(store)[0] for d in h.data}


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def org():
    return build_demo_org(seed=31, teams=6, users=60, days=10, end_day=END)


@pytest.fixture(scope="module")
def github(org):
    with FakeGitHub(org) as fake, Tap(fake) as tap:
        fake.tap = tap
        yield fake


@pytest.fixture(scope="module")
def seed(tmp_path_factory, github, org) -> Path:
    """A store collected up to four days before the demo's last day: every fault run starts here."""
    root = tmp_path_factory.mktemp("seed")
    done = run_in_process(collector_env(github, f"file://{root}"),
                          "--since", (org.first_day - timedelta(days=1)).isoformat(), "--until",
                          SEED_UNTIL.isoformat())
    assert done.code == 0, done.err
    return root


@pytest.fixture(scope="module")
def reference_store(tmp_path_factory, github, seed) -> Store:
    """The store after two clean runs from the seed: the yardstick."""
    root = tmp_path_factory.mktemp("reference") / "store"
    shutil.copytree(seed, root)
    for _ in range(2):
        assert run_in_process(collector_env(github, f"file://{root}")).code == 0
    return open_store(f"file://{root}")


@pytest.fixture(scope="module")
def reference(reference_store) -> dict[str, bytes | None]:
    result = files(reference_store)
    assert all(result.values())
    return result


class MatrixReport:
    """Collects (fault, outcome) rows and prints them in pytest's terminal summary."""

    def __init__(self):
        self.rows: list[tuple[str, str, bool]] = []

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if not self.rows:
            return
        width = max(len(name) for name, _, _ in self.rows)
        terminalreporter.section("collector fault matrix")
        terminalreporter.write_line(f"{'fault'.ljust(width)}  outcome")
        for name, outcome, ok in self.rows:
            terminalreporter.write_line(f"{name.ljust(width)}  {outcome if ok else 'FAILED: ' + outcome}")
        survived = sum(ok for _, _, ok in self.rows)
        recovered = sum(ok and o.startswith("recovered") for _, o, ok in self.rows)
        terminalreporter.write_line(
            f"faults tried: {len(self.rows)}; survived with nothing lost: {survived} "
            f"({recovered} recovered to the two-clean-runs store, {survived - recovered} refused "
            "with one line and the store left as it was)")


@pytest.fixture(scope="module")
def matrix(request):
    report = MatrixReport()
    print_at_the_end(request.config, report)
    yield report


@pytest.fixture(autouse=True)
def no_leftover_faults(github):
    yield
    github.faults.clear()
    github.tap.clear()


# ------------------------------------------------------------------ the faults


@dataclass
class Ctx:
    github: FakeGitHub
    tap: Tap
    store: Store
    env: dict[str, str]
    s3: S3FaultProxy | None = None
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    paths_at_end: list[str] = field(default_factory=list)


@dataclass
class Fault:
    name: str
    arrange: Callable[[Ctx], None]
    expect: str = "recovers"            # or "refused", or "either" where the design allows both
    cause: tuple[str, ...] = ()         # for a refusal: what the one error line must name
    store: str = "local"                # or "s3"
    min_seconds: float = 0.0            # the run must have waited at least this long
    check: Callable[[Ctx, dict], None] | None = None   # after the fault run, before the clean run
    clean_after: bool = True            # a refused run: does a clean run then complete the store?
    concurrent: bool = False            # two collectors at once
    env: dict[str, str] = field(default_factory=dict)
    max_seconds: float = 60.0           # ... and no longer than this
    injects: bool = True                # the fault is an injection that must have fired
    process: bool = False               # run `python -m copilot_usage` (else its `main`, in-process)

    def __str__(self) -> str:
        return self.name


def faults_of(**kw) -> Callable[[Ctx], None]:
    return lambda ctx: ctx.github.faults.add(**kw)


def tapped(path: str, rewrite, times: int = 10**9) -> Callable[[Ctx], None]:
    return lambda ctx: ctx.tap.rewrite(path, rewrite, times=times)


def s3_fault(**kw) -> Callable[[Ctx], None]:
    return lambda ctx: ctx.s3.add(**kw)


def rate_limited(status: int, times: int = 1, message: str = "API rate limit exceeded", **headers):
    """A rate-limit answer on the users report links; `reset_in` gives x-ratelimit-reset at answer time."""
    reset_in = headers.pop("reset_in", None)

    def head() -> dict[str, str]:
        extra = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(time.time()) + reset_in)} \
            if reset_in is not None else {}
        return {**{k.replace("_", "-"): v for k, v in headers.items()}, **extra}

    return tapped("/reports/users-1-day?", answer(status, head, message), times)


def waited(seconds: float):
    """The request that was rate-limited was asked again only after `seconds` (GITHUB_API.md 5)."""
    def check(ctx, reference_days):
        first, path = ctx.tap.fired[0]
        again = [when for when, asked in ctx.tap.log if asked == path and when > first]
        assert again, f"{path} was never asked again"
        assert again[0] - first >= seconds, f"asked again after {again[0] - first:.2f} s"
        ctx.notes.append(f"asked again after {again[0] - first:.1f} s")
    return check


def broken_file(key: str, content: bytes) -> Callable[[Ctx], None]:
    def arrange(ctx):
        ctx.store.write_bytes(key, content)
    return arrange


def no_day_recorded_as_zero(when: str):
    """The day GitHub had no data for yet is not recorded as a day without usage."""
    def check(ctx, reference_days):
        for (slug, date_), recorded in team_days(ctx.store).items():
            if date_ == when:
                assert recorded == reference_days[(slug, date_)], f"{slug} {date_} recorded from partial reports"
    return check


def same_as_reference_already(ctx, reference_days):
    assert team_days(ctx.store) == reference_days


def recent_day_kept(when: str):
    def check(ctx, reference_days):
        recorded = {key for key in team_days(ctx.store) if key[1] == when}
        assert recorded == {key for key in reference_days if key[1] == when}
    return check


def gave_up_waiting(ctx, reference_days):
    """The slow first answer was never made: the run timed out, hung up and asked again."""
    teams = f"/orgs/{ctx.github.org.org}/teams?"
    assert [path for path in ctx.github.faults.abandoned if path.startswith(teams)], "never hung up"
    asked = [path for path in ctx.paths_at_end if path.startswith(teams)]
    assert len(asked) == 1, asked
    ctx.notes.append("timed out, asked again")


def unknown_fields(line: dict) -> dict:
    line["copilot_future_metric"] = {"nested": [1, 2, {"x": None}]}
    line["totals_by_ide"] = [{**item, "brand_new_counter": 7} for item in line.get("totals_by_ide", [])]
    return line


def missing_counters(line: dict) -> dict:
    for key in ("code_generation_activity_count", "loc_added_sum", "used_chat"):
        line.pop(key, None)
    line["totals_by_feature"] = [{"feature": item.get("feature")} for item in line.get("totals_by_feature", [])]
    return line


SECONDARY = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."

FAULTS = [
    Fault("GitHub 500 x3 on report links", faults_of(status=500, times=3, path=REPORTS)),
    Fault("GitHub 502 x3 on downloads", faults_of(status=502, times=3, path="/downloads/")),
    Fault("GitHub 503 x2 on the teams list", faults_of(status=503, times=2, path="/teams")),
    Fault("GitHub 503 outlasting the retries", faults_of(status=503, times=10**6, path=REPORTS),
          expect="refused", cause=("kept answering 503",), process=True),
    Fault("connection reset x2 on downloads", faults_of(reset=True, times=2, path="/downloads/")),
    Fault("connection reset x2 on report links", faults_of(reset=True, times=2, path=REPORTS)),
    # The first answer would take 20 s: a run done in less than 10 gave up on it (the fake then
    # makes no answer) and asked again.
    Fault("read timeout on the teams list", faults_of(delay=20.0, times=1, path="/teams?"),
          env={"GITHUB_TIMEOUT_SECONDS": "0.4"}, min_seconds=0.4, max_seconds=10, check=gave_up_waiting),
    Fault("429 with retry-after: 1", rate_limited(429, retry_after="1"), check=waited(1.0)),
    Fault("403 remaining 0, reset in 1 s", rate_limited(403, reset_in=1), check=waited(1.0)),
    Fault("403 secondary limit, no headers", rate_limited(403, message=SECONDARY), check=waited(0.3)),
    Fault("429 that does not end", rate_limited(429, times=10**6, retry_after="0"), expect="refused",
          cause=("still rate-limited",)),
    Fault("403 remaining 0, reset in an hour", rate_limited(403, reset_in=3600), expect="refused",
          cause=("longer than the 30 s this run may wait",)),
    Fault("204 for a recent day (users report)",
          tapped(f"users-1-day?day={day(-1)}", answer(204), times=1), check=no_day_recorded_as_zero(day(-1))),
    Fault("204 for a recent day (user-teams report)",
          tapped(f"user-teams-1-day?day={day(0)}", answer(204), times=1), check=no_day_recorded_as_zero(day(0))),
    Fault("404 for a recent day", faults_of(status=404, times=1, path=f"users-1-day?day={day(-1)}"),
          check=no_day_recorded_as_zero(day(-1))),
    Fault("download link 403 (expired) once", faults_of(status=403, times=1, path="/downloads/")),
    Fault("truncated NDJSON file once", faults_of(truncate=True, times=1, path="/downloads/users-1-day/")),
    # ARCHITECTURE "Broken downloads": such a file fails the day (asking for fresh links once may
    # or may not come first), so a refusal that names it is as good as a recovery here.
    Fault("a line that is not JSON, once", tapped("/downloads/users-1-day/", insert_line(b"<html>502</html>"), 1),
          expect="either", cause=("part", "is not JSON")),
    Fault("a line that is not JSON, every time",
          tapped(f"/downloads/users-1-day/{day(-2)}/", insert_line(b'{"user_id": 12, "day": "')),
          expect="refused", cause=(f"{day(-2)} part", "is not JSON")),
    Fault("lines with unknown fields", tapped(f"/downloads/users-1-day/{day(0)}/", edit_lines(unknown_fields)),
          check=same_as_reference_already),
    Fault("lines with missing counters",
          tapped(f"/downloads/users-1-day/{day(0)}/", edit_lines(missing_counters)), check=recent_day_kept(day(0))),
    Fault("S3 412 on a conditional write", s3_fault(status=412, code="PreconditionFailed", key=table_key(TEAMS_DIRECTORY),
                                                     conditional=True), store="s3"),
    Fault("S3 500 on a put, once", s3_fault(status=500, code="InternalError"), store="s3"),
    Fault("S3 500 on every put", s3_fault(status=500, code="InternalError", times=10**6), store="s3",
          expect="refused", cause=("failed: InternalError",), process=True),
    Fault("S3 bucket missing", lambda ctx: ctx.env.update(STORE_URL=f"s3://no-such-bucket-{id(ctx)}/x"),
          store="s3", expect="refused", cause=("does not exist: create it or fix STORE_URL",), clean_after=False,
          injects=False),
    Fault("two collectors at once on one S3 store", lambda ctx: None, store="s3", concurrent=True,
          injects=False),
    Fault("teams_history.json is not JSON", broken_file(HISTORY_KEY, b'[{"team": {"name": "A"'),
          expect="refused", cause=(f"{HISTORY_KEY} in file://",), clean_after=False,
          injects=False, process=True),
    Fault("teams_history.json is an object", broken_file(HISTORY_KEY, b'{"team": {"name": "A"}, "data": []}'),
          expect="refused", cause=(f"{HISTORY_KEY} in file://",), clean_after=False,
          injects=False),
    Fault("teams_history.json with a day without a date",
          broken_file(HISTORY_KEY, b'[{"team": {"name": "A", "slug": "a"}, "data": [{"active_users": 3}]}]'),
          expect="refused", cause=(f"{HISTORY_KEY} in file://",), clean_after=False,
          injects=False),
    Fault("historic_usage_data.json is not JSON", broken_file(ORG_HISTORY_KEY, b"\x00\xff not json"),
          expect="refused", cause=(f"{ORG_HISTORY_KEY} in file://",), clean_after=False,
          injects=False),
]


@pytest.fixture(scope="module")
def s3_proxy(s3_endpoint):
    proxy = S3FaultProxy(s3_endpoint)
    yield proxy
    proxy.stop()


def s3_seed(s3_client, bucket: str, seed: Path) -> S3Store:
    """The seed's history files in a bucket (not its raw report copies: those days are downloaded again)."""
    for path in seed.rglob("*"):
        relative = path.relative_to(seed).as_posix()
        if path.is_file() and not relative.startswith(("reports/", ".")):
            s3_client.put_object(Bucket=bucket, Key=f"{PREFIX}/{relative}", Body=path.read_bytes())
    return S3Store(bucket, PREFIX, client=s3_client)


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_a_fault_then_a_clean_run_equals_two_clean_runs(fault: Fault, request, github, seed, reference,
                                                        reference_store, matrix, tmp_path):
    outcome, ok = "crashed", False
    try:
        ctx = _arrange(fault, request, github, seed, tmp_path)
        before = snapshot(ctx.store)
        injected_before = _injected(ctx)
        runs = _run(fault, ctx)
        assert _injected(ctx) > injected_before or not fault.injects, "the fault was never injected"
        github.faults.clear()
        github.tap.clear()
        if ctx.s3:
            ctx.s3.clear()
        outcome = _judge(fault, ctx, runs, before, reference, team_days(reference_store))
        ok = True
    finally:
        matrix.rows.append((fault.name, outcome, ok))


def _injected(ctx: Ctx) -> int:
    return ctx.github.faults.injected + len(ctx.tap.fired) + (ctx.s3.injected if ctx.s3 else 0)


def _arrange(fault: Fault, request, github, seed, tmp_path) -> Ctx:
    github.tap.reset()
    github.faults.abandoned.clear()
    if fault.store == "s3":
        s3_client = request.getfixturevalue("s3_client")
        bucket = request.getfixturevalue("bucket")
        proxy = request.getfixturevalue("s3_proxy")
        store = s3_seed(s3_client, bucket, seed)
        env = collector_env(github, f"s3://{bucket}/{PREFIX}", AWS_ENDPOINT_URL=proxy.url)
        ctx = Ctx(github, github.tap, store, env, s3=proxy)
    else:
        shutil.copytree(seed, tmp_path / "store")
        store = open_store(f"file://{tmp_path / 'store'}")
        ctx = Ctx(github, github.tap, store, collector_env(github, store.url))
    ctx.env.update(fault.env)
    fault.arrange(ctx)
    return ctx


def _run(fault: Fault, ctx: Ctx) -> list[Run]:
    if not fault.concurrent:
        run = run_cli(ctx.env) if fault.process else run_in_process(ctx.env)
        ctx.seconds = run.seconds
        ctx.paths_at_end = list(ctx.tap.paths)
        assert ctx.github.faults.wait_delays_over(timeout=30), "a delayed answer outlived the run"
        return [run]
    started = time.monotonic()
    processes = [run_process(ctx.env) for _ in range(2)]
    runs = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        runs.append(Run(process.returncode, out, err, time.monotonic() - started))
    return runs


def _judge(fault: Fault, ctx: Ctx, runs: list[Run], before, reference, reference_days) -> str:
    for run in runs:
        assert "Traceback" not in run.err, run.err
    if isinstance(ctx.store, LocalStore):  # no half-written file left behind
        assert not [p for p in ctx.store.root.rglob(".*.tmp")], "a temporary file was left in the store"
    if fault.expect == "refused" or (fault.expect == "either" and runs[0].code != 0):
        run = runs[0]
        assert run.code != 0, f"expected a refusal, got exit 0:\n{run.out}"
        assert len(run.error_lines) == 1, run.err
        assert all(part in run.error_lines[0] for part in fault.cause), run.error_lines
        assert snapshot(ctx.store) == before, "a refused run changed the store"
        outcome = f"refused, exit {run.code}: {run.error_lines[0][:90]}"
    else:
        for run in runs:
            assert run.code == 0, run.err
        assert runs[0].seconds >= fault.min_seconds, f"did not wait: {runs[0].seconds:.2f} s"
        assert runs[0].seconds <= fault.max_seconds, f"waited too long: {runs[0].seconds:.2f} s"
        if fault.check:
            fault.check(ctx, reference_days)
        outcome = "recovered" + "".join(f" ({note})" for note in ctx.notes)
    if fault.expect != "refused" or fault.clean_after:
        clean_env = dict(ctx.env)
        if fault.store == "s3":
            clean_env["AWS_ENDPOINT_URL"] = ctx.s3.target
        clean = run_in_process(clean_env)
        assert clean.code == 0, clean.err
        assert files(ctx.store) == reference, "fault + clean run differs from two clean runs"
        outcome += "; + clean run == two clean runs"
    return outcome


def test_the_two_history_files_of_the_reference_hold_every_day_once(reference, org):
    """The yardstick itself: two clean runs hold each team-day of the demo once, up to its last day."""
    histories = json.loads(reference[HISTORY_KEY])
    for history in histories:
        dates = [d["date"] for d in history["data"]]
        assert dates == sorted(set(dates))
    assert json.loads(reference[ORG_HISTORY_KEY])[-1]["date"] == END.isoformat()
    expected = {(line["slug"], d.isoformat()) for n in range(10) for d in [END - timedelta(days=n)]
                for line in org.user_team_lines(d)}
    assert {(h["team"]["slug"], d["date"]) for h in histories for d in h["data"]} == expected
