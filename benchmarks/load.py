"""Concurrent viewers against one app process: response times, memory and CPU of the server.

    .venv/bin/python benchmarks/load.py --viewers 1,10,50 --think 30   # what `make bench` runs (about 12 minutes)
    .venv/bin/python benchmarks/load.py --smoke             # 1 and 3 viewers, fewer changes

Fills a demo store with the real collector (`python -m copilot_usage demo`, as `make run`:
12 teams x 120 days, 10 of them qualifying), then for each number of viewers N starts a
fresh `streamlit run streamlit_app.py` over it (demo mode, the repository's
`.streamlit/config.toml`) on a free loopback port and drives N viewers at once.

A viewer is a WebSocket session speaking Streamlit's own protocol, as a browser tab does
(`/_stcore/stream`: BackMsg `rerun_script` with the query string, the page and the widget
states; the server answers with ForwardMsgs up to `script_finished`), so that 50 viewers
load the server without 50 browsers loading the machine. Before the viewers, one session
signs in through the demo's sign-in form as the admin persona (radio and submit button,
as a click sends them) and keeps the sealed session cookie the page writes; it then opens
every qualifying team once (the server's caches warm, as on a server that has been up).
Then each viewer opens the team page with that cookie (a returning viewer's new tab, on
`?team=` of its own: viewer i opens team i mod 10) and changes the "Quick range" preset
(90 days, 7 days, 28 days, ...) in rounds: in each round every viewer changes it at the
same moment and waits until its own rerun has finished: the worst case, everyone clicking at
once. With `--think S`, the largest N again on a fresh server, as people use it: each viewer
arrives within the first S seconds and reads the page for S seconds on average (exponential
pauses, seeded) before each change.

Measured: the first page load (connection opened to `script_finished` of the team page)
and the control change (rerun sent to `script_finished` of that rerun), p50 and p95 over
all viewers and rounds; the server's RSS before the viewers, at its peak (VmHWM) and after
they closed, and the CPU time it used (utime + stime from /proc) over the wall time of the
viewers. Every run is checked: the team page's header is the team's, the caption counts
the days of the new range (computed from the team's file in the store) and no exception
or error is on the page, else the benchmark stops: figures of error pages mean nothing.
The last lines say where it saturates: the N from which the p95 of a change is above 2 s,
and whether the server then used one whole core (Streamlit runs each session's script in
a thread of the one process, all under one GIL).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from app_server import free_port  # tests/app_server.py
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect  # a dependency of streamlit

from copilot_usage.contract.keys import TEAMS_KEY
from copilot_usage.read.tables import recorded_history
from copilot_usage.store import LocalStore
from copilot_usage.web.session import COOKIE_NAME

TARGET_SECONDS = 2.0  # p95 of a control change
PRESETS = ("90 days", "7 days", "28 days")  # the page opens on the last 28 days
PERSONA = "Admin"  # the sign-in radio's label for the admin persona: may open every team
MIN_CHARTS = 7
RUN_TIMEOUT = 600  # seconds one run may take before the benchmark gives up
CAPTION = re.compile(r"(\d+) days with data in the range")
COOKIE = re.compile(re.escape(COOKIE_NAME) + r"=([^;\"]+);")


# --- the store ---------------------------------------------------------------------------

@dataclass(frozen=True)
class TeamPage:
    slug: str
    name: str
    dates: tuple[date, ...]

    def days_in_last(self, n: int) -> int:
        """Days with data among the last n days up to the last collected one (a preset's caption)."""
        last = max(self.dates)
        return sum(1 for day in self.dates if last - timedelta(days=n - 1) <= day <= last)


def fill_demo_store(root: Path) -> list[TeamPage]:
    """The demo organisation collected by the real collector, as `make demo` does; its qualifying teams."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "APP_URL", "STORE_URL"))}
    env["STORE_URL"] = f"file://{root}"
    done = subprocess.run([sys.executable, "-m", "copilot_usage", "demo", "--force"], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"the demo store could not be collected:\n{done.stderr[-3000:]}")
    pages, store = [], LocalStore(root)
    for team in json.loads((root / TEAMS_KEY).read_text()):
        history = recorded_history(store, team["slug"])
        pages.append(TeamPage(team["slug"], team["name"], tuple(day.date for day in history.data)))
    if not pages:
        raise SystemExit("the demo store has no qualifying team")
    return pages


# --- the server --------------------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class Server:
    """`streamlit run streamlit_app.py` in demo mode over `store`; its process tree's memory and CPU."""

    def __init__(self, store: Path, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "APP_URL", "STORE_URL"))}
        env.update(STORE_URL=f"file://{store}", APP_URL=self.url)
        self.log = log
        with log.open("wb") as out:
            # A session of its own: Ctrl-C reaches the benchmark, which stops the server itself.
            self.process = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(self.port),
                 "--server.address", "127.0.0.1", "--server.headless", "true"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise

    def _wait_healthy(self, seconds: float = 60) -> None:
        """Until the server answers its health check "ok" (as tests/app_server.py waits for it)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"streamlit exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                if urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2).read() == b"ok":
                    return
            except OSError:
                time.sleep(0.05)  # asked again every 50 ms
        raise SystemExit(f"streamlit did not become healthy in {seconds:g} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def pids(self) -> list[int]:
        """The server and its children, if any (none is expected)."""
        parents: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError, IndexError, ValueError):
                    stat = (entry / "stat").read_text()
                    parents.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry.name))
        found, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo.extend(parents.get(pid, []))
        return found

    def memory_mb(self, field_name: str) -> float:
        """VmRSS (now) or VmHWM (peak) summed over the process tree, in MB."""
        total = 0
        for pid in self.pids():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith(field_name + ":"):
                        total += int(line.split()[1])  # kB
        return total / 1024

    def cpu_seconds(self) -> float:
        total = 0
        for pid in self.pids():
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
        return total / CLOCK_TICKS


# --- one viewer: Streamlit's protocol ----------------------------------------------------

class PageFailed(Exception):
    """A run that did not produce the page it should have."""


@dataclass
class Run:
    elements: list[tuple[str, object]] = field(default_factory=list)
    seconds: float = 0.0

    def of_kind(self, kind: str) -> list:
        return [element for k, element in self.elements if k == kind]

    def texts(self) -> list[str]:
        return [e.body for e in self.of_kind("markdown") + self.of_kind("heading") + self.of_kind("alert")]

    def widget(self, kind: str, label: str):
        for element in self.of_kind(kind):
            if element.label == label:
                return element
        raise PageFailed(f"no {kind} labelled {label!r} on the page; its texts: {self.texts()[:8]}")


class Viewer:
    """One browser tab: a WebSocket session that reruns the script as the browser asks it to."""

    def __init__(self, url: str, *, query: str = "", cookie: str | None = None):
        self.url = url.replace("http://", "ws://") + "/_stcore/stream"
        self.query = query  # the URL's query string, kept up to date as the page changes it
        self.page_hash = ""  # the page being shown ("" at first: the URL's default page)
        self.cookie = cookie
        self.states: dict[str, WidgetState] = {}  # the widgets' values the browser would hold
        self.ws: ClientConnection | None = None

    async def open(self) -> Run:
        """Connect and run the page, as a new tab does; the seconds include the connection."""
        started = time.perf_counter()
        headers = {"Cookie": f"{COOKIE_NAME}={self.cookie}"} if self.cookie else {}
        self.ws = await connect(self.url, subprotocols=["streamlit"], additional_headers=headers,
                                max_size=None, open_timeout=RUN_TIMEOUT, ping_interval=None)
        run = await self.rerun()
        run.seconds = time.perf_counter() - started
        return run

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def rerun(self, *changes: WidgetState) -> Run:
        """Send a rerun with the widgets' states (and these changes); wait until the run finished."""
        back = BackMsg()
        back.rerun_script.query_string = self.query
        back.rerun_script.page_script_hash = self.page_hash
        sent = dict(self.states)
        for change in changes:
            sent[change.id] = change
            if change.WhichOneof("value") != "trigger_value":  # a click is not kept, a value is
                self.states[change.id] = change
        back.rerun_script.widget_states.widgets.extend(sent.values())
        started = time.perf_counter()
        await self.ws.send(back.SerializeToString())
        run = await asyncio.wait_for(self._until_finished(), RUN_TIMEOUT)
        run.seconds = time.perf_counter() - started
        # The browser forgets the values of widgets the run no longer drew.
        drawn = {getattr(e, "id", None) for _, e in run.elements}
        self.states = {key: state for key, state in self.states.items() if key in drawn}
        problems = [f"exception: {e.message or e.type}" for e in run.of_kind("exception")]
        problems += [f"error: {e.body}" for e in run.of_kind("alert") if e.format == e.ERROR]
        if problems:
            raise PageFailed("; ".join(problems))
        return run

    async def _until_finished(self) -> Run:
        run = Run()
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await self.ws.recv())
            kind = msg.WhichOneof("type")
            if kind == "new_session":  # a run starts (again, after st.rerun): its page replaces the last
                run = Run()
                self.page_hash = msg.new_session.page_script_hash
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                name = element.WhichOneof("type")
                run.elements.append((name, getattr(element, name)))
            elif kind == "page_info_changed":
                self.query = msg.page_info_changed.query_string
            elif kind == "ref_hash":  # only sent for hashes the client says it holds; this one holds none
                raise PageFailed("the server referred to a message this client never got")
            elif kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
                raise PageFailed("the script did not compile")
            elif kind == "script_finished":
                if msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                    return run
                if msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    raise PageFailed(f"the run ended with status {msg.script_finished}")


