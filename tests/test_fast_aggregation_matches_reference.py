"""The collector's Arrow join (aggregate_arrow.py) gives what the readable `aggregate_teams` gives."""

import gzip
import json
import sys
from datetime import date, timedelta

import httpx
import pytest

import test_team_join_counts_distinct_users as rules
from copilot_usage.aggregate import aggregate_report_parts, aggregate_teams, licensed_logins
from copilot_usage.aggregate_arrow import aggregate_parts
from copilot_usage.demo import build_demo_org
from copilot_usage.errors import MalformedReport
from copilot_usage.github.client import GitHubClient
from copilot_usage.github.reports import USERS, check_whole, fetch_report, parse_report
from copilot_usage.history import fetch_day
from copilot_usage.store import LocalStore

END = date(2026, 9, 1)


@pytest.fixture(scope="module")
def org():
    return build_demo_org(seed=3, teams=40, users=600, days=200, end_day=END)


def ndjson(lines) -> bytes:
    return "".join(json.dumps(line) + "\n" for line in lines).encode()


def reference(day, user_parts, team_parts):
    users = [line for data in user_parts for line in parse_report(data)]
    teams = [line for data in team_parts for line in parse_report(data)]
    team_days = aggregate_teams(day, users, teams)
    return team_days, licensed_logins(teams, team_days)


def fast(day, user_parts, team_parts):
    joined = aggregate_parts(day, user_parts, team_parts)
    assert joined is not None, "the Arrow join fell back to the readable path"
    return joined


@pytest.mark.parametrize("day", [END - timedelta(days=199), date(2026, 5, 30), date(2026, 5, 31),
                                 date(2026, 6, 1), date(2026, 8, 15), END])
def test_demo_days_give_identical_team_days(org, day):
    users, teams = org.user_lines(day), org.user_team_lines(day)
    expected = reference(day, [ndjson(users)], [ndjson(teams)])
    got = fast(day, [ndjson(users)], [ndjson(teams)])
    assert got == expected and len(got[0]) > 20
    # same item order too (the history file is written in this order)
    for slug, team_day in got[0].items():
        assert list(team_day.by_language) == list(expected[0][slug].by_language)
    if day < date(2026, 6, 1):
        assert all(t.ai_credits is None for t in got[0].values())
    else:
        assert all(t.ai_credits is not None for t in got[0].values() if t.active_users)


def test_parts_gzip_or_not_and_lines_of_other_days_change_nothing(org):
    users = org.user_lines(END) + org.user_lines(END - timedelta(days=1))
    teams = org.user_team_lines(END - timedelta(days=1)) + org.user_team_lines(END)
    half = len(users) // 2
    user_parts = [gzip.compress(ndjson(users[:half])), ndjson(users[half:]), b""]
    team_parts = [ndjson(teams[:10]), gzip.compress(ndjson(teams[10:]))]
    assert fast(END, user_parts, team_parts) == reference(END, [ndjson(org.user_lines(END))],
                                                          [ndjson(org.user_team_lines(END))])


@pytest.fixture
def on_the_fast_path(monkeypatch):
    """tests/test_team_join_counts_distinct_users.py, with its aggregate_teams going through Arrow."""
    monkeypatch.setattr(rules, "aggregate_teams",
                        lambda day, users, teams: fast(day, [ndjson(users)], [ndjson(teams)])[0])


@pytest.mark.parametrize("rule", [value for name, value in vars(rules).items() if name.startswith("test_")])
def test_the_distinct_user_rules_hold_on_the_fast_path(on_the_fast_path, rule):
    rule()


def odd_day():
    """The hand-made day, plus lines the readable path skips or reads as zero."""
    users, teams = rules.hand_made_day()
    users[0]["totals_by_ide"].append(None)                                 # not an item
    users[1]["totals_by_ide"][0]["ide"] = ""                               # -> "unknown"
    del users[2]["totals_by_feature"][0]["feature"]                       # -> "unknown"
    users[3]["totals_by_language_feature"] = None
    users.append({**rules.user(6, gen=99), "user_id": None})             # no user: skipped
    users.append(rules.user(5, gen=7, credits=0.1))                       # repeated: the last line wins
    teams.append({**rules.member(12, "tiny"), "slug": ""})
    teams.append({**rules.member(13, "tiny"), "slug": None, "user_login": ""})
    return users, teams


ODDITIES = {
    "nothing else": lambda u, t: None,
    "a counter given as text": lambda u, t: u[0].update(code_generation_activity_count="12"),
    "a counter given as a bool": lambda u, t: u[0].update(loc_added_sum=True),
    "a counter given as a float": lambda u, t: u[1].update(loc_added_sum=3.7),
    "credits given as a bool": lambda u, t: u[4].update(ai_credits_used=True),
    "a line without day": lambda u, t: u[2].pop("day"),
    "a line with day null": lambda u, t: u[2].update(day=None),
    "a user-team line without day": lambda u, t: t[0].pop("day"),
    "a breakdown that is an object": lambda u, t: u[0].update(totals_by_feature={"feature": "x"}),
    "an item name that is a number": lambda u, t: u[0]["totals_by_ide"][0].update(ide=7),
    "a line that is a number": lambda u, t: u.append(5),
    "organization ids as text in one file": lambda u, t: [line.update(organization_id="42") for line in u],
    "organization ids as text in both": lambda u, t: [line.update(organization_id="42") for line in u + t],
    "no organization ids": lambda u, t: [line.pop("organization_id") for line in u + t],
}


