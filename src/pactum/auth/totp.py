"""Optional TOTP second factor (AUTH-3), with replay protection."""

from __future__ import annotations

import time

import pyotp
import segno

ISSUER = "Pactum"


def new_secret() -> str:
    """A fresh base32 TOTP secret."""
    return str(pyotp.random_base32())


def provisioning_uri(secret: str, email: str) -> str:
    """The otpauth:// URI an authenticator app reads."""
    return str(pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER))


def qr_svg(uri: str) -> str:
    """The provisioning URI as an inline SVG QR code (rendered locally)."""
    return str(segno.make(uri, error="m").svg_inline(scale=5, dark="#111", light="#fff"))


def matching_step(secret: str, code: str, *, now: float | None = None) -> int | None:
    """Return the time step a 6-digit code matches (±1 step of drift), or ``None``."""
    code = code.strip().replace(" ", "")
    if not (len(code) == 6 and code.isdecimal()):
        return None
    totp = pyotp.TOTP(secret)
    moment = time.time() if now is None else now
    current = int(moment // totp.interval)
    for step in (current - 1, current, current + 1):
        if totp.generate_otp(step) == code:
            return step
    return None


def code_for(secret: str, *, now: float | None = None) -> str:
    """The current code for a secret (tests and the demo use it)."""
    return str(pyotp.TOTP(secret).at(time.time() if now is None else now))
