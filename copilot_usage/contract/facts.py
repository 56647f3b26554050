"""The facts tables' columns: what each day's Parquet files under `facts/` hold.

The per-user tables keep GitHub's report names, so Athena users read GitHub's docs
(docs/deploy.md gives the DDL); `day` becomes the partition.

    facts/user_days/day=YYYY-MM-DD/part-0.parquet    USER_DAY_COLUMNS: one row per user
    facts/user_teams/day=YYYY-MM-DD/part-0.parquet   USER_TEAM_COLUMNS: one row per (user, team)
    facts/org_days/day=YYYY-MM-DD/part-0.parquet     ORG_DAY_COLUMNS: the organisation's day
"""

from __future__ import annotations

from .counters import REPORT_COUNTERS
from .days import TEAM_DAY_SCALARS, OrgDay

_COUNTERS = ", ".join(f"{name} BIGINT" for name in REPORT_COUNTERS)

# The columns read from each report, with their DuckDB types.
USER_DAY_COLUMNS = {
    "day": "VARCHAR", "user_id": "BIGINT", "user_login": "VARCHAR", "organization_id": "VARCHAR",
    "enterprise_id": "VARCHAR",
    **{name: "BIGINT" for name in REPORT_COUNTERS},
    "used_chat": "BOOLEAN", "used_agent": "BOOLEAN", "used_cli": "BOOLEAN",
    "used_copilot_code_review_active": "BOOLEAN", "used_copilot_code_review_passive": "BOOLEAN",
    "ai_credits_used": "DOUBLE",
    "ai_adoption_phase": "STRUCT(phase VARCHAR, phase_number BIGINT, version VARCHAR)",
    "totals_by_ide": f"STRUCT(ide VARCHAR, {_COUNTERS}, "
                     "last_known_ide_version STRUCT(ide_version VARCHAR, sampled_at VARCHAR), "
                     "last_known_plugin_version STRUCT(plugin VARCHAR, plugin_version VARCHAR, "
                     "sampled_at VARCHAR))[]",
    "totals_by_feature": f"STRUCT(feature VARCHAR, {_COUNTERS})[]",
    "totals_by_language_feature": f"STRUCT(language VARCHAR, feature VARCHAR, {_COUNTERS})[]",
    "totals_by_language_model": f"STRUCT(language VARCHAR, model VARCHAR, {_COUNTERS})[]",
    "totals_by_model_feature": f"STRUCT(model VARCHAR, feature VARCHAR, {_COUNTERS})[]",
    # Shapes GitHub has not settled (token_usage, newer arrays) are kept as JSON text.
    "totals_by_cli": "JSON", "totals_by_copilot_app": "JSON", "totals_by_3rd_party_agent": "JSON",
}
USER_TEAM_COLUMNS = {"day": "VARCHAR", "user_id": "BIGINT", "user_login": "VARCHAR",
                     "organization_id": "VARCHAR", "team_id": "BIGINT", "slug": "VARCHAR"}
# The organisation's line as the collector records it (OrgDay, GitHub's own numbers cleaned).
ORG_DAY_COLUMNS = {"date": "VARCHAR", **{
    name: ("JSON" if name.startswith("by_") or name == "pull_requests" else
           "DOUBLE" if name == "ai_credits" else "VARCHAR" if name == "source" else "BIGINT")
    for name in OrgDay.model_fields if name not in ("date", "legacy")}}  # legacy: never a collected day

# ---------------------------------------------------------------- the read side (tables/)
# A row of team_days / team_day_lines is a team's day: `team_id` is GitHub's (None for a team
# known only from an older deployment's file, which is then told apart by `slug`), `slug` the
# team's slug that day (a renamed team keeps its id).
TEAM_ROW_KEY = {"team_id": "BIGINT", "slug": "VARCHAR", "day": "DATE", "source": "VARCHAR"}
TEAM_DAY_TABLE_COLUMNS = {**TEAM_ROW_KEY, **{
    name: "DOUBLE" if name == "ai_credits" else "BIGINT" for name in TEAM_DAY_SCALARS}}
# The day exactly as teams_history.json holds it (breakdowns, phases, a legacy day's own numbers).
TEAM_DAY_LINE_COLUMNS = {**TEAM_ROW_KEY, "line": "VARCHAR"}
# The organisation's day exactly as historic_usage_data.json holds it (a legacy day's own numbers too).
ORG_DAY_LINE_COLUMNS = {"day": "DATE", "source": "VARCHAR", "line": "VARCHAR"}
TEAMS_DIRECTORY_COLUMNS = {"team_id": "BIGINT", "slug": "VARCHAR", "name": "VARCHAR", "description": "VARCHAR",
                           "url": "VARCHAR", "first_day": "DATE", "last_day": "DATE", "days": "BIGINT",
                           "months": "MAP(VARCHAR, BIGINT)", "earlier_slugs": "VARCHAR[]"}
