"""`teams_history.json` and the organisation's days: read, validated, merged.

    histories, tag = load_team_histories(store)   # every team, legacy days converted
    days, tag = load_org_history(store)           # historic_usage_data.json (+ ONS's file)
    merge_org(recorded, new_days)                 # the rule a merge of organisation days follows

A file that fails validation stops the caller with its name and the place of the first
fault (InvalidStoreFile); it is never overwritten.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pydantic import TypeAdapter, ValidationError

from ..contract.days import OrgDay, TeamDay
from ..contract.keys import HISTORY_KEY, ONS_ORG_HISTORY_KEY, ORG_HISTORY_KEY
from ..contract.rules import replaces
from ..contract.teams import Team, TeamHistory
from ..errors import InvalidStoreFile
from .base import Store

_histories = TypeAdapter(list[TeamHistory])
_org_days = TypeAdapter(list[OrgDay])


def load_team_histories(store: Store) -> tuple[list[TeamHistory], str | None]:
    """`teams_history.json` as records (legacy days converted), with its version tag."""
    found = store.read_json(HISTORY_KEY)
    return one_entry_per_slug(validated(_histories, found.data, store, HISTORY_KEY)), found.tag


def one_entry_per_slug(histories: Iterable[TeamHistory]) -> list[TeamHistory]:
    """Entries sharing a slug combined, in order of first appearance.

    Older deployments keyed teams by name, so a renamed team (or "Data Science" next to
    "data-science") left two entries that now share a slug. The reader (every page) and the
    upgrade of a store (`migration.py`) apply the same rule, so what a page shows is what a
    collection keeps: the entries become one with the days of all of them (none hidden);
    where two hold the same date the later entry in the file wins, as a later duplicate date
    within one entry does (the newest record of the day); the name and description are the
    later entry's (the newer name).
    """
    histories = list(histories)
    teams: dict[str, Team] = {}
    days: dict[str, dict[date, TeamDay]] = {}
    repeated = False
    for history in histories:
        slug = history.team.slug
        repeated = repeated or slug in teams
        teams[slug] = history.team
        slot = days.setdefault(slug, {})
        for day in history.data:
            slot[day.date] = day
    if not repeated:
        return histories
    return [TeamHistory(team=teams[slug], data=[days[slug][d] for d in sorted(days[slug])]) for slug in teams]


def load_org_history(store: Store) -> tuple[list[OrgDay], str | None]:
    """`historic_usage_data.json` with ONS's `organisation_history.json` merged in, and the tag of the first."""
    found = store.read_json(ORG_HISTORY_KEY)
    return with_ons_days(store, _org_file_days(found.data, store, ORG_HISTORY_KEY)), found.tag


def load_org_file(store: Store) -> list[OrgDay]:
    """`historic_usage_data.json` alone, by date, validated."""
    return _org_file_days(store.read_json(ORG_HISTORY_KEY).data, store, ORG_HISTORY_KEY)


def load_ons_file(store: Store) -> list[OrgDay] | None:
    """ONS's `organisation_history.json` (report lines), by date, validated; None when absent."""
    ons = store.read_json(ONS_ORG_HISTORY_KEY).data
    return None if ons is None else _org_file_days(ons, store, ONS_ORG_HISTORY_KEY)


def with_ons_days(store: Store, days: list[OrgDay]) -> list[OrgDay]:
    """`days` with ONS's `organisation_history.json` merged under them: our own days (collected
    or migrated) win over the same dates of the other file, which this app never writes."""
    ons = load_ons_file(store)
    return days if ons is None else merge_org(ons, days)


def _org_file_days(data, store: Store, key: str) -> list[OrgDay]:
    """An organisation file's days, validated, one per date."""
    return _one_per_date(validated(_org_days, data, store, key))


def _one_per_date(days: list[OrgDay]) -> list[OrgDay]:
    by_date = {d.date: d for d in days}  # older files may repeat a date; the later one wins
    return [by_date[d] for d in sorted(by_date)]


def merge_org(existing: list[OrgDay], new: list[OrgDay]) -> list[OrgDay]:
    """Upsert organisation days by date, sorted: a newer copy of a day replaces the recorded
    one (`rules.replaces`: except a legacy day); merging the same days twice changes nothing."""
    by_date: dict[date, OrgDay] = {}
    for day in [*existing, *new]:
        recorded = by_date.get(day.date)
        if replaces(recorded.source if recorded is not None else None):
            by_date[day.date] = day
    return [by_date[d] for d in sorted(by_date)]


def validated(adapter: TypeAdapter, data, store: Store, key: str):
    """`data` read from `key`, validated as `adapter`'s type; InvalidStoreFile naming the first fault."""
    if data is None:
        return []
    if isinstance(data, dict) and isinstance(data.get("day_totals"), list):
        data = data["day_totals"]  # a whole report file, `{report_start_day, …, day_totals: [...]}`
    try:
        return adapter.validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InvalidStoreFile(
            f"{key} in {store.url} does not have the expected shape ({_where(first['loc'])}: "
            f"{first['msg'].removeprefix('Value error, ')}); fix or move it: it will not be overwritten",
            key=key) from None


def _where(loc: tuple) -> str:
    """pydantic's error location in words: ("0", "data", 3, "date") -> "entry 0, day 3, date"."""
    words, parts = [], list(loc)
    if parts and isinstance(parts[0], int):
        words.append(f"{'entry' if len(parts) > 1 and parts[1] in ('team', 'data') else 'day'} {parts.pop(0)}")
    if len(parts) >= 2 and parts[0] == "data" and isinstance(parts[1], int):
        words.append(f"day {parts[1]}")
        parts = parts[2:]
    words.extend(str(p) for p in parts)
    return ", ".join(words) or "the whole file"
