"""The collector caps glibc's malloc arenas before its threads start (collector/memory.py)."""

from __future__ import annotations

import platform
import threading
from datetime import date, timedelta

import pytest
from conftest import demo_client

from copilot_usage.collector import run
from copilot_usage.collector.memory import limit_malloc_arenas
from copilot_usage.demo import build_demo_org
from copilot_usage.store import LocalStore

pytestmark = pytest.mark.unit

END = date(2026, 10, 31)


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_glibc_takes_the_arena_cap():
    limit_malloc_arenas.cache_clear()
    assert limit_malloc_arenas(2) is True


def test_collect_caps_the_arenas_before_it_starts_a_thread(tmp_path, monkeypatch):
    threads_at_call = []
    started = threading.Thread.start

    def start(self):
        if not threads_at_call:
            threads_at_call.append("a thread started before the cap")
        started(self)

    monkeypatch.setattr(run, "limit_malloc_arenas", lambda: threads_at_call.append("capped"))
    monkeypatch.setattr(threading.Thread, "start", start)
    org = build_demo_org(seed=3, teams=6, users=50, days=3, end_day=END)
    with demo_client(org) as client:
        summary = run.collect(client, LocalStore(tmp_path), org.org, since=org.first_day - timedelta(days=1),
                                  today=END + timedelta(days=2))
    assert summary.days_fetched == 3
    assert threads_at_call[0] == "capped"
    assert "a thread started before the cap" not in threads_at_call
