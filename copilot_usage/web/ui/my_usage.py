"""My usage: the signed-in viewer's own Copilot usage, beside the average member of their teams.

Privacy is decided here, on the server: the only person whose rows are read is
`viewer.user_id`, the id GitHub gave for the signed-in token (or the demo persona). Nothing
from the URL or from other session keys chooses whose numbers are shown, and no login
but the viewer's own is written on the page.
"""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd
import streamlit as st

from ...analysis.access import Viewer, visible_teams
from ...analysis.exports import people_table
from ...analysis.frames import daily_frame, in_range, rollup
from ...analysis.my_usage import FIGURES, average_member, my_figures
from ...analysis.pricing import Prices, money
from ...config import Settings
from ...contract.figures import COLUMNS, UNKNOWN
from ...contract.keys import SEATS_KEY
from ...contract.names import feature_name
from ...contract.rules import USAGE_METRICS
from ...contract.seats import Seat, SeatSnapshot
from ...contract.teams import Team
from ...read.person import PersonFacts, collected_days, person_facts
from .. import charts
from . import data, sections
from .controls import view_controls
from .kpis import metric_width
from .text import inert

FLAG_NAMES = {"agent": "Agent", "chat": "Chat", "cli": "Copilot CLI", "code_review": "Code review"}


@st.cache_data(ttl=300)
def _days(url: str, tag: str | None) -> list[date]:
    """The collected days (a listing of facts/user_days/, the same for everyone: shared cache),
    keyed on the organisation days' version, which every collection of a new day changes."""
    return collected_days(data.store_for(url))


def own_teams(viewer: Viewer, qualifying: list[Team]) -> list[Team]:
    """The viewer's own qualifying teams, of those the access rule lets them open."""
    return [team for team in visible_teams(viewer, qualifying) if team.slug in viewer.teams]


@st.cache_resource(ttl=300, max_entries=4)
def _seat_index(url: str, tag: str | None) -> tuple[dict | None, dict, np.ndarray]:
    """The seat snapshot's header, its seats by user id (and by login for seats without one),
    and the days the seats were created (sorted), built once per snapshot version. A resource,
    not cache_data: cache_data would copy the whole snapshot on every render, a cost that
    grows with the organisation. Read-only."""
    stored = data.store_for(url).read_json(SEATS_KEY).data
    if not stored:
        return None, {}, np.array([], dtype="datetime64[D]")
    index, created = {}, []
    for item in stored.get("seats") or []:
        user_id = item.get("user_id")
        index[("id", user_id) if user_id is not None else ("login", str(item.get("login") or "").casefold())] = item
        if item.get("created_at"):
            created.append(str(item["created_at"])[:10])  # the UTC day, as frames.seats_per_day counts it
    return {**stored, "seats": []}, index, np.sort(np.array(created, dtype="datetime64[D]"))


def my_seat(settings: Settings, viewer: Viewer) -> tuple[Seat | None, SeatSnapshot | None]:
    """The viewer's seat in the latest snapshot, matched by their id (or their own login)."""
    store = data.store_for(settings.store_url)
    header, index, _ = _seat_index(settings.store_url, data.version_tag(store, SEATS_KEY))
    if header is None:
        return None, None
    item = index.get(("id", viewer.user_id)) if viewer.user_id is not None else None
    item = item or index.get(("login", viewer.login.casefold()))
    return (Seat.model_validate(item) if item else None), SeatSnapshot.model_validate(header)


@st.cache_data(ttl=300, max_entries=64)
def _org_average(url: str, start: date, end: date, tags: str, _settings: Settings) -> dict:
    """The organisation's average member over a range (the same for every viewer, so shared):
    its days with the seats held on each (seats created on or before it, as data.org_frame
    counts them, from the sorted creation days rather than a Timestamp per seat)."""
    frame = daily_frame([day for day in data.org_history(_settings) if start <= day.date <= end])
    if frame.empty:
        return average_member(frame, "daily_active_users", "seats")
    created = _seat_index(url, data.version_tag(data.store_for(url), SEATS_KEY))[2]
    frame["seats"] = np.searchsorted(created, frame["date"].to_numpy().astype("datetime64[D]"), side="right")
    return average_member(frame, "daily_active_users", "seats")


