"""My notifications: the list, marking read, and export."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from pactum.http.db import DbSession
from pactum.notify import service as notifications
from pactum.web.exports import ExportFormat, table_response
from pactum.web.forms import page, redirect
from pactum.web.session import Form, WebUser

router = APIRouter()


@router.get("/notifications", response_class=HTMLResponse)
def notifications_page(request: Request, db: DbSession, info: WebUser) -> HTMLResponse:
    """My notifications for the organisation I act for, newest first."""
    unread_only = request.query_params.get("unread") == "1"
    found = notifications.list_notifications(db, info.principal, unread_only=unread_only)
    return page(
        request,
        "notifications.html",
        {
            "rows": found,
            "unread_only": unread_only,
            "unread": notifications.unread_count(db, info.principal),
        },
        nav="notifications",
    )


@router.get("/notifications.{fmt}")
def notifications_export(fmt: ExportFormat, db: DbSession, info: WebUser) -> Response:
    """My notifications as CSV or Excel."""
    rows = [
        [n.created_at, n.text, n.link, n.read_at]
        for n in notifications.list_notifications(db, info.principal)
    ]
    header = ["Received (UTC)", "Message", "Link", "Read (UTC)"]
    return table_response(fmt, "my-notifications", header, rows, title="Notifications")


@router.post("/notifications/read-all")
def notifications_read_all(db: DbSession, info: WebUser, form: Form) -> Response:
    """Mark all my notifications read."""
    notifications.mark_all_read(db, info.principal)
    return redirect("/notifications", "notifications_read")


@router.post("/notifications/{notification_id}/read")
def notification_read(
    notification_id: uuid.UUID, db: DbSession, info: WebUser, form: Form
) -> Response:
    """Mark one of my notifications read."""
    notifications.mark_read(db, info.principal, notification_id)
    return redirect("/notifications", "notification_read")
