"""Signed checkpoints: written, read back, refused when forged, kept across key rotation."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from api.audit_anchor import AnchorError, AuditAnchor, Checkpoint, read_keys


def test_checkpoints_read_back_as_written(tmp_path: Path) -> None:
    anchor = AuditAnchor.open(tmp_path / "k", tmp_path / "c.jsonl", None)
    anchor.record([Checkpoint(1, "a" * 64)])
    anchor.record([Checkpoint(2, "b" * 64)])
    log = anchor.read()
    assert (log.checkpoints, log.bad_line, log.last_sequence) == (
        {1: "a" * 64, 2: "b" * 64},
        None,
        2,
    )


def test_a_checkpoint_signed_with_another_key_is_refused(tmp_path: Path) -> None:
    AuditAnchor.open(tmp_path / "other", tmp_path / "c.jsonl", None).record(
        [Checkpoint(1, "a" * 64)]
    )
    log = AuditAnchor.open(tmp_path / "k", tmp_path / "c.jsonl", None).read()
    assert (log.checkpoints, log.bad_line) == ({}, 1)


def test_rotation_keeps_old_checkpoints_valid(tmp_path: Path) -> None:
    key_file = tmp_path / "audit.key"
    old = AuditAnchor.open(key_file, tmp_path / "c.jsonl", None)
    old.record([Checkpoint(1, "a" * 64)])
    key_file.write_text(secrets.token_hex(32) + "\n" + key_file.read_text())
    new = AuditAnchor.open(key_file, tmp_path / "c.jsonl", None)
    new.record([Checkpoint(2, "b" * 64)])
    assert new.read().checkpoints == {1: "a" * 64, 2: "b" * 64}
    assert new.signing_key != old.signing_key


def test_the_environment_key_wins_and_must_be_hex(tmp_path: Path) -> None:
    key = secrets.token_hex(32)
    anchor = AuditAnchor.open(tmp_path / "k", tmp_path / "c.jsonl", key)
    assert anchor.signing_key == bytes.fromhex(key)
    assert not (tmp_path / "k").exists()
    with pytest.raises(AnchorError, match="PLACEMENT_AUDIT_KEY"):
        AuditAnchor.open(tmp_path / "k", tmp_path / "c.jsonl", "not hex")


def test_a_key_file_is_made_once_and_private(tmp_path: Path) -> None:
    first = read_keys(tmp_path / "audit.key")
    assert read_keys(tmp_path / "audit.key") == first
    assert (tmp_path / "audit.key").stat().st_mode & 0o777 == 0o600
