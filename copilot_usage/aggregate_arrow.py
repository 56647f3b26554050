"""The team join of `aggregate.py`, in Arrow: raw report files in, TeamDays out.

Why: `aggregate_teams` is the readable statement of GitHub's recipe, but for a
large organisation (50,000 users, 2,000 teams) it spends its time making a
Python dict of every line and breakdown item: about ten times what pyarrow
needs for the join itself (benchmarks/aggregation.py). Here pyarrow's
multi-threaded reader turns the NDJSON straight into columns, reading only the
fields team numbers need (an explicit schema); the breakdown arrays are
flattened into (user, item, counters) rows, joined with the day's team
memberships and grouped by (team, item), counting distinct users. Python
objects are made only for the TeamDays at the end.

The result is the one `aggregate_teams` gives (tests/test_fast_aggregation_matches_reference.py).
Whatever the columns cannot hold as the reference reads it (a JSON array file,
a counter given as text, a line without `day`, a broken line...) makes
`aggregate_parts` answer None, and the caller takes the readable path, which
also raises MalformedReport for a broken file. One difference is known and
left: two JSON objects on one line are read as two lines here (json.loads
refuses such a line); no truncation or broken download makes one.

    joined = aggregate_parts(day, users.raw_parts, user_teams.raw_parts)
    if joined is not None:
        team_days, members = joined
"""

from __future__ import annotations

import gc
import re
import zlib
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

from .aggregate import BREAKDOWNS, COUNTER_KEYS
from .models import TeamDay

COUNTERS = list(COUNTER_KEYS)            # report names; renamed to ours at the very end
FLAGS = ("engaged", "chat", "agent", "cli")

_COUNTER_FIELDS = [(name, pa.int64()) for name in COUNTERS]
_USER_FIELDS = [
    ("day", pa.string()), ("user_id", pa.int64()), *_COUNTER_FIELDS,
    ("used_chat", pa.bool_()), ("used_agent", pa.bool_()), ("used_cli", pa.bool_()),
    ("ai_credits_used", pa.float64()),
    *[(array, pa.list_(pa.struct([(key, pa.string()), *_COUNTER_FIELDS])))
      for array, key in BREAKDOWNS.values()],
]
_TEAM_FIELDS = [("day", pa.string()), ("user_id", pa.int64()), ("user_login", pa.string()),
                ("slug", pa.string())]

# Blocks of 4 MiB parse about 10% faster than the default 1 MiB, and still give
# every core several blocks of a large file.
_READ_OPTIONS = pj.ReadOptions(block_size=4 << 20)
_HEAD = 1 << 16  # what is looked at before parsing: the first character, organization_id's type
_FIRST_CHARACTER = re.compile(rb"\S")
_ORGANIZATION_VALUE = re.compile(rb'"organization_id"\s*:\s*(\S)')


# ---------------------------------------------------------------- reading

def read_ndjson(parts: list[bytes], fields: list[tuple[str, pa.DataType]]) -> pa.Table | None:
    """The report's parts (NDJSON, gzip or not) as one table of `fields` plus
    `organization_id`; None when a part is anything else (array, broken, other types)."""
    tables = []
    for data in parts:
        try:
            text, head, whole = _text(data)
        except zlib.error:
            return None  # not gzip after all, or broken: the readable path says what
        first = _FIRST_CHARACTER.search(head)
        if first is None and whole:
            continue  # an empty part
        if first is None or first.group() != b"{":
            return None  # a JSON array (or not JSON at all): the readable path decides
        table = _read_part(text, pa.schema([*fields, ("organization_id", _organization_type(head))]))
        if table is None:
            return None
        tables.append(table)
    if len(tables) < 2:
        return tables[0] if tables else pa.schema([*fields, ("organization_id", pa.string())]).empty_table()
    try:
        return pa.concat_tables(tables)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None  # parts that disagree on the type of organization_id


