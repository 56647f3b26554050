"""What each figure means and what people read for it: one definition, one name, everywhere.

The team page, the organisation page, the overview, the charts, the tables and the exports
take a figure's label and explanation from here, so that one name never stands for two
numbers. The computations are in analysis/ (kpis.py, overview.py, frames.py), one each.

    figure("adoption").label      # "Adoption (28 days)"
    figure("adoption").help       # the sentence the tooltip shows

Adoption follows GitHub's own dashboard, which counts users active in a period against the
licensed users ("Total active users: licensed users active in the current calendar month"),
and the ratio rule of DESIGN.md: numerator and denominator count the same people over the
same days. docs/charts.md explains the choice.
"""

from __future__ import annotations

from dataclasses import dataclass

from .rules import MONTH_DAYS, WEEK_DAYS


@dataclass(frozen=True)
class Figure:
    key: str      # the column or KPI field that holds it
    label: str    # what every page, table, chart and export calls it (with its unit)
    format: str   # how a value is written: "{:.1%}" for a share, "{:,.0f}" for a count
    help: str     # one or two sentences: what is counted, over which days

    @property
    def is_share(self) -> bool:
        return self.format.endswith("%}")


_FIGURES = (
    Figure("adoption", f"Adoption ({MONTH_DAYS} days)", "{:.1%}",
           f"Members who used Copilot at least once in the {MONTH_DAYS} days ending on the range's last day "
           f"with data, out of the members who held a licence on any of those days, each day counted with that "
           f"day's team membership: the same people in both counts, so never above 100 %. Blank until "
           f"{MONTH_DAYS} days have been collected. The change compares with the last day before the range."),
    Figure("daily_active_share", "Active on an average day", "{:.1%}",
           "Active members / licensed members, summed over the days of the range that have both (weekends "
           "included): the share of licence holders using Copilot on an average day. A member active on "
           "some days only counts on those days, so it stays below adoption."),
    Figure("active_users", "Active users / day", "{:.1f}", "Daily average of members with any Copilot activity."),
    Figure("engaged_users", "Engaged users / day", "{:.1f}",
           "Daily average of members who used Copilot themselves: an interaction, an accepted suggestion, a "
           "CLI prompt, or agent or code review use."),
    Figure("acceptance_rate", "Acceptance rate", "{:.1%}",
           "Accepted / generated code suggestions (sums over the range, on the days that report both)."),
    Figure("loc_added", "Lines added", "{:,.0f}", "Lines of code added with Copilot over the range."),
    Figure("interactions", "Interactions", "{:,.0f}", "User-initiated chat and agent requests over the range."),
    Figure("agent_users", "Agent users / day", "{:.1f}", "Daily average of members who used agent mode."),
    Figure("monthly_active_users", f"Monthly active users (distinct, {MONTH_DAYS} days)", "{:,.0f}",
           f"Distinct members with any Copilot activity in the {MONTH_DAYS} days ending on the range's last day "
           "with data, each day counted with that day's team membership (someone who left counts for the days "
           f"they were in the team). Blank when those {MONTH_DAYS} days reach before the first collected day. A "
           "person in two teams counts in both, so teams' figures do not add up to the organisation's. "
           "The change compares with the last day before the range."),
    Figure("weekly_active_users", "Weekly active users", "{:,.0f}",
           f"Distinct members with any Copilot activity in the {WEEK_DAYS} days ending on the range's last day "
           f"with data, with each day's membership; blank when the {WEEK_DAYS} days reach before the first "
           "collected day. A person in two teams counts in both. The change compares with the last day before "
           "the range."),
)
FIGURES = {f.key: f for f in _FIGURES}


def figure(key: str) -> Figure:
    return FIGURES[key]


# ---------------------------------------------------------------- the columns of a table people download

def percent_label(label: str) -> str:
    """A share's header in percent: "Adoption (28 days)" -> "Adoption (28 days, %)"."""
    return f"{label[:-1]}, %)" if label.endswith(")") else f"{label} (%)"


@dataclass(frozen=True)
class Column:
    label: str   # the header, with its unit where it has one
    kind: str    # how values are written: "text", "count" (whole), "average" (one decimal),
                 # "share" (percent, one decimal), "credits" and "usd" (two decimals), "flag"
                 # (yes / no), "phase" (GitHub's code in words, names.py)


CURRENCY = "USD"  # what the price settings are in (AI_CREDIT_PRICE_USD, SEAT_PRICE_*_USD)

# What a figure without a base shows, in a KPI and in a table cell alike (a rate of nothing, a
# 28-day window not yet 28 days long): never "None", "nan" or 0.
UNKNOWN = "–"

COLUMNS = {
    "date": Column("Date", "text"),
    "team": Column("Team", "text"),
    "slug": Column("Team slug", "text"),
    "source": Column("Source", "text"),
    "days": Column("Days with data", "count"),
    "licensed_members": Column("Licensed members", "count"),
    "seats": Column("Seats", "count"),
    "active_users": Column("Active users", "count"),
    "daily_active_users": Column("Active users", "count"),
    "engaged_users": Column("Engaged users", "count"),
    "chat_users": Column("Chat users", "count"),
    "agent_users": Column("Agent users", "count"),
    "cli_users": Column("CLI users", "count"),
    "daily_active_cli_users": Column("CLI users", "count"),
    "code_review_users": Column("Code review users (requested)", "count"),
    "code_review_passive_users": Column("Code review users (automatic)", "count"),
    "weekly_active_users": Column(f"Weekly active users ({WEEK_DAYS} days)", "count"),
    "monthly_active_users": Column(f"Monthly active users ({MONTH_DAYS} days)", "count"),
    "monthly_licensed_members": Column(f"Licensed members ({MONTH_DAYS} days)", "count"),
    "monthly_active_chat_users": Column(f"Monthly active chat users ({MONTH_DAYS} days)", "count"),
    "monthly_active_agent_users": Column(f"Monthly active agent users ({MONTH_DAYS} days)", "count"),
    "interactions": Column("Interactions", "count"),
    "code_generations": Column("Code suggestions", "count"),
    "code_acceptances": Column("Code suggestions accepted", "count"),
    "loc_suggested_to_add": Column("Lines suggested to add", "count"),
    "loc_suggested_to_delete": Column("Lines suggested to delete", "count"),
    "loc_added": Column("Lines added", "count"),
    "loc_deleted": Column("Lines deleted", "count"),
    "ai_credits": Column("AI credits", "credits"),
    "acceptance_rate": Column(percent_label(FIGURES["acceptance_rate"].label), "share"),
    "daily_active_share": Column(percent_label(FIGURES["daily_active_share"].label), "share"),
    "adoption": Column(percent_label(FIGURES["adoption"].label), "share"),
    "credits_cost": Column(f"AI credits cost ({CURRENCY})", "usd"),
    "month_total": Column(f"Cost a month, seats and AI credits ({CURRENCY})", "usd"),
    "per_active_member": Column(f"Cost a month per active member ({CURRENCY})", "usd"),
    "idle_seats": Column("Idle seats", "count"),
    "seat_month": Column(f"Seats per month ({CURRENCY})", "usd"),
    "idle_seat_month": Column(f"Idle seats per month ({CURRENCY})", "usd"),
    "phase": Column("Adoption phase", "phase"),
    "agent": Column("Used agent mode", "flag"),
    "chat": Column("Used chat", "flag"),
    "cli": Column("Used the CLI", "flag"),
    "code_review": Column("Asked for code review", "flag"),
    "notes": Column("Notes", "text"),
}
