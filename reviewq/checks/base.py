"""Values shared by every check: the finding, and the inputs checks may see."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

SEVERITIES = ("block", "warn", "info")


@dataclass(frozen=True)
class Finding:
    """One problem in a post, in the contract's format (see shared/CONTRACT.md)."""

    check: str
    category: str
    severity: str
    start: int | None
    end: int | None
    text: str
    message: str
    policy: str
    fix: str = ""
    attachment_id: int | None = None
    box: tuple[int, int, int, int] | None = None
    # Which rule or model signal fired ("rule:phone.international", "model:story 0.93"): an extra key.
    source: str = ""

    @property
    def key(self) -> str:
        """Stable identity of a finding within one revision (used for justifications)."""
        where = f"a{self.attachment_id}" if self.attachment_id is not None else f"{self.start}-{self.end}"
        return f"{self.check}:{self.category}:{where}"

    def to_dict(self) -> dict:
        d = {"check": self.check, "category": self.category, "severity": self.severity,
             "start": self.start, "end": self.end, "text": self.text,
             "message": self.message, "policy": self.policy, "key": self.key}
        if self.fix:
            d["fix"] = self.fix
        if self.attachment_id is not None:
            d["attachment_id"] = self.attachment_id
            d.pop("start"), d.pop("end")
        if self.box is not None:
            d["box"] = list(self.box)
        if self.source:
            d["source"] = self.source
        return d


@dataclass(frozen=True)
class AttachmentInfo:
    """What checks may know about an attachment (no bytes: image scans are separate)."""

    id: int
    content_type: str
    alt_text: str = ""
    filename: str = ""


@dataclass(frozen=True)
class ConsentInfo:
    """A consent record linked to the draft, as of the moment of checking."""

    id: int
    subject_name: str
    covers: frozenset[str]
    channels: frozenset[str] = field(default_factory=frozenset)  # empty = every channel
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    revoked: bool = False
