"""Response schema of a stored file."""

from __future__ import annotations

import uuid
from datetime import datetime

from pactum.core.schemas import Output


class FileRead(Output):
    """A stored file's metadata (download it from ``/api/v1/alliances/{id}/files/{id}``)."""

    id: uuid.UUID
    filename: str
    media_type: str
    size: int
    sha256: str
    visibility: str
    created_by_id: uuid.UUID
    created_at: datetime
