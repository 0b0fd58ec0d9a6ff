"""The S3-compatible bucket behind REVIEWQ_STORAGE_URL=s3://bucket/prefix.

The only module that imports boto3. Endpoint and credentials come from boto3's
own environment chain (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
or an instance role), so MinIO, Ceph or AWS itself all work. reviewq.storage
decides when to put and fetch; this module only moves bytes.
"""
from __future__ import annotations

import logging
import os
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlsplit

log = logging.getLogger("reviewq.storage")


def parse_s3_url(url: str) -> tuple[str, str]:
    """("bucket", "prefix") from "s3://bucket/prefix"; ValueError if there is no bucket."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError("expected s3://bucket or s3://bucket/prefix")
    return parts.netloc, parts.path.strip("/")


class Bucket:
    def __init__(self, url: str, endpoint_url: str | None = None):
        from boto3.exceptions import Boto3Error
        from botocore.exceptions import BotoCoreError, ClientError
        self.name, self.prefix = parse_s3_url(url)
        self.endpoint_url = endpoint_url
        self.errors = (BotoCoreError, ClientError, Boto3Error)  # Boto3Error: S3UploadFailedError
        self._local = threading.local()

    def _client(self):
        # One client per thread and process: boto3 clients must not cross a fork (gunicorn workers).
        c = getattr(self._local, "client", None)
        if c is None or self._local.pid != os.getpid():
            import boto3
            from botocore.config import Config
            cfg = Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"},
                         # Path-style URLs: S3-compatible servers on a plain host name or IP address.
                         s3={"addressing_style": "path"} if self.endpoint_url else {})
            c = boto3.session.Session().client("s3", endpoint_url=self.endpoint_url, config=cfg)
            self._local.client, self._local.pid = c, os.getpid()
        return c

    def key(self, storage_key: str) -> str:
        return f"{self.prefix}/{storage_key}" if self.prefix else storage_key

    def put(self, local: Path, storage_key: str, content_type: str) -> None:
        self._client().upload_file(str(local), self.name, self.key(storage_key),
                                   ExtraArgs={"ContentType": content_type})

    def fetch(self, storage_key: str, dest: Path) -> bool:
        """Download into `dest` (atomically); False when the bucket has no such file or cannot be reached."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".fetch-")
        os.close(fd)
        try:
            self._client().download_file(self.name, self.key(storage_key), tmp)
            os.replace(tmp, dest)
            return True
        except self.errors as e:
            # The class only: the key is a hash, but error texts can carry request details.
            log.warning("attachment fetch from bucket failed: %s", type(e).__name__)
            return False
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    def delete(self, storage_key: str) -> None:
        self._client().delete_object(Bucket=self.name, Key=self.key(storage_key))

    def probe(self) -> bool:
        """Write and delete a small object (for /readyz)."""
        key = self.key(f".readyz/{os.uname().nodename if hasattr(os, 'uname') else 'host'}-{os.getpid()}")
        try:
            c = self._client()
            c.put_object(Bucket=self.name, Key=key, Body=b"ok")
            c.delete_object(Bucket=self.name, Key=key)
            return True
        except self.errors as e:
            log.warning("storage probe failed: %s", type(e).__name__)
            return False
