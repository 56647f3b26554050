"""Page sections shared by the team and organisation pages: charts, breakdowns, exports."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from .. import charts
from ..charts import ORGANISATION
from ..frames import breakdown_frame, breakdown_rollup, breakdown_totals, export_table
from ..models import UsageDay
from ..overview import ranked
from .controls import View


def _show(chart) -> None:
    st.altair_chart(chart, width="stretch")


def activity_charts(rolled: pd.DataFrame, view: View, users: dict[str, str] | None) -> None:
    """Users over time (when given); suggestions with the acceptance rate; lines suggested and added."""
    if users:
        left, right = st.columns(2)
        with left:
            _show(charts.active_users_chart(rolled, users, granularity=view.granularity))
        with right:
            _show(charts.acceptance_chart(rolled, view.granularity))
        _show(charts.lines_chart(rolled, view.granularity))
        return
    left, right = st.columns(2)
    with left:
        _show(charts.acceptance_chart(rolled, view.granularity))
    with right:
        _show(charts.lines_chart(rolled, view.granularity))


def breakdown_charts(days: list[UsageDay], view: View) -> None:
    """Feature mix over time, IDE and model use, and languages with their acceptance rates."""
    features = breakdown_frame(days, "by_feature")
    _show(charts.feature_mix_chart(breakdown_rollup(features, view.granularity), view.granularity))
    ides = breakdown_totals(breakdown_frame(days, "by_ide"))
    models = breakdown_totals(breakdown_frame(days, "by_model"))
    languages = breakdown_totals(breakdown_frame(days, "by_language"))
    # Team breakdowns count distinct users; the organisation's report gives activity only.
    measure = "users" if ides["users"].sum() > 0 else "events"
    left, right = st.columns(2)
    with left:
        _show(charts.share_chart(ides, title="IDEs", item_title="IDE", measure=measure))
    with right:
        _show(charts.share_chart(models, title="Models", item_title="Model", measure=measure))
    left, right = st.columns(2)
    with left:
        _show(charts.language_chart(languages))
    with right:
        st.markdown("**Languages**")
        columns = ["item", "users", "code_generations", "code_acceptances", "acceptance_rate", "loc_added"]
        st.dataframe(
            languages[[c for c in columns if c != "users" or measure == "users"]],
            hide_index=True, width="stretch",
            column_config={
                "item": "Language",
                "users": st.column_config.NumberColumn("Users / day", format="%.1f"),
                "code_generations": st.column_config.NumberColumn("Generated", format="localized"),
                "code_acceptances": st.column_config.NumberColumn("Accepted", format="localized"),
                "acceptance_rate": st.column_config.NumberColumn("Acceptance rate", format="percent"),
                "loc_added": st.column_config.NumberColumn("Lines added", format="localized"),
            })


def comparison_charts(team: pd.DataFrame, org: pd.DataFrame | None, view: View, team_label: str) -> None:
    left, right = st.columns(2)
    with left:
        _show(charts.comparison_chart(team, org, "adoption", title="Adoption", team_label=team_label,
                                      axis_title="Adoption (% of licensed)", granularity=view.granularity))
    with right:
        _show(charts.comparison_chart(team, org, "acceptance_rate", title="Acceptance rate",
                                      team_label=team_label, axis_title="Acceptance rate (%)",
                                      granularity=view.granularity))


def exports(frame: pd.DataFrame, name: str, view: View, history: dict | None = None, *,
            label: str = "Daily table (CSV)") -> None:
    """CSV of the table and (for a team) the history object, both limited to the range."""
    stem = f"{name}-{view.start:%Y%m%d}-{view.end:%Y%m%d}"
    table = export_table(frame) if "date" in frame else frame
    cols = st.columns(2)
    cols[0].download_button(label, table.to_csv(index=False).encode(),
                            file_name=f"{stem}.csv", mime="text/csv", icon=":material/download:")
    if history is not None:
        cols[1].download_button("History (JSON)", json.dumps(history, indent=1).encode(),
                                file_name=f"{stem}.json", mime="application/json",
                                icon=":material/download:")


OVERVIEW_COLUMNS = {
    "team": "Team",
    "licensed_members": st.column_config.NumberColumn("Licensed members", format="%.1f"),
    "active_users": st.column_config.NumberColumn("Active users / day", format="%.1f"),
    "adoption": st.column_config.NumberColumn("Adoption", format="percent"),
    "acceptance_rate": st.column_config.NumberColumn("Acceptance rate", format="percent"),
    "interactions": st.column_config.NumberColumn("Interactions", format="localized"),
    "loc_added": st.column_config.NumberColumn("Lines added", format="localized"),
    "agent_users": st.column_config.NumberColumn("Agent users / day", format="%.1f"),
    "days": st.column_config.NumberColumn("Days with data", format="%d"),
}


def rankings(table: pd.DataFrame) -> None:
    """Highest and lowest five teams by acceptance rate and by adoption."""
    for field, label in (("acceptance_rate", "acceptance rate"), ("adoption", "adoption")):
        top, bottom = ranked(table, field)
        left, right = st.columns(2)
        for col, rows, title in ((left, top, f"Highest {label}"), (right, bottom, f"Lowest {label}")):
            col.markdown(f"**{title}**")
            col.dataframe(rows[["team", field, "active_users"]], hide_index=True, width="stretch",
                          column_config={key: OVERVIEW_COLUMNS[key] for key in ("team", field, "active_users")})


def with_org_reference(series: pd.DataFrame, org: pd.DataFrame) -> pd.DataFrame:
    """Adds the organisation as one more series (adoption and acceptance rate)."""
    reference = org[["date", "adoption", "acceptance_rate"]].assign(series=ORGANISATION)
    return pd.concat([series, reference], ignore_index=True)
