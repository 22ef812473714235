"""Helpers every pages module shares: rendering with fixed "done" messages, safe
redirects, and turning a service's error into messages next to the form's fields."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pydantic
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from starlette.datastructures import FormData

from pactum.core.errors import Conflict, PactumError, PreconditionFailed, ValidationFailed
from pactum.web.messages import DOMAIN_MESSAGES
from pactum.web.render import render
from pactum.web.session import field as form_field

# The messages of the accounts and people pages; every other domain's are in
# :mod:`pactum.web.messages` (one table, merged below: nothing is added at import time).
DONE_MESSAGES: dict[str, str] = {
    "signed_out": "You have signed out.",
    "password_changed": "Your password was changed.",
    "password_reset": "Your new password is set and your other sessions were ended. Sign in.",
    "totp_enabled": "Your second factor is on. Sign-ins will ask for a code from your app.",
    "totp_disabled": "Your second factor is off.",
    "token_revoked": "The token was revoked; it no longer works.",
    "org_switched": "You switched organisation.",
    "invitation_sent": (
        "Invitation sent. The person becomes a member of your organisation when they accept."
    ),
    "invitation_revoked": "The invitation was withdrawn; its link no longer works.",
    "joined": "You accepted the invitation and joined the organisation.",
    "joined_sign_in": "You joined the organisation. Sign in to continue.",
    "invitation_declined_self": "You declined the invitation.",
    "name_changed": "Your name was changed. What you signed keeps the name you signed with.",
    "person_updated": "Changes saved.",
    "person_deactivated": (
        "The membership was deactivated; their sessions and tokens for your organisation "
        "were ended."
    ),
    "person_reactivated": "The person was reactivated.",
    "org_created": "The organisation was created and its first administrator invited.",
    "alliance_created": "Alliance proposed. The partner's administrators will see the invitation.",
    "alliance_updated": "Alliance details saved.",
    "status_changed": "The alliance moved to its new stage.",
    "invitation_accepted": "Invitation accepted. Welcome to the alliance.",
    "invitation_declined": "Invitation declined.",
    "member_added": "Member added to the alliance.",
    "member_updated": "Alliance role changed.",
    "member_removed": "Member removed from the alliance.",
    "objective_added": "Objective added.",
    "objective_updated": "Objective saved.",
    "objective_shared": "Objective saved and now shared with the alliance.",
    "scenario_saved": "Scenario valued and saved.",
}
DONE_MESSAGES.update(DOMAIN_MESSAGES)

STALE_MESSAGE = (
    "This {thing} was changed by someone else since you opened it; reload the page to see "
    "the latest version, then make your change again."
)


def page(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    nav: str = "",
) -> HTMLResponse:
    """Render a page with the fixed "done" message (if any) and empty form errors."""
    ctx: dict[str, Any] = {
        "flash": DONE_MESSAGES.get(request.query_params.get("done", ""), ""),
        "nav": nav,
        "errors": FormErrors(),
    }
    ctx.update(context or {})
    return render(request, name, ctx, status_code=status_code)


def redirect(url: str, done: str = "", anchor: str = "") -> RedirectResponse:
    """A 303 redirect after a successful POST, with a fixed message key."""
    if done:
        url += ("&" if "?" in url else "?") + f"done={done}"
    if anchor:
        url += f"#{anchor}"
    return RedirectResponse(url, status_code=303)


def safe_next(value: str, default: str = "/alliances") -> str:
    """A local path to go to after signing in (never another site)."""
    if (
        value.startswith("/")
        and not value.startswith("//")
        and "\\" not in value
        and all(ch.isprintable() and not ch.isspace() for ch in value)
        and len(value) <= 500
    ):
        return value
    return default


def parse_uuid(value: str) -> uuid.UUID | None:
    """A UUID from a form field, or ``None``."""
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def checkbox(form: FormData, name: str) -> bool:
    """Whether a checkbox was ticked."""
    return form.get(name) is not None


def amount_text(value: str) -> str:
    """An amount as typed (``1,000.50``, ``1 000.50``) without its thousands separators,
    for the schema to check."""
    return value.replace(",", "").replace(" ", "").replace("\u00a0", "")


def form_version(form: FormData) -> int:
    """The version an edit form was rendered with. A missing or unreadable one counts as
    stale (-1 never matches), so a hand-made POST cannot skip the version check (DATA-1)."""
    value = form_field(form, "version")
    return int(value) if value.isdecimal() and len(value) <= 12 else -1


def int_field(form: FormData, name: str) -> int | None:
    """An integer form field, or ``None`` when empty or not a number."""
    value = form_field(form, name)
    return int(value) if value.isdecimal() and len(value) <= 12 else None


@dataclass
class FormErrors:
    """What went wrong with a posted form: messages by field id, plus general ones."""

    form: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    status_code: int = 422

    def __bool__(self) -> bool:
        return bool(self.fields or self.general)

    def get(self, field_id: str) -> str:
        """The message for one field (empty when it is fine)."""
        return self.fields.get(field_id, "")

    def merge(self, other: FormErrors) -> None:
        """Add another form's problems (keeping the first message of each field)."""
        if not self:
            self.status_code = other.status_code
        for key, message in other.fields.items():
            self.fields.setdefault(key, message)
        self.general.extend(other.general)

    @property
    def summary(self) -> list[tuple[str, str]]:
        """(field id or "", message) for the summary at the top of the page."""
        return [("", m) for m in self.general] + list(self.fields.items())


