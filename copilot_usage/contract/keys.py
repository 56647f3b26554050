"""Every key of the store, its partitions, and what makes a key valid.

The store is a flat key -> bytes space under `STORE_URL` (a folder or an S3 prefix).
Nothing else in the package writes a key name out: it imports it from here.

    team_key("platform")                       # "teams/platform.json"
    fact_key("user_days", date(2026, 5, 1))    # "facts/user_days/day=2026-05-01/part-0.parquet"
    table_key("team_days", "2026-05")          # "tables/team_days/month=2026-05/part-0.parquet"
    report_prefix("users-1-day", day)          # "reports/users-1-day/day=2026-05-01/"
"""

from __future__ import annotations

import re
from datetime import date

# ---------------------------------------------------------------- GitHub's daily reports
# The report names of the usage-metrics API (GITHUB_API.md 2), as the raw copies are keyed.
USERS = "users-1-day"
USER_TEAMS = "user-teams-1-day"
ORGANIZATION = "organization-1-day"
DAILY_REPORTS = (USERS, USER_TEAMS, ORGANIZATION)

# ---------------------------------------------------------------- whole files
HISTORY_KEY = "teams_history.json"        # every team, [{"team", "data"}]: the seed's contract
ORG_HISTORY_KEY = "historic_usage_data.json"  # [OrgDay] by date, written from ORG_DAY_LINES
# ONS's Lambda (since 2026-03) keeps organisation days here, as report lines; read, never written.
ONS_ORG_HISTORY_KEY = "organisation_history.json"
TEAMS_KEY = "copilot_teams.json"          # the qualifying teams
SEATS_KEY = "copilot_seats.json"          # the latest seat snapshot
MEMBERS_KEY = "team_members.json"         # licensed members per team on the last collected day
ADMIN_TEAMS_KEY = "admin_teams.json"      # admin team slugs (or names)
INDEX_KEY = "teams_index.json"            # per team: name, days, sha256 of its file
SUMMARY_KEY = "teams_summary.json"        # every team's scalar fields per day, as columns
STORE_VERSION_KEY = "store_version.json"  # the layout, and the teams_history.json this app wrote
STORE_LAYOUT = 3                          # the layout this version writes (store v3: team tables)
# What an older version or another deployment wrote, and this version rewrites: kept under
# originals/ byte for byte before the first rewrite.
ORIGINAL_KEYS = (HISTORY_KEY, ORG_HISTORY_KEY, TEAMS_KEY, SUMMARY_KEY)

# ---------------------------------------------------------------- partitioned keys
TEAMS_PREFIX = "teams/"
FACTS_PREFIX = "facts/"
REPORTS_PREFIX = "reports/"
ORIGINALS_PREFIX = "originals/"
REPORT_MANIFEST = "manifest.json"
# The facts tables, one Parquet file a day each (Hive-style partitions: Athena, Trino, Spark
# and DuckDB read `day` as a column). The SQL (collector/sql/) reads them under these names.
USER_DAYS = "user_days"      # one row per user and day
USER_TEAM_DAYS = "user_teams"  # one row per (user, team, day)
ORG_DAYS = "org_days"        # the organisation's day
FACT_TABLES = (USER_DAYS, USER_TEAM_DAYS, ORG_DAYS)
# The read side (store v3): tables derived from the facts, one Parquet file a month each
# (`month=YYYY-MM`), so a daily run rewrites the month its days touch, not the years kept.
TABLES_PREFIX = "tables/"
TEAM_DAYS = "team_days"            # one row per (team, day): the scalar fields (the overview)
TEAM_DAY_LINES = "team_day_lines"  # one row per (team, day): the day as recorded, JSON (breakdowns)
TEAMS_DIRECTORY = "team_directory"  # one row per team: id, slug, name, days recorded (one file)
ORG_DAY_LINES = "org_day_lines"    # one row per day: the organisation's day as recorded, JSON
MONTH_TABLES = (TEAM_DAYS, TEAM_DAY_LINES, ORG_DAY_LINES)
_TABLE_KEY = re.compile(r"^tables/(?P<table>[a-z_]+)/month=(?P<month>\d{4}-\d{2})/part-0\.parquet$")
_FACT_KEY = re.compile(r"^facts/(?P<table>[a-z_]+)/day=(?P<day>\d{4}-\d{2}-\d{2})/part-0\.parquet$")


