"""The dev stack's signing secret, kept in a file so tokens and links survive a restart.

One random master secret is stored; the JWT and unsubscribe secrets are derived from it per
purpose, so a leaked unsubscribe link says nothing about the token secret.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

SECRET_BYTES = 48  # base64url gives 64 characters: well over HS256's 32-byte minimum


class LocalSecretError(Exception):
    """The secret file exists but cannot be used, or cannot be written."""


def load_or_create(path: Path) -> str:
    """The secret stored at `path`, created (readable by its owner only) when missing."""
    try:
        existing = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        existing = None
    except OSError as error:
        raise LocalSecretError(f"cannot read {path}: {error}") from error
    if existing is not None:
        if len(existing.encode()) < 32:
            raise LocalSecretError(f"{path} holds fewer than 32 bytes; delete it to make a new one")
        return existing
    secret = secrets.token_urlsafe(SECRET_BYTES)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(secret + "\n")
    except FileExistsError:
        return load_or_create(path)  # another dev stack created it a moment ago: use theirs
    except OSError as error:
        raise LocalSecretError(f"cannot write {path}: {error}") from error
    return secret


def derive(master: str, purpose: str) -> str:
    """A secret for one `purpose`, stable for a given master secret."""
    return hmac.new(master.encode(), purpose.encode(), hashlib.sha256).hexdigest()
