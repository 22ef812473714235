"""Calendar invitations for meetings (iCalendar, RFC 5545 / RFC 5546 iTIP) and the file
responses of governance documents.

An invitation is a ``METHOD:REQUEST`` with the committee's seated members as attendees
(``CANCEL`` once the meeting is cancelled); its ``SEQUENCE`` is the meeting's version, so a
calendar replaces the event when the meeting moves. The text writing (escaping, folding,
CRLF) is the one the deadline feed uses.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import Response
from sqlalchemy.orm import Session

from pactum.access import AllianceView
from pactum.alliances.service import list_members
from pactum.core.time import ical_stamp, utcnow
from pactum.governance.service import committees
from pactum.models import Meeting
from pactum.obligations.calendar import CRLF, PRODID, escape, fold
from pactum.web.exports import slug

ICS_TYPE = "text/calendar; charset=utf-8"


def _stamp(moment: datetime) -> str:
    return ical_stamp(moment)


def meeting_uid(meeting_id: uuid.UUID) -> str:
    """The stable UID of a meeting's calendar event."""
    return f"meeting-{meeting_id}@pactum"


def invitation_text(
    session: Session, view: AllianceView, meeting: Meeting, *, base_url: str = ""
) -> str:
    """The meeting's invitation as an iCalendar text."""
    committee = committees.get_committee(session, view, meeting.committee_id)
    people = {m.user_id: m.user for m in list_members(session, view)}
    cancelled = meeting.status == "cancelled"
    link = f"{base_url.rstrip('/')}/alliances/{view.alliance_id}/meetings/{meeting.id}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"METHOD:{'CANCEL' if cancelled else 'REQUEST'}",
        "BEGIN:VEVENT",
        f"UID:{escape(meeting_uid(meeting.id))}",
        f"DTSTAMP:{_stamp(utcnow())}",
        f"DTSTART:{_stamp(meeting.starts_at)}",
        f"DTEND:{_stamp(meeting.ends_at)}",
        f"SEQUENCE:{meeting.version}",
        f"SUMMARY:{escape(f'{committee.name}: {meeting.title}')}",
        f"DESCRIPTION:{escape(f'{view.alliance.name}. Agenda and papers: {link}')}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
    ]
    if meeting.location:
        lines.append(f"LOCATION:{escape(meeting.location)}")
    organiser = people.get(meeting.created_by_id)
    if organiser is not None:
        lines.append(f"ORGANIZER;CN={_param(organiser.name)}:mailto:{organiser.email}")
    for seat in committees.seats(session, view, [committee.id], active_only=True):
        person = people.get(seat.user_id)
        if person is None:
            continue
        role = "REQ-PARTICIPANT" if seat.voting else "OPT-PARTICIPANT"
        lines.append(
            f"ATTENDEE;CN={_param(person.name)};ROLE={role};PARTSTAT=NEEDS-ACTION;"
            f"RSVP=TRUE:mailto:{person.email}"
        )
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + CRLF for line in lines)


def _param(text: str) -> str:
    """A parameter value: quoted, without the characters a quoted value may not hold."""
    cleaned = "".join(ch for ch in text if ch.isprintable() and ch not in '"')
    return f'"{cleaned}"'


def ics_response(
    session: Session, view: AllianceView, meeting: Meeting, base_url: str = ""
) -> Response:
    """The invitation as a download."""
    return Response(
        invitation_text(session, view, meeting, base_url=base_url),
        media_type=ICS_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{slug(meeting.title)}.ics"'},
    )


def pdf_response(content: bytes, title: str) -> Response:
    """A PDF download."""
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{slug(title)}.pdf"'},
    )


def zip_response(content: bytes, title: str) -> Response:
    """A ZIP download."""
    return Response(
        content,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{slug(title)}.zip"'},
    )