FORM_ERRORS = (
    ValidationFailed,
    Conflict,
    PreconditionFailed,
    pydantic.ValidationError,
    StaleDataError,
)


@contextmanager
def attempt(db: Session) -> Iterator[None]:
    """Run a service call in a savepoint: on a form error nothing it did is kept."""
    with db.begin_nested():
        yield


def _key(name: str) -> str:
    """``partners[0].org_id`` -> ``partners.0.org_id``."""
    return name.replace("[", ".").replace("]", "").strip(".")


def _friendly(err: Mapping[str, Any]) -> str:
    kind = str(err.get("type", ""))
    ctx: Mapping[str, Any] = err.get("ctx") or {}
    if kind == "missing":
        return "is required"
    if kind == "string_too_short":
        n = ctx.get("min_length", 1)
        return "is required" if n == 1 else f"must be at least {n} characters"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters"
    if kind == "too_short":
        return "choose at least one"
    if kind == "too_long":
        return f"choose at most {ctx.get('max_length')}"
    if kind in {"literal_error", "enum", "uuid_parsing", "uuid_type"}:
        return "choose one of the options"
    if kind.startswith("date") or kind.startswith("datetime"):
        return "must be a date such as 2027-03-31"
    if kind.startswith("int"):
        return "must be a whole number"
    msg = str(err.get("msg", "is not valid")).removeprefix("Value error, ")
    if "email" in msg.lower():
        return "must be a valid e-mail address"
    return msg[:1].lower() + msg[1:]


def _sentence(label: str, rule: str) -> str:
    """``Title`` + ``is required`` -> ``Title is required``."""
    if rule.startswith(("is ", "must ", "does ", "are ", "may ")):
        return f"{label} {rule}"
    if rule.startswith("choose "):
        return f"{label}: {rule}"
    first = rule.split(" ", 1)[0]
    if rule[:1].islower() and "@" not in first:
        return rule[:1].upper() + rule[1:]
    return rule


def _problems(exc: Exception) -> list[tuple[str, str]]:
    """(field key or "", rule) pairs of a service or schema error."""
    if isinstance(exc, pydantic.ValidationError):
        return [
            (".".join(str(p) for p in err["loc"]), _friendly(err))
            for err in exc.errors(include_url=False)
        ]
    if isinstance(exc, ValidationFailed):
        return [(_key(exc.field), exc.rule)]
    if isinstance(exc, PactumError):
        head, sep, rest = exc.message.partition(": ")
        if sep and head and all(ch.isalnum() or ch in "_.[]" for ch in head):
            return [(_key(head), rest)]
        return [("", exc.message)]
    return [("", str(exc))]


def form_errors(
    exc: Exception,
    fields: Mapping[str, str],
    labels: Mapping[str, str],
    *,
    form: str = "",
    thing: str = "record",
) -> FormErrors:
    """Turn an error into messages next to fields.

    ``fields`` maps a service/schema field name (``title``, ``partners.0.org_id``) to the
    id of the input on the page; ``labels`` maps input ids to their visible labels.
    """
    errors = FormErrors(form=form)
    errors.status_code = exc.status_code if isinstance(exc, PactumError) else 422
    if isinstance(exc, PreconditionFailed | StaleDataError):
        errors.status_code = 412
        errors.general.append(STALE_MESSAGE.format(thing=thing))
        return errors
    for key, rule in _problems(exc):
        target = ""
        parts = key.split(".") if key else []
        while parts and not target:
            target = fields.get(".".join(parts), "")
            parts.pop()
        if target:
            if target not in errors.fields:
                errors.fields[target] = _sentence(labels.get(target, target), rule)
        elif key:
            label = labels.get(key, key.split(".")[-1].replace("_", " ").capitalize())
            errors.general.append(f"{label}: {rule}" if not rule.startswith(label) else rule)
        else:
            errors.general.append(rule)
    return errors


def client_of(request: Request) -> str:
    """The client address, for throttling and the audit trail."""
    return request.client.host if request.client else "unknown"
