"""Random tokens and their keyed hashes (only hashes are stored)."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_token(prefix: str = "") -> str:
    """A fresh 256-bit random token, URL-safe."""
    return prefix + secrets.token_urlsafe(32)


def token_hash(secret_key: str, token: str) -> str:
    """HMAC-SHA-256 of a token under the instance secret, hex."""
    return hmac.new(secret_key.encode(), token.encode(), hashlib.sha256).hexdigest()