def widget_state(element, **value) -> WidgetState:
    state = WidgetState(id=element.id)
    for name, given in value.items():
        if name == "string_array_value":
            state.string_array_value.data.extend(given)
        else:
            setattr(state, name, given)
    return state


def check_team_page(run: Run, team: TeamPage, days: int) -> None:
    """The team's page, whole, with the caption of a range of `days` days; PageFailed if not."""
    headers = [h.body for h in run.of_kind("heading") if h.tag == "h2"]
    if team.name not in headers:
        raise PageFailed(f"expected the page of {team.name}, got headers {headers}; texts: {run.texts()[:6]}")
    counted = [int(m[1]) for text in run.texts() if (m := CAPTION.search(text))]
    expected = team.days_in_last(days)
    if counted != [expected]:
        raise PageFailed(f"{team.name}: expected the caption of {expected} days with data, got {counted}")
    charts = len(run.of_kind("vega_lite_chart"))
    if charts < MIN_CHARTS:
        raise PageFailed(f"{team.name}: {charts} charts, expected at least {MIN_CHARTS}")


async def sign_in(url: str) -> str:
    """Sign in through the demo's form as the admin persona; the sealed session cookie the page writes."""
    viewer = Viewer(url)
    try:
        box = await viewer.open()
        radio, button = box.widget("radio", "Sign in as"), box.widget("button", "Sign in")
        if PERSONA not in radio.options:
            raise PageFailed(f"no persona {PERSONA!r} among {list(radio.options)}")
        page = await viewer.rerun(widget_state(radio, string_value=PERSONA),
                                  widget_state(button, trigger_value=True))
        cookies = [m[1] for html in page.of_kind("html") if (m := COOKIE.search(html.body))]
        if not cookies or not any("(admin)" in text for text in page.texts()):
            raise PageFailed(f"signing in as {PERSONA} did not sign in; texts: {page.texts()[:6]}")
        return cookies[0]
    finally:
        await viewer.close()


