"""A store in an S3 bucket (`s3://bucket/prefix`), through a boto3 client."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from ..contract.keys import validate_key
from ..errors import StoreConflict, StoreUnavailable
from .base import Store, conflict_message, validate_prefix

_PART_SIZE = 8 << 20  # multipart upload parts (S3 needs at least 5 MiB)


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
        validate_prefix(prefix)
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
                raise StoreConflict(conflict_message(key, self.url, if_tag), key=key) from exc
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
