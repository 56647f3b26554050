"""The thresholds and dates every part of the product counts with (DESIGN.md, "The rules").

    qualifies = licensed_members >= MIN_LICENSED_MEMBERS
    is_final(day, today=utc_today())     # settled: older than the provisional days
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

# A team-day is recorded only when the team had this many members with a licence that day
# (GitHub reports no team below it).
MIN_LICENSED_MEMBERS = 5

# A day settles within this many days: until then each run fetches it again and replaces it.
PROVISIONAL_DAYS = 3

# Rolling distinct users: the weekly and monthly windows end on the day they describe.
WEEK_DAYS = 7
MONTH_DAYS = 28

# A seat is idle after this many days without Copilot activity (the pages let a viewer pick
# another threshold).
INACTIVE_AFTER_DAYS = 28

FIRST_REPORT_DAY = date(2025, 12, 12)  # GitHub's usage-metrics reports exist from this day on
REPORT_HISTORY_DAYS = 365              # how far back GitHub keeps report days
LEGACY_SWITCH = date(2026, 4, 2)       # the usage-metrics reports replaced the metrics endpoint

# Where a day's numbers came from. A legacy day (converted from the retired endpoints) keeps
# its meaning: a merge never replaces it with a collected day.
USAGE_METRICS = "usage-metrics"
LEGACY_METRICS = "legacy-metrics"


def utc_today() -> date:
    """Today as GitHub's reports count days (UTC)."""
    return datetime.now(UTC).date()


def month_window_start(day):
    """The first day of the month window ending on `day` (a date, or pandas timestamps): the
    window holds MONTH_DAYS days, `day` included."""
    return day - timedelta(days=MONTH_DAYS - 1)


def is_final(day: date, today: date) -> bool:
    """A day older than the provisional days: GitHub will not revise it any more."""
    return (today - day).days > PROVISIONAL_DAYS


def is_provisional(day: date, today: date) -> bool:
    return not is_final(day, today)


def replaces(recorded_source: str | None) -> bool:
    """Whether a newer copy of a day replaces the one recorded (with this source; None: no
    day recorded). Newer data settles a provisional day; a legacy day is never replaced, so
    migrated history never changes meaning."""
    return recorded_source != LEGACY_METRICS
