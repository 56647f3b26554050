"""python -m copilot_usage and the Lambda handler, against the loopback fake GitHub."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import demo_client
from fake_github import FakeGitHub

from copilot_usage.collector import aws_lambda
from copilot_usage.collector.run import collect
from copilot_usage.demo import build_demo_org
from copilot_usage.store import open_store

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def github():
    # Ends the day before yesterday, as GitHub's reports do, so the CLI's own "today" fits.
    with FakeGitHub(build_demo_org(seed=4, teams=7, users=70, days=8)) as fake:
        yield fake


def env_for(github, tmp_path, **extra) -> dict:
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "GITHUB_ORG": github.org.org,
           "GITHUB_API_URL": github.url, "GITHUB_TOKEN": "collector-token",
           "STORE_URL": f"file://{tmp_path / 'store'}"}
    env.update(extra)
    return env


def run_cli(args, env, cwd):
    return subprocess.run([sys.executable, "-m", "copilot_usage", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_collect_prints_a_summary_and_progress(github, tmp_path):
    since = (github.org.first_day - timedelta(days=1)).isoformat()
    done = run_cli(["collect", "--since", since], env_for(github, tmp_path), tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Collecting" in done.stderr and "day" in done.stderr       # the progress bar
    summary = done.stdout.splitlines()[0]
    assert summary.startswith("Collected 8 day(s)")
    assert "request(s) to GitHub" in summary
    assert "Not available yet" in done.stdout
    assert (tmp_path / "store" / "teams_history.json").exists()


def test_team_history_prints_the_design_object(github, tmp_path):
    slug = sorted({l["slug"] for l in github.org.user_team_lines(github.org.end_day)})[0]
    since = (github.org.end_day - timedelta(days=3)).isoformat()
    done = run_cli(["team-history", "--team", slug, "--since", since], env_for(github, tmp_path), tmp_path)
    assert done.returncode == 0, done.stderr
    history = json.loads(done.stdout)
    assert history["team"]["slug"] == slug
    assert [d["date"] for d in history["data"]] == [
        (github.org.end_day - timedelta(days=n)).isoformat() for n in (2, 1, 0)]


@pytest.mark.parametrize("args,message", [
    (["collect", "--since", "2026-02-30"], "error: --since: must be a day like"),
    (["collect", "--since", "2026-05-02", "--until", "2026-05-01"], "error: --since must be before --until"),
    (["team-history", "--team", "no-such-team"], "error: team 'no-such-team' is not a team"),
])
def test_failures_are_one_line_and_non_zero(github, tmp_path, args, message):
    done = run_cli(args, env_for(github, tmp_path), tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip().startswith(message) and len(done.stderr.strip().splitlines()) == 1


def test_a_collector_without_credentials_says_which_settings(github, tmp_path):
    done = run_cli(["collect"], env_for(github, tmp_path, GITHUB_TOKEN=""), tmp_path)
    assert done.returncode == 1
    assert "GITHUB_TOKEN" in done.stderr and "GITHUB_APP_ID" in done.stderr


def test_lambda_handler_returns_the_summary(github, tmp_path, monkeypatch):
    # The scheduled run finds the store its previous run filled (here, in this process, up to
    # three days before the last) and collects the days since. (On an empty store it would go a
    # year back, day by day: the window is day_window's, tested in test_merge_is_idempotent.)
    org = github.org
    with demo_client(org) as client:
        collect(client, open_store(f"file://{tmp_path / 'store'}"), org.org,
                since=org.first_day - timedelta(days=1), until=org.end_day - timedelta(days=3))
    for name, value in env_for(github, tmp_path).items():
        if name not in ("PATH", "PYTHONPATH"):
            monkeypatch.setenv(name, value)
    summary = aws_lambda.handler({}, None)
    assert summary["days_fetched"] > 0 and summary["teams_qualifying"] > 0
    assert org.first_day.isoformat() < summary["first_day"]  # resumed from what the store holds
    assert summary["last_day"] == github.org.end_day.isoformat()
    assert summary["requests"] > 0


def test_collect_without_an_organisation_names_the_setting(github, tmp_path):
    env = env_for(github, tmp_path)
    del env["GITHUB_ORG"]
    done = run_cli(["collect"], env, tmp_path)
    assert done.returncode == 1 and done.stderr.startswith("error: GITHUB_ORG: set the organisation")
