"""Files that came from elsewhere, kept byte-for-byte before this app first rewrites them.

    keep_original(store, "teams_history.json")   # -> "originals/2026-12-02/teams_history.json"

Kept once per key and day: a run repeated the same day finds the copy and leaves it.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from .store import Store

PREFIX = "originals"


def original_key(key: str, day: date) -> str:
    return f"{PREFIX}/{day.isoformat()}/{key}"


def keep_original(store: Store, key: str, *, today: date | None = None) -> str | None:
    """Copy `key`'s stored bytes to `originals/{today}/{key}` unless kept there already;
    the key of the copy, or None when there is no such file."""
    today = today or datetime.now(timezone.utc).date()
    target = original_key(key, today)
    if store.exists(target):
        return target
    body = store.read_bytes(key)
    if body is None:
        return None
    store.write_bytes(target, body)
    return target
