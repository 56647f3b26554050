"""Start `streamlit run` on a free loopback port for browser tests, and stop it."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
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


def _wait_healthy(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    """Until the server answers its health check "ok" (asked every 50 ms, for `seconds` at most)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("streamlit did not become healthy")


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
            _wait_healthy(app, process)
            yield app
        finally:
            process.terminate()
            process.wait(timeout=20)


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
