"""Run `python -m copilot_usage …` in this process with exactly the given settings."""

from __future__ import annotations

import contextlib
import io

import pytest

from copilot_usage.collector.cli import main
from copilot_usage.config import Settings

# Every setting the app reads, from the model itself, so a new one is never missed.
SETTINGS = tuple(name.upper() for name in Settings.model_fields)


def run_main(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of the CLI with only `env`'s settings set."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        for name in SETTINGS:
            mp.delenv(name, raising=False)
        for name, value in env.items():
            mp.setenv(name, value)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    return code, out.getvalue(), err.getvalue()
