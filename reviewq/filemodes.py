"""Where reviewq keeps patient-adjacent data on disk, only the service account may read it.

The SQLite database is created 0600 (SQLite gives its -wal and -shm files the
database's mode) and the instance and upload folders 0700. Existing files and
folders are left as the operator set them.
"""
from __future__ import annotations

import os
from pathlib import Path


def private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) readable by the owner only."""
    path = Path(path)
    missing = []
    p = path
    while not p.exists():
        missing.append(p)
        p = p.parent
    for d in reversed(missing):
        try:
            d.mkdir(mode=0o700)
        except FileExistsError:
            continue
        os.chmod(d, 0o700)  # mkdir's mode is filtered by the umask
    return path


def private_sqlite_file(database: str | None) -> None:
    """Create the SQLite file 0600 before SQLite does (it would use the umask, usually 0644)."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if path.exists():
        return
    private_dir(path.parent)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
