"""Upgrade a store written by an older version (or moved in from another deployment).

Store layout 2 keeps team days in the team files (`team_files.py`) and per-user
facts under `facts/`. A store without `store_version.json` saying so is upgraded
by the next collection, before anything else is written:

1. `teams_history.json` is validated whole, read one entry at a time from a stream
   (a year of a large organisation is hundreds of MB): a broken file stops the run
   before anything is written;
2. the files an older version (or another tool) wrote are kept byte-for-byte under
   `originals/{date}/…` (`originals.py`);
3. every team of `teams_history.json` is merged into its team file;
4. the summary and index are written, then `store_version.json`, which records the
   version of `teams_history.json` the app itself assembles after each run.

A `teams_history.json` put in place by someone else later (its version differs from
the recorded one) is taken in the same way by the next run. A run that stops
halfway does it all again; the originals are kept once a day.

    upgrade(store)      # -> the original keys kept, [] when the store is already current
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime

from pydantic import ValidationError

from ..contract.keys import HISTORY_KEY, ORIGINAL_KEYS, STORE_LAYOUT, STORE_VERSION_KEY
from ..contract.rules import WEEK_DAYS
from ..contract.teams import TeamHistory
from ..errors import InvalidStoreFile
from .base import Store
from .conflicts import retry_on_conflict
from .originals import keep_original
from .team_files import merge_team_days, update_index, update_summary


def _version(store: Store) -> dict:
    found = store.read_json(STORE_VERSION_KEY).data
    return found if isinstance(found, dict) else {}


def is_current(store: Store) -> bool:
    """Layout 2, and `teams_history.json` is the one this app assembled last (or absent)."""
    version = _version(store)
    if not isinstance(version.get("layout"), int) or version["layout"] < STORE_LAYOUT:
        return False
    return store.tag(HISTORY_KEY) in (None, version.get("history_tag"))


def history_due(store: Store, cadence: str, today: date, *, changed: bool) -> bool:
    """Whether a run rewrites `teams_history.json` (TEAMS_HISTORY_JSON): `daily` when the run
    changed a team (or the file is missing or not the one this app wrote), `weekly` when the
    last rewrite is a week old or the file is missing, `off` never (a file there stays as it is)."""
    if cadence == "off":
        return False
    if not store.exists(HISTORY_KEY):
        return True
    if cadence == "weekly":
        try:
            written = date.fromisoformat(_version(store).get("history_written") or "")
        except (TypeError, ValueError):
            return True  # never noted, or not a date: write it now and note the day
        return (today - written).days >= WEEK_DAYS
    return changed or not is_current(store)


def upgrade(store: Store, *, now: datetime | None = None) -> list[str]:
    """Upgrade the store to layout 2 if it is older, or take in a `teams_history.json`
    written by someone else since; return the keys kept as originals.

    The whole file is validated before anything is written: a file that fails stops
    the run with its name (InvalidStoreFile) and the store is left as it was.
    """
    if is_current(store):
        return []
    now = now or datetime.now(UTC)
    for _ in iter_histories(store):
        pass  # validation only: refuse before writing anything
    kept = [k for k in (keep_original(store, key, today=now.date(), even_ours=True) for key in ORIGINAL_KEYS) if k]
    entries, changes, seen = {}, {}, set()
    for history in iter_histories(store):
        if not history.data:
            continue
        # Merged, not written: the store may have team files. A team listed twice (renamed, in
        # a file keyed by name) is combined by the reader's rule: the later entry wins a date.
        merged = merge_team_days(store, history.team, {day.date: day for day in history.data},
                                 keep_legacy=history.team.slug not in seen)
        seen.add(history.team.slug)
        if merged.entry is not None:
            entries[history.team.slug] = merged.entry
            changes[history.team.slug] = (history.team, {})
    if changes:
        update_summary(store, changes)
    if entries:
        update_index(store, entries)
    record_history_tag(store, store.tag(HISTORY_KEY), upgraded_at=now, originals=kept)
    return kept


def record_history_tag(store: Store, tag: str | None, **changes) -> None:
    """Note the layout and the version of `teams_history.json` this app wrote.

    Two collectors at once: the later note wins, and at worst the next run takes in
    the other's `teams_history.json`, which holds the same team files' days.
    """
    def attempt() -> None:
        current = store.read_json(STORE_VERSION_KEY)
        version = dict(current.data) if isinstance(current.data, dict) else {}
        version.update({"layout": STORE_LAYOUT, "history_tag": tag})
        for name, value in changes.items():
            version[name] = value.isoformat(timespec="seconds") if isinstance(value, datetime) else value
        if version != current.data:
            store.write_json(STORE_VERSION_KEY, version, if_tag=current.tag)

    retry_on_conflict(STORE_VERSION_KEY, attempt)


def iter_histories(store: Store) -> Iterator[TeamHistory]:
    """The entries of `teams_history.json`, one at a time, validated as models."""
    chunks = store.read_chunks(HISTORY_KEY)
    if chunks is None:
        return
    for number, item in enumerate(_array_items(chunks, store)):
        try:
            yield TeamHistory.model_validate(item)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in (number, *first["loc"]))
            raise InvalidStoreFile(
                f"{HISTORY_KEY} in {store.url} does not have the expected shape ({where}: {first['msg']}); "
                "fix or move it: it will not be overwritten", key=HISTORY_KEY) from None


def _array_items(chunks: Iterator[bytes], store: Store) -> Iterator[object]:
    """The items of a JSON array read from chunks, each parsed alone (bounded memory)."""
    decoder = json.JSONDecoder()
    text, position, started = "", 0, False
    pending = b""
    for chunk in chunks:
        pending += chunk
        try:
            piece = pending.decode("utf-8")
            pending = b""
        except UnicodeDecodeError as exc:  # a character split between chunks
            if exc.start < len(pending) - 4:
                raise _not_json(store) from None
            piece, pending = pending[:exc.start].decode("utf-8"), pending[exc.start:]
        text = text[position:] + piece
        position = 0
        while True:
            position = _skip(text, position, "," if started else "\ufeff")
            if not started:
                if position >= len(text):
                    break
                if text[position] != "[":
                    raise _not_json(store, "a list of teams")
                started, position = True, position + 1
                continue
            if position < len(text) and text[position] == "]":
                return
            try:
                item, end = decoder.raw_decode(text, position)
            except json.JSONDecodeError:
                break  # the item goes on in the next chunk
            yield item
            position = end
    if not started and not text.strip():
        return
    raise _not_json(store)


def _skip(text: str, position: int, separators: str) -> int:
    while position < len(text) and (text[position].isspace() or text[position] in separators):
        position += 1
    return position


def _not_json(store: Store, expected: str = "valid JSON") -> InvalidStoreFile:
    return InvalidStoreFile(f"{HISTORY_KEY} in {store.url} is not {expected}: "
                            "fix or move it; it will not be overwritten", key=HISTORY_KEY)
