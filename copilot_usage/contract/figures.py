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
