"""Submission receipts: a SHA-256 digest over a proposal version's content and its attachments.

The digest is computed over a canonical JSON text (sorted keys, no insignificant whitespace, UTF-8), in
which each attachment appears with the SHA-256 of its bytes. Anyone holding the stored version can
recompute it: the same content and the same files give the same digest; a changed byte gives another.
"""
import hashlib
import json
from collections.abc import Mapping
from typing import Any


def canonical(content: Mapping[str, Any]) -> bytes:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def digest(content: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(content)).hexdigest()


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def verification_problems(content: Mapping[str, Any], recorded_digest: str, files: Mapping[str, bytes | None]) -> list[str]:
    """What no longer matches: 'attachment:<filename>' for each file whose bytes changed or are gone, and
    'content' when the stored content no longer gives the recorded digest. Empty: the receipt verifies.

    `files` maps each attachment's recorded sha256 to the bytes stored now (None when the file is gone).
    """
    problems = []
    for attachment in content.get("attachments", []):
        data = files.get(attachment["sha256"])
        if data is None or file_digest(data) != attachment["sha256"]:
            problems.append(f"attachment:{attachment['filename']}")
    if digest(content) != recorded_digest:
        problems.append("content")
    return problems
