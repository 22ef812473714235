"""Password hashing (argon2id) and the password policy (AUTH-1)."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from pactum.core.errors import ValidationFailed

MIN_LENGTH = 12
MAX_LENGTH = 256

# argon2id with the library's RFC 9106 "low memory" profile defaults.
_hasher = PasswordHasher()


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    """The 30,000 most common passwords (from zxcvbn's frequency lists)."""
    return frozenset(FREQUENCY_LISTS["passwords"])


def check_policy(password: str, *, field: str = "password", email: str = "") -> None:
    """Raise a field error unless the password is acceptable; no composition rules."""
    if len(password) < MIN_LENGTH:
        raise ValidationFailed(field, f"must be at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise ValidationFailed(field, f"must be at most {MAX_LENGTH} characters")
    lowered = password.lower()
    if lowered in _common() or len(set(lowered)) <= 2:
        raise ValidationFailed(field, "is too common; choose a less guessable password")
    local = email.split("@", 1)[0].lower()
    if local and len(local) >= 4 and local in lowered:
        raise ValidationFailed(field, "must not contain your e-mail name")


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Check a password against its hash, in constant time."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash("pactum-timing-equaliser")


def burn_time(password: str) -> None:
    """Spend the time of a verification when the account does not exist (no oracle)."""
    verify_password(_dummy_hash(), password)
