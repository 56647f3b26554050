"""Fewer malloc arenas for the collector's threads (glibc only; elsewhere nothing happens).

glibc gives each thread that allocates its own arena, up to eight per core, and memory
freed in one arena serves no other: the collector's fetch, join and store threads each
kept their own high-water mark. Two arenas lower a long backfill's peak (the figures:
docs/architecture.md, "Memory over a long run"). It must be set before the threads
start, so `collect` sets it first.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from functools import cache

_M_ARENA_MAX = -8  # mallopt's parameter number, from glibc's malloc.h


@cache
def limit_malloc_arenas(count: int = 2) -> bool:
    """Cap glibc's arenas at `count` for the threads started from now on; False where there
    is no glibc (macOS, musl) or the call is refused."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(_M_ARENA_MAX, count))
    except (OSError, AttributeError):
        return False
