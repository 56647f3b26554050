"""The tables people download: headers in words with units, rates in percent, counts whole,
one row per day, week or month as the page shows them, and a note wherever a cell is blank.
Pure: frames in, a frame out (the page writes it as CSV).

    table = people_table(frame, "week", start, end)   # the team or organisation days
    table = people_table(overview)                     # a table without dates: formatted only

The seed's machine-friendly JSON (`{team, data}`) stays as it is; this is the table for a
spreadsheet.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from ..contract.figures import COLUMNS, FIGURES, percent_label
from ..contract.names import phase_name
from ..contract.rules import LEGACY_METRICS, MONTH_DAYS, USAGE_METRICS
from .frames import USER_COUNTS, rollup, with_rates

PHASE_PREFIX = "adoption_phase_"
_SOURCES = {USAGE_METRICS: "Usage-metrics report", LEGACY_METRICS: "Retired metrics endpoint",
            "mixed": "Both"}
_RANGE_HEADERS = {"licensed_members": "Licensed members (last day)"}  # the overview's: the last day's count
_INTERNAL = ("partial", "period_days", "full_days", "credit_member_days", "credits_per_active_member")


def people_table(frame: pd.DataFrame, granularity: str = "day", start: date | None = None,
                 end: date | None = None) -> pd.DataFrame:
    """`frame` (a daily frame, or a table of figures over a whole range, one row a team) as people
    read it."""
    if "date" not in frame:
        return _formatted(frame, "range")
    table = with_rates(frame) if granularity == "day" else rollup(frame, granularity, start, end)
    notes = _notes(table, granularity)
    if notes.astype(bool).any():  # a column saying why, where some cell is blank
        table = table.assign(notes=notes)
    table["date"] = pd.to_datetime(table["date"]).dt.strftime("%Y-%m-%d")
    table = table.drop(columns=[c for c in _INTERNAL if c in table])
    first = [c for c in ("date", "days", "source") if c in table]
    last = ["notes"] if "notes" in table else []
    return _formatted(table[[*first, *(c for c in table.columns if c not in first + last), *last]], granularity)


def _notes(table: pd.DataFrame, granularity: str) -> pd.Series:
    """Why a row's cells are blank, or its period short: '' when nothing needs saying."""
    notes = []
    for row in table.itertuples(index=False):
        row = row._asdict()
        said = []
        if row.get("partial"):
            said.append(f"Partial {granularity}: {row['period_days']:.0f} of {row['full_days']:.0f} days in the range")
        if row.get("source") == LEGACY_METRICS:
            said.append("Retired metrics endpoint: code completions only, no licence counts")
        elif "monthly_licensed_members" in row and pd.isna(row["monthly_licensed_members"]):
            said.append(f"{MONTH_DAYS}-day figures start after {MONTH_DAYS} days of data")
        notes.append("; ".join(said))
    return pd.Series(notes, index=table.index, dtype=object)


def _formatted(table: pd.DataFrame, granularity: str) -> pd.DataFrame:
    out = pd.DataFrame(index=table.index)
    for name in table.columns:
        column = COLUMNS.get(name)
        values = table[name]
        kind = column.kind if column else "count" if name.startswith(PHASE_PREFIX) else "text"
        if granularity == "range" and name in FIGURES and not FIGURES[name].is_share:
            kind = "average" if FIGURES[name].format == "{:.1f}" else "count"  # a range's figure, as the pages show it
        elif kind == "count" and granularity not in ("day", "range") and name in USER_COUNTS:
            kind = "average"  # a period's user counts are daily averages (never a sum of days)
        out[_header(name, granularity)] = _written(values, kind, name)
    return out.reset_index(drop=True)


def range_header(name: str) -> str:
    """A column's name in a table over a whole range (the overview, its download)."""
    return _header(name, "range")


def _header(name: str, granularity: str) -> str:
    if name.startswith(PHASE_PREFIX):  # summed over a period's days, like a counter
        unit = "members" if granularity == "day" else "member-days"
        label = f"Adoption phase: {phase_name(name.removeprefix(PHASE_PREFIX))} ({unit})"
    else:
        label = COLUMNS[name].label if name in COLUMNS else name.replace("_", " ").capitalize()
    if granularity == "range":  # one row a team over the range: the figures under the pages' names
        if name in _RANGE_HEADERS:
            return _RANGE_HEADERS[name]
        if name in FIGURES:
            return percent_label(FIGURES[name].label) if FIGURES[name].is_share else FIGURES[name].label
        return label
    if name == "date" and granularity != "day":
        return f"{granularity.capitalize()} starting"
    if granularity != "day" and name in USER_COUNTS:
        return f"{label}, per day (average)"
    return label


def _written(values: pd.Series, kind: str, name: str) -> pd.Series:
    if kind == "share":
        return (pd.to_numeric(values) * 100).round(1)
    if kind == "count":
        return pd.to_numeric(values).round().astype("Int64")
    if kind == "average":
        return pd.to_numeric(values).round(1)
    if kind in ("credits", "usd"):
        return pd.to_numeric(values).round(2)
    if kind == "flag":
        return values.map(lambda v: "" if pd.isna(v) else "yes" if v else "no")
    if kind == "phase":
        return values.map(lambda v: "" if pd.isna(v) or v == "" else phase_name(v))
    if name == "source":
        return values.map(lambda s: _SOURCES.get(s, s))
    return values
