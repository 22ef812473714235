"""Shared building blocks of the governance schemas: the choices, texts and papers."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import AfterValidator, StringConstraints, model_validator

from pactum.core.schemas import Input, Name

Kind = Literal["jsc", "jdc", "jcc", "jmc", "jrc", "working_group", "executive_officers", "other"]
Cadence = Literal["monthly", "quarterly", "half_yearly", "yearly", "ad_hoc"]
Rotation = Literal["fixed", "alternate_yearly", "alternate_each_meeting"]
AbsenceRule = Literal["no_quorum_no_decision", "recalled_meeting_proceeds"]
ItemKind = Literal["information", "discussion", "decision"]
Choice = Literal["yes", "no", "abstain"]
Text = Annotated[str, StringConstraints(min_length=1, max_length=20000)]
# An agenda item's papers (links and files together), and a paper's title (as ``Name``).
MAX_PAPERS = 50
MAX_PAPER_TITLE = 200


def _domain(value: str) -> str:
    text = " ".join(value.split()).lower()
    if not text or len(text) > 60:
        raise ValueError("must be 1 to 60 characters")
    return text


Domain = Annotated[str, AfterValidator(_domain)]
Option = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]


def _link(value: str) -> str:
    if not value.startswith(("https://", "http://")):
        raise ValueError("must be an http(s) link")
    return value


class Paper(Input):
    """A paper for an agenda item: a title and either a link to it or one of the
    alliance's uploaded files (``file_id``; upload with ``POST .../items/{id}/papers``)."""

    title: Name
    url: Annotated[str, StringConstraints(max_length=2000), AfterValidator(_link)] | None = None
    file_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _link_or_file(self) -> Paper:
        """Exactly one of ``url`` and ``file_id``."""
        if (self.url is None) == (self.file_id is None):
            raise ValueError("give either url or file_id")
        return self
