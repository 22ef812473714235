"""What the API says of a signature (SIG-1), for every record that is signed."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pactum.core.schemas import Output

# The meanings a signer may give (as ``pactum.models.SIGNATURE_MEANINGS``).
Meaning = Literal["approval", "authorship", "review", "responsibility"]


class SignatureRead(Output):
    """A signature's manifestation: who, for which party, meaning, UTC time, validity."""

    printed_name: str
    party: str
    role: str
    meaning: str
    signed_at: datetime
    object_version: int
    content_sha256: str
    valid: bool
    invalidated_at: datetime | None
