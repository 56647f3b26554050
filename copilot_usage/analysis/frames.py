"""pandas frames from stored days: one row a day, and periods rolled up. Pure: records in, frames out.

Distinct-user counts are never added across days: a period shows their daily
average. Rates are always ratios of sums over the period, on the days that have both parts.

    frame = daily_frame(history.data)
    weekly = rollup(in_range(frame, start, end), "week")
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pandas as pd

from ..contract.counters import COUNTER_FIELDS
from ..contract.days import UsageDay
from ..contract.rules import LEGACY_METRICS, LEGACY_SWITCH, USAGE_METRICS
from ..contract.teams import TeamHistory

GRANULARITIES = {"day": "D", "week": "W-MON", "month": "MS"}
USER_COUNTS = ("licensed_members", "active_users", "engaged_users", "daily_active_users",
               "weekly_active_users", "monthly_active_users", "monthly_active_chat_users",
               "monthly_active_agent_users", "daily_active_cli_users", "chat_users", "agent_users",
               "cli_users", "code_review_users", "code_review_passive_users", "seats",
               "monthly_licensed_members")
_SCALARS = (*USER_COUNTS, "ai_credits", *COUNTER_FIELDS)


def daily_frame(days: Iterable[UsageDay]) -> pd.DataFrame:
    """One row per day with every scalar field present on the records, plus `source`."""
    rows = []
    for day in days:
        row = {"date": pd.Timestamp(day.date), "source": day.source}
        row.update({name: getattr(day, name) for name in _SCALARS if hasattr(day, name)})
        rows.append(row)
    if not rows:
        return pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"), "source": pd.Series(dtype=str)})
    frame = pd.DataFrame(rows).sort_values("date").reset_index(drop=True)
    return frame.astype({c: "float64" for c in frame.columns if c not in ("date", "source")})


def teams_frame(histories: Iterable[TeamHistory]) -> pd.DataFrame:
    """Every team's days as one long frame: `slug`, `team`, then the columns of `daily_frame`."""
    frames = [daily_frame(h.data).assign(slug=h.team.slug, team=h.team.name) for h in histories if h.data]
    return pd.concat(frames, ignore_index=True) if frames else empty_teams_frame()


def summary_frame(summary: dict) -> pd.DataFrame:
    """`teams_summary.json` (store v2, store/team_files.py) as the same long frame as `teams_frame`."""
    frames = []
    for entry in summary.get("teams", []):
        rows = pd.DataFrame(entry["rows"], columns=summary["columns"])
        frames.append(rows.assign(slug=entry["team"]["slug"], team=entry["team"]["name"]))
    if not frames:
        return empty_teams_frame()
    frame = pd.concat(frames, ignore_index=True)
    frame["date"] = pd.to_datetime(frame["date"])
    numeric = [c for c in frame.columns if c not in ("date", "source", "slug", "team")]
    return frame.astype({c: "float64" for c in numeric})


def empty_teams_frame() -> pd.DataFrame:
    return pd.DataFrame({"slug": pd.Series(dtype=str), "team": pd.Series(dtype=str),
                         "date": pd.Series(dtype="datetime64[ns]"), "source": pd.Series(dtype=str)})