# --- the measurement ---------------------------------------------------------------------

@dataclass
class Measured:
    viewers: int
    rounds: int
    first_loads: list[float]
    changes: list[float]
    change_wall: float  # seconds from the first round's start to the last round's end
    wall: float  # seconds of the whole viewers' phase (first loads and changes)
    rss_before: float
    rss_peak: float
    rss_after: float
    cpu: float  # server CPU seconds over `wall`
    client_cpu: float
    machine_idle: float  # cores of the machine idle on average over `wall` (/proc/stat)
    machine_load: tuple[float, float]  # the machine's 1-minute load average at the start and the end
    think: float | None = None  # paced: the mean pause of a viewer between changes, in seconds


async def one_viewer(url: str, cookie: str, team: TeamPage, rounds: int, start: asyncio.Barrier,
                     first_loads: list[float], changes: list[float]) -> None:
    viewer = Viewer(url, query=f"team={team.slug}", cookie=cookie)
    try:
        await start.wait()
        page = await viewer.open()
        check_team_page(page, team, 28)
        first_loads.append(page.seconds)
        for n in range(rounds):
            preset = PRESETS[n % len(PRESETS)]
            pills = page.widget("button_group", "Quick range")
            await start.wait()  # every viewer changes the range at the same moment
            page = await viewer.rerun(widget_state(pills, string_array_value=[preset]))
            check_team_page(page, team, int(preset.split()[0]))
            changes.append(page.seconds)
    finally:
        await viewer.close()


