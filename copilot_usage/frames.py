"""pandas frames and KPIs from stored history. Pure: records in, frames out.

Distinct-user counts are never added across days: a period shows their daily
average. Rates are always ratios of sums over the period.

    frame = daily_frame(history.data)
    weekly = rollup(in_range(frame, start, end), "week")
    row = kpis(frame, start, end)          # with the previous period of the same length
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable

import numpy as np
import pandas as pd

from .models import COUNTER_FIELDS, TeamHistory, UsageDay

LEGACY_SWITCH = date(2026, 4, 2)  # the day the usage-metrics reports replaced the old endpoint
PROVISIONAL_DAYS = 3
GRANULARITIES = {"day": "D", "week": "W-MON", "month": "MS"}
USER_COUNTS = ("licensed_members", "active_users", "engaged_users", "daily_active_users",
               "weekly_active_users", "monthly_active_users", "monthly_active_chat_users",
               "monthly_active_agent_users", "daily_active_cli_users", "chat_users", "agent_users",
               "cli_users", "code_review_users", "code_review_passive_users", "seats")
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
    """`teams_summary.json` (team_files.summary_payload) as the same long frame as `teams_frame`."""
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
    """Adds acceptance_rate (acceptances / generations) and adoption (active / licensed)."""
    out = frame.copy()
    gens = out.get("code_generations", pd.Series(0.0, index=out.index))
    accepted = out.pop("_rated_acceptances") if "_rated_acceptances" in out else out.get("code_acceptances", 0.0)
    out["acceptance_rate"] = accepted / gens.where(gens > 0)
    active = out["active_users"] if "active_users" in out else out.get("daily_active_users")
    base = out["licensed_members"] if "licensed_members" in out else out.get("seats")
    if active is not None and base is not None:
        out["adoption"] = active / base.where(base > 0)
        if "_paired_active" in out:  # a rollup: only the days that had both parts
            out["adoption"] = out["_paired_active"] / out["_paired_base"].where(out["_paired_base"] > 0)
            out = out.drop(columns=["_paired_active", "_paired_base"])
    return out


def rated_acceptances(frame: pd.DataFrame) -> pd.Series:
    """Acceptances on the rows that also report generations (NaN elsewhere): the numerator of
    every acceptance rate. GitHub's legacy metrics have days with acceptances and zero
    suggestions (JetBrains, November 2024, in tests/data/legacy/metrics_days.json); summing
    those over other days' suggestions showed 103.5 %. A ratio only uses rows with both parts."""
    accepted = frame.get("code_acceptances", pd.Series(0.0, index=frame.index))
    generated = frame.get("code_generations", pd.Series(0.0, index=frame.index))
    return accepted.where(generated.notna() & (generated > 0))


def _adoption_parts(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series] | None:
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
    parts = _adoption_parts(frame)
    if parts is not None:
        frame = frame.assign(_paired_active=parts[0], _paired_base=parts[1])
    if "code_acceptances" in frame:
        frame = frame.assign(_rated_acceptances=rated_acceptances(frame))
    if "ai_credits" in frame and "active_users" in frame:  # credits per active member: days with both
        frame = frame.assign(credit_member_days=frame["active_users"].where(frame["ai_credits"].notna()))
    numeric = [c for c in frame.columns if c not in ("date", "source")]
    how = {c: ("mean" if c in USER_COUNTS else "sum") for c in numeric}
    period = frame["date"].dt.to_period(GRANULARITIES[granularity][0]).dt.start_time
    grouped = frame.groupby(period)
    out = grouped[numeric].agg(how)
    if "ai_credits" in out:  # a period without any credits figure has none, not zero
        out["ai_credits"] = grouped["ai_credits"].sum(min_count=1)
        if "credit_member_days" in out:
            out["credits_per_active_member"] = out["ai_credits"] / out["credit_member_days"].where(
                out["credit_member_days"] > 0)
    out["days"] = grouped.size()
    out["source"] = grouped["source"].agg(lambda s: "legacy-metrics" if (s == "legacy-metrics").all()
                                          else "usage-metrics" if (s == "usage-metrics").all() else "mixed")
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


_NOUN = {"day": "day", "week": "week", "month": "month"}


def partial_note(periods: pd.DataFrame, granularity: str) -> str | None:
    """A sentence naming the partial periods the charts leave out, or None."""
    if "partial" not in periods or not periods["partial"].any():
        return None
    cut = periods[periods["partial"].astype(bool)].drop_duplicates("date")
    fmt = "%b %Y" if granularity == "month" else "week of %d %b"
    parts = [f"{row.date:{fmt}} ({row.period_days:.0f} of {row.full_days:.0f} days in the range)"
             for row in cut.itertuples()]
    return (f"Partial {granularity}s are left out of the charts so that a short period does not look like "
            f"a jump: {', '.join(parts)}. Their days still count in the figures above and in the downloads.")


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


