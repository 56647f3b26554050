"""A `STORE_URL` -> the store it names."""

from __future__ import annotations

import re
from typing import Any

from ..contract.keys import key_problem
from ..errors import SettingsError
from .base import Store
from .local import LocalStore
from .s3 import S3Store

_BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


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
        if prefix and (problem := key_problem(prefix)):
            raise SettingsError(f"STORE_URL has an invalid key prefix {prefix!r}: {problem} (got {url!r})")
        return S3Store(bucket, prefix, client=s3_client)
    raise SettingsError(f"STORE_URL must start with file:// or s3:// (got {url!r})")
