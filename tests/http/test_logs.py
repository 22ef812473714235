"""LOG-1: a secret link's token never reaches the access log."""

from __future__ import annotations

import logging

from pactum.http.logs import REDACTED, RedactSecrets, install, redact


def test_secret_query_values_are_redacted_and_the_rest_kept() -> None:
    """Token, code and key values are replaced; other parameters and paths stay."""
    assert redact("/calendar.ics?token=abc123") == f"/calendar.ics?token={REDACTED}"
    assert redact("/join?token=s3cr3t&next=%2Fa") == f"/join?token={REDACTED}&next=%2Fa"
    assert redact("/password/reset?Token=x") == f"/password/reset?Token={REDACTED}"
    assert redact("/alliances?q=token") == "/alliances?q=token"
    assert redact("/alliances") == "/alliances"


def test_the_access_log_record_is_rewritten(caplog: object) -> None:
    """The filter on uvicorn's access logger rewrites the path argument it logs."""
    install()
    install()
    logger = logging.getLogger("uvicorn.access")
    assert sum(isinstance(f, RedactSecrets) for f in logger.filters) == 1
    record = logger.makeRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/join?token=very-secret-value", "1.1", 200),
        None,
    )
    for item in logger.filters:
        assert isinstance(item, logging.Filter)
        item.filter(record)
    assert "very-secret-value" not in record.getMessage()
    assert REDACTED in record.getMessage()
