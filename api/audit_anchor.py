"""The audit log's anchor outside the database: HMAC-signed checkpoints in an append-only file.

A hash chain kept inside the database proves nothing against whoever can rewrite the database:
they can cut the tail and rewind the head row, rewrite an entry with fresh digests, or restore
an older copy. So, after every transaction that appends entries commits, the last entry's
sequence and digest are written as one line to a checkpoint file, signed with HMAC-SHA256 under
a key that the database never holds. Verification (`api.audit.verify`) compares the chain with
the checkpoints: an entry that differs from its checkpoint was rewritten; a checkpoint beyond
the chain's end means "entries after N are missing" (a cut tail or a restored backup).

The key: `PLACEMENT_AUDIT_KEY` (hex), else the file `Settings.audit_key_path`, created with 32
random bytes on first start (mode 0600). The file may hold several keys, one per line: the first
signs, the others still verify older checkpoints (rotation: put a new key on the first line and
keep the old ones below it). A checkpoint line names its key by the key's id (a digest prefix).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

KEY_BYTES = 32


class AnchorError(Exception):
    """The key or the checkpoint file cannot be used; the message names the file."""


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The chain's entry `sequence` had digest `entry_digest` when it was committed."""

    sequence: int
    entry_digest: str


@dataclass(frozen=True, slots=True)
class CheckpointLog:
    """The checkpoint file as read: sound checkpoints by sequence, and any line that fails."""

    checkpoints: dict[int, str]
    bad_line: int | None
    """The first line (from 1) that is unreadable or not signed by a known key."""

    @property
    def last_sequence(self) -> int:
        return max(self.checkpoints, default=0)


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"placement-audit-key:" + key).hexdigest()[:16]


class AuditAnchor:
    """Signs checkpoints into the file and reads them back; holds the keys, never the store."""

    def __init__(self, keys: list[bytes], checkpoint_path: Path) -> None:
        if not keys:
            raise AnchorError("the audit key list is empty")
        self.signing_key = keys[0]
        self.keys = {key_id(k): k for k in keys}
        self.checkpoint_path = checkpoint_path

    @classmethod
    def open(cls, key_path: Path, checkpoint_path: Path, key_hex: str | None) -> AuditAnchor:
        """The anchor with the environment's key, else the key file's (made if absent)."""
        keys = [_parse_key(key_hex, "PLACEMENT_AUDIT_KEY")] if key_hex else read_keys(key_path)
        checkpoint_path.parent.mkdir(parents=True, exist_ok=True)
        return cls(keys, checkpoint_path)

    def mac(self, checkpoint: Checkpoint, key: bytes) -> str:
        message = f"{checkpoint.sequence}\n{checkpoint.entry_digest}".encode()
        return hmac.new(key, message, hashlib.sha256).hexdigest()

    def record(self, checkpoints: Iterable[Checkpoint]) -> None:
        """Append signed lines for the checkpoints and flush them to disk."""
        lines = "".join(
            json.dumps(
                {
                    "sequence": c.sequence,
                    "entry_digest": c.entry_digest,
                    "key_id": key_id(self.signing_key),
                    "mac": self.mac(c, self.signing_key),
                },
                separators=(",", ":"),
            )
            + "\n"
            for c in checkpoints
        )
        if not lines:
            return
        descriptor = os.open(self.checkpoint_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(descriptor, lines.encode())
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

    def read(self) -> CheckpointLog:
        """Every sound checkpoint; reading stops at the first line that is not one."""
        checkpoints: dict[int, str] = {}
        if not self.checkpoint_path.exists():
            return CheckpointLog(checkpoints, None)
        with self.checkpoint_path.open(encoding="utf-8", errors="replace") as lines:
            for number, line in enumerate(lines, start=1):
                checkpoint = self._checked(line)
                if checkpoint is None:
                    return CheckpointLog(checkpoints, number)
                checkpoints[checkpoint.sequence] = checkpoint.entry_digest
        return CheckpointLog(checkpoints, None)

    def _checked(self, line: str) -> Checkpoint | None:
        try:
            item = json.loads(line)
            checkpoint = Checkpoint(int(item["sequence"]), str(item["entry_digest"]))
            key = self.keys.get(str(item["key_id"]))
            mac = str(item["mac"])
        except (ValueError, KeyError, TypeError):
            return None
        if key is None or not hmac.compare_digest(mac, self.mac(checkpoint, key)):
            return None
        return checkpoint


def read_keys(path: Path) -> list[bytes]:
    """The keys in the file, first one signing; a new file with one fresh key if absent."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it meanwhile
        else:
            try:
                os.write(descriptor, (secrets.token_hex(KEY_BYTES) + "\n").encode())
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as error:
        raise AnchorError(f"cannot read the audit key file {path}: {error}") from None
    keys = [_parse_key(line.strip(), str(path)) for line in text.splitlines() if line.strip()]
    if not keys:
        raise AnchorError(f"the audit key file {path} holds no key")
    return keys


def _parse_key(text: str, where: str) -> bytes:
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise AnchorError(f"{where}: an audit key is {KEY_BYTES} bytes as hex") from None
    if len(key) < 16:
        raise AnchorError(f"{where}: an audit key is {KEY_BYTES} bytes as hex")
    return key
