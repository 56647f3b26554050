"""What the app does once per process, not once per run."""

from __future__ import annotations

import functools
import gc


@functools.cache
def freeze_loaded() -> None:
    """Puts the objects alive after the imports out of the garbage collector's reach.

    A full collection walks every object in the process, under the lock all sessions share;
    Altair's loaded Vega-Lite schema alone is over 100,000 of them. Frozen, they are never
    walked again; what runs allocate is collected as before (docs/architecture.md, "Pages")."""
    from .ui import sections  # noqa: F401  # the pages' libraries: pandas, Altair and its schema

    gc.collect()
    gc.freeze()
