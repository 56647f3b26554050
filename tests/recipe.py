"""GitHub's team recipe over report lines given as dicts, and views over a store's facts:
the collector's own SQL and engine, fed the way the tests need."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from copilot_usage.collector.facts import FactsEngine
from copilot_usage.contract.days import TeamDay
from copilot_usage.contract.keys import fact_prefix


def join_lines(day: date, user_lines: list[dict], user_team_lines: list[dict]
               ) -> tuple[dict[str, TeamDay], dict[str, list[str]]]:
    """The recipe over one day's lines: ({slug: TeamDay}, {slug: licensed logins})."""
    with FactsEngine(memory_limit="256MB", threads=1) as engine:
        facts = engine.day(day, [ndjson(user_lines)], [ndjson(user_team_lines)])
        return facts.team_days, facts.members


def ndjson(lines: list[dict]) -> bytes:
    return "".join(json.dumps(line) + "\n" for line in lines).encode()


def use_store_facts(cursor, root: Path) -> None:
    """Views `user_days` and `user_teams` over a folder laid out as the store's facts/."""
    for table in ("user_days", "user_teams"):
        cursor.execute(f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT * FROM read_parquet("
                       f"'{root}/{fact_prefix(table)}*/*.parquet', hive_partitioning = true)")
