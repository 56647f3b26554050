"""Writes that lose nothing: read, merge, write conditionally on the version read, and on a
conflict (another writer got there first) do it all again, on top of theirs.

    retry_on_conflict(key, attempt)       # attempt() reads, merges and writes once
    update_json(store, key, load, merge)  # the same for a JSON file, skipped when unchanged
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ..errors import StoreConflict
from .base import Store
from .originals import keep_original

T = TypeVar("T")
CONFLICT_RETRIES = 8


def retry_on_conflict(key: str, attempt: Callable[[], T]) -> T:
    """`attempt()` until no other writer beats it to `key` (StoreConflict), at most
    CONFLICT_RETRIES times; each attempt must read the current version afresh."""
    for _ in range(CONFLICT_RETRIES):
        try:
            return attempt()
        except StoreConflict:
            continue  # someone else wrote first: merge into theirs
    raise StoreConflict(f"{key} kept changing under this run ({CONFLICT_RETRIES} tries): "
                        "is another collector looping? Run again later.", key=key)


def update_json(store: Store, key: str, load: Callable[[Store], tuple[Any, str | None]],
                merge: Callable[[Any], Any], dump: Callable[[Any], Any] = lambda value: value) -> Any:
    """Read `key` (`load` -> (value, tag)), merge, and write `dump(merged)` conditionally on the
    version read; the file (and its version tag) is left alone when nothing changed. Before the
    first rewrite of a file another tool wrote, its bytes are kept under originals/."""
    def attempt():
        current, tag = load(store)
        merged = merge(current)
        if tag is not None and merged == current:
            return merged  # nothing new
        if tag is not None:
            keep_original(store, key)  # a file from an older deployment: its bytes, before our first rewrite
        store.write_json(key, dump(merged), if_tag=tag)
        return merged

    return retry_on_conflict(key, attempt)
