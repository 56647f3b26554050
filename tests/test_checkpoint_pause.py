"""A backfill writes its checkpoints while no day is joined: the fetch workers wait, so the
checkpoint's working set and a join's are never held at once (a year's backfill peaked where
they met; docs/architecture.md, "Memory over a long run")."""

import threading
from datetime import date, timedelta

import pytest

from copilot_usage.collector import run as collector_run
from copilot_usage.collector.facts import FactsEngine
from copilot_usage.collector.run import CHECKPOINT_DAYS, collect
from copilot_usage.demo import build_demo_org
from copilot_usage.github.client import GitHubClient
from copilot_usage.store import LocalStore

pytestmark = pytest.mark.integration

END = date(2026, 10, 31)
DAYS = 3 * CHECKPOINT_DAYS + 2
WATCHED = 2  # the first checkpoints: days remain to be fetched, so workers are busy meanwhile


class Joins:
    """Counts the days asked to be joined and the joins begun; at each watched checkpoint,
    waits for a worker with a day to join, then sees whether its join begins."""

    def __init__(self):
        self.changed = threading.Condition()
        self.asked = self.begun = 0
        self.waiting_seen: list[bool] = []  # a worker had a day to join during the checkpoint
        self.joined_during: list[bool] = []  # and joined it before the checkpoint was written

    def ask(self):
        with self.changed:
            self.asked += 1
            self.changed.notify_all()

    def begin(self):
        with self.changed:
            self.begun += 1
            self.changed.notify_all()

    def checkpoint(self):
        if len(self.waiting_seen) >= WATCHED:
            return
        with self.changed:
            waiting = self.changed.wait_for(lambda: self.asked > self.begun, timeout=10)
            begun = self.begun
            # Unpaused, the waiting worker's join begins at once; paused, it cannot.
            joined = waiting and self.changed.wait_for(lambda: self.begun > begun, timeout=0.5)
        self.waiting_seen.append(waiting)
        self.joined_during.append(joined)


def test_no_day_is_joined_while_a_checkpoint_is_written(tmp_path, monkeypatch):
    org = build_demo_org(seed=4, teams=6, users=60, days=DAYS, end_day=END)
    joins = Joins()
    day, _day, upsert = FactsEngine.day, FactsEngine._day, collector_run.upsert_team_days

    def asked(self, *args, **kwargs):
        joins.ask()
        return day(self, *args, **kwargs)

    def begun(self, *args, **kwargs):
        joins.begin()
        return _day(self, *args, **kwargs)

    def written(*args, **kwargs):
        joins.checkpoint()
        return upsert(*args, **kwargs)

    monkeypatch.setattr(FactsEngine, "day", asked)
    monkeypatch.setattr(FactsEngine, "_day", begun)
    monkeypatch.setattr(collector_run, "upsert_team_days", written)
    with GitHubClient(token="t", transport=org.transport(), sleep=lambda s: None) as client:
        summary = collect(client, LocalStore(str(tmp_path)), org.org, since=org.first_day - timedelta(days=1),
                          today=END + timedelta(days=1), concurrency=4)
    assert summary.days_fetched == DAYS
    assert any(joins.waiting_seen), "no worker had a day to join during a checkpoint: the test saw nothing"
    assert joins.joined_during == [False] * WATCHED
    assert joins.begun == joins.asked == DAYS  # every day joined once the checkpoints were written
