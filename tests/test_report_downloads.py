"""Report files: NDJSON and its variants, broken files, expired links, stored copies."""

import gzip
import json
from datetime import date, timedelta

import httpx
import pytest

from copilot_usage.collector.reports import fetch_report
from copilot_usage.contract.keys import USERS
from copilot_usage.demo import build_demo_org
from copilot_usage.errors import MalformedReport
from copilot_usage.github.client import GitHubClient
from copilot_usage.github.reports import parse_report
from copilot_usage.store import LocalStore
from copilot_usage.store.report_copies import read_copy

pytestmark = pytest.mark.unit

LINES = [{"user_id": 1, "a": [1, 2]}, {"user_id": 2, "b": None}]


@pytest.mark.parametrize("body", [
    b"\n".join(json.dumps(l).encode() for l in LINES) + b"\n",
    b"\r\n".join(json.dumps(l).encode() for l in LINES),
    json.dumps(LINES).encode(),
    gzip.compress(b"\n".join(json.dumps(l).encode() for l in LINES)),
], ids=["ndjson", "ndjson-crlf", "json-array", "ndjson-gzip"])
def test_ndjson_arrays_and_gzip_all_parse_to_the_same_lines(body):
    assert parse_report(body) == LINES


def test_a_single_object_is_one_line_and_an_empty_file_none():
    assert parse_report(json.dumps(LINES[0]).encode()) == [LINES[0]]
    assert parse_report(b"") == [] and parse_report(b"\n\n") == []


def test_a_truncated_file_is_refused_not_half_read():
    body = b"\n".join(json.dumps(l).encode() for l in LINES)
    with pytest.raises(MalformedReport, match="line 2 is not JSON"):
        parse_report(body[:-5], source="users-1-day 2026-05-01 part 0")
    with pytest.raises(MalformedReport, match="truncated"):
        parse_report(gzip.compress(body)[:-8])


class ExpiringOnce(httpx.MockTransport):
    """The demo transport, with every link handed out before the first download expired."""

    def __init__(self, demo):
        self.demo = demo.transport()
        self.expired = False
        super().__init__(self.route)

    def route(self, request):
        if ("download" in str(request.url) or "part-" in request.url.path) and not self.expired:
            self.expired = True
            self.demo.expire_links()
        return self.demo.handle(request)


def test_an_expired_link_is_asked_for_again_once(tmp_path):
    org = build_demo_org(seed=2, teams=6, users=60, days=10, end_day=date(2026, 10, 1))
    transport = ExpiringOnce(org)
    day = org.end_day
    with GitHubClient(token="t", transport=transport, sleep=lambda s: None) as client:
        result = fetch_report(client, None, org.org, USERS, day, today=day + timedelta(days=10))
    assert result.status == "ok"
    assert result.lines == org.user_lines(day)
    assert transport.demo.calls[f"report-links:{USERS}"] == 2


def test_a_final_day_is_read_from_the_stored_copy_and_a_provisional_one_is_not(tmp_path):
    org = build_demo_org(seed=2, teams=6, users=60, days=10, end_day=date(2026, 10, 1))
    transport = org.transport()
    store = LocalStore(tmp_path)
    day = org.end_day
    with GitHubClient(token="t", transport=transport, sleep=lambda s: None) as client:
        fresh = fetch_report(client, store, org.org, USERS, day, today=day + timedelta(days=2))
        assert read_copy(store, USERS, day) is None  # provisional copy: not trusted later
        fetch_report(client, store, org.org, USERS, day, today=day + timedelta(days=4))
        downloads = transport.calls["download"]
        again = fetch_report(client, store, org.org, USERS, day, today=day + timedelta(days=5))
    assert transport.calls["download"] == downloads and again.from_store
    assert again.lines == fresh.lines
    assert store.list_keys(f"reports/{USERS}/day={day}/")[0].endswith("manifest.json")
    stored = store.read_bytes(f"reports/{USERS}/day={day}/part-0.ndjson.gz")
    assert stored[:2] == b"\x1f\x8b"


class TruncatedOnce(httpx.MockTransport):
    """The demo transport, whose first download breaks off halfway through."""

    def __init__(self, demo):
        self.demo = demo.transport()
        self.truncated = False
        super().__init__(self.route)

    def route(self, request):
        response = self.demo.handle(request)
        if "part-" in request.url.path and not self.truncated:
            self.truncated = True
            body = response.read()
            return httpx.Response(200, content=body[: len(body) // 2])
        return response


def test_a_download_that_breaks_off_is_read_again_with_fresh_links():
    org = build_demo_org(seed=2, teams=6, users=60, days=10, end_day=date(2026, 10, 1))
    transport = TruncatedOnce(org)
    day = org.end_day
    with GitHubClient(token="t", transport=transport, sleep=lambda s: None) as client:
        result = fetch_report(client, None, org.org, USERS, day, today=day + timedelta(days=10))
    assert transport.truncated and result.lines == org.user_lines(day)
    assert transport.demo.calls[f"report-links:{USERS}"] == 2
