"""The collector against S3 served by moto on loopback, and GitHub faked over HTTP."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import boto3
import pytest
from fake_github import FakeGitHub

from copilot_usage.collector.run import collect
from copilot_usage.demo import build_demo_org
from copilot_usage.github.client import GitHubClient
from copilot_usage.store import S3Store, open_store
from copilot_usage.store.histories import load_org_history, load_team_histories

pytestmark = pytest.mark.integration

END = date(2026, 10, 31)
TODAY = END + timedelta(days=2)


@pytest.fixture(scope="module")
def github():
    with FakeGitHub(build_demo_org(seed=5, teams=7, users=80, days=20, end_day=END)) as fake:
        yield fake


def test_collect_writes_history_and_raw_reports_to_s3(github, s3_endpoint, bucket, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    store = open_store(f"s3://{bucket}/copilot")  # boto3 finds moto through AWS_ENDPOINT_URL
    with GitHubClient(github.url, token="t") as client:
        summary = collect(client, store, github.org.org, since=END - timedelta(days=20), today=TODAY)
    histories, tag = load_team_histories(store)
    assert tag and summary.days_fetched == 20
    assert sum(len(h.data) for h in histories) == summary.days_added
    raw = store.list_keys("reports/users-1-day/")
    assert f"reports/users-1-day/day={END.isoformat()}/manifest.json" in raw
    # finalized days are read back from the raw copies: a second run downloads nothing old
    before = github.calls["download"]
    with GitHubClient(github.url, token="t") as client:
        collect(client, store, github.org.org, since=END - timedelta(days=20), until=END - timedelta(days=4),
                today=TODAY)
    assert github.calls["download"] == before


def test_two_collectors_at_once_record_every_day_exactly_once(github, s3_endpoint, bucket):
    errors: list[Exception] = []

    def run():
        store = S3Store(bucket, "shared", client=boto3.client("s3", endpoint_url=s3_endpoint))
        try:
            with GitHubClient(github.url, token="t") as client:
                collect(client, store, github.org.org, since=END - timedelta(days=20), today=TODAY)
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    store = S3Store(bucket, "shared", client=boto3.client("s3", endpoint_url=s3_endpoint))
    histories, _ = load_team_histories(store)
    org_days, _ = load_org_history(store)
    assert [d.date for d in org_days] == [END - timedelta(days=19 - n) for n in range(20)]
    for history in histories:
        dates = [d.date for d in history.data]
        assert dates == sorted(set(dates))
    expected = {(line["slug"], d) for n in range(20) for d in [END - timedelta(days=n)]
                for line in github.org.user_team_lines(d)}
    assert {(h.team.slug, d.date) for h in histories for d in h.data} == expected
