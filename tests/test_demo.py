"""The demo organisation: deterministic, realistic, and served as GitHub serves it."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest

from copilot_usage.contract.counters import LANGUAGE_REPORT_COUNTERS, REPORT_COUNTERS
from copilot_usage.demo import DemoOrg, DemoTransport, build_demo_org

pytestmark = pytest.mark.unit

END = date(2026, 11, 20)
API = "https://api.github.com"
AUTH = {"Authorization": "Bearer demo-token"}


@pytest.fixture(scope="module")
def demo() -> DemoOrg:
    return build_demo_org(end_day=END)


def all_days(demo: DemoOrg) -> list[date]:
    return [demo.first_day + timedelta(days=i) for i in range((demo.end_day - demo.first_day).days + 1)]


def busy_weekday(demo: DemoOrg) -> date:
    """A weekday late in the period: enough lines for the report to be split."""
    day = demo.end_day
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def api_client(demo: DemoOrg, **kwargs: object) -> httpx.Client:
    return httpx.Client(transport=demo.transport(**kwargs), headers=AUTH)


def licensed_team_counts(demo: DemoOrg, day: date) -> dict[str, int]:
    licensed = {u["id"] for u in demo.users if u["id"] in demo.licensed_on(day)}
    ids = {u["login"]: u["id"] for u in demo.users}
    return {slug: sum(ids[login] in licensed for login in logins) for slug, logins in demo.members.items()}


# -- determinism ---------------------------------------------------------------


def test_same_arguments_give_identical_org_and_lines(demo: DemoOrg) -> None:
    again = build_demo_org(end_day=END)
    day = busy_weekday(demo)
    assert again.teams == demo.teams and again.members == demo.members and again.users == demo.users
    assert again.user_lines(day) == demo.user_lines(day)
    assert again.user_team_lines(day) == demo.user_team_lines(day)
    assert again.org_lines(day) == demo.org_lines(day)
    assert again.seats() == demo.seats()


def test_another_seed_gives_a_different_org(demo: DemoOrg) -> None:
    other = build_demo_org(seed=8, end_day=END)
    day = busy_weekday(demo)
    assert other.user_lines(day) != demo.user_lines(day)
    assert other.members != demo.members


def test_default_end_day_is_two_full_days_ago() -> None:
    today = datetime.now(UTC).date()
    demo = build_demo_org(days=3)
    assert demo.end_day == today - timedelta(days=2)
    assert demo.first_day == demo.end_day - timedelta(days=2)


def test_too_small_an_org_is_refused() -> None:
    with pytest.raises(ValueError):
        build_demo_org(teams=3)


# -- structure and the five-licensed-members rule -------------------------------


def test_never_qualifying_team_never_appears_in_user_team_lines(demo: DemoOrg) -> None:
    assert len(demo.members[demo.never_qualifying_team]) < 5
    for day in all_days(demo):
        assert all(line["slug"] != demo.never_qualifying_team for line in demo.user_team_lines(day))


def test_late_team_appears_from_the_day_it_has_five_licensed_members(demo: DemoOrg) -> None:
    crossing = demo.late_team_qualifies_from
    assert demo.first_day < crossing < demo.end_day

    def slugs(day: date) -> set[str]:
        return {line["slug"] for line in demo.user_team_lines(day)}

    assert demo.late_team not in slugs(demo.first_day)
    assert demo.late_team not in slugs(crossing - timedelta(days=1))
    assert demo.late_team in slugs(crossing)
    assert demo.late_team in slugs(demo.end_day)


def test_user_team_lines_only_for_licensed_members_of_teams_with_five(demo: DemoOrg) -> None:
    team_ids = {t["slug"]: t["id"] for t in demo.teams}
    for day in all_days(demo)[::7]:
        licensed = demo.licensed_on(day)
        counts = licensed_team_counts(demo, day)
        lines = demo.user_team_lines(day)
        assert all(line["user_id"] in licensed for line in lines)
        assert all(line["team_id"] == team_ids[line["slug"]] for line in lines)
        assert all(line["day"] == day.isoformat() for line in lines)
        by_team: dict[str, int] = {}
        for line in lines:
            by_team[line["slug"]] = by_team.get(line["slug"], 0) + 1
        assert by_team == {slug: n for slug, n in counts.items() if n >= 5}


def test_teams_look_like_a_real_org(demo: DemoOrg) -> None:
    sizes = [len(logins) for logins in demo.members.values()]
    assert min(sizes) <= 5 and max(sizes) >= 30
    memberships = [login for logins in demo.members.values() for login in logins]
    in_teams = [memberships.count(u["login"]) for u in demo.users]
    assert any(n >= 2 for n in in_teams) and any(n == 0 for n in in_teams)
    assert any(t["description"] is None for t in demo.teams)
    assert any("<b>" in (t["description"] or "") for t in demo.teams)
    child = [t for t in demo.teams if t["parent"]]
    assert len(child) == 1
    parent = child[0]["parent"]["slug"]
    assert set(demo.members[child[0]["slug"]]) <= set(demo.members[parent])
    assert all(t["html_url"] == f"https://github.com/orgs/{demo.org}/teams/{t['slug']}" for t in demo.teams)


def test_personas_are_what_the_sign_in_box_promises(demo: DemoOrg) -> None:
    logins = {u["login"] for u in demo.users}
    ids = {u["login"]: u["id"] for u in demo.users}
    days = all_days(demo)
    sample = days[::5]
    reported = [{line["slug"] for line in demo.user_team_lines(d)} for d in sample]
    qualifying = {slug for slug in demo.members if sum(slug in r for r in reported) > len(sample) / 2}
    teams_of = {login: {s for s, members in demo.members.items() if login in members} for login in logins}
    two = demo.personas["two-teams"]
    assert len(teams_of[two]) == 2 and teams_of[two] <= qualifying
    assert teams_of[demo.personas["admin"]] & set(demo.admin_teams)
    assert set(demo.admin_teams) <= set(demo.members)
    assert teams_of[demo.personas["no-team"]] == set()
    assert ids[demo.personas["no-team"]] in demo.licensed_on(demo.end_day)
    assert demo.personas["outsider"] not in logins


def test_seats_include_unused_idle_and_cancelling_seats(demo: DemoOrg) -> None:
    seats = demo.seats()
    assert {s["assignee"]["id"] for s in seats} == demo.licensed_on(demo.end_day)
    assert any(s["last_activity_at"] is None for s in seats)
    idle_since = (demo.end_day - timedelta(days=30)).isoformat()
    assert any(s["last_activity_at"] and s["last_activity_at"] < idle_since for s in seats)
    assert sum(1 for s in seats if s["pending_cancellation_date"]) == 1
    assert any(s["assigning_team"] for s in seats) and any(s["assigning_team"] is None for s in seats)
    assert {s["plan_type"] for s in seats} == {"business"}
    assert set(seats[0]) == {
        "assignee", "assigning_team", "created_at", "last_activity_at", "last_activity_editor",
        "last_authenticated_at", "pending_cancellation_date", "plan_type",
    }


def test_seats_are_assigned_progressively(demo: DemoOrg) -> None:
    assert len(demo.licensed_on(demo.first_day)) < len(demo.licensed_on(demo.end_day))


# -- the numbers ---------------------------------------------------------------


def test_breakdown_arrays_add_up_to_the_user_totals(demo: DemoOrg) -> None:
    arrays = {
        "totals_by_ide": REPORT_COUNTERS,
        "totals_by_feature": REPORT_COUNTERS,
        "totals_by_model_feature": REPORT_COUNTERS,
        "totals_by_language_feature": LANGUAGE_REPORT_COUNTERS,
        "totals_by_language_model": LANGUAGE_REPORT_COUNTERS,
    }
    for day in all_days(demo)[::3]:
        for line in demo.user_lines(day):
            for array, counters in arrays.items():
                for counter in counters:
                    assert sum(item[counter] for item in line[array]) == line[counter], (array, counter)
            assert line["code_acceptance_activity_count"] <= line["code_generation_activity_count"]
            assert line["loc_added_sum"] <= line["loc_suggested_to_add_sum"]


def test_user_lines_carry_every_documented_key(demo: DemoOrg) -> None:
    lines = demo.user_lines(busy_weekday(demo))
    for line in lines:
        assert {"day", "user_id", "user_login", "organization_id", "enterprise_id", *REPORT_COUNTERS,
                "used_agent", "used_chat", "used_cli", "ai_credits_used", "ai_adoption_phase"} <= set(line)
        assert ("totals_by_cli" in line) == line["used_cli"]
        ide = line["totals_by_ide"][0]
        assert {"ide_version", "sampled_at"} <= set(ide["last_known_ide_version"])
        assert {"plugin", "plugin_version", "sampled_at"} <= set(ide["last_known_plugin_version"])
    assert any(line["used_cli"] for line in lines) and any(line["used_agent"] for line in lines)


def test_weekdays_are_busier_than_weekends(demo: DemoOrg) -> None:
    weekday = [len(demo.user_lines(d)) for d in all_days(demo) if d.weekday() < 5]
    weekend = [len(demo.user_lines(d)) for d in all_days(demo) if d.weekday() >= 5]
    ratio = statistics.mean(weekend) / statistics.mean(weekday)
    assert 0.1 < ratio < 0.4


def test_acceptance_rate_and_engagement_look_real(demo: DemoOrg) -> None:
    lines = [line for d in all_days(demo) for line in demo.user_lines(d)]
    accepted = sum(x["code_acceptance_activity_count"] for x in lines)
    rate = accepted / sum(x["code_generation_activity_count"] for x in lines)
    assert 0.25 <= rate <= 0.35
    engaged = [
        x for x in lines if x["user_initiated_interaction_count"] or x["code_acceptance_activity_count"]
    ]
    assert 0.5 * len(lines) < len(engaged) < len(lines)
    ides = {item["ide"] for x in lines for item in x["totals_by_ide"]}
    assert ides >= {"vscode", "jetbrains", "visualstudio", "neovim"}


def test_adoption_grows_over_the_period(demo: DemoOrg) -> None:
    days = [d for d in all_days(demo) if d.weekday() < 5]
    early = statistics.mean(len(demo.user_lines(d)) for d in days[:15])
    late = statistics.mean(len(demo.user_lines(d)) for d in days[-15:])
    assert late > early * 1.1


def test_org_line_is_the_sum_of_the_user_lines(demo: DemoOrg) -> None:
    day = busy_weekday(demo)
    users = demo.user_lines(day)
    (org,) = demo.org_lines(day)
    assert org["daily_active_users"] == len(users)
    for counter in REPORT_COUNTERS:
        assert org[counter] == sum(u[counter] for u in users)
    by_feature = sum(i["code_generation_activity_count"] for i in org["totals_by_feature"])
    assert by_feature == org["code_generation_activity_count"]
    assert org["daily_active_users"] <= org["weekly_active_users"] <= org["monthly_active_users"]
    week = {u["user_id"] for d in range(7) for u in demo.user_lines(day - timedelta(days=d))}
    assert org["weekly_active_users"] == len(week)
    assert org["daily_active_cli_users"] == sum(u["used_cli"] for u in users)
    assert {"total_created", "total_merged", "median_minutes_to_merge"} <= set(org["pull_requests"])


def test_ai_credits_only_from_june_2026() -> None:
    demo = build_demo_org(end_day=date(2026, 6, 3), days=7)
    assert all("ai_credits_used" not in x for x in demo.user_lines(date(2026, 5, 29)))
    assert all("ai_credits_used" in x for x in demo.user_lines(date(2026, 6, 1)))


def test_no_lines_outside_the_period(demo: DemoOrg) -> None:
    before, after = demo.first_day - timedelta(days=1), demo.end_day + timedelta(days=1)
    for day in (before, after):
        assert demo.user_lines(day) == demo.user_team_lines(day) == demo.org_lines(day) == []


# -- the transport ---------------------------------------------------------------


def test_link_headers_walk_every_team_five_at_a_time(demo: DemoOrg) -> None:
    with api_client(demo) as client:
        url: str | None = f"{API}/orgs/{demo.org}/teams?per_page=5"
        seen, pages = [], 0
        while url:
            response = client.get(url)
            assert response.status_code == 200
            seen += response.json()
            pages += 1
            url = response.links.get("next", {}).get("url")
            if url:
                assert url.startswith(API) and "per_page=5" in url
                assert response.links["last"]["url"].endswith(f"page={-(-len(demo.teams) // 5)}")
    assert seen == demo.teams and pages == -(-len(demo.teams) // 5)


def test_members_and_seats_are_paginated(demo: DemoOrg) -> None:
    slug = max(demo.members, key=lambda s: len(demo.members[s]))
    with api_client(demo) as client:
        first = client.get(f"{API}/orgs/{demo.org}/teams/{slug}/members")
        assert len(first.json()) == min(30, len(demo.members[slug])) and "next" in first.links
        rest = client.get(first.links["next"]["url"]).json()
        assert [u["login"] for u in first.json() + rest] == demo.members[slug]
        seats = client.get(f"{API}/orgs/{demo.org}/copilot/billing/seats").json()
        assert seats["total_seats"] == len(demo.seats()) and len(seats["seats"]) == 50
        big = client.get(f"{API}/orgs/{demo.org}/copilot/billing/seats?per_page=1000").json()
        assert len(big["seats"]) == 100
        assert client.get(f"{API}/orgs/{demo.org}/teams/no-such-team/members").status_code == 404


def reports_url(demo: DemoOrg, report: str) -> str:
    return f"{API}/orgs/{demo.org}/copilot/metrics/reports/{report}"


def fetch_report(
    transport: DemoTransport, demo: DemoOrg, report: str, day: date
) -> tuple[list[str], list[dict]]:
    """Ask for the links with the token, then download them without it."""
    with httpx.Client(transport=transport, headers=AUTH) as client:
        links = client.get(reports_url(demo, report), params={"day": day.isoformat()})
    assert links.status_code == 200 and links.json()["report_day"] == day.isoformat()
    lines: list[dict] = []
    with httpx.Client(transport=transport) as bare:
        for link in links.json()["download_links"]:
            response = bare.get(link)
            assert response.status_code == 200
            assert response.headers["content-type"] == "application/x-ndjson"
            lines += [json.loads(text) for text in response.text.split("\n") if text]
    return links.json()["download_links"], lines


def test_report_links_then_downloads_give_the_same_lines(demo: DemoOrg) -> None:
    day = busy_weekday(demo)
    transport = demo.transport()
    links, lines = fetch_report(transport, demo, "users-1-day", day)
    assert len(links) == 2 and len(demo.user_lines(day)) > 50
    assert lines == demo.user_lines(day)
    assert fetch_report(transport, demo, "user-teams-1-day", day)[1] == demo.user_team_lines(day)
    assert fetch_report(transport, demo, "organization-1-day", day)[1] == demo.org_lines(day)


def test_report_status_codes_follow_github(demo: DemoOrg) -> None:
    base = reports_url(demo, "users-1-day")
    with api_client(demo) as client:
        after = client.get(base, params={"day": (demo.end_day + timedelta(days=1)).isoformat()})
        assert after.status_code == 404 and after.json()["message"] == "Not Found"
        before = client.get(base, params={"day": (demo.first_day - timedelta(days=1)).isoformat()})
        assert before.status_code == 204 and before.content == b""
        assert client.get(base).status_code == 422
        assert client.get(base, params={"day": "2026-13-01"}).status_code == 422
        assert client.get(f"{API}/orgs/someone-else/teams").status_code == 404
        assert client.get(reports_url(demo, "users-7-day"), params={"day": "2026-11-01"}).status_code == 404
        assert client.get(f"{API}/orgs/{demo.org}/team/x/copilot/metrics").status_code == 404


def test_downloads_need_no_token_but_the_api_does(demo: DemoOrg) -> None:
    transport = demo.transport()
    day = busy_weekday(demo)
    with httpx.Client(transport=transport) as bare:
        assert bare.get(f"{API}/orgs/{demo.org}/teams").status_code == 401
        with httpx.Client(transport=transport, headers=AUTH) as client:
            answer = client.get(reports_url(demo, "organization-1-day"), params={"day": day.isoformat()})
            link = answer.json()["download_links"][0]
            assert client.get(link).status_code == 400  # the token must not travel to the storage host
        assert bare.get(link).status_code == 200


def test_expired_links_answer_403_and_fresh_ones_work(demo: DemoOrg) -> None:
    transport = demo.transport()
    day = busy_weekday(demo).isoformat()
    url = f"{API}/orgs/{demo.org}/copilot/metrics/reports/user-teams-1-day"
    with httpx.Client(transport=transport, headers=AUTH) as client, httpx.Client(transport=transport) as bare:
        old = client.get(url, params={"day": day}).json()["download_links"][0]
        transport.expire_links()
        assert bare.get(old).status_code == 403
        fresh = client.get(url, params={"day": day}).json()["download_links"][0]
        assert bare.get(fresh).status_code == 200


def test_calls_are_counted_by_kind(demo: DemoOrg) -> None:
    transport = demo.transport()
    with httpx.Client(transport=transport, headers=AUTH) as client:
        client.get(f"{API}/orgs/{demo.org}/teams")
        client.get(f"{API}/orgs/{demo.org}/teams/{demo.teams[0]['slug']}/members")
        client.get(f"{API}/orgs/{demo.org}/copilot/billing/seats")
        day = busy_weekday(demo).isoformat()
        links = client.get(reports_url(demo, "users-1-day"), params={"day": day}).json()["download_links"]
    with httpx.Client(transport=transport) as bare:
        for link in links:
            bare.get(link)
        bare.get(f"{API}/nowhere")
    assert transport.calls == {
        "teams": 1, "members": 1, "seats": 1, "report-links:users-1-day": 1, "download": 2, "other": 1,
    }


def test_transport_serves_async_clients_and_other_base_urls(demo: DemoOrg) -> None:
    api, downloads = "http://127.0.0.1:8765/api/v3", "http://127.0.0.1:8765/downloads"

    async def fetch() -> list[dict]:
        transport = demo.transport(api, downloads)
        async with httpx.AsyncClient(transport=transport, headers=AUTH) as client:
            return (await client.get(f"{api}/orgs/{demo.org}/teams?per_page=100")).json()

    assert asyncio.run(fetch()) == demo.teams


# -- scale -----------------------------------------------------------------------


def test_a_large_org_builds_and_reports_a_day_quickly() -> None:
    start = time.perf_counter()
    demo = build_demo_org(teams=2000, users=50_000, days=1, end_day=END)
    lines = demo.user_team_lines(END)
    elapsed = time.perf_counter() - start
    print(f"\n2,000 teams / 50,000 users: build + one day: {elapsed:.2f}s, {len(lines)} user-team lines")
    assert len(demo.teams) == 2000 and len(demo.users) == 50_000 and lines
    assert elapsed < 30  # a guard against accidental O(teams * users), not a benchmark
