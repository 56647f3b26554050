"""Files that came from elsewhere are kept byte-for-byte before this app first rewrites them.

An organisation moving to this app brings the files its old dashboard left in
the store (`teams_history.json`, `historic_usage_data.json`, `copilot_teams.json`
…). The collector rewrites them in its own shape; before the first such rewrite
the original bytes are copied to `originals/{YYYY-MM-DD}/{key}`, so nothing the
old file held is ever lost, whatever the conversion does.

"Written by this app" is told from the bytes themselves, with no extra state:
this app writes JSON one way only (`store.base.dump_json`: pydantic-core, indented by
one space, ending in a newline), and a file is ours when re-serialising it gives
the same bytes. Other writers differ: ONS's Lambda indents by four and ends
without a newline, GitHub's files are NDJSON or indented by two, Windows tools
add a byte-order mark. A file this app wrote with an older serialiser would be
kept once more: harmless.

    kept = keep_original(store, HISTORY_KEY)   # "originals/2026-12-02/teams_history.json" or None
"""

from __future__ import annotations

import json
from datetime import date

from ..contract.keys import original_key
from ..contract.rules import utc_today
from .base import Store, dump_json

# Above this size only the layout is compared: re-serialising a large history on every
# write would cost a run as much as the write itself.
_FULL_CHECK_BYTES = 8 * 1024 * 1024


def written_by_app(body: bytes) -> bool:
    """Whether `body` is what `store.dump_json` writes (this app's marker), judged from the bytes."""
    if not _our_layout(body):
        return False
    if len(body) > _FULL_CHECK_BYTES:
        return True
    try:
        return dump_json(json.loads(body)) == body
    except (ValueError, UnicodeDecodeError):
        return False


def _our_layout(body: bytes) -> bool:
    """One-space indentation and a final newline: cheap, and enough to refuse other writers."""
    if not body.endswith(b"\n") or body[:1] not in (b"[", b"{"):
        return False
    lines = body.split(b"\n", 2)
    if len(lines) < 3:  # "[]\n", "{}\n"
        return body in (b"[]\n", b"{}\n")
    second = lines[1]
    return second.startswith(b" ") and not second.startswith(b"  ")


def keep_original(store: Store, key: str, *, today: date | None = None, even_ours: bool = False) -> str | None:
    """Copy `key`'s stored bytes to `originals/{today}/{key}` unless this app wrote them
    (`even_ours`: whoever wrote them, as before a store's layout is upgraded).

    Call it before rewriting a file. Returns the key written, or None when there
    is nothing to keep (no file, a file of this app's, or a copy of these very
    bytes already kept on that day). Never changes `key` itself.
    """
    body = store.read_bytes(key)
    if body is None or (not even_ours and written_by_app(body)):
        return None
    day = today or utc_today()
    target = original_key(key, day)
    kept = [k for k in store.list_keys(target) if k == target or k.startswith(target + ".")]
    if any(store.read_bytes(k) == body for k in kept):
        return None  # these bytes are already kept
    if kept:  # another writer changed the file again the same day: keep that version too
        target = f"{target}.{len(kept)}"
    store.write_bytes(target, body)
    return target