def _text(data: bytes) -> tuple[pa.NativeFile, bytes, bool]:
    """The part's text as a stream for pyarrow, its first bytes, and whether that is all.

    A gzip file (a stored copy) is decompressed on the fly as it is parsed: a
    day's users file is twenty times bigger than its copy, and never held whole.
    """
    if data[:2] == b"\x1f\x8b":
        first_bytes = zlib.decompressobj(wbits=31)
        head = first_bytes.decompress(data, _HEAD)
        whole = first_bytes.eof and not first_bytes.unused_data  # (not so with several gzip members)
        return pa.CompressedInputStream(pa.BufferReader(data), "gzip"), head, whole
    return pa.BufferReader(data), data[:_HEAD], len(data) <= _HEAD


def _read_part(text: pa.NativeFile, schema: pa.Schema) -> pa.Table | None:
    options = pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore")
    try:
        return pj.read_json(text, parse_options=options, read_options=_READ_OPTIONS)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OSError):  # OSError: a truncated gzip file
        return None


def _organization_type(head: bytes) -> pa.DataType:
    # GitHub sends organization_id as a string, tests often as a number. Only a
    # guess from the first line: a wrong one makes the read fail, never the numbers.
    found = _ORGANIZATION_VALUE.search(head)
    return pa.int64() if found and found.group(1) in b"-0123456789" else pa.string()


# ---------------------------------------------------------------- the join

def aggregate_parts(day: date, user_parts: list[bytes], user_team_parts: list[bytes],
                    *, min_licensed: int = 5) -> tuple[dict[str, TeamDay], dict[str, list[str]]] | None:
    """One day's raw users and user-teams files -> ({slug: TeamDay}, {slug: licensed logins}).

    The same as `aggregate_teams` and `licensed_logins` over the parsed lines, or
    None when a file is not plain NDJSON of the expected types.
    """
    # The user-teams side needs no user line: it is worked out while pyarrow reads
    # the users file (its reader releases the GIL).
    with ThreadPoolExecutor(max_workers=1) as pool:
        users_read = pool.submit(read_ndjson, user_parts, _USER_FIELDS)
        memberships = _memberships(day, user_team_parts, min_licensed)
        users = users_read.result()
    # A line without "day" is on the day, one with "day": null is not: Arrow cannot tell them apart.
    if users is None or memberships is None or users["day"].null_count:
        return None
    with _cyclic_gc_paused():
        return _join(day, users, memberships), memberships.logins


@dataclass
class _Memberships:
    members: pa.Table           # (slug, user_id, organization_id) of the qualifying teams, once each
    licensed: dict[str, int]    # every team's licensed members that day
    qualifying: list[str]       # teams with enough of them, in order
    logins: dict[str, list[str]]


def _memberships(day: date, parts: list[bytes], min_licensed: int) -> _Memberships | None:
    teams = read_ndjson(parts, _TEAM_FIELDS)
    if teams is None or teams["day"].null_count:
        return None
    members = _members_of_day(teams, day)
    licensed = _count_by_slug(members)
    qualifying = sorted(slug for slug, n in licensed.items() if n >= min_licensed)
    members = members.filter(pc.is_in(members["slug"], pa.array(qualifying, pa.string())))
    return _Memberships(members, licensed, qualifying, _licensed_logins(teams, qualifying))