@pytest.mark.parametrize("oddity", ODDITIES)
def test_odd_lines_give_what_the_readable_path_gives(oddity):
    users, teams = odd_day()
    ODDITIES[oddity](users, teams)
    user_parts, team_parts = [ndjson(users)], [ndjson(teams)]
    assert aggregate_report_parts(rules.DAY, user_parts, team_parts) == reference(rules.DAY, user_parts, team_parts)


def test_the_usual_oddities_stay_on_the_fast_path():
    users, teams = odd_day()
    ODDITIES["organization ids as text in both"](users, teams)
    assert fast(rules.DAY, [ndjson(users)], [ndjson(teams)]) == \
        reference(rules.DAY, [ndjson(users)], [ndjson(teams)])


def test_a_json_array_file_is_read_by_the_readable_path(org):
    users, teams = org.user_lines(END), org.user_team_lines(END)
    assert aggregate_parts(END, [json.dumps(users).encode()], [ndjson(teams)]) is None
    assert aggregate_report_parts(END, [json.dumps(users).encode()], [ndjson(teams)]) == \
        reference(END, [ndjson(users)], [ndjson(teams)])


def test_a_broken_line_or_a_truncated_file_fails_the_day(org):
    users, teams = ndjson(org.user_lines(END)), ndjson(org.user_team_lines(END))
    middle = users.index(b"\n", len(users) // 2) + 1
    with pytest.raises(MalformedReport, match="is not JSON"):
        aggregate_report_parts(END, [users[:middle] + b"<html>502</html>\n" + users[middle:]], [teams])
    with pytest.raises(MalformedReport, match="is not JSON"):
        aggregate_report_parts(END, [users], [teams[:-20]])
    with pytest.raises(MalformedReport, match="truncated"):
        aggregate_report_parts(END, [gzip.compress(users)[:-100]], [teams])


def test_without_pyarrow_the_readable_path_gives_the_same(org, monkeypatch):
    users, teams = [ndjson(org.user_lines(END))], [ndjson(org.user_team_lines(END))]
    expected = fast(END, users, teams)
    monkeypatch.setitem(sys.modules, "copilot_usage.aggregate_arrow", None)  # as in the Lambda zip
    assert aggregate_report_parts(END, users, teams) == expected


# ---------------------------------------------------------------- wired into the collector

class Tapped(httpx.MockTransport):
    """The demo transport, whose first users download (or every one) is rewritten."""

    def __init__(self, demo, rewrite, times=1):
        self.demo, self.rewrite, self.times = demo.transport(), rewrite, times
        super().__init__(self.route)

    def route(self, request):
        response = self.demo.handle(request)
        if f"/{USERS}/" in request.url.path and "part-" in request.url.path and self.times:
            self.times -= 1
            return httpx.Response(200, content=self.rewrite(response.read()))
        return response


def client(transport):
    return GitHubClient(token="t", transport=transport, sleep=lambda s: None)


def expected_day(org, day):
    team_days, members = reference(day, [ndjson(org.user_lines(day))], [ndjson(org.user_team_lines(day))])
    return team_days, members


def test_check_whole_refuses_only_a_file_cut_off():
    body = ndjson(rules.hand_made_day()[0])
    for whole in (body, body.rstrip(), json.dumps([1, 2]).encode(), b"", b"{}", gzip.compress(body)):
        check_whole(whole)
    for cut in (body[:-3], body[:-1].rsplit(b"\n", 1)[0] + b'\n{"user_id": 1', b"[{}, ", gzip.compress(body)[:-9]):
        with pytest.raises(MalformedReport):
            check_whole(cut)


def test_fetch_day_joins_from_downloads_and_then_from_the_stored_copies(org, tmp_path):
    transport, store = org.transport(), LocalStore(tmp_path)
    with client(transport) as github:
        first = fetch_day(github, store, org.org, END, today=END + timedelta(days=10))
        downloads = transport.calls["download"]
        again = fetch_day(github, store, org.org, END, today=END + timedelta(days=10))
    assert transport.calls["download"] == downloads  # the final day came from the copies
    assert (first.team_days, first.members) == expected_day(org, END)
    assert (again.team_days, again.members) == (first.team_days, first.members)
    assert store.read_bytes(f"reports/{USERS}/day={END}/part-0.ndjson.gz")[:2] == b"\x1f\x8b"


@pytest.mark.parametrize("cut", [lambda body: body[: len(body) // 2],
                                 lambda body: gzip.compress(body)[: len(body) // 40]], ids=["ndjson", "gzip"])
def test_a_download_cut_off_is_fetched_again_with_fresh_links(org, cut):
    transport = Tapped(org, cut)
    with client(transport) as github:
        result = fetch_report(github, None, org.org, USERS, END, today=END + timedelta(days=10), parse=False)
    assert transport.demo.calls[f"report-links:{USERS}"] == 2
    assert parse_report(b"".join(result.raw_parts)) == org.user_lines(END)


def test_a_broken_line_fails_the_day_and_no_copy_of_it_is_kept(org, tmp_path):
    def broken(body):
        lines = gzip.decompress(body).splitlines(keepends=True) if body[:2] == b"\x1f\x8b" \
            else body.splitlines(keepends=True)
        return b"".join(lines[:3] + [b"<html>502</html>\n"] + lines[3:])

    store = LocalStore(tmp_path)
    with client(Tapped(org, broken, times=10)) as github, pytest.raises(MalformedReport, match="is not JSON"):
        fetch_day(github, store, org.org, END, today=END + timedelta(days=10))
    assert store.read_bytes(f"reports/{USERS}/day={END}/part-0.ndjson.gz") is None
    with client(org.transport()) as github:  # the next run downloads the day again
        assert fetch_day(github, store, org.org, END, today=END + timedelta(days=10)).team_days == \
            expected_day(org, END)[0]
