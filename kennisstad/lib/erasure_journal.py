"""The erasure journal: an append-only file that outlives the database.

An erased person must stay erased when an older backup is restored, so the record of erasures
cannot live only in the database that a restore replaces. Each erasure appends one JSON line
(reference, keyed e-mail hash, time, reason — no personal data) to ``settings.ERASURE_JOURNAL``;
``kennisstad reapply_erasures`` reads it back.

E-mail hashes are keyed (HMAC-SHA256 over the SHA-256 of the address) with a key of their own,
not SECRET_KEY: a plain hash could be reversed by hashing a list of known addresses, and
rotating SECRET_KEY must not make the journal unmatchable. Hashing the SHA-256 rather than the
address lets a migration key the plain hashes stored before (loket 0004).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JournalEntry:
    reference: str
    email_hash: str
    at: datetime
    reason: str


def hash_key() -> bytes:
    """The key from ``ERASURE_HASH_KEY``, else one generated once into ``ERASURE_HASH_KEY_FILE`` (mode 600)."""
    if settings.ERASURE_HASH_KEY:
        return settings.ERASURE_HASH_KEY.encode()
    key_file = Path(settings.ERASURE_HASH_KEY_FILE)
    try:
        return key_file.read_text().strip().encode()
    except FileNotFoundError:
        pass
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    try:
        # O_EXCL: two workers erasing at once must not each write their own key.
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip().encode()
    with os.fdopen(fd, "w") as out:
        out.write(key)
        out.flush()
        os.fsync(out.fileno())
    return key.encode()


def keyed_hash(sha256_hex: str) -> str:
    """Key a plain SHA-256 hex digest; empty stays empty."""
    if not sha256_hex:
        return ""
    return hmac.new(hash_key(), sha256_hex.encode(), hashlib.sha256).hexdigest()


def email_hash(email: str) -> str:
    """The keyed hash of an e-mail address (case and surrounding spaces ignored); empty for none."""
    if not email or not email.strip():
        return ""
    return keyed_hash(hashlib.sha256(email.strip().lower().encode()).hexdigest())


def append(*, reference: str, email_hash: str, at: datetime, reason: str) -> None:
    """Append one entry and fsync it before returning."""
    path = Path(settings.ERASURE_JOURNAL)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(
        {"reference": reference, "email_hash": email_hash, "at": at.isoformat(), "reason": reason},
        ensure_ascii=True,
    )
    # O_APPEND keeps lines whole when several workers append at once (one short write each).
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def read() -> list[JournalEntry]:
    """Every entry in the journal, oldest first; none when there is no journal yet.

    A line that is not valid JSON (a write cut off by a crash) is skipped with a warning
    rather than stopping the re-application of all the others.
    """
    path = Path(settings.ERASURE_JOURNAL)
    if not path.exists():
        return []
    entries = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                entries.append(
                    JournalEntry(
                        reference=data["reference"],
                        email_hash=data.get("email_hash", ""),
                        at=datetime.fromisoformat(data["at"]),
                        reason=data["reason"],
                    )
                )
            except (ValueError, KeyError, TypeError):
                logger.warning("Skipping unreadable line %d of the erasure journal %s", number, path)
    return entries