# ---------------------------------------------------------------- KPIs

KPI_FIELDS = ("active_users", "engaged_users", "adoption", "acceptance_rate", "loc_added",
              "interactions", "agent_users")


@dataclass(frozen=True)
class Kpi:
    value: float          # NaN when there is no base
    previous: float       # the same measure over the previous period of equal length
    days: int

    @property
    def change(self) -> float:
        """Relative change against the previous period; NaN when that base is 0 or missing."""
        return ratio(self.value - self.previous, self.previous) if self.previous == self.previous else float("nan")

    @property
    def points(self) -> float:
        """Absolute change in percentage points, for rates (0.352 -> 0.356 is +0.4 pp)."""
        return (self.value - self.previous) * 100


def period_figures(frame: pd.DataFrame) -> dict[str, float]:
    """The KPI figures of one period: daily averages of user counts, ratios of sums."""
    if frame.empty:
        return {name: float("nan") for name in KPI_FIELDS}
    total = frame.sum(numeric_only=True, min_count=1)
    mean = frame.mean(numeric_only=True)
    # The organisation reports daily active users and has seats, not licensed members.
    active = "active_users" if "active_users" in frame else "daily_active_users"
    parts = _adoption_parts(frame)
    return {
        "active_users": mean.get(active, np.nan),
        "engaged_users": mean.get("engaged_users", np.nan),
        "adoption": ratio(parts[0].sum(), parts[1].sum()) if parts is not None else float("nan"),
        "acceptance_rate": ratio(rated_acceptances(frame).sum(), total.get("code_generations", 0.0)),
        "loc_added": total.get("loc_added", np.nan),
        "interactions": total.get("interactions", np.nan),
        "agent_users": mean.get("agent_users", np.nan),
    }


def kpis(frame: pd.DataFrame, start: date, end: date) -> dict[str, Kpi]:
    """KPI figures over [start, end] and over the equally long period just before it."""
    length = (end - start).days + 1
    before_end = start - timedelta(days=1)
    current = period_figures(in_range(frame, start, end))
    previous = period_figures(in_range(frame, before_end - timedelta(days=length - 1), before_end))
    days = len(in_range(frame, start, end))
    return {name: Kpi(current[name], previous[name], days) for name in KPI_FIELDS}


WINDOW_KPI_FIELDS = ("monthly_active_users", "weekly_active_users", "monthly_adoption")


def window_kpis(frame: pd.DataFrame, start: date, end: date) -> dict[str, Kpi]:
    """Rolling distinct counts on the range's last day with data, against the last day with data
    before the range; monthly adoption = monthly active users / that day's licensed members."""
    def on_last_day(upto: pd.DataFrame) -> dict[str, float]:
        if upto.empty:
            return dict.fromkeys(WINDOW_KPI_FIELDS, float("nan"))
        last = upto.iloc[-1]
        monthly = last.get("monthly_active_users", np.nan)
        licensed = last.get("licensed_members", np.nan)
        return {"monthly_active_users": monthly, "weekly_active_users": last.get("weekly_active_users", np.nan),
                "monthly_adoption": ratio(monthly, licensed) if licensed == licensed else float("nan")}

    current = on_last_day(in_range(frame, start, end))
    previous = on_last_day(in_range(frame, None, start - timedelta(days=1)))
    days = len(in_range(frame, start, end))
    return {name: Kpi(float(current[name]), float(previous[name]), days) for name in WINDOW_KPI_FIELDS}


def phase_frame(days: Iterable) -> pd.DataFrame:
    """Long frame (date, item = adoption phase, users) from the days' `by_adoption_phase`."""
    rows = [{"date": pd.Timestamp(day.date), "item": phase, "users": users}
            for day in days for phase, users in (getattr(day, "by_adoption_phase", None) or {}).items()]
    return pd.DataFrame(rows, columns=["date", "item", "users"]).astype({"users": "float64"})


def with_phase_columns(frame: pd.DataFrame, days: Iterable) -> pd.DataFrame:
    """The daily frame with one `adoption_phase_<name>` column per phase (members active that day
    in it), for the CSV export: a CSV has no mappings."""
    phases = phase_frame(days)
    if phases.empty or frame.empty:
        return frame
    wide = phases.pivot_table(index="date", columns="item", values="users", aggfunc="sum")
    wide.columns = [f"adoption_phase_{name}" for name in wide.columns]
    return frame.merge(wide.reset_index(), on="date", how="left")


