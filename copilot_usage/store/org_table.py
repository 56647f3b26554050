"""The organisation's days as a month table: the record the collector merges into.

    tables/org_day_lines/month=YYYY-MM/part-0.parquet   one row per day: the day as recorded

A run merges its days into the months they fall in (a month is at most 31 rows), so what
it costs follows the days fetched, not the years kept; `historic_usage_data.json`, every
day in one file, is written from the table for older tools (`write_org_history`), as
`teams_history.json` is from the team tables. A line is the OrgDay's JSON, so a legacy
day keeps its own numbers and reads back as the same record.

    last = newest_org_day(store)            # the newest recorded day (the newest month only)
    changed = upsert_org_days(store, days)  # merged in, conditionally on each month's version
    days = org_table_days(store)            # every day, by date; None when there is no table
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date

import duckdb
from pydantic import TypeAdapter, ValidationError

from ..contract.days import OrgDay
from ..contract.facts import ORG_DAY_LINE_COLUMNS
from ..contract.keys import ORG_DAY_LINES, ORG_HISTORY_KEY, month_of, table_key, table_prefix
from ..errors import InvalidStoreFile
from .base import Store, dump_json
from .conflicts import retry_on_conflict
from .histories import merge_org
from .team_tables import PARQUET_OPTIONS, cached_partitions, columns_spec, scratch_database, table_months

_days = TypeAdapter(list[OrgDay])


def upsert_org_days(store: Store, days: Iterable[OrgDay], *, under: bool = False) -> int:
    """Merge days into their months (`merge_org`: a newer copy replaces the recorded day
    unless that one is a legacy day; `under`: only dates not recorded are added, as ONS's
    file is read under ours); returns how many days were added or changed. Each month is
    written conditionally on the version read, and merged again on top of another
    writer's; a month that would not change is not written."""
    months: dict[str, list[OrgDay]] = {}
    for day in days:
        months.setdefault(month_of(day.date), []).append(day)
    changed = 0
    for month, new in sorted(months.items()):
        changed += retry_on_conflict(table_key(ORG_DAY_LINES, month),
                                     lambda month=month, new=new: _merge_month(store, month, new, under))
    return changed


def _merge_month(store: Store, month: str, new: list[OrgDay], under: bool) -> int:
    key = table_key(ORG_DAY_LINES, month)
    found = store.read_bytes_versioned(key)
    held = _parse(store, key, found[0]) if found else []
    merged = merge_org(new, held) if under else merge_org(held, new)
    recorded = {day.date: day for day in held}
    changed = sum(1 for day in merged if recorded.get(day.date) != day)
    if changed:
        store.write_bytes_if(key, _encode(merged), if_tag=found[1] if found else None)
    return changed


def newest_org_day(store: Store) -> date | None:
    """The newest recorded day, from the newest month alone; None when the table is empty."""
    for month in reversed(table_months(store, ORG_DAY_LINES)):
        key = table_key(ORG_DAY_LINES, month)
        body = store.read_bytes(key)
        if body is not None and (held := _parse(store, key, body)):
            return held[-1].date
    return None


def org_table_days(store: Store) -> list[OrgDay] | None:
    """Every recorded day, by date (the months read from a local copy kept by version tag on
    S3, so after a collection only the months it rewrote are copied); None: no table yet."""
    months = table_months(store, ORG_DAY_LINES)
    if not months:
        return None
    paths = cached_partitions(store, ORG_DAY_LINES, months)
    if not paths:
        return None
    with scratch_database() as (db, _):
        return _read_days(db, paths, store, table_prefix(ORG_DAY_LINES))


def write_org_history(store: Store) -> str | None:
    """Write `historic_usage_data.json` from the table (older tools read it), the bytes this app
    always wrote for these days; returns its version tag (None: nothing recorded, nothing written)."""
    days = org_table_days(store)
    if days is None:
        return None
    return store.write_stream(ORG_HISTORY_KEY, [dump_json(days)])  # as teams_history.json: the tables decide


def _parse(store: Store, key: str, body: bytes) -> list[OrgDay]:
    """A month's days, by date."""
    with scratch_database() as (db, folder):
        path = folder / "month.parquet"
        path.write_bytes(body)
        return _read_days(db, [str(path)], store, key)


def _read_days(db, paths: list[str], store: Store, key: str) -> list[OrgDay]:
    """The days of these partition files, by date; InvalidStoreFile naming `key` when one is
    not this table."""
    try:
        lines = [line for (line,) in db.execute("SELECT line FROM read_parquet(?) ORDER BY day", [paths]).fetchall()]
        return _days.validate_json("[" + ",".join(lines) + "]")
    except (duckdb.Error, ValidationError):
        raise _not_the_table(store, key) from None


def _encode(days: list[OrgDay]) -> bytes:
    with scratch_database() as (db, folder):
        source, target = folder / "days.ndjson", folder / "days.parquet"
        with source.open("wb") as out:
            for day in days:
                out.write(json.dumps({"day": day.date.isoformat(), "source": day.source,
                                      "line": day.model_dump_json()}).encode() + b"\n")
        db.execute(f"COPY (SELECT * FROM read_json('{source}', format = 'newline_delimited', columns = "
                   f"{columns_spec(ORG_DAY_LINE_COLUMNS)}) ORDER BY day) TO '{target}' ({PARQUET_OPTIONS})")
        return target.read_bytes()


def _not_the_table(store: Store, key: str) -> InvalidStoreFile:
    return InvalidStoreFile(f"{key} in {store.url} is not the table this version writes; move it away "
                            "and collect again", key=key)