async def paced_viewer(url: str, cookie: str, team: TeamPage, rounds: int, think: float, rng: random.Random,
                       first_loads: list[float], changes: list[float]) -> None:
    """A viewer who arrives within the first `think` seconds and pauses before each change, for
    `think` seconds on average (exponentially: most pauses short, a few long), to read the page."""
    viewer = Viewer(url, query=f"team={team.slug}", cookie=cookie)
    try:
        await asyncio.sleep(rng.uniform(0, think))
        page = await viewer.open()
        check_team_page(page, team, 28)
        first_loads.append(page.seconds)
        offset = rng.randrange(len(PRESETS))
        for n in range(rounds):
            await asyncio.sleep(rng.expovariate(1 / think))
            preset = PRESETS[(n + offset) % len(PRESETS)]
            page = await viewer.rerun(widget_state(page.widget("button_group", "Quick range"),
                                                   string_array_value=[preset]))
            check_team_page(page, team, int(preset.split()[0]))
            changes.append(page.seconds)
    finally:
        await viewer.close()


async def measure(server: Server, teams: list[TeamPage], viewers: int, rounds: int,
                  think: float | None = None) -> Measured:
    cookie = await sign_in(server.url)
    for team in teams:  # warm the server's caches, and check every team's page opens
        warm = Viewer(server.url, query=f"team={team.slug}", cookie=cookie)
        try:
            check_team_page(await warm.open(), team, 28)
        finally:
            await warm.close()
    rss_before = server.memory_mb("VmRSS")
    first_loads: list[float] = []
    changes: list[float] = []
    start = asyncio.Barrier(viewers + 1)
    cpu_before, client_before, load_before = server.cpu_seconds(), _own_cpu(), os.getloadavg()[0]
    idle_before = _machine_idle_seconds()
    rng = random.Random(viewers)  # the same pauses in every run
    tasks = [asyncio.create_task(
        one_viewer(server.url, cookie, teams[i % len(teams)], rounds, start, first_loads, changes) if think is None
        else paced_viewer(server.url, cookie, teams[i % len(teams)], rounds, think, rng, first_loads, changes))
        for i in range(viewers)]
    try:
        started = changes_started = time.perf_counter()
        if think is None:
            await _pass(start, tasks)  # the first page loads begin
            await _pass(start, tasks)  # the first loads are done: the first change begins
            changes_started = time.perf_counter()
            for _ in range(rounds - 1):
                await _pass(start, tasks)
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    ended = time.perf_counter()
    cpu, client_cpu = server.cpu_seconds() - cpu_before, _own_cpu() - client_before
    idle = (_machine_idle_seconds() - idle_before) / (ended - started)
    return Measured(viewers, rounds, first_loads, changes, ended - changes_started, ended - started,
                    rss_before, server.memory_mb("VmHWM"), server.memory_mb("VmRSS"), cpu, client_cpu,
                    idle, (load_before, os.getloadavg()[0]), think)


