"""Copilot Usage: GitHub Copilot usage per team, collected from GitHub's usage-metrics reports.

The public entry points; everything else is importable from its module.
"""

from .config import Settings, load_settings
from .history import collect, get_team_history, merge
from .store import open_store

__all__ = ["Settings", "collect", "get_team_history", "load_settings", "merge", "open_store"]
