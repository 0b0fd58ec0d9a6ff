"""Signed checkpoints: Ed25519 statements of (seq, head hash, time, key id) kept outside the database.

One JSON file per checkpoint, `checkpoint-<seq>.json`, in the checkpoint
folder; the signer's public key sits beside them as `signer-<id>.pem`, so a
verifier needs nothing from the database or the server to check them (an
evidence pack can carry both). The statement signed is the canonical JSON of
every field but `signature`. This module reads and writes files only; what
to checkpoint and when is reviewq.audit.jobs, comparing is reviewq.audit.verify.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from reviewq.audit.chain import canonical

FORMAT = "reviewq-audit-checkpoint/1"
_NAME = re.compile(r"^checkpoint-(\d{12})\.json$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_FIELDS = {"format": str, "seq": int, "head": str, "at": str, "key_id": str, "keyed_from": (int, type(None)),
           "signer": str, "signature": str}


class CheckpointError(ValueError):
    """A checkpoint folder or file is missing, malformed or not authentic (bad input: exit 2)."""


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    head: str
    at: str
    key_id: str
    keyed_from: int | None
    signer: str
    path: Path | None = None

    @property
    def name(self) -> str:
        return self.path.name if self.path else f"checkpoint #{self.seq}"

    def statement(self) -> dict:
        return {"format": FORMAT, "seq": self.seq, "head": self.head, "at": self.at, "key_id": self.key_id,
                "keyed_from": self.keyed_from, "signer": self.signer}


def signer_id(public_key) -> str:
    from cryptography.hazmat.primitives import serialization
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def file_name(seq: int) -> str:
    return f"checkpoint-{seq:012d}.json"


def write_checkpoint(folder: Path, signing_key, *, seq: int, head: str, key_id: str, keyed_from: int | None,
                     now: datetime) -> Path:
    """Sign and write the checkpoint of `seq` (kept as is if that seq was checkpointed already)."""
    from cryptography.hazmat.primitives import serialization
    folder.mkdir(parents=True, exist_ok=True)
    public = signing_key.public_key()
    signer = signer_id(public)
    pem_path = folder / f"signer-{signer}.pem"
    if not pem_path.exists():
        _write_new(pem_path, public.public_bytes(serialization.Encoding.PEM,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo))
    cp = Checkpoint(seq=seq, head=head, at=now.astimezone(timezone.utc).isoformat(timespec="seconds"),
                    key_id=key_id, keyed_from=keyed_from, signer=signer)
    body = cp.statement()
    body["signature"] = base64.b64encode(signing_key.sign(canonical(cp.statement()))).decode()
    path = folder / file_name(seq)
    if not path.exists():
        _write_new(path, (json.dumps(body, indent=1, sort_keys=True) + "\n").encode())
    return path


def _write_new(path: Path, data: bytes) -> None:
    """Write whole or not at all, never over an existing file (two writers may race)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


def checkpoint_files(folder: Path) -> list[tuple[int, Path]]:
    """(seq, path) of every checkpoint file in `folder`, oldest first; CheckpointError if not a folder."""
    if not folder.is_dir():
        raise CheckpointError(f"checkpoint folder {folder} does not exist")
    found = []
    for p in folder.iterdir():
        m = _NAME.match(p.name)
        if m:
            found.append((int(m.group(1)), p))
    return sorted(found)


def load_checkpoints(folder: Path) -> list[Checkpoint]:
    """Every checkpoint in `folder`, each checked against its signer's public key, oldest first."""
    public_keys: dict = {}
    return [read_checkpoint(p, seq, public_keys) for seq, p in checkpoint_files(folder)]


def latest_checkpoint(folder: Path) -> Checkpoint | None:
    files = checkpoint_files(folder) if folder.is_dir() else []
    return read_checkpoint(files[-1][1], files[-1][0]) if files else None


def read_checkpoint(path: Path, seq_in_name: int | None = None, public_keys: dict | None = None) -> Checkpoint:
    try:
        body = json.loads(path.read_bytes())
    except (OSError, ValueError) as e:
        raise CheckpointError(f"{path.name}: not a readable JSON checkpoint ({type(e).__name__})") from None
    cp = parse_checkpoint(body, path)
    if seq_in_name is not None and cp.seq != seq_in_name:
        raise CheckpointError(f"{path.name}: says seq {cp.seq}, but its name says {seq_in_name}")
    public_keys = {} if public_keys is None else public_keys
    if cp.signer not in public_keys:
        public_keys[cp.signer] = _public_key(path.parent, cp.signer, path.name)
    check_signature(cp, body["signature"], public_keys[cp.signer])
    return cp


def parse_checkpoint(body, path: Path | None = None) -> Checkpoint:
    name = path.name if path else "checkpoint"
    if not isinstance(body, dict):
        raise CheckpointError(f"{name}: not a checkpoint (a JSON object is expected)")
    for key, kind in _FIELDS.items():
        if key not in body or not isinstance(body[key], kind) or isinstance(body[key], bool):
            raise CheckpointError(f"{name}: missing or malformed field {key!r}")
    if body["format"] != FORMAT:
        raise CheckpointError(f"{name}: unknown format {body['format']!r}")
    if body["seq"] < 0 or not _HEX64.match(body["head"]):
        raise CheckpointError(f"{name}: malformed seq or head hash")
    try:
        datetime.fromisoformat(body["at"])
    except ValueError:
        raise CheckpointError(f"{name}: malformed time {body['at']!r}") from None
    return Checkpoint(seq=body["seq"], head=body["head"], at=body["at"], key_id=body["key_id"],
                      keyed_from=body["keyed_from"], signer=body["signer"], path=path)


def check_signature(cp: Checkpoint, signature: str, public_key) -> None:
    from cryptography.exceptions import InvalidSignature
    try:
        public_key.verify(base64.b64decode(signature, validate=True), canonical(cp.statement()))
    except (InvalidSignature, ValueError, binascii.Error):
        raise CheckpointError(f"{cp.name}: the signature does not verify: the checkpoint is not authentic") \
            from None


def load_public_key(pem: bytes, expected_id: str, where: str):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    try:
        key = serialization.load_pem_public_key(pem)
    except ValueError:
        raise CheckpointError(f"{where}: not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey) or signer_id(key) != expected_id:
        raise CheckpointError(f"{where}: not the Ed25519 key {expected_id}")
    return key


def _public_key(folder: Path, signer: str, name: str):
    if not re.fullmatch(r"[0-9a-f]{16}", signer):
        raise CheckpointError(f"{name}: malformed signer id")
    pem = folder / f"signer-{signer}.pem"
    if not pem.is_file():
        raise CheckpointError(f"{name}: the signer's public key {pem.name} is not in {folder}")
    return load_public_key(pem.read_bytes(), signer, pem.name)
