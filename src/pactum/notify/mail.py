"""Outgoing e-mail over SMTP (``PACTUM_SMTP_*``); skipped, never failed, when no host is
configured.

A send that fails raises :class:`MailError`; callers that must not lose a message record
that it was not e-mailed and try again later (``pactum tick`` does).
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from pactum.settings import Settings


class MailError(Exception):
    """The SMTP server could not be reached or refused the message."""


@dataclass(frozen=True)
class Email:
    """One plain-text message to one person."""

    to: str
    subject: str
    text: str
    to_name: str = ""


def _one_line(text: str, limit: int = 200) -> str:
    """Header text: no line breaks or control characters (no header injection)."""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(cleaned.split())[:limit]


def build_message(email: Email, sender: str, *, domain: str = "pactum.local") -> EmailMessage:
    """The MIME message for ``email`` (UTF-8 text, Date and Message-ID set)."""
    message = EmailMessage()
    message["From"] = _one_line(sender, 320)
    name, address = parseaddr(email.to)
    if not address or "@" not in address:
        raise MailError(f"not an e-mail address: {email.to!r}")
    user, _, host = address.partition("@")
    message["To"] = Address(_one_line(email.to_name or name, 200), user, host)
    message["Subject"] = _one_line(email.subject)
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(email.text)
    return message


class Mailer:
    """Sends e-mail with the instance's SMTP settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @property
    def configured(self) -> bool:
        """Whether an SMTP host is set (otherwise e-mail is skipped)."""
        return bool(self.settings.smtp_host)

    def describe(self) -> str:
        """Where mail goes, for operators (no secrets)."""
        if not self.configured:
            return "e-mail off (PACTUM_SMTP_HOST is not set)"
        tls = " with STARTTLS" if self.settings.smtp_starttls else ""
        return f"SMTP {self.settings.smtp_host}:{self.settings.smtp_port}{tls}"

    def send(self, email: Email) -> bool:
        """Send one message: ``True`` when sent, ``False`` when e-mail is off.

        Raises :class:`MailError` when the server cannot be reached or refuses it.
        """
        if not self.configured:
            return False
        message = build_message(email, self.settings.smtp_from)
        config = self.settings
        try:
            with smtplib.SMTP(
                config.smtp_host, config.smtp_port, timeout=config.smtp_timeout_seconds
            ) as smtp:
                smtp.ehlo()
                if config.smtp_starttls:
                    smtp.starttls(context=ssl.create_default_context())
                    smtp.ehlo()
                if config.smtp_user:
                    smtp.login(config.smtp_user, config.smtp_password)
                smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            raise MailError(f"{exc.__class__.__name__}: {exc}") from exc
        return True
