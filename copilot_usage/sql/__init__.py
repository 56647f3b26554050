"""GitHub's recipe and the facts' shape, as SQL files run by DuckDB in process.

One query a file, named for the table it produces; `facts.py` runs them and
docs/deploy.md shows `team_days.sql` for Athena. Read a file with `load`:

    load("team_days")   # the text of team_days.sql
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent


@cache
def load(name: str) -> str:
    return (_HERE / f"{name}.sql").read_text(encoding="utf-8")