def in_range(frame: pd.DataFrame, start: date | None, end: date | None) -> pd.DataFrame:
    mask = pd.Series(True, index=frame.index)
    if start:
        mask &= frame["date"] >= pd.Timestamp(start)
    if end:
        mask &= frame["date"] <= pd.Timestamp(end)
    return frame[mask].reset_index(drop=True)


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, or NaN when the base is 0 (shown as "–", never as 0 or ∞)."""
    return float(numerator) / float(denominator) if denominator else float("nan")


def with_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """Adds the rates of contract/figures.py: acceptance_rate (acceptances / generations),
    daily_active_share (active / licensed, or seats) and adoption (the month window's distinct
    active members / its distinct licensed members)."""
    out = frame.copy()
    gens = out.get("code_generations", pd.Series(0.0, index=out.index))
    accepted = out.pop("_rated_acceptances") if "_rated_acceptances" in out else out.get("code_acceptances", 0.0)
    out["acceptance_rate"] = accepted / gens.where(gens > 0)
    active = out["active_users"] if "active_users" in out else out.get("daily_active_users")
    base = out["licensed_members"] if "licensed_members" in out else out.get("seats")
    if active is not None and base is not None:
        out["daily_active_share"] = active / base.where(base > 0)
        if "_paired_active" in out:  # a rollup: only the days that had both parts
            out["daily_active_share"] = out["_paired_active"] / out["_paired_base"].where(out["_paired_base"] > 0)
            out = out.drop(columns=["_paired_active", "_paired_base"])
    if "_adoption" in out:  # a rollup: the period's last day with a value
        out["adoption"] = out.pop("_adoption")
    elif (shares := adoption(out)) is not None:
        out["adoption"] = shares
    return out


def adoption(frame: pd.DataFrame) -> pd.Series | None:
    """Each day's adoption (contract/figures.py): distinct members active in the month window
    ending that day over the distinct members licensed in it; None without those counts (the
    organisation, whose report has no licensed members per window)."""
    if "monthly_licensed_members" not in frame or "monthly_active_users" not in frame:
        return None
    base = frame["monthly_licensed_members"]
    return frame["monthly_active_users"] / base.where(base > 0)


def last_days(frame: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """The last day with data of the frame, or of each `by` group (a team), with its rates: where
    a rolling figure (a window ending on that day) is read for a range."""
    ordered = frame.sort_values("date", kind="stable")
    return with_rates(ordered.groupby(by).tail(1) if by else ordered.tail(1))


def rated_acceptances(frame: pd.DataFrame) -> pd.Series:
    """Acceptances on the rows that also report generations (NaN elsewhere): the numerator of
    every acceptance rate. GitHub's legacy metrics have days with acceptances and zero
    suggestions (JetBrains, November 2024, in tests/data/legacy/metrics_days.json); summing
    those over other days' suggestions showed more than 100 %. A ratio only uses rows with both parts."""
    accepted = frame.get("code_acceptances", pd.Series(0.0, index=frame.index))
    generated = frame.get("code_generations", pd.Series(0.0, index=frame.index))
    return accepted.where(generated.notna() & (generated > 0))


def daily_share_parts(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series] | None:
    """Active users and their base (licensed members, or seats) on the days that have both.

    Legacy days report no licences: counting their active users over other days'
    licences would show more than 100%. A ratio only uses days with both its parts.
    """
    active = "active_users" if "active_users" in frame else "daily_active_users"
    base = "licensed_members" if "licensed_members" in frame else "seats"
    if active not in frame or base not in frame:
        return None
    both = frame[active].notna() & frame[base].notna() & (frame[base] > 0)
    return frame[active].where(both), frame[base].where(both)


def rollup(frame: pd.DataFrame, granularity: str = "day", start: date | None = None,
           end: date | None = None) -> pd.DataFrame:
    """Days -> days, weeks (from Monday) or months: counters summed, user counts averaged.

    `partial` marks a period the range [start, end] (default: the frame's first and last day)
    cuts short, `period_days` how many of its days the range covers, `full_days` its length.
    """
    if granularity not in GRANULARITIES:
        raise ValueError(f"granularity must be one of {', '.join(GRANULARITIES)}")
    if frame.empty:
        return with_rates(frame.assign(days=pd.Series(dtype=float), partial=pd.Series(dtype=bool)))
    parts = daily_share_parts(frame)
    if parts is not None:
        frame = frame.assign(_paired_active=parts[0], _paired_base=parts[1])
    if (shares := adoption(frame)) is not None:
        frame = frame.assign(_adoption=shares)
    if "code_acceptances" in frame:
        frame = frame.assign(_rated_acceptances=rated_acceptances(frame))
    if "ai_credits" in frame and "active_users" in frame:  # credits per active member: days with both
        frame = frame.assign(credit_member_days=frame["active_users"].where(frame["ai_credits"].notna()))
    numeric = [c for c in frame.columns if c not in ("date", "source")]
    how = {c: ("mean" if c in USER_COUNTS else "last" if c == "_adoption" else "sum") for c in numeric}
    period = frame["date"].dt.to_period(GRANULARITIES[granularity][0]).dt.start_time
    grouped = frame.groupby(period)
    out = grouped[numeric].agg(how)
    for money in ("ai_credits", "credits_cost"):  # a period without any credits figure has none, not zero
        if money in out:
            out[money] = grouped[money].sum(min_count=1)
    if "ai_credits" in out and "credit_member_days" in out:
        out["credits_per_active_member"] = out["ai_credits"] / out["credit_member_days"].where(
            out["credit_member_days"] > 0)
    out["days"] = grouped.size()
    def throughout(source: str) -> pd.Series:  # vectorised: a Python call per period was most of a rollup
        return (frame["source"] == source).groupby(period).all()

    out["source"] = pd.Series("mixed", index=out.index, dtype=object).mask(
        throughout(USAGE_METRICS), USAGE_METRICS).mask(throughout(LEGACY_METRICS), LEGACY_METRICS)
    out = out.reset_index(names="date")
    return with_rates(mark_partial(out, granularity, start or frame["date"].min(), end or frame["date"].max()))