@contextmanager
def _cyclic_gc_paused():
    """Pause Python's cyclic garbage collector while the result is built.

    The tens of thousands of small acyclic objects made at the end (item dicts,
    pydantic models) trigger collections that scan the whole heap again and
    again for nothing: a fifth of the time here, more in a process with a big heap.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _join(day: date, users: pa.Table, memberships: _Memberships) -> dict[str, TeamDay]:
    users, members = _organization_codes(users, memberships.members)
    users = _users_of_day(users, day)
    active = _join_active(members, users)
    totals = _team_totals(active, users)
    credits = _team_credits(active, users)
    items = _team_items(active, *_item_rows(users))
    return {slug: _team_day(day, memberships.licensed[slug], totals.get(slug), credits.get(slug),
                            items.get(slug, {}))
            for slug in memberships.qualifying}


def _organization_codes(users: pa.Table, teams: pa.Table) -> tuple[pa.Table, pa.Table]:
    """organization_id -> a small int `org`, equal where Python's == is (as the reference's keys)."""
    codes: dict = {}

    def encode(table: pa.Table) -> pa.Table:
        column = table["organization_id"]
        distinct = pc.unique(column)
        local = pa.array([codes.setdefault(value, len(codes)) for value in distinct.to_pylist()], pa.int64())
        return table.append_column("org", pc.take(local, pc.index_in(column, value_set=distinct)))

    return encode(users), encode(teams)


def _counting(n: int) -> pa.Array:
    return pa.array(np.arange(n, dtype=np.int64))  # from range(n): ten times slower


def _numbered(table: pa.Table) -> pa.Table:
    return table.append_column("row", _counting(table.num_rows))


def _one_row_per(table: pa.Table, keys: list[str], which: str) -> pa.Table:
    """Keep the first ("min") or last ("max") row of each key, in file order."""
    table = _numbered(table)
    kept = table.group_by(keys, use_threads=False).aggregate([("row", which)])[f"row_{which}"]
    if len(kept) == table.num_rows:
        return table.drop_columns("row")  # no repeats (the usual case): no copy
    return table.take(kept.sort()).drop_columns("row")


def _users_of_day(users: pa.Table, day: date) -> pa.Table:
    """The day's user lines, the last one per user; a `user` index and the per-user numbers."""
    wanted = pc.and_(pc.equal(users["day"], day.isoformat()), pc.is_valid(users["user_id"]))
    if not pc.all(wanted).as_py():
        users = users.filter(wanted)
    users = _one_row_per(users, ["user_id", "org"], "max")
    for name in COUNTERS:
        users = users.set_column(users.schema.get_field_index(name), name, pc.fill_null(users[name], 0))
    engaged = pc.or_(pc.greater(users["user_initiated_interaction_count"], 0),
                     pc.greater(users["code_acceptance_activity_count"], 0))
    flags = {"engaged": engaged, "chat": users["used_chat"], "agent": users["used_agent"],
             "cli": users["used_cli"]}
    for name, values in flags.items():
        users = users.append_column(name, pc.cast(pc.fill_null(values, False), pa.int64()))
    return users.append_column("user", _counting(users.num_rows))


def _members_of_day(teams: pa.Table, day: date) -> pa.Table:
    """The day's user-team lines with a slug and a user id, a repeated line counted once."""
    keep = pc.and_(pc.and_(pc.equal(teams["day"], day.isoformat()), pc.is_valid(teams["user_id"])),
                   pc.fill_null(pc.not_equal(teams["slug"], ""), False))
    key = ["slug", "user_id", "organization_id"]  # a null organization_id is one key, as None is
    return _one_row_per(teams.filter(keep).select(key), key, "min")


def _count_by_slug(members: pa.Table) -> dict[str, int]:
    counted = members.group_by("slug", use_threads=False).aggregate([([], "count_all")])
    return dict(zip(counted["slug"].to_pylist(), counted["count_all"].to_pylist()))


def _join_active(members: pa.Table, users: pa.Table) -> pa.Table:
    """(slug, user) for every licensed member with a user line that day, in file order."""
    members = _numbered(members)
    joined = members.join(users.select(["user_id", "org", "user"]), ["user_id", "org"], join_type="inner")
    return joined.sort_by("row").select(["slug", "user"])


def _team_totals(active: pa.Table, users: pa.Table) -> dict[str, dict]:
    """Per team: active users, the flag counts and the seven counters."""
    columns = [*COUNTERS, *FLAGS]
    rows = users.select(columns).take(active["user"]).append_column("slug", active["slug"])
    summed = rows.group_by("slug", use_threads=False).aggregate(
        [(name, "sum") for name in columns] + [([], "count_all")])
    values = {name: summed[f"{name}_sum"].to_pylist() for name in columns}
    values["active"] = summed["count_all"].to_pylist()
    return {slug: {name: column[i] for name, column in values.items()}
            for i, slug in enumerate(summed["slug"].to_pylist())}


def _team_credits(active: pa.Table, users: pa.Table) -> dict[str, float]:
    """AI credits per team, added one user at a time in file order as the reference
    does (a float sum depends on its order); teams where no user reported any are absent."""
    credits = users["ai_credits_used"].take(active["user"])
    reported = pc.is_valid(credits)
    totals: dict[str, float] = {}
    for slug, value in zip(active["slug"].filter(reported).to_pylist(), credits.filter(reported).to_pylist()):
        totals[slug] = totals.get(slug, 0.0) + value
    return totals


