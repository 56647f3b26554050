"""Cached loads from the store. Cache keys hold the store's version tag, so a new
collection shows up without a restart, within TAG_SECONDS. Nothing about a viewer
(and never a token) is cached here: these caches are shared between sessions."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from ...analysis.costs import CreditFigures
from ...analysis.frames import in_range, rollup, teams_frame
from ...analysis.overview import FIELDS as OVERVIEW_FIELDS
from ...analysis.overview import days_read, overview_table
from ...config import Settings, load_settings
from ...contract.days import OrgDay
from ...contract.keys import (
    ADMIN_TEAMS_KEY,
    HISTORY_KEY,
    INDEX_KEY,
    ONS_ORG_HISTORY_KEY,
    ORG_HISTORY_KEY,
    SEATS_KEY,
    STORE_VERSION_KEY,
    SUMMARY_KEY,
    TEAMS_DIRECTORY,
    TEAMS_KEY,
    table_key,
    team_key,
)
from ...contract.seats import SeatSnapshot
from ...contract.teams import Team, TeamHistory
from ...errors import AccessDenied, CopilotUsageError
from ...read import org as org_reads
from ...read import tables as table_reads
from ...read import teams as team_reads
from ...store.base import Store
from ...store.team_files import IndexEntry
from ...store.team_tables import DirectoryEntry
from ...store.url import open_store
from .text import inert

log = logging.getLogger(__name__)


def settings_or_stop() -> Settings:
    """Settings, or one clear line on the page and nothing else."""
    try:
        return _settings()
    except CopilotUsageError as exc:
        st.error(f"The app is not configured correctly. {inert(exc)}")
        st.stop()


@st.cache_resource
def _settings() -> Settings:
    return load_settings()


@st.cache_resource
def store_for(url: str) -> Store:
    return open_store(url)


# A version tag is a HEAD request on S3 (tens of milliseconds each), and a page's render asked
# for 9–14 of them, one after another. They are shared for a few seconds: a collection runs
# once a day, and shows within that time.
TAG_SECONDS = 15


@st.cache_data(ttl=TAG_SECONDS, show_spinner=False)
def _version_tag(url: str, key: str, _store: Store) -> str | None:
    return _store.tag(key)


def version_tag(store: Store, key: str) -> str | None:
    """`store.tag(key)` as asked within the last TAG_SECONDS (by any session)."""
    return _version_tag(store.url, key, store)


@st.cache_data(ttl=300, show_spinner="Loading team history…")
def _histories(url: str, tag: str | None) -> dict[str, TeamHistory]:
    return team_reads.all_histories(store_for(url))


@st.cache_data(ttl=300, show_spinner="Loading team history…")
def _team_file(url: str, slug: str, tag: str | None) -> TeamHistory | None:
    return team_reads.team_file(store_for(url), slug)


@st.cache_data(ttl=300, show_spinner="Loading the teams…")
def _summary(url: str, tag: str | None) -> pd.DataFrame:
    return team_reads.summary_frame(store_for(url))


@st.cache_data(ttl=300)
def _index(url: str, tag: str | None) -> dict[str, IndexEntry] | None:
    return team_reads.team_index(store_for(url))


@st.cache_data(ttl=300, show_spinner="Loading the teams…")
def _full_frame(url: str, tag: str | None) -> pd.DataFrame:
    return teams_frame(_histories(url, tag).values())


# The tables (store v3): the directory is written last by each run, so its version tag is
# the version of every table a page reads.
# Shared, not copied per render (st.cache_data unpickles its value on every hit: 1 s of a warm
# overview at 1,000 teams x 365 days). The pages only read these and derive new values from
# them; nothing about a viewer is in them. A few versions at most are kept.
@st.cache_resource(ttl=300, max_entries=4)
def _directory(url: str, tag: str | None) -> dict[str, DirectoryEntry] | None:
    return table_reads.team_directory(store_for(url))


@dataclass(frozen=True)
class TeamsOverview:
    """What the overview derives from every team's days for a range, once per range and version."""

    teams: pd.DataFrame       # the days `overview.days_read` names, of the overview's fields
    table: pd.DataFrame       # `overview.overview_table`: a row per team
    credits: CreditFigures    # what its cost table is made of


@st.cache_resource(ttl=300, max_entries=3, show_spinner="Loading the teams…")
def _overview(url: str, version: tuple[str, str | None], start: date, end: date) -> TeamsOverview:
    first, last = days_read(start, end)
    kind, tag = version
    if kind == "tables":
        teams = table_reads.team_days_frame(store_for(url), _directory(url, tag) or {}, first, last, OVERVIEW_FIELDS)
    else:
        teams = in_range(_older_frame(url, kind, tag), first, last)
    return TeamsOverview(teams, overview_table(teams, start, end), CreditFigures.of(teams, start, end))


