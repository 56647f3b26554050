"""Copilot Usage: GitHub Copilot usage per team, collected from GitHub's usage-metrics reports.

The public entry points; everything else is importable from its package:

    from copilot_usage import get_team_history, collect, open_store, load_settings

Importing the package loads nothing heavy: the collector (and DuckDB) only when
`collect` or `get_team_history` is first used.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from .config import Settings, load_settings
from .store.url import open_store

if TYPE_CHECKING:
    from .collector.run import collect
    from .collector.team_history import get_team_history

_COLLECTOR = {"collect": ".collector.run", "get_team_history": ".collector.team_history"}

__all__ = ["Settings", "collect", "get_team_history", "load_settings", "open_store"]


def __getattr__(name: str):
    if name in _COLLECTOR:
        return getattr(import_module(_COLLECTOR[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
