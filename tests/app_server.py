"""Loopback servers for the tests in processes of their own: `streamlit run` (browser tests) and moto's S3."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_answering(url: str, process: subprocess.Popen, name: str, *, ok=lambda status, body: True,
                    seconds: float = 60) -> None:
    """Until `url` answers and `ok(status, body)` holds (asked every 50 ms, for `seconds` at most)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if ok(answer.status, answer.read()):
                    return
        except urllib.error.HTTPError as answer:  # an answer all the same
            if ok(answer.code, b""):
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{name} did not answer at {url}")


@contextlib.contextmanager
def moto_server():
    """moto's S3 on http://127.0.0.1:PORT, in a process of its own: in the tests' process it would
    share the interpreter's lock with the code under test (docs/architecture.md, "Tests")."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_answering(url, process, "moto's server")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


class RunningApp(str):
    """The app's URL, with the path of the server's log (for scans of what it printed)."""

    log: Path


@contextlib.contextmanager
def streamlit_app(**settings: str):
    """The app on http://127.0.0.1:PORT with these settings (APP_URL is set to match)."""
    port = free_port()
    app = RunningApp(f"http://127.0.0.1:{port}")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "APP_URL", "STORE_URL"))}
    env.update(settings, APP_URL=app)
    ARTIFACTS.mkdir(exist_ok=True)
    app.log = ARTIFACTS / f"streamlit-{port}.log"
    with app.log.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--logger.level", "debug"], cwd=ROOT, env=env,
            stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_answering(f"{app}/_stcore/health", process, "streamlit", ok=lambda status, body: body == b"ok")
            yield app
        finally:
            process.terminate()
            process.wait(timeout=20)


# The height of everything in the app's main area, which scrolls on its own (so a full-page
# screenshot of a window shorter than its content would show only the window's part).
_CONTENT_HEIGHT = """() => Math.max(document.documentElement.scrollHeight,
  ...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stSidebarContent"]')]
     .map(e => e.scrollHeight))"""


def screenshot(page, name: str) -> None:
    """The whole page as test-artifacts/{name}.png. The window grows to the content's height for
    the picture only: chromium paints the whole window at every run, so a window as tall as the
    page for the whole test costs CPU (docs/architecture.md, "Tests")."""
    ARTIFACTS.mkdir(exist_ok=True)
    window = page.viewport_size
    height = page.evaluate(_CONTENT_HEIGHT)
    if window and height > window["height"]:
        page.set_viewport_size({"width": window["width"], "height": height})
    try:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    finally:
        if window:
            page.set_viewport_size(window)
