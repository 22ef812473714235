"""The input rules (IN-1), each by the example that broke a page: a control character in
a name, a meeting at 9999-12-31 22:00Z, an impossible date in a YAML document, a
duplicate JSON key, a negative amount in a CSV export."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from pactum.core.text import date_problem, printable, text_problem
from pactum.settings import Settings
from pactum.valuation.documents import DocumentError, load_json, load_yaml
from pactum.web.exports import csv_response
from tests.conftest import World
from tests.support import sign_in
from tests.valuation.cases import FAIR

A = "/api/v1/alliances/{}"


def _api(world: World, tail: str) -> str:
    return A.format(world.alliance_id) + tail


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("Helix\x07", "control characters (found U+0007)"),
        ("He\x85lix", "control characters (found U+0085)"),
        ("Helix\u202eahcaP", "bidirectional control characters (found U+202E)"),
        ("Helix\u2066", "bidirectional control characters (found U+2066)"),
        ("Helix\ufffe", "non-characters (found U+FFFE)"),
        ("Helix\nBio", "must be on one line"),
        ("Helix\tBio", "must be on one line"),
    ],
)
def test_one_line_text_refuses_controls_with_the_field(
    client: TestClient, world: World, value: str, rule: str
) -> None:
    """A title is one line without controls: a 422 naming the field and the rule."""
    answer = client.post(
        _api(world, "/objectives"), headers=world["a_manager"].headers, json={"title": value}
    )
    assert answer.status_code == 422
    [problem] = answer.json()["detail"]
    assert problem["field"] == "title"
    assert rule in problem["rule"]


def test_multi_line_text_keeps_line_breaks_and_tabs(client: TestClient, world: World) -> None:
    """A description may hold line breaks and tabs, never other controls."""
    url = _api(world, "/objectives")
    headers = world["a_manager"].headers
    kept = client.post(url, headers=headers, json={"title": "Aim", "description": "a\n\tb\r\nc"})
    assert kept.status_code == 201, kept.text
    refused = client.post(url, headers=headers, json={"title": "Aim", "description": "a\x1bb"})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["field"] == "description"


def _meeting(client: TestClient, world: World, starts: str, ends: str) -> int:
    headers = world["a_manager"].headers
    committee = client.post(
        _api(world, "/committees"), headers=headers, json={"name": "JSC", "kind": "jsc"}
    )
    assert committee.status_code == 201, committee.text
    answer = client.post(
        _api(world, f"/committees/{committee.json()['id']}/meetings"),
        headers=headers,
        json={"title": "Far away", "starts_at": starts, "ends_at": ends},
    )
    return answer.status_code


@pytest.mark.parametrize(
    ("starts", "ends"),
    [
        ("9999-12-31T22:00:00Z", "9999-12-31T23:00:00Z"),
        ("2200-12-31T22:00:00-05:00", "2200-12-31T23:00:00-05:00"),  # 2201 in UTC
        ("1899-12-31T10:00:00Z", "1899-12-31T11:00:00Z"),
    ],
)
def test_a_meeting_out_of_range_is_refused_and_the_committees_still_render(
    client: TestClient, db: Session, settings: Settings, world: World, starts: str, ends: str
) -> None:
    """Years 1900-2200, also once moved to UTC: a 422; the committee pages still answer."""
    assert _meeting(client, world, starts, ends) == 422
    sign_in(client, db, settings, world["a_manager"])
    for page in ("/committees", "/meetings", "/calendar.ics"):
        answer = client.get(f"/alliances/{world.alliance_id}{page}")
        assert answer.status_code in (200, 404), (page, answer.status_code)


def test_an_impossible_date_in_yaml_is_a_field_error(
    client: TestClient, db: Session, settings: Settings, world: World
) -> None:
    """``2026-02-30`` in a deal typed as YAML: the form says which date is wrong (no 500)."""
    csrf = sign_in(client, db, settings, world["a_manager"])
    deal = "name: Bad date\nvaluation_date: 2026-02-30\n" + "\n".join(
        f"{k}: {v!r}" for k, v in FAIR.items() if k not in ("name", "valuation_date")
    ).replace("'", '"')
    answer = client.post(
        f"/alliances/{world.alliance_id}/scenarios/new",
        data={"csrf_token": csrf, "name": "Bad date", "deal": deal},
    )
    assert answer.status_code == 422
    assert "valuation_date" in answer.text


def test_yaml_and_json_documents_are_read_strictly() -> None:
    """No duplicate keys, no implicit timestamps (dates are checked by the schema), no
    NaN or infinity."""
    with pytest.raises(DocumentError, match="key 'fee' is given twice"):
        load_yaml("fee: 1\nfee: 2\n")
    assert load_yaml("day: 2026-02-30\n") == {"day": "2026-02-30"}
    with pytest.raises(DocumentError):
        load_yaml("rate: .nan\n")
    with pytest.raises(DocumentError, match="given twice"):
        load_json('{"a": 1, "a": 2}')
    with pytest.raises(DocumentError):
        load_json('{"a": NaN}')


def test_a_duplicate_json_key_is_refused_naming_the_key(client: TestClient, world: World) -> None:
    """``"visibility":"private","visibility":"shared"`` is a 422, and nothing is created."""
    url = _api(world, "/objectives")
    headers = {**world["a_manager"].headers, "Content-Type": "application/json"}
    before = len(client.get(url, headers=headers).json())
    answer = client.post(
        url,
        headers=headers,
        content=b'{"title": "Aim", "visibility": "private", "visibility": "shared"}',
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["field"] == "visibility"
    assert "given twice" in answer.json()["detail"][0]["rule"]
    assert len(client.get(url, headers=headers).json()) == before


def test_negative_amounts_in_csv_are_numbers_and_formulas_are_not() -> None:
    """The formula guard leaves numbers alone (-12.50 stays -12.50) and guards text that
    starts like a formula (=, +, -, @, tab, CR), even text that reads like a number:
    what a person typed stays what they typed."""
    body = csv_response(
        "x.csv", ["Text", "Amount"], [["-cmd", -12.5], ["=1+2", "-3"], ["+1+cmd", 0]]
    ).body
    rows = list(csv.reader(io.StringIO(bytes(body).decode("utf-8-sig"))))
    assert rows[1] == ["'-cmd", "-12.5"]
    assert rows[2] == ["'=1+2", "'-3"]
    assert rows[3] == ["'+1+cmd", "0"]


@given(st.text())
def test_printable_leaves_nothing_the_rules_refuse(value: str) -> None:
    """What :func:`printable` returns passes the multi-line rule, for any text."""
    assert text_problem(printable(value), multiline=True) is None


@given(st.dates())
def test_the_date_rule_is_the_range(day: date) -> None:
    """A date passes exactly when its year is within 1900-2200."""
    assert (date_problem(day) is None) == (1900 <= day.year <= 2200)
