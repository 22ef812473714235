"""Random tokens and their keyed hashes (only hashes are stored)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets


def new_token(prefix: str = "") -> str:
    """A fresh 256-bit random token, URL-safe."""
    return prefix + secrets.token_urlsafe(32)


def token_hash(secret_key: str, token: str) -> str:
    """HMAC-SHA-256 of a token under the instance secret, hex."""
    return hmac.new(secret_key.encode(), token.encode(), hashlib.sha256).hexdigest()


def derived_token(secret_key: str, kind: str, record_id: object, nonce: str) -> str:
    """The secret token of a single-use link, derived from the instance secret, the kind
    of link, its record and a random nonce: it can be put in an e-mail later without ever
    being stored (only :func:`token_hash` of it is)."""
    digest = hmac.new(secret_key.encode(), f"{kind}:{record_id}:{nonce}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")
