"""The Athena query in docs/deploy.md, run with DuckDB over a local store's raw reports,
gives every team-day the collector recorded in teams_history.json."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from copilot_usage.demo import build_demo_org
from copilot_usage.github.client import GitHubClient
from copilot_usage.history import collect, load_team_histories
from copilot_usage.store import LocalStore

ROOT = Path(__file__).resolve().parent.parent
END = date(2026, 10, 31)
DOC_DAY, DOC_SLUG = "'2026-05-01'", "'your-team-slug'"

# The columns of the Athena tables in docs/deploy.md, as DuckDB types.
USERS_COLUMNS = {"day": "VARCHAR", "user_id": "BIGINT", "user_login": "VARCHAR", "organization_id": "VARCHAR",
                 "code_generation_activity_count": "BIGINT", "code_acceptance_activity_count": "BIGINT"}
USER_TEAMS_COLUMNS = {"day": "VARCHAR", "user_id": "BIGINT", "user_login": "VARCHAR",
                      "organization_id": "VARCHAR", "team_id": "BIGINT", "slug": "VARCHAR"}


def doc_query() -> str:
    """The one-team-day query of docs/deploy.md, exactly as a reader copies it."""
    text = (ROOT / "docs" / "deploy.md").read_text()
    [sql] = [block for block in re.findall(r"```sql\n(.*?)```", text, re.S)
             if block.startswith("-- One team-day from the raw reports")]
    assert DOC_DAY in sql and DOC_SLUG in sql
    return sql


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> LocalStore:
    org = build_demo_org(seed=13, teams=7, users=70, days=8, end_day=END)
    store = LocalStore(tmp_path_factory.mktemp("store"))
    with GitHubClient(token="t", transport=org.transport(), sleep=lambda s: None) as client:
        collect(client, store, org.org, since=org.first_day - timedelta(days=1), today=END + timedelta(days=2))
    return store


@pytest.fixture(scope="module")
def duck(store):
    """Views named and shaped like the Athena tables, over the store's report folders."""
    con = duckdb.connect()
    for view, report, columns in (("users_1_day", "users-1-day", USERS_COLUMNS),
                                  ("user_teams_1_day", "user-teams-1-day", USER_TEAMS_COLUMNS)):
        glob = f"{store.root}/reports/{report}/day=*/part-*.ndjson.gz"
        con.execute(f"""
            CREATE VIEW {view} AS
            SELECT regexp_extract(filename, 'day=([0-9-]{{10}})', 1) AS report_day, * EXCLUDE (filename)
            FROM read_ndjson('{glob}', columns = {columns}, filename = true, hive_partitioning = false)""")
    yield con
    con.close()


def test_the_doc_query_reproduces_every_recorded_team_day(store, duck):
    histories, _ = load_team_histories(store)
    recorded = {(h.team.slug, d.date.isoformat()): d for h in histories for d in h.data}
    assert len(recorded) >= 30 and any(d.code_generations for d in recorded.values())
    query = doc_query()
    for (slug, day), team_day in sorted(recorded.items()):
        rows = duck.execute(query.replace(DOC_SLUG, f"'{slug}'").replace(DOC_DAY, f"'{day}'")).fetchall()
        assert rows == [(slug, day, team_day.licensed_members, team_day.active_users,
                         team_day.code_generations, team_day.code_acceptances)], (slug, day)


def test_a_team_day_the_collector_did_not_record_gives_no_row(store, duck):
    """A team never in the user-teams report (under five licensed members), and a day outside the reports."""
    histories, _ = load_team_histories(store)
    slug = histories[0].team.slug
    query = doc_query()
    assert duck.execute(query.replace(DOC_SLUG, "'no-such-team'").replace(DOC_DAY, f"'{END}'")).fetchall() == []
    outside = (END + timedelta(days=1)).isoformat()
    assert duck.execute(query.replace(DOC_SLUG, f"'{slug}'").replace(DOC_DAY, f"'{outside}'")).fetchall() == []


def test_the_store_keeps_raw_reports_where_the_tables_point(store):
    days = sorted(k.split("/")[2] for k in store.list_keys("reports/users-1-day/") if k.endswith(".ndjson.gz"))
    assert days[0] == f"day={END - timedelta(days=7)}" and days[-1] == f"day={END}"
    assert store.list_keys("reports/user-teams-1-day/")
