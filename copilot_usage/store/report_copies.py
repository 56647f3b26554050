"""Raw copies of GitHub's report files, kept as GitHub served them.

Every downloaded report day is kept under `reports/{report}/day=YYYY-MM-DD/`
(`part-N.ndjson.gz`, then `manifest.json`, written last: a copy without one is
incomplete and never trusted). A day copied once it was final is read from the copy
instead of being downloaded again.

    write_copy(store, "users-1-day", day, "ok", parts, final=True)
    read_copy(store, "users-1-day", day)    # ("ok", [gzip bytes, …]), or None: download it
"""

from __future__ import annotations

import contextlib
import gzip
from datetime import date

from ..contract.keys import GZIP_MAGIC, REPORT_MANIFEST, report_part_key, report_prefix
from ..errors import StoreConflict
from .base import Store


def write_copy(store: Store, report: str, day: date, status: str, parts: list[bytes], *, final: bool) -> None:
    """Keep a report day's files (gzipped, as GitHub serves them), then its manifest."""
    for index, data in enumerate(parts):
        if data[:2] != GZIP_MAGIC:
            data = gzip.compress(data, compresslevel=6, mtime=0)  # mtime=0: same input, same bytes
        store.write_bytes(report_part_key(report, day, index), data)
    # The manifest goes last: a copy without one is incomplete and never trusted.
    manifest = {"report": report, "day": day.isoformat(), "status": status, "parts": len(parts), "final": final}
    key = report_prefix(report, day) + REPORT_MANIFEST
    current = store.read_json(key)
    if current.data != manifest:
        with contextlib.suppress(StoreConflict):  # another collector wrote the same day's copy at once
            store.write_json(key, manifest, if_tag=current.tag)


def read_copy(store: Store, report: str, day: date) -> tuple[str, list[bytes]] | None:
    """(status, the stored gzip files) of a final copy of a report day, or None when there is
    no complete, final copy (a copy taken while the day was provisional may have changed
    upstream since)."""
    manifest = store.read_json(report_prefix(report, day) + REPORT_MANIFEST).data
    if not isinstance(manifest, dict) or not manifest.get("final") \
            or manifest.get("status") not in ("ok", "no-data"):
        return None
    parts = []
    for index in range(int(manifest.get("parts", 0))):
        data = store.read_bytes(report_part_key(report, day, index))
        if data is None:
            return None
        parts.append(data)
    return manifest["status"], parts