def phase_shares(frame: pd.DataFrame, granularity: str, start: date | None = None,
                 end: date | None = None) -> pd.DataFrame:
    """Each phase's share of the phase counts per period (member-days summed, then divided)."""
    if frame.empty:
        return frame.assign(share=pd.Series(dtype=float), partial=pd.Series(dtype=bool))
    period = frame["date"].dt.to_period(GRANULARITIES[granularity][0]).dt.start_time
    out = frame.assign(date=period).groupby(["date", "item"], as_index=False)["users"].sum()
    out["share"] = out["users"] / out.groupby("date")["users"].transform("sum")
    return mark_partial(out, granularity, start or frame["date"].min(), end or frame["date"].max())


# ---------------------------------------------------------------- breakdowns

FEATURE_GROUPS = {
    "code_completion": "Code completion",
    "chat_panel_ask_mode": "Chat: ask", "chat_panel_edit_mode": "Chat: edit",
    "chat_panel_agent_mode": "Chat: agent", "chat_panel_plan_mode": "Chat: plan",
    "chat_panel_custom_mode": "Chat: custom", "chat_panel_unknown_mode": "Chat: other",
    "chat_inline": "Inline chat", "agent_edit": "Agent edits",
    "chat_panel": "Chat (legacy)", "dotcom_chat": "Chat on github.com (legacy)",
}


def breakdown_frame(days: Iterable[UsageDay], name: str) -> pd.DataFrame:
    """Long frame: date, item, users, the seven counters, events (generations + interactions)."""
    rows = [{"date": pd.Timestamp(day.date), "item": item, **counters.model_dump()}
            for day in days for item, counters in getattr(day, name).items()]
    columns = ["date", "item", "users", *COUNTER_FIELDS]
    frame = pd.DataFrame(rows, columns=columns)
    frame["events"] = frame["code_generations"] + frame["interactions"]
    if name == "by_feature":
        frame["item"] = frame["item"].map(lambda f: FEATURE_GROUPS.get(f, f.replace("_", " ").capitalize()))
    return frame


def breakdown_totals(frame: pd.DataFrame) -> pd.DataFrame:
    """Per item over the range: counters summed, users as a daily average, acceptance rate, share."""
    if frame.empty:
        return pd.DataFrame(columns=["item", "users", *COUNTER_FIELDS, "events", "acceptance_rate", "share"])
    days = frame["date"].nunique()
    sums = frame.assign(_rated=rated_acceptances(frame)).groupby("item").sum(numeric_only=True)
    sums["users"] = sums["users"] / max(days, 1)
    sums["acceptance_rate"] = sums.pop("_rated") / sums["code_generations"].where(sums["code_generations"] > 0)
    sums["share"] = sums["events"] / sums["events"].sum() if sums["events"].sum() else np.nan
    return sums.sort_values("events", ascending=False).reset_index()


def breakdown_rollup(frame: pd.DataFrame, granularity: str, start: date | None = None,
                     end: date | None = None) -> pd.DataFrame:
    """A breakdown's events per item per period (days, weeks or months), partial periods marked."""
    if frame.empty:
        return frame.assign(partial=pd.Series(dtype=bool))
    period = frame["date"].dt.to_period(GRANULARITIES[granularity][0]).dt.start_time
    out = frame.assign(date=period).groupby(["date", "item"], as_index=False).sum(numeric_only=True)
    return mark_partial(out, granularity, start or frame["date"].min(), end or frame["date"].max())


# ---------------------------------------------------------------- notes on a range

def range_notes(frame: pd.DataFrame, last_collected: date | None, today: date) -> list[str]:
    """Sentences about provisional days and legacy days inside the shown range."""
    notes = []
    if frame.empty:
        return notes
    if last_collected and (today - last_collected).days <= PROVISIONAL_DAYS + 1 and \
            frame["date"].max() >= pd.Timestamp(today - timedelta(days=PROVISIONAL_DAYS + 1)):
        notes.append("The last three days are provisional: GitHub may still revise them, and the next "
                     "collection replaces them.")
    parts = _adoption_parts(frame)
    counted = 0 if parts is None else int(parts[1].notna().sum())
    coverage = (f" Adoption covers only the {counted} of {len(frame)} days that have a licensed-member "
                "count: that endpoint reported none." if 0 < counted < len(frame) else "")
    if (frame["source"] == "legacy-metrics").any():
        notes.append(f"Days before {LEGACY_SWITCH:%d %b %Y} come from GitHub's retired metrics endpoint: "
                     "its counters covered code completions only, so they are not comparable one-to-one "
                     "with later days (the switch is marked on the time axis)." + coverage)
    elif coverage:
        notes.append(coverage.strip().replace(": that endpoint reported none.", "."))
    return notes


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