async def _pass(barrier: asyncio.Barrier, tasks: list[asyncio.Task]) -> None:
    """Wait at the barrier with the viewers; a viewer that failed fails the benchmark at once."""
    waiting = asyncio.ensure_future(barrier.wait())
    done, _ = await asyncio.wait([waiting, *tasks], return_when=asyncio.FIRST_COMPLETED)
    for task in done:
        if task is not waiting and task.exception() is not None:
            waiting.cancel()
            raise task.exception()
    if waiting not in done:
        await waiting


def _machine_idle_seconds() -> float:
    """Idle time of all the machine's cores together (idle + iowait of /proc/stat), in seconds."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()
    return (int(fields[4]) + int(fields[5])) / CLOCK_TICKS


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile, interpolated between the two nearest ranks."""
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def report(m: Measured) -> None:
    name = f"load {m.viewers} viewer{'s' if m.viewers != 1 else ''}" + (
        "" if m.think is None else f" pausing {m.think:g} s")
    runs = len(m.first_loads) + len(m.changes)
    print(f"{name} first page load p50: {statistics.median(m.first_loads):.2f} s")
    print(f"{name} first page load p95: {percentile(m.first_loads, 95):.2f} s")
    print(f"{name} control change p50: {statistics.median(m.changes):.2f} s")
    print(f"{name} control change p95: {percentile(m.changes, 95):.2f} s (target ≤ {TARGET_SECONDS:g} s)")
    print(f"{name} control changes per second: {len(m.changes) / m.change_wall:.2f} /s "
          f"({len(m.changes)} changes in {m.change_wall:.1f} s)")
    print(f"{name} server RSS before: {m.rss_before:.0f} MB (signed in, each team opened once)")
    print(f"{name} server RSS peak: {m.rss_peak:.0f} MB (VmHWM)")
    print(f"{name} server RSS per viewer: {(m.rss_peak - m.rss_before) / m.viewers:.1f} MB (peak - before, / viewers)")
    print(f"{name} server RSS after: {m.rss_after:.0f} MB (viewers closed; Streamlit keeps closed sessions 120 s)")
    print(f"{name} server CPU: {100 * m.cpu / m.wall:.0f} % of one core ({m.cpu:.1f} s in {m.wall:.1f} s; "
          f"this client used {m.client_cpu:.1f} s)")
    print(f"{name} server CPU per page run: {m.cpu / runs:.2f} s ({runs} runs: first loads and changes)")
    print(f"# {name}: {m.machine_idle:.2f} of the machine's {os.cpu_count()} cores idle on average; load "
          f"average {m.machine_load[0]:.1f} -> {m.machine_load[1]:.1f} (the machine is shared)", flush=True)


