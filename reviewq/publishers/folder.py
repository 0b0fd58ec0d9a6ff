"""The default publisher: each released post becomes one JSON file in the outbox folder (REVIEWQ_OUTBOX_DIR).

The file is named by the idempotency key and written atomically (temp file,
fsync, rename), so a retry of the same release overwrites its own file instead
of adding a second post, and a reader never sees half a file. Safe to call from
several threads at once (each write has its own temp file).
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

from reviewq.publishers import PublishResult


class FolderPublisher:
    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def path_for(self, key: str) -> Path:
        return self.folder / (re.sub(r"[^A-Za-z0-9_.-]", "_", key) + ".json")

    def publish(self, payload: dict, key: str) -> PublishResult:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            final = self.path_for(key)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    json.dump({**payload, "idempotency_key": key}, f, ensure_ascii=False, indent=1)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, final)
            except BaseException:
                if os.path.exists(tmp):
                    os.unlink(tmp)
                raise
        except OSError as e:
            return PublishResult(False, error=f"could not write to the outbox folder: {type(e).__name__}")
        return PublishResult(True, ref=f"outbox:{final.name}")

    def close(self) -> None:
        """Nothing to release: every publish opens and closes its own file."""
