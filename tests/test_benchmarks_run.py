"""`make bench-smoke` inside `make test`: every benchmark of the smoke suite runs to its end and
prints its figures, and the suite writes them to test-artifacts/bench-smoke.json. Run as a test
so that pytest-xdist runs it beside the other tests instead of after them; the figures, measured
while other tests run, are printed at the end of the session as a sign of life, not to compare
(`make bench` measures on a quiet machine)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import print_at_the_end

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from run import SUITES  # noqa: E402 (benchmarks/ is scripts, not a package)

OUT = ROOT / "test-artifacts" / "bench-smoke.json"


class BenchTable:
    def __init__(self, rows: list[dict]):
        self.rows = rows

    def pytest_terminal_summary(self, terminalreporter):
        terminalreporter.section("benchmarks, smoke sizes (measured beside other tests)")
        width = max(len(row["name"]) for row in self.rows)
        for row in self.rows:
            terminalreporter.write_line(f"{row['name'].ljust(width)}  {row['value']:<12g} {row['unit']}")


@pytest.mark.long
@pytest.mark.timeout(600)
def test_every_smoke_benchmark_runs_and_prints_its_figures(pytestconfig):
    OUT.parent.mkdir(exist_ok=True)
    OUT.unlink(missing_ok=True)
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--smoke", "--out", str(OUT)],
                          cwd=ROOT, capture_output=True, text=True, timeout=570)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    rows = json.loads(OUT.read_text())
    scripts = {script[0] for script in SUITES["smoke"]}
    assert {row["benchmark"] for row in rows} == scripts, "a benchmark printed no figure"
    for row in rows:
        assert math.isfinite(row["value"]) and row["unit"], row
        assert f"{row['name']}: " in done.stdout  # the table comes from what the scripts printed
    print_at_the_end(pytestconfig, BenchTable(rows))