@st.cache_resource(ttl=300, max_entries=64, show_spinner="Loading team history…")
def _table_history(url: str, slug: str, tag: str | None) -> TeamHistory:
    return table_reads.team_history(store_for(url), (_directory(url, tag) or {})[slug])


@st.cache_resource(ttl=300, max_entries=4, show_spinner="Loading organisation history…")
def _org_days(url: str, tag: str | None) -> list[OrgDay]:
    return org_reads.org_days(store_for(url))


@st.cache_resource(ttl=300, max_entries=4)
def _org_frame(url: str, days_tag: str | None, seats_tag: str | None) -> pd.DataFrame:
    return org_reads.org_frame(_org_days(url, days_tag), _json(url, SEATS_KEY, seats_tag))


# Shared like the frames above (read only): the members and seat files of a large organisation
# are megabytes, unpickled on every hit by st.cache_data.
@st.cache_resource(ttl=300, max_entries=32)
def _json(url: str, key: str, tag: str | None):
    return store_for(url).read_json(key).data


def read_json(settings: Settings, key: str):
    """A store file as parsed JSON, cached on its version tag; shared between sessions: read only."""
    store = store_for(settings.store_url)
    return _json(settings.store_url, key, version_tag(store, key))


@st.cache_resource(ttl=300, max_entries=4)
def _seat_snapshot(url: str, tag: str | None) -> SeatSnapshot | None:
    stored = _json(url, SEATS_KEY, tag)
    return SeatSnapshot.model_validate(stored) if stored else None


def seat_snapshot(settings: Settings) -> SeatSnapshot | None:
    """The seat snapshot, validated once per version (an organisation may hold 100,000 seats)."""
    return _seat_snapshot(settings.store_url, version_tag(store_for(settings.store_url), SEATS_KEY))


@st.cache_resource(ttl=300, max_entries=4)
def _listed_teams(url: str, tag: str | None) -> dict[str, Team]:
    return team_reads.listed_by_slug(_json(url, TEAMS_KEY, tag), url)


def team_histories(settings: Settings) -> dict[str, TeamHistory]:
    """Every team in full, from `teams_history.json`: only for stores without an index."""
    store = store_for(settings.store_url)
    return _histories(settings.store_url, version_tag(store, HISTORY_KEY))


def _directory_tag(settings: Settings) -> str | None:
    return version_tag(store_for(settings.store_url), table_key(TEAMS_DIRECTORY))


@st.cache_data(ttl=300)
def _first_fact_day(url: str, tag: str | None) -> date | None:
    return store_for(url).first_fact_day()


def first_fact_day(settings: Settings) -> date | None:
    """The first day with per-user facts, from which the weekly and monthly figures count."""
    return _first_fact_day(settings.store_url, _directory_tag(settings))


def team_directory(settings: Settings) -> dict[str, DirectoryEntry] | None:
    """Recorded teams by slug, from the tables; None for a store collected before them."""
    tag = _directory_tag(settings)
    return None if tag is None else _directory(settings.store_url, tag)


def earlier_slugs(settings: Settings, slug: str) -> list[str]:
    """The slugs a team had before GitHub renamed it (none in a store older than the tables)."""
    entry = (team_directory(settings) or {}).get(slug)
    return list(entry.earlier_slugs) if entry else []


def team_index(settings: Settings) -> dict[str, IndexEntry] | None:
    """Recorded teams by slug (small), or None for a store written before the index existed."""
    store = store_for(settings.store_url)
    return _index(settings.store_url, version_tag(store, INDEX_KEY))


def team_history(settings: Settings, slug: str) -> TeamHistory:
    """One team's history: its rows of the tables, or in an older store its own file (store v2)
    or its entry of `teams_history.json`."""
    return _team_read(settings, slug)[0]


def team_version(settings: Settings, slug: str) -> tuple[str, str | None]:
    """The version of the file a team's history is read from: a new one means new numbers."""
    return _team_read(settings, slug)[1]


def _team_read(settings: Settings, slug: str) -> tuple[TeamHistory, tuple[str, str | None]]:
    tag = _directory_tag(settings)
    if tag is not None:
        if slug in (_directory(settings.store_url, tag) or {}):
            return _table_history(settings.store_url, slug, tag), ("tables", tag)
        raise KeyError(slug)
    if slug in (team_index(settings) or {}):
        file_tag = version_tag(store_for(settings.store_url), team_key(slug))
        found = _team_file(settings.store_url, slug, file_tag)
        if found is not None:
            return found, ("file", file_tag)
    store = store_for(settings.store_url)  # an older store, or a team file gone missing
    return team_histories(settings)[slug], ("history", version_tag(store, HISTORY_KEY))


