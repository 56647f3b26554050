#!/usr/bin/env python3
"""Build the collector's AWS Lambda zip: `copilot_usage` plus its runtime dependencies.

    python deploy/build_lambda_zip.py                  # -> dist/copilot-usage-lambda.zip
    python deploy/build_lambda_zip.py --out other.zip

Handler: `copilot_usage.collector.aws_lambda.handler`, runtime python3.11 on x86_64.
Dependencies are the collector's lines of requirements.txt (same bounds),
installed with pip for the Lambda platform (manylinux2014 x86_64 wheels, CPython
3.11), whatever machine builds it. boto3 is bundled although Lambda ships one: the
store's conditional writes (S3 IfMatch / IfNoneMatch) need a newer botocore than
the runtime may carry. The app-only parts (streamlit, altair, pandas, pyarrow, the
`web`, `read`, `analysis` and `demo` packages) and tests are left out; the build
fails if one of them slips in. The installed dependencies are cached under
dist/.lambda-deps/ keyed on the requirement lines, so a rebuild takes seconds.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "copilot_usage"
DEFAULT_OUT = ROOT / "dist" / "copilot-usage-lambda.zip"
DEPS_CACHE = ROOT / "dist" / ".lambda-deps"

# What the collector imports (normalised requirement names in requirements.txt).
COLLECTOR_REQUIREMENTS = ("pydantic", "pydantic-settings", "boto3", "httpx", "pyjwt", "tqdm", "duckdb")
PIP_PLATFORM = ["--platform", "manylinux2014_x86_64", "--only-binary=:all:",
                "--python-version", "3.11", "--implementation", "cp"]
# Parts of the package that only the Streamlit app (or the demo) uses.
APP_ONLY = ("web", "read", "analysis", "demo")
HANDLER = f"{PACKAGE}.collector.aws_lambda.handler"
HANDLER_FILE = f"{PACKAGE}/collector/aws_lambda.py"
# Top-level names that must never be in the zip.
FORBIDDEN = ("streamlit", "altair", "pandas", "pyarrow", "numpy", "tests", "app_pages")
LAMBDA_ZIPPED_LIMIT = 50 * 1024 * 1024     # direct upload; through S3 only the next one counts
LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024


def _name(line: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", line)
    return re.sub(r"[-_.]+", "-", match.group(1)).lower() if match else ""


def collector_requirements(requirements: Path = ROOT / "requirements.txt") -> list[str]:
    """The collector's lines of requirements.txt, bounds included."""
    lines = [line.split("#", 1)[0].strip() for line in requirements.read_text().splitlines()]
    found = {_name(line): line for line in lines if line and not line.startswith("-")}
    missing = [name for name in COLLECTOR_REQUIREMENTS if name not in found]
    if missing:
        raise SystemExit(f"error: requirements.txt has no line for {', '.join(missing)}")
    return [found[name] for name in COLLECTOR_REQUIREMENTS]


def install_dependencies(requirements: list[str], cache: Path = DEPS_CACHE) -> Path:
    """pip install --target for the Lambda platform, reused while the requirements are the same."""
    key = hashlib.sha256("\n".join([*requirements, *PIP_PLATFORM]).encode()).hexdigest()[:16]
    target = cache / key
    if (target / ".complete").exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "--no-compile", "--no-warn-conflicts", "--target", str(target), *PIP_PLATFORM, *requirements], check=True)
    shutil.rmtree(target / "bin", ignore_errors=True)  # console scripts: not used on Lambda
    (target / ".complete").touch()
    return target


def _files(root: Path, skip_top: tuple[str, ...] = ()) -> list[tuple[Path, str]]:
    out = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if not path.is_file() or rel.parts[0] in skip_top or rel.name == ".complete":
            continue
        if "__pycache__" in rel.parts or path.suffix == ".pyc":
            continue
        out.append((path, rel.as_posix()))
    return out


def package_files() -> list[tuple[Path, str]]:
    source = ROOT / PACKAGE
    return [(path, f"{PACKAGE}/{name}") for path, name in _files(source, APP_ONLY)]


def write_zip(out: Path, entries: list[tuple[Path, str]]) -> None:
    """Deterministic zip: sorted names, fixed times, files readable by Lambda (0644)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path, name in sorted(entries, key=lambda e: e[1]):
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    tmp.replace(out)


def check(entries: list[tuple[Path, str]]) -> None:
    tops = {name.split("/", 1)[0] for _, name in entries}
    bad = sorted(t for t in tops if t.split(".")[0].split("-")[0] in FORBIDDEN)
    if bad:
        raise SystemExit(f"error: the Lambda zip must not contain {', '.join(bad)}")
    if HANDLER_FILE not in {name for _, name in entries}:
        raise SystemExit(f"error: {HANDLER_FILE} is missing")


def build(out: Path = DEFAULT_OUT, cache: Path = DEPS_CACHE) -> Path:
    deps = install_dependencies(collector_requirements(), cache)
    entries = _files(deps) + package_files()
    names = [name for _, name in entries]
    clashes = {n for n in names if names.count(n) > 1}
    if clashes:
        raise SystemExit(f"error: duplicate names in the zip: {sorted(clashes)[:5]}")
    check(entries)
    write_zip(out, entries)
    unzipped = sum(path.stat().st_size for path, _ in entries)
    zipped = out.stat().st_size
    try:
        shown = out.relative_to(ROOT)
    except ValueError:
        shown = out
    print(f"{shown}: {zipped / 1e6:.1f} MB zipped, {unzipped / 1e6:.1f} MB unzipped, "
          f"{len(entries)} files; handler {HANDLER} (python3.11, x86_64)")
    if zipped > LAMBDA_ZIPPED_LIMIT or unzipped > LAMBDA_UNZIPPED_LIMIT:
        print("warning: over Lambda's size limits (50 MB zipped for a direct upload, 250 MB unzipped)",
              file=sys.stderr)
    return out


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the zip")
    args.add_argument("--deps-cache", type=Path, default=DEPS_CACHE,
                      help="where installed dependencies are kept between builds")
    options = args.parse_args(argv)
    build(options.out.resolve(), options.deps_cache.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