def _item_rows(users: pa.Table) -> tuple[pa.Table, list[tuple[str, str]]]:
    """Every breakdown array flattened to (user, item, counters) rows.

    Items are numbered (small ints hash faster than names): `labels[item]` is its
    (breakdown, name), numbered in name order within each breakdown.
    """
    tables, labels = [], []
    for breakdown, (array, key) in BREAKDOWNS.items():
        lists = users[array].combine_chunks()
        items = pc.list_flatten(lists)
        owner = pc.take(users["user"], pc.list_parent_indices(lists))
        present = items.is_valid()  # a null in the array is not an item (the reference skips non-objects)
        items, owner = items.filter(present), owner.filter(present)
        fields = dict(zip([f.name for f in items.type], items.flatten()))
        blank = pc.fill_null(pc.equal(fields[key], ""), True)
        names = pc.if_else(blank, "unknown", fields[key]).dictionary_encode()
        order = pc.sort_indices(names.dictionary)   # dictionary positions in name order
        rank = pc.sort_indices(order)               # ... and its inverse: position -> number
        number = pc.add(pc.take(rank, names.indices).cast(pa.int64()), len(labels))
        labels += [(breakdown, name) for name in names.dictionary.take(order).to_pylist()]
        tables.append(pa.table({"user": owner, "item": number,
                                **{counter: pc.fill_null(fields[counter], 0) for counter in COUNTERS}}))
    return pa.concat_tables(tables), labels


def _team_items(active: pa.Table, item_rows: pa.Table,
                labels: list[tuple[str, str]]) -> dict[str, dict[str, dict[str, dict]]]:
    """{slug: {breakdown: {item: {users, counters}}}}, items in name order.

    A user's rows of one item (language and model arrays are split by feature
    too) are summed, and the user counted once: distinct users per item.
    """
    rows = item_rows.join(active, "user", join_type="inner")
    summed = rows.group_by(["slug", "item"], use_threads=False).aggregate(
        [(counter, "sum") for counter in COUNTERS] + [("user", "count_distinct")])
    summed = summed.sort_by([("slug", "ascending"), ("item", "ascending")])
    values = summed.select([f"{counter}_sum" for counter in COUNTERS] + ["user_count_distinct"])
    values = values.rename_columns([*COUNTER_KEYS.values(), "users"]).to_pylist()
    out: dict[str, dict[str, dict[str, dict]]] = {}
    for slug, item, counters in zip(summed["slug"].to_pylist(), summed["item"].to_pylist(), values):
        breakdown, name = labels[item]
        out.setdefault(slug, {}).setdefault(breakdown, {})[name] = counters
    return out


def _team_day(day: date, licensed: int, totals: dict | None, credits: float | None,
              breakdowns: dict[str, dict]) -> TeamDay:
    totals = totals or dict.fromkeys([*COUNTERS, *FLAGS, "active"], 0)
    return TeamDay.model_validate({
        "date": day, "licensed_members": licensed, "active_users": totals["active"],
        "engaged_users": totals["engaged"], "chat_users": totals["chat"],
        "agent_users": totals["agent"], "cli_users": totals["cli"], "ai_credits": credits,
        **{COUNTER_KEYS[c]: totals[c] for c in COUNTERS}, **breakdowns,
    })


def _licensed_logins(teams: pa.Table, qualifying: list[str]) -> dict[str, list[str]]:
    """As `licensed_logins`: every line's login (whatever its day) of each qualifying team."""
    keep = pc.and_(pc.is_in(teams["slug"], pa.array(qualifying, pa.string())),
                   pc.fill_null(pc.not_equal(teams["user_login"], ""), False))
    logins = teams.filter(keep).group_by("slug", use_threads=False).aggregate([("user_login", "distinct")])
    found = dict(zip(logins["slug"].to_pylist(), logins["user_login_distinct"].to_pylist()))
    return {slug: sorted(found.get(slug, []), key=str.lower) for slug in qualifying}