def team_key(slug: str) -> str:
    """One team's file: `{"team", "data": [TeamDay…]}`, one day a line."""
    return f"{TEAMS_PREFIX}{slug}.json"


def fact_key(table: str, day: date) -> str:
    return f"{fact_prefix(table)}day={day.isoformat()}/part-0.parquet"


def fact_prefix(table: str) -> str:
    return f"{FACTS_PREFIX}{table}/"


def fact_day(key: str, table: str) -> date | None:
    """The day of a `fact_key(table, day)`, or None for any other key."""
    found = _FACT_KEY.match(key)
    return date.fromisoformat(found["day"]) if found and found["table"] == table else None


def table_prefix(table: str) -> str:
    return f"{TABLES_PREFIX}{table}/"


def table_key(table: str, month: str | None = None) -> str:
    """A month of a month table (`month` is "YYYY-MM"), or the one file of the directory."""
    return f"{table_prefix(table)}month={month}/part-0.parquet" if month else f"{table_prefix(table)}part-0.parquet"


def month_of(day: date) -> str:
    return day.isoformat()[:7]


def table_month(key: str, table: str) -> str | None:
    """The month ("YYYY-MM") of a `table_key(table, month)`, or None for any other key."""
    found = _TABLE_KEY.match(key)
    return found["month"] if found and found["table"] == table else None


def report_prefix(report: str, day: date) -> str:
    """Where a report day's raw copy lives: `part-N.ndjson.gz` files, then `manifest.json`."""
    return f"{REPORTS_PREFIX}{report}/day={day.isoformat()}/"


def report_part_key(report: str, day: date, index: int) -> str:
    """One file of a report day, gzipped NDJSON as GitHub serves it (GZIP_MAGIC first)."""
    return f"{report_prefix(report, day)}part-{index}.ndjson.gz"


GZIP_MAGIC = b"\x1f\x8b"


def original_key(key: str, day: date) -> str:
    """Where the bytes of `key` are kept before this app first rewrites them."""
    return f"{ORIGINALS_PREFIX}{day.isoformat()}/{key}"


# ---------------------------------------------------------------- what a key may be
_KEY_CHARS = re.compile(r"[A-Za-z0-9._=/-]+")


def validate_key(key: str) -> str:
    """Return ``key`` if it is a safe store key, else raise ValueError.

    A key is ``/``-separated segments of ``[A-Za-z0-9._=-]``: no leading
    ``/``, no empty, ``.`` or ``..`` segment (so it cannot escape the store
    root), and no segment starting with ``.`` (those names are reserved for
    the store's own temp and lock files, which must never be mistaken for data).

        >>> validate_key("reports/users-1-day/day=2026-01-05/part-0.ndjson.gz")
        'reports/users-1-day/day=2026-01-05/part-0.ndjson.gz'
        >>> validate_key("../etc/passwd")
        Traceback (most recent call last):
        ValueError: invalid store key '../etc/passwd': ...
    """
    problem = key_problem(key)
    if problem:
        raise ValueError(f"invalid store key {key!r}: {problem}")
    return key


def key_problem(key: object) -> str | None:
    """Why `key` is not a valid store key, or None when it is one."""
    if not isinstance(key, str) or not key:
        return "a key is a non-empty string"
    if not _KEY_CHARS.fullmatch(key):
        return "only letters, digits and . _ = / - are allowed"
    for segment in key.split("/"):
        if segment == "":
            return "no leading '/', trailing '/' or empty segment"
        if segment in (".", ".."):
            return "no '.' or '..' segment"
        if segment.startswith("."):
            return "no segment may start with '.' (reserved for the store's own files)"
    return None