def teams_span(settings: Settings) -> tuple[date, date] | None:
    """The first and last day any team has recorded (None before the first collection)."""
    directory = team_directory(settings)
    if directory is not None:
        entries = [entry for entry in directory.values() if entry.days]
        return (min(e.first_day for e in entries), max(e.last_day for e in entries)) if entries else None
    frame = _older_teams_frame(settings)
    return None if frame.empty else (frame["date"].min().date(), frame["date"].max().date())


def teams_overview(settings: Settings, start: date, end: date) -> TeamsOverview:
    """Every team over [start, end], shared by every admin viewing that range of this version: from
    the tables (only the days it needs are read), or from an older store's summary or
    `teams_history.json`."""
    return _overview(settings.store_url, teams_version(settings), start, end)


def teams_version(settings: Settings) -> tuple[str, str | None]:
    """Where every team's days come from, and that file's version tag."""
    directory_tag = _directory_tag(settings)
    if directory_tag is not None:
        return "tables", directory_tag
    store = store_for(settings.store_url)
    tag = version_tag(store, SUMMARY_KEY)
    if tag is not None and team_index(settings) is not None:
        return "summary", tag
    return "history", version_tag(store, HISTORY_KEY)


def _older_teams_frame(settings: Settings) -> pd.DataFrame:
    return _older_frame(settings.store_url, *teams_version(settings))


def _older_frame(url: str, kind: str, tag: str | None) -> pd.DataFrame:
    """Every team's days from a store older than the tables: its summary, or `teams_history.json`."""
    return _summary(url, tag) if kind == "summary" else _full_frame(url, tag)


def recorded_teams(settings: Settings) -> list[Team]:
    """Teams with at least one recorded day, as the history names them."""
    directory = team_directory(settings)
    if directory is not None:
        return [entry.team for _, entry in sorted(directory.items()) if entry.days]
    index = team_index(settings)
    if index is not None:
        return [entry.team for _, entry in sorted(index.items()) if entry.days]
    return [h.team for _, h in sorted(team_histories(settings).items()) if h.data]


def org_tag(settings: Settings) -> str:
    """The version of the organisation's days: the collector notes in `store_version.json` each
    change of their table; a store it has not upgraded yet has them in `historic_usage_data.json`;
    ONS's organisation_history.json is merged in."""
    store = store_for(settings.store_url)
    return "+".join(str(version_tag(store, key)) for key in (STORE_VERSION_KEY, ORG_HISTORY_KEY, ONS_ORG_HISTORY_KEY))


def org_history(settings: Settings) -> list[OrgDay]:
    return _org_days(settings.store_url, org_tag(settings))


def qualifying_teams(settings: Settings) -> list[Team]:
    """Teams with at least one recorded day, named as in `copilot_teams.json` when present."""
    listed = _listed_teams(settings.store_url, version_tag(store_for(settings.store_url), TEAMS_KEY))
    return [listed.get(team.slug, team) for team in recorded_teams(settings)]


def admin_entries(settings: Settings) -> list[str]:
    """Admin teams from `admin_teams.json` plus ADMIN_TEAMS: slugs, or names."""
    store = store_for(settings.store_url)
    stored = _json(settings.store_url, ADMIN_TEAMS_KEY, version_tag(store, ADMIN_TEAMS_KEY))
    return team_reads.admin_entries(stored, settings.admin_team_list, settings.store_url)


def or_stop(load):
    """Run `load()`; a refusal or a failure ends the page with a sentence, never a traceback."""
    try:
        return load()
    except AccessDenied as exc:
        st.error(inert(exc))
    except Exception as exc:  # a broken store must read as a sentence
        show_error(exc)
    st.stop()


def show_error(exc: Exception) -> None:
    """A failure as a sentence, never a traceback; what is not ours goes to the server log whole."""
    if isinstance(exc, CopilotUsageError):
        st.error(inert(exc))
        return
    log.error("Unexpected error while loading the data", exc_info=exc)
    st.error("Something went wrong while loading the data. Try again in a minute; "
             "if it keeps happening, ask the app's operator to check the logs.")


def org_version(settings: Settings) -> tuple[str, str | None]:
    """The versions of the files the organisation's days and their seats are read from."""
    return org_tag(settings), version_tag(store_for(settings.store_url), SEATS_KEY)


def org_frame(settings: Settings) -> pd.DataFrame:
    """The organisation's daily frame, with the seats of each day for its adoption."""
    return _org_frame(settings.store_url, *org_version(settings))


def org_rollup(settings: Settings, view) -> pd.DataFrame | None:
    """The organisation's days in the view's range, rolled up (None before any collection)."""
    if not org_history(settings):
        return None
    return rollup(in_range(org_frame(settings), view.start, view.end), view.granularity)
