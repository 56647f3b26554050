"""A store in a folder on disk (`file://PATH`)."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from ..contract.keys import validate_key
from ..errors import InvalidStoreFile, StoreConflict, StoreUnavailable
from .base import Store, conflict_message, validate_prefix

_LOCK_DIR = ".locks"
_TAGS_DIR = ".tags"  # the sha256 of large files by identity, so a new process need not hash them
_TAG_MEMO_MIN = 256 << 10  # smaller files hash faster than a memo is read
_TMP_SUFFIX = ".tmp"


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
                raise StoreConflict(conflict_message(key, self.url, if_tag), key=key)
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
            handle = open(self._path(key), "rb")  # noqa: SIM115 (the generator below closes it)
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
        validate_prefix(prefix)
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