def period_end(starts: pd.Series, granularity: str) -> pd.Series:
    """The last day of each period starting on `starts`."""
    if granularity == "week":
        return starts + pd.Timedelta(days=6)
    if granularity == "month":
        return starts + pd.offsets.MonthEnd(0)
    return starts


def mark_partial(out: pd.DataFrame, granularity: str, start, end) -> pd.DataFrame:
    """Adds `partial`, `period_days` and `full_days` to a frame of periods (`date` = first day)."""
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    last = period_end(out["date"], granularity)
    out = out.copy()
    out["full_days"] = (last - out["date"]).dt.days + 1
    out["period_days"] = (last.clip(upper=hi) - out["date"].clip(lower=lo)).dt.days + 1
    out["partial"] = out["period_days"] < out["full_days"]
    return out


def complete_periods(periods: pd.DataFrame) -> pd.DataFrame:
    """The periods the range covers whole: the only ones a time chart draws."""
    if "partial" not in periods:
        return periods
    return periods[~periods["partial"].astype(bool)].reset_index(drop=True)


def complete_count(start: date, end: date, granularity: str) -> int:
    """How many whole periods of `granularity` fit in [start, end]."""
    if granularity == "day":
        return (end - start).days + 1
    starts = pd.Series(pd.date_range(start, end, freq=GRANULARITIES[granularity]))
    if granularity == "month" and start.day == 1:
        starts = pd.concat([pd.Series([pd.Timestamp(start)]), starts]).drop_duplicates()
    if granularity == "week" and start.weekday() == 0:
        starts = pd.concat([pd.Series([pd.Timestamp(start)]), starts]).drop_duplicates()
    return int((period_end(starts, granularity) <= pd.Timestamp(end)).sum()) if len(starts) else 0


MIN_PERIODS = 2


def fitting_granularity(start: date, end: date, granularity: str) -> str:
    """`granularity`, or the next finer one while the range holds fewer than two whole periods of it
    (28 days by month would otherwise draw two partial months, or one dot)."""
    order = ["month", "week", "day"]
    for candidate in order[order.index(granularity):]:
        if candidate == "day" or complete_count(start, end, candidate) >= MIN_PERIODS:
            return candidate
    return "day"


def spans_switch(frame: pd.DataFrame) -> bool:
    return not frame.empty and frame["date"].min() < pd.Timestamp(LEGACY_SWITCH) <= frame["date"].max()


def users_long(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Wide user counts -> long (date, series, users) for a multi-line chart."""
    present = {col: label for col, label in columns.items() if col in frame}
    long = frame.melt(id_vars="date", value_vars=list(present), var_name="series", value_name="users")
    long["series"] = long["series"].map(present)
    return long.dropna(subset=["users"])


def export_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The daily table as exported: dates as YYYY-MM-DD, rates as fractions, no index."""
    out = with_rates(frame)
    out["date"] = out["date"].dt.strftime("%Y-%m-%d")
    return out

