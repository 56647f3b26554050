"""A report day for the collector: from the store's copy once final, else from GitHub.

    day = fetch_report(client, store, "my-org", USERS, date(2026, 5, 1), today=today)
    keep_copy(store, day, today=today)     # once the caller has read the files whole
"""

from __future__ import annotations

from datetime import date

from ..contract.keys import report_part_key
from ..contract.rules import is_final
from ..github.reports import ReportDay, download_day, parse_report
from ..store.base import Store
from ..store.report_copies import read_copy, write_copy


def fetch_report(client, store: Store | None, org: str, report: str, day: date,
                 *, today: date, parse: bool = True) -> ReportDay:
    """One report for one day: from the store's copy when final, else from GitHub.

    parse=False leaves `lines` empty and the files in `raw_parts` (as downloaded or
    stored), for a caller that parses them itself (the collector's DuckDB join): a
    download cut off is still refused and fetched again, but the copy is left to
    `keep_copy`, once the caller has read the files whole, so that a broken line further
    up is never kept as a final copy.
    """
    if store is not None and is_final(day, today):
        copy = read_copy(store, report, day)
        if copy is not None:
            status, parts = copy
            if not parse:
                return ReportDay(report, day, status, from_store=True, raw_parts=parts)
            lines = [line for index, data in enumerate(parts)
                     for line in parse_report(data, source=report_part_key(report, day, index))]
            return ReportDay(report, day, status, lines, from_store=True)
    result = download_day(client, org, report, day, today=today, parse=parse)
    if parse:
        keep_copy(store, result, today=today)
    return result


def keep_copy(store: Store | None, result: ReportDay, *, today: date) -> None:
    """Keep a copy of a downloaded report day (`fetch_report` does it unless parse=False)."""
    if store is not None and not result.from_store and result.status != "not-available":
        write_copy(store, result.report, result.day, result.status, result.raw_parts,
                   final=is_final(result.day, today))
