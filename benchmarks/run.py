"""The benchmark suite: runs each benchmark, prints a table, writes bench-results.json.

    .venv/bin/python benchmarks/run.py           # make bench (several minutes)
    .venv/bin/python benchmarks/run.py --smoke   # make bench-smoke (under a minute)

Each benchmark is a script printing lines `name: value unit (target …)`; figures are
measured in one run on a shared machine, so ratios matter more than seconds.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
LINE = re.compile(r"^(?P<name>[^:#][^:]*): (?P<value>-?[\d.,]+) (?P<unit>\S+)(?:.*?\((?P<target>target [^)]*)\))?")

SUITES = {
    "full": [["daily_run.py"], ["collect_scaling.py"], ["aggregation.py"],
             ["page_render.py", "--teams", "10", "--days", "365", "--warm", "3", "--scale-to", "5000"],
             ["page_render.py", "--page", "overview", "--teams", "10", "--days", "365", "--warm", "2",
              "--scale-to", "5000"],
             ["my_usage.py"], ["load.py", "--viewers", "1,10,50", "--think", "30"]],
    # load.py is left out of the smoke suite: its demo store and servers take about a minute.
    "smoke": [["daily_run.py", "--smoke"], ["collect_scaling.py", "--smoke"], ["aggregation.py", "--smoke"],
              ["page_render.py", "--teams", "6", "--users", "60", "--days", "30", "--warm", "1", "--scale-to", "60"],
              ["my_usage.py", "--smoke"]],
}


def run(script: list[str]) -> list[dict]:
    path = HERE / script[0]
    if not path.exists():
        print(f"(skipped {script[0]}: not present)")
        return []
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(path), *script[1:]], capture_output=True, text=True)
    results = []
    for line in done.stdout.splitlines():
        print(line, flush=True)
        if match := LINE.match(line):
            results.append({**match.groupdict(), "value": float(match["value"].replace(",", "")),
                            "benchmark": script[0]})
    if done.returncode != 0:
        print(done.stderr[-2000:], file=sys.stderr)
        raise SystemExit(f"benchmark {' '.join(script)} failed with exit code {done.returncode}")
    print(f"({script[0]} took {time.perf_counter() - started:.0f} s)", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--out", default="bench-results.json")
    args = parser.parse_args()
    results = [row for script in SUITES["smoke" if args.smoke else "full"] for row in run(script)]
    width = max((len(r["name"]) for r in results), default=10)
    print("\n" + "benchmark".ljust(width) + "  value        unit        target")
    for r in results:
        print(f"{r['name'].ljust(width)}  {r['value']:<12g} {r['unit']:<11} {r['target'] or ''}")
    Path(args.out).write_text(json.dumps(results, indent=1) + "\n")
    print(f"\nwritten to {args.out}")


if __name__ == "__main__":
    main()
