"""An ordered map over a thread pool with a bounded look-ahead.

Store and network calls wait on I/O (and hashing releases the GIL), so a few threads
overlap them; results come back in the items' order, so what follows is as
deterministic as a plain loop, and at most `ahead` results are held at once.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

STORE_WORKERS = 4  # team files merged or read at once: S3 round trips overlap, memory stays a few files


def map_ahead(pool: Executor, fn: Callable[[T], R], items: Iterable[T], *, ahead: int) -> Iterator[R]:
    """`fn(item)` for each item, run on `pool` up to `ahead` items in advance, yielded in order.

    The next item is submitted only after the consumer took a result, so a consumer that
    stops early (a day not available yet) starts nothing after it; the items not started
    are cancelled. The first exception is raised in order, when its result is reached.
    """
    pending: deque = deque()
    rest = iter(items)
    try:
        for item in itertools.islice(rest, max(1, ahead)):
            pending.append(pool.submit(fn, item))
        while pending:
            yield pending.popleft().result()
            for item in itertools.islice(rest, 1):
                pending.append(pool.submit(fn, item))
    finally:
        for future in pending:
            future.cancel()
