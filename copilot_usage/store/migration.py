"""Upgrade a store written by an older version (or moved in from another deployment).

Store layout 3 keeps team days in the team tables (`team_tables.py`) and per-user
facts under `facts/`. A store without `store_version.json` saying so is upgraded
by the next collection, before anything else is written:

1. `teams_history.json` is validated whole, read one entry at a time from a stream
   (a year of a large organisation is hundreds of MB): a broken file stops the run
   before anything is written;
2. the files an older version (or another tool) wrote are kept byte-for-byte under
   `originals/{date}/…` (`originals.py`);
3. the team days of a layout-2 store (its team files, `team_files.py`, which stay where
   they are, no longer written) and of `teams_history.json` go into the tables, each
   team under GitHub's id when a team of that slug exists now;
4. the directory is written, then `store_version.json`, which records the version of
   `teams_history.json` the app itself writes after each run.

A `teams_history.json` put in place by someone else later (its version differs from
the recorded one) is taken in the same way by the next run. A run that stops
halfway does it all again; the originals are kept once a day.

The organisation's days follow the same rule with their own notes: a
`historic_usage_data.json` that is not the one this app wrote last (a store from before
the organisation's table, or a file copied in) is validated, kept under `originals/`,
and merged into the table (`org_table.py`), its days winning their dates except over a
legacy day; a new version of ONS's `organisation_history.json` adds the dates the table
lacks (ours win, as on every read); then their versions are noted.

    upgrade(store, teams)      # -> the original keys kept, [] when the store is already current
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

from pydantic import ValidationError

from ..contract.days import OrgDay
from ..contract.keys import (
    HISTORY_KEY,
    ONS_ORG_HISTORY_KEY,
    ORG_HISTORY_KEY,
    ORIGINAL_KEYS,
    STORE_LAYOUT,
    STORE_VERSION_KEY,
)
from ..contract.rules import WEEK_DAYS
from ..contract.teams import Team, TeamHistory
from ..errors import InvalidStoreFile
from .base import Store
from .conflicts import retry_on_conflict
from .histories import load_ons_file, load_org_file
from .org_table import upsert_org_days
from .originals import keep_original
from .team_files import load_index, load_team_file
from .team_tables import EncodedTeamDay, TeamDayRow, update_directory, upsert_team_days

# Days taken in per write of the tables (a year of 300 teams is 110,000).
UPGRADE_BATCH = 20_000


def _version(store: Store) -> dict:
    found = store.read_json(STORE_VERSION_KEY).data
    return found if isinstance(found, dict) else {}


def is_current(store: Store) -> bool:
    """Layout 3, and `teams_history.json` is the one this app wrote last (or absent)."""
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


def upgrade(store: Store, teams: Callable[[], dict[str, Team]] = dict, *, now: datetime | None = None) -> list[str]:
    """Upgrade the store to layout 3 if it is older, or take in a `teams_history.json` or
    `historic_usage_data.json` written by someone else since; return the keys kept as
    originals. `teams()`: the organisation's teams now, by slug (their ids key the days
    taken in), asked for once the store is found sound.

    Both files are validated before anything is written: a file that fails stops the
    run with its name (InvalidStoreFile) and the store is left as it was.
    """
    now = now or datetime.now(UTC)
    org_files = _org_files_to_take_in(store)  # validated here, before anything is written
    kept = [] if is_current(store) else _upgrade_teams(store, teams, now)
    for key, days, tag in org_files:
        if key == ORG_HISTORY_KEY:
            kept += [k for k in [keep_original(store, key, today=now.date())] if k]
        upsert_org_days(store, days, under=key == ONS_ORG_HISTORY_KEY)
        note_store_version(store, **{_ORG_FILE_NOTES[key]: tag})
    return kept


_ORG_FILE_NOTES = {ORG_HISTORY_KEY: "org_history_tag", ONS_ORG_HISTORY_KEY: "ons_history_tag"}


def _org_files_to_take_in(store: Store) -> list[tuple[str, list[OrgDay], str]]:
    """(key, days, version tag) of each organisation file whose days are not in the table yet:
    `historic_usage_data.json` from before the table or put in place since this app last wrote
    it, ONS's file changed since the last run."""
    version, found = _version(store), []
    for key, load in ((ORG_HISTORY_KEY, load_org_file), (ONS_ORG_HISTORY_KEY, load_ons_file)):
        tag = store.tag(key)
        if tag is not None and tag != version.get(_ORG_FILE_NOTES[key]):
            found.append((key, load(store) or [], tag))
    return found