def saturation(results: list[Measured]) -> None:
    """Where it saturates: the N whose p95 passes the target, the throughput, and whether one core is the limit
    (of the viewers who change a control at the same moment)."""
    results = [m for m in results if m.think is None]
    over = [m for m in results if percentile(m.changes, 95) > TARGET_SECONDS]
    if over:
        print(f"load saturates at: {over[0].viewers} viewers (from there the p95 of a control change is above "
              f"{TARGET_SECONDS:g} s)")
    else:
        print(f"# load: the p95 of a control change stays within {TARGET_SECONDS:g} s up to "
              f"{results[-1].viewers} viewer{'s' if results[-1].viewers != 1 else ''}")
    best = max(results, key=lambda m: len(m.changes) / m.change_wall)
    print(f"load capacity: {len(best.changes) / best.change_wall:.2f} changes/s (the most at any N, "
          f"at {best.viewers} viewer{'s' if best.viewers != 1 else ''}; viewers who change a control at the "
          "same moment wait in line for it)")
    shares = ", ".join(f"{100 * m.cpu / m.wall:.0f} % at {m.viewers}" for m in results)
    # Only a run with a core to spare can show that the server could not use it (the machine is shared).
    spare = [m for m in results if m.machine_idle >= 0.3]
    if not spare:
        print(f"# load: the server's CPU was {shares} (percent of one core), but the machine had no core to "
              "spare at any N: this run cannot tell the one core Streamlit's script threads share under the "
              "GIL from a machine busy with other work; run it on a quiet machine")
        return
    shown = max(spare, key=lambda m: m.viewers)
    if shown.cpu / shown.wall < 0.85:
        print(f"# load: the server's CPU was {shares} (percent of one core), with cores to spare: "
              "not CPU-bound at these numbers")
        return
    if shown.viewers == 1:
        print(f"# load: the server's CPU was {shares} (percent of one core): one viewer's runs keep one core busy "
              f"while {shown.machine_idle:.2f} of {os.cpu_count()} stayed idle, but no run of several viewers had a "
              "core to spare, so this run cannot show whether the server could use a second one")
        return
    print(f"# load: the server's CPU was {shares} (percent of one core); at {shown.viewers} viewers "
          f"{shown.machine_idle:.2f} of the machine's {os.cpu_count()} cores stayed idle meanwhile: the limit is "
          "one core. Streamlit runs each session's script in a thread of the one process, all under one GIL, "
          "so more viewers queue for that core however many the machine has; more app processes (behind a "
          "load balancer) would use more cores.")


def measure_level(folder: Path, teams: list[TeamPage], n: int, rounds: int, think: float | None = None) -> Measured:
    """N viewers against a fresh server over the store in `folder`."""
    server = Server(folder / "store", folder / f"streamlit-{n}{'-pausing' if think else ''}.log")
    try:
        return asyncio.run(measure(server, teams, n, rounds, think))
    except Exception as exc:  # a failed page, a timeout, a closed connection: with the server's log
        raise SystemExit(f"load with {n} viewers failed: {exc!r}\nserver log:\n{server.log_tail()}") from exc
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--viewers", default="1,10,50", help="numbers of concurrent viewers, comma-separated")
    parser.add_argument("--rounds", type=int, default=4,
                        help="range changes per viewer (more when there are few viewers: at least 20 changes)")
    parser.add_argument("--smoke", action="store_true", help="1 and 3 viewers, 2 changes each")
    parser.add_argument("--think", type=float, default=None, metavar="SECONDS",
                        help="then again at the largest number of viewers, each pausing SECONDS on average "
                             "before a change (to read the page) instead of all changing at the same moment")
    args = parser.parse_args()
    levels = [1, 3] if args.smoke else [int(n) for n in args.viewers.split(",")]
    # SIGTERM ends the benchmark like Ctrl-C does: the server is stopped and the folder removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    with tempfile.TemporaryDirectory(prefix="load-bench-") as folder:
        started = time.perf_counter()
        teams = fill_demo_store(Path(folder) / "store")
        print(f"# store: the demo organisation, {len(teams)} qualifying teams, up to "
              f"{max(len(t.dates) for t in teams)} days (collected in {time.perf_counter() - started:.0f} s)",
              flush=True)
        results = []
        for n in levels:
            rounds = 2 if args.smoke else max(args.rounds, math.ceil(20 / n))
            results.append(measure_level(Path(folder), teams, n, rounds))
            report(results[-1])
        if args.think:
            results.append(measure_level(Path(folder), teams, levels[-1], args.rounds, args.think))
            report(results[-1])
        saturation(results)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:  # the server was stopped and the folder removed on the way out
        sys.exit("load: interrupted")
