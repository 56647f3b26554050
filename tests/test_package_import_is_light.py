"""Importing the package loads nothing heavy: the collector (DuckDB) and the app's libraries load
only when used (docs/architecture.md, "The packages"). A fresh interpreter, so what other tests
imported does not count."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.integration


def test_importing_the_package_loads_neither_the_collector_nor_the_apps_libraries():
    loaded = set(subprocess.run([sys.executable, "-c", "import sys, copilot_usage; print(' '.join(sys.modules))"],
                                cwd=ROOT, capture_output=True, text=True, check=True).stdout.split())
    assert "copilot_usage.config" in loaded and "copilot_usage.store" in loaded
    assert not loaded & {"duckdb", "pandas", "streamlit", "altair", "boto3", "copilot_usage.collector"}
