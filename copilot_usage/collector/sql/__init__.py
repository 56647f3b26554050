"""GitHub's recipe and every table derived from the facts, as SQL files run by DuckDB in process.

One query a file, named for the table it produces (the dbt way): `member_days.sql` holds GitHub's
join once, as a view the others select from; `team_days`, `team_windows`, `team_breakdowns` and
`team_phases` group it by team. The contract's thresholds appear as `{{ name }}` and are filled
in from `contract/` (PARAMETERS), so each is written once; docs/deploy.md shows the filled-in
SQL for Athena.

    create_models(cursor)       # the views the marts build on (member_days)
    cursor.execute(load("team_days"))
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from ...contract.counters import UNKNOWN_ITEM
from ...contract.rules import MIN_LICENSED_MEMBERS, MONTH_DAYS, WEEK_DAYS

_HERE = Path(__file__).resolve().parent
_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")

PARAMETERS = {
    "min_licensed_members": MIN_LICENSED_MEMBERS,
    "week_days": WEEK_DAYS,
    "month_days": MONTH_DAYS,
    "week_days_before": WEEK_DAYS - 1,   # a window of N days ending on D starts on D - (N - 1)
    "month_days_before": MONTH_DAYS - 1,
    "unknown_item": UNKNOWN_ITEM,
}
# Intermediate models: views over the facts that the other queries select from.
MODELS = ("member_days",)


@cache
def load(name: str) -> str:
    """The SQL of `{name}.sql`, its `{{ parameters }}` filled in."""
    text = (_HERE / f"{name}.sql").read_text(encoding="utf-8")
    return _PLACEHOLDER.sub(lambda found: str(PARAMETERS[found[1]]), text)


def create_models(cursor) -> None:
    """The intermediate models as temporary views of this cursor (over its `user_days` and
    `user_teams`), for the queries that build on them."""
    for name in MODELS:
        cursor.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS\n{load(name)}")
