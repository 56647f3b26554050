"""A collection that fails halfway keeps what it wrote, and the next run completes it."""

from datetime import date, timedelta

import httpx
import pytest

from copilot_usage.collector.run import CHECKPOINT_DAYS, collect
from copilot_usage.contract.keys import HISTORY_KEY, ORG_HISTORY_KEY
from copilot_usage.demo import build_demo_org
from copilot_usage.errors import ServerError
from copilot_usage.github.client import GitHubClient
from copilot_usage.read.org import org_days
from copilot_usage.store import LocalStore

pytestmark = pytest.mark.integration

END = date(2026, 10, 31)
TODAY = END + timedelta(days=2)
DAYS = CHECKPOINT_DAYS + 7  # a checkpoint, the day that fails five days after it, and one more


class FailingDay(httpx.MockTransport):
    """GitHub answering 503 for every report of one day."""

    def __init__(self, org, day: date):
        self.demo = org.transport()
        self.day = day.isoformat()
        super().__init__(self.route)

    def route(self, request):
        if request.url.params.get("day") == self.day:
            return httpx.Response(503, json={"message": "Service Unavailable"})
        return self.demo.handle(request)


def run(store, transport, org):
    with GitHubClient(token="t", transport=transport, sleep=lambda s: None, max_retries=1,
                      backoff_seconds=0) as client:
        return collect(client, store, org.org, since=org.first_day - timedelta(days=1), today=TODAY,
                       concurrency=2)


@pytest.fixture(scope="module")
def org():
    return build_demo_org(seed=9, teams=6, users=60, days=DAYS, end_day=END)


def test_failure_keeps_checkpointed_days_and_a_clean_run_completes(tmp_path, org):
    failing_day = org.first_day + timedelta(days=CHECKPOINT_DAYS + 5)
    interrupted = LocalStore(tmp_path / "interrupted")
    with pytest.raises(ServerError, match="503"):
        run(interrupted, FailingDay(org, failing_day), org)
    kept = org_days(interrupted)  # what the pages read
    assert [d.date for d in kept] == [org.first_day + timedelta(days=n) for n in range(CHECKPOINT_DAYS)]

    run(interrupted, org.transport(), org)
    clean = LocalStore(tmp_path / "clean")
    run(clean, org.transport(), org)
    run(clean, org.transport(), org)
    recorded = [*clean.list_keys("teams/"), *clean.list_keys("facts/")]
    assert interrupted.list_keys("teams/") + interrupted.list_keys("facts/") == recorded
    for key in (HISTORY_KEY, ORG_HISTORY_KEY, *recorded):
        assert interrupted.read_bytes(key) == clean.read_bytes(key), key
