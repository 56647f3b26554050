"""The read side of team history: one file per team, a scalar summary, an index.

`teams_history.json` holds every team with every breakdown: about 1 MB per team
and year, so 1 GB for 1,000 teams. A page that read it would grow with the
organisation. After each write of that file the collector writes, from the same
merged history:

    teams/{slug}.json     one team's entry, as in teams_history.json (compact JSON)
    teams_summary.json    every team's scalar fields per day, as columns (no breakdowns)
    teams_index.json      written last: per team its name, days and the sha256 of its file

The team files and the summary are compact JSON: only programs read them, and
without indentation they are about a quarter smaller (28% on the demo store).

The team page reads the index and one team file; the overview reads the summary
(`frames.summary_frame`). No pandas here: the collector runs without it.
A store without an index (an older deployment, before this version collected
into it) is read from `teams_history.json` as before.

    write_read_side(store, merged_histories)
    index = load_index(store)                       # {slug: IndexEntry} or None
    history = load_team_file(store, "platform")     # TeamHistory or None
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Iterable

from pydantic import BaseModel, TypeAdapter, ValidationError

from .errors import InvalidStoreFile
from .models import Team, TeamDay, TeamHistory
from .store import Store, dump_json

INDEX_KEY = "teams_index.json"
SUMMARY_KEY = "teams_summary.json"
# The scalar fields of a day, in the summary's column order (breakdowns stay in the team files).
SUMMARY_COLUMNS = ["date", "source", *(name for name in TeamDay.model_fields
                                       if name not in ("date", "source", "legacy") and not name.startswith("by_"))]


def team_key(slug: str) -> str:
    return f"teams/{slug}.json"


class IndexEntry(BaseModel):
    team: Team
    days: int
    first_day: date
    last_day: date
    sha256: str


_index = TypeAdapter(dict[str, IndexEntry])


# ---------------------------------------------------------------- writing

def write_read_side(store: Store, histories: list[TeamHistory], changed: Iterable[str] | None = None) -> int:
    """Write the team files that differ from the index, then the summary, then the index.

    `changed` names the teams that may have new days; the others are re-checked
    only when the index disagrees with them (a run that stopped halfway), so a
    daily run serialises what it touched, not the whole organisation.
    Returns how many team files were written.
    """
    old = load_index(store) or {}
    suspects = None if changed is None else set(changed)
    index: dict[str, IndexEntry] = {}
    written = 0
    for history in histories:
        if not history.data:
            continue
        slug, known = history.team.slug, old.get(history.team.slug)
        if known and suspects is not None and slug not in suspects and _describes(known, history):
            index[slug] = known
            continue
        body = history.model_dump_json().encode() + b"\n"
        entry = _entry(history, hashlib.sha256(body).hexdigest())
        if known is None or known.sha256 != entry.sha256:
            store.write_bytes(team_key(slug), body)
            written += 1
        index[slug] = entry
    if written or index.keys() != old.keys() or any(index[s] != old[s] for s in index):
        store.write_bytes(SUMMARY_KEY, _compact(summary_payload(histories)))
        store.write_bytes(INDEX_KEY, dump_json({slug: e.model_dump(mode="json") for slug, e in index.items()}))
    return written


def _compact(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def _entry(history: TeamHistory, sha256: str) -> IndexEntry:
    return IndexEntry(team=history.team, days=len(history.data), first_day=history.data[0].date,
                      last_day=history.data[-1].date, sha256=sha256)


def _describes(entry: IndexEntry, history: TeamHistory) -> bool:
    return (entry.team == history.team and entry.days == len(history.data)
            and entry.last_day == history.data[-1].date)


def summary_payload(histories: Iterable[TeamHistory]) -> dict:
    """`{"columns": [...], "teams": [{"team": {...}, "rows": [[...], ...]}]}`: about 2% of the full size."""
    teams = []
    for history in histories:
        if history.data:
            rows = [[day.date.isoformat(), *(getattr(day, c) for c in SUMMARY_COLUMNS[1:])]
                    for day in history.data]
            teams.append({"team": history.team.model_dump(mode="json"), "rows": rows})
    return {"columns": SUMMARY_COLUMNS, "teams": teams}


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
    data = store.read_json(team_key(slug)).data
    if data is None:
        return None
    try:
        return TeamHistory.model_validate(data)
    except ValidationError:
        raise invalid(store, team_key(slug)) from None


def invalid(store: Store, key: str) -> InvalidStoreFile:
    return InvalidStoreFile(f"{key} in {store.url} does not have the expected shape; "
                            "delete it and the next collection writes it again", key=key)
