"""The audit chain's HMAC key and the checkpoint signing key, configured once per process.

Neither key lives in the database. The HMAC key comes from REVIEWQ_AUDIT_KEY or
a file generated once under instance/ (config.py does that, like the secret
key); the Ed25519 signing key from REVIEWQ_AUDIT_SIGNING_KEY or
instance/audit_signing_key.pem, generated (0600) the first time a checkpoint is
signed. create_app() calls configure(); appends and verify read current().
"""
from __future__ import annotations

import base64
import binascii
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from reviewq.audit.chain import key_id


class AuditConfigError(RuntimeError):
    """The audit keys are missing or unusable: nothing can be appended or signed."""


@dataclass
class AuditConfig:
    key: bytes
    checkpoint_dir: Path
    signing_key_file: Path
    signing_key_text: str | None = None
    checkpoint_every: int = 100
    checkpoint_minutes: float = 60.0
    _signer: object = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def key_id(self) -> str:
        return key_id(self.key)

    def signing_key(self):
        """The Ed25519 private key (cryptography), loaded or generated on first use."""
        with self._lock:
            if self._signer is None:
                self._signer = _load_signing_key(self.signing_key_text, self.signing_key_file)
            return self._signer


_current: AuditConfig | None = None


def configure(settings) -> AuditConfig:
    global _current
    _current = AuditConfig(key=settings.audit_key.encode(), checkpoint_dir=settings.audit_checkpoint_dir,
                           signing_key_file=settings.instance_dir / "audit_signing_key.pem",
                           signing_key_text=settings.audit_signing_key,
                           checkpoint_every=settings.audit_checkpoint_every,
                           checkpoint_minutes=settings.audit_checkpoint_minutes)
    return _current


def current() -> AuditConfig:
    if _current is None:
        raise AuditConfigError("the audit key is not configured (create_app() configures it)")
    return _current


def _load_signing_key(text: str | None, path: Path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    if text:
        return parse_signing_key(text)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        # 0600: readable by the service account only, like the secret key; linked into place
        # whole, so a process starting at the same time reads the first one's key, never half.
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
        try:
            os.link(tmp, path)
        except FileExistsError:  # another process generated it first: use theirs
            pass
        finally:
            tmp.unlink()
    try:
        return parse_signing_key(path.read_text())
    except AuditConfigError as e:
        raise AuditConfigError(f"{path}: {e}") from None


def parse_signing_key(text: str):
    """An Ed25519 private key from PEM (PKCS#8) or the 32-byte seed in hex or base64."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode(), password=None)
        else:
            raw = bytes.fromhex(text) if len(text) == 64 else base64.b64decode(text, validate=True)
            key = Ed25519PrivateKey.from_private_bytes(raw)
    except (ValueError, TypeError, binascii.Error):
        raise AuditConfigError("not an Ed25519 private key (PEM, or the 32-byte seed in hex or base64)") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise AuditConfigError("the checkpoint signing key must be Ed25519")
    return key
