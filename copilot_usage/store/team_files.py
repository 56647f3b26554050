"""Store v2's team files, read from stores that a previous version wrote (never written now).

    teams/{slug}.json     one team's `{"team", "data": [TeamDay…]}`, one day a line
    teams_summary.json    every team's scalar fields per day, as columns (no breakdowns)
    teams_index.json      per team its name, days and the sha256 of its file

Store v3 keeps team days in tables (`team_tables.py`); the next collection takes these
files in (`migration.py`) and leaves them where they are. Until then the app reads them.

    index = load_index(store)                       # {slug: IndexEntry} or None
    history = load_team_file(store, "platform")     # TeamHistory or None
"""

from __future__ import annotations

import json
from datetime import date

from pydantic import TypeAdapter, ValidationError

from ..contract.days import Record
from ..contract.keys import INDEX_KEY, team_key
from ..contract.teams import Team, TeamHistory
from ..errors import InvalidStoreFile
from .base import Store


class IndexEntry(Record):
    team: Team
    days: int
    first_day: date
    last_day: date
    sha256: str


_index = TypeAdapter(dict[str, IndexEntry])


# ---------------------------------------------------------------- reading

def load_index(store: Store) -> dict[str, IndexEntry] | None:
    """The index, or None when this store has none yet (read `teams_history.json` instead)."""
    return parse_index(store.read_json(INDEX_KEY).data, store)


def parse_index(data, store: Store) -> dict[str, IndexEntry] | None:
    if data is None:
        return None
    try:
        return _index.validate_python(data)
    except ValidationError:
        raise invalid(store, INDEX_KEY) from None


def load_team_file(store: Store, slug: str) -> TeamHistory | None:
    """One team's history from its own file, or None when the file is missing."""
    body = store.read_bytes(team_key(slug))
    if body is None:
        return None
    return _parse_team_file(body, store, team_key(slug))


def _parse_team_file(body: bytes, store: Store, key: str) -> TeamHistory:
    try:
        return TeamHistory.model_validate(json.loads(body))
    except (ValueError, ValidationError):  # ValueError: not JSON (or not UTF-8)
        raise invalid(store, key) from None


def invalid(store: Store, key: str) -> InvalidStoreFile:
    return InvalidStoreFile(f"{key} in {store.url} does not have the expected shape; "
                            "delete it and the next collection writes it again", key=key)
