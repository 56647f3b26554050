"""Per-user facts in Parquet, and GitHub's team recipe written once in SQL (DuckDB in process).

GitHub's worked example, the facts a collection leaves (one file per table and day,
replaced when a provisional day is fetched again), and the documented Athena SQL
run over a collected store giving exactly the collector's team days.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
from conftest import demo_client
from recipe import join_lines, use_store_facts

from copilot_usage.collector.run import collect
from copilot_usage.collector.sql import load
from copilot_usage.contract.keys import (
    FACT_TABLES,
    ORG_DAY_LINES,
    TEAM_DAY_LINES,
    TEAM_DAYS,
    TEAMS_DIRECTORY,
    fact_key,
    table_key,
    table_prefix,
)
from copilot_usage.demo import build_demo_org
from copilot_usage.read.org import org_days
from copilot_usage.read.tables import recorded_history
from copilot_usage.store import LocalStore
from copilot_usage.store.team_tables import load_directory

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
END = date(2026, 10, 31)
TODAY = END + timedelta(days=2)
DAY = date(2026, 6, 3)


def user_line(uid: int, login: str, acceptances: int, lines_added: int) -> dict:
    return {"day": DAY.isoformat(), "user_id": uid, "user_login": login, "organization_id": "1",
            "code_acceptance_activity_count": acceptances, "code_generation_activity_count": acceptances * 2,
            "loc_added_sum": lines_added}


def team_line(uid: int, login: str, slug: str, team_id: int) -> dict:
    return {"day": DAY.isoformat(), "user_id": uid, "user_login": login, "organization_id": "1",
            "team_id": team_id, "slug": slug}


def test_githubs_worked_team_example():
    # GitHub's docs ("team-level metrics"): alice in frontend (42) and backend (43), bob in
    # frontend; alice 12 acceptances / 88 lines added, bob 7 / 24. The docs' teams are smaller
    # than five for brevity: each gets four more licensed members with no activity that day,
    # which changes no activity number.
    users = [user_line(1, "alice", 12, 88), user_line(2, "bob", 7, 24)]
    teams = [team_line(1, "alice", "frontend", 42), team_line(1, "alice", "backend", 43),
             team_line(2, "bob", "frontend", 42)]
    teams += [team_line(100 + n, f"idle{n}", slug, team_id)
              for slug, team_id in (("frontend", 42), ("backend", 43)) for n in range(4)]
    result, members = join_lines(DAY, users, teams)
    frontend, backend = result["frontend"], result["backend"]
    assert (frontend.active_users, frontend.code_acceptances, frontend.loc_added) == (2, 19, 112)
    assert (backend.active_users, backend.code_acceptances, backend.loc_added) == (1, 12, 88)
    assert (frontend.licensed_members, backend.licensed_members) == (6, 5)
    assert members["frontend"][:2] == ["alice", "bob"]


@pytest.fixture(scope="module")
def org():
    return build_demo_org(seed=21, teams=7, users=80, days=20, end_day=END)


@pytest.fixture(scope="module")
def collected(org, tmp_path_factory) -> LocalStore:
    store = LocalStore(tmp_path_factory.mktemp("collected"))
    with demo_client(org) as client:
        collect(client, store, org.org, since=org.first_day - timedelta(days=1), today=TODAY)
    return store


def test_each_collected_day_has_its_facts_one_file_per_table(org, collected):
    days = [org.first_day + timedelta(days=n) for n in range((END - org.first_day).days + 1)]
    assert collected.list_keys("facts/") == sorted(fact_key(t, d) for t in FACT_TABLES for d in days)
    con = duckdb.connect()
    users = con.execute("SELECT count(*), count(DISTINCT user_id) FROM read_parquet(?)",
                        [str(collected.root / fact_key("user_days", END))]).fetchone()
    assert users[0] == users[1] == len({line["user_id"] for line in org.user_lines(END)})
    memberships = con.execute("SELECT count(*) FROM read_parquet(?)",
                              [str(collected.root / fact_key("user_teams", END))]).fetchone()[0]
    assert memberships == len({(l["slug"], l["user_id"]) for l in org.user_team_lines(END)})
    # The per-user detail the team files cannot hold: flags, credits, adoption phase.
    columns = {row[0] for row in con.execute("DESCRIBE SELECT * FROM read_parquet(?)",
                                             [str(collected.root / fact_key("user_days", END))]).fetchall()}
    assert {"used_copilot_code_review_active", "ai_credits_used", "ai_adoption_phase",
            "totals_by_language_model", "totals_by_cli"} <= columns


def test_a_provisional_day_fetched_again_replaces_its_facts(org, tmp_path):
    store = LocalStore(tmp_path)
    with demo_client(org) as client:
        collect(client, store, org.org, since=END - timedelta(days=3), today=TODAY)
    key = fact_key("user_days", END)
    (tmp_path / key).write_bytes(b"stale")  # what an earlier, provisional fetch left
    with demo_client(org) as client:
        collect(client, store, org.org, today=TODAY)  # fetches the provisional days again
    rows = duckdb.connect().execute("SELECT count(*) FROM read_parquet(?)", [str(tmp_path / key)]).fetchone()[0]
    assert rows == len({line["user_id"] for line in org.user_lines(END)})


def documented_sql(name: str) -> str:
    """The SQL block docs/deploy.md shows under the heading naming `name`."""
    text = (ROOT / "docs" / "deploy.md").read_text()
    found = re.search(rf"`sql/{name}\.sql`.*?```sql\n(.*?)```", text, re.S)
    assert found, f"docs/deploy.md shows no sql/{name}.sql"
    return found.group(1)


def documented_views(con) -> None:
    """The view docs/deploy.md has Athena users create: GitHub's join, the collector's model."""
    view = documented_sql("member_days")
    assert view.strip() == f"CREATE OR REPLACE VIEW member_days AS\n{load('member_days').strip()}"
    con.execute(view)


def test_the_documented_athena_sql_is_the_collectors_and_gives_its_team_days(collected):
    sql = documented_sql("team_days")
    assert sql.strip() == load("team_days").strip()  # the docs cannot drift from the code
    con = duckdb.connect()
    use_store_facts(con, collected.root)
    documented_views(con)
    rows = con.execute(sql)
    names = [column[0] for column in rows.description]
    by_team: dict[str, dict[date, dict]] = {}
    for row in rows.fetchall():
        values = dict(zip(names, row, strict=True))
        values.pop("team_id")
        by_team.setdefault(values.pop("slug"), {})[values.pop("day")] = values
    assert set(by_team) == set(load_directory(collected))
    for slug, days in by_team.items():
        recorded = {d.date: d for d in recorded_history(collected, slug).data}
        assert set(days) == set(recorded)
        for day, values in days.items():
            expected = recorded[day].model_dump(include=set(values))
            assert values == pytest.approx(expected), (slug, day)


def test_the_documented_athena_ddl_names_every_fact_column(collected):
    text = (ROOT / "docs" / "deploy.md").read_text()
    con = duckdb.connect()
    for table in ("user_days", "user_teams", "org_days"):
        ddl = re.search(rf"CREATE EXTERNAL TABLE (?:IF NOT EXISTS )?copilot_usage\.{table} \((.*?)\)\s*PARTITIONED",
                        text, re.S)
        assert ddl, f"no DDL for {table}"
        declared = set(re.findall(r"^\s*`?(\w+)`?\s", ddl.group(1), re.M))
        stored = {row[0] for row in con.execute("DESCRIBE SELECT * FROM read_parquet(?, hive_partitioning = false)",
                                                [str(collected.root / fact_key(table, END))]).fetchall()}
        assert declared == stored, table
        assert "day" not in stored  # the partition (folder) holds the day


def test_the_documented_ddl_of_the_team_tables_names_every_stored_column(collected):
    text = (ROOT / "docs" / "deploy.md").read_text()
    con = duckdb.connect()
    for table in (TEAM_DAYS, TEAM_DAY_LINES, ORG_DAY_LINES, TEAMS_DIRECTORY):
        ddl = re.search(rf"CREATE EXTERNAL TABLE IF NOT EXISTS copilot_usage\.{table} \((.*?)\n\)", text, re.S)
        assert ddl, f"no DDL for {table}"
        declared = re.findall(r"^\s*`(\w+)`\s", ddl.group(1), re.M)
        files = [str(collected.root / key) for key in collected.list_keys(table_prefix(table))]
        stored = [row[0] for row in con.execute("DESCRIBE SELECT * FROM read_parquet(?, hive_partitioning = false)",
                                                [files]).fetchall()]
        assert declared == stored, table  # in the stored order: Athena reads Parquet by name, people by order


def test_the_documented_team_tables_query_gives_what_the_pages_show(collected):
    text = (ROOT / "docs" / "deploy.md").read_text()
    sql = re.search(r"A team's figures under its current name.*?```sql\n(.*?)```", text, re.S).group(1)
    con = duckdb.connect()
    for table in (TEAM_DAYS, TEAM_DAY_LINES):  # as Athena sees them: `month` from the folder
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{collected.root}/tables/{table}/*/*.parquet',"
                    " hive_partitioning = true)")
    con.execute(f"CREATE VIEW {TEAMS_DIRECTORY} AS SELECT * FROM read_parquet("
                f"'{collected.root}/{table_key(TEAMS_DIRECTORY)}')")
    rows = con.execute(sql).fetchall()
    directory = load_directory(collected)
    assert {slug for slug, *_ in rows} == set(directory)
    for slug, name, month, days, active, rate, loc_added in rows:
        shown = [d for d in recorded_history(collected, slug).data if d.date.isoformat()[:7] == month]
        assert name == directory[slug].team.name and days == len(shown) == directory[slug].months[month]
        assert active == pytest.approx(sum(d.active_users for d in shown) / len(shown))
        generations = sum(d.code_generations for d in shown)
        assert rate == (pytest.approx(sum(d.code_acceptances for d in shown) / generations) if generations else None)
        assert loc_added == sum(d.loc_added for d in shown)


def test_the_documented_org_table_query_gives_the_days_the_organisation_page_shows(collected):
    text = (ROOT / "docs" / "deploy.md").read_text()
    sql = re.search(r"The organisation's own daily active users.*?```sql\n(.*?)```", text, re.S).group(1)
    con = duckdb.connect()
    con.execute(f"CREATE VIEW {ORG_DAY_LINES} AS SELECT * FROM read_parquet("
                f"'{collected.root}/{table_prefix(ORG_DAY_LINES)}*/*.parquet', hive_partitioning = true)")
    rows = con.execute(sql).fetchall()
    shown = org_days(collected)
    assert [month for month, *_ in rows] == sorted({d.date.isoformat()[:7] for d in shown}) != []
    for month, days, active, monthly_max in rows:
        in_month = [d for d in shown if d.date.isoformat()[:7] == month]
        assert days == len(in_month)
        assert active == pytest.approx(sum(d.daily_active_users for d in in_month) / len(in_month))
        assert monthly_max == max(d.monthly_active_users for d in in_month)


def test_the_documented_window_sql_over_all_facts_gives_the_collectors_rolling_counts(collected):
    sql = documented_sql("team_windows")
    assert sql.strip() == load("team_windows").strip()
    con = duckdb.connect()
    use_store_facts(con, collected.root)
    documented_views(con)
    con.execute("CREATE TABLE window_days AS SELECT DISTINCT day FROM user_teams")
    con.execute("CREATE TABLE first_fact_day AS SELECT min(day) AS day FROM user_days")
    windows = {(slug, day): tuple(counts) for day, slug, *counts in con.execute(sql).fetchall()}
    checked = 0
    for slug in load_directory(collected):
        for day in recorded_history(collected, slug).data:
            assert windows[(slug, day.date)] == (day.weekly_active_users, day.monthly_active_users,
                                                 day.monthly_licensed_members), (slug, day.date)
            checked += day.weekly_active_users is not None
    assert checked > 0  # the demo's 20 days hold whole weeks (its month is null: shorter than 28 days)


def test_breakdown_items_keep_their_names_and_python_order_whatever_their_characters():
    # The breakdowns reach the TeamDay as JSON written by DuckDB: names that need escaping
    # or are not ASCII must come back as given, items ordered as Python orders their names,
    # and a member with two lines of one language (split by feature) counts once.
    names = ["Ünïcode", 'quote"d', "back\\slash", "C#", "c", "日本語", "tab\tname"]
    users = []
    for uid in range(1, 6):
        line = user_line(uid, f"u{uid}", uid, 10 * uid)
        line["totals_by_language_feature"] = [
            {"language": name, "feature": feature, "code_acceptance_activity_count": uid}
            for name in names[:uid + 2] for feature in ("code_completion", "chat_panel_agent_mode")]
        users.append(line)
    teams = [team_line(uid, f"u{uid}", "team", 7) for uid in range(1, 6)]
    team = join_lines(DAY, users, teams)[0]["team"]
    assert list(team.by_language) == sorted(names)
    for n, name in enumerate(names):
        members = [uid for uid in range(1, 6) if n < uid + 2]  # the users whose lines name it
        assert team.by_language[name].users == len(members)
        assert team.by_language[name].code_acceptances == sum(2 * uid for uid in members)


def test_a_refreshed_engine_closes_its_old_database_and_joins_the_same_day_alike(tmp_path):
    from recipe import ndjson

    from copilot_usage.collector.facts import FactsEngine

    users = [user_line(uid, f"u{uid}", uid, uid) for uid in range(1, 7)]
    teams = [team_line(uid, f"u{uid}", "team", 7) for uid in range(1, 7)]
    with FactsEngine(workdir=str(tmp_path)) as engine:
        before = engine.day(DAY, [ndjson(users)], [ndjson(teams)])
        old = engine.db
        engine.refresh()
        with pytest.raises(duckdb.ConnectionException):
            old.execute("SELECT 1")
        assert before.files["user_days"].exists()  # the working folder outlives the database
        after = engine.day(DAY, [ndjson(users)], [ndjson(teams)])
    assert after.team_days == before.team_days
    assert after.team_days["team"].code_acceptances == 21
