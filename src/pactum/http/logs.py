"""No secret in the logs (LOG-1): the access log shows a link's token, code or key as
``[redacted]``.

Secret links carry their token in the query string (``/join?token=``,
``/password/reset?token=``, ``/calendar.ics?token=``); the server's access log would
otherwise write it to disk, where anyone reading the logs could use it.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl, urlencode

SECRET_PARAMETERS = frozenset({"token", "code", "key", "password", "secret"})
REDACTED = "[redacted]"
ACCESS_LOGGER = "uvicorn.access"


def redact(path_and_query: str) -> str:
    """The path with the values of secret query parameters replaced."""
    path, sep, query = path_and_query.partition("?")
    if not sep:
        return path_and_query
    pairs = parse_qsl(query, keep_blank_values=True)
    if not any(name.lower() in SECRET_PARAMETERS for name, _ in pairs):
        return path_and_query
    cleaned = [
        (name, REDACTED if name.lower() in SECRET_PARAMETERS else value) for name, value in pairs
    ]
    return f"{path}?{urlencode(cleaned, safe='[]')}"


class RedactSecrets(logging.Filter):
    """Rewrites an access-log record's path (uvicorn passes it as the third argument)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact, never drop."""
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact(args[2]), *args[3:])
        return True


def install() -> None:
    """Put the filter on the server's access log (idempotent)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, RedactSecrets) for f in logger.filters):
        logger.addFilter(RedactSecrets())