def _upgrade_teams(store: Store, teams: Callable[[], dict[str, Team]], now: datetime) -> list[str]:
    version = _version(store)
    foreign = store.tag(HISTORY_KEY) not in (None, version.get("history_tag"))
    for _ in iter_histories(store):
        pass  # validation only: refuse before writing anything (or asking GitHub)
    current = teams()
    kept = [k for k in (keep_original(store, key, today=now.date(), even_ours=True) for key in ORIGINAL_KEYS) if k]
    index = load_index(store) if version.get("layout", 0) < STORE_LAYOUT else None
    sources = []
    if index:  # layout 2: the team files are the record (teams_history.json may be older)
        sources.append(h for slug in sorted(index) if (h := load_team_file(store, slug)) is not None)
    if foreign or not index:
        sources.append(iter_histories(store))
    batch: list[TeamDayRow] = []
    seen: set[str] = set()
    for source in sources:
        for history in source:
            if not history.data:
                continue
            team = _with_id(history.team, current)
            rows = [TeamDayRow(team, EncodedTeamDay.of(day)) for day in history.data]
            if team.slug in seen:
                # A team listed twice (renamed, in a file keyed by name) is combined by the
                # reader's rule: the later entry wins a date, a legacy one too.
                _write(store, current, batch)
                _write(store, current, rows, keep_legacy=False)
                continue
            seen.add(team.slug)
            batch += rows
            if len(batch) >= UPGRADE_BATCH:
                _write(store, current, batch)
    _write(store, current, batch)
    record_history_tag(store, store.tag(HISTORY_KEY), upgraded_at=now, originals=kept)
    return kept


def _with_id(team: Team, teams: dict[str, Team]) -> Team:
    listed = teams.get(team.slug)
    return team.model_copy(update={"id": listed.id}) if listed is not None and team.id is None else team


def _write(store: Store, teams: dict[str, Team], rows: list[TeamDayRow], *, keep_legacy: bool = True) -> None:
    if rows:
        update_directory(store, teams, upsert_team_days(store, rows, keep_legacy=keep_legacy))
        rows.clear()


def record_history_tag(store: Store, tag: str | None, **changes) -> None:
    """Note the layout and the version of `teams_history.json` this app wrote.

    Two collectors at once: the later note wins, and at worst the next run takes in
    the other's `teams_history.json`, which holds the same team files' days.
    """
    note_store_version(store, layout=STORE_LAYOUT, history_tag=tag, **changes)


def record_history_files(store: Store, history_tag: str | None, org_history_tag: str | None, *, written: date,
                         org_days_changed: bool) -> None:
    """After a run rewrote `teams_history.json` and `historic_usage_data.json`: their versions
    (a version not noted here is taken in by the next run), the day, and whether the
    organisation's days changed (`note_org_days_changed`)."""
    record_history_tag(store, history_tag, history_written=written.isoformat(),
                       **{_ORG_FILE_NOTES[ORG_HISTORY_KEY]: org_history_tag}, **_org_days_stamp(org_days_changed))


def note_org_days_changed(store: Store) -> None:
    """A run changed an organisation day without rewriting the whole-history files: noted, so
    `store_version.json`'s version tag, which the pages key the organisation's days on, changes."""
    note_store_version(store, **_org_days_stamp(True))


def _org_days_stamp(changed: bool) -> dict[str, datetime]:
    return {"org_days_written": datetime.now(UTC)} if changed else {}


def note_store_version(store: Store, **changes) -> None:
    """Set these fields of `store_version.json` (written only when one changes)."""
    def attempt() -> None:
        current = store.read_json(STORE_VERSION_KEY)
        version = dict(current.data) if isinstance(current.data, dict) else {}
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
