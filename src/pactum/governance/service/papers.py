"""Agenda papers that are uploaded files: the file's row is added and the paper put on
the item in one transaction, after the content was stored (DATA-3); like any other edit
of an item it bumps the item's and meeting's versions and invalidates the minutes'
signatures."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from pactum.access import AllianceView
from pactum.access.records import audit_record
from pactum.core.errors import Conflict, ValidationFailed
from pactum.core.text import text_problem
from pactum.files import service as files
from pactum.governance.schemas.common import MAX_PAPER_TITLE, MAX_PAPERS
from pactum.governance.service import meetings
from pactum.models import AgendaItem, Meeting, StoredFile


def precheck(
    session: Session, view: AllianceView, meeting_id: uuid.UUID, item_id: uuid.UUID
) -> None:
    """What must hold before an upload is accepted (nothing is stored otherwise): the
    permission, the item (404), a meeting not cancelled and minutes not locked."""
    view.require("meetings.write")
    item = meetings.get_item(session, view, meeting_id, item_id)
    _check_open(meetings.get_meeting(session, view, item.meeting_id))


def _check_open(meeting: Meeting) -> None:
    if meeting.status == "cancelled":
        raise Conflict("status: the meeting was cancelled")
    meetings.check_minutes_open(meeting)


def paper_title(title: str, upload: files.Upload) -> str:
    """The paper's title: as given (at most ``MAX_PAPER_TITLE`` characters), else the
    file's name."""
    text = " ".join(title.split())
    problem = text_problem(text)
    if problem is not None:
        raise ValidationFailed("title", problem)
    if len(text) > MAX_PAPER_TITLE:
        raise ValidationFailed("title", f"must be at most {MAX_PAPER_TITLE} characters")
    return text or upload.display_name[:MAX_PAPER_TITLE]


def add_file_paper(
    session: Session,
    view: AllianceView,
    meeting_id: uuid.UUID,
    item_id: uuid.UUID,
    title: str,
    upload: files.Upload,
) -> tuple[AgendaItem, StoredFile]:
    """Record the stored file and add it to the item's papers (audited)."""
    view.require("meetings.write")
    meeting = meetings.get_meeting(session, view, meeting_id, lock=True)
    _check_open(meeting)
    item = meetings.get_item(session, view, meeting_id, item_id)
    if len(item.papers) >= MAX_PAPERS:
        raise ValidationFailed("file", f"an agenda item has at most {MAX_PAPERS} papers")
    name = paper_title(title, upload)
    stored = files.record(session, view, upload, visibility="shared")
    old = list(item.papers)
    item.papers = [*old, {"title": name, "file_id": str(stored.id)}]
    item.version += 1
    session.flush()
    audit_record(
        session,
        view,
        item,
        "agenda_item",
        "agenda.paper",
        old={"papers": old},
        new={"papers": item.papers},
    )
    meetings.minutes_changed(session, view, meeting, "a paper was added to an agenda item")
    return item, stored


def files_of(
    session: Session, view: AllianceView, items: list[AgendaItem]
) -> dict[str, StoredFile]:
    """The files among these items' papers, by id as text (one query)."""
    ids = [p["file_id"] for item in items for p in item.papers if p.get("file_id")]
    return files.by_id(session, view, ids)
