"""Stored files in the database: the metadata row added (in the caller's transaction)
once the content is safely on disk, reads through the access layer, downloads that check
the content again, and the sweep of orphan files (DATA-3)."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pactum.access import AllianceView, get_scoped, scoped, system_scope
from pactum.access.records import audit_record
from pactum.core.errors import ValidationFailed
from pactum.files.names import media_type_for, sanitize_filename
from pactum.files.storage import (
    ORPHAN_AGE_SECONDS,
    Blob,
    FileUnavailable,
    Storage,
    SweepReport,
)
from pactum.models import StoredFile
from pactum.settings import Settings

log = logging.getLogger("pactum.files")


def storage(settings: Settings) -> Storage:
    """The instance's file storage (``PACTUM_FILES_DIR``, ``PACTUM_MAX_UPLOAD_MB``)."""
    return Storage(settings.files_root, settings.max_upload_bytes)


@dataclass(frozen=True)
class Upload:
    """Content safely stored (fsynced and renamed) and the name it was sent with."""

    blob: Blob
    filename: str

    @property
    def display_name(self) -> str:
        """The sanitised name."""
        return sanitize_filename(self.filename)


def record(
    session: Session, view: AllianceView, upload: Upload, *, visibility: str = "shared"
) -> StoredFile:
    """Add the metadata row of stored content (its file is already on disk), audited."""
    name = upload.display_name
    stored = StoredFile(
        alliance_id=view.alliance_id,
        owner_org_id=view.org_id,
        visibility=visibility,
        filename=name,
        media_type=media_type_for(name),
        size=upload.blob.size,
        sha256=upload.blob.sha256,
        storage_key=upload.blob.key,
        created_by_id=view.principal.user_id,
    )
    session.add(stored)
    session.flush()
    audit_record(
        session,
        view,
        stored,
        "file",
        "file.upload",
        new={
            "filename": stored.filename,
            "media_type": stored.media_type,
            "size": stored.size,
            "sha256": stored.sha256,
        },
    )
    return stored


def get_file(session: Session, view: AllianceView, file_id: uuid.UUID) -> StoredFile:
    """One file the caller may see, or the 404 of a missing id."""
    return get_scoped(session, view, StoredFile, file_id)


def by_id(
    session: Session, view: AllianceView, ids: Iterable[uuid.UUID | str]
) -> dict[str, StoredFile]:
    """The visible files among ``ids``, by id as text (one query)."""
    wanted = set()
    for value in ids:
        try:
            wanted.add(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))
        except ValueError:
            continue
    if not wanted:
        return {}
    found = session.execute(scoped(view, StoredFile).where(StoredFile.id.in_(wanted))).scalars()
    return {str(f.id): f for f in found}


def require_shared(session: Session, view: AllianceView, refs: dict[str, uuid.UUID]) -> None:
    """Each file named (by the field naming it) must be a shared file of the alliance that
    the caller sees, else 422 on that field."""
    found = by_id(session, view, refs.values())
    for name, file_id in refs.items():
        stored = found.get(str(file_id))
        if stored is None or stored.visibility != "shared":
            raise ValidationFailed(name, "is not a shared file of this alliance")


def open_content(settings: Settings, stored: StoredFile) -> BinaryIO:
    """The file's content, checked again against its size and SHA-256 (410 if not)."""
    try:
        return storage(settings).open_verified(stored.storage_key, stored.size, stored.sha256)
    except FileUnavailable as exc:
        # The row promises content the storage no longer has: restore it from the backup.
        log.error("stored file %s (%s): %s", stored.id, stored.storage_key, exc.message)
        raise


def is_referenced(factory: sessionmaker[Session], key: str) -> bool:
    """Whether a committed row refers to stored content (a fresh session: the request's
    own transaction has ended)."""
    with factory() as session:
        found = session.execute(
            system_scope(select(StoredFile.id).where(StoredFile.storage_key == key).limit(1))
        ).first()
        return found is not None


def sweep_orphans(
    factory: sessionmaker[Session],
    settings: Settings,
    *,
    now: float | None = None,
    max_age: float = ORPHAN_AGE_SECONDS,
    every: float = 0,
) -> SweepReport:
    """Remove stored content no row refers to, and abandoned temporary files, once older
    than a day (idempotent; safe while uploads go on; at most once per ``every``
    seconds)."""

    def referenced() -> set[str]:
        with factory() as session:
            keys = session.execute(system_scope(select(StoredFile.storage_key))).scalars()
            return set(keys)

    return storage(settings).sweep(
        referenced, now=time.time() if now is None else now, max_age=max_age, every=every
    )
