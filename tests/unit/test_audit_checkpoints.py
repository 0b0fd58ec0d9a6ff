"""Checkpoint files, the chain formulas and the audit settings, without Flask or a database."""
from __future__ import annotations

import base64
import json
import os
import stat
from datetime import datetime, timezone

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from reviewq.audit.chain import GENESIS, event_hash, key_id, legacy_hash, seal, seal_matches
from reviewq.audit.checkpoints import CheckpointError, latest_checkpoint, load_checkpoints, write_checkpoint
from reviewq.audit.keys import AuditConfigError, parse_signing_key
from reviewq.config import ConfigError, load_settings

NOW = datetime(2026, 12, 2, 6, 0, tzinfo=timezone.utc)
HEAD = "ab" * 32


@pytest.fixture
def signer():
    return Ed25519PrivateKey.generate()


def _write(folder, signer, seq=7, head=HEAD):
    return write_checkpoint(folder, signer, seq=seq, head=head, key_id="k" * 16, keyed_from=1, now=NOW)


def test_a_written_checkpoint_reads_back_with_its_signature_checked(tmp_path, signer):
    _write(tmp_path, signer, seq=3)
    path = _write(tmp_path, signer, seq=12)
    cps = load_checkpoints(tmp_path)
    assert [(c.seq, c.head, c.keyed_from) for c in cps] == [(3, HEAD, 1), (12, HEAD, 1)]
    assert cps[1].at == "2026-12-02T06:00:00+00:00" and latest_checkpoint(tmp_path).path == path
    assert len(list(tmp_path.glob("signer-*.pem"))) == 1   # the public key, beside the checkpoints


def test_a_seq_already_checkpointed_is_kept_as_first_written(tmp_path, signer):
    path = _write(tmp_path, signer)
    first = path.read_bytes()
    _write(tmp_path, signer, head="cd" * 32)
    assert path.read_bytes() == first


@pytest.mark.parametrize("change", [
    lambda b: b.update(head="cd" * 32),
    lambda b: b.update(seq=b["seq"] + 1),
    lambda b: b.update(at="2027-01-01T00:00:00+00:00"),
    lambda b: b.update(signature=base64.b64encode(b"x" * 64).decode()),
])
def test_an_edited_checkpoint_is_not_authentic(tmp_path, signer, change):
    path = _write(tmp_path, signer)
    body = json.loads(path.read_text())
    change(body)
    path.write_text(json.dumps(body))
    with pytest.raises(CheckpointError, match="not authentic|its name says"):
        load_checkpoints(tmp_path)


@pytest.mark.parametrize("text,needle", [
    ("{", "not a readable JSON"), ("[]", "JSON object"), ('{"format": 1}', "malformed field"),
])
def test_a_malformed_checkpoint_file_is_named(tmp_path, text, needle):
    (tmp_path / "checkpoint-000000000001.json").write_text(text)
    with pytest.raises(CheckpointError, match=needle) as e:
        load_checkpoints(tmp_path)
    assert "checkpoint-000000000001.json" in str(e.value)


def test_a_bool_or_negative_seq_and_a_bad_head_are_malformed(tmp_path, signer):
    path = _write(tmp_path, signer)
    for change in ({"seq": True}, {"seq": -1}, {"head": "xyz"}, {"format": "other/9"}):
        body = {**json.loads(path.read_text()), **change}
        path.write_text(json.dumps(body))
        with pytest.raises(CheckpointError):
            load_checkpoints(tmp_path)


def test_the_signer_key_must_be_present_and_match_its_name(tmp_path, signer):
    _write(tmp_path, signer)
    pem = next(tmp_path.glob("signer-*.pem"))
    other = Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    pem.write_bytes(other)
    with pytest.raises(CheckpointError, match="not the Ed25519 key"):
        load_checkpoints(tmp_path)
    pem.unlink()
    with pytest.raises(CheckpointError, match="is not in"):
        load_checkpoints(tmp_path)


def test_a_missing_folder_is_bad_input(tmp_path):
    with pytest.raises(CheckpointError, match="does not exist"):
        load_checkpoints(tmp_path / "gone")
    assert latest_checkpoint(tmp_path / "gone") is None


def test_seals_need_the_key_and_links_do_not():
    at = datetime(2026, 11, 2, 14, tzinfo=timezone.utc)
    h = event_hash(GENESIS, 1, at, 3, "draft.create", 9, {"revision": 1})
    assert h == event_hash(GENESIS, 1, at, 3, "draft.create", 9, {"revision": 1})
    assert h != event_hash(GENESIS, 1, at, 4, "draft.create", 9, {"revision": 1})
    assert h != legacy_hash(GENESIS, 1, at, 3, "draft.create", 9, {"revision": 1})
    assert seal(b"key-one", h) != seal(b"key-two", h)
    assert seal_matches(b"key-one", h, seal(b"key-one", h)) and not seal_matches(b"key-one", h, None)
    assert len(key_id(b"key-one")) == 16 and key_id(b"key-one") != key_id(b"key-two")


def test_signing_keys_are_read_as_pem_or_seed(signer):
    raw = signer.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                               serialization.NoEncryption())
    pem = signer.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                               serialization.NoEncryption()).decode()
    for text in (pem, raw.hex(), base64.b64encode(raw).decode()):
        assert parse_signing_key(text).public_key() == signer.public_key()
    for bad in ("not a key", "-----BEGIN PRIVATE KEY-----\nxx\n-----END PRIVATE KEY-----", "00" * 31):
        with pytest.raises(AuditConfigError):
            parse_signing_key(bad)


def test_the_audit_key_is_generated_once_with_0600(tmp_path):
    first = load_settings(env={"REVIEWQ_INSTANCE_DIR": str(tmp_path)})
    again = load_settings(env={"REVIEWQ_INSTANCE_DIR": str(tmp_path)})
    assert first.audit_key == again.audit_key and len(first.audit_key) >= 32
    assert stat.S_IMODE(os.stat(tmp_path / "audit_key").st_mode) == 0o600
    assert first.audit_checkpoint_dir == tmp_path.resolve() / "audit-checkpoints"
    assert load_settings(env={"REVIEWQ_INSTANCE_DIR": str(tmp_path), "REVIEWQ_AUDIT_KEY": "k" * 40}).audit_key \
        == "k" * 40


@pytest.mark.parametrize("env,needle", [
    ({"REVIEWQ_AUDIT_KEY": "short"}, "REVIEWQ_AUDIT_KEY"),
    ({"REVIEWQ_AUDIT_CHECKPOINT_EVERY": "ten"}, "REVIEWQ_AUDIT_CHECKPOINT_EVERY"),
    ({"REVIEWQ_AUDIT_CHECKPOINT_EVERY": "0"}, "REVIEWQ_AUDIT_CHECKPOINT_EVERY"),
    ({"REVIEWQ_AUDIT_CHECKPOINT_MINUTES": "nan"}, "REVIEWQ_AUDIT_CHECKPOINT_MINUTES"),
])
def test_bad_audit_settings_are_config_errors(tmp_path, env, needle):
    with pytest.raises(ConfigError, match=needle):
        load_settings(env={"REVIEWQ_INSTANCE_DIR": str(tmp_path), **env})