def page(settings: Settings, viewer: Viewer) -> None:
    st.caption("Only you see this page: it shows your own numbers and, for orientation, the "
               "average member of your teams and of the organisation — never anyone else's.")
    seat, snapshot = my_seat(settings, viewer)
    seat_section(seat, snapshot, settings)
    if viewer.user_id is None:
        st.info("GitHub did not tell the app your account id, so your usage cannot be looked up. "
                "Sign out and sign in again.")
        return
    store = data.store_for(settings.store_url)
    days = _days(settings.store_url, data.org_tag(settings))
    if not days:
        st.info("No usage has been collected yet. Run `python -m copilot_usage collect` (or wait "
                "for the scheduled collector), then reload this page.")
        return
    first, last = days[0], days[-1]
    view = sections.chart_view(view_controls(first, last, compare=False))
    mine = person_facts(store, viewer.user_id, view.start, view.end, days=days)
    st.caption(f"{len(mine.days)} of your days with activity in the range · "
               f"collected from {first:%d %b %Y} to {last:%d %b %Y}")
    if mine.empty:
        empty_state(seat, snapshot, first, view)
        return
    comparison_section(settings, viewer, mine, view)
    activity_section(mine, view)
    breakdown_section(mine)
    credits_section(mine, settings)
    export_section(mine, view, Prices.from_settings(settings))


def seat_section(seat: Seat | None, snapshot: SeatSnapshot | None, settings: Settings) -> None:
    st.header("Your seat", anchor=False)
    if snapshot is None:
        st.caption("No seat snapshot yet: the collector takes one on each run.")
        return
    if seat is None:
        st.caption(f"No Copilot seat in {inert(settings.org)} as of {snapshot.taken_at:%d %b %Y}.")
        return
    parts = [f"Plan: {inert((seat.plan_type or 'unknown').capitalize())}",
             f"seat since {seat.created_at:%d %b %Y}" if seat.created_at else "",
             f"last activity {seat.last_activity_at:%d %b %Y}" if seat.last_activity_at else "no activity yet",
             f"editor {inert(seat.last_activity_editor)}" if seat.last_activity_editor else "",
             f"cancellation on {seat.pending_cancellation_date:%d %b %Y}" if seat.pending_cancellation_date else ""]
    st.markdown(" · ".join(p for p in parts if p))
    st.caption(f"Seat snapshot taken {snapshot.taken_at:%d %b %Y %H:%M} UTC.")


def empty_state(seat: Seat | None, snapshot: SeatSnapshot | None, first: date, view) -> None:
    """Why there is nothing to show, in words: not licensed, licensed without activity, or
    activity only before the first collected day."""
    before = seat is not None and seat.last_activity_at is not None and seat.last_activity_at.date() < first
    if snapshot is not None and seat is None:
        st.info("You do not have a Copilot licence in this organisation, so there is no usage of "
                "yours to show. Ask an organisation owner for a seat.", icon=":material/info:")
    elif before:
        st.info(f"Your last Copilot activity was on {seat.last_activity_at:%d %b %Y}, before the first "
                f"collected day ({first:%d %b %Y}): usage from before then was not collected.",
                icon=":material/info:")
    elif seat is not None and seat.last_activity_at is None:
        st.info("You have a Copilot licence but no activity yet. Your numbers appear here the day "
                "after you first use Copilot (GitHub publishes a day within two or three days).",
                icon=":material/info:")
    else:
        st.info(f"No Copilot activity of yours from {view.start:%d %b %Y} to {view.end:%d %b %Y}. "
                "Try a longer range.", icon=":material/info:")


def comparison_section(settings: Settings, viewer: Viewer, mine: PersonFacts, view) -> None:
    st.header("You and the average member", anchor=False)
    figures = my_figures(mine.days)
    with st.container(horizontal=True, gap="small"):
        for field, label in FIGURES.items():
            st.metric(label, figure_text(field, figures[field]), width=160)
    columns = {"You": figures}
    teams = own_teams(viewer, data.or_stop(lambda: data.qualifying_teams(settings)))
    for team in teams:
        history = data.or_stop(lambda slug=team.slug: data.team_history(settings, slug))
        frame = in_range(daily_frame(history.data), view.start, view.end)
        columns[f"{team.name} (avg.)"] = average_member(frame, "active_users", "licensed_members")
    store = data.store_for(settings.store_url)
    tags = f"{data.org_tag(settings)}+{data.version_tag(store, SEATS_KEY)}"
    columns["Organisation (avg.)"] = _org_average(settings.store_url, view.start, view.end, tags, settings)
    table = pd.DataFrame({"Figure": list(FIGURES.values()),
                          **{name: [figure_text(f, values[f]) for f in FIGURES] for name, values in columns.items()}})
    st.dataframe(table, hide_index=True, placeholder=UNKNOWN, width="stretch")
    st.caption("(avg.): the average member, that is the range's total divided by the average number of "
               "licensed members per day (seats for the organisation); active days count days with any "
               "Copilot activity. Acceptance rate is accepted / suggested over the range.")
    if viewer.teams and not teams:
        st.caption("None of your teams qualifies yet (five members with a Copilot licence), so no team "
                   "average is shown.")


