"""The store: a flat key -> bytes space with version tags and conditional writes.

The package `store/` is the only code that touches files or S3 (`LocalStore`,
`S3Store`). Everything above it speaks in keys (`contract/keys.py`) and version tags.

Writes lose nothing: ``write_json`` is conditional on the tag the caller read,
so two writers that read the same version cannot both win; the loser gets
``StoreConflict`` and re-reads, merges and retries (`conflicts.py`).

    >>> store = open_store("file://./data")       # keys: contract/keys.py
    >>> current = store.read_json(HISTORY_KEY)   # Versioned(None, None) at first
    >>> tag = store.write_json(HISTORY_KEY, [], if_tag=current.tag)
    >>> store.read_json(HISTORY_KEY) == Versioned([], tag)
    True
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic_core import to_json

from ..contract.keys import USER_DAYS, fact_day, fact_prefix, validate_key
from ..errors import InvalidStoreFile


@dataclass(frozen=True)
class Versioned:
    """A parsed JSON document with the version tag it was read at.

    ``data`` and ``tag`` are both None when the key does not exist; pass
    ``tag`` back as ``if_tag`` to write the next version.

        >>> Versioned(data=None, tag=None)   # what a missing key reads as
        Versioned(data=None, tag=None)
    """

    data: Any
    tag: str | None


def dump_json(data: Any) -> bytes:
    """Serialise ``data`` the one way the store writes JSON.

    Deterministic: the same input gives the same bytes, so a LocalStore tag
    (a content hash) only changes when the content does. Key order is kept
    as given, because the history files' layout is part of the contract.

        >>> dump_json({"b": 1, "a": "é"})
        b'{\\n "b": 1,\\n "a": "\\xc3\\xa9"\\n}\\n'
    """
    # pydantic-core's encoder writes what json.dumps(indent=1, ensure_ascii=False) writes
    # (floats aside: 1e-7, not 1e-07), ten times faster: a year of a large
    # organisation is hundreds of MB, and the stdlib indents in pure Python.
    return to_json(data, indent=1) + b"\n"


def validate_prefix(prefix: str) -> str:
    """A list prefix is a key, or a key followed by ``/``, or empty."""
    if prefix:
        validate_key(prefix[:-1] if prefix.endswith("/") else prefix)
    return prefix

class Store(ABC):
    """A flat key -> bytes store with version tags and conditional JSON writes.

    Every method validates its key first (ValueError on a bad key, before any
    I/O). Errors are ``copilot_usage.errors.StoreError`` subclasses:
    ``StoreConflict`` (stale tag), ``InvalidStoreFile`` (unparseable JSON,
    never overwritten by us), ``StoreUnavailable`` (the store itself fails).
    """

    url: str

    def read_json(self, key: str) -> Versioned:
        """Read and parse ``key``; ``Versioned(None, None)`` when it is missing.

        Raises InvalidStoreFile (naming the key and the store url) when the
        stored bytes are not UTF-8 JSON.

            >>> store.read_json(TEAMS_KEY)
            Versioned(data=[{'name': 'Core', ...}], tag='9f86d0...')
        """
        validate_key(key)
        raw = self._read_with_tag(key)
        if raw is None:
            return Versioned(None, None)
        body, tag = raw
        return Versioned(self._parse_json(key, body), tag)

    def write_json(self, key: str, data: Any, *, if_tag: str | None) -> str:
        """Write ``dump_json(data)`` to ``key`` only if it is still at ``if_tag``.

        ``if_tag=None`` means "the key must not exist yet". On any mismatch
        nothing is written and StoreConflict is raised: re-read, merge, retry.
        Returns the new tag.

            >>> tag = store.write_json(ADMIN_TEAMS_KEY, ["leads"], if_tag=None)
            >>> store.write_json(ADMIN_TEAMS_KEY, ["ops"], if_tag=tag)  # ok, new tag
            >>> store.write_json(ADMIN_TEAMS_KEY, ["x"], if_tag=tag)    # StoreConflict
        """
        validate_key(key)
        return self._write_conditional(key, dump_json(data), if_tag)

    def read_bytes(self, key: str) -> bytes | None:
        """The stored bytes of ``key``, or None when it is missing.

            >>> store.read_bytes(report_part_key(USERS, day, 0))
            b'\\x1f\\x8b...'
        """
        validate_key(key)
        raw = self._read_with_tag(key)
        return None if raw is None else raw[0]

    def read_bytes_versioned(self, key: str) -> tuple[bytes, str] | None:
        """The stored bytes of ``key`` with their version tag, or None when it is missing.

            >>> body, tag = store.read_bytes_versioned(team_key("platform"))
        """
        validate_key(key)
        return self._read_with_tag(key)

    def write_bytes_if(self, key: str, data: bytes, *, if_tag: str | None, sha256: str | None = None) -> str:
        """Write ``data`` to ``key`` only if it is still at ``if_tag`` (None: must not exist).

        The bytes counterpart of ``write_json``: StoreConflict when another writer got
        there first. Returns the new tag. ``sha256``: the data's digest when the caller
        already has it (a local store's tag is the digest: it is not computed twice).
        """
        validate_key(key)
        return self._write_conditional(key, data, if_tag, sha256)

    def read_chunks(self, key: str, size: int = 1 << 20) -> Iterator[bytes] | None:
        """The stored bytes of ``key`` as chunks of about ``size`` bytes, or None when missing.

        For objects too big to hold whole (an old ``teams_history.json``).
        """
        validate_key(key)
        return self._read_chunks(key, size)

    def _read_chunks(self, key: str, size: int) -> Iterator[bytes] | None:
        body = self.read_bytes(key)  # stores that can stream override this
        return None if body is None else iter([body])

    def write_stream(self, key: str, chunks: Iterable[bytes]) -> str:
        """Write the concatenated ``chunks`` to ``key`` unconditionally, never holding them all;
        return the new version tag.

        Readers see the old object or the new one. For objects assembled from many
        others (``teams_history.json`` from the team files).

            >>> tag = store.write_stream(HISTORY_KEY, (part for part in parts))
        """
        validate_key(key)
        return self._write_stream(key, iter(chunks))

    @abstractmethod
    def _write_stream(self, key: str, chunks: Iterator[bytes]) -> str:
        """Write the chunks to a valid key atomically; return the new tag."""

    @abstractmethod
    def write_bytes(self, key: str, data: bytes) -> None:
        """Write ``data`` to ``key`` unconditionally and atomically.

        Readers see the old bytes or the new bytes, never a partial file.

            >>> store.write_bytes(report_part_key(USERS, day, 0), payload)
        """

    @abstractmethod
    def list_keys(self, prefix: str = "") -> list[str]:
        """Sorted keys (relative to the store root) that start with ``prefix``.

            >>> store.list_keys(fact_prefix(USER_DAYS))
            ['facts/user_days/day=2026-01-05/part-0.parquet', ...]
        """

    def first_fact_day(self) -> date | None:
        """The earliest day with per-user facts (`facts/user_days/day=…`): the weekly and monthly
        windows count from it (a window reaching before it is blank)."""
        return next((day for key in self.list_keys(fact_prefix(USER_DAYS))
                     if (day := fact_day(key, USER_DAYS)) is not None), None)

    @abstractmethod
    def tag(self, key: str) -> str | None:
        """The current version tag of ``key`` (cheap; for cache keys), or None.

            >>> store.tag(HISTORY_KEY) == store.read_json(HISTORY_KEY).tag
            True
        """

    def local_file(self, key: str) -> Path | None:
        """The file holding ``key`` on this machine, for readers that open files themselves
        (DuckDB), or None: not stored, or not a store on disk."""
        validate_key(key)
        return None

    def exists(self, key: str) -> bool:
        """Whether ``key`` is stored.

            >>> store.exists(HISTORY_KEY)
            False
        """
        return self.tag(key) is not None

    @abstractmethod
    def _read_with_tag(self, key: str) -> tuple[bytes, str] | None:
        """Bytes and tag of one consistent version of a valid key, or None."""

    @abstractmethod
    def _write_conditional(self, key: str, body: bytes, if_tag: str | None, sha256: str | None = None) -> str:
        """Write ``body`` iff the current tag is ``if_tag``; return the new tag."""

    def _parse_json(self, key: str, body: bytes) -> Any:
        try:
            # utf-8-sig: Windows tools start files with a byte-order mark, which JSON forbids.
            return json.loads(body.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            where = f"byte {exc.start}"
        except json.JSONDecodeError as exc:
            where = f"line {exc.lineno}"
        raise InvalidStoreFile(
            f"{key} in {self.url} is not valid JSON ({where}): "
            "fix or move it; it will not be overwritten",
            key=key,
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url!r})"


def conflict_message(key: str, url: str, if_tag: str | None) -> str:
    if if_tag is None:
        return f"{key} in {url} already exists (another writer created it): re-read, merge and retry"
    return f"{key} in {url} changed since it was read: re-read, merge and retry"
