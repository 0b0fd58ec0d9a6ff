"""Before a post goes out: every attachment it carries has a served copy that exists.

The release job calls served_files() while it re-checks a post; a copy that is
missing (never made, or lost from storage) is made again here, in the worker,
and a post whose copy cannot be made is held with the reason rather than
published with a link that cannot answer.
"""
from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import select

from reviewq.media import derive
from reviewq.models import Attachment
from reviewq.storage import path_of

log = logging.getLogger("reviewq.release")


def served_files(s, revision, upload_dir: Path) -> tuple[dict, str | None]:
    """The attachments of `revision` by id, each with a served copy that exists, and None; or the hold
    reason. Repairs what it can (the rows are updated in the caller's transaction)."""
    ids = [snap["id"] for snap in revision.attachments]
    rows = {a.id: a for a in s.scalars(select(Attachment).where(Attachment.id.in_(ids)))} if ids else {}
    for att_id in ids:
        att = rows.get(att_id)
        if att is None:
            return rows, f"Attachment {att_id} of this revision no longer exists; attach it again and re-approve."
        if att.stripped_key and path_of(upload_dir, att.stripped_key).is_file():
            continue
        try:
            d = derive(upload_dir, att.storage_key, att.content_type, att.sha256, att.size_bytes)
        except (OSError, ValueError) as e:
            log.warning("attachment %s: its published copy could not be made: %s", att.id, type(e).__name__)
            return rows, (f"The file of attachment {att.id} ({att.original_name}) cannot be read, so no copy of "
                          "it can be published; replace the file and approve again.")
        for name, value in d.columns().items():
            setattr(att, name, value)
    return rows, None