def figure_text(field: str, value: float | None) -> str:
    if value is None:
        return UNKNOWN
    if field == "acceptance_rate":
        return f"{value:.1%}"
    if field in ("active_days", "ai_credits"):
        return f"{value:,.1f}" if value % 1 else f"{value:,.0f}"
    return f"{value:,.0f}" if value >= 100 or not value % 1 else f"{value:,.1f}"


def activity_section(mine: PersonFacts, view) -> None:
    st.header("Your activity", anchor=False)
    frame = mine.days.assign(source=USAGE_METRICS)[["date", "source", "interactions", "code_generations",
                                                      "code_acceptances", "loc_suggested_to_add",
                                                      "loc_suggested_to_delete", "loc_added", "loc_deleted"]]
    full = pd.DataFrame({"date": pd.date_range(view.start, view.end)})  # days without activity count as 0
    frame = full.merge(frame, on="date", how="left").fillna({"source": USAGE_METRICS}).fillna(0)
    rolled = rollup(frame, view.granularity, view.start, view.end)
    sections.note_partial(rolled, view)
    sections.show(charts.acceptance_chart(rolled, view.granularity))
    sections.show(charts.lines_chart(rolled, view.granularity))
    sections.show(charts.person_phase_chart(mine.days))
    used = {FLAG_NAMES[f]: int(mine.days[f].sum()) for f in FLAG_NAMES}
    st.caption("Days you used: " + ", ".join(f"{name} {count}" for name, count in used.items()) + ".")


BREAKDOWN_COLUMNS = {"item": "Name", "days": "Days used",
                     **{key: COLUMNS[key].label for key in ("interactions", "code_generations", "code_acceptances",
                                                            "loc_added")}}


def breakdown_section(mine: PersonFacts) -> None:
    st.header("Features, IDEs, languages and models", anchor=False)
    features = mine.breakdowns["by_feature"].assign(
        item=lambda f: f["item"].map(feature_name))
    for title, frame in (("Features", features), ("IDEs", mine.breakdowns["by_ide"]),
                         ("Languages", mine.breakdowns["by_language"]), ("Models", mine.breakdowns["by_model"])):
        st.markdown(f"**{title}**")
        st.dataframe(frame[list(BREAKDOWN_COLUMNS)].rename(columns=BREAKDOWN_COLUMNS), hide_index=True,
                     placeholder=UNKNOWN, width="stretch")
    if not mine.versions.empty:
        st.markdown("**Last known IDE and plugin versions**")
        st.dataframe(mine.versions.rename(columns={"ide": "IDE", "ide_version": "IDE version", "plugin": "Plugin",
                                                   "plugin_version": "Plugin version", "sampled_at": "Seen at"}),
                     hide_index=True, placeholder=UNKNOWN, width="stretch")


def credits_section(mine: PersonFacts, settings: Settings) -> None:
    st.header("AI credits", anchor=False)
    credits = my_figures(mine.days)["ai_credits"]
    prices = Prices.from_settings(settings)
    if credits is None:
        st.caption("GitHub did not report AI credits for your days in this range.")
        return
    with st.container(horizontal=True, gap="small"):
        st.metric("AI credits used", figure_text("ai_credits", credits), width=160)
        st.metric(COLUMNS["credits_cost"].label, money(prices.credits_cost(credits)),
                  width=metric_width(COLUMNS["credits_cost"].label))
    st.caption(prices.note())


def export_files(mine: PersonFacts, view, prices: Prices) -> tuple[str, bytes, bytes]:
    """The viewer's own rows over the range: (file stem, CSV of the days with their credits' cost,
    JSON of days and breakdowns as read)."""
    stem = f"my-usage-{view.start:%Y%m%d}-{view.end:%Y%m%d}"
    table = mine.days.assign(date=mine.days["date"].dt.strftime("%Y-%m-%d"))
    payload = {"start": f"{view.start}", "end": f"{view.end}", "days": table.to_dict(orient="records"),
               **{name: frame.to_dict(orient="records") for name, frame in mine.breakdowns.items()}}
    readable = people_table(prices.with_credits_cost(mine.days.drop(columns=["phase_number"])))
    return stem, readable.to_csv(index=False).encode(), json.dumps(payload, indent=1, default=str).encode()


def export_section(mine: PersonFacts, view, prices: Prices) -> None:
    st.header("Export", anchor=False)
    stem, csv, body = export_files(mine, view, prices)
    cols = st.columns(2)
    sections.download(cols[0], "Your days (CSV)", csv, f"{stem}.csv", "text/csv")
    sections.download(cols[1], "Your days and breakdowns (JSON)", body, f"{stem}.json", "application/json")
