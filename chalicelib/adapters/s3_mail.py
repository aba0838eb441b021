"""The raw messages SES receives, as it stores them in S3 (its receipt rule's S3 action)."""

from __future__ import annotations

from typing import Any

# SES accepts messages up to 40 MB; the inbound parser refuses more than it reads anyway, so
# a larger object is read only this far.
MAX_BYTES = 40 * 1024 * 1024


class S3StoredMail:
    def __init__(self, client: Any) -> None:
        self._client = client

    def read(self, bucket: str, key: str) -> bytes:
        response = self._client.get_object(Bucket=bucket, Key=key)
        body = response["Body"]
        try:
            data: bytes = body.read(MAX_BYTES + 1)
        finally:
            body.close()
        return data

    def delete(self, bucket: str, key: str) -> None:
        self._client.delete_object(Bucket=bucket, Key=key)
