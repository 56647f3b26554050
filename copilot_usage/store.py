"""The history store: a folder (LocalStore) or an S3 bucket (S3Store).

This is the only module that touches files or S3. Everything above it speaks
in keys (``teams_history.json``,
``reports/users-1-day/day=2026-01-05/part-0.ndjson.gz``) and version tags.

Writes lose nothing: ``write_json`` is conditional on the tag the caller read,
so two writers that read the same version cannot both win; the loser gets
``StoreConflict`` and re-reads, merges and retries.

    >>> store = open_store("file://./data")
    >>> current = store.read_json("teams_history.json")   # Versioned(None, None) at first
    >>> tag = store.write_json("teams_history.json", [], if_tag=current.tag)
    >>> store.read_json("teams_history.json") == Versioned([], tag)
    True
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import tempfile
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic_core import to_json

from copilot_usage.errors import (
    InvalidStoreFile,
    SettingsError,
    StoreConflict,
    StoreUnavailable,
)

__all__ = [
    "LocalStore",
    "S3Store",
    "Store",
    "Versioned",
    "dump_json",
    "open_store",
    "validate_key",
]

_KEY_CHARS = re.compile(r"[A-Za-z0-9._=/-]+")
_BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_LOCK_DIR = ".locks"
_TAGS_DIR = ".tags"  # LocalStore: the sha256 of large files by identity, so a new process need not hash them
_TAG_MEMO_MIN = 256 << 10  # smaller files hash faster than a memo is read
_TMP_SUFFIX = ".tmp"
_PART_SIZE = 8 << 20  # multipart upload parts (S3 needs at least 5 MiB)


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


def validate_key(key: str) -> str:
    """Return ``key`` if it is a safe store key, else raise ValueError.

    A key is ``/``-separated segments of ``[A-Za-z0-9._=-]``: no leading
    ``/``, no empty, ``.`` or ``..`` segment (so it cannot escape the store
    root), and no segment starting with ``.`` (those names are reserved for
    the store's own temp and lock files, which must never be mistaken for data).

        >>> validate_key("reports/users-1-day/day=2026-01-05/part-0.ndjson.gz")
        'reports/users-1-day/day=2026-01-05/part-0.ndjson.gz'
        >>> validate_key("../etc/passwd")
        Traceback (most recent call last):
        ValueError: invalid store key '../etc/passwd': ...
    """
    problem = _key_problem(key)
    if problem:
        raise ValueError(f"invalid store key {key!r}: {problem}")
    return key


def _key_problem(key: object) -> str | None:
    if not isinstance(key, str) or not key:
        return "a key is a non-empty string"
    if not _KEY_CHARS.fullmatch(key):
        return "only letters, digits and . _ = / - are allowed"
    for segment in key.split("/"):
        if segment == "":
            return "no leading '/', trailing '/' or empty segment"
        if segment in (".", ".."):
            return "no '.' or '..' segment"
        if segment.startswith("."):
            return "no segment may start with '.' (reserved for the store's own files)"
    return None


def _validate_prefix(prefix: str) -> str:
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

            >>> store.read_json("copilot_teams.json")
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

            >>> tag = store.write_json("admin_teams.json", ["leads"], if_tag=None)
            >>> store.write_json("admin_teams.json", ["ops"], if_tag=tag)  # ok, new tag
            >>> store.write_json("admin_teams.json", ["x"], if_tag=tag)    # StoreConflict
        """
        validate_key(key)
        return self._write_conditional(key, dump_json(data), if_tag)

    def read_bytes(self, key: str) -> bytes | None:
        """The stored bytes of ``key``, or None when it is missing.

            >>> store.read_bytes("reports/users-1-day/day=2026-01-05/part-0.ndjson.gz")
            b'\\x1f\\x8b...'
        """
        validate_key(key)
        raw = self._read_with_tag(key)
        return None if raw is None else raw[0]

    def read_bytes_versioned(self, key: str) -> tuple[bytes, str] | None:
        """The stored bytes of ``key`` with their version tag, or None when it is missing.

            >>> body, tag = store.read_bytes_versioned("teams/platform.json")
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

            >>> tag = store.write_stream("teams_history.json", (part for part in parts))
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

            >>> store.write_bytes("reports/x/day=2026-01-05/part-0.ndjson.gz", payload)
        """

    @abstractmethod
    def list_keys(self, prefix: str = "") -> list[str]:
        """Sorted keys (relative to the store root) that start with ``prefix``.

            >>> store.list_keys("reports/users-1-day/")
            ['reports/users-1-day/day=2026-01-05/part-0.ndjson.gz', ...]
        """

    @abstractmethod
    def tag(self, key: str) -> str | None:
        """The current version tag of ``key`` (cheap; for cache keys), or None.

            >>> store.tag("teams_history.json") == store.read_json("teams_history.json").tag
            True
        """

    def local_file(self, key: str) -> Path | None:
        """The file holding ``key`` on this machine, for readers that open files themselves
        (DuckDB), or None: not stored, or not a store on disk."""
        validate_key(key)
        return None

    def exists(self, key: str) -> bool:
        """Whether ``key`` is stored.

            >>> store.exists("teams_history.json")
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


# --------------------------------------------------------------------------- local


class LocalStore(Store):
    """A folder on disk; created on first write.

    Tag = sha256 hex of the file's bytes: deterministic and unchanged by a
    copy, so a store copied to another machine keeps its tags. The hash of a large
    file is remembered with the file's identity (inode, size, times) in `.tags/`, so a
    daily run does not hash every team file and `teams_history.json` again; a file
    replaced or copied has another identity and is hashed anew. Writes go to a
    temp file in the target folder and are moved into place with
    ``os.replace``, under an exclusive ``flock`` per key so the tag check and
    the replace are one step across threads and processes.

        >>> store = LocalStore("./data")
        >>> store.url
        'file://./data'
    """

    def __init__(self, root: str | os.PathLike[str], *, url: str | None = None):
        self.root = Path(root).expanduser().absolute()
        self.url = url or f"file://{os.fspath(root)}"
        # key -> (the file's identity, its sha256) as last read or written here: a conditional
        # write then checks the version without reading and hashing the file again.
        self._hashed: dict[str, tuple[tuple, str]] = {}

    def _known_tag(self, key: str, identity: tuple | None) -> str | None:
        """The sha256 remembered for the file with this identity (here or in `.tags/`), or None."""
        if identity is None:
            return None
        known = self._hashed.get(key)
        if known is not None and known[0] == identity:
            return known[1]
        if identity[1] < _TAG_MEMO_MIN:
            return None
        try:
            remembered, tag = json.loads(self._memo_path(key).read_bytes())
        except (OSError, ValueError, TypeError):
            return None  # no memo, or one cut short: hash the file
        if tuple(remembered) != identity or not isinstance(tag, str):
            return None
        self._hashed[key] = (identity, tag)
        return tag

    def _remember(self, key: str, identity: tuple | None, tag: str) -> None:
        """Note a file's hash under its identity; large files in `.tags/` too (best effort: a
        memo not written only means hashing once more)."""
        if identity is None:
            return
        self._hashed[key] = (identity, tag)
        if identity[1] < _TAG_MEMO_MIN:
            return
        path = self._memo_path(key)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}{_TMP_SUFFIX}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(json.dumps([list(identity), tag]).encode())
            os.replace(tmp, path)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink()

    def _memo_path(self, key: str) -> Path:
        return self.root / _TAGS_DIR / _flat_name(key)

    def _identity(self, key: str) -> tuple | None:
        """Inode, size and times: every write here is a rename, so a change shows in them."""
        try:
            found = os.stat(self._path(key))
        except OSError:
            return None
        return found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*key.split("/"))

    def read_bytes(self, key: str) -> bytes | None:
        validate_key(key)
        return self._read_file(key)  # no hashing: report files can be large

    def _read_with_tag(self, key: str) -> tuple[bytes, str] | None:
        identity = self._identity(key)
        body = self._read_file(key)
        if body is None:
            return None
        after = self._identity(key)
        if identity is not None and identity == after:  # not replaced while read
            tag = self._known_tag(key, identity)
            if tag is None:
                tag = _sha256(body)
                self._remember(key, identity, tag)
            return body, tag
        return body, _sha256(body)

    def _read_file(self, key: str) -> bytes | None:
        path = self._path(key)
        try:
            return path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None
        except IsADirectoryError:
            raise InvalidStoreFile(
                f"{key} in {self.url} is a folder, not a file: move it", key=key
            ) from None
        except OSError as exc:
            raise StoreUnavailable(
                f"cannot read {key} in {self.url}: {exc.strerror or exc}", key=key
            ) from exc

    def _write_conditional(self, key: str, body: bytes, if_tag: str | None, sha256: str | None = None) -> str:
        with self._locked(key):
            identity = self._identity(key)
            current_tag = self._known_tag(key, identity)
            if current_tag is None:
                current = self._read_file(key)
                current_tag = None if current is None else _sha256(current)
            if current_tag != if_tag:
                raise StoreConflict(_conflict_message(key, self.url, if_tag), key=key)
            self._replace(key, body)
            tag = sha256 or _sha256(body)
            self._remember(key, self._identity(key), tag)
        return tag

    def write_bytes(self, key: str, data: bytes) -> None:
        validate_key(key)
        # The lock too: without it, this write could land between a concurrent
        # write_json's tag check and its replace, and be silently lost.
        with self._locked(key):
            self._replace(key, data)

    def _read_chunks(self, key: str, size: int) -> Iterator[bytes] | None:
        try:
            handle = open(self._path(key), "rb")
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError:
            return super()._read_chunks(key, size)  # read_bytes says what is wrong

        def chunks() -> Iterator[bytes]:
            with handle:
                while chunk := handle.read(size):
                    yield chunk
        return chunks()

    def _write_stream(self, key: str, chunks: Iterator[bytes]) -> str:
        digest = hashlib.sha256()

        def hashed() -> Iterator[bytes]:
            for chunk in chunks:
                digest.update(chunk)
                yield chunk

        with self._locked(key):
            self._replace(key, hashed())
            self._remember(key, self._identity(key), digest.hexdigest())
        return digest.hexdigest()

    def list_keys(self, prefix: str = "") -> list[str]:
        _validate_prefix(prefix)
        # Walk only the deepest folder the prefix pins down, not the whole store.
        folder = prefix.rpartition("/")[0]
        start = self._path(folder) if folder else self.root
        keys: list[str] = []
        for dirpath, dirnames, filenames in os.walk(start):
            # Dot names are ours (.locks, temp files) and never keys.
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            rel_dir = Path(dirpath).relative_to(self.root).as_posix()
            for name in filenames:
                if name.startswith("."):
                    continue
                key = name if rel_dir == "." else f"{rel_dir}/{name}"
                if key.startswith(prefix):
                    keys.append(key)
        return sorted(keys)

    def tag(self, key: str) -> str | None:
        validate_key(key)
        identity = self._identity(key)
        if (known := self._known_tag(key, identity)) is not None:
            return known
        chunks = self._read_chunks(key, 1 << 20)  # hashed as it is read: the file may be large
        if chunks is None:
            return None
        digest = hashlib.sha256()
        for chunk in chunks:
            digest.update(chunk)
        if identity is not None and identity == self._identity(key):  # not replaced while hashed
            self._remember(key, identity, digest.hexdigest())
        return digest.hexdigest()

    def exists(self, key: str) -> bool:
        validate_key(key)
        return self._path(key).is_file()

    def local_file(self, key: str) -> Path | None:
        validate_key(key)
        path = self._path(key)
        return path if path.is_file() else None

    @contextlib.contextmanager
    def _locked(self, key: str) -> Iterator[None]:
        """Hold an exclusive flock for ``key`` (blocks until it is free).

        One lock file per key ('/' -> '%', which keys cannot contain, so the
        mapping is one-to-one; a hash for very long keys) keeps writers of
        different keys independent.
        """
        lock_dir = self.root / _LOCK_DIR
        name = _flat_name(key)
        try:
            lock_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock_dir / f"{name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreUnavailable(
                f"cannot create the store folder {self.url}: {exc.strerror or exc}", key=key
            ) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the flock

    def _replace(self, key: str, body: bytes | Iterator[bytes]) -> None:
        """Atomically make ``key`` hold ``body``, bytes or chunks (temp file, fsync, os.replace)."""
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Same folder as the target so os.replace is a rename, never a copy.
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=_TMP_SUFFIX)
        except OSError as exc:
            raise StoreUnavailable(
                f"cannot write {key} in {self.url}: {exc.strerror or exc}", key=key
            ) from exc
        try:
            with os.fdopen(fd, "wb") as fh:
                for chunk in ([body] if isinstance(body, bytes) else body):
                    fh.write(chunk)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o644)  # mkstemp makes 0600; stored files are ordinary files
            os.replace(tmp, path)
        except BaseException as exc:  # a failing chunk source too: never leave the temp file
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            if not isinstance(exc, OSError):
                raise
            raise StoreUnavailable(
                f"cannot write {key} in {self.url}: {exc.strerror or exc}", key=key
            ) from exc
        _fsync_dir(path.parent)


def _sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _flat_name(key: str) -> str:
    """One file name per key ('/' -> '%', which keys cannot contain); a hash for very long keys
    (file names stop at 255 bytes)."""
    name = key.replace("/", "%")
    return _sha256(key.encode("utf-8")) if len(name) > 200 else name


def _fsync_dir(folder: Path) -> None:
    """Persist the rename itself; best effort (not every filesystem allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _conflict_message(key: str, url: str, if_tag: str | None) -> str:
    if if_tag is None:
        return f"{key} in {url} already exists (another writer created it): re-read, merge and retry"
    return f"{key} in {url} changed since it was read: re-read, merge and retry"


# --------------------------------------------------------------------------- S3


class S3Store(Store):
    """An S3 bucket, optionally under a key prefix, through a boto3 client.

    Tag = the object's ETag (quotes included, as S3 returns it). Conditional
    writes are S3's own: ``IfMatch=<etag>`` to update, ``IfNoneMatch="*"`` to
    create, so the check and the write are one atomic request on S3's side.

        >>> store = S3Store("my-bucket", "copilot")   # keys live under copilot/
        >>> store.url
        's3://my-bucket/copilot'
    """

    def __init__(self, bucket: str, prefix: str = "", *, client: Any = None):
        prefix = prefix.strip("/")
        if prefix:
            validate_key(prefix)
        if client is None:
            import boto3  # here, so a file:// deployment never needs boto3 loaded

            # boto3 reads AWS_ENDPOINT_URL (a local S3) itself.
            client = boto3.client("s3")
        self.bucket = bucket
        self.prefix = prefix
        self.client = client
        self.url = f"s3://{bucket}/{prefix}" if prefix else f"s3://{bucket}"

    def _s3_key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def _read_with_tag(self, key: str) -> tuple[bytes, str] | None:
        with self._errors(key, "read"):
            try:
                resp = self.client.get_object(Bucket=self.bucket, Key=self._s3_key(key))
            except self.client.exceptions.NoSuchKey:
                return None
            # Body and ETag come from the same response: one consistent version.
            return resp["Body"].read(), resp["ETag"]

    def _write_conditional(self, key: str, body: bytes, if_tag: str | None, sha256: str | None = None) -> str:
        condition = {"IfNoneMatch": "*"} if if_tag is None else {"IfMatch": if_tag}
        with self._errors(key, "write", if_tag=if_tag, conditional=True):
            resp = self.client.put_object(
                Bucket=self.bucket,
                Key=self._s3_key(key),
                Body=body,
                ContentType="application/json",
                **condition,
            )
        return resp["ETag"]

    def write_bytes(self, key: str, data: bytes) -> None:
        validate_key(key)
        # A single PUT is atomic on S3: readers never see a partial object.
        with self._errors(key, "write"):
            self.client.put_object(Bucket=self.bucket, Key=self._s3_key(key), Body=data)

    def _read_chunks(self, key: str, size: int) -> Iterator[bytes] | None:
        with self._errors(key, "read"):
            try:
                body = self.client.get_object(Bucket=self.bucket, Key=self._s3_key(key))["Body"]
            except self.client.exceptions.NoSuchKey:
                return None
        return body.iter_chunks(size)

    def _write_stream(self, key: str, chunks: Iterator[bytes]) -> str:
        """A multipart upload of parts of at least 8 MiB (S3's minimum is 5), one part in
        memory at a time; a small object is one PUT. Aborted on failure: nothing partial shows."""
        buffer, upload, parts = bytearray(), None, []
        s3_key = self._s3_key(key)
        with self._errors(key, "write"):
            try:
                for chunk in chunks:
                    buffer += chunk
                    if len(buffer) >= _PART_SIZE:
                        if upload is None:
                            upload = self.client.create_multipart_upload(Bucket=self.bucket, Key=s3_key)["UploadId"]
                        parts.append(self._upload_part(s3_key, upload, len(parts) + 1, bytes(buffer)))
                        buffer.clear()
                if upload is None:
                    return self.client.put_object(Bucket=self.bucket, Key=s3_key, Body=bytes(buffer))["ETag"]
                if buffer:
                    parts.append(self._upload_part(s3_key, upload, len(parts) + 1, bytes(buffer)))
                return self.client.complete_multipart_upload(Bucket=self.bucket, Key=s3_key, UploadId=upload,
                                                             MultipartUpload={"Parts": parts})["ETag"]
            except BaseException:
                if upload is not None:
                    with contextlib.suppress(Exception):
                        self.client.abort_multipart_upload(Bucket=self.bucket, Key=s3_key, UploadId=upload)
                raise

    def _upload_part(self, s3_key: str, upload: str, number: int, body: bytes) -> dict:
        answer = self.client.upload_part(Bucket=self.bucket, Key=s3_key, UploadId=upload,
                                         PartNumber=number, Body=body)
        return {"ETag": answer["ETag"], "PartNumber": number}

    def list_keys(self, prefix: str = "") -> list[str]:
        _validate_prefix(prefix)
        root = f"{self.prefix}/" if self.prefix else ""
        keys: list[str] = []
        with self._errors(prefix or "(all keys)", "list"):
            paginator = self.client.get_paginator("list_objects_v2")
            for page in paginator.paginate(Bucket=self.bucket, Prefix=root + prefix):
                keys.extend(obj["Key"][len(root):] for obj in page.get("Contents", []))
        return sorted(keys)

    def tag(self, key: str) -> str | None:
        from botocore.exceptions import ClientError

        validate_key(key)
        with self._errors(key, "read"):
            try:
                return self.client.head_object(Bucket=self.bucket, Key=self._s3_key(key))["ETag"]
            except ClientError as exc:
                # HEAD answers have no body, so a missing key and a missing bucket
                # are both a bare 404 here; a missing bucket still surfaces as
                # StoreUnavailable on the next read, write or list.
                if _http_status(exc) == 404:
                    return None
                raise

    @contextlib.contextmanager
    def _errors(
        self, key: str, action: str, *, if_tag: str | None = None, conditional: bool = False
    ) -> Iterator[None]:
        """Turn boto errors into StoreConflict / StoreUnavailable with one-line messages."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            yield
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code == "NoSuchBucket":
                raise StoreUnavailable(
                    f"bucket {self.bucket} does not exist: create it or fix STORE_URL", key=key
                ) from exc
            # 412: the tag no longer matches; 409: a concurrent conditional write
            # won the race; NoSuchKey on an IfMatch put: deleted since it was read.
            lost = code in ("PreconditionFailed", "412", "ConditionalRequestConflict", "409")
            if conditional and (lost or (if_tag is not None and code in ("NoSuchKey", "404"))):
                raise StoreConflict(_conflict_message(key, self.url, if_tag), key=key) from exc
            message = exc.response.get("Error", {}).get("Message") or code
            raise StoreUnavailable(
                f"S3 {action} of {key} in {self.url} failed: {code}: {message}", key=key
            ) from exc
        except BotoCoreError as exc:
            raise StoreUnavailable(
                f"S3 {action} of {key} in {self.url} failed: {exc}", key=key
            ) from exc


def _http_status(exc: Exception) -> int | None:
    response = getattr(exc, "response", None) or {}
    return response.get("ResponseMetadata", {}).get("HTTPStatusCode")


# --------------------------------------------------------------------------- open


def open_store(url: str, *, s3_client: Any = None) -> Store:
    """Open the store a ``STORE_URL`` names.

    ``file://PATH`` (relative paths allowed, resolved against the current
    folder now) gives a LocalStore; ``s3://bucket[/prefix]`` an S3Store using
    ``s3_client`` or a default ``boto3.client("s3")``. Anything else raises
    SettingsError naming STORE_URL.

        >>> open_store("file://./data")
        LocalStore('file://./data')
        >>> open_store("s3://my-bucket/copilot").prefix
        'copilot'
    """
    if url.startswith("file://"):
        path = url[len("file://"):]
        if not path:
            raise SettingsError(f"STORE_URL has no folder after file:// (got {url!r})")
        return LocalStore(path, url=url)
    if url.startswith("s3://"):
        bucket, _, prefix = url[len("s3://"):].partition("/")
        if not _BUCKET_NAME.fullmatch(bucket):
            raise SettingsError(
                f"STORE_URL must name an S3 bucket (3-63 of a-z 0-9 . -) after s3:// (got {url!r})"
            )
        prefix = prefix.strip("/")
        if prefix and (problem := _key_problem(prefix)):
            raise SettingsError(f"STORE_URL has an invalid key prefix {prefix!r}: {problem} (got {url!r})")
        return S3Store(bucket, prefix, client=s3_client)
    raise SettingsError(f"STORE_URL must start with file:// or s3:// (got {url!r})")