# ---------------------------------------------------------------- licences and members

def seats_per_day(dates: pd.Series, seat_created: Iterable) -> pd.Series:
    """Seats assigned on or before each date (from the seat snapshot's `created_at`).

    Seats cancelled since are no longer in the snapshot, so older days are slightly
    under-counted: good enough for the organisation's adoption line.
    """
    created = sorted(pd.Timestamp(c).tz_localize(None).normalize() for c in seat_created if c is not None)
    counts = pd.Series(range(1, len(created) + 1), index=pd.DatetimeIndex(created), dtype=float)
    counts = counts.groupby(level=0).max()
    return counts.reindex(counts.index.union(dates)).ffill().fillna(0).reindex(dates).reset_index(drop=True)


def seat_status(seat, today: date, inactive_after_days: int) -> tuple[str, int | None]:
    """("active" | "inactive" | "never used", days since the last activity) of one seat."""
    last = seat.last_activity_at if seat else None
    if last is None:
        return "never used", None
    idle = (today - last.date()).days
    return ("inactive" if idle > inactive_after_days else "active"), idle


def _editor(seat) -> str | None:
    # GitHub reports e.g. "vscode/1.96.0/copilot-chat/0.23.2": the IDE is enough here.
    return (seat.last_activity_editor or "").split("/")[0] or None if seat else None


def members_frame(licensed: list[str], seats: list, team_members: list[str] | None, *,
                  today: date, inactive_after_days: int = 28) -> pd.DataFrame:
    """One row per member: licence, last activity and editor, and a status.

    Status: "active" (activity within the threshold), "inactive", "never used" (a
    licence and no activity ever), or "no licence" (in the team's member list only).
    """
    by_login = {seat.login.lower(): seat for seat in seats}
    rows = []
    for login in licensed:
        seat = by_login.get(login.lower())
        status, idle = seat_status(seat, today, inactive_after_days)
        rows.append({"member": login, "status": status, "days_since_activity": idle,
                     "last_activity": seat.last_activity_at.date() if seat and seat.last_activity_at else None,
                     "editor": _editor(seat)})
    known = {login.lower() for login in licensed}
    rows += [{"member": login, "status": "no licence"} for login in team_members or []
             if login.lower() not in known]
    frame = pd.DataFrame(rows, columns=["member", "status", "last_activity", "days_since_activity", "editor"])
    return _by_status(frame, "member")


def seats_frame(seats: list, *, today: date, inactive_after_days: int = 28) -> pd.DataFrame:
    """One row per seat of the organisation, with its status and pending cancellation."""
    rows = []
    for seat in seats:
        status, idle = seat_status(seat, today, inactive_after_days)
        rows.append({"member": seat.login, "status": status, "team": seat.assigning_team,
                     "last_activity": seat.last_activity_at.date() if seat.last_activity_at else None,
                     "days_since_activity": idle, "editor": _editor(seat),
                     "pending_cancellation": seat.pending_cancellation_date})
    columns = ["member", "status", "team", "last_activity", "days_since_activity", "editor", "pending_cancellation"]
    return _by_status(pd.DataFrame(rows, columns=columns), "member")


_STATUS_ORDER = {"never used": 0, "inactive": 1, "active": 2, "no licence": 3}


def _by_status(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    return frame.sort_values(["status", name], key=lambda col: col.map(_STATUS_ORDER) if col.name == "status"
                             else col.str.lower()).reset_index(drop=True)


def pull_request_totals(days: Iterable) -> dict[str, str]:
    """The organisation's pull-request figures over a range, labelled; {} when none reported."""
    totals: dict[str, float] = {}
    medians = []
    for day in days:
        for key, value in (getattr(day, "pull_requests", None) or {}).items():
            if key == "median_minutes_to_merge":
                if isinstance(value, (int, float)):
                    medians.append(value)
            elif isinstance(value, (int, float)):
                totals[key] = totals.get(key, 0) + value
    if not totals and not medians:
        return {}
    labels = {"total_created": "Created", "total_merged": "Merged", "total_reviewed": "Reviewed",
              "total_created_by_copilot": "Created by Copilot", "total_reviewed_by_copilot": "Reviewed by Copilot"}
    out = {label: f"{totals[key]:,.0f}" for key, label in labels.items() if key in totals}
    if medians:
        # A median of daily medians: the daily distributions are not stored.
        out["Median time to merge"] = f"{float(np.median(medians)) / 60:.1f} hours"
    return out
